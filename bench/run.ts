// Runs every bench/*.ts module (each exports `run(): Promise<BenchResult[]>`), prints one
// line per figure and writes bench/results.json. `npm run bench -- transport` runs a subset.
import { readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import type { BenchResult } from "./types.ts";

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
console.log(`machine: ${machine}`);
const results: BenchResult[] = [];
let failed = false;
for (const file of modules) {
  const mod = (await import(new URL(file, here).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== "function") continue;
  try {
    for (const r of await mod.run()) {
      if (r.target) r.holds = targetHolds(r);
      results.push(r);
      const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3));
      console.log(
        `${r.name}: ours ${fmt(r.ours)} ${r.unit}, baseline ${fmt(r.baseline)} ${r.unit}, ratio ${r.ratio.toFixed(3)}` +
          (r.target ? ` (target ${r.target}: ${targetHolds(r) ? "holds" : "MISSED"})` : "") +
          (r.note ? ` — ${r.note}` : ""),
      );
    }
  } catch (error) {
    failed = true;
    console.error(`${file}: failed: ${(error as Error).message}`);
  }
}
writeFileSync(
  new URL("results.json", here),
  `${JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2)}\n`,
);
if (failed) process.exitCode = 1;
