// Runs every bench/*.ts module (each exports `run(): Promise<BenchResult[]>`), each in a
// fresh process, prints one line per figure and writes bench/results.json.
// `npm run bench -- transport` runs a subset.
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchResult } from "./types.ts";

const CHILD_ENV = "GLOBUS_SDK_BENCH_MODULE";
const RESULTS_MARK = "bench-results: ";

const here = new URL(".", import.meta.url);
const only = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "types.ts"].includes(f) && !f.startsWith("_"))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();

/** Whether a row's ratio meets its target ("<= 1.05", ">= 0.5"). */
function targetHolds(r: BenchResult): boolean {
  const match = /^(<=|>=)\s*([\d.]+)$/.exec(r.target ?? "");
  if (!match) return true;
  return match[1] === "<=" ? r.ratio <= Number(match[2]) : r.ratio >= Number(match[2]);
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.versions.node}, load average ${loadavg()
  .map((n) => n.toFixed(2))
  .join(" ")} at start`;
// Each module runs in a process of its own: one module's warm-up, heap and inline caches
// (the SDK called with other shapes) must not tilt another's comparison.
if (process.env[CHILD_ENV]) {
  const mod = (await import(new URL(process.env[CHILD_ENV], here).href)) as {
    run?: () => Promise<BenchResult[]>;
  };
  const rows = typeof mod.run === "function" ? await mod.run() : [];
  // some modules leave servers behind: exit once the results are out
  process.stdout.write(`${RESULTS_MARK}${JSON.stringify(rows)}\n`, () => process.exit(0));
  await new Promise(() => {});
}

console.log(`machine: ${machine}`);
const results: BenchResult[] = [];
let failed = false;
for (const file of modules) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_ENV]: file },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = child.stdout.split("\n");
  for (const l of lines) if (l !== "" && !l.startsWith(RESULTS_MARK)) console.log(l);
  const line = lines.find((l) => l.startsWith(RESULTS_MARK));
  if (child.status !== 0 || line === undefined) {
    failed = true;
    console.error(`${file}: failed (exit ${child.status ?? child.signal})`);
    continue;
  }
  for (const r of JSON.parse(line.slice(RESULTS_MARK.length)) as BenchResult[]) {
    if (r.target) r.holds = targetHolds(r);
    results.push(r);
    const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3));
    console.log(
      `${r.name}: ours ${fmt(r.ours)} ${r.unit}, baseline ${fmt(r.baseline)} ${r.unit}, ratio ${r.ratio.toFixed(3)}` +
        (r.target ? ` (target ${r.target}: ${targetHolds(r) ? "holds" : "MISSED"})` : "") +
        (r.note ? ` — ${r.note}` : ""),
    );
  }
}
writeFileSync(
  new URL("results.json", here),
  `${JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2)}\n`,
);
if (failed) process.exitCode = 1;
