import { setTimeout as sleep } from "node:timers/promises";
import { SDK_VERSION } from "../version.ts";
import { TokenStorageFormatError } from "./errors.ts";
import { FileTokenStorage, type FileTokenStorageOptions, type FileVersion } from "./file.ts";
import { checkTokenData, copyTokenData, pythonJsonDumps, toStoredObject } from "./token-data.ts";
import type { TokenData } from "./types.ts";

/** Options for {@link JSONTokenStorage}. */
export type JSONTokenStorageOptions = FileTokenStorageOptions;

/** The whole file: `data` maps namespace to resource server to stored token data. */
type JSONDocument = Record<string, unknown> & { data: Record<string, unknown> };

/** A parsed file, with the entries of this storage's namespace already checked. */
interface Loaded {
  doc: JSONDocument;
  /** This namespace's checked entries (shared: copy before handing out). */
  entries: Map<string, TokenData>;
  /** What was read; undefined for a file that does not exist yet. */
  version: FileVersion | undefined;
}

const PARSE_ATTEMPTS = 3;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Stores tokens in a JSON file in the Python SDK's format (`format_version` "2.0"; files
 * in "1.0" are read and rewritten as "2.0"), so a Python program and this SDK can share
 * one file.
 *
 * Writes are atomic (temporary file, flushed where the file system needs it, rename; see
 * {@link FileTokenStorageOptions.fsync}), serialised across processes by an
 * advisory lock file (`<file>.lock`), and keep every other namespace and unknown key. The
 * file is created 0600 and missing folders 0700. Reads are answered from memory while the
 * file is unchanged on disk, so a get costs the same with 10 entries as with 1,000. A
 * corrupt or unreadable file raises {@link TokenStorageFormatError} /
 * {@link TokenStorageError} naming the path; it is never silently replaced.
 */
export class JSONTokenStorage extends FileTokenStorage {
  /** The format version this storage writes. */
  static readonly formatVersion = "2.0";
  /** The format versions this storage reads. */
  static readonly supportedVersions: readonly string[] = ["1.0", "2.0"];
  /** The file suffix used for a GlobusApp's default path. */
  static override readonly fileFormat = "json";

  #loaded: Loaded | undefined;

  /** Every namespace present in the file. */
  async listNamespaces(): Promise<string[]> {
    this.assertOpen();
    return Object.keys((await this.#load()).doc.data);
  }

  #formatError(problem: string): TokenStorageFormatError {
    return new TokenStorageFormatError(
      `${problem} while loading '${this.filepath}' for JSON token storage`,
      { path: this.filepath },
    );
  }

  /**
   * The file as a current-format document (a fresh skeleton when there is no file). The
   * last one read serves as long as the file's version on disk is the one it was read at.
   */
  async #load(): Promise<Loaded> {
    const now = this.currentVersion();
    const cached = this.#loaded;
    if (
      cached &&
      now?.key === cached.version?.key &&
      (now === undefined || cached.version?.quiet)
    ) {
      return cached;
    }
    this.#loaded = await this.#read();
    return this.#loaded;
  }

