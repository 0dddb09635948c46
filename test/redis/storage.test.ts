// RedisTokenStorage against real Redis servers: keys and hash tags, the refresh lock (its
// exclusion, lease, renewal and fencing), faults (down, restarted, slow, refused), the
// provider, and the optional peer that only this subpath loads.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { createClient } from "redis";
import { FlowsClient, TokenStorageFormatError, UserApp } from "../../src/index.ts";
import { RedisTokenStorage, RedisTokenStorageError } from "../../src/redis/index.ts";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import {
  type RedisCluster,
  type RedisServer,
  startRedis,
  startRedisCluster,
} from "../helpers/redis.ts";
import { tokenData } from "../token-storage/helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let prefixes = 0;
/** A key prefix no other test uses. */
const fresh = () => `t${++prefixes}:`;

describe("RedisTokenStorage on one Redis", () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.stop());

  test("one hash per namespace under the prefix, hash-tagged; no token in any key", async () => {
    const keyPrefix = fresh();
    const store = new RedisTokenStorage({ url: redis.url, keyPrefix, namespace: "user/{x}" });
    assert.equal(store.tokensKey, `${keyPrefix}{user/%7Bx%7D}:tokens`);
    await store.storeTokenDataByResourceServer({
      a: tokenData({ resource_server: "a", access_token: "SECRET-AT", refresh_token: "SECRET-RT" }),
    });
    await store.withRefreshLock("a", async () => {
      const keys = redis.cli("--scan", "--pattern", `${keyPrefix}*`);
      assert.match(keys, /:lock:a/);
      assert.doesNotMatch(keys, /SECRET/);
    });
    const raw = JSON.parse(redis.cli("HGET", store.tokensKey, "a"));
    assert.equal(raw.access_token, "SECRET-AT");
    assert.equal(raw.resource_server, "a");
    assert.equal(redis.cli("TYPE", store.tokensKey).trim(), "hash");
    await store.close();
  });

  test("bad options are usage errors that name the problem", () => {
    assert.throws(() => new RedisTokenStorage({ url: "http://x" }), /redis:\/\/ or rediss:\/\//);
    assert.throws(() => new RedisTokenStorage({ keyPrefix: "a{b" }), /keyPrefix/);
    assert.throws(() => new RedisTokenStorage({ cluster: { rootNodes: [] } }), /rootNodes/);
    assert.throws(() => new RedisTokenStorage({ client: {} as never }), /node-redis client/);
    assert.throws(() => new RedisTokenStorage({ commandTimeoutMs: 0 }), /commandTimeoutMs/);
  });

  test("the refresh lock excludes other processes' holders (other clients), one at a time", async () => {
    const keyPrefix = fresh();
    const stores = [0, 1, 2].map(() => new RedisTokenStorage({ url: redis.url, keyPrefix }));
    let inside = 0;
    let most = 0;
    await Promise.all(
      stores.flatMap((store) =>
        [0, 1].map(() =>
          store.withRefreshLock("rs", async () => {
            inside += 1;
            most = Math.max(most, inside);
            await sleep(30);
            inside -= 1;
          }),
        ),
      ),
    );
    assert.equal(most, 1);
    assert.equal(redis.cli("EXISTS", `${keyPrefix}{DEFAULT}:lock:rs`).trim(), "0", "released");
    for (const store of stores) await store.close();
  });

  test("the lease is renewed while held", async () => {
    const store = new RedisTokenStorage({ url: redis.url, keyPrefix: fresh(), lockLeaseMs: 300 });
    await store.withRefreshLock(
      "rs",
      async () => {
        await sleep(1_000);
        const ttl = Number(redis.cli("PTTL", `${store.tokensKey.replace(/tokens$/, "lock:rs")}`));
        assert.ok(ttl > 0, `the lock outlived its first lease (PTTL ${ttl})`);
      },
      { waitMs: 300 },
    );
    await store.close();
  });

  test("a holder that dies frees the lock when its lease ends", async () => {
    const keyPrefix = fresh();
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { RedisTokenStorage } from "${ROOT}src/redis/index.ts";
         const store = new RedisTokenStorage({ url: "${redis.url}", keyPrefix: "${keyPrefix}", lockLeaseMs: 1000 });
         await store.withRefreshLock("rs", async () => { console.log("held"); await new Promise(() => {}); }, { waitMs: 1000 });`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, "held");
    const lockKey = `${keyPrefix}{DEFAULT}:lock:rs`;
    const deadHolder = redis.cli("GET", lockKey).trim();
    assert.notEqual(deadHolder, "");
    child.kill("SIGKILL");
    const store = new RedisTokenStorage({ url: redis.url, keyPrefix });
    // waiting far longer than the lease: the lock must come free, not the wait run out
    await store.withRefreshLock(
      "rs",
      async () => {
        const holder = redis.cli("GET", lockKey).trim();
        assert.ok(holder !== "" && holder !== deadHolder, "holds the lock itself");
      },
      { waitMs: 60_000 },
    );
    await store.close();
  });

  test("a lost lock never stores an older renewal over its successor's", async () => {
    const keyPrefix = fresh();
    const first = new RedisTokenStorage({ url: redis.url, keyPrefix });
    const second = new RedisTokenStorage({ url: redis.url, keyPrefix });
    const lockKey = `${keyPrefix}{DEFAULT}:lock:rs`;
    let releaseFirst!: () => void;
    const firstMayStore = new Promise<void>((r) => {
      releaseFirst = r;
    });
    const firstRun = first.withRefreshLock("rs", async () => {
      // the lease lapses (a long pause): the lock is gone and a second holder takes it
      redis.cli("DEL", lockKey);
      await firstMayStore;
      await first.storeTokenDataByResourceServer({
        rs: tokenData({ resource_server: "rs", access_token: "older" }),
      });
    });
    await sleep(50);
    await second.withRefreshLock("rs", async () => {
      await second.storeTokenDataByResourceServer({
        rs: tokenData({ resource_server: "rs", access_token: "newer" }),
      });
    });
    releaseFirst();
    await firstRun;
    assert.equal((await first.getTokenData("rs"))?.access_token, "newer");
    // a store outside any lock (a login) always lands
    await first.storeTokenDataByResourceServer({
      rs: tokenData({ resource_server: "rs", access_token: "login" }),
    });
    assert.equal((await second.getTokenData("rs"))?.access_token, "login");
    await first.close();
    await second.close();
  });

  test("a lock never got degrades to an unlocked renewal that still stores", async () => {
    const keyPrefix = fresh();
    redis.cli("SET", `${keyPrefix}{DEFAULT}:lock:rs`, "someone-else", "PX", "60000");
    const store = new RedisTokenStorage({ url: redis.url, keyPrefix });
    const ran = await store.withRefreshLock(
      "rs",
      async () => {
        await store.storeTokenDataByResourceServer({
          rs: tokenData({ resource_server: "rs", access_token: "anyway" }),
        });
        return "ran";
      },
      { waitMs: 300 },
    );
    assert.equal(ran, "ran");
    assert.equal((await store.getTokenData("rs"))?.access_token, "anyway");
    assert.equal(redis.cli("GET", `${keyPrefix}{DEFAULT}:lock:rs`).trim(), "someone-else");
    await store.close();
  });

  test("a logout's removal is not undone by a renewal still in flight", async () => {
    const keyPrefix = fresh();
    const store = new RedisTokenStorage({ url: redis.url, keyPrefix });
    await store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    const elsewhere = new RedisTokenStorage({ url: redis.url, keyPrefix });
    await store.withRefreshLock("rs", async () => {
      await elsewhere.removeTokenData("rs");
      await store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    });
    assert.equal(await store.getTokenData("rs"), undefined);
    await store.close();
    await elsewhere.close();
  });

  test("a corrupt entry is a format error that names it and quotes nothing", async () => {
    const store = new RedisTokenStorage({ url: redis.url, keyPrefix: fresh() });
    redis.cli("HSET", store.tokensKey, "rs", "SECRET not json");
    await assert.rejects(
      store.getTokenDataByResourceServer(),
      (e: unknown) =>
        e instanceof TokenStorageFormatError &&
        e.message.includes("'rs'") &&
        e.message.includes(store.tokensKey) &&
        !e.message.includes("SECRET"),
    );
    await store.close();
  });

  test("Redis down: a typed error within the command timeout; back up: the same storage carries on", async () => {
    const server = await startRedis();
    const store = new RedisTokenStorage({
      url: server.url,
      keyPrefix: fresh(),
      commandTimeoutMs: 300,
    });
    await store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    await server.kill();
    await assert.rejects(
      store.getTokenData("rs"),
      (e: unknown) =>
        e instanceof RedisTokenStorageError &&
        (e.code === "timeout" || e.code === "unavailable") &&
        e.message.includes(server.url),
    );
    await assert.rejects(
      store.storeTokenDataByResourceServer({
        rs: tokenData({ resource_server: "rs", access_token: "x" }),
      }),
      RedisTokenStorageError,
    );
    await server.start();
    // appendfsync always: what was acknowledged survived the kill, what failed is not there
    let data: Awaited<ReturnType<typeof store.getTokenData>>;
    for (let i = 0; ; i++) {
      try {
        data = await store.getTokenData("rs");
        break;
      } catch (error) {
        if (i > 40) throw error;
        await sleep(100);
      }
    }
    assert.equal(data?.access_token, "at-rs");
    await store.close();
    await server.stop();
  });

  test("a Redis that never answered: a typed timeout, not a hang", async () => {
    const server = await startRedis();
    const port = server.port;
    await server.stop();
    const store = new RedisTokenStorage({
      url: `redis://:pw-SECRET@127.0.0.1:${port}`,
      commandTimeoutMs: 300,
    });
    const error = await store.getTokenData("rs").catch((e: unknown) => e);
    assert.ok(error instanceof RedisTokenStorageError);
    assert.equal(error.code, "timeout");
    assert.match(error.message, /did not answer within 300 ms/);
    for (const text of [
      error.message,
      String(error),
      inspect(error),
      inspect(store),
      store.target,
    ]) {
      assert.doesNotMatch(text, /pw-SECRET/);
    }
    await store.close();
  });

  test("a slow Redis: a typed timeout, then normal service", async () => {
    const store = new RedisTokenStorage({
      url: redis.url,
      keyPrefix: fresh(),
      commandTimeoutMs: 300,
    });
    await store.getTokenData("rs");
    // Redis holds every client's commands for a second, as an overloaded server would
    redis.cli("CLIENT", "PAUSE", "1000", "ALL");
    await assert.rejects(
      store.getTokenData("rs"),
      (e: unknown) => e instanceof RedisTokenStorageError && e.code === "timeout",
    );
    for (let i = 0; ; i++) {
      try {
        assert.equal(await store.getTokenData("rs"), undefined);
        break;
      } catch (error) {
        if (i > 20) throw error;
        await sleep(100);
      }
    }
    await store.close();
  });

  test("a wrong password or an ACL refusal says so, without the password", async () => {
    const server = await startRedis(["--requirepass", "right-SECRET"]);
    try {
      const wrong = new RedisTokenStorage({
        url: `redis://:wrong-SECRET@127.0.0.1:${server.port}`,
        commandTimeoutMs: 1_000,
      });
      const error = await wrong.getTokenData("rs").catch((e: unknown) => e);
      assert.ok(error instanceof RedisTokenStorageError, String(error));
      assert.doesNotMatch(`${error.message} ${inspect(error)}`, /SECRET/);
      await wrong.close();

      const right = new RedisTokenStorage({
        url: `redis://:right-SECRET@127.0.0.1:${server.port}`,
        keyPrefix: "globus-sdk:",
      });
      await right.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
      await right.close();
      // a user whose ACL allows other keys only
      server.cli(
        "-a",
        "right-SECRET",
        "ACL",
        "SETUSER",
        "jobs",
        "on",
        ">jobs-SECRET",
        "~other:*",
        "+@all",
      );
      const limited = new RedisTokenStorage({
        url: `redis://jobs:jobs-SECRET@127.0.0.1:${server.port}`,
      });
      const refused = await limited.getTokenData("rs").catch((e: unknown) => e);
      assert.ok(refused instanceof RedisTokenStorageError);
      assert.equal(refused.code, "refused");
      assert.match(refused.message, /NOPERM/);
      assert.doesNotMatch(refused.message, /SECRET/);
      await limited.close();
      // the fleet guide's ACL is enough for everything the storage does
      server.cli(
        ...["-a", "right-SECRET", "ACL", "SETUSER", "globus-fleet", "on", ">fleet-SECRET"],
        ...["~globus-sdk:*", "+@read", "+@write", "+@scripting"],
      );
      const fleet = new RedisTokenStorage({
        url: `redis://globus-fleet:fleet-SECRET@127.0.0.1:${server.port}`,
      });
      await fleet.withRefreshLock("rs", async () => {
        await fleet.storeTokenDataByResourceServer({
          rs: tokenData({ resource_server: "rs", access_token: "fleet" }),
        });
      });
      assert.equal((await fleet.getTokenData("rs"))?.access_token, "fleet");
      assert.equal(await fleet.removeTokenData("rs"), true);
      await fleet.close();
    } finally {
      await server.stop();
    }
  });

  test("a given client is connected if needed and never closed", async () => {
    const client = createClient({ url: redis.url });
    client.on("error", () => {});
    const store = new RedisTokenStorage({ client, keyPrefix: fresh() });
    assert.equal(store.target, "a given client");
    await store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    await store.close();
    assert.equal(client.isOpen, true);
    assert.equal(await client.ping(), "PONG");
    await client.close();
  });

  test("as config.tokenStorage: a provider keyed by client id and app name, closed with the app", async () => {
    const emulator = await startEmulator();
    try {
      const provider = RedisTokenStorage.provider({ url: redis.url });
      {
        await using app = emulatorUserApp(emulator, provider, "Provider App");
        new FlowsClient({ app, baseUrl: emulator.urls.flows });
        await app.login();
        const flows = new FlowsClient({ app, baseUrl: emulator.urls.flows });
        await flows.listFlows().firstPage();
      }
      const key = `globus-sdk:app:${DEMO_NATIVE_CLIENT_ID}:provider-app:{DEFAULT}:tokens`;
      assert.match(redis.cli("HKEYS", key), /flows\.globus\.org/);
      // another app on the same server keeps apart
      const other = RedisTokenStorage.forGlobusApp(
        { appName: "other", clientId: DEMO_NATIVE_CLIENT_ID, environment: "sandbox" },
        { url: redis.url },
      );
      assert.equal(
        other.tokensKey,
        `globus-sdk:app:${DEMO_NATIVE_CLIENT_ID}:other:sandbox:{DEFAULT}:tokens`,
      );
      assert.equal(await other.getTokenData("flows.globus.org"), undefined);
      await other.close();
    } finally {
      await emulator.stop();
    }
  });
});

