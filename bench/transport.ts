import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Transport } from "../src/transport/index.ts";
import { type BenchResult, median, timeMs } from "./types.ts";

const REQUESTS = 2_000;
const ROUNDS = 5;

/** 2,000 sequential GETs through the pipeline against raw fetch, same server, same run. */
export async function run(): Promise<BenchResult[]> {
  const body = JSON.stringify({ DATA_TYPE: "endpoint", id: "abc", display_name: "bench" });
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const transport = new Transport({
    baseUrl: url,
    authorizer: {
      getAuthorizationHeader: async () => "Bearer bench-token",
      handleMissingAuthorization: async () => false,
    },
  });
  const headers = { Authorization: "Bearer bench-token" };
  const raw = async () => {
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(`${url}v0.10/endpoint/abc`, { headers });
      await res.json();
    }
  };
  const ours = async () => {
    for (let i = 0; i < REQUESTS; i++) await transport.request({ path: "/v0.10/endpoint/abc" });
  };
  await raw();
  await ours();
  const rawTimes: number[] = [];
  const ourTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawTimes.push(await timeMs(raw));
    ourTimes.push(await timeMs(ours));
  }
  server.close();
  const o = median(ourTimes);
  const b = median(rawTimes);
  return [
    {
      name: "transport-2000-gets",
      ours: Math.round(o),
      baseline: Math.round(b),
      unit: "ms",
      ratio: o / b,
      target: "<= 1.10",
      note: `median of ${ROUNDS} rounds of ${REQUESTS} sequential GETs vs raw fetch`,
    },
  ];
}
