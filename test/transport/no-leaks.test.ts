import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

test("no error message, error field or debug log line contains a token or secret", () => {
  const token = "AgTokenValue0123456789abcdef";
  const secret = "RefreshSecret9876543210zyx";
  const worker = fileURLToPath(new URL("./leak-worker.ts", import.meta.url));
  const result = spawnSync(process.execPath, [worker, token, secret], {
    env: { ...process.env, NODE_DEBUG: "globus-sdk" },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const output = result.stdout + result.stderr;
  // the worker really exercised every mode and debug logging was on
  for (let mode = 0; mode < 7; mode++) assert.match(output, new RegExp(`mode ${mode}: \\w+`));
  assert.match(result.stderr, /GLOBUS-SDK \d+: (GET|POST) http:\/\/127\.0\.0\.1/);
  assert.match(output, /TimeoutError/);
  assert.match(output, /NetworkError/);
  assert.match(output, /MalformedResponseError/);
  assert.match(output, /AuthenticationFailed/);
  assert.ok(!output.includes(token), "the access token leaked");
  assert.ok(!output.includes(secret), "the refresh token leaked");
});
