// One process of a fleet sharing a token store on Redis: a ClientApp (the demo confidential
// client) or a UserApp (the demo native client, with a login another process made). The
// emulator's URLs come from the environment. It reads commands on stdin, one per line:
//   burst <n>        n concurrent Flows calls and n concurrent Transfer calls, once
//   loop <ms>        Flows and Transfer calls one pair after another for <ms>
//   settle           calls until one pair succeeds (a write-back left by a fault lands)
//   exit
// and answers each with one JSON line: { ok, failed, errors: { <error name>: count } },
// where an error that is not one of the SDK's typed errors counts as "untyped: <message>".
import { createInterface } from "node:readline";
import {
  ClientApp,
  FlowsClient,
  GlobusSDKError,
  NativeAppAuthClient,
  TransferClient,
  UserApp,
} from "../../src/index.ts";
import { RedisTokenStorage } from "../../src/redis/index.ts";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
} from "../../src/testing/index.ts";

const [mode, redisUrl, appName] = process.argv.slice(2) as ["client" | "user", string, string];
// fast retries and a short command timeout keep a Redis outage's waits short in tests
const storage = RedisTokenStorage.provider({ url: redisUrl, commandTimeoutMs: 1_000 });
const app =
  mode === "client"
    ? new ClientApp(appName, {
        clientId: DEMO_CONFIDENTIAL_CLIENT_ID,
        clientSecret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
        config: { tokenStorage: storage },
      })
    : new UserApp(appName, {
        loginClient: new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
          retry: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 2 },
        }),
        // a login here would be a bug: the stored refresh token must be enough
        config: { tokenStorage: storage, tokenValidationErrorHandler: null },
      });
const retry = { retry: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 2 } };
const flows = new FlowsClient({ app, ...retry });
const transfer = new TransferClient({ app, ...retry });

interface Tally {
  ok: number;
  failed: number;
  errors: Record<string, number>;
}

async function pair(tally: Tally): Promise<boolean> {
  const results = await Promise.allSettled([
    flows.listFlows().firstPage(),
    transfer.taskList({ limit: 1 }).firstPage(),
  ]);
  for (const result of results) {
    if (result.status === "fulfilled") {
      tally.ok += 1;
      continue;
    }
    tally.failed += 1;
    const error = result.reason as Error;
    const name = error instanceof GlobusSDKError ? error.name : `untyped: ${error?.message}`;
    tally.errors[name] = (tally.errors[name] ?? 0) + 1;
  }
  return results.every((r) => r.status === "fulfilled");
}

async function run(command: string, arg: number): Promise<Tally> {
  const tally: Tally = { ok: 0, failed: 0, errors: {} };
  if (command === "burst") {
    await Promise.all(Array.from({ length: arg }, () => pair(tally)));
  } else if (command === "loop") {
    const end = Date.now() + arg;
    while (Date.now() < end) {
      await pair(tally);
      await new Promise((r) => setTimeout(r, 20));
    }
  } else if (command === "settle") {
    const end = Date.now() + 20_000;
    // twice after the first success: a write-back waits a second after a failed attempt
    let successes = 0;
    while (successes < 2 && Date.now() < end) {
      if (await pair(tally)) successes += 1;
      await new Promise((r) => setTimeout(r, 1_100));
    }
  }
  return tally;
}

console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  const [command = "", arg = "0"] = line.trim().split(/\s+/);
  if (command === "exit") break;
  console.log(JSON.stringify(await run(command, Number(arg))));
}
await app.close();
