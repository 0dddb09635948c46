import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { FileLockTimeoutError } from "../../src/token-storage/errors.ts";
import { withFileLock } from "../../src/token-storage/file-lock.ts";
import { JSONTokenStorage } from "../../src/token-storage/json.ts";
import { tempDir, tokenData } from "./helpers.ts";

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], {
    encoding: "utf8",
  });
  return Number(child.stdout.trim());
}

describe("withFileLock", () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir());
  });
  after(() => cleanup());

  test("runs the function, returns its value and removes the lock", async () => {
    const lock = path.join(dir, "a.lock");
    const value = await withFileLock(lock, () => {
      assert.ok(existsSync(lock));
      return 42;
    });
    assert.equal(value, 42);
    assert.equal(existsSync(lock), false);
  });

  test("releases the lock when the function throws", async () => {
    const lock = path.join(dir, "throw.lock");
    await assert.rejects(
      withFileLock(lock, () => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(existsSync(lock), false);
  });

  test("callers never overlap", async () => {
    const lock = path.join(dir, "excl.lock");
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileLock(lock, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(3);
          inside--;
        }),
      ),
    );
    assert.equal(maxInside, 1);
  });

  test("times out with a typed error naming the lock and its holder", async () => {
    const lock = path.join(dir, "held.lock");
    // held by this (live) process, as another process would hold it
    writeFileSync(
      lock,
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        timestamp: Date.now(),
        token: "other",
      }),
    );
    const started = Date.now();
    await assert.rejects(
      withFileLock(lock, () => 1, { timeoutMs: 150 }),
      (e: unknown) => {
        assert.ok(e instanceof FileLockTimeoutError);
        assert.equal(e.lockPath, lock);
        assert.equal(e.holderPid, process.pid);
        assert.ok(e.message.includes(lock));
        return true;
      },
    );
    assert.ok(Date.now() - started < 2000);
    assert.ok(existsSync(lock), "a live holder's lock is left alone");
  });

  test("takes over a lock whose holder process is dead", async () => {
    const lock = path.join(dir, "dead.lock");
    writeFileSync(
      lock,
      JSON.stringify({ pid: deadPid(), hostname: hostname(), timestamp: Date.now(), token: "x" }),
    );
    assert.equal(await withFileLock(lock, () => "ok", { timeoutMs: 1000 }), "ok");
    assert.equal(existsSync(lock), false);
  });

  test("takes over a lock that has not been refreshed for staleMs", async () => {
    const lock = path.join(dir, "old.lock");
    writeFileSync(
      lock,
      JSON.stringify({ pid: 1, hostname: "another-host", timestamp: 0, token: "x" }),
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    assert.equal(await withFileLock(lock, () => "ok", { timeoutMs: 1000, staleMs: 30_000 }), "ok");
  });

  test("a live holder in another process refreshes its lock, so it is never taken over", async () => {
    const lock = path.join(dir, "heartbeat.lock");
    const marker = path.join(dir, "heartbeat.done");
    const script = [
      `const { withFileLock } = await import(${JSON.stringify(new URL("../../src/token-storage/file-lock.ts", import.meta.url).href)});`,
      "const fs = await import('node:fs');",
      `await withFileLock(${JSON.stringify(lock)}, async () => {`,
      "  console.log('held');",
      "  await new Promise((r) => setTimeout(r, 600));",
      `  fs.writeFileSync(${JSON.stringify(marker)}, 'done');`,
      "}, { staleMs: 150 });",
    ].join("\n");
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    const exited = new Promise((resolve) => child.on("close", resolve));
    // the holder is alive and keeps its lock fresh: we only get in after it finished
    const sawMarker = await withFileLock(lock, () => existsSync(marker), {
      staleMs: 150,
      timeoutMs: 10_000,
    });
    assert.equal(sawMarker, true);
    assert.equal(await exited, 0);
  });

  for (const [kind, content] of [
    ["an empty lock", ""],
    ["a garbled lock", "\u0000\u0000{not json"],
    ["a partial record", '{"pid": 12'],
  ] as const) {
    test(`recovers ${kind} (a writer killed before its record landed) within 1 s`, async () => {
      const lock = path.join(dir, `unreadable-${kind.replaceAll(" ", "-")}.lock`);
      writeFileSync(lock, content);
      const started = Date.now();
      assert.equal(await withFileLock(lock, () => "ok", { timeoutMs: 5_000 }), "ok");
      const waited = Date.now() - started;
      assert.ok(waited < 1_000, `waited ${waited} ms`);
      assert.equal(existsSync(lock), false);
    });
  }

  test("a fresh unreadable lock is not broken at once (its writer may be mid-write)", async () => {
    const lock = path.join(dir, "fresh-empty.lock");
    writeFileSync(lock, "");
    const started = Date.now();
    await withFileLock(lock, () => undefined, { timeoutMs: 5_000 });
    assert.ok(Date.now() - started >= 200, "waited out the grace period");
  });

  test("the lock file always holds its record: nothing but whole locks is ever seen", async () => {
    const lock = path.join(dir, "atomic.lock");
    let seen = 0;
    let unreadable = 0;
    const watcher = setInterval(() => {
      let text: string;
      try {
        text = readFileSync(lock, "utf8");
      } catch {
        return; // no lock right now
      }
      seen += 1;
      try {
        JSON.parse(text);
      } catch {
        unreadable += 1;
      }
    }, 0);
    for (let i = 0; i < 300; i++) {
      await withFileLock(lock, () => sleep(1));
    }
    clearInterval(watcher);
    assert.ok(seen > 0, "the watcher saw the lock");
    assert.equal(unreadable, 0, `of ${seen} looks at the lock`);
  });

  test("a writer removes the temporary files crashed writers left, but not a live writer's", async () => {
    const folder = path.join(dir, "leftovers");
    mkdirSync(folder);
    const file = path.join(folder, "tokens.json");
    const dead = deadPid();
    const crashed = [
      `.tokens.json.${dead}.0a1b2c.tmp`,
      `.tokens.json.${dead}.ffee00.tmp`,
      `.tokens.json.lock.${dead}.1234ab.tmp`,
    ];
    for (const name of crashed) writeFileSync(path.join(folder, name), "{}");
    // a live process's temporary file (the test runner's), and a name that is not ours
    const live = `.tokens.json.${process.ppid}.abcdef.tmp`;
    const unrelated = ".tokens.json.notes.tmp";
    writeFileSync(path.join(folder, live), "{}");
    writeFileSync(path.join(folder, unrelated), "keep");
    const storage = new JSONTokenStorage(file);
    await storage.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    await storage.close();
    assert.deepEqual(readdirSync(folder).sort(), [live, unrelated, "tokens.json"].sort());
  });

  test("an old temporary file is removed even when its pid is alive (pids get reused)", async () => {
    const folder = path.join(dir, "old-leftovers");
    mkdirSync(folder);
    const name = `.tokens.json.${process.ppid}.0badc0de.tmp`;
    writeFileSync(path.join(folder, name), "{}");
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(path.join(folder, name), old, old);
    const storage = new JSONTokenStorage(path.join(folder, "tokens.json"));
    await storage.storeTokenDataByResourceServer({ rs: tokenData({ resource_server: "rs" }) });
    await storage.close();
    assert.deepEqual(readdirSync(folder), ["tokens.json"]);
  });
});
