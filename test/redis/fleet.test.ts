// Fleets on one Redis: 8 processes, each an app, share one token store. They make one grant
// per resource server between them, at start and after expiry, and ride out a Redis restart.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { FlowsClient, TransferClient } from "../../src/index.ts";
import { RedisTokenStorage } from "../../src/redis/index.ts";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { captureOutput } from "../helpers/output-capture.ts";
import { type RedisServer, startRedis } from "../helpers/redis.ts";

const WORKER = fileURLToPath(new URL("./fleet-worker.ts", import.meta.url));
const FLOWS = "flows.globus.org";
const TRANSFER = "transfer.api.globus.org";
const THREE_DAYS = 3 * 24 * 3600;

interface Tally {
  ok: number;
  failed: number;
  errors: Record<string, number>;
}

/** 8 worker processes, each driven by commands over stdin (see fleet-worker.ts). */
class Fleet {
  readonly #children: ChildProcessWithoutNullStreams[] = [];
  readonly #lines: AsyncIterator<string>[] = [];
  readonly #stderr: string[] = [];

  constructor(
    emulator: RunningEmulator,
    mode: "client" | "user",
    redisUrl: string,
    appName: string,
  ) {
    for (let i = 0; i < 8; i++) {
      const child = spawn(process.execPath, [WORKER, mode, redisUrl, appName], {
        env: { ...process.env, ...emulator.environmentVariables },
      });
      this.#stderr.push("");
      child.stderr.on("data", (d) => {
        this.#stderr[i] += d;
      });
      this.#children.push(child);
      this.#lines.push(createInterface({ input: child.stdout })[Symbol.asyncIterator]());
    }
  }

  async #next(i: number): Promise<string> {
    const { value, done } = await this.#lines[i]!.next();
    if (done) throw new Error(`worker ${i} exited: ${this.#stderr[i]}`);
    return value;
  }

  async ready(): Promise<void> {
    await Promise.all(
      this.#children.map(async (_c, i) => assert.equal(await this.#next(i), "ready")),
    );
  }

  /** Sends one command to every worker and collects their tallies. */
  async run(command: string): Promise<Tally[]> {
    for (const child of this.#children) child.stdin.write(`${command}\n`);
    return Promise.all(
      this.#children.map(async (_c, i) => JSON.parse(await this.#next(i)) as Tally),
    );
  }

  async exit(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child, i) =>
          new Promise<void>((resolve) => {
            child.on("close", (code) => {
              captureOutput(`fleet worker ${i}`, "", this.#stderr[i] ?? "");
              assert.equal(code, 0, this.#stderr[i]);
              resolve();
            });
            child.stdin.end("exit\n");
          }),
      ),
    );
  }
}

/** Access tokens the emulator issued so far, per resource server, for a client. */
function issued(emulator: RunningEmulator, clientId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const token of emulator.controls.tokens()) {
    if (token.kind !== "access" || token.clientId !== clientId) continue;
    out[token.resourceServer] = [...(out[token.resourceServer] ?? []), token.token];
  }
  return out;
}

function grantsSince(
  before: Record<string, string[]>,
  now: Record<string, string[]>,
): Record<string, number> {
  return {
    [FLOWS]: (now[FLOWS]?.length ?? 0) - (before[FLOWS]?.length ?? 0),
    [TRANSFER]: (now[TRANSFER]?.length ?? 0) - (before[TRANSFER]?.length ?? 0),
  };
}

