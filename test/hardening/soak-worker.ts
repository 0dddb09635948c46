// One process of the soak: mixed bound Flows and Transfer calls through two UserApps, one on
// the shared JSON store and one on the shared SQLite store, until the deadline. It never logs
// in: the stored refresh tokens must carry it through every clock jump the parent makes.
// Prints one JSON line: {ok, failed, untyped, errors}.
import {
  FlowsClient,
  GlobusSDKError,
  JSONTokenStorage,
  NativeAppAuthClient,
  SQLiteTokenStorage,
  type TokenStorage,
  TransferClient,
  UserApp,
} from "../../src/index.ts";

const [jsonPath, sqlitePath, clientId, seconds, collectionId, flowId, emulatorUrl] =
  process.argv.slice(2) as [string, string, string, string, string, string, string];

// The emulator's clock jumps; a real client's clock agrees with Globus Auth's, so this one
// follows the emulator's, read before each call (it can lag by one call at most).
let clockOffset = 0;
async function syncClock(): Promise<void> {
  const response = await fetch(new URL("/_emulator/clock", emulatorUrl));
  const { now } = (await response.json()) as { now: number };
  clockOffset = now - Date.now() / 1000;
}

function neverLogIn(): never {
  throw new Error("the soak must not need a login");
}

function openApp(storage: TokenStorage & { close(): Promise<void> }) {
  const app = new UserApp("hardening-soak", {
    loginClient: new NativeAppAuthClient(clientId, { now: () => Date.now() / 1000 + clockOffset }),
    config: {
      tokenStorage: storage,
      tokenValidationErrorHandler: null,
      loginFlowManager: { runLoginFlow: neverLogIn },
    },
  });
  const flows = new FlowsClient({ app });
  const transfer = new TransferClient({ app });
  const calls = [
    () => flows.listFlows().firstPage(),
    () => flows.getFlow(flowId),
    () => transfer.operationLs(collectionId, { path: "/home/alice/" }),
    () => transfer.getEndpoint(collectionId),
  ];
  return { app, storage, calls };
}

await syncClock();
const apps = [openApp(new JSONTokenStorage(jsonPath)), openApp(new SQLiteTokenStorage(sqlitePath))];
const deadline = Date.now() + Number(seconds) * 1000;
let ok = 0;
let failed = 0;
let untyped = 0;
const errors: string[] = [];
async function lane(calls: (() => Promise<unknown>)[], offset: number): Promise<void> {
  for (let i = offset; Date.now() < deadline; i++) {
    try {
      await syncClock();
      await calls[i % calls.length]!();
      ok++;
    } catch (error) {
      failed++;
      if (!(error instanceof GlobusSDKError)) untyped++;
      if (errors.length < 5) errors.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
await Promise.all(apps.flatMap(({ calls }) => [0, 1, 2, 3].map((offset) => lane(calls, offset))));
for (const { app, storage } of apps) {
  await app.close();
  await storage.close();
}
console.log(JSON.stringify({ ok, failed, untyped, errors }));