  async #read(): Promise<Loaded> {
    for (let attempt = 1; ; attempt++) {
      const snapshot = this.readSnapshot();
      if (snapshot.text === undefined) {
        const doc: JSONDocument = {
          data: {},
          format_version: JSONTokenStorage.formatVersion,
          "globus-sdk.version": SDK_VERSION,
        };
        return { doc, entries: new Map(), version: undefined };
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(snapshot.text);
      } catch {
        // A writer that truncates in place (the Python SDK does) can be caught mid-write:
        // look again briefly before calling the file corrupt. The parser's message quotes
        // file content (tokens), so it is not passed on.
        if (attempt >= PARSE_ATTEMPTS) throw this.#formatError("Invalid JSON");
        await sleep(20);
        continue;
      }
      const doc = this.#upgrade(parsed);
      return { doc, entries: this.#checkEntries(doc), version: snapshot.version };
    }
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

  /** This namespace's entries, each checked once per read of the file. */
  #checkEntries(doc: JSONDocument): Map<string, TokenData> {
    const raw = (doc.data[this.namespace] as Record<string, unknown> | undefined) ?? {};
    const entries = new Map<string, TokenData>();
    for (const [resourceServer, value] of Object.entries(raw)) {
      entries.set(resourceServer, this.#checkedEntry(resourceServer, value));
    }
    return entries;
  }

  /** One stored entry, checked, or the format error that names its resource server. */
  #checkedEntry(resourceServer: string, value: unknown): TokenData {
    const result = checkTokenData(value);
    if (typeof result === "string") {
      throw this.#formatError(
        `Invalid token data for resource server '${resourceServer}' (${result})`,
      );
    }
    return result;
  }

  /**
   * The entries after a change: those `change` left as they were keep their checked copy,
   * so a store checks what it wrote, not the whole namespace again.
   */
  #checkChanged(
    before: Map<string, TokenData>,
    storedBefore: unknown,
    stored: Record<string, unknown>,
    checked: ReadonlyMap<unknown, TokenData> | undefined,
  ): Map<string, TokenData> {
    const previous = (storedBefore as Record<string, unknown> | undefined) ?? {};
    const entries = new Map<string, TokenData>();
    for (const [resourceServer, value] of Object.entries(stored)) {
      const kept =
        previous[resourceServer] === value ? before.get(resourceServer) : checked?.get(value);
      entries.set(resourceServer, kept ?? this.#checkedEntry(resourceServer, value));
    }
    return entries;
  }

  /**
   * Read-modify-write under the cross-process lock: `change` edits this namespace's stored
   * objects and returns false to skip writing. Every other namespace and key is kept.
   * `checked` maps stored objects `change` made to the checked entries they came from.
   */
  async #update(
    change: (stored: Record<string, unknown>) => boolean,
    checked?: ReadonlyMap<unknown, TokenData>,
  ): Promise<boolean> {
    try {
      const written = await this.updateFile(async (version) => {
        const cached = this.#loaded;
        const current =
          cached && version?.key === cached.version?.key && cached.version?.quiet
            ? cached
            : await this.#read();
        const { doc } = current;
        // this namespace's part is replaced, never edited in place: readers share the doc
        const stored = { ...((doc.data[this.namespace] as Record<string, unknown>) ?? {}) };
        if (!change(stored)) {
          this.#loaded = current;
          return undefined;
        }
        const next: JSONDocument = {
          ...doc,
          data: { ...doc.data, [this.namespace]: stored },
          "globus-sdk.version": SDK_VERSION,
        };
        this.#loaded = {
          doc: next,
          entries: this.#checkChanged(current.entries, doc.data[this.namespace], stored, checked),
          version: undefined,
        };
        return pythonJsonDumps(next);
      });
      if (written && this.#loaded) this.#loaded.version = written.version;
      return written !== undefined;
    } catch (error) {
      // whatever failed, memory must not claim what the disk may not hold
      this.#loaded = undefined;
      throw error;
    }
  }

  protected async storeImpl(data: Record<string, TokenData>): Promise<void> {
    // the entries come checked (and copied) by the base class: no need to check them again
    const checked = new Map<unknown, TokenData>();
    await this.#update((stored) => {
      for (const [resourceServer, entry] of Object.entries(data)) {
        const storedEntry = toStoredObject(entry);
        checked.set(storedEntry, entry);
        stored[resourceServer] = storedEntry;
      }
      return true;
    }, checked);
  }

  protected async getAllImpl(): Promise<Record<string, TokenData>> {
    const out: Record<string, TokenData> = {};
    for (const [resourceServer, entry] of (await this.#load()).entries) {
      out[resourceServer] = copyTokenData(entry);
    }
    return out;
  }

  protected override async getOneImpl(resourceServer: string): Promise<TokenData | undefined> {
    const entry = (await this.#load()).entries.get(resourceServer);
    return entry === undefined ? undefined : copyTokenData(entry);
  }

  protected async removeImpl(resourceServer: string): Promise<boolean> {
    if (!(await this.#load()).entries.has(resourceServer)) return false;
    return this.#update((stored) => {
      if (!Object.hasOwn(stored, resourceServer)) return false;
      delete stored[resourceServer];
      return true;
    });
  }

  protected async closeImpl(): Promise<void> {
    this.#loaded = undefined;
  }
}
