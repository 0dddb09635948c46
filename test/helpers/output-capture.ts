// Subprocess output that tests keep in memory never reaches the test runner's output, so the
// leak check in scripts/test.ts would miss it. Tests hand such output here; when the suite
// runs under scripts/test.ts it is appended to a file that the check reads too.
import { appendFileSync } from "node:fs";
import { join } from "node:path";

/** Set by scripts/test.ts: a folder for captured subprocess output. */
export const CAPTURE_DIR_ENV = "GLOBUS_SDK_TEST_CAPTURE_DIR";

/** Records what a subprocess printed, for the suite-wide leak check. */
export function captureOutput(label: string, ...texts: string[]): void {
  const dir = process.env[CAPTURE_DIR_ENV];
  if (!dir) return;
  appendFileSync(join(dir, `${process.pid}.log`), `--- ${label}\n${texts.join("\n")}\n`, {
    mode: 0o600,
  });
}