describe("RedisTokenStorage and an emulated renewal", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());

  test("Redis dies between the grant and its store: the call fails typed, and the new token is stored once Redis is back", async () => {
    const server = await startRedis();
    try {
      const storage = new RedisTokenStorage({ url: server.url, commandTimeoutMs: 300 });
      await using app = emulatorUserApp(emulator, storage, "write-back");
      const flows = new FlowsClient({ app, baseUrl: emulator.urls.flows });
      await app.login();
      emulator.controls.advanceClock(3 * 24 * 3600);
      emulator.controls.addFault({
        kind: "stall",
        service: "auth",
        path: "/v2/oauth2/token",
        stallMs: 1_000,
        count: 1,
      });
      const call = flows.listFlows().firstPage();
      await sleep(400);
      await server.kill();
      await assert.rejects(call, RedisTokenStorageError);
      await server.start();
      const newest = emulator.controls
        .tokens()
        .filter((t) => t.kind === "access" && t.resourceServer === "flows.globus.org")
        .at(-1)?.token;
      for (let i = 0; ; i++) {
        await sleep(200);
        try {
          await flows.listFlows().firstPage();
          if ((await storage.getTokenData("flows.globus.org"))?.access_token === newest) break;
        } catch (error) {
          if (i > 30) throw error;
        }
        assert.ok(i < 30, "the renewal was written back");
      }
      assert.equal(emulator.controls.countGrants("refresh_token"), 1, "no second renewal");
      await storage.close();
    } finally {
      await server.stop();
    }
  });
});

