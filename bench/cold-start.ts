/**
 * Cold start: a fresh process that imports the SDK, builds a UserApp on stored tokens and
 * makes one bound `listFlows`, against the limit: a fresh process that reads the same token
 * file and makes the same GET with bare node:http. Timed (spawn to exit) and weighed (peak
 * resident memory), medians of interleaved runs. Ours runs the published bundle (built here
 * with scripts/build.ts, as `prepack` does) and, for reference, the .ts sources.
 */
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { JSONTokenStorage } from "../src/index.ts";
import { benchEnvironment, DEMO_NATIVE_CLIENT_ID, loginInto, runNode } from "./_setup.ts";
import { type BenchResult, median } from "./types.ts";

const RUNS = 21;
const SOURCE_RUNS = 7;
const root = fileURLToPath(new URL("../", import.meta.url));
const CHILD = fileURLToPath(new URL("./_cold-start-child.mjs", import.meta.url));
const BASELINE = fileURLToPath(new URL("./_cold-start-baseline.mjs", import.meta.url));

async function timed(run: () => Promise<string>): Promise<{ ms: number; rss: number }> {
  const start = performance.now();
  const out = await run();
  const ms = performance.now() - start;
  return { ms, rss: (JSON.parse(out) as { maxRSS: number }).maxRSS / 1024 };
}

export async function run(): Promise<BenchResult[]> {
  await runNode([join(root, "scripts/build.ts")]);
  const env = await benchEnvironment("cold");
  try {
    const tokenPath = join(env.dir, "tokens.json");
    const storage = new JSONTokenStorage(tokenPath);
    await loginInto(env.emulator, "bench-cold-start", storage);
    await storage.close();
    const childEnv = { ...process.env, ...env.emulator.environmentVariables, HOME: env.dir };
    const url = `${env.emulator.urls.flows}flows`;
    const variants = [
      {
        name: "cold-start",
        entry: pathToFileURL(join(root, "dist/index.js")).href,
        what: "the published bundle (dist/)",
      },
      {
        name: "cold-start-sources",
        entry: pathToFileURL(join(root, "src/index.ts")).href,
        what: "the .ts sources, type-stripped as they load",
      },
    ];
    const ours = (entry: string) => () =>
      runNode([CHILD, entry, tokenPath, DEMO_NATIVE_CLIENT_ID], childEnv);
    const limit = () => runNode([BASELINE, tokenPath, url], childEnv);
    const samples = new Map<string, { ms: number; rss: number }[]>([["limit", []]]);
    for (const v of variants) samples.set(v.name, []);
    // one unmeasured run each warms the OS file cache
    await limit();
    for (const v of variants) await ours(v.entry)();
    // The bundle against the limit in ABBA order (limit, ours, ours, limit, ...): each
    // follows the other as often as itself, so neither gains from what ran just before,
    // and a drift across the run cancels. The sources, far slower, run apart afterwards.
    const [bundle, sources] = variants as [(typeof variants)[0], (typeof variants)[0]];
    for (let i = 0; i < RUNS; i++) {
      const pair = [
        () => timed(limit).then((s) => samples.get("limit")!.push(s)),
        () => timed(ours(bundle.entry)).then((s) => samples.get(bundle.name)!.push(s)),
      ];
      for (const step of i % 2 === 0 ? pair : pair.reverse()) await step();
    }
    for (let i = 0; i < SOURCE_RUNS; i++)
      samples.get(sources.name)!.push(await timed(ours(sources.entry)));
    const logins = env.emulator.controls.countGrants("authorization_code");
    const refreshes = env.emulator.controls.countGrants("refresh_token");
    const base = samples.get("limit")!;
    const baseMs = median(base.map((s) => s.ms));
    const baseRss = median(base.map((s) => s.rss));
    const results: BenchResult[] = [];
    for (const v of variants) {
      const mine = samples.get(v.name)!;
      const ms = median(mine.map((s) => s.ms));
      const rss = median(mine.map((s) => s.rss));
      const primary = v.name === "cold-start";
      results.push({
        name: v.name,
        ours: Math.round(ms),
        baseline: Math.round(baseMs),
        unit: "ms",
        ratio: ms / baseMs,
        ...(primary ? { target: "<= 1.05" } : {}),
        note: `${v.what}: import, a UserApp on stored tokens, one bound listFlows vs bare node:http reading the same token file for the same GET; median of ${primary ? `${RUNS} fresh processes each, in ABBA order with the limit's` : `${SOURCE_RUNS} fresh processes, run after the others`} (spawn to exit); ${logins} login(s), ${refreshes} refresh(es) in all; lower is better`,
      });
      if (primary) {
        results.push({
          name: "cold-start-memory",
          ours: Number(rss.toFixed(1)),
          baseline: Number(baseRss.toFixed(1)),
          unit: "MiB",
          ratio: rss / baseRss,
          target: "<= 1.05",
          note: `peak resident memory (maxRSS) of the same processes; median of ${RUNS}; lower is better`,
        });
      }
    }
    return results;
  } finally {
    await env.dispose();
  }
}
