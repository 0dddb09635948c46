import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { FileLockTimeoutError } from "../../src/token-storage/errors.ts";
import { withFileLock } from "../../src/token-storage/file-lock.ts";
import { tempDir } from "./helpers.ts";

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
});
