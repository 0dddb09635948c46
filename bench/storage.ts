import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { JSONTokenStorage } from "../src/token-storage/json.ts";
import { MemoryTokenStorage } from "../src/token-storage/memory.ts";
import { SQLiteTokenStorage } from "../src/token-storage/sqlite.ts";
import type { TokenData, TokenStorage } from "../src/token-storage/types.ts";
import type { BenchResult } from "./types.ts";

const RESOURCE_SERVERS = 10;
const SECONDS_PER_MEASURE = 1;

function entry(resourceServer: string, i: number): TokenData {
  return {
    resource_server: resourceServer,
    identity_id: "8ca28797-3541-4a5d-a264-05b00f91e608",
    scope: "urn:globus:auth:scope:transfer.api.globus.org:all",
    access_token: `AgAccessToken${i}`.padEnd(80, "x"),
    refresh_token: `AgRefreshToken${i}`.padEnd(80, "y"),
    expires_at_seconds: 2_000_000_000 + i,
    token_type: "Bearer",
  };
}

/** Operations per second of `op`, run repeatedly for a fixed time. */
async function opsPerSecond(op: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 50; i++) await op(i); // warm-up
  const end = performance.now() + SECONDS_PER_MEASURE * 1000;
  let count = 0;
  const start = performance.now();
  while (performance.now() < end) {
    await op(count);
    count++;
  }
  return count / ((performance.now() - start) / 1000);
}

/**
 * Get and store operations per second of the memory, JSON and SQLite storages. The JSON and
 * SQLite baseline is the raw floor for the same document: `JSON.parse(readFileSync())` for a
 * get and `writeFileSync(JSON.stringify())` for a store (no lock, no atomic replace, no
 * fsync). The memory baseline is a bare Map.
 */
export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "globus-bench-storage-"));
  try {
    const seed: Record<string, TokenData> = {};
    for (let i = 0; i < RESOURCE_SERVERS; i++) seed[`rs-${i}`] = entry(`rs-${i}`, i);

    // raw fs baseline on the same document shape
    const rawFile = path.join(dir, "raw.json");
    const rawDoc = {
      data: { DEFAULT: { ...seed } },
      format_version: "2.0",
      "globus-sdk.version": "0",
    };
    writeFileSync(rawFile, JSON.stringify(rawDoc));
    const rawGet = await opsPerSecond((i) => {
      const doc = JSON.parse(readFileSync(rawFile, "utf8"));
      return doc.data.DEFAULT[`rs-${i % RESOURCE_SERVERS}`];
    });
    const rawStore = await opsPerSecond((i) => {
      const doc = JSON.parse(readFileSync(rawFile, "utf8"));
      doc.data.DEFAULT[`rs-${i % RESOURCE_SERVERS}`] = entry(`rs-${i % RESOURCE_SERVERS}`, i);
      writeFileSync(rawFile, JSON.stringify(doc));
    });
    const map = new Map(Object.entries(seed));
    const mapGet = await opsPerSecond((i) => map.get(`rs-${i % RESOURCE_SERVERS}`));
    const mapStore = await opsPerSecond((i) =>
      map.set(`rs-${i % RESOURCE_SERVERS}`, entry(`rs-${i % RESOURCE_SERVERS}`, i)),
    );

    const storages: [string, TokenStorage, number, number][] = [
      ["memory", new MemoryTokenStorage(), mapGet, mapStore],
      ["json", new JSONTokenStorage(path.join(dir, "tokens.json")), rawGet, rawStore],
      ["sqlite", new SQLiteTokenStorage(path.join(dir, "tokens.db")), rawGet, rawStore],
    ];
    const results: BenchResult[] = [];
    for (const [name, storage, baseGet, baseStore] of storages) {
      await storage.storeTokenDataByResourceServer(seed);
      const get = await opsPerSecond((i) => storage.getTokenData(`rs-${i % RESOURCE_SERVERS}`));
      const store = await opsPerSecond((i) =>
        storage.storeTokenDataByResourceServer({
          [`rs-${i % RESOURCE_SERVERS}`]: entry(`rs-${i % RESOURCE_SERVERS}`, i),
        }),
      );
      await storage.close();
      const baseline = name === "memory" ? "a bare Map" : "raw readFileSync+JSON.parse";
      results.push({
        name: `storage-${name}-get`,
        ours: Math.round(get),
        baseline: Math.round(baseGet),
        unit: "ops/s",
        ratio: get / baseGet,
        note: `getTokenData with ${RESOURCE_SERVERS} entries vs ${baseline}; higher is better`,
      });
      results.push({
        name: `storage-${name}-store`,
        ours: Math.round(store),
        baseline: Math.round(baseStore),
        unit: "ops/s",
        ratio: store / baseStore,
        note:
          name === "memory"
            ? "storeTokenDataByResourceServer (one entry, validated and copied) vs Map.set; higher is better"
            : `one-entry store (${name === "json" ? "lock + atomic replace + fsync" : "BEGIN IMMEDIATE transaction, WAL"}) vs raw read+writeFileSync without fsync; higher is better`,
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const r of await run()) {
    console.log(
      `${r.name}: ours ${r.ours}, baseline ${r.baseline} ${r.unit}, ratio ${r.ratio.toFixed(3)}`,
    );
  }
}
