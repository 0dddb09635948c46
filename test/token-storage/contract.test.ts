import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { RedisTokenStorage } from "../../src/redis/index.ts";
import type { BaseTokenStorage } from "../../src/token-storage/base.ts";
import { InvalidTokenDataError, TokenStorageClosedError } from "../../src/token-storage/errors.ts";
import { JSONTokenStorage } from "../../src/token-storage/json.ts";
import { MemoryTokenStorage } from "../../src/token-storage/memory.ts";
import { SQLiteTokenStorage } from "../../src/token-storage/sqlite.ts";
import {
  type RedisCluster,
  type RedisServer,
  startRedis,
  startRedisCluster,
} from "../helpers/redis.ts";
import { tempDir, tokenData, tokenResponse } from "./helpers.ts";

// one server and one cluster for every Redis contract test; each test uses its own key prefix
let redis: RedisServer | undefined;
let cluster: RedisCluster | undefined;
before(async () => {
  [redis, cluster] = [await startRedis(), await startRedisCluster()];
});
after(async () => {
  await redis?.stop();
  await cluster?.stop();
});

const kinds: [string, (dir: string, name: string, namespace?: string) => BaseTokenStorage][] = [
  ["memory", (_dir, _name, namespace) => new MemoryTokenStorage({ namespace })],
  [
    "json",
    (dir, name, namespace) => new JSONTokenStorage(path.join(dir, `${name}.json`), { namespace }),
  ],
  [
    "sqlite",
    (dir, name, namespace) => new SQLiteTokenStorage(path.join(dir, `${name}.db`), { namespace }),
  ],
  [
    "redis",
    (dir, name, namespace) =>
      new RedisTokenStorage({
        url: redis!.url,
        keyPrefix: `${path.basename(dir)}:${name}:`,
        namespace,
      }),
  ],
  [
    "redis cluster",
    (dir, name, namespace) =>
      new RedisTokenStorage({
        cluster: { rootNodes: cluster!.rootNodes },
        keyPrefix: `${path.basename(dir)}:${name}:`,
        namespace,
      }),
  ],
];

for (const [kind, make] of kinds) {
  describe(`${kind} storage: the TokenStorage contract`, () => {
    let dir: string;
    let cleanup: () => void;
    before(() => {
      ({ dir, cleanup } = tempDir());
    });
    after(() => cleanup());

    test("store, get, get all, remove; namespace defaults to DEFAULT", async () => {
      const store = make(dir, "basic");
      assert.equal(store.namespace, "DEFAULT");
      await store.storeTokenDataByResourceServer({
        a: tokenData({ resource_server: "a" }),
        b: tokenData({ resource_server: "b", refresh_token: null, token_type: null }),
      });
      assert.deepEqual(Object.keys(await store.getTokenDataByResourceServer()).sort(), ["a", "b"]);
      const b = await store.getTokenData("b");
      assert.equal(b?.access_token, "at-b");
      assert.equal(b?.refresh_token, null);
      assert.equal(b?.token_type, null);
      await store.storeTokenDataByResourceServer({
        a: tokenData({ resource_server: "a", access_token: "new" }),
      });
      assert.equal((await store.getTokenData("a"))?.access_token, "new");
      assert.equal(await store.removeTokenData("a"), true);
      assert.equal(await store.removeTokenData("a"), false);
      assert.equal(await store.getTokenData("a"), undefined);
      await store.close();
    });

    test("extra token fields are kept; returned data is a copy", async () => {
      const store = make(dir, "extras");
      await store.storeTokenDataByResourceServer({
        a: { ...tokenData({ resource_server: "a" }), custom: { n: 1 } },
      });
      const got = await store.getTokenData("a");
      assert.deepEqual(got?.["custom"], { n: 1 });
      got!.access_token = "mutated";
      assert.equal((await store.getTokenData("a"))?.access_token, "at-a");
      await store.close();
    });

    test("namespaces are separate", async () => {
      if (kind === "memory") return; // a memory storage holds one namespace per instance
      const one = make(dir, "ns", "one");
      const two = make(dir, "ns", "two");
      await one.storeTokenDataByResourceServer({
        a: tokenData({ resource_server: "a", access_token: "1" }),
      });
      await two.storeTokenDataByResourceServer({
        a: tokenData({ resource_server: "a", access_token: "2" }),
      });
      assert.equal((await one.getTokenData("a"))?.access_token, "1");
      assert.equal((await two.getTokenData("a"))?.access_token, "2");
      await two.removeTokenData("a");
      assert.equal((await one.getTokenData("a"))?.access_token, "1");
      await one.close();
      await two.close();
    });

    test("storeTokenResponse takes the identity from the id_token, or null", async () => {
      const store = make(dir, "response");
      await store.storeTokenResponse(
        tokenResponse(
          [
            tokenData({ resource_server: "a", identity_id: null }),
            tokenData({ resource_server: "b", identity_id: null }),
          ],
          "user-1",
        ),
      );
      assert.equal((await store.getTokenData("a"))?.identity_id, "user-1");
      assert.equal((await store.getTokenData("b"))?.identity_id, "user-1");
      // a refresh response has no id_token: the stored identity is kept
      await store.storeTokenResponse(
        tokenResponse(
          [tokenData({ resource_server: "a", identity_id: null, access_token: "refreshed" })],
          undefined,
          { isRefreshResponse: true },
        ),
      );
      const a = await store.getTokenData("a");
      assert.equal(a?.access_token, "refreshed");
      assert.equal(a?.identity_id, "user-1");
      // any other response without an id_token records no identity
      await store.storeTokenResponse(
        tokenResponse([tokenData({ resource_server: "c", identity_id: "ignored" })], undefined),
      );
      assert.equal((await store.getTokenData("c"))?.identity_id, null);
      await store.close();
    });

    test("invalid token data is refused with a typed error that quotes no token", async () => {
      const store = make(dir, "invalid");
      const bad: unknown[] = [
        { ...tokenData({ resource_server: "a" }), access_token: 5 },
        { ...tokenData({ resource_server: "a" }), expires_at_seconds: 1.5 },
        { ...tokenData({ resource_server: "a" }), refresh_token: 7 },
        "SECRET",
      ];
      for (const entry of bad) {
        await assert.rejects(
          store.storeTokenDataByResourceServer({ a: entry as never }),
          (e: unknown) =>
            e instanceof InvalidTokenDataError &&
            /'a'/.test(e.message) &&
            !e.message.includes("at-a"),
        );
      }
      assert.deepEqual(await store.getTokenDataByResourceServer(), {});
      await store.close();
      await store.close();
      await assert.rejects(store.getTokenData("a"), TokenStorageClosedError);
    });
  });
}
