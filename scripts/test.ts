// `npm test`: runs the suite (or the test files given as arguments) with every emulator
// recording the tokens it issues, captures everything the suite prints plus the subprocess
// output tests hand to test/helpers/output-capture.ts, and fails when any issued token
// appears in any of it. The exit code is the test runner's, or 1 for a leak.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOKEN_LEDGER_ENV } from "../src/testing/auth.ts";
import { CAPTURE_DIR_ENV } from "../test/helpers/output-capture.ts";
import { findLeakedTokens, tokenHint } from "./token-leaks.ts";

const files = process.argv.slice(2);
const wholeSuite = files.length === 0;
const runDir = mkdtempSync(join(tmpdir(), "globus-sdk-test-run-"));
const ledger = join(runDir, "issued-tokens");
const captureDir = join(runDir, "captured");
mkdirSync(captureDir, { mode: 0o700 });

const child = spawn(
  process.execPath,
  ["--test", "--test-timeout=300000", ...(wholeSuite ? ["test/**/*.test.ts"] : files)],
  {
    env: { ...process.env, [TOKEN_LEDGER_ENV]: ledger, [CAPTURE_DIR_ENV]: captureDir },
    stdio: ["inherit", "pipe", "pipe"],
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => child.kill(signal));
}
const printed: string[] = [];
child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
  printed.push(chunk);
  process.stdout.write(chunk);
});
child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
  printed.push(chunk);
  process.stderr.write(chunk);
});
const exitCode = await new Promise<number>((resolve) => {
  child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
});

let leakFound = false;
try {
  const issued = new Set(
    existsSync(ledger) ? readFileSync(ledger, "utf8").split("\n").filter(Boolean) : [],
  );
  const sources: [string, string][] = [["the test runner's output", printed.join("")]];
  for (const name of readdirSync(captureDir)) {
    sources.push([
      `subprocess output captured by tests (${name})`,
      readFileSync(join(captureDir, name), "utf8"),
    ]);
  }
  const capturedBytes = sources.reduce((sum, [, text]) => sum + text.length, 0);
  for (const [where, text] of sources) {
    const leaked = findLeakedTokens(text, issued);
    if (leaked.size === 0) continue;
    leakFound = true;
    console.error(
      `\ntoken leak check: ${leaked.size} issued token(s) appear in ${where}: ${[...leaked].map(tokenHint).join(", ")}`,
    );
  }
  if (wholeSuite && issued.size === 0) {
    leakFound = true;
    console.error(
      "\ntoken leak check: no emulator recorded an issued token, so nothing was checked",
    );
  }
  if (!leakFound) {
    console.log(
      `\ntoken leak check: none of ${issued.size} issued tokens appears in ${capturedBytes} characters of captured output (${sources.length} sources)`,
    );
  }
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
process.exitCode = exitCode !== 0 ? exitCode : leakFound ? 1 : 0;
