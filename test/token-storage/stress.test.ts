import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { JSONTokenStorage } from "../../src/token-storage/json.ts";
import { SQLiteTokenStorage } from "../../src/token-storage/sqlite.ts";
import type { TokenStorage } from "../../src/token-storage/types.ts";
import { tempDir } from "./helpers.ts";

const PROCESSES = 16;
const WRITES = 200;
const NAMESPACES = ["DEFAULT", "ns-a", "ns-b"];
const WORKER = fileURLToPath(new URL("./stress-worker.ts", import.meta.url));

function runWorker(
  kind: string,
  file: string,
  index: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, kind, file, String(index), String(WRITES)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      out += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 55_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** What each worker wrote last, per namespace and resource server (the worker's own plan). */
function expectedLastWrites(): Map<string, Map<string, string>> {
  const byNamespace = new Map(NAMESPACES.map((ns) => [ns, new Map<string, string>()]));
  for (let w = 0; w < PROCESSES; w++) {
    for (let i = 0; i < WRITES; i++) {
      byNamespace.get(NAMESPACES[i % 3]!)!.set(`rs-${w}-${i % 5}`, `w${w}-i${i}`);
    }
  }
  return byNamespace;
}

/** For the key every worker writes, the set of values that may legitimately be last. */
function possibleSharedValues(namespace: string): Set<string> {
  const values = new Set<string>();
  for (let w = 0; w < PROCESSES; w++) {
    let last: number | undefined;
    for (let i = 0; i < WRITES; i++) if (i % 7 === 0 && NAMESPACES[i % 3] === namespace) last = i;
    if (last !== undefined) values.add(`w${w}-i${last}`);
  }
  return values;
}

async function verify(open: (namespace: string) => TokenStorage): Promise<void> {
  const expected = expectedLastWrites();
  for (const namespace of NAMESPACES) {
    const store = open(namespace);
    try {
      const stored = await store.getTokenDataByResourceServer();
      const wanted = expected.get(namespace)!;
      for (const [rs, token] of wanted) {
        assert.equal(stored[rs]?.access_token, token, `${namespace}/${rs}`);
      }
      assert.ok(possibleSharedValues(namespace).has(stored["shared"]!.access_token), "shared key");
      assert.equal(Object.keys(stored).length, wanted.size + 1, `no stray keys in ${namespace}`);
    } finally {
      await store.close();
    }
  }
}

describe(`stress: ${PROCESSES} processes x ${WRITES} writes into one file`, {
  timeout: 120_000,
}, () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir("globus-stress-"));
  });
  after(() => cleanup());

  for (const kind of ["json", "sqlite"] as const) {
    test(`${kind}: every last write per key is present and no process crashed`, async () => {
      const file = path.join(dir, `tokens.${kind === "json" ? "json" : "db"}`);
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) => runWorker(kind, file, i)),
      );
      for (const [i, result] of results.entries()) {
        assert.equal(result.code, 0, `worker ${i} failed: ${result.out}`);
        assert.match(result.out, new RegExp(`done ${i}`));
      }
      if (kind === "json") {
        // the file parses and is in the Python format
        const doc = JSON.parse(readFileSync(file, "utf8"));
        assert.equal(doc.format_version, "2.0");
        assert.deepEqual(Object.keys(doc.data).sort(), [...NAMESPACES].sort());
        await verify((namespace) => new JSONTokenStorage(file, { namespace }));
      } else {
        await verify((namespace) => new SQLiteTokenStorage(file, { namespace }));
      }
      assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
    });
  }
});
