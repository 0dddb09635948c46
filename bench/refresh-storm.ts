/**
 * Refresh storms: (a) 1,000 concurrent bound calls in one process on an expired token, and
 * (b) 8 processes x 100 calls sharing one SQLite store. Each should cost one refresh grant.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FlowsClient, JSONTokenStorage, SQLiteTokenStorage, UserApp } from "../src/index.ts";
import {
  benchEnvironment,
  DEMO_NATIVE_CLIENT_ID,
  emulatorLoginClient,
  loginInto,
  runNode,
} from "./_setup.ts";
import { type BenchResult, timeMs } from "./types.ts";

const CONCURRENT = 1_000;
const PROCESSES = 8;
const CALLS_PER_PROCESS = 100;
// past the access tokens' lifetime (48 h), well within the refresh token's
const PAST_EXPIRY_SECONDS = 3 * 24 * 3600;
const WORKER = fileURLToPath(new URL("../test/globus-app/refresh-worker.ts", import.meta.url));

async function oneProcess(): Promise<BenchResult[]> {
  const env = await benchEnvironment("storm");
  const storage = new JSONTokenStorage(join(env.dir, "tokens.json"));
  try {
    await loginInto(env.emulator, "bench-storm", storage);
    const app = new UserApp("bench-storm", {
      loginClient: emulatorLoginClient(env.emulator),
      config: { tokenStorage: storage, tokenValidationErrorHandler: null },
    });
    const flows = new FlowsClient({ app, baseUrl: env.emulator.urls.flows });
    const burst = async () => {
      const results = await Promise.allSettled(
        Array.from({ length: CONCURRENT }, () => flows.listFlows().firstPage()),
      );
      const failed = results.filter((r) => r.status === "rejected");
      if (failed.length > 0)
        throw new Error(
          `${failed.length} of ${CONCURRENT} calls failed: ${String((failed[0] as PromiseRejectedResult).reason)}`,
        );
    };
    await burst(); // warm-up on the valid token
    const validMs = await timeMs(burst);
    env.emulator.controls.advanceClock(PAST_EXPIRY_SECONDS);
    const grantsBefore = env.emulator.controls.countGrants("refresh_token");
    const stormMs = await timeMs(burst);
    const grants = env.emulator.controls.countGrants("refresh_token") - grantsBefore;
    const logins = env.emulator.controls.countGrants("authorization_code");
    await app.close();
    return [
      {
        name: "refresh-storm-grants",
        ours: grants,
        baseline: 1,
        unit: "grants",
        ratio: grants,
        target: "exactly 1",
        note: `refresh grants for ${CONCURRENT} concurrent calls on an expired token in one process (baseline: the ideal single refresh); ${logins} login(s) in all`,
      },
      {
        name: "refresh-storm-elapsed",
        ours: Math.round(stormMs),
        baseline: Math.round(validMs),
        unit: "ms",
        ratio: stormMs / validMs,
        note: `${CONCURRENT} concurrent calls on an expired token vs the same calls on a valid token`,
      },
    ];
  } finally {
    await storage.close();
    await env.dispose();
  }
}

async function manyProcesses(): Promise<BenchResult[]> {
  const env = await benchEnvironment("storm-mp");
  try {
    const dbPath = join(env.dir, "tokens.db");
    const storage = new SQLiteTokenStorage(dbPath);
    try {
      // the worker's app name: it shares this login through the store
      await loginInto(env.emulator, "multi-process", storage);
    } finally {
      await storage.close();
    }
    env.emulator.controls.advanceClock(PAST_EXPIRY_SECONDS);
    const childEnv = { ...process.env, ...env.emulator.environmentVariables, HOME: env.dir };
    let outputs: string[] = [];
    const elapsed = await timeMs(async () => {
      outputs = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          runNode([WORKER, dbPath, DEMO_NATIVE_CLIENT_ID, String(CALLS_PER_PROCESS)], childEnv),
        ),
      );
    });
    let ok = 0;
    let failed = 0;
    for (const out of outputs) {
      const counts = JSON.parse(out) as { ok: number; failed: number };
      ok += counts.ok;
      failed += counts.failed;
    }
    const grants = env.emulator.controls.countGrants("refresh_token");
    const logins = env.emulator.controls.countGrants("authorization_code");
    return [
      {
        name: "refresh-storm-8-processes",
        ours: grants,
        baseline: 1,
        unit: "grants",
        ratio: grants,
        target: "<= 1",
        note: `${PROCESSES} processes x ${CALLS_PER_PROCESS} calls on one SQLite store: ${ok} ok, ${failed} failed, ${logins} login(s) in all, ${Math.round(elapsed)} ms`,
      },
    ];
  } finally {
    await env.dispose();
  }
}

export async function run(): Promise<BenchResult[]> {
  return [...(await oneProcess()), ...(await manyProcesses())];
}