describe("RedisTokenStorage on a 3-master cluster", () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await startRedisCluster();
  });
  after(() => cluster.stop());

  test("a namespace's keys share one slot; namespaces spread; the lock works across nodes", async () => {
    const stores = ["DEFAULT", "alpha", "beta", "gamma"].map(
      (namespace) =>
        new RedisTokenStorage({ cluster: { rootNodes: cluster.rootNodes }, namespace }),
    );
    const node = cluster.nodes[0]!;
    const slot = (key: string) => node.cli("CLUSTER", "KEYSLOT", key).trim();
    for (const store of stores) {
      const base = store.tokensKey.replace(/tokens$/, "");
      const slots = new Set(
        ["tokens", "fences", "fence", "lock:rs"].map((k) => slot(`${base}${k}`)),
      );
      assert.equal(slots.size, 1, `one slot for ${store.namespace}`);
    }
    assert.ok(
      new Set(stores.map((s) => slot(s.tokensKey))).size > 1,
      "namespaces spread over slots",
    );
    await Promise.all(
      stores.map((store) =>
        store.withRefreshLock("rs", () =>
          store.storeTokenDataByResourceServer({
            rs: tokenData({ resource_server: "rs", access_token: store.namespace }),
          }),
        ),
      ),
    );
    for (const store of stores) {
      assert.equal((await store.getTokenData("rs"))?.access_token, store.namespace);
      await store.close();
    }
  });
});

