/**
 * Memory: resident set size of a process that logs in and makes 1,000 bound calls, against a
 * process making 1,000 raw fetch calls on the same route. Both measure after a GC.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryTokenStorage } from "../src/index.ts";
import { ALICE_IDENTITY_ID } from "../src/testing/index.ts";
import { benchEnvironment, DEMO_NATIVE_CLIENT_ID, loginInto, runNode } from "./_setup.ts";
import { type BenchResult, median } from "./types.ts";

const CALLS = 1_000;
const RUNS = 3;
const CHILD = fileURLToPath(new URL("./_memory-child.ts", import.meta.url));
const BASELINE = fileURLToPath(new URL("./_memory-baseline.ts", import.meta.url));

interface Sample {
  rss: number;
  heapUsed: number;
  gc: boolean;
}

const MB = 2 ** 20;

export async function run(): Promise<BenchResult[]> {
  const env = await benchEnvironment("memory");
  try {
    // a token for the baseline's raw calls
    const token = await loginInto(env.emulator, "bench-memory-baseline", new MemoryTokenStorage());
    const url = `${env.emulator.urls.flows}flows`;
    const childEnv = { ...process.env, ...env.emulator.environmentVariables, HOME: env.dir };
    // the children log in without a page: the emulator approves as Alice at once
    env.emulator.controls.autoApprove(ALICE_IDENTITY_ID);
    const ours: Sample[] = [];
    const raw: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      const out = await runNode(["--expose-gc", BASELINE, url, token, String(CALLS)], childEnv);
      raw.push(JSON.parse(out) as Sample);
      const tokenPath = join(env.dir, `tokens-${i}.json`);
      const mine = await runNode(
        ["--expose-gc", CHILD, tokenPath, DEMO_NATIVE_CLIENT_ID, String(CALLS)],
        childEnv,
      );
      ours.push(JSON.parse(mine) as Sample);
    }
    const logins = env.emulator.controls.countGrants("authorization_code");
    const o = median(ours.map((s) => s.rss)) / MB;
    const b = median(raw.map((s) => s.rss)) / MB;
    const heapOurs = median(ours.map((s) => s.heapUsed)) / MB;
    const heapRaw = median(raw.map((s) => s.heapUsed)) / MB;
    const gc = ours.every((s) => s.gc) && raw.every((s) => s.gc) ? "after a GC" : "no GC available";
    return [
      {
        name: "memory",
        ours: Number(o.toFixed(1)),
        baseline: Number(b.toFixed(1)),
        unit: "MB",
        ratio: o / b,
        note: `RSS ${gc}, median of ${RUNS} processes each: login + ${CALLS} bound calls vs ${CALLS} raw fetch calls; heap used ${heapOurs.toFixed(1)} vs ${heapRaw.toFixed(1)} MB; ${logins} login(s) in all`,
      },
    ];
  } finally {
    await env.dispose();
  }
}
