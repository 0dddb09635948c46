import { closeSync, openSync } from "node:fs";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { GlobusSDKUsageError } from "../errors.ts";
import { SDK_VERSION } from "../version.ts";
import { TokenStorageError, TokenStorageFormatError } from "./errors.ts";
import { FileTokenStorage, type FileTokenStorageOptions } from "./file.ts";
import { tightenFileMode } from "./file-security.ts";
import { checkTokenData, pythonJsonDumps, toStoredObject } from "./token-data.ts";
import type { TokenData } from "./types.ts";

/** Options for {@link SQLiteTokenStorage}. */
export interface SQLiteTokenStorageOptions extends FileTokenStorageOptions {
  /** How long a statement waits for another process's lock before failing. Default 10 s. */
  busyTimeoutMs?: number;
}

// The Python SDK's schema, statement for statement, so each side reads the other's file.
const CREATE_SCHEMA = `
CREATE TABLE token_storage (
    namespace VARCHAR NOT NULL,
    resource_server VARCHAR NOT NULL,
    token_data_json VARCHAR NOT NULL,
    PRIMARY KEY (namespace, resource_server)
);
CREATE TABLE sdk_storage_adapter_internal (
    attribute VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY (attribute)
);
`;
/** `globus-sdk.database_schema_version` written by Python's SQLiteTokenStorage. */
export const SQLITE_SCHEMA_VERSION = "2";

const SQLITE_BUSY = 5;
let sqliteLoaded = false;
const SQLITE_NOTADB = 26;
const SQLITE_FULL = 13;

interface Statements {
  upsert: StatementSync;
  selectAll: StatementSync;
  selectOne: StatementSync;
  remove: StatementSync;
  namespaces: StatementSync;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function sqliteErrcode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | undefined)?.errcode;
  return typeof code === "number" ? code & 0xff : undefined;
}

/**
 * Stores tokens in a SQLite database with the Python SDK's schema (`token_storage` and
 * `sdk_storage_adapter_internal` with its version rows), so a Python program and this SDK
 * can share one file.
 *
 * `node:sqlite` is loaded on first use, never at import. The database runs in WAL mode with
 * a busy timeout, and every write is one `BEGIN IMMEDIATE` transaction, so concurrent
 * processes wait for each other instead of failing or losing writes. A new file is created
 * 0600 and missing folders 0700. SQLite calls are synchronous: a busy wait blocks the
 * event loop for at most the busy timeout.
 */
export class SQLiteTokenStorage extends FileTokenStorage {
  /** The file suffix used for a GlobusApp's default path. */
  static override readonly fileFormat = "db";

  readonly #busyTimeoutMs: number;
  #opening: Promise<{ db: DatabaseSync; statements: Statements }> | undefined;

  /** @throws GlobusSDKUsageError for `":memory:"`: use {@link MemoryTokenStorage} instead. */
  readonly #fsync: boolean;

  constructor(filepath: string, options: SQLiteTokenStorageOptions = {}) {
    if (filepath === ":memory:") {
      throw new GlobusSDKUsageError(
        "SQLiteTokenStorage cannot be used with a ':memory:' database. " +
          "To keep tokens in memory, use MemoryTokenStorage instead.",
      );
    }
    super(filepath, options);
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.#fsync = options.fsync !== false;
  }

