/**
 * The base of every token storage kept in one file: its path, the 0700 folder and 0600
 * file, links written through, the cross-process lock around read-modify-write, leftover
 * temporary files, the refresh lock, and a cache that is trusted while the file has not
 * changed on disk. A custom file format only says how to read and write its text.
 */
import { mkdirSync, readFileSync, renameSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { optionsArgument, stringArgument } from "../arguments.ts";
import { BaseTokenStorage, type TokenStorageOptions } from "./base.ts";
import { replaceNeedsFlush } from "./durability.ts";
import { TokenStorageError } from "./errors.ts";
import {
  dropLockRecord,
  type FileLockOptions,
  fileWriteError,
  removeFile,
  removeLeftoverTemps,
  tempPathFor,
  withFileLock,
  withFileRefreshLock,
  writeNewFile,
} from "./file-lock.ts";
import { checkTokenFolder, tightenFileMode, writeTarget } from "./file-security.ts";
import { defaultGlobusAppTokenPath, type PathEnvironment } from "./paths.ts";
import type { GlobusAppStorageContext, RefreshLockOptions } from "./types.ts";

/** Options every file storage takes. */
export interface FileTokenStorageOptions extends TokenStorageOptions {
  /** How long a write waits for other processes' writes. Default 10 s. */
  lockTimeoutMs?: number;
  /** Age after which another process's lock is taken over. Default 30 s. */
  lockStaleMs?: number;
  /**
   * Whether each write is flushed to the disk (fsync) before it replaces the file.
   * - `"auto"` (the default): flushed unless the file system keeps a replaced file whole
   *   through a power loss by itself (ext4 in its default modes, and memory file systems),
   *   and always for a file's first write. Either way a crash leaves the old file or the
   *   new one; unflushed, a power loss may lose the last few seconds of writes.
   * - `true`: always flushed, so a write that returned survives a power loss.
   * - `false`: never flushed. A write stays atomic if the process dies, but a power loss
   *   or kernel crash may lose it, or on file systems other than ext4 leave an empty file.
   *
   * SQLite storage reads `false` as `synchronous = NORMAL` and anything else as `FULL`.
   */
  fsync?: boolean | "auto";
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Writes `text` to `filepath` so that readers see either the old file or the new one,
 * never a mix: a 0600 temporary file beside the target, fsync (unless `flush` is false),
 * then rename over. A symlinked `filepath` is kept, and its target replaced.
 */
export function writeFileAtomic(filepath: string, text: string, flush = true): void {
  const target = writeTarget(filepath);
  const temp = tempPathFor(target);
  try {
    writeNewFile(temp, text, flush);
    // Dated a little in the past, so that any later write in place (the Python SDK's) gets
    // a newer modification time, and our own version counts as quiet at once.
    const past = new Date(Date.now() - RACY_WRITE_MS - 1_000);
    utimesSync(temp, past, past);
    renameSync(temp, target);
  } catch (error) {
    removeFile(temp);
    throw fileWriteError("write the token file", filepath, error);
  }
}

/** One version of a file on disk, as its metadata tells it. */
export interface FileVersion {
  /** Device, inode, size and change times: a write by anyone changes at least one. */
  key: string;
  /**
   * Whether the file was already quiet when it was looked at: modified more than
   * {@link RACY_WRITE_MS} before. A write in place (the Python SDK truncates and rewrites)
   * within the file system's timestamp granularity of an earlier one can leave every field
   * as it was, so only a quiet file's version may vouch for what was read earlier (the
   * "racy git" problem).
   */
  quiet: boolean;
}

/** How recent a modification must be for a file's metadata not to be trusted. */
export const RACY_WRITE_MS = 2_000;

/** The file's version now, or undefined when it does not exist. */
export function fileVersion(file: string): FileVersion | undefined {
  let stat: import("node:fs").BigIntStats;
  try {
    stat = statSync(file, { bigint: true });
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  const mtimeMs = Number(stat.mtimeNs / 1_000_000n);
  return {
    key: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`,
    quiet: Date.now() - mtimeMs > RACY_WRITE_MS,
  };
}

/** The text of a file and the version it was read at. */
export interface FileSnapshot {
  /** The file's text, or undefined when it does not exist. */
  text: string | undefined;
  /** The version of what was read (undefined when there is no file). */
  version: FileVersion | undefined;
}

/**
 * A token storage in one file. Subclasses implement the `*Impl` methods of
 * {@link BaseTokenStorage} with {@link readSnapshot} (cheap while the file is unchanged)
 * and {@link updateFile} (locked, atomic), and set the static `fileFormat` (the suffix of a
 * GlobusApp's default path) so that `forGlobusApp` works for them too.
 */
export abstract class FileTokenStorage extends BaseTokenStorage {
  /** The suffix of a GlobusApp's default file: `tokens.<fileFormat>`. */
  static readonly fileFormat: string = "tokens";

  /** The token file. */
  readonly filepath: string;
  readonly #lockTimeoutMs: number | undefined;
  readonly #lockStaleMs: number | undefined;
  readonly #fsync: boolean | "auto";
  /** Whether a replace in the file's folder needs a flush, once asked ("auto"). */
  #replaceNeedsFlush: boolean | undefined;
  #checkedModes = false;
  #sweptTemps = false;

  constructor(filepath: string, options: FileTokenStorageOptions = {}) {
    const where = `new ${new.target.name}`;
    super(optionsArgument(where, options));
    this.filepath = path.resolve(stringArgument(where, filepath, "filepath"));
    this.#lockTimeoutMs = options.lockTimeoutMs;
    this.#lockStaleMs = options.lockStaleMs;
    this.#fsync = options.fsync ?? "auto";
  }

  /**
   * The storage a GlobusApp uses: `~/.globus/app/<client_id>/<slug>/tokens.<fileFormat>`
   * (see {@link defaultGlobusAppTokenPath}), in the app's namespace.
   */
  static forGlobusApp<T extends FileTokenStorage>(
    this: (new (filepath: string, options: FileTokenStorageOptions) => T) & { fileFormat: string },
    context: GlobusAppStorageContext,
    where: PathEnvironment = {},
  ): T {
    const base = defaultGlobusAppTokenPath(
      context.clientId,
      context.appName,
      context.environment,
      where,
    );
    // `this` is the subclass called (JSON, SQLite, yours), with its own file format
    // biome-ignore lint/complexity/noThisInStatic: the subclass's value, not the base's
    return new this(`${base}.${this.fileFormat}`, {
      namespace: context.namespace ?? "DEFAULT",
    });
  }

  protected override describePath(): string {
    return this.filepath;
  }

  /** Tightens the file to 0600 and checks its folder, once per storage. */
  protected checkFileModes(): void {
    if (this.#checkedModes) return;
    this.#checkedModes = true;
    tightenFileMode(writeTarget(this.filepath));
    checkTokenFolder(path.dirname(this.filepath));
  }

  /** Creates the file's folder (0700) when it is missing. */
  protected ensureFolder(): void {
    try {
      mkdirSync(path.dirname(this.filepath), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw fileWriteError("create the folder of the token file", this.filepath, error);
    }
  }

  /** The file's version on disk now, without reading it. */
  protected currentVersion(): FileVersion | undefined {
    try {
      return fileVersion(this.filepath);
    } catch (error) {
      throw new TokenStorageError(`Cannot read the token file '${this.filepath}'`, {
        path: this.filepath,
        cause: error,
      });
    }
  }

  /** Reads the file's text (undefined when it does not exist) with its version. */
  protected readSnapshot(): FileSnapshot {
    this.checkFileModes();
    for (;;) {
      const version = this.currentVersion();
      if (version === undefined) return { text: undefined, version };
      let text: string;
      try {
        text = readFileSync(this.filepath, "utf8");
      } catch (error) {
        if (errorCode(error) === "ENOENT") continue;
        throw new TokenStorageError(`Cannot read the token file '${this.filepath}'`, {
          path: this.filepath,
          cause: error,
        });
      }
      // a writer that replaced the file while it was read: read the new one
      if (this.currentVersion()?.key === version.key) return { text, version };
    }
  }

  /**
   * Read-modify-write under the cross-process lock: `change` gets the file's version now
   * (reading the text, with {@link readSnapshot}, only if its own copy is older) and
   * returns the new text, or undefined to leave the file as it is. The write is atomic.
   * Resolves with the text and version written, or undefined when nothing was.
   */
  protected async updateFile(
    change: (current: FileVersion | undefined) => string | undefined | Promise<string | undefined>,
  ): Promise<{ text: string; version: FileVersion | undefined } | undefined> {
    this.ensureFolder();
    // the token file's lock is taken on every write: keep its record between takes
    const lockOptions: FileLockOptions = { keepRecord: true };
    if (this.#lockTimeoutMs !== undefined) lockOptions.timeoutMs = this.#lockTimeoutMs;
    if (this.#lockStaleMs !== undefined) lockOptions.staleMs = this.#lockStaleMs;
    return withFileLock(
      `${this.filepath}.lock`,
      async () => {
        this.checkFileModes();
        const before = this.currentVersion();
        const text = await change(before);
        if (text === undefined) return undefined;
        if (!this.#sweptTemps) {
          // crashed writers' temporary files, each a whole copy of the tokens: once per
          // storage is enough, as each new process's storage sweeps again
          removeLeftoverTemps(this.filepath);
          removeLeftoverTemps(`${this.filepath}.lock`);
          this.#sweptTemps = true;
        }
        writeFileAtomic(this.filepath, text, this.#flushes(before !== undefined));
        return { text, version: this.currentVersion() };
      },
      lockOptions,
    );
  }

  /**
   * Whether this write is flushed. Under "auto" a first write always is (no old version
   * to fall back on); a replace asks the file system, once per storage.
   */
  #flushes(replacing: boolean): boolean {
    if (this.#fsync !== "auto") return this.#fsync;
    if (!replacing) return true;
    this.#replaceNeedsFlush ??= replaceNeedsFlush(path.dirname(writeTarget(this.filepath)));
    return this.#replaceNeedsFlush;
  }

  /** Closes the storage and removes the lock record this process kept for its file. */
  override async close(): Promise<void> {
    await super.close();
    dropLockRecord(`${this.filepath}.lock`);
  }

  /** One refresh at a time per resource server among every process using this file. */
  withRefreshLock<T>(
    resourceServer: string,
    work: () => Promise<T>,
    options: RefreshLockOptions = {},
  ): Promise<T> {
    return withFileRefreshLock(this.filepath, resourceServer, work, options.waitMs);
  }
}
