/**
 * Renewals under pressure: a slow token endpoint must not starve other callers of the
 * shared store, and a refresh token Globus Auth refused must cost one grant and one login
 * for a whole burst of callers, never to be sent again.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import {
  FlowsClient,
  JSONTokenStorage,
  MemoryTokenStorage,
  TransferClient,
  type UserApp,
} from "../../src/index.ts";
import { type RunningEmulator, startEmulator } from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";

const FLOWS_RS = "flows.globus.org";
const TWO_DAYS = 2 * 24 * 3600 + 60;

let emulator: RunningEmulator;
let dir: string;
const savedEnv = { ...process.env };
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.stop());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "globus-refresh-"));
  Object.assign(process.env, emulator.environmentVariables);
  emulator.controls.reset();
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(dir, { recursive: true, force: true });
});

const logins = () => emulator.controls.countGrants("authorization_code");
const refreshes = () => emulator.controls.countGrants("refresh_token");

function boundApp(storage: JSONTokenStorage | MemoryTokenStorage, name: string): UserApp {
  const app = emulatorUserApp(emulator, storage, name);
  new FlowsClient({ app });
  new TransferClient({ app });
  return app;
}

describe("a slow refresh", () => {
  test("an 11 s refresh of one resource server does not fail callers beside it", async () => {
    const file = join(dir, "tokens.json");
    await using first = boundApp(new JSONTokenStorage(file), "slow-refresh");
    await first.login();
    emulator.controls.advanceClock(TWO_DAYS);
    emulator.controls.addFault({
      kind: "latency",
      latencyMs: 11_000,
      service: "auth",
      path: "/v2/oauth2/token",
      method: "POST",
      count: 1,
    });
    // two more apps on the same file, as other processes would be
    await using second = boundApp(new JSONTokenStorage(file), "slow-refresh");
    await using third = boundApp(new JSONTokenStorage(file), "slow-refresh");
    const started = Date.now();
    const slowFlows = new FlowsClient({ app: first }).listFlows().firstPage();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const transferDone = new TransferClient({ app: second })
      .endpointSearch(undefined, { filterScope: "my-endpoints" })
      .firstPage()
      .then(() => Date.now() - started);
    const flowsToo = new FlowsClient({ app: third }).listFlows().firstPage();
    const [, transferMs] = await Promise.all([slowFlows, transferDone, flowsToo]);
    assert.ok(transferMs < 5_000, `the Transfer renewal waited ${transferMs} ms for Flows'`);
    // the third app waited past 10 s for the slow renewal, then took its token
    assert.equal(refreshes(), 2, "one grant for Flows (shared) and one for Transfer");
    assert.equal(logins(), 1);
  });
});

describe("a refresh token Globus Auth refused", () => {
  for (const run of [1, 2, 3]) {
    test(`8 concurrent calls cause 1 refresh grant and 1 login (run ${run})`, async () => {
      await using app = boundApp(new MemoryTokenStorage(), `refused-${run}`);
      await app.login();
      const stored = await (await app.tokenStorage()).getTokenData(FLOWS_RS);
      assert.ok(stored?.refresh_token);
      emulator.controls.revokeToken(stored.refresh_token);
      emulator.controls.advanceClock(TWO_DAYS);
      const flows = new FlowsClient({ app });
      const pages = await Promise.all(
        Array.from({ length: 8 }, () => flows.listFlows().firstPage()),
      );
      assert.equal(pages.length, 8);
      assert.equal(refreshes(), 1, "the dead refresh token was sent once");
      assert.equal(logins(), 2, "one login before, one for the whole burst");
      await Promise.all(Array.from({ length: 4 }, () => flows.listFlows().firstPage()));
      assert.equal(refreshes(), 1);
      assert.equal(logins(), 2);
    });
  }

  test("when the new login fails, later calls log in again but never resend the dead token", async () => {
    await using app = boundApp(new MemoryTokenStorage(), "refused-then-failed");
    await app.login();
    const stored = await (await app.tokenStorage()).getTokenData(FLOWS_RS);
    emulator.controls.revokeToken(stored!.refresh_token!);
    emulator.controls.advanceClock(TWO_DAYS);
    // the login the refusal leads to cannot happen: Auth's authorize page is down
    emulator.controls.addFault({
      kind: "status",
      status: 503,
      service: "auth",
      path: "/v2/oauth2/authorize",
    });
    const flows = new FlowsClient({ app });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => flows.listFlows().firstPage()),
    );
    assert.ok(outcomes.every((outcome) => outcome.status === "rejected"));
    assert.equal(refreshes(), 1);
    for (let i = 0; i < 3; i++) await assert.rejects(flows.listFlows().firstPage());
    assert.equal(refreshes(), 1, "no request sent the refused refresh token again");
    emulator.controls.clearFaults();
    await flows.listFlows().firstPage();
    assert.equal(refreshes(), 1);
    assert.equal(logins(), 2);
  });
});
