// kill -9 soak of the JSON store's locks: writers share one file and are killed at random
// points (inside the lock, while creating it, between writing and renaming) and restarted.
// A monitor watches the lock file: whenever its recorded holder is dead, the time until
// someone takes it over must stay under 1 s. Afterwards the file is whole, every
// acknowledged write is there (or a newer one), and no crashed writer's temporary file is
// left. HARDENING_KILL_SECONDS changes the length (default 10).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { JSONTokenStorage } from "../../src/token-storage/json.ts";
import { prng } from "../helpers/prng.ts";

const WRITER = fileURLToPath(new URL("./kill-writer.ts", import.meta.url));
const WRITERS = 4;
const SECONDS = Number(process.env["HARDENING_KILL_SECONDS"] || 10);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

test(`writers killed at random for ${SECONDS} s: nobody waits 1 s on a dead writer's lock, nothing is lost`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "globus-kill-soak-"));
  const file = join(dir, "tokens.json");
  const lock = `${file}.lock`;
  const random = prng(20_261_201);
  const acked = new Map<string, number>();
  const children = new Set<ChildProcess>();
  // writers past their start-up, each of them always trying to take the lock
  const ready = new Set<ChildProcess>();
  let kills = 0;
  let acks = 0;
  const start = (id: number) => {
    const child = spawn(process.execPath, [WRITER, file, String(id)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.add(child);
    let pending = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready") {
          ready.add(child);
          continue;
        }
        const [, resourceServer, sequence] = line.split(" ");
        acked.set(resourceServer!, Number(sequence));
        acks += 1;
      }
    });
    child.on("exit", () => {
      children.delete(child);
      ready.delete(child);
      if (!stopping) start(id);
    });
    return child;
  };
  let stopping = false;
  const writers = Array.from({ length: WRITERS }, (_, id) => start(id));
  void writers;

  // the monitor: how long each dead holder's lock stands while a live writer wants it
  let deadSince: { pid: number; at: number } | undefined;
  let longestDeadHoldMs = 0;
  let deadHolds = 0;
  const monitor = setInterval(() => {
    let holder: number | undefined;
    try {
      holder = (JSON.parse(readFileSync(lock, "utf8")) as { pid: number }).pid;
    } catch {
      holder = undefined;
    }
    const now = performance.now();
    if (holder !== undefined && !alive(holder) && ready.size > 0) {
      if (deadSince?.pid !== holder) {
        deadSince = { pid: holder, at: now };
        deadHolds += 1;
      }
      longestDeadHoldMs = Math.max(longestDeadHoldMs, now - deadSince.at);
    } else {
      deadSince = undefined;
    }
  }, 2);

  const until = Date.now() + SECONDS * 1000;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100 + random() * 400));
    const victims = [...children];
    const victim = victims[Math.floor(random() * victims.length)];
    if (victim?.pid !== undefined) {
      victim.kill("SIGKILL");
      kills += 1;
    }
  }
  stopping = true;
  for (const child of children) child.kill("SIGKILL");
  while (children.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  clearInterval(monitor);

  // one more write by a live process, which sweeps what the dead left
  const storage = new JSONTokenStorage(file);
  const entries = await storage.getTokenDataByResourceServer();
  await storage.storeTokenDataByResourceServer({
    final: { ...Object.values(entries)[0]!, resource_server: "final" },
  });
  await storage.close();
  const leftovers = readdirSync(dir).filter((name) => name.endsWith(".tmp"));
  const doc = JSON.parse(readFileSync(file, "utf8"));
  rmSync(dir, { recursive: true, force: true });

  console.log(
    `kill soak: ${kills} kills, ${acks} acknowledged writes, ${deadHolds} dead holders seen, longest stood ${longestDeadHoldMs.toFixed(0)} ms`,
  );
  assert.ok(kills >= SECONDS, `only ${kills} kills`);
  assert.ok(acks > 0);
  assert.ok(longestDeadHoldMs < 1_000, `a dead writer's lock stood ${longestDeadHoldMs} ms`);
  for (const [resourceServer, sequence] of acked) {
    const stored = doc.data.DEFAULT[resourceServer];
    assert.ok(stored, `${resourceServer} is missing`);
    assert.ok(
      stored.sequence >= sequence,
      `${resourceServer}: acknowledged ${sequence}, stored ${stored.sequence}`,
    );
  }
  assert.deepEqual(leftovers, [], "crashed writers' temporary files are swept");
});