describe("the optional peer", () => {
  test("the core package never loads redis", () => {
    const result = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { registerHooks } from "node:module";
         const loaded = [];
         registerHooks({ resolve(specifier, context, next) {
           if (/^(redis|@redis\\/)/.test(specifier)) loaded.push(specifier);
           return next(specifier, context);
         } });
         const sdk = await import("${ROOT}src/index.ts");
         await import("${ROOT}src/testing/index.ts");
         const app = new sdk.ClientApp("x", { clientId: "${DEMO_CONFIDENTIAL_CLIENT_ID}", clientSecret: "${DEMO_CONFIDENTIAL_CLIENT_SECRET}", config: { tokenStorage: "memory" } });
         new sdk.TransferClient({ app });
         await app.close();
         const redis = await import("${ROOT}src/redis/index.ts");
         console.log(JSON.stringify({ before: loaded.length, redis: typeof redis.RedisTokenStorage }));`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    // importing globus-sdk/redis itself loads node-redis only when a storage first connects
    assert.deepEqual(JSON.parse(result.stdout), { before: 0, redis: "function" });
  });

  test("without the redis package: a typed error that says what to install", () => {
    const result = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { registerHooks } from "node:module";
         registerHooks({ resolve(specifier, context, next) {
           if (specifier === "redis") throw Object.assign(new Error("Cannot find package 'redis'"), { code: "ERR_MODULE_NOT_FOUND" });
           return next(specifier, context);
         } });
         const { RedisTokenStorage } = await import("${ROOT}src/redis/index.ts");
         const store = new RedisTokenStorage();
         const error = await store.getTokenData("rs").catch((e) => e);
         console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    const error = JSON.parse(result.stdout);
    assert.equal(error.name, "RedisTokenStorageError");
    assert.equal(error.code, "missing-client-package");
    assert.match(error.message, /npm install redis/);
  });
});

// a type-level check that a UserApp accepts the provider as its storage
void (() =>
  new UserApp("typed", { clientId: "x", config: { tokenStorage: RedisTokenStorage.provider() } }));
