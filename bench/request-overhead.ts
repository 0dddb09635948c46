/**
 * Request overhead: 5,000 sequential bound calls (FlowsClient.getFlow through a UserApp whose
 * tokens are stored and valid) against raw fetch with the same token on the same route.
 */
import { join } from "node:path";
import { FlowsClient, JSONTokenStorage, UserApp } from "../src/index.ts";
import { benchEnvironment, emulatorLoginClient, loginInto } from "./_setup.ts";
import { type BenchResult, median, timeMs } from "./types.ts";

const CALLS = 5_000;
const ROUNDS = 3;
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

    const raw = async (calls = CALLS) => {
      for (let i = 0; i < calls; i++) {
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error(`raw getFlow failed: ${response.status}`);
        await response.json();
      }
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
    const refreshes = env.emulator.controls.countGrants("refresh_token");
    const o = median(ourTimes);
    const b = median(rawTimes);
    return [
      {
        name: "request-overhead",
        ours: Math.round(o),
        baseline: Math.round(b),
        unit: "ms",
        ratio: o / b,
        target: "<= 1.10",
        note: `median of ${ROUNDS} interleaved rounds of ${CALLS} sequential getFlow calls (JSON token store) vs raw fetch; ${refreshes} refresh(es)`,
      },
    ];
  } finally {
    await storage.close();
    await env.dispose();
  }
}