  #wrap(error: unknown, doing: string): Error {
    if (error instanceof TokenStorageError) return error;
    if (sqliteErrcode(error) === SQLITE_FULL) {
      return new TokenStorageError(
        `SQLite token storage '${this.filepath}': cannot ${doing}: the disk is full; free some space and try again`,
        { path: this.filepath, cause: error },
      );
    }
    if (sqliteErrcode(error) === SQLITE_NOTADB) {
      return new TokenStorageFormatError(`'${this.filepath}' is not a SQLite database`, {
        path: this.filepath,
        cause: error,
      });
    }
    return new TokenStorageError(`SQLite token storage '${this.filepath}': cannot ${doing}`, {
      path: this.filepath,
      cause: error,
    });
  }

  #connection(): Promise<{ db: DatabaseSync; statements: Statements }> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<{ db: DatabaseSync; statements: Statements }> {
    const { DatabaseSync } = await import("node:sqlite");
    if (!sqliteLoaded) {
      sqliteLoaded = true;
      // Node 22 warns that node:sqlite is experimental as it loads; let that line come out
      // now, before the app writes a login prompt, rather than in the middle of one
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.ensureFolder();
    try {
      // Create the file ourselves so it is 0600 from the start; SQLite gives its -wal and
      // -shm files the database file's mode. An empty file is a valid empty database.
      closeSync(openSync(this.filepath, "wx", 0o600));
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw this.#wrap(error, "create the database file");
      // an existing database (and its side files) may be readable by others: not any more
      for (const suffix of ["", "-wal", "-shm", "-journal"])
        tightenFileMode(this.filepath + suffix);
    }
    this.checkFileModes();
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(this.filepath);
    } catch (error) {
      throw this.#wrap(error, "open the database");
    }
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.#busyTimeoutMs))}`);
      this.#retryBusy(() => db.exec("PRAGMA journal_mode = WAL"));
      // fsync: false: commits survive a crash of the process, not always a power loss
      if (!this.#fsync) db.exec("PRAGMA synchronous = NORMAL");
      this.#ensureSchema(db);
      return {
        db,
        statements: {
          upsert: db.prepare(
            "REPLACE INTO token_storage(namespace, resource_server, token_data_json) VALUES(?, ?, ?)",
          ),
          selectAll: db.prepare(
            "SELECT resource_server, token_data_json FROM token_storage WHERE namespace=?",
          ),
          selectOne: db.prepare(
            "SELECT token_data_json FROM token_storage WHERE namespace=? AND resource_server=?",
          ),
          remove: db.prepare("DELETE FROM token_storage WHERE namespace=? AND resource_server=?"),
          namespaces: db.prepare("SELECT DISTINCT namespace FROM token_storage"),
        },
      };
    } catch (error) {
      db.close();
      throw this.#wrap(error, "initialise the database");
    }
  }

  /** Some statements (changing the journal mode) do not use the busy handler; retry those. */
  #retryBusy(fn: () => void): void {
    const deadline = Date.now() + this.#busyTimeoutMs;
    for (;;) {
      try {
        fn();
        return;
      } catch (error) {
        if (sqliteErrcode(error) !== SQLITE_BUSY || Date.now() > deadline) throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
  }

  /** Creates Python's schema in a new (empty) database; leaves an existing one alone. */
  #ensureSchema(db: DatabaseSync): void {
    const hasTokenTable = (): boolean =>
      db
        .prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='token_storage'")
        .get() !== undefined;
    if (hasTokenTable()) return;
    this.#transaction(db, () => {
      // another process may have created it while we waited for the write lock
      if (hasTokenTable()) return;
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all();
      if (tables.length > 0) {
        throw new TokenStorageFormatError(
          `'${this.filepath}' is a SQLite database without a token_storage table`,
          { path: this.filepath },
        );
      }
      db.exec(CREATE_SCHEMA);
      const insert = db.prepare(
        "INSERT INTO sdk_storage_adapter_internal(attribute, value) VALUES (?, ?)",
      );
      insert.run("globus-sdk.version", SDK_VERSION);
      insert.run("globus-sdk.database_schema_version", SQLITE_SCHEMA_VERSION);
    });
  }

  #transaction<T>(db: DatabaseSync, fn: () => T): T {
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      try {
        db.exec("ROLLBACK");
      } catch {
        // the transaction is already gone
      }
      throw error;
    }
  }

  #parseRow(resourceServer: string, json: unknown): TokenData {
    let value: unknown;
    try {
      value = JSON.parse(String(json));
    } catch {
      value = undefined;
    }
    const result =
      value === undefined ? "token_data_json is not valid JSON" : checkTokenData(value);
    if (typeof result === "string") {
      throw new TokenStorageFormatError(
        `Invalid token data for resource server '${resourceServer}' in '${this.filepath}' (${result})`,
        { path: this.filepath },
      );
    }
    return result;
  }

  /** Every namespace present in the database. */
  async listNamespaces(): Promise<string[]> {
    this.assertOpen();
    const { statements } = await this.#connection();
    try {
      return statements.namespaces.all().map((row) => String(row["namespace"]));
    } catch (error) {
      throw this.#wrap(error, "read namespaces");
    }
  }

  /** The rows of `sdk_storage_adapter_internal` (SDK version and schema version). */
  async getInternalAttributes(): Promise<Record<string, string>> {
    this.assertOpen();
    const { db } = await this.#connection();
    try {
      const out: Record<string, string> = {};
      for (const row of db
        .prepare("SELECT attribute, value FROM sdk_storage_adapter_internal")
        .all()) {
        out[String(row["attribute"])] = String(row["value"]);
      }
      return out;
    } catch (error) {
      throw this.#wrap(error, "read its internal attributes");
    }
  }

  protected async storeImpl(data: Record<string, TokenData>): Promise<void> {
    const { db, statements } = await this.#connection();
    this.assertOpen();
    try {
      this.#transaction(db, () => {
        for (const [resourceServer, entry] of Object.entries(data)) {
          statements.upsert.run(
            this.namespace,
            resourceServer,
            pythonJsonDumps(toStoredObject(entry)),
          );
        }
      });
    } catch (error) {
      throw this.#wrap(error, "store token data");
    }
  }

  protected async getAllImpl(): Promise<Record<string, TokenData>> {
    const { statements } = await this.#connection();
    this.assertOpen();
    let rows: Record<string, unknown>[];
    try {
      rows = statements.selectAll.all(this.namespace) as Record<string, unknown>[];
    } catch (error) {
      throw this.#wrap(error, "read token data");
    }
    const out: Record<string, TokenData> = {};
    for (const row of rows) {
      const resourceServer = String(row["resource_server"]);
      out[resourceServer] = this.#parseRow(resourceServer, row["token_data_json"]);
    }
    return out;
  }

  protected override async getOneImpl(resourceServer: string): Promise<TokenData | undefined> {
    const { statements } = await this.#connection();
    this.assertOpen();
    let row: Record<string, unknown> | undefined;
    try {
      row = statements.selectOne.get(this.namespace, resourceServer) as
        | Record<string, unknown>
        | undefined;
    } catch (error) {
      throw this.#wrap(error, "read token data");
    }
    return row === undefined ? undefined : this.#parseRow(resourceServer, row["token_data_json"]);
  }

  protected async removeImpl(resourceServer: string): Promise<boolean> {
    const { statements } = await this.#connection();
    this.assertOpen();
    try {
      return Number(statements.remove.run(this.namespace, resourceServer).changes) > 0;
    } catch (error) {
      throw this.#wrap(error, "remove token data");
    }
  }

  protected async closeImpl(): Promise<void> {
    const opening = this.#opening;
    if (opening === undefined) return;
    try {
      const { db } = await opening;
      if (db.isOpen) db.close();
    } catch {
      // it never opened, so there is nothing to close
    }
  }
}
