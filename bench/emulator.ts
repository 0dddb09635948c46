/**
 * Emulator benchmarks: start-up time and token introspections per second, each against a
 * bare node:http server doing the same I/O, so the ratio shows the emulator's own cost.
 */
import { createServer, type Server } from "node:http";
import { Worker } from "node:worker_threads";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  startEmulator,
} from "../src/testing/index.ts";

import type { BenchResult } from "./types.ts";

const BASIC = `Basic ${Buffer.from(`${DEMO_CONFIDENTIAL_CLIENT_ID}:${DEMO_CONFIDENTIAL_CLIENT_SECRET}`).toString("base64")}`;

async function bareServer(): Promise<{ server: Server; url: string }> {
  const payload = JSON.stringify({ active: true, token_type: "Bearer", scope: "openid", sub: "x" });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("token");
      res.writeHead(200, {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(payload),
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/auth/v2/oauth2/token/introspect` };
}

async function medianOf(samples: number, fn: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) values.push(await fn());
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

// The load generator runs in a worker thread so that the client and the server under test
// do not share one event loop (which would measure the client as much as the server).
const LOAD_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { url, body, authorization, total, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
let sent = 0;
let failures = 0;
function one() {
  return new Promise((resolve) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent,
      headers: { authorization, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } },
      (res) => { const chunks = []; res.on("data", (c) => chunks.push(c)); res.on("end", () => {
        try { if (!JSON.parse(Buffer.concat(chunks).toString()).active) failures++; } catch { failures++; }
        resolve(); }); });
    req.on("error", () => { failures++; resolve(); });
    req.end(body);
  });
}
async function worker() { while (sent < total) { sent++; await one(); } }
const start = performance.now();
Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  parentPort.postMessage({ seconds: (performance.now() - start) / 1000, failures });
  agent.destroy();
});
`;

/** Requests per second for `total` POSTs with `concurrency` in flight. */
async function throughput(
  url: string,
  body: string,
  total: number,
  concurrency: number,
): Promise<number> {
  const worker = new Worker(LOAD_WORKER, {
    eval: true,
    workerData: { url, body, authorization: BASIC, total, concurrency },
  });
  const result = await new Promise<{ seconds: number; failures: number }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  if (result.failures) throw new Error(`${result.failures} introspections failed or were inactive`);
  return total / result.seconds;
}

export async function run(): Promise<BenchResult[]> {
  // Warm module loading and the JIT so the start-up number is the server's, not the import's.
  await (await startEmulator()).stop();

  const startOurs = await medianOf(15, async () => {
    const t0 = performance.now();
    const emulator = await startEmulator();
    const elapsed = performance.now() - t0;
    await emulator.stop();
    return elapsed;
  });
  const startBaseline = await medianOf(15, async () => {
    const t0 = performance.now();
    const { server } = await bareServer();
    const elapsed = performance.now() - t0;
    await new Promise((resolve) => server.close(resolve));
    return elapsed;
  });

  const emulator = await startEmulator();
  const bare = await bareServer();
  try {
    const issued = await fetch(`${emulator.urls.auth}v2/oauth2/token`, {
      method: "POST",
      headers: { authorization: BASIC, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=openid",
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const body = `token=${token}&include=identity_set,session_info`;
    const introspectUrl = `${emulator.urls.auth}v2/oauth2/token/introspect`;
    await throughput(introspectUrl, body, 2000, 32);
    await throughput(bare.url, body, 2000, 32);
    const ours = await throughput(introspectUrl, body, 20000, 32);
    const baseline = await throughput(bare.url, body, 20000, 32);
    return [
      {
        name: "emulator start (startEmulator until listening)",
        ours: Number(startOurs.toFixed(2)),
        baseline: Number(startBaseline.toFixed(2)),
        unit: "ms",
        ratio: Number((startOurs / startBaseline).toFixed(2)),
        target: "< 300 ms (ours)",
        note: "median of 15 warm starts; baseline is a bare node:http listen",
      },
      {
        name: "emulator token introspections",
        ours: Math.round(ours),
        baseline: Math.round(baseline),
        unit: "req/s",
        ratio: Number((ours / baseline).toFixed(2)),
        target: ">= 5000 req/s (ours)",
        note: "higher is better; 20,000 POSTs, 32 in flight over keep-alive from a worker thread; baseline answers fixed JSON",
      },
    ];
  } finally {
    await emulator.stop();
    await new Promise((resolve) => bare.server.close(resolve));
  }
}

if (import.meta.main) {
  for (const result of await run()) {
    console.log(
      `${result.name}: ours ${result.ours}, baseline ${result.baseline} ${result.unit}, ratio ${result.ratio}`,
    );
  }
}
