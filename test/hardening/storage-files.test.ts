/**
 * Token files under hostile conditions: a lock left by a killed writer during a login, a
 * full disk, a symlinked token file, loose permissions on files and folders.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  FlowsClient,
  InsecureTokenFolderWarning,
  JSONTokenStorage,
  SQLiteTokenStorage,
  TokenStorageError,
} from "../../src/index.ts";
import { type RunningEmulator, startEmulator } from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { tempDir, tokenData } from "../token-storage/helpers.ts";

const mode = (file: string) => statSync(file).mode & 0o777;

describe("token files", () => {
  let dir: string;
  let cleanup: () => void;
  let emulator: RunningEmulator;
  before(async () => {
    ({ dir, cleanup } = tempDir("globus-files-"));
    emulator = await startEmulator();
    Object.assign(process.env, emulator.environmentVariables);
  });
  after(async () => {
    await emulator.stop();
    cleanup();
  });

  test("a login during a lock a killed writer left (empty) is stored, not lost", async () => {
    const file = path.join(dir, "leftover-lock", "tokens.json");
    mkdirSync(path.dirname(file), { mode: 0o700 });
    writeFileSync(`${file}.lock`, ""); // created, killed before its record was written
    await using app = emulatorUserApp(emulator, new JSONTokenStorage(file), "leftover-lock");
    const started = Date.now();
    await new FlowsClient({ app }).listFlows().firstPage();
    assert.ok(Date.now() - started < 5_000);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    assert.ok(stored.data.DEFAULT["flows.globus.org"], "the login's tokens are on disk");
  });

  test("a symlinked token file is updated through its link, which stays a link", async () => {
    const real = path.join(dir, "real", "tokens.json");
    mkdirSync(path.dirname(real), { mode: 0o700 });
    const link = path.join(dir, "linked-tokens.json");
    const first = new JSONTokenStorage(real);
    await first.storeTokenDataByResourceServer({ a: tokenData({ resource_server: "a" }) });
    await first.close();
    symlinkSync(real, link);
    const viaLink = new JSONTokenStorage(link);
    await viaLink.storeTokenDataByResourceServer({ b: tokenData({ resource_server: "b" }) });
    await viaLink.close();
    assert.ok(lstatSync(link).isSymbolicLink(), "the link is kept");
    assert.equal(readlinkSync(link), real);
    const target = JSON.parse(readFileSync(real, "utf8"));
    assert.deepEqual(Object.keys(target.data.DEFAULT).sort(), ["a", "b"]);
    assert.equal(mode(real), 0o600);
  });

  test("an existing 0644 token file is tightened to 0600 when opened, JSON and SQLite", async () => {
    const json = path.join(dir, "loose", "tokens.json");
    const db = path.join(dir, "loose", "tokens.db");
    mkdirSync(path.dirname(json), { mode: 0o700 });
    const seed = new JSONTokenStorage(json);
    await seed.storeTokenDataByResourceServer({ a: tokenData({ resource_server: "a" }) });
    await seed.close();
    const seedDb = new SQLiteTokenStorage(db);
    await seedDb.storeTokenDataByResourceServer({ a: tokenData({ resource_server: "a" }) });
    await seedDb.close();
    chmodSync(json, 0o644);
    chmodSync(db, 0o644);
    const reader = new JSONTokenStorage(json);
    assert.ok(await reader.getTokenData("a"));
    await reader.close();
    const dbReader = new SQLiteTokenStorage(db);
    assert.ok(await dbReader.getTokenData("a"));
    await dbReader.close();
    assert.equal(mode(json), 0o600);
    assert.equal(mode(db), 0o600);
  });

  test("a token folder others can write to is reported once, as a typed warning", async () => {
    const folder = path.join(dir, "open-folder");
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      for (let i = 0; i < 3; i++) {
        const storage = new JSONTokenStorage(path.join(folder, "tokens.json"));
        await storage.storeTokenDataByResourceServer({ a: tokenData({ resource_server: "a" }) });
        await storage.close();
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    const ours = warnings.filter((warning) => warning instanceof InsecureTokenFolderWarning);
    assert.equal(ours.length, 1, "once per folder");
    const warning = ours[0] as InsecureTokenFolderWarning;
    assert.equal(warning.folder, folder);
    assert.equal(warning.mode, 0o777);
    assert.match(warning.message, /chmod 700/);
  });
});

/** A tiny tmpfs, so that a write really meets ENOSPC; null where mounting is not allowed. */
function mountTinyFilesystem(at: string): (() => void) | null {
  mkdirSync(at, { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", at]);
  if (mounted.status !== 0) return null;
  return () => spawnSync("umount", ["-l", at]);
}

describe("a full disk", () => {
  let dir: string;
  let cleanup: () => void;
  let unmount: (() => void) | null;
  before(() => {
    ({ dir, cleanup } = tempDir("globus-full-"));
    unmount = mountTinyFilesystem(path.join(dir, "tiny"));
  });
  after(() => {
    unmount?.();
    cleanup();
  });

  const fill = (folder: string) => {
    const filler = Buffer.alloc(4096, 1);
    for (let i = 0; ; i++) {
      try {
        writeFileSync(path.join(folder, `filler-${i}`), filler);
      } catch {
        return;
      }
    }
  };

  test("raises a typed TokenStorageError naming the disk, JSON and SQLite, and keeps the old file", async (t) => {
    if (!unmount) {
      t.skip("mounting a small tmpfs needs root (CI runs as root)");
      return;
    }
    const folder = path.join(dir, "tiny");
    const json = path.join(folder, "tokens.json");
    const db = path.join(folder, "tokens.db");
    const jsonStorage = new JSONTokenStorage(json);
    const dbStorage = new SQLiteTokenStorage(db);
    try {
      await jsonStorage.storeTokenDataByResourceServer({ a: tokenData({ resource_server: "a" }) });
      await dbStorage.storeTokenDataByResourceServer({ a: tokenData({ resource_server: "a" }) });
      const before = readFileSync(json, "utf8");
      fill(folder);
      const big = Object.fromEntries(
        Array.from({ length: 400 }, (_, i) => [
          `rs-${i}`,
          tokenData({ resource_server: `rs-${i}`, scope: "x".repeat(2000) }),
        ]),
      );
      for (const storage of [jsonStorage, dbStorage]) {
        await assert.rejects(storage.storeTokenDataByResourceServer(big), (error: unknown) => {
          assert.ok(error instanceof TokenStorageError, String(error));
          assert.match(error.message, /disk is full/);
          return true;
        });
      }
      assert.equal(readFileSync(json, "utf8"), before, "the old file is intact");
      assert.ok(await jsonStorage.getTokenData("a"));
    } finally {
      await jsonStorage.close();
      await dbStorage.close();
    }
  });
});
