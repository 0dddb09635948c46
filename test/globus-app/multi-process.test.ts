import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FlowsClient, SQLiteTokenStorage } from "../../src/index.ts";
import { DEMO_NATIVE_CLIENT_ID, startEmulator } from "../../src/testing/index.ts";

import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { captureOutput } from "../helpers/output-capture.ts";

const WORKER = fileURLToPath(new URL("./refresh-worker.ts", import.meta.url));

test("8 processes x 100 calls on an expired token share one SQLite store and one refresh", async () => {
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "globus-multi-"));
  const dbPath = join(dir, "tokens.db");
  try {
    const storage = new SQLiteTokenStorage(dbPath);
    {
      await using app = emulatorUserApp(emulator, storage, "multi-process");
      new FlowsClient({ app, baseUrl: emulator.urls.flows });
      await app.login();
    }
    await storage.close();
    // the services now reject the stored access token; every process must refresh or adopt
    emulator.controls.advanceClock(3 * 24 * 3600);
    const runs = Array.from(
      { length: 8 },
      () =>
        new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn(process.execPath, [WORKER, dbPath, DEMO_NATIVE_CLIENT_ID, "100"], {
            env: { ...process.env, ...emulator.environmentVariables },
          });
          let out = "";
          let err = "";
          child.stdout.on("data", (d) => {
            out += d;
          });
          child.stderr.on("data", (d) => {
            err += d;
          });
          child.on("close", (code) => {
            captureOutput("refresh worker", out, err);
            resolve({ code, out, err });
          });
        }),
    );
    const results = await Promise.all(runs);
    for (const r of results) {
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), { ok: 100, failed: 0 }, r.err);
    }
    assert.equal(
      emulator.controls.countGrants("refresh_token"),
      1,
      "one refresh served all 8 processes",
    );
    assert.equal(
      emulator.controls.countGrants("authorization_code"),
      1,
      "no process logged in again",
    );
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
