// One of several processes sharing a SQLite token store: it makes `calls` concurrent bound
// calls whose access token the emulator considers expired, and prints how many succeeded.
import { FlowsClient, NativeAppAuthClient, SQLiteTokenStorage, UserApp } from "../../src/index.ts";

const [dbPath, clientId, calls] = process.argv.slice(2) as [string, string, string];
const storage = new SQLiteTokenStorage(dbPath);
const loginClient = new NativeAppAuthClient(clientId);
const app = new UserApp("multi-process", {
  loginClient,
  // a login here would be a bug: the stored refresh token must be enough
  config: { tokenStorage: storage, tokenValidationErrorHandler: null },
});
const flows = new FlowsClient({ app });
const results = await Promise.allSettled(
  Array.from({ length: Number(calls) }, () => flows.listFlows().firstPage()),
);
const failed = results.filter((r) => r.status === "rejected");
for (const f of failed.slice(0, 3)) console.error(String((f as PromiseRejectedResult).reason));
console.log(JSON.stringify({ ok: results.length - failed.length, failed: failed.length }));
await app.close();
await storage.close();
