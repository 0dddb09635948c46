/**
 * Makes sure Debian's `redis-server` (and `redis-cli`) are installed, for the Redis token
 * storage tests. Installs the package with apt-get when missing (as root, or through sudo).
 *
 *   node scripts/ensure-redis.ts
 */
import { pathToFileURL } from "node:url";
import { ensureDebianPackage } from "./debian-package.ts";

/** Where the Redis tests expect the server and its command-line client. */
export const REDIS_SERVER_PATH = "/usr/bin/redis-server";
export const REDIS_CLI_PATH = "/usr/bin/redis-cli";

/** What to tell a developer whose machine lacks Redis. */
export const REDIS_INSTALL_HINT =
  `redis-server is required for the Redis token storage tests and was not found at ${REDIS_SERVER_PATH}. ` +
  "Install it with `node scripts/ensure-redis.ts` (runs `apt-get install -y redis-server` as root " +
  "or through sudo), or `sudo apt-get install redis-server` on Debian/Ubuntu.";

/** The redis-server path, installing the package first when it is missing. */
export function ensureRedis(): string {
  ensureDebianPackage(REDIS_SERVER_PATH, "redis-server", REDIS_INSTALL_HINT);
  return (
    ensureDebianPackage(REDIS_CLI_PATH, "redis-tools", REDIS_INSTALL_HINT) && REDIS_SERVER_PATH
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    console.log(ensureRedis());
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
