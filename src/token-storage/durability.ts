/**
 * Whether an atomic replace (write a new file, rename it over the old) needs an fsync to
 * survive a power loss in one piece, decided per file system.
 *
 * ext4 in its default modes orders a rename over an existing file after the new file's
 * data (`auto_da_alloc` with `data=ordered`, or `data=journal`): after a crash the file is
 * the old version or the new one, never empty or torn. There an fsync only makes the
 * latest write durable a few seconds sooner (the journal commits every 5 s by default),
 * and on a virtual disk it costs more than the whole write. Memory file systems lose
 * everything on power loss anyway. Everywhere else (XFS, btrfs, NFS, overlays, macOS,
 * Windows, or anything this cannot tell) the new file is flushed before the rename.
 */
import { readFileSync, statSync } from "node:fs";

/** The file system of one mount, as `/proc/self/mountinfo` describes it. */
export interface MountFacts {
  /** File system type, for example `ext4`. */
  type: string;
  /** The superblock's options, for example `rw,data=ordered`. */
  superOptions: string[];
}

const MEMORY_FILE_SYSTEMS = new Set(["tmpfs", "ramfs"]);

/**
 * Whether a rename over an existing file on this file system is ordered after the new
 * file's data, so an atomic replace stays whole through a power loss without an fsync.
 */
export function renameKeepsDataOrder(mount: MountFacts): boolean {
  if (MEMORY_FILE_SYSTEMS.has(mount.type)) return true;
  if (mount.type !== "ext4") return false;
  const options = new Set(mount.superOptions);
  return !options.has("noauto_da_alloc") && !options.has("data=writeback");
}

/**
 * Parses `/proc/self/mountinfo` into the mounts of each device (`major:minor`). Bind
 * mounts of one device share one superblock, so the first line for a device is enough.
 */
export function parseMountInfo(text: string): Map<string, MountFacts> {
  const mounts = new Map<string, MountFacts>();
  for (const line of text.split("\n")) {
    const fields = line.split(" ");
    const separator = fields.indexOf("-", 6);
    const device = fields[2];
    const type = fields[separator + 1];
    if (separator < 0 || device === undefined || type === undefined) continue;
    if (mounts.has(device)) continue;
    mounts.set(device, { type, superOptions: (fields[separator + 3] ?? "").split(",") });
  }
  return mounts;
}

/** `major:minor` of a device number as Linux's `makedev` packs it. */
export function deviceName(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** The mount holding `folder`, or undefined off Linux or when it cannot be told. */
export function mountOf(folder: string): MountFacts | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const device = deviceName(statSync(folder, { bigint: true }).dev);
    return parseMountInfo(readFileSync("/proc/self/mountinfo", "utf8")).get(device);
  } catch {
    return undefined;
  }
}

/** Whether writes into `folder` should be flushed before they replace a file. */
export function replaceNeedsFlush(folder: string): boolean {
  const mount = mountOf(folder);
  return mount === undefined || !renameKeepsDataOrder(mount);
}
