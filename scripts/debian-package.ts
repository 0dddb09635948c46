/**
 * Installs a Debian package a test needs when its program is missing (a fresh CI machine
 * has neither Chromium nor redis-server), with apt-get as root or through sudo.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

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
 * Returns `program` (an absolute path), installing Debian's `pkg` first when it is missing.
 * Throws an Error that starts with `hint` when it cannot be installed.
 */
export function ensureDebianPackage(program: string, pkg: string, hint: string): string {
  if (existsSync(program)) return program;
  if (!commandExists("apt-get"))
    throw new Error(`${hint} (apt-get is not available on this machine)`);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const prefix = isRoot ? [] : commandExists("sudo") ? ["sudo", "-n"] : null;
  if (prefix === null) throw new Error(`${hint} (not root and sudo is unavailable)`);
  const apt = (args: string[]) =>
    prefix.length > 0
      ? run(prefix[0]!, [...prefix.slice(1), "apt-get", ...args])
      : run("apt-get", args);
  console.error(`[ensure] installing Debian's ${pkg} with apt-get ...`);
  const install = ["install", "-y", "--no-install-recommends", pkg];
  // the package lists may be missing or stale on a fresh machine
  if (!apt(install) && (!apt(["update"]) || !apt(install))) {
    throw new Error(`${hint} (apt-get install failed)`);
  }
  if (!existsSync(program)) {
    throw new Error(`${hint} (the package installed, but ${program} is missing)`);
  }
  return program;
}
