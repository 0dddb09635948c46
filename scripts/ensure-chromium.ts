/**
 * Makes sure Debian's `chromium` is installed at /usr/bin/chromium, for the real-browser
 * login test. Installs it with apt-get when missing (as root, or through sudo).
 *
 *   node scripts/ensure-chromium.ts
 */
import { pathToFileURL } from "node:url";
import { ensureDebianPackage } from "./debian-package.ts";

/** Where the browser test expects Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** What to tell a developer whose machine lacks Chromium. */
export const CHROMIUM_INSTALL_HINT =
  `Chromium is required for the real-browser login test and was not found at ${CHROMIUM_PATH}. ` +
  "Install it with `node scripts/ensure-chromium.ts` (runs `apt-get install -y chromium` as root " +
  "or through sudo), or `sudo apt-get install chromium` on Debian/Ubuntu.";

/**
 * Returns the Chromium path, installing the package first when it is missing.
 * Throws an Error with {@link CHROMIUM_INSTALL_HINT} when it cannot be installed.
 */
export function ensureChromium(): string {
  return ensureDebianPackage(CHROMIUM_PATH, "chromium", CHROMIUM_INSTALL_HINT);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
