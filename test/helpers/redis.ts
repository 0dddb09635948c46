// Real Redis servers for tests: one on a free loopback port, or a 3-master cluster built
// with `redis-cli --cluster create`. Data lives in a temp folder and goes with `stop()`.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureRedis, REDIS_CLI_PATH } from "../../scripts/ensure-redis.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" }, () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A redis-server process on a loopback port, which a test may kill and start again. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Starts it again on the same port (after `kill`), with the data it had saved. */
  start(): Promise<void>;
  /** SIGKILLs it, as a crash would. */
  kill(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
  /** Runs a redis-cli command against it and returns its output. */
  cli(...args: string[]): string;
}

/** Starts redis-server on a free port (installing Debian's package first when missing). */
export async function startRedis(extraArgs: string[] = []): Promise<RedisServer> {
  const binary = ensureRedis();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "globus-redis-"));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      binary,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        // every write reaches the disk before the reply, so a kill -9 loses no acknowledged store
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        ...extraArgs,
      ],
      { stdio: "ignore" },
    );
    await waitForPort(port);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGKILL");
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    cli: (...args) =>
      spawnSync(REDIS_CLI_PATH, ["-p", String(port), ...args], { encoding: "utf8" }).stdout,
  };
}

/** A 3-master Redis Cluster on loopback ports, no replicas. */
export interface RedisCluster {
  readonly nodes: RedisServer[];
  readonly rootNodes: string[];
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        // the bus port defaults to port + 10000, which may not exist for a high free port
        await startRedis([
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          "nodes.conf",
          "--cluster-port",
          String(await freePort()),
        ]),
      );
    }
    const create = spawnSync(
      REDIS_CLI_PATH,
      [
        "--cluster",
        "create",
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { encoding: "utf8" },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    // the cluster serves once every node agrees that all slots are covered
    const deadline = Date.now() + 15_000;
    while (!nodes.every((n) => n.cli("cluster", "info").includes("cluster_state:ok"))) {
      if (Date.now() > deadline)
        throw new Error("the Redis cluster did not reach cluster_state:ok");
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    for (const node of nodes) await node.stop();
    throw error;
  }
  return {
    nodes,
    rootNodes: nodes.map((n) => n.url),
    async stop() {
      for (const node of nodes) await node.stop();
    },
  };
}
