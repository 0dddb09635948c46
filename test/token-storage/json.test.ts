import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { GlobusSDKError } from "../../src/errors.ts";
import {
  TokenStorageClosedError,
  TokenStorageError,
  TokenStorageFormatError,
} from "../../src/token-storage/errors.ts";
import { JSONTokenStorage } from "../../src/token-storage/json.ts";
import { SDK_VERSION } from "../../src/version.ts";
import { copyFixture, FIXTURE_IDENTITY, TRANSFER_ALL, tempDir, tokenData } from "./helpers.ts";

const isRoot = process.getuid?.() === 0;

describe("JSONTokenStorage", () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir());
  });
  after(() => cleanup());

  test("reads a Python SDK format_version 2.0 file", async () => {
    const file = copyFixture("python-v2.json", dir, "read-v2.json");
    const store = new JSONTokenStorage(file);
    const all = await store.getTokenDataByResourceServer();
    assert.deepEqual(Object.keys(all).sort(), ["auth.globus.org", "transfer.api.globus.org"]);
    const transfer = all["transfer.api.globus.org"]!;
    assert.equal(transfer.identity_id, FIXTURE_IDENTITY);
    assert.equal(transfer.scope, TRANSFER_ALL);
    assert.equal(transfer.access_token, "fixture-transfer-at");
    // Python leaves null fields out; they read back as null
    assert.equal(transfer.refresh_token, null);
    assert.equal(transfer.expires_at_seconds, 1893456000);
    assert.equal((await store.getTokenData("auth.globus.org"))?.refresh_token, "fixture-auth-rt");
    assert.equal(await store.getTokenData("nope"), undefined);
    const other = new JSONTokenStorage(file, { namespace: "other-app" });
    const groups = await other.getTokenData("groups.api.globus.org");
    assert.equal(groups?.identity_id, null);
    assert.equal(groups?.token_type, null);
    assert.deepEqual((await store.listNamespaces()).sort(), ["DEFAULT", "other-app"]);
  });

  test("reads format_version 1.0 and rewrites it as 2.0", async () => {
    const file = copyFixture("python-v1.json", dir, "v1.json");
    const store = new JSONTokenStorage(file);
    const all = await store.getTokenDataByResourceServer();
    assert.equal(all["transfer.api.globus.org"]?.access_token, "fixture-v1-transfer-at");
    assert.equal(all["transfer.api.globus.org"]?.identity_id, null);
    assert.equal(all["auth.globus.org"]?.refresh_token, null);
    // reading does not touch the file
    assert.equal(JSON.parse(readFileSync(file, "utf8")).format_version, "1.0");

    await store.storeTokenDataByResourceServer({
      "groups.api.globus.org": tokenData({ resource_server: "groups.api.globus.org" }),
    });
    const doc = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(Object.keys(doc), ["data", "format_version", "globus-sdk.version"]);
    assert.equal(doc.format_version, "2.0");
    assert.equal(doc["by_rs"], undefined);
    assert.deepEqual(Object.keys(doc.data.DEFAULT).sort(), [
      "auth.globus.org",
      "groups.api.globus.org",
      "transfer.api.globus.org",
    ]);
    assert.equal(
      doc.data.DEFAULT["transfer.api.globus.org"].refresh_token,
      "fixture-v1-transfer-rt",
    );
  });

  test("writes the same bytes the Python SDK writes for the same data", async () => {
    const file = copyFixture("python-v2.json", dir, "bytes.json");
    const original = readFileSync(file, "utf8");
    const store = new JSONTokenStorage(file);
    // store back exactly what was read: only the SDK version marker may change
    await store.storeTokenDataByResourceServer(await store.getTokenDataByResourceServer());
    const rewritten = readFileSync(file, "utf8");
    assert.equal(
      rewritten,
      original.replace('"globus-sdk.version": "4.9.0"', `"globus-sdk.version": "${SDK_VERSION}"`),
    );
  });

  test("a new file has Python's keys, version markers and entry layout", async () => {
    const file = path.join(dir, "new", "tokens.json");
    const store = new JSONTokenStorage(file);
    await store.storeTokenDataByResourceServer({
      "transfer.api.globus.org": tokenData({
        resource_server: "transfer.api.globus.org",
        refresh_token: null,
        token_type: null,
        expires_at_seconds: 1893456000,
      }),
    });
    const doc = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(Object.keys(doc), ["data", "format_version", "globus-sdk.version"]);
    assert.equal(doc.format_version, "2.0");
    assert.equal(doc["globus-sdk.version"], SDK_VERSION);
    const entry = doc.data.DEFAULT["transfer.api.globus.org"];
    assert.deepEqual(Object.keys(entry), [
      "resource_server",
      "identity_id",
      "scope",
      "access_token",
      "expires_at_seconds",
    ]);
  });

  test("unknown namespaces, top-level keys and token fields survive a rewrite", async () => {
    const file = copyFixture("python-v2-unknown-keys.json", dir, "unknown.json");
    const store = new JSONTokenStorage(file);
    const transfer = await store.getTokenData("transfer.api.globus.org");
    assert.equal(transfer?.["x_future_field"], "kept");
    await store.storeTokenDataByResourceServer({
      "new.rs": tokenData({ resource_server: "new.rs" }),
    });
    assert.equal(await store.removeTokenData("auth.globus.org"), true);
    assert.equal(await store.removeTokenData("auth.globus.org"), false);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(doc["x-future-top-level"], { keep: [1, 2, 3] });
    assert.equal(
      doc.data["future-namespace"]["search.api.globus.org"].access_token,
      "fixture-search-at",
    );
    assert.equal(doc.data["other-app"]["groups.api.globus.org"].access_token, "fixture-groups-at");
    assert.equal(doc.data.DEFAULT["transfer.api.globus.org"].x_future_field, "kept");
    assert.equal(doc.data.DEFAULT["new.rs"].access_token, "at-new.rs");
    assert.equal(doc.data.DEFAULT["auth.globus.org"], undefined);
  });

  test("file is 0600, created folders 0700, no temporary or lock files left", {
    skip: process.platform === "win32",
  }, async () => {
    const file = path.join(dir, "perm", "a", "b", "tokens.json");
    const store = new JSONTokenStorage(file);
    await store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    for (const folder of ["perm", "perm/a", "perm/a/b"]) {
      assert.equal(statSync(path.join(dir, folder)).mode & 0o777, 0o700, folder);
    }
    // a file that was 0644 becomes 0600 on rewrite
    chmodSync(file, 0o644);
    await store.storeTokenDataByResourceServer({ rs2: tokenData({ resource_server: "rs2" }) });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // while open, the lock's record is kept beside the file (and holds no token)
    const [record, ...others] = readdirSync(path.dirname(file)).filter((n) => n !== "tokens.json");
    assert.deepEqual(others, []);
    assert.match(
      record!,
      new RegExp(`^\\.tokens\\.json\\.lock\\.${process.pid}\\.[0-9a-f]+\\.tmp$`),
    );
    assert.equal(statSync(path.join(path.dirname(file), record!)).mode & 0o777, 0o600);
    await store.close();
    assert.deepEqual(readdirSync(path.dirname(file)), ["tokens.json"]);
  });

  test("the lock record is made once and linked for each write; it holds no token", async () => {
    const folder = path.join(dir, "kept-record");
    const file = path.join(folder, "tokens.json");
    const store = new JSONTokenStorage(file);
    const recordOf = () => {
      const names = readdirSync(folder).filter((n) => n.startsWith(".tokens.json.lock."));
      assert.equal(names.length, 1, `one record, found ${names.join(", ")}`);
      return path.join(folder, names[0]!);
    };
    await store.storeTokenDataByResourceServer({
      rs: tokenData({ resource_server: "rs", access_token: "secret-access-1" }),
    });
    const first = statSync(recordOf());
    await store.storeTokenDataByResourceServer({
      rs: tokenData({ resource_server: "rs", access_token: "secret-access-2" }),
    });
    const second = statSync(recordOf());
    assert.equal(second.ino, first.ino, "the same record file, not a new one per write");
    // linked as the lock only while a write holds it
    assert.equal(second.nlink, 1);
    assert.equal(existsSync(`${file}.lock`), false);
    const text = readFileSync(recordOf(), "utf8");
    assert.deepEqual(Object.keys(JSON.parse(text)).sort(), [
      "hostname",
      "pid",
      "timestamp",
      "token",
    ]);
    assert.doesNotMatch(text, /secret-access/);
    await store.close();
  });

  test("a lock record another process swept is made again at the next write", async () => {
    const folder = path.join(dir, "swept-record");
    const file = path.join(folder, "tokens.json");
    const store = new JSONTokenStorage(file);
    await store.storeTokenDataByResourceServer({ a: tokenData({ resource_server: "a" }) });
    const [swept] = readdirSync(folder).filter((n) => n.startsWith(".tokens.json.lock."));
    rmSync(path.join(folder, swept!));
    await store.storeTokenDataByResourceServer({ b: tokenData({ resource_server: "b" }) });
    assert.deepEqual(Object.keys(await store.getTokenDataByResourceServer()).sort(), ["a", "b"]);
    const remade = readdirSync(folder).filter((n) => n.startsWith(".tokens.json.lock."));
    assert.equal(remade.length, 1);
    assert.notEqual(remade[0], swept);
    assert.equal(existsSync(`${file}.lock`), false);
    await store.close();
  });

  test("a process that exits without closing its storage leaves no lock record", async () => {
    const folder = path.join(dir, "exit-record");
    const file = path.join(folder, "tokens.json");
    const module = new URL("../../src/token-storage/json.ts", import.meta.url).href;
    const script = [
      `const { JSONTokenStorage } = await import(${JSON.stringify(module)});`,
      `const store = new JSONTokenStorage(${JSON.stringify(file)});`,
      `await store.storeTokenDataByResourceServer({ rs: ${JSON.stringify(tokenData({ resource_server: "rs" }))} });`,
    ].join("\n");
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(readdirSync(folder), ["tokens.json"]);
  });

  test("characters outside printable ASCII are escaped as Python's json.dumps escapes them", async () => {
    const file = path.join(dir, "escapes.json");
    const store = new JSONTokenStorage(file);
    await store.storeTokenDataByResourceServer({
      rs: {
        ...tokenData({ resource_server: "rs", access_token: "at", refresh_token: null }),
        note: ["\u00e9\u{1f600}\u007f", [], {}, { "k\u00e9": 'a,\n:b"\\' }],
      },
    });
    // `json.dumps(["é😀\x7f", [], {}, {"ké": "a,\n:b\"\\"}])` in CPython 3.12
    const expected =
      '"note": ["\\u00e9\\ud83d\\ude00\\u007f", [], {}, {"k\\u00e9": "a,\\n:b\\"\\\\"}]';
    const text = readFileSync(file, "utf8");
    assert.ok(text.includes(expected), text);
    assert.match(text, /^[\x20-\x7e]*$/);
    assert.deepEqual((await new JSONTokenStorage(file).getTokenData("rs"))?.["note"], [
      "\u00e9\u{1f600}\u007f",
      [],
      {},
      { "k\u00e9": 'a,\n:b"\\' },
    ]);
  });

  test("a missing file reads as empty and is not created by reads", async () => {
    const file = path.join(dir, "absent", "tokens.json");
    const store = new JSONTokenStorage(file);
    assert.deepEqual(await store.getTokenDataByResourceServer(), {});
    assert.equal(await store.removeTokenData("x"), false);
    assert.equal(existsSync(file), false);
  });

  const corrupt: [string, string, RegExp][] = [
    [
      "not JSON",
      '{"data": {"DEFAULT": {"rs": {"access_token": "SECRET-TOKEN-VALUE"',
      /Invalid JSON/,
    ],
    ["a non-object root", "[1, 2]", /non-object root/],
    [
      "an unknown format_version",
      '{"format_version": "9.0", "data": {}, "globus-sdk.version": "1"}',
      /Unsupported format_version "9.0"/,
    ],
    ["no format_version", '{"data": {}}', /Unsupported format_version null/],
    ["1.0 without by_rs", '{"format_version": "1.0"}', /missing 'by_rs'/],
    [
      "a bad data member",
      '{"format_version": "2.0", "data": [], "globus-sdk.version": "1"}',
      /Invalid 'data'/,
    ],
    [
      "a malformed entry",
      '{"format_version": "2.0", "globus-sdk.version": "1", "data": {"DEFAULT": {"rs": {"resource_server": "rs", "scope": "s", "access_token": "SECRET-TOKEN-VALUE", "expires_at_seconds": "soon"}}}}',
      /resource server 'rs'.*expires_at_seconds/,
    ],
  ];
  for (const [what, content, message] of corrupt) {
    test(`a file with ${what} raises a typed error naming the path and is left alone`, async () => {
      const file = path.join(dir, `corrupt-${what.replaceAll(" ", "-")}.json`);
      writeFileSync(file, content);
      const store = new JSONTokenStorage(file);
      const attempts: (() => Promise<unknown>)[] = [
        () => store.getTokenDataByResourceServer(),
        () => store.getTokenData("rs"),
      ];
      // a whole-file problem also blocks writes; one bad entry only blocks reading it
      if (!what.includes("entry")) {
        attempts.push(() =>
          store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) }),
        );
      }
      for (const attempt of attempts) {
        await assert.rejects(attempt, (error: unknown) => {
          assert.ok(error instanceof TokenStorageFormatError);
          assert.ok(error instanceof GlobusSDKError);
          assert.match(error.message, message);
          assert.ok(error.message.includes(file), "names the path");
          assert.equal(error.path, file);
          assert.ok(!String(error).includes("SECRET-TOKEN-VALUE"));
          assert.equal(error.cause, undefined);
          return true;
        });
      }
      assert.equal(readFileSync(file, "utf8"), content, "never silently reset");
    });
  }

  test("an unreadable file raises TokenStorageError naming the path", {
    skip: isRoot || process.platform === "win32",
  }, async () => {
    const file = path.join(dir, "unreadable.json");
    writeFileSync(file, "{}");
    chmodSync(file, 0o000);
    await assert.rejects(
      new JSONTokenStorage(file).getTokenDataByResourceServer(),
      (error: unknown) => {
        assert.ok(error instanceof TokenStorageError);
        assert.ok(error.message.includes(file));
        return true;
      },
    );
  });

  test("a folder in place of the file raises TokenStorageError naming the path", async () => {
    const file = path.join(dir, "is-a-folder.json");
    mkdirSync(file);
    await assert.rejects(
      new JSONTokenStorage(file).getTokenDataByResourceServer(),
      (error: unknown) => {
        assert.ok(error instanceof TokenStorageError);
        assert.ok(error.message.includes(file));
        return true;
      },
    );
  });

  test("close is idempotent and a closed storage refuses use", async () => {
    const store = new JSONTokenStorage(path.join(dir, "closed.json"));
    await store.close();
    await store.close();
    await assert.rejects(store.getTokenDataByResourceServer(), TokenStorageClosedError);
    await assert.rejects(store.getTokenData("x"), TokenStorageClosedError);
    await assert.rejects(store.removeTokenData("x"), TokenStorageClosedError);
    await assert.rejects(
      store.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) }),
      TokenStorageClosedError,
    );
  });

  test("a write made by another storage on the same file is seen at once", async () => {
    const file = path.join(dir, "shared.json");
    const a = new JSONTokenStorage(file);
    const b = new JSONTokenStorage(file);
    await a.storeTokenDataByResourceServer({
      rs: tokenData({ resource_server: "rs", access_token: "one" }),
    });
    assert.equal((await b.getTokenData("rs"))?.access_token, "one");
    await b.storeTokenDataByResourceServer({
      rs: tokenData({ resource_server: "rs", access_token: "two" }),
    });
    assert.equal((await a.getTokenData("rs"))?.access_token, "two");
    // concurrent writers in one process never lose an update
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).storeTokenDataByResourceServer({
          [`k${i}`]: tokenData({ resource_server: `k${i}` }),
        }),
      ),
    );
    assert.equal(Object.keys(await a.getTokenDataByResourceServer()).length, 21);
  });
});