describe("a fleet of 8 processes on one Redis", () => {
  let emulator: RunningEmulator;
  let redis: RedisServer;
  before(async () => {
    [emulator, redis] = await Promise.all([startEmulator(), startRedis()]);
  });
  after(async () => {
    await emulator.stop();
    await redis.stop();
  });

  /** A UserApp login (a person at a workstation) into the Redis store a fleet will share. */
  async function workstationLogin(appName: string): Promise<RedisTokenStorage> {
    const storage = RedisTokenStorage.forGlobusApp(
      { appName, clientId: DEMO_NATIVE_CLIENT_ID, environment: "production" },
      { url: redis.url },
    );
    await using app = emulatorUserApp(emulator, storage, appName);
    new FlowsClient({ app });
    new TransferClient({ app });
    await app.login();
    return storage;
  }

  test("ClientApps x 20 concurrent calls to Flows and Transfer: one grant per resource server at start and one per expiry", async () => {
    const fleet = new Fleet(emulator, "client", redis.url, "client-fleet");
    try {
      await fleet.ready();
      const start = issued(emulator, DEMO_CONFIDENTIAL_CLIENT_ID);
      for (const tally of await fleet.run("burst 20")) {
        assert.deepEqual(tally, { ok: 40, failed: 0, errors: {} });
      }
      const afterStart = issued(emulator, DEMO_CONFIDENTIAL_CLIENT_ID);
      assert.deepEqual(grantsSince(start, afterStart), { [FLOWS]: 1, [TRANSFER]: 1 });

      // the services now refuse every process's access token
      emulator.controls.advanceClock(THREE_DAYS);
      for (const tally of await fleet.run("burst 20")) {
        assert.deepEqual(tally, { ok: 40, failed: 0, errors: {} });
      }
      const afterExpiry = issued(emulator, DEMO_CONFIDENTIAL_CLIENT_ID);
      assert.deepEqual(grantsSince(afterStart, afterExpiry), { [FLOWS]: 1, [TRANSFER]: 1 });
      assert.equal(emulator.controls.countGrants("client_credentials"), 4);

      // the store holds the newest tokens, in the Python SDK's token-data shape
      const store = RedisTokenStorage.forGlobusApp(
        {
          appName: "client-fleet",
          clientId: DEMO_CONFIDENTIAL_CLIENT_ID,
          environment: "production",
        },
        { url: redis.url },
      );
      const stored = await store.getTokenDataByResourceServer();
      await store.close();
      assert.equal(stored[FLOWS]?.access_token, afterExpiry[FLOWS]?.at(-1));
      assert.equal(stored[TRANSFER]?.access_token, afterExpiry[TRANSFER]?.at(-1));
      // as the Python SDK writes it: no refresh token or identity for client credentials
      const raw = JSON.parse(redis.cli("HGET", store.tokensKey, FLOWS));
      assert.deepEqual(Object.keys(raw), [
        "resource_server",
        "scope",
        "access_token",
        "expires_at_seconds",
        "token_type",
      ]);
    } finally {
      await fleet.exit();
    }
  });

  test("UserApps sharing one login, tokens expired: one refresh per resource server", async () => {
    const appName = "user-fleet";
    const storage = await workstationLogin(appName);
    const logins = emulator.controls.countGrants("authorization_code");
    const refreshes = emulator.controls.countGrants("refresh_token");
    emulator.controls.advanceClock(THREE_DAYS);
    const fleet = new Fleet(emulator, "user", redis.url, appName);
    try {
      await fleet.ready();
      const start = issued(emulator, DEMO_NATIVE_CLIENT_ID);
      for (const tally of await fleet.run("burst 20")) {
        assert.deepEqual(tally, { ok: 40, failed: 0, errors: {} });
      }
      const now = issued(emulator, DEMO_NATIVE_CLIENT_ID);
      assert.deepEqual(grantsSince(start, now), { [FLOWS]: 1, [TRANSFER]: 1 });
      assert.equal(emulator.controls.countGrants("refresh_token") - refreshes, 2);
      assert.equal(emulator.controls.countGrants("authorization_code"), logins, "no new login");
      const stored = await storage.getTokenDataByResourceServer();
      assert.equal(stored[FLOWS]?.access_token, now[FLOWS]?.at(-1));
      assert.equal(stored[TRANSFER]?.access_token, now[TRANSFER]?.at(-1));
    } finally {
      await fleet.exit();
      await storage.close();
    }
  });

  test("Redis killed and restarted mid-run: each call succeeds or fails typed, the store ends with the newest tokens", async (t) => {
    const appName = "restart-fleet";
    const storage = await workstationLogin(appName);
    await storage.close();
    const logins = emulator.controls.countGrants("authorization_code");
    const fleet = new Fleet(emulator, "user", redis.url, appName);
    try {
      await fleet.ready();
      const running = fleet.run("loop 6000");
      await new Promise((r) => setTimeout(r, 800));
      // tokens expire while Redis is down: renewals cannot take their lock until it is back
      await redis.kill();
      emulator.controls.advanceClock(THREE_DAYS);
      await new Promise((r) => setTimeout(r, 1_500));
      await redis.start();
      await new Promise((r) => setTimeout(r, 1_500));
      // and once more with Redis up
      emulator.controls.advanceClock(THREE_DAYS);
      const tallies = await running;
      const settled = await fleet.run("settle");
      let ok = 0;
      let failed = 0;
      for (const tally of [...tallies, ...settled]) {
        ok += tally.ok;
        failed += tally.failed;
        for (const name of Object.keys(tally.errors)) {
          assert.doesNotMatch(name, /^untyped/, "every failure is one of the SDK's typed errors");
        }
      }
      const names = new Set([...tallies, ...settled].flatMap((tally) => Object.keys(tally.errors)));
      t.diagnostic(`${ok} calls succeeded, ${failed} failed with: ${[...names].join(", ")}`);
      assert.ok(failed > 0, "some calls met the outage");
      assert.ok(ok > failed, `most calls succeeded (${ok} ok, ${failed} failed)`);
      for (const tally of settled)
        assert.ok(tally.ok >= 4, "every worker carries on without a login");

      const after = new RedisTokenStorage({
        url: redis.url,
        keyPrefix: `globus-sdk:app:${DEMO_NATIVE_CLIENT_ID}:${appName}:`,
      });
      const stored = await after.getTokenDataByResourceServer();
      await after.close();
      const now = issued(emulator, DEMO_NATIVE_CLIENT_ID);
      assert.equal(stored[FLOWS]?.access_token, now[FLOWS]?.at(-1), "the newest Flows token");
      assert.equal(
        stored[TRANSFER]?.access_token,
        now[TRANSFER]?.at(-1),
        "the newest Transfer token",
      );
      assert.equal(
        emulator.controls.countGrants("authorization_code"),
        logins,
        "no worker logged in",
      );
    } finally {
      await fleet.exit();
    }
  });
});
