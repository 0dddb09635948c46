import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FileLockTimeoutError, TokenStorageError } from "./errors.ts";

/** Options for {@link withFileLock}. */
export interface FileLockOptions {
  /**
   * Keep this process's lock record file between takes (until {@link dropLockRecord} or
   * exit), so a take is one hard link rather than a new file, a link and an unlink. For
   * locks taken often, such as a token file's.
   */
  keepRecord?: boolean;
  /** How long to wait for the lock before throwing {@link FileLockTimeoutError}. Default 10 s. */
  timeoutMs?: number;
  /**
   * A lock file whose modification time is older than this is taken over. The holder
   * refreshes it every third of this interval, so a live holder never looks stale.
   * Default 30 s.
   */
  staleMs?: number;
}

interface LockRecord {
  pid: number;
  hostname: string;
  timestamp: number;
  token: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 30_000;
/**
 * A lock file whose record cannot be read (empty, garbled, cut short) is older than this
 * only when its writer died or the disk filled before the record landed: it is then stale.
 * Locks this module makes never lack a record, so this only clears other writers' debris.
 */
const UNREADABLE_GRACE_MS = 250;
/** Leftover temporary files of writers that are not alive (or older than this) are removed. */
const LEFTOVER_TEMP_AGE_MS = 60_000;
const MIN_DELAY_MS = 1;
const MAX_DELAY_MS = 10;

// Callers in one process queue here first, so they do not poll the file against each other.
const localQueues = new Map<string, Promise<void>>();

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid === "number" && typeof value.hostname === "string") {
      return value as LockRecord;
    }
  } catch {
    // a holder that has created the file but not yet written it: treat as unknown
  }
  return undefined;
}

let hostName: string | undefined;

/** This host's name, asked once: every lock record and every stale check names it. */
function thisHost(): string {
  hostName ??= hostname();
  return hostName;
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return errorCode(error) === "EPERM";
  }
}

const TEMP_NONCE = randomBytes(4).toString("hex");
let tempCounter = 0;

/**
 * A temporary file's path beside `target`: `.<name>.<pid>.<random>.tmp`, so a later writer
 * can tell whose it was ({@link removeLeftoverTemps}).
 */
export function tempPathFor(target: string): string {
  // random per process (other hosts sharing the folder), counted within it
  tempCounter += 1;
  const name = `.${path.basename(target)}.${process.pid}.${TEMP_NONCE}${tempCounter.toString(16)}.tmp`;
  return path.join(path.dirname(target), name);
}

/** A storage error that says what to do about the usual causes. */
export function fileWriteError(what: string, target: string, error: unknown): TokenStorageError {
  const code = errorCode(error);
  const hint =
    code === "ENOSPC" || code === "EDQUOT"
      ? ": the disk is full (or over quota); free some space and try again"
      : code === "EACCES" || code === "EPERM"
        ? ": permission denied"
        : code === "EROFS"
          ? ": the file system is read-only"
          : "";
  return new TokenStorageError(`Cannot ${what} '${target}'${hint}`, { path: target, cause: error });
}

/** Removes a file that may already be gone (never created, renamed, or swept). */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Writes `content` to a new 0600 file, flushed to the disk unless `flush` is false; the
 * file is removed on failure.
 */
export function writeNewFile(file: string, content: string | Buffer, flush = true): void {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const fd = openSync(file, "wx", 0o600);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    if (flush) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeFile(file);
    throw error;
  }
  closeSync(fd);
}

/** A lock record file this process keeps for a lock path, and the token it holds. */
interface KeptRecord {
  file: string;
  token: string;
  /** The record's inode: linked as the lock, it names our lock at one stat. */
  ino: number;
  dev: number;
}

// by lock path; each removed at exit (and by dropLockRecord), or swept once we are gone
const keptRecords = new Map<string, KeptRecord>();
let removesKeptRecordsAtExit = false;

/** Writes a lock record to a new temporary file beside the lock. */
function writeRecordFile(lockPath: string, record: LockRecord): string {
  const temp = tempPathFor(lockPath);
  try {
    // no fsync: a lock does not outlive a power loss (its holder is gone), and an empty one
    // left by it is judged after the unreadable-lock grace
    writeNewFile(temp, JSON.stringify(record), false);
  } catch (error) {
    throw fileWriteError("create the lock file", lockPath, error);
  }
  return temp;
}

