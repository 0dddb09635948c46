import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  TokenStorageClosedError,
  TokenStorageFormatError,
} from "../../src/token-storage/errors.ts";
import { SQLiteTokenStorage } from "../../src/token-storage/sqlite.ts";
import { SDK_VERSION } from "../../src/version.ts";
import {
  copyFixture,
  FIXTURE_IDENTITY,
  FIXTURES,
  TRANSFER_ALL,
  tempDir,
  tokenData,
} from "./helpers.ts";

function schemaOf(file: string): {
  tables: Record<string, string[]>;
  pk: Record<string, string[]>;
} {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables: Record<string, string[]> = {};
    const pk: Record<string, string[]> = {};
    const names = db
      .prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
      .all();
    for (const { name } of names) {
      const columns = db.prepare(`PRAGMA table_info(${String(name)})`).all();
      tables[String(name)] = columns.map(
        (c) => `${String(c["name"])} ${String(c["type"])} ${c["notnull"] ? "NOT NULL" : ""}`,
      );
      pk[String(name)] = columns
        .filter((c) => Number(c["pk"]) > 0)
        .sort((a, b) => Number(a["pk"]) - Number(b["pk"]))
        .map((c) => String(c["name"]));
    }
    return { tables, pk };
  } finally {
    db.close();
  }
}

