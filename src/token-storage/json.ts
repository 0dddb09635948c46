import { mkdirSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { optionsArgument, stringArgument } from "../arguments.ts";
import { SDK_VERSION } from "../version.ts";
import { BaseTokenStorage, type TokenStorageOptions } from "./base.ts";
import { TokenStorageError, TokenStorageFormatError } from "./errors.ts";
import {
  fileWriteError,
  removeLeftoverTemps,
  tempPathFor,
  withFileLock,
  withFileRefreshLock,
  writeNewFile,
} from "./file-lock.ts";
import { checkTokenFolder, tightenFileMode, writeTarget } from "./file-security.ts";
import { defaultGlobusAppTokenPath, type PathEnvironment } from "./paths.ts";
import { checkTokenData, pythonJsonDumps, toStoredObject } from "./token-data.ts";
import type { GlobusAppStorageContext, RefreshLockOptions, TokenData } from "./types.ts";

/** Options for {@link JSONTokenStorage}. */
export interface JSONTokenStorageOptions extends TokenStorageOptions {
  /** How long a write waits for other processes' writes. Default 10 s. */
  lockTimeoutMs?: number;
  /** Age after which another process's lock is taken over. Default 30 s. */
  lockStaleMs?: number;
}

/** The whole file: `data` maps namespace to resource server to stored token data. */
type JSONDocument = Record<string, unknown> & { data: Record<string, unknown> };

const PARSE_ATTEMPTS = 3;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Writes `text` to `filepath` so that readers see either the old file or the new one,
 * never a mix: a 0600 temporary file in the same folder, fsync, then rename over.
 */
export function writeFileAtomic(filepath: string, text: string): void {
  const target = writeTarget(filepath);
  const temp = tempPathFor(target);
  try {
    writeNewFile(temp, Buffer.from(text, "utf8"));
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw fileWriteError("write the token file", filepath, error);
  }
}

/**
 * Stores tokens in a JSON file in the Python SDK's format (`format_version` "2.0"; files
 * in "1.0" are read and rewritten as "2.0"), so a Python program and this SDK can share
 * one file.
 *
 * Writes are atomic (temporary file, fsync, rename), serialised across processes by an
 * advisory lock file (`<file>.lock`), and keep every other namespace and unknown key. The
 * file is created 0600 and missing folders 0700. A corrupt or unreadable file raises
 * {@link TokenStorageFormatError} / {@link TokenStorageError} naming the path; it is never
 * silently replaced.
 */
export class JSONTokenStorage extends BaseTokenStorage {
  /** The format version this storage writes. */
  static readonly formatVersion = "2.0";
  /** The format versions this storage reads. */
  static readonly supportedVersions: readonly string[] = ["1.0", "2.0"];
  /** The file suffix used for a GlobusApp's default path. */
  static readonly fileFormat = "json";

  /** The token file. */
  readonly filepath: string;
  readonly #lockTimeoutMs: number | undefined;
  readonly #lockStaleMs: number | undefined;
  // The last text read and its parsed form: re-reading an unchanged file skips the parse.
  #cache: { text: string; doc: JSONDocument } | undefined;
  #checkedModes = false;

  constructor(filepath: string, options: JSONTokenStorageOptions = {}) {
    super(optionsArgument("new JSONTokenStorage", options));
    this.filepath = path.resolve(stringArgument("new JSONTokenStorage", filepath, "filepath"));
    this.#lockTimeoutMs = options.lockTimeoutMs;
    this.#lockStaleMs = options.lockStaleMs;
  }

  /**
   * The storage a GlobusApp uses by default: `~/.globus/app/<client_id>/<slug>/tokens.json`
   * (see {@link defaultGlobusAppTokenPath}).
   */
  static forGlobusApp(
    context: GlobusAppStorageContext,
    where: PathEnvironment = {},
  ): JSONTokenStorage {
    const base = defaultGlobusAppTokenPath(
      context.clientId,
      context.appName,
      context.environment,
      where,
    );
    return new JSONTokenStorage(`${base}.${JSONTokenStorage.fileFormat}`, {
      namespace: context.namespace ?? "DEFAULT",
    });
  }

  protected override describePath(): string {
    return this.filepath;
  }

  /** Every namespace present in the file. */
  async listNamespaces(): Promise<string[]> {
    this.assertOpen();
    return Object.keys((await this.#load()).data);
  }

  #formatError(problem: string): TokenStorageFormatError {
    return new TokenStorageFormatError(
      `${problem} while loading '${this.filepath}' for JSON token storage`,
      { path: this.filepath },
    );
  }

  #readText(): string | undefined {
    if (!this.#checkedModes) {
      this.#checkedModes = true;
      tightenFileMode(writeTarget(this.filepath));
      checkTokenFolder(path.dirname(this.filepath));
    }
    try {
      return readFileSync(this.filepath, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return undefined;
      throw new TokenStorageError(`Cannot read the token file '${this.filepath}'`, {
        path: this.filepath,
        cause: error,
      });
    }
  }

  /** The file as a current-format document (a fresh skeleton when there is no file). */
  async #load(): Promise<JSONDocument> {
    let text = this.#readText();
    if (text === undefined) {
      return {
        data: {},
        format_version: JSONTokenStorage.formatVersion,
        "globus-sdk.version": SDK_VERSION,
      };
    }
    if (this.#cache?.text === text) return this.#cache.doc;
    let parsed: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        parsed = JSON.parse(text);
        break;
      } catch {
        // A writer that truncates in place (the Python SDK does) can be caught mid-write:
        // look again briefly before calling the file corrupt.
        if (attempt >= PARSE_ATTEMPTS) {
          // The parser's message quotes file content (tokens), so it is not passed on.
          throw this.#formatError("Invalid JSON");
        }
        await sleep(20);
        const again = this.#readText();
        if (again === undefined) return this.#load();
        text = again;
      }
    }
    const doc = this.#upgrade(parsed);
    this.#cache = { text, doc };
    return doc;
  }

  #upgrade(parsed: unknown): JSONDocument {
    if (!isPlainObject(parsed)) throw this.#formatError("Found non-object root data");
    const version = parsed["format_version"];
    if (typeof version !== "string" || !JSONTokenStorage.supportedVersions.includes(version)) {
      throw this.#formatError(
        `Unsupported format_version ${JSON.stringify(version ?? null)} (supported: ` +
          `${JSONTokenStorage.supportedVersions.join(", ")})`,
      );
    }
    let doc: Record<string, unknown> = parsed;
    if (version === "1.0") {
      // 1.0 kept one un-namespaced map under "by_rs"; 2.0 files it under "DEFAULT".
      const byRs = parsed["by_rs"];
      if (!isPlainObject(byRs)) throw this.#formatError("Invalid v1.0 data (missing 'by_rs')");
      const { by_rs: _dropped, format_version: _v, "globus-sdk.version": _s, ...unknown } = parsed;
      doc = {
        data: { DEFAULT: byRs },
        format_version: JSONTokenStorage.formatVersion,
        "globus-sdk.version": SDK_VERSION,
        ...unknown,
      };
    }
    if (!isPlainObject(doc["data"])) throw this.#formatError("Invalid 'data'");
    if (typeof doc["globus-sdk.version"] !== "string") {
      throw this.#formatError("Invalid 'globus-sdk.version'");
    }
    const mine = (doc["data"] as Record<string, unknown>)[this.namespace];
    if (mine !== undefined && !isPlainObject(mine)) {
      throw this.#formatError(`Invalid namespace '${this.namespace}'`);
    }
    return doc as JSONDocument;
  }

  #entriesOf(doc: JSONDocument): Record<string, unknown> {
    return (doc.data[this.namespace] as Record<string, unknown> | undefined) ?? {};
  }

  #checkEntry(resourceServer: string, raw: unknown): TokenData {
    const result = checkTokenData(raw);
    if (typeof result === "string") {
      throw this.#formatError(
        `Invalid token data for resource server '${resourceServer}' (${result})`,
      );
    }
    return result;
  }

  /** Read-modify-write under the cross-process lock; `change` returns false to skip writing. */
  async #update(change: (entries: Record<string, unknown>) => boolean): Promise<boolean> {
    const dir = path.dirname(this.filepath);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new TokenStorageError(
        `Cannot create the folder for the token file '${this.filepath}'`,
        {
          path: this.filepath,
          cause: error,
        },
      );
    }
    const lockOptions: { timeoutMs?: number; staleMs?: number } = {};
    if (this.#lockTimeoutMs !== undefined) lockOptions.timeoutMs = this.#lockTimeoutMs;
    if (this.#lockStaleMs !== undefined) lockOptions.staleMs = this.#lockStaleMs;
    return withFileLock(
      `${this.filepath}.lock`,
      async () => {
        // a private copy to change: the cached document is shared with readers
        const current = await this.#load();
        const doc =
          this.#cache?.doc === current
            ? this.#upgrade(JSON.parse(this.#cache.text))
            : structuredClone(current);
        const entries = (doc.data[this.namespace] as Record<string, unknown> | undefined) ?? {};
        if (!change(entries)) return false;
        doc.data[this.namespace] = entries;
        doc["globus-sdk.version"] = SDK_VERSION;
        const text = pythonJsonDumps(doc);
        removeLeftoverTemps(this.filepath);
        removeLeftoverTemps(`${this.filepath}.lock`);
        writeFileAtomic(this.filepath, text);
        this.#cache = { text, doc };
        return true;
      },
      lockOptions,
    );
  }

  /** One refresh at a time per resource server among every process using this file. */
  withRefreshLock<T>(
    resourceServer: string,
    work: () => Promise<T>,
    options: RefreshLockOptions = {},
  ): Promise<T> {
    return withFileRefreshLock(this.filepath, resourceServer, work, options.waitMs);
  }

  protected async storeImpl(data: Record<string, TokenData>): Promise<void> {
    await this.#update((entries) => {
      for (const [resourceServer, entry] of Object.entries(data)) {
        entries[resourceServer] = toStoredObject(entry);
      }
      return true;
    });
  }

  protected async getAllImpl(): Promise<Record<string, TokenData>> {
    const out: Record<string, TokenData> = {};
    for (const [resourceServer, raw] of Object.entries(this.#entriesOf(await this.#load()))) {
      out[resourceServer] = this.#checkEntry(resourceServer, raw);
    }
    return out;
  }

  protected override async getOneImpl(resourceServer: string): Promise<TokenData | undefined> {
    const entries = this.#entriesOf(await this.#load());
    if (!Object.hasOwn(entries, resourceServer)) return undefined;
    return this.#checkEntry(resourceServer, entries[resourceServer]);
  }

  protected async removeImpl(resourceServer: string): Promise<boolean> {
    if (!Object.hasOwn(this.#entriesOf(await this.#load()), resourceServer)) return false;
    return this.#update((entries) => {
      if (!Object.hasOwn(entries, resourceServer)) return false;
      delete entries[resourceServer];
      return true;
    });
  }

  protected async closeImpl(): Promise<void> {
    this.#cache = undefined;
  }
}