/** Hard-links a record file as the lock: false when another holds it. */
function linkAsLock(recordFile: string, lockPath: string): boolean {
  try {
    linkSync(recordFile, lockPath);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
}

/**
 * Creates the lock with its record in one step: the record is written to a file first,
 * which is then hard-linked into place. A lock file therefore never exists without its
 * record, whatever kills the process or fills the disk in between. A kept record is
 * re-dated (the lock's age is its record's) and linked again.
 */
function tryCreate(lockPath: string, record: LockRecord, keep: boolean): boolean {
  const kept = keep ? keptRecords.get(lockPath) : undefined;
  if (kept !== undefined && kept.token === record.token) {
    try {
      const now = new Date();
      utimesSync(kept.file, now, now);
      return linkAsLock(kept.file, lockPath);
    } catch (error) {
      // swept by another process after a long quiet spell: make a new one
      if (errorCode(error) !== "ENOENT")
        throw fileWriteError("create the lock file", lockPath, error);
      keptRecords.delete(lockPath);
    }
  }
  const file = writeRecordFile(lockPath, record);
  let linked = false;
  try {
    linked = linkAsLock(file, lockPath);
  } catch (error) {
    removeFile(file);
    throw fileWriteError("create the lock file", lockPath, error);
  }
  if (!keep) {
    removeFile(file);
  } else {
    const { ino, dev } = statSync(file);
    keptRecords.set(lockPath, { file, token: record.token, ino, dev });
    if (!removesKeptRecordsAtExit) {
      removesKeptRecordsAtExit = true;
      process.once("exit", () => {
        for (const { file } of keptRecords.values()) removeFile(file);
      });
    }
  }
  return linked;
}

/** Removes the record file this process keeps for `lockPath`, if any (a storage's close). */
export function dropLockRecord(lockPath: string): void {
  const kept = keptRecords.get(lockPath);
  if (kept === undefined) return;
  keptRecords.delete(lockPath);
  removeFile(kept.file);
}

/**
 * Removes temporary files that crashed writers left beside `target` (each may be a whole
 * copy of the tokens): those of processes on this host that are gone, and any older than a
 * minute. Call it while holding the lock that guards `target`.
 */
export function removeLeftoverTemps(target: string): number {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const match = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid) continue;
    const file = path.join(dir, name);
    try {
      const old = Date.now() - statSync(file).mtimeMs > LEFTOVER_TEMP_AGE_MS;
      if (!old && pidIsAlive(pid)) continue;
      unlinkSync(file);
      removed += 1;
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

function readLock(lockPath: string): { text: string; ino: number; mtimeMs: number } | undefined {
  try {
    const stat = statSync(lockPath);
    const text = readFileSync(lockPath, "utf8");
    return { text, ino: stat.ino, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Removes the lock at `lockPath` if its holder is dead or it has gone stale. Returns true
 * when the caller should retry at once (lock removed or already gone).
 */
function breakIfStale(lockPath: string, staleMs: number): { retry: boolean; holderPid?: number } {
  const seen = readLock(lockPath);
  if (seen === undefined) return { retry: true };
  const record = parseRecord(seen.text);
  const age = Date.now() - seen.mtimeMs;
  const holderDead =
    record !== undefined &&
    record.hostname === thisHost() &&
    record.pid !== process.pid &&
    !pidIsAlive(record.pid);
  const unreadable = record === undefined && age > UNREADABLE_GRACE_MS;
  if (!holderDead && !unreadable && age <= staleMs) return { retry: false, holderPid: record?.pid };
  removeLeftoverTemps(lockPath);

  // Move the lock aside atomically, then make sure what we moved is the lock we judged:
  // another waiter may have replaced it with a fresh one in between.
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { retry: true };
    throw error;
  }
  let movedIno: number | undefined;
  try {
    movedIno = statSync(aside).ino;
  } catch {
    movedIno = undefined;
  }
  if (movedIno !== undefined && movedIno !== seen.ino) {
    // We moved someone's fresh lock: put it back unless a new one already exists.
    try {
      linkSync(aside, lockPath);
    } catch {
      // someone holds a newer lock; theirs stands
    }
  }
  removeFile(aside);
  return { retry: true };
}

function release(lockPath: string, token: string): void {
  const kept = keptRecords.get(lockPath);
  if (kept?.token === token) {
    // our kept record is the lock while we hold it (one inode, two names). The record
    // still being there proves the inode was never freed and reused by another's lock.
    try {
      const lock = statSync(lockPath);
      const record = statSync(kept.file);
      if (lock.ino === kept.ino && lock.dev === kept.dev && record.ino === kept.ino) {
        removeFile(lockPath);
        return;
      }
    } catch {
      // gone, or unreadable: the record check below decides
    }
  }
  const seen = readLock(lockPath);
  // Only remove our own lock: if ours was taken over as stale, the new holder keeps theirs.
  if (seen !== undefined && parseRecord(seen.text)?.token === token) removeFile(lockPath);
}

async function acquire(
  lockPath: string,
  deadline: number,
  options: Required<FileLockOptions>,
): Promise<string> {
  const { timeoutMs, staleMs, keepRecord } = options;
  // unique, not secret: it tells our own lock from a successor's (a kept record keeps its)
  let token = keepRecord ? keptRecords.get(lockPath)?.token : undefined;
  if (token === undefined) {
    tempCounter += 1;
    token = `${TEMP_NONCE}-${process.pid}-${tempCounter}`;
  }
  let delay = MIN_DELAY_MS;
  for (;;) {
    const record: LockRecord = {
      pid: process.pid,
      hostname: thisHost(),
      timestamp: Date.now(),
      token,
    };
    if (tryCreate(lockPath, record, keepRecord)) return token;
    const { retry, holderPid } = breakIfStale(lockPath, staleMs);
    if (retry) continue;
    const remaining = deadline - Date.now();
    // an unreadable lock is re-judged once its grace period is over, however long the backoff
    if (remaining <= 0) throw new FileLockTimeoutError(lockPath, timeoutMs, holderPid);
    // jittered exponential backoff, so waiters do not retry in lockstep
    await sleep(Math.min(remaining, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/**
 * Runs `fn` while holding an advisory lock shared by every process that uses the same
 * `lockPath` (typically `<file>.lock` next to the file it guards).
 *
 * The lock is a file created with O_EXCL holding the holder's pid, host name and a
 * timestamp. A lock whose holder process (on this host) is dead, or that has not been
 * refreshed for `staleMs`, is taken over. Waiting is bounded by `timeoutMs`, with jittered
 * exponential backoff. The lock is not re-entrant: do not call `withFileLock` for the same
 * path from inside `fn`.
 *
 * @throws FileLockTimeoutError when the lock is not acquired in time.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => T | Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + timeoutMs;
  const key = path.resolve(lockPath);

  const previous = localQueues.get(key);
  let releaseLocal!: () => void;
  const mine = new Promise<void>((resolve) => {
    releaseLocal = resolve;
  });
  const tail = previous === undefined ? mine : previous.then(() => mine);
  localQueues.set(key, tail);
  try {
    // only a caller queued behind another in this process waits here (no timer otherwise)
    if (previous !== undefined) await waitForTurn(previous, deadline, lockPath, timeoutMs);
    const token = await acquire(key, deadline, {
      timeoutMs,
      staleMs,
      keepRecord: options.keepRecord ?? false,
    });
    const heartbeat = setInterval(
      () => {
        try {
          const seen = readLock(key);
          if (seen !== undefined && parseRecord(seen.text)?.token === token) {
            const now = new Date();
            utimesSync(key, now, now);
          }
        } catch {
          // a failed refresh only risks a takeover later; never fail the caller for it
        }
      },
      Math.max(1, Math.floor(staleMs / 3)),
    );
    heartbeat.unref();
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      release(key, token);
    }
  } finally {
    releaseLocal();
    if (localQueues.get(key) === tail) localQueues.delete(key);
  }
}

/** Waits for the caller ahead in this process, up to the deadline. */
async function waitForTurn(
  previous: Promise<void>,
  deadline: number,
  lockPath: string,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    previous.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now()));
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) throw new FileLockTimeoutError(lockPath, timeoutMs, process.pid);
}

/**
 * The refresh lock of a file storage: one lock file per resource server beside the token
 * file (`<file>.refresh-<resource server>.lock`), so renewing one resource server never
 * waits for another's.
 */
export function withFileRefreshLock<T>(
  filepath: string,
  resourceServer: string,
  work: () => Promise<T>,
  waitMs: number | undefined,
): Promise<T> {
  const safe = resourceServer.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100);
  const name =
    safe === resourceServer
      ? safe
      : `${safe}-${createHash("sha256").update(resourceServer).digest("hex").slice(0, 8)}`;
  try {
    // the first renewal may come before the first write made the folder
    mkdirSync(path.dirname(filepath), { recursive: true, mode: 0o700 });
  } catch (error) {
    return Promise.reject(fileWriteError("create the folder of", filepath, error));
  }
  return withFileLock(`${filepath}.refresh-${name}.lock`, work, {
    ...(waitMs !== undefined ? { timeoutMs: waitMs } : {}),
  });
}