describe("SQLiteTokenStorage", () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir());
  });
  after(() => cleanup());

  test("reads a database written by the Python SDK", async () => {
    const file = copyFixture("python-v2.db", dir, "python.db");
    const store = new SQLiteTokenStorage(file);
    try {
      const all = await store.getTokenDataByResourceServer();
      assert.deepEqual(Object.keys(all).sort(), ["auth.globus.org", "transfer.api.globus.org"]);
      assert.equal(all["transfer.api.globus.org"]?.scope, TRANSFER_ALL);
      assert.equal(all["transfer.api.globus.org"]?.identity_id, FIXTURE_IDENTITY);
      assert.equal(all["transfer.api.globus.org"]?.refresh_token, null);
      assert.equal((await store.getTokenData("auth.globus.org"))?.refresh_token, "fixture-auth-rt");
      assert.deepEqual((await store.listNamespaces()).sort(), ["DEFAULT", "other-app"]);
      assert.deepEqual(await store.getInternalAttributes(), {
        "globus-sdk.version": "4.9.0",
        "globus-sdk.database_schema_version": "2",
      });
      // writing keeps the other namespace and Python's version rows
      await store.storeTokenDataByResourceServer({
        "new.rs": tokenData({ resource_server: "new.rs" }),
      });
      assert.equal(await store.removeTokenData("auth.globus.org"), true);
      assert.equal(await store.removeTokenData("auth.globus.org"), false);
    } finally {
      await store.close();
    }
    const other = new SQLiteTokenStorage(file, { namespace: "other-app" });
    assert.equal(
      (await other.getTokenData("groups.api.globus.org"))?.access_token,
      "fixture-groups-at",
    );
    await other.close();
  });

  test("a new database has exactly Python's tables, keys and version rows", async () => {
    const file = path.join(dir, "new", "tokens.db");
    const store = new SQLiteTokenStorage(file);
    await store.storeTokenDataByResourceServer({
      "transfer.api.globus.org": tokenData({
        resource_server: "transfer.api.globus.org",
        refresh_token: null,
        expires_at_seconds: 1893456000,
      }),
    });
    await store.close();
    const fixture = path.join(dir, "fixture-schema.db");
    copyFixture("python-v2.db", dir, "fixture-schema.db");
    assert.deepEqual(schemaOf(file), schemaOf(fixture));
    assert.deepEqual(schemaOf(file).pk, {
      sdk_storage_adapter_internal: ["attribute"],
      token_storage: ["namespace", "resource_server"],
    });
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const rows = db
        .prepare("SELECT attribute, value FROM sdk_storage_adapter_internal ORDER BY attribute")
        .all();
      assert.deepEqual(
        rows.map((r) => [r["attribute"], r["value"]]),
        [
          ["globus-sdk.database_schema_version", "2"],
          ["globus-sdk.version", SDK_VERSION],
        ],
      );
      const row = db.prepare("SELECT * FROM token_storage").get()!;
      assert.equal(row["namespace"], "DEFAULT");
      assert.equal(row["resource_server"], "transfer.api.globus.org");
      // the same JSON text Python's json.dumps produces for this entry
      assert.equal(
        row["token_data_json"],
        `{"resource_server": "transfer.api.globus.org", "identity_id": "${FIXTURE_IDENTITY}", "scope": "some:scope", "access_token": "at-transfer.api.globus.org", "expires_at_seconds": 1893456000, "token_type": "Bearer"}`,
      );
      assert.equal(db.prepare("PRAGMA journal_mode").get()!["journal_mode"], "wal");
    } finally {
      db.close();
    }
  });

  test("database file is 0600 and created folders 0700", {
    skip: process.platform === "win32",
  }, async () => {
    const file = path.join(dir, "perm", "x", "tokens.db");
    const store = new SQLiteTokenStorage(file);
    await store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      if (existsSync(f)) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    }
    assert.equal(statSync(path.join(dir, "perm")).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(dir, "perm", "x")).mode & 0o777, 0o700);
    await store.close();
  });

  test("':memory:' is refused with a usage error", () => {
    assert.throws(() => new SQLiteTokenStorage(":memory:"), GlobusSDKUsageError);
  });

  test("a file that is not a database raises a typed error naming the path, and is left alone", async () => {
    const file = path.join(dir, "garbage.db");
    const content =
      "this is not a sqlite database, just some text long enough to have a header...".repeat(20);
    writeFileSync(file, content);
    const store = new SQLiteTokenStorage(file);
    await assert.rejects(store.getTokenDataByResourceServer(), (error: unknown) => {
      assert.ok(error instanceof TokenStorageFormatError);
      assert.ok(error.message.includes(file));
      return true;
    });
    await store.close();
    assert.equal(readFileSync(file, "utf8"), content);
  });

  test("a database of something else is refused, not converted", async () => {
    const file = path.join(dir, "other-app.db");
    const db = new DatabaseSync(file);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
    db.close();
    const store = new SQLiteTokenStorage(file);
    await assert.rejects(store.getTokenDataByResourceServer(), /without a token_storage table/);
    await store.close();
  });

  test("a malformed row raises a typed error naming the resource server, not the token", async () => {
    const file = path.join(dir, "bad-row.db");
    const store = new SQLiteTokenStorage(file);
    await store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    const db = new DatabaseSync(file);
    db.prepare("UPDATE token_storage SET token_data_json=?").run('{"access_token": "SECRET-VALUE"');
    db.close();
    await assert.rejects(store.getTokenData("rs"), (error: unknown) => {
      assert.ok(error instanceof TokenStorageFormatError);
      assert.match(error.message, /resource server 'rs'/);
      assert.ok(!error.message.includes("SECRET-VALUE"));
      return true;
    });
    await store.close();
  });

  test("close is idempotent and a closed storage refuses use", async () => {
    const store = new SQLiteTokenStorage(path.join(dir, "closed.db"));
    await store.getTokenDataByResourceServer();
    await store.close();
    await store.close();
    await assert.rejects(store.getTokenDataByResourceServer(), TokenStorageClosedError);
    await assert.rejects(
      store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) }),
      TokenStorageClosedError,
    );
    // closing one that never opened is fine too
    await new SQLiteTokenStorage(path.join(dir, "never.db")).close();
    assert.equal(existsSync(path.join(dir, "never.db")), false);
  });

  test("node:sqlite is loaded only when a SQLite storage is first used", () => {
    const probe = [
      `const m = await import(${JSON.stringify(new URL("../../src/token-storage/sqlite.ts", import.meta.url).href)});`,
      "const loaded = () => process.moduleLoadList.some((n) => n.includes('sqlite'));",
      "const before = loaded();",
      `const s = new m.SQLiteTokenStorage(${JSON.stringify(path.join(dir, "lazy.db"))});`,
      "const afterConstruct = loaded();",
      "await s.getTokenDataByResourceServer();",
      "console.log(JSON.stringify([before, afterConstruct, loaded()]));",
      "await s.close();",
    ].join("\n");
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", probe], {
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [false, false, true]);
  });

  test("the fixture itself is untouched by the tests", () => {
    assert.equal(existsSync(path.join(FIXTURES, "python-v2.db-wal")), false);
  });
});
