/**
 * Per-call cost: 5,000 sequential bound calls (FlowsClient.getFlow through a UserApp whose
 * tokens are stored and valid) against the limit, bare node:http with a keep-alive agent,
 * the same token, route and JSON decoding, in the same process. Medians of interleaved rounds.
 */
import { Agent, request } from "node:http";
import { join } from "node:path";
import { FlowsClient, JSONTokenStorage, UserApp } from "../src/index.ts";
import { benchEnvironment, emulatorLoginClient, loginInto } from "./_setup.ts";
import { type BenchResult, median, timeMs } from "./types.ts";

const CALLS = 5_000;
const ROUNDS = 5;
const WARM_UP_CALLS = 500;

export async function run(): Promise<BenchResult[]> {
  const env = await benchEnvironment("overhead");
  const storage = new JSONTokenStorage(join(env.dir, "tokens.json"));
  try {
    const token = await loginInto(env.emulator, "bench-overhead", storage);
    const app = new UserApp("bench-overhead", {
      loginClient: emulatorLoginClient(env.emulator),
      config: { tokenStorage: storage, tokenValidationErrorHandler: null },
    });
    const flows = new FlowsClient({ app, baseUrl: env.emulator.urls.flows });
    const headers = { Authorization: `Bearer ${token}` };
    const listing = await fetch(`${env.emulator.urls.flows}flows`, { headers });
    const flowId = ((await listing.json()) as { flows: { id: string }[] }).flows[0]?.id;
    if (!flowId) throw new Error("the emulator lists no flows");
    const url = `${env.emulator.urls.flows}flows/${flowId}`;

    const agent = new Agent({ keepAlive: true });
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
    // warm both paths (JIT, keep-alive sockets) before timing
    await raw(WARM_UP_CALLS);
    await ours(WARM_UP_CALLS);
    const rawTimes: number[] = [];
    const ourTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawTimes.push(await timeMs(() => raw()));
      ourTimes.push(await timeMs(() => ours()));
    }
    await app.close();
    agent.destroy();
    const refreshes = env.emulator.controls.countGrants("refresh_token");
    const o = median(ourTimes);
    const b = median(rawTimes);
    return [
      {
        name: "per-call",
        ours: Math.round(o),
        baseline: Math.round(b),
        unit: "ms",
        ratio: o / b,
        target: "<= 1.05",
        note: `${CALLS} sequential getFlow calls (a UserApp, JSON token store) vs bare node:http (keep-alive agent, same token and route, JSON.parse); ${(((o - b) / CALLS) * 1000).toFixed(1)} µs of our own per call; median of ${ROUNDS} interleaved rounds; ${refreshes} refresh(es); lower is better`,
      },
    ];
  } finally {
    await storage.close();
    await env.dispose();
  }
}
