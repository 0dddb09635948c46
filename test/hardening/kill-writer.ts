// A writer for the kill -9 soak: stores ever newer tokens on its own resource servers in one
// shared JSON file, and prints `ack <resource server> <n>` after each store has returned.
// The parent kills it (SIGKILL) at random points, lock held or not. argv: file, worker id.
import { JSONTokenStorage } from "../../src/token-storage/json.ts";

const [file, worker] = process.argv.slice(2);
const storage = new JSONTokenStorage(file!, { lockTimeoutMs: 60_000 });
const start = Date.now() * 1000;
// from here on this writer is always trying to take the lock
process.stdout.write("ready\n");
for (let n = 0; ; n++) {
  const resourceServer = `rs-${worker}-${n % 3}`;
  const sequence = start + n;
  await storage.storeTokenDataByResourceServer({
    [resourceServer]: {
      resource_server: resourceServer,
      identity_id: null,
      scope: "kill:soak",
      access_token: `at-${worker}-${sequence}`,
      refresh_token: null,
      expires_at_seconds: 2_000_000_000,
      token_type: "Bearer",
      sequence,
    },
  });
  process.stdout.write(`ack ${resourceServer} ${sequence}\n`);
}
