/**
 * A Python script and a TypeScript tool sharing one login under each SDK's *default*
 * settings: Python 4.9 asks for no refresh tokens and requires `flows:all`; we ask for
 * refresh tokens and require the seed's `view_flows run_status`. The store must converge
 * after at most one login, and stay good for both sides. Also: access-token-only apps
 * that outlive their tokens, and named grants.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { describe, test } from "node:test";
import {
  defaultGlobusAppTokenPath,
  FlowsClient,
  MemoryTokenStorage,
  NativeAppAuthClient,
  pythonJsonDumps,
  TransferClient,
  UserApp,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_NATIVE_CLIENT_ID,
  EmulatorLoginFlowManager,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import { emulatorHomeHooks } from "../helpers/emulator-app.ts";
import { userTokens } from "../services/helpers.ts";

const FLOWS_ALL = "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/all";
const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";
const APP_NAME = "shared-with-python";

let emulator: RunningEmulator;
emulatorHomeHooks("globus-python-defaults-", {
  emulator: (running) => {
    emulator = running;
  },
});

const logins = () => emulator.controls.countGrants("authorization_code");
const authorizeRequests = () =>
  emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/authorize" });

/** A default UserApp, but for a login flow that approves as Alice with no person. */
function defaultApp(config: Record<string, unknown> = {}): UserApp {
  const loginClient = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
    now: () => emulator.controls.now(),
  });
  const refresh = (config.requestRefreshTokens as boolean | undefined) ?? true;
  return new UserApp(APP_NAME, {
    loginClient,
    config: {
      loginFlowManager: new EmulatorLoginFlowManager({
        loginClient,
        requestRefreshTokens: refresh,
        prefillNamedGrant: `${APP_NAME} on ${hostname()}`,
        approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID },
      }),
      ...config,
    },
  });
}

const tokenFile = () =>
  `${defaultGlobusAppTokenPath(DEMO_NATIVE_CLIENT_ID, APP_NAME, "production", { env: process.env, platform: "linux" })}.json`;

/**
 * The token file the Python SDK 4.9 writes under its defaults: format 2.0, no refresh
 * tokens, Flows stored as `flows:all`, with `openid` and `transfer:all`, and access tokens
 * this emulator issued (a Python login asks for no `offline` access).
 */
async function writePythonDefaultFile(nullRefreshTokens: boolean): Promise<void> {
  const tokens = await userTokens(emulator, ["openid", FLOWS_ALL, TRANSFER_ALL]);
  const expires = emulator.controls.now() + 48 * 3600 - 60;
  const entry = (resourceServer: string, scope: string) => ({
    resource_server: resourceServer,
    identity_id: ALICE_IDENTITY_ID,
    scope,
    access_token: tokens.get(resourceServer)!,
    // Python's to_dict leaves None out; some files carry an explicit null
    ...(nullRefreshTokens ? { refresh_token: null } : {}),
    expires_at_seconds: expires,
    token_type: "Bearer",
  });
  const file = tokenFile();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(
    file,
    pythonJsonDumps({
      "globus-sdk.version": "4.9.0",
      format_version: "2.0",
      data: {
        DEFAULT: {
          "auth.globus.org": entry("auth.globus.org", "openid"),
          "flows.globus.org": entry("flows.globus.org", FLOWS_ALL),
          "transfer.api.globus.org": entry("transfer.api.globus.org", TRANSFER_ALL),
        },
      },
    }),
    { mode: 0o600 },
  );
}

async function run(): Promise<void> {
  await using app = defaultApp();
  const flows = new FlowsClient({ app });
  const transfer = new TransferClient({ app });
  await flows.listFlows().firstPage();
  await transfer.endpointSearch(undefined, { filterScope: "my-endpoints" }).firstPage();
}

describe("sharing a token file with the Python SDK under default settings", () => {
  for (const nullRefreshTokens of [false, true]) {
    test(`converges after at most one login (refresh_token ${nullRefreshTokens ? "null" : "absent"})`, async () => {
      await writePythonDefaultFile(nullRefreshTokens);
      const before = logins();
      await run();
      assert.ok(logins() - before <= 1, `${logins() - before} logins in the first run`);
      const login = authorizeRequests().at(-1);
      assert.ok(login, "the first run logged in for the Flows scopes it lacks");
      assert.equal(login.query.access_type, "offline", "our login asks for refresh tokens");
      const asked = new Set(String(login.query.scope).split(" "));
      assert.ok(asked.has(FLOWS_ALL), "the login keeps what Python stored (flows:all)");

      const afterFirst = logins();
      await run();
      assert.equal(logins(), afterFirst, "a second run needs no login");

      const stored = JSON.parse(readFileSync(tokenFile(), "utf8")).data.DEFAULT;
      const flowsScopes = String(stored["flows.globus.org"].scope).split(" ");
      assert.ok(flowsScopes.includes(FLOWS_ALL), "a Python flows:all requirement is still met");
      assert.ok(stored["flows.globus.org"].refresh_token, "now with a refresh token");
    });
  }

  test("a stored access token without a refresh token serves until it expires, with no login", async () => {
    await writePythonDefaultFile(false);
    const before = logins(); // the Python side's own login
    await using app = defaultApp();
    const transfer = new TransferClient({ app });
    await transfer.endpointSearch(undefined, { filterScope: "my-endpoints" }).firstPage();
    assert.equal(logins(), before);
  });
});

describe("access-token-only mode (requestRefreshTokens: false)", () => {
  test("a process that outlives its access token logs in once through the handler and goes on", async () => {
    await using app = defaultApp({
      requestRefreshTokens: false,
      tokenStorage: new MemoryTokenStorage(),
    });
    const flows = new FlowsClient({ app });
    await flows.listFlows().firstPage();
    assert.equal(logins(), 1);
    assert.equal(authorizeRequests().at(-1)?.query.access_type, "online");
    emulator.controls.advanceClock(3 * 24 * 3600);
    const pages = await Promise.all([1, 2, 3].map(() => flows.listFlows().firstPage()));
    assert.equal(pages.length, 3);
    assert.equal(logins(), 2, "one login for the expired token, shared by the callers");
    assert.equal(emulator.controls.countGrants("refresh_token"), 0);
    await flows.listFlows().firstPage();
    assert.equal(logins(), 2);
  });
});

describe("named grants", () => {
  test("a native app's login prefills '<app name> on <host name>', which config can change or turn off", async () => {
    const names: (string | undefined)[] = [];
    for (const prefillNamedGrant of [undefined, "my laptop", null]) {
      await using app = new UserApp(APP_NAME, {
        clientId: DEMO_NATIVE_CLIENT_ID,
        config: {
          tokenStorage: "memory",
          ...(prefillNamedGrant === undefined ? {} : { prefillNamedGrant }),
        },
      });
      new FlowsClient({ app });
      const pending = await app.startLogin();
      names.push(
        new URL(pending.authorizeUrl).searchParams.get("prefill_named_grant") ?? undefined,
      );
    }
    const host = hostname().replace(/\.local$/, "");
    assert.deepEqual(names, [`${APP_NAME} on ${host}`, "my laptop", undefined]);
  });
});
