// One of the stress test's writer processes: argv = kind, file, worker index, writes.
import { JSONTokenStorage } from "../../src/token-storage/json.ts";
import { SQLiteTokenStorage } from "../../src/token-storage/sqlite.ts";
import type { TokenStorage } from "../../src/token-storage/types.ts";

const [kind, file, workerArg, writesArg] = process.argv.slice(2);
const worker = Number(workerArg);
const writes = Number(writesArg);
const NAMESPACES = ["DEFAULT", "ns-a", "ns-b"];

function open(namespace: string): TokenStorage {
  return kind === "sqlite"
    ? new SQLiteTokenStorage(file!, { namespace, busyTimeoutMs: 30_000 })
    : new JSONTokenStorage(file!, { namespace, lockTimeoutMs: 30_000 });
}

function entry(resourceServer: string, i: number) {
  return {
    resource_server: resourceServer,
    identity_id: `identity-${worker}`,
    scope: "stress:scope",
    access_token: `w${worker}-i${i}`,
    refresh_token: null,
    expires_at_seconds: 2_000_000_000 + i,
    token_type: "Bearer",
  };
}

const stores = NAMESPACES.map(open);
for (let i = 0; i < writes; i++) {
  const store = stores[i % NAMESPACES.length]!;
  const rs = `rs-${worker}-${i % 5}`;
  if (i % 7 === 0) {
    // a multi-entry write, which must land as a whole
    await store.storeTokenDataByResourceServer({ [rs]: entry(rs, i), shared: entry("shared", i) });
  } else {
    await store.storeTokenDataByResourceServer({ [rs]: entry(rs, i) });
  }
  if (i % 10 === 0) await store.getTokenDataByResourceServer();
}
for (const store of stores) await store.close();
process.stdout.write(`done ${worker}\n`);
