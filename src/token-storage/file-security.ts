/**
 * Permissions and links of token files: files are tightened to 0600, folders others can
 * write to are reported once, and a symlinked token file is updated through its link.
 */
import { chmodSync, lstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { debuglog } from "node:util";

const debug = debuglog("globus-sdk");

/**
 * Emitted once per folder (as a Node process warning, `process.on("warning")`) when a token
 * file sits in a folder that other users can write to: they could replace the file, or a
 * link to it, with their own.
 */
export class InsecureTokenFolderWarning extends Error {
  override name = "InsecureTokenFolderWarning";
  readonly code = "GLOBUS_SDK_INSECURE_TOKEN_FOLDER";
  readonly folder: string;
  /** The folder's permission bits, e.g. 0o777. */
  readonly mode: number;
  constructor(folder: string, mode: number) {
    super(
      `The token folder '${folder}' is writable by other users (mode ${mode.toString(8).padStart(4, "0")}): ` +
        `they could replace your tokens. Run: chmod 700 '${folder}'`,
    );
    this.folder = folder;
    this.mode = mode;
  }
}

const warnedFolders = new Set<string>();

/** Reports, once per process, a folder that group or others can write to. */
export function checkTokenFolder(folder: string): void {
  if (process.platform === "win32") return; // POSIX modes mean nothing there
  const resolved = path.resolve(folder);
  if (warnedFolders.has(resolved)) return;
  let bits: number;
  try {
    bits = statSync(resolved).mode;
  } catch {
    return;
  }
  const mode = bits & 0o777;
  // a sticky shared folder such as /tmp keeps other users from replacing your files
  if ((mode & 0o022) === 0 || (bits & 0o1000) !== 0) return;
  warnedFolders.add(resolved);
  const warning = new InsecureTokenFolderWarning(resolved, mode);
  debug("%s", warning.message);
  process.emitWarning(warning);
}

/** Tightens an existing token file (or SQLite side file) to 0600; a missing file is fine. */
export function tightenFileMode(file: string): void {
  if (process.platform === "win32") return;
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) === 0) return;
    chmodSync(file, 0o600);
    debug("tightened '%s' from mode %s to 0600", file, mode.toString(8));
  } catch {
    // missing, or not ours to change: the next write makes a 0600 file anyway
  }
}

/**
 * The file a write must replace: `file` itself, or, when it is a symbolic link, the file
 * it points to, so that the link is kept and its target sees the update (as the Python
 * SDK, which writes through links, behaves).
 */
export function writeTarget(file: string): string {
  try {
    if (!lstatSync(file).isSymbolicLink()) return file;
  } catch {
    return file;
  }
  try {
    return realpathSync(file);
  } catch {
    // a dangling link: its target is created where the link points
    let current = file;
    for (let hops = 0; hops < 40; hops++) {
      try {
        if (!lstatSync(current).isSymbolicLink()) break;
      } catch {
        break;
      }
      current = path.resolve(path.dirname(current), readlinkSync(current));
    }
    return current;
  }
}
