// Fault injection end to end: a UserApp with bound Flows and Transfer clients against the
// emulator while it throws 5xx bursts, 429s, resets, stalls, truncated bodies and token
// endpoint failures at them. Every call must succeed or raise a typed error, and the token
// store must come out of it parseable and complete.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import {
  FlowsClient,
  GlobusAPIError,
  GlobusSDKError,
  MalformedResponseError,
  NetworkError,
  TimeoutError,
  TransferClient,
  type UserApp,
} from "../../src/index.ts";
import {
  DEMO_COLLECTION_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { assertStoreIntact, openStore, readStoreFile, type StoreKind, settle } from "./helpers.ts";

const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5_000 };
const PAST_EXPIRY = 3 * 24 * 3600;

for (const kind of ["json", "sqlite"] as const satisfies readonly StoreKind[]) {
  describe(`faults through a UserApp on a ${kind} store`, () => {
    let emulator: RunningEmulator;
    let dir: string;
    let storePath: string;
    let storage: ReturnType<typeof openStore>;
    let app: UserApp;
    let flows: FlowsClient;
    let transfer: TransferClient;
    const authorizeCount = () =>
      emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/authorize" }).length;
    const faultedTokenCalls = () =>
      emulator.controls
        .requestLog({ service: "auth", path: "/v2/oauth2/token" })
        .filter((r) => r.fault !== undefined).length;
    const listFlows = (options: { timeout?: number } = {}) => flows.listFlows(options).firstPage();
    const ls = (options: { timeout?: number } = {}) =>
      transfer.operationLs(DEMO_COLLECTION_ID, { path: "/home/alice/", ...options });

    before(async () => {
      emulator = await startEmulator();
      dir = mkdtempSync(join(tmpdir(), `globus-hardening-faults-${kind}-`));
      storePath = join(dir, kind === "json" ? "tokens.json" : "tokens.db");
      storage = openStore(kind, storePath);
      app = emulatorUserApp(emulator, storage, "hardening");
      const options = { app, timeout: 2_000, retry: FAST_RETRY };
      flows = new FlowsClient({ ...options, baseUrl: emulator.urls.flows });
      transfer = new TransferClient({ ...options, baseUrl: emulator.urls.transfer });
      await app.login();
      assert.equal(authorizeCount(), 1);
    });
    afterEach(() => emulator.controls.clearFaults());
    after(async () => {
      await app.close();
      await storage.close();
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test("5xx bursts are retried, then succeed", async () => {
      for (const status of [500, 502, 503]) {
        emulator.controls.addFault({ kind: "status", status, service: "flows", count: 2 });
        emulator.controls.addFault({ kind: "status", status, service: "transfer", count: 2 });
        assert.equal(await settle(listFlows()), "ok", `flows after ${status} x2`);
        assert.equal(await settle(ls()), "ok", `transfer after ${status} x2`);
      }
      const failed = emulator.controls.requestLog({ service: "flows" }).filter((r) => r.fault);
      assert.equal(failed.length, 6, "every injected fault was seen, and retried past");
    });

    test("a burst longer than the retry budget is a typed GlobusAPIError with the status", async () => {
      emulator.controls.addFault({ kind: "status", status: 503, service: "flows", count: 20 });
      const outcome = await settle(listFlows());
      assert.ok(outcome instanceof GlobusAPIError, String(outcome));
      assert.equal(outcome.httpStatus, 503);
      emulator.controls.clearFaults();
      assert.equal(await settle(listFlows()), "ok");
    });

    test("429 with Retry-After is honoured before the retry", async () => {
      emulator.controls.addFault({
        kind: "status",
        status: 429,
        retryAfter: 1,
        service: "transfer",
        count: 1,
      });
      const started = performance.now();
      assert.equal(await settle(ls()), "ok");
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 950, `retried after ${elapsed.toFixed(0)} ms, before Retry-After`);
      const log = emulator.controls.requestLog({ service: "transfer" });
      const last = log.slice(-2);
      assert.deepEqual(
        last.map((r) => r.status),
        [429, 200],
      );
      assert.ok(last[1]!.time - last[0]!.time >= 0.9, "the emulator saw the gap too");
    });

    test("connection resets are retried on reads", async () => {
      emulator.controls.addFault({ kind: "reset", service: "flows", count: 2 });
      assert.equal(await settle(listFlows()), "ok");
      emulator.controls.addFault({ kind: "reset", service: "transfer", count: 50 });
      const outcome = await settle(ls());
      assert.ok(outcome instanceof NetworkError, String(outcome));
      emulator.controls.clearFaults();
    });

    test("a stall past the client timeout is a TimeoutError, then the next call works", async () => {
      emulator.controls.addFault({ kind: "stall", service: "flows", stallMs: 5_000, count: 10 });
      const started = performance.now();
      const outcome = await settle(listFlows({ timeout: 150 }));
      const elapsed = performance.now() - started;
      assert.ok(outcome instanceof GlobusSDKError, "a typed error");
      assert.ok(outcome instanceof TimeoutError, String(outcome));
      assert.ok(elapsed < 4_000, `bounded by the timeout and retries (${elapsed.toFixed(0)} ms)`);
      emulator.controls.clearFaults();
      // one stalled attempt, then a normal answer on the retry
      emulator.controls.addFault({ kind: "stall", service: "transfer", stallMs: 3_000, count: 1 });
      assert.equal(await settle(ls({ timeout: 300 })), "ok");
    });

    test("truncated JSON is retried, and a persistent one is a MalformedResponseError", async () => {
      emulator.controls.addFault({ kind: "truncate", service: "flows", count: 1 });
      assert.equal(await settle(listFlows()), "ok");
      emulator.controls.addFault({ kind: "truncate", service: "transfer", count: 50 });
      const outcome = await settle(ls());
      assert.ok(
        outcome instanceof MalformedResponseError || outcome instanceof NetworkError,
        String(outcome),
      );
      emulator.controls.clearFaults();
    });

    test("mid-refresh: a 500 on the token endpoint, then OK, keeps the login", async () => {
      const before = readStoreFile(kind, storePath);
      const faultedBefore = faultedTokenCalls();
      emulator.controls.advanceClock(PAST_EXPIRY);
      emulator.controls.addFault({
        kind: "status",
        status: 500,
        service: "auth",
        path: "/v2/oauth2/token",
        count: 1,
      });
      const first = await settle(listFlows());
      // a refresh_token grant is a POST, so the SDK may surface the 500 instead of resending;
      // either way the next call must refresh without a new login
      if (first !== "ok") assert.ok(first instanceof GlobusSDKError);
      assert.equal(await settle(listFlows()), "ok");
      assert.equal(await settle(ls()), "ok");
      assert.equal(authorizeCount(), 1, "no new login after a failed refresh");
      assert.equal(faultedTokenCalls(), faultedBefore + 1, "the token endpoint fault fired");
      const after = readStoreFile(kind, storePath);
      assert.notEqual(
        after["flows.globus.org"]?.access_token,
        before["flows.globus.org"]?.access_token,
        "the refreshed token was stored",
      );
      assertStoreIntact(kind, storePath);
    });

    test("mid-refresh: a reset on the token endpoint keeps the login", async () => {
      const faultedBefore = faultedTokenCalls();
      emulator.controls.advanceClock(PAST_EXPIRY);
      emulator.controls.addFault({
        kind: "reset",
        service: "auth",
        path: "/v2/oauth2/token",
        count: 1,
      });
      const results = await Promise.all([settle(listFlows()), settle(ls())]);
      for (const r of results) if (r !== "ok") assert.ok(r instanceof GlobusSDKError);
      assert.equal(await settle(listFlows()), "ok");
      assert.equal(await settle(ls()), "ok");
      assert.equal(authorizeCount(), 1, "no new login after a reset refresh");
      assert.equal(faultedTokenCalls(), faultedBefore + 1, "the token endpoint reset fired");
      assertStoreIntact(kind, storePath);
    });

    test("the clock jumping past expiry: concurrent calls refresh once per resource server", async () => {
      const grantsBefore = emulator.controls.countGrants("refresh_token");
      emulator.controls.advanceClock(PAST_EXPIRY);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => settle(i % 2 ? listFlows() : ls())),
      );
      assert.deepEqual(new Set(results), new Set(["ok"]));
      const grants = emulator.controls.countGrants("refresh_token") - grantsBefore;
      assert.ok(grants >= 1 && grants <= 2, `${grants} refresh grants for 2 resource servers`);
      assert.equal(authorizeCount(), 1);
    });

    test("random mixed faults: every call succeeds or is typed; the store stays intact", async () => {
      emulator.controls.addFault({ kind: "status", status: 503, rate: 0.15 });
      emulator.controls.addFault({ kind: "reset", rate: 0.05 });
      emulator.controls.addFault({ kind: "truncate", rate: 0.05 });
      emulator.controls.addFault({ kind: "latency", latencyMs: 20, rate: 0.2 });
      let ok = 0;
      for (let round = 0; round < 6; round++) {
        if (round % 2 === 1) emulator.controls.advanceClock(PAST_EXPIRY);
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => settle(i % 2 ? listFlows() : ls())),
        );
        ok += results.filter((r) => r === "ok").length;
      }
      emulator.controls.clearFaults();
      assert.ok(ok > 0, "some calls got through the noise");
      assert.equal(await settle(listFlows()), "ok");
      assert.equal(authorizeCount(), 1, "faults never cost the login");
      assertStoreIntact(kind, storePath);
    });
  });
}
