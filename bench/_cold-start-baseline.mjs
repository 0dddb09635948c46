// Cold start, the limit: a fresh process reads the same token file, takes the Flows access
// token, and makes the same GET with bare node:http; it prints its peak resident memory.
// Plain JavaScript, as is ours: neither pays for TypeScript type stripping.
import { readFileSync } from "node:fs";
import { request } from "node:http";

const [tokenPath, url] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(tokenPath, "utf8"));
const token = doc.data["DEFAULT"]?.["flows.globus.org"]?.access_token;
const body = await new Promise((resolve, reject) => {
  const req = request(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      text += chunk;
    });
    res.on("end", () =>
      res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}`)),
    );
  });
  req.on("error", reject);
  req.end();
});
if (!JSON.parse(body).flows?.length) throw new Error("no flows listed");
console.log(JSON.stringify({ maxRSS: process.resourceUsage().maxRSS }));
