/**
 * Makes sure Debian's `chromium` is installed at /usr/bin/chromium, for the real-browser
 * login test. Installs it with apt-get when missing (as root, or through sudo).
 *
 *   node scripts/ensure-chromium.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** Where the browser test expects Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** What to tell a developer whose machine lacks Chromium. */
export const CHROMIUM_INSTALL_HINT =
  `Chromium is required for the real-browser login test and was not found at ${CHROMIUM_PATH}. ` +
  "Install it with `node scripts/ensure-chromium.ts` (runs `apt-get install -y chromium` as root " +
  "or through sudo), or `sudo apt-get install chromium` on Debian/Ubuntu.";

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status === 0;
}

function commandExists(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/**
 * Returns the Chromium path, installing the package first when it is missing.
 * Throws an Error with {@link CHROMIUM_INSTALL_HINT} when it cannot be installed.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (!commandExists("apt-get")) {
    throw new Error(`${CHROMIUM_INSTALL_HINT} (apt-get is not available on this machine)`);
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const prefix = isRoot ? [] : commandExists("sudo") ? ["sudo", "-n"] : null;
  if (prefix === null) {
    throw new Error(`${CHROMIUM_INSTALL_HINT} (not root and sudo is unavailable)`);
  }
  const apt = (args: string[]) =>
    prefix.length > 0
      ? run(prefix[0]!, [...prefix.slice(1), "apt-get", ...args])
      : run("apt-get", args);
  console.error("[ensure-chromium] installing Debian's chromium with apt-get ...");
  if (!apt(["install", "-y", "--no-install-recommends", "chromium"])) {
    // The package lists may be missing or stale on a fresh machine.
    if (!apt(["update"]) || !apt(["install", "-y", "--no-install-recommends", "chromium"])) {
      throw new Error(`${CHROMIUM_INSTALL_HINT} (apt-get install failed)`);
    }
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_INSTALL_HINT} (the package installed, but ${CHROMIUM_PATH} is missing)`,
    );
  }
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
