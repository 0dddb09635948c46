// Multi-process soak: 8 processes share one JSON and one SQLite token store for 30 s, making
// mixed bound calls while the parent keeps jumping the emulator clock past token expiry, so
// every process has to refresh, or adopt a refresh another process made, again and again.
// HARDENING_SOAK_SECONDS overrides the length (e.g. 300 for a long local run).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FlowsClient, TransferClient } from "../../src/index.ts";
import {
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  DEMO_NATIVE_CLIENT_ID,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { captureOutput } from "../helpers/output-capture.ts";
import { assertStoreIntact, openStore, type StoreKind } from "./helpers.ts";

const WORKER = fileURLToPath(new URL("./soak-worker.ts", import.meta.url));
const PROCESSES = 8;
const SOAK_SECONDS = Number(process.env["HARDENING_SOAK_SECONDS"] || 30);
const JUMP_EVERY_MS = 2_000;
const PAST_EXPIRY = 3 * 24 * 3600;
/** Stores × bound resource servers (Flows and Transfer): the refreshes one jump calls for. */
const REFRESHES_PER_JUMP = 2 * 2;

interface WorkerSummary {
  ok: number;
  failed: number;
  untyped: number;
  errors: string[];
}

function runWorker(args: string[], env: NodeJS.ProcessEnv): Promise<WorkerSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { env });
    let out = "";
    let err = "";
    // a hung worker must not hang the suite
    const killer = setTimeout(() => child.kill("SIGKILL"), (SOAK_SECONDS + 60) * 1000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      captureOutput("soak worker", out, err);
      if (code !== 0) reject(new Error(`a worker exited ${code ?? signal}: ${err}`));
      else resolve(JSON.parse(out) as WorkerSummary);
    });
  });
}

test(`soak: ${PROCESSES} processes for ${SOAK_SECONDS} s on one JSON and one SQLite store`, async (t) => {
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "globus-hardening-soak-"));
  const paths: Record<StoreKind, string> = {
    json: join(dir, "tokens.json"),
    sqlite: join(dir, "tokens.db"),
  };
  let jumper: NodeJS.Timeout | undefined;
  try {
    for (const kind of ["json", "sqlite"] as const) {
      const storage = openStore(kind, paths[kind]);
      const app = emulatorUserApp(emulator, storage, "hardening-soak");
      new FlowsClient({ app, baseUrl: emulator.urls.flows });
      new TransferClient({ app, baseUrl: emulator.urls.transfer });
      await app.login();
      await app.close();
      await storage.close();
    }
    const logins = emulator.controls.countGrants("authorization_code");
    const grantsBefore = emulator.controls.countGrants("refresh_token");
    let jumps = 0;
    jumper = setInterval(() => {
      emulator.controls.advanceClock(PAST_EXPIRY);
      jumps++;
    }, JUMP_EVERY_MS);
    const args = [
      paths.json,
      paths.sqlite,
      DEMO_NATIVE_CLIENT_ID,
      String(SOAK_SECONDS),
      DEMO_COLLECTION_ID,
      DEMO_FLOW_ID,
      emulator.baseUrl,
    ];
    const env = { ...process.env, ...emulator.environmentVariables };
    const summaries = await Promise.all(
      Array.from({ length: PROCESSES }, () => runWorker(args, env)),
    );
    clearInterval(jumper);

    let calls = 0;
    for (const summary of summaries) {
      const why = summary.errors.join("\n");
      assert.equal(summary.untyped, 0, `untyped errors: ${why}`);
      assert.equal(summary.failed, 0, `failed calls: ${why}`);
      assert.ok(summary.ok > 0, "every worker got calls through");
      calls += summary.ok;
    }
    for (const kind of ["json", "sqlite"] as const) assertStoreIntact(kind, paths[kind]);
    assert.equal(emulator.controls.countGrants("authorization_code"), logins, "nobody logged in");

    // One refresh per store and resource server per jump, however many processes and calls
    // noticed the expiry. A jump that lands while a refresh is on the wire can cost one more
    // (the new token was born expired); a storm would be dozens per jump.
    const grants = emulator.controls.countGrants("refresh_token") - grantsBefore;
    const limit = REFRESHES_PER_JUMP * (2 * jumps + 1);
    assert.ok(jumps >= 1, "the clock jumped during the soak");
    assert.ok(
      grants >= jumps,
      `${grants} refresh grants for ${jumps} jumps: the jumps forced refreshes`,
    );
    assert.ok(
      grants <= limit,
      `${grants} refresh grants for ${jumps} clock jumps: a refresh storm`,
    );

    // no lost token: after the soak a fresh app on each store still works without a login
    emulator.controls.advanceClock(PAST_EXPIRY);
    for (const kind of ["json", "sqlite"] as const) {
      const storage = openStore(kind, paths[kind]);
      const app = emulatorUserApp(emulator, storage, "hardening-soak");
      await new FlowsClient({ app, baseUrl: emulator.urls.flows }).listFlows().firstPage();
      await app.close();
      await storage.close();
    }
    assert.equal(emulator.controls.countGrants("authorization_code"), logins, "still no login");
    t.diagnostic(`${calls} calls, ${grants} refresh grants, ${jumps} clock jumps, 0 failures`);
  } finally {
    if (jumper) clearInterval(jumper);
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
