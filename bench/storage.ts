/**
 * Token storage get and store rates, each against its floor measured in the same run, as
 * medians of interleaved rounds:
 * - JSON and SQLite at 10, 100 and 1,000 resource servers, against raw file access to the
 *   same document (`JSON.parse(readFileSync())` for a get; that plus `writeFileSync` of the
 *   same bytes, no lock, no atomic replace, no fsync, for a store);
 * - JSON's get rate at 1,000 resource servers against its own rate at 10 (flat is the goal);
 * - memory against a bare Map;
 * - Redis (a real redis-server on loopback) against bare node-redis HGET/HSET of the same JSON.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "redis";
import { RedisTokenStorage } from "../src/redis/index.ts";
import { replaceNeedsFlush } from "../src/token-storage/durability.ts";
import { JSONTokenStorage } from "../src/token-storage/json.ts";
import { MemoryTokenStorage } from "../src/token-storage/memory.ts";
import { SQLiteTokenStorage } from "../src/token-storage/sqlite.ts";
import { pythonJsonDumps, toStoredObject } from "../src/token-storage/token-data.ts";
import type { TokenData, TokenStorage } from "../src/token-storage/types.ts";
import { startRedis } from "../test/helpers/redis.ts";
import { type BenchResult, median } from "./types.ts";

const SIZES = [10, 100, 1_000] as const;
const ROUNDS = 5;
const MS_PER_MEASURE = 300;

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

function seedOf(size: number): Record<string, TokenData> {
  const seed: Record<string, TokenData> = {};
  for (let i = 0; i < size; i++) seed[`rs-${i}`] = entry(`rs-${i}`, i);
  return seed;
}

/** Operations per second of `op` over one measure. */
async function rate(op: (i: number) => unknown): Promise<number> {
  const end = performance.now() + MS_PER_MEASURE;
  let count = 0;
  const start = performance.now();
  while (performance.now() < end) {
    await op(count);
    count++;
  }
  return count / ((performance.now() - start) / 1000);
}

interface Variant {
  key: string;
  op: (i: number) => unknown;
}

/** Median rate of each variant, measured in interleaved rounds after a warm-up. */
async function measure(variants: Variant[]): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  for (const v of variants) for (let i = 0; i < 50; i++) await v.op(i);
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) samples.get(v.key)!.push(await rate(v.op));
  }
  return new Map([...samples].map(([key, values]) => [key, median(values)]));
}

