import { mergeScopes, parseScopes } from "../src/scopes/index.ts";
import { type BenchResult, median } from "./types.ts";

const ITERATIONS = 20_000;
const ROUNDS = 7;

/** What a GlobusApp typically asks for: identity scopes plus Transfer with collection consents. */
const TEXT = [
  "openid",
  "urn:globus:auth:scope:auth.globus.org:view_identity_set",
  "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/5a8d7c2b-1111-4e8e-9d4b-0e7e0b1c9a10/data_access *https://auth.globus.org/scopes/a6f165fa-aee2-4fe5-95f3-97429c28bf82/data_access]",
  "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run_manage",
  "https://auth.globus.org/scopes/0f3b2c4d-2222-4aaa-8bbb-123456789abc/flow_0f3b2c4d_2222_4aaa_8bbb_123456789abc_user[urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/5a8d7c2b-1111-4e8e-9d4b-0e7e0b1c9a10/data_access]]",
].join(" ");

/** Operations per second of `fn`, median of several timed rounds. */
function opsPerSecond(fn: () => unknown): number {
  let sink = 0;
  for (let i = 0; i < ITERATIONS / 10; i++) sink += fn() ? 1 : 0; // warm up the JIT
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) sink += fn() ? 1 : 0;
    rates.push(ITERATIONS / ((performance.now() - start) / 1000));
  }
  if (sink < 0) console.log(sink); // keeps the calls observable
  return median(rates);
}

/** Full parse (tokens, graph, cycle check, Scope objects) against a bare `split(" ")`. */
export async function run(): Promise<BenchResult[]> {
  const scopes = parseScopes(TEXT);
  if (scopes.length !== 5) throw new Error(`bench input parsed to ${scopes.length} scopes`);
  const parse = opsPerSecond(() => parseScopes(TEXT));
  const split = opsPerSecond(() => TEXT.split(" "));
  const merge = opsPerSecond(() => mergeScopes(scopes, scopes));
  return [
    {
      name: "scopes-parse-5",
      ours: Math.round(parse),
      baseline: Math.round(split),
      unit: "ops/s",
      ratio: parse / split,
      note: `higher is better; a 5-scope string with nested dependencies (${TEXT.length} chars) vs text.split(" "), which does no validation, merging or object building`,
    },
    {
      name: "scopes-merge-5",
      ours: Math.round(merge),
      baseline: Math.round(parse),
      unit: "ops/s",
      ratio: merge / parse,
      note: "higher is better; mergeScopes of the parsed list with itself vs parsing the string",
    },
  ];
}
