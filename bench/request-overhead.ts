/**
 * Per-call cost: sequential bound calls (FlowsClient.getFlow through a UserApp whose tokens
 * are stored and valid) against the limit, bare node:http with a keep-alive agent sending the
 * same headers to the same route and parsing the JSON, in the same process. The emulator runs
 * in its own process, so this process's CPU time is the client's alone. Medians of
 * interleaved rounds, alternating which goes first.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { FlowsClient, JSONTokenStorage, NativeAppAuthClient, UserApp } from "../src/index.ts";
import { ALICE_IDENTITY_ID, DEMO_NATIVE_CLIENT_ID } from "../src/testing/index.ts";
import { EmulatorLoginFlowManager } from "../src/testing/login-flow.ts";
import { CLIENT_INFO, userAgent } from "../src/transport/transport.ts";
import { type BenchResult, median } from "./types.ts";

const CALLS = 1_000;
const ROUNDS = 31;
const WARM_UP_CALLS = 1_000;
const BIN = fileURLToPath(new URL("../src/cli/bin.ts", import.meta.url));

interface Sample {
  wallMs: number;
  cpuUs: number;
}

/** The CPU list a process may run on (`taskset -p -c`), to restore it afterwards. */
function affinityOf(pid: number): string | undefined {
  const out = spawnSync("taskset", ["-p", "-c", String(pid)], { encoding: "utf8" }).stdout;
  return /:\s*([\d,-]+)\s*$/.exec(out ?? "")?.[1];
}

async function sample(calls: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await calls();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuUs: used.user + used.system };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "globus-bench-per-call-"));
  // each process on its own core where taskset can say so: the scheduler moving them
  // about (and onto one core) is the larger part of this bench's noise
  const pinned = cpus().length >= 2 && spawnSync("taskset", ["-V"]).status === 0;
  const emulatorArgs = [BIN, "emulator", "--port", "0", "--json"];
  const emulator = pinned
    ? spawn("taskset", ["-c", "1", process.execPath, ...emulatorArgs], {
        stdio: ["ignore", "pipe", "inherit"],
      })
    : spawn(process.execPath, emulatorArgs, { stdio: ["ignore", "pipe", "inherit"] });
  const ownAffinity = pinned ? affinityOf(process.pid) : undefined;
  if (ownAffinity) spawnSync("taskset", ["-p", "-c", "0", String(process.pid)]);
  try {
    const info = JSON.parse(
      await new Promise<string>((resolve) =>
        createInterface({ input: emulator.stdout }).once("line", resolve),
      ),
    ) as { baseUrl: string; urls: Record<string, string> };
    await fetch(`${info.baseUrl}_emulator/auto-approve`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ identity_id: ALICE_IDENTITY_ID }),
    });
    const storage = new JSONTokenStorage(join(dir, "tokens.json"));
    const loginClient = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
      baseUrl: info.urls["auth"],
    });
    const app = new UserApp("bench-per-call", {
      loginClient,
      config: {
        tokenStorage: storage,
        loginFlowManager: new EmulatorLoginFlowManager({ loginClient, requestRefreshTokens: true }),
      },
    });
    const flows = new FlowsClient({ app, baseUrl: info.urls["flows"] });
    const flowId = (await flows.listFlows().firstPage()).items[0]?.id;
    if (!flowId) throw new Error("the emulator lists no flows");
    const token = (await storage.getTokenData("flows.globus.org"))!.access_token;
    const url = `${info.urls["flows"]}flows/${flowId}`;

    const agent = new Agent({ keepAlive: true });
    // the same request on the wire as ours, byte for byte (header order too), so the
    // server does the same work
    const headers = {
      "User-Agent": userAgent("bench-per-call"),
      "X-Globus-Client-Info": CLIENT_INFO,
      "Accept-Encoding": "gzip, deflate, br",
      Authorization: `Bearer ${token}`,
    };
    const bare = () =>
      new Promise<unknown>((resolve, reject) => {
        const req = request(url, { agent, headers }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => {
            text += chunk;
          });
          res.on("end", () => {
            if (res.statusCode !== 200) reject(new Error(`bare getFlow failed: ${res.statusCode}`));
            else resolve(JSON.parse(text));
          });
        });
        req.on("error", reject);
        req.end();
      });
    const raw = async (calls = CALLS) => {
      for (let i = 0; i < calls; i++) await bare();
    };
    const ours = async (calls = CALLS) => {
      for (let i = 0; i < calls; i++) await flows.getFlow(flowId);
    };
    await raw(WARM_UP_CALLS);
    await ours(WARM_UP_CALLS);
    const rawSamples: Sample[] = [];
    const ourSamples: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        rawSamples.push(await sample(() => raw()));
        ourSamples.push(await sample(() => ours()));
      } else {
        ourSamples.push(await sample(() => ours()));
        rawSamples.push(await sample(() => raw()));
      }
    }
    await app.close();
    await storage.close();
    agent.destroy();
    const o = median(ourSamples.map((s) => s.wallMs));
    const b = median(rawSamples.map((s) => s.wallMs));
    const cpuOurs = median(ourSamples.map((s) => s.cpuUs)) / CALLS;
    const cpuBare = median(rawSamples.map((s) => s.cpuUs)) / CALLS;
    return [
      {
        name: "per-call",
        ours: Number(((o / CALLS) * 1000).toFixed(1)),
        baseline: Number(((b / CALLS) * 1000).toFixed(1)),
        unit: "µs/call",
        ratio: o / b,
        target: "<= 1.05",
        note: `sequential getFlow calls (a UserApp, JSON token store) vs bare node:http (keep-alive agent, the same headers and route, JSON.parse), the emulator in another process; client CPU ${cpuOurs.toFixed(1)} vs ${cpuBare.toFixed(1)} µs per call (${(cpuOurs - cpuBare).toFixed(1)} µs of our own); median of ${ROUNDS} interleaved rounds of ${CALLS}; lower is better`,
      },
    ];
  } finally {
    if (ownAffinity) spawnSync("taskset", ["-p", "-c", ownAffinity, String(process.pid)]);
    emulator.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