function row(
  name: string,
  ours: number,
  baseline: number,
  note: string,
  target?: string,
): BenchResult {
  return {
    name,
    ours: Math.round(ours),
    baseline: Math.round(baseline),
    unit: "ops/s",
    ratio: ours / baseline,
    ...(target ? { target } : {}),
    note: `${note}; median of ${ROUNDS} interleaved rounds; higher is better`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "globus-bench-storage-"));
  // what the default (fsync: "auto") does when it replaces a file in this folder
  const defaultFlush = replaceNeedsFlush(dir)
    ? "fsync (this file system needs it)"
    : "no fsync (this file system orders the rename after the data)";
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const variants: Variant[] = [];
    const rs = (size: number, i: number) => `rs-${i % size}`;
    for (const size of SIZES) {
      const seed = seedOf(size);
      // the floor: the same document (in the Python SDK's format) with raw file calls
      const rawFile = path.join(dir, `raw-${size}.json`);
      const doc = {
        data: {
          DEFAULT: Object.fromEntries(Object.entries(seed).map(([k, v]) => [k, toStoredObject(v)])),
        },
        format_version: "2.0",
        globus_sdk_version: "4.9.0",
      };
      writeFileSync(rawFile, pythonJsonDumps(doc));
      variants.push(
        {
          key: `raw-get-${size}`,
          op: (i) => JSON.parse(readFileSync(rawFile, "utf8")).data.DEFAULT[rs(size, i)],
        },
        {
          key: `raw-store-${size}`,
          op: (i) => {
            const current = JSON.parse(readFileSync(rawFile, "utf8"));
            current.data.DEFAULT[rs(size, i)] = toStoredObject(entry(rs(size, i), i));
            writeFileSync(rawFile, pythonJsonDumps(current));
          },
        },
      );
      const kinds: [string, TokenStorage][] = [
        ["json", new JSONTokenStorage(path.join(dir, `tokens-${size}.json`))],
        ["sqlite", new SQLiteTokenStorage(path.join(dir, `tokens-${size}.db`))],
      ];
      if (size === 10) {
        kinds.push([
          "json-fsync",
          new JSONTokenStorage(path.join(dir, "fsync.json"), { fsync: true }),
        ]);
      }
      for (const [kind, storage] of kinds) {
        await storage.storeTokenDataByResourceServer(seed);
        closers.push(() => storage.close());
        variants.push(
          { key: `${kind}-get-${size}`, op: (i) => storage.getTokenData(rs(size, i)) },
          {
            key: `${kind}-store-${size}`,
            op: (i) =>
              storage.storeTokenDataByResourceServer({ [rs(size, i)]: entry(rs(size, i), i) }),
          },
        );
      }
    }
    const seed = seedOf(10);
    const memory = new MemoryTokenStorage();
    await memory.storeTokenDataByResourceServer(seed);
    const map = new Map(Object.entries(seed));
    variants.push(
      { key: "memory-get", op: (i) => memory.getTokenData(rs(10, i)) },
      {
        key: "memory-store",
        op: (i) => memory.storeTokenDataByResourceServer({ [rs(10, i)]: entry(rs(10, i), i) }),
      },
      { key: "map-get", op: (i) => map.get(rs(10, i)) },
      { key: "map-store", op: (i) => map.set(rs(10, i), entry(rs(10, i), i)) },
    );

    const redis = await startRedis();
    closers.push(() => redis.stop());
    const redisStore = new RedisTokenStorage({ url: redis.url });
    closers.push(() => redisStore.close());
    await redisStore.storeTokenDataByResourceServer(seed);
    const bare = createClient({ url: redis.url });
    bare.on("error", () => {});
    await bare.connect();
    closers.push(() => bare.close());
    variants.push(
      { key: "redis-get", op: (i) => redisStore.getTokenData(rs(10, i)) },
      {
        key: "redis-store",
        op: (i) => redisStore.storeTokenDataByResourceServer({ [rs(10, i)]: entry(rs(10, i), i) }),
      },
      {
        key: "bare-redis-get",
        op: async (i) => JSON.parse((await bare.hGet(redisStore.tokensKey, rs(10, i))) ?? "null"),
      },
      {
        key: "bare-redis-store",
        op: (i) =>
          bare.hSet(
            redisStore.tokensKey,
            rs(10, i),
            JSON.stringify(toStoredObject(entry(rs(10, i), i))),
          ),
      },
    );

    const m = await measure(variants);
    const results: BenchResult[] = [];
    for (const size of SIZES) {
      for (const kind of ["json", "sqlite"]) {
        results.push(
          row(
            `storage-${kind}-get-${size}`,
            m.get(`${kind}-get-${size}`)!,
            m.get(`raw-get-${size}`)!,
            `getTokenData with ${size} entries vs raw readFileSync+JSON.parse of the same document`,
          ),
          row(
            `storage-${kind}-store-${size}`,
            m.get(`${kind}-store-${size}`)!,
            m.get(`raw-store-${size}`)!,
            `a one-entry store into ${size} entries (${kind === "json" ? `lock, atomic replace, ${defaultFlush}` : "a WAL transaction, synchronous=FULL"}) vs raw read+writeFileSync of the same bytes, no lock, no fsync`,
            kind === "json" && size === 10 ? ">= 0.6" : undefined,
          ),
        );
      }
    }
    results.push(
      row(
        "storage-json-get-1000-vs-10",
        m.get("json-get-1000")!,
        m.get("json-get-10")!,
        "JSON getTokenData at 1,000 entries vs the same at 10",
        ">= 0.5",
      ),
      row(
        "storage-json-store-10-fsync",
        m.get("json-fsync-store-10")!,
        m.get("raw-store-10")!,
        "as storage-json-store-10 with { fsync: true }: every replace flushed before its rename",
      ),
      row(
        "storage-memory-get",
        m.get("memory-get")!,
        m.get("map-get")!,
        "getTokenData (a validated copy) vs Map.get",
      ),
      row(
        "storage-memory-store",
        m.get("memory-store")!,
        m.get("map-store")!,
        "storeTokenDataByResourceServer (validated and copied) vs Map.set",
      ),
      row(
        "storage-redis-get",
        m.get("redis-get")!,
        m.get("bare-redis-get")!,
        "RedisTokenStorage getTokenData (10 entries, loopback redis-server) vs bare node-redis HGET + JSON.parse",
      ),
      row(
        "storage-redis-store",
        m.get("redis-store")!,
        m.get("bare-redis-store")!,
        "RedisTokenStorage one-entry store (a fenced Lua script) vs bare node-redis HSET of the same JSON",
      ),
      row(
        "storage-sqlite-vs-redis-get",
        m.get("sqlite-get-10")!,
        m.get("redis-get")!,
        "SQLite getTokenData vs Redis getTokenData, 10 entries each",
      ),
    );
    return results;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
