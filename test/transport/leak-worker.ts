import { inspect } from "node:util";
// Child process for the leak test: drives every failure mode with a secret token and a
// secret form field, printing each error's message, toString and JSON to stdout.
import { Transport } from "../../src/transport/index.ts";
import { json, startTestServer } from "../helpers/http-server.ts";

const TOKEN = process.argv[2]!;
const SECRET = process.argv[3]!;
const server = await startTestServer();
// The server echoes whatever credentials it received, as a careless service might.
let received = "";
const echo = (text: string) => `${text} ${received}`;
const modes: Array<(res: import("node:http").ServerResponse) => void> = [
  (res) => json(res, 401, { code: "AuthenticationFailed", message: echo("bad token") }),
  (res) => json(res, 403, { error: "invalid_grant", error_description: echo("revoked") }),
  (res) => json(res, 500, { errors: [{ code: "X", detail: echo("boom") }] }),
  (res) => {
    res.writeHead(502, { "Content-Type": "text/plain" });
    res.end(echo("gateway"));
  },
  (res) => res.socket?.destroy(),
  () => {},
  (res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(`{"token": "${received}`);
  },
];
const transport = new Transport({
  baseUrl: server.url,
  timeout: 100,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  authorizer: {
    getAuthorizationHeader: async () => `Bearer ${TOKEN}`,
    handleMissingAuthorization: async () => false,
  },
});
for (const [index, mode] of modes.entries()) {
  server.handle((req, res) => {
    received = `${req.headers.authorization ?? ""} ${req.url} ${req.body}`;
    mode(res);
  });
  for (const request of [
    { path: `/m${index}?access_token=${TOKEN}` },
    {
      method: "POST" as const,
      path: `/m${index}`,
      form: { refresh_token: SECRET, grant_type: "refresh_token" },
    },
  ]) {
    try {
      await transport.request(request);
      console.log(`mode ${index}: no error`);
    } catch (error) {
      const e = error as Error;
      console.log(`mode ${index}: ${e.name}: ${e.message} | ${String(e)} | ${JSON.stringify(e)}`);
      console.log(`  stack: ${e.stack}`);
      // the whole error as Node prints it, causes included
      console.log(inspect(e, { depth: 6 }));
      for (const key of Object.keys(e))
        console.log(`  ${key}: ${JSON.stringify((e as never)[key])}`);
    }
  }
}
await server.close();
