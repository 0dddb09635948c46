/**
 * Cold start: a fresh process that imports the SDK, builds a UserApp on stored tokens and makes
 * one bound call, against a fresh process making the same call with raw fetch. Timed twice:
 * on the .ts sources (Node strips types as it loads them) and on a compiled build (what an
 * installed package runs).
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { JSONTokenStorage } from "../src/index.ts";
import { benchEnvironment, DEMO_NATIVE_CLIENT_ID, loginInto, runNode } from "./_setup.ts";
import { type BenchResult, median, timeMs } from "./types.ts";

const RUNS = 7;
const root = new URL("../", import.meta.url);
const CHILD = fileURLToPath(new URL("./_cold-start-child.ts", import.meta.url));
const BASELINE = fileURLToPath(new URL("./_cold-start-baseline.ts", import.meta.url));

/** Compiles src/ to JavaScript under `dir` (with node_modules reachable, for jose). */
async function compile(dir: string): Promise<string> {
  const out = join(dir, "build");
  mkdirSync(out);
  symlinkSync(fileURLToPath(new URL("node_modules", root)), join(dir, "node_modules"), "dir");
  const tsc = fileURLToPath(new URL("node_modules/typescript/bin/tsc", root));
  const project = fileURLToPath(new URL("tsconfig.build.json", root));
  await runNode([
    tsc,
    "-p",
    project,
    "--outDir",
    out,
    "--declaration",
    "false",
    "--declarationMap",
    "false",
    "--sourceMap",
    "false",
    "--rewriteRelativeImportExtensions",
  ]);
  return pathToFileURL(join(out, "index.js")).href;
}

export async function run(): Promise<BenchResult[]> {
  const env = await benchEnvironment("cold");
  try {
    const tokenPath = join(env.dir, "tokens.json");
    const storage = new JSONTokenStorage(tokenPath);
    const token = await loginInto(env.emulator, "bench-cold-start", storage);
    await storage.close();
    const compiled = await compile(env.dir);
    const childEnv = { ...process.env, ...env.emulator.environmentVariables, HOME: env.dir };
    const url = `${env.emulator.urls.flows}flows`;
    const sources = new URL("../src/index.ts", import.meta.url).href;
    const ours = (entry: string) => () =>
      runNode([CHILD, entry, tokenPath, DEMO_NATIVE_CLIENT_ID], childEnv);
    const raw = () => runNode([BASELINE, url, token], childEnv);
    const variants = [
      { name: "cold-start", entry: sources, what: ".ts sources" },
      { name: "cold-start-compiled", entry: compiled, what: "compiled JS build" },
    ];
    const times = new Map<string, number[]>([["raw", []]]);
    for (const v of variants) times.set(v.name, []);
    // one unmeasured run each warms the OS file cache
    await raw();
    for (const v of variants) await ours(v.entry)();
    for (let i = 0; i < RUNS; i++) {
      times.get("raw")!.push(await timeMs(raw));
      for (const v of variants) times.get(v.name)!.push(await timeMs(ours(v.entry)));
    }
    const refreshes = env.emulator.controls.countGrants("refresh_token");
    const logins = env.emulator.controls.countGrants("authorization_code");
    const b = median(times.get("raw")!);
    return variants.map((v) => {
      const o = median(times.get(v.name)!);
      return {
        name: v.name,
        ours: Math.round(o),
        baseline: Math.round(b),
        unit: "ms",
        ratio: o / b,
        target: "<= 1.5",
        note: `${v.what}; median of ${RUNS} fresh processes each (spawn to exit), interleaved; ${logins} login(s), ${refreshes} refresh(es) in all`,
      };
    });
  } finally {
    await env.dispose();
  }
}
