import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  ClientApp,
  createGlobusAppConfig,
  FlowsClient,
  GlobusAPIError,
  GlobusSDKUsageError,
  IdentityMismatchError,
  MemoryTokenStorage,
  NativeAppAuthClient,
  SQLiteTokenStorage,
  TransferClient,
  UserApp,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  DEMO_NATIVE_CLIENT_ID,
  EmulatorLoginFlowManager,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import { emulatorHomeHooks } from "../helpers/emulator-app.ts";

let emulator: RunningEmulator;
emulatorHomeHooks("globus-app-test-", {
  emulator: (running) => {
    emulator = running;
  },
});

/** A login client on the emulator's clock, so id_tokens issued after advanceClock validate. */
function nativeClient() {
  return new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { now: () => emulator.controls.now() });
}

function loginAs(identityId: string, loginClient: NativeAppAuthClient, mfa = false) {
  return new EmulatorLoginFlowManager({
    loginClient,
    requestRefreshTokens: true,
    approveAs: { controls: emulator.controls, identityId, mfa },
  });
}

function userApp(
  name = "test-app",
  identityId = ALICE_IDENTITY_ID,
  extra: Record<string, unknown> = {},
) {
  const loginClient = nativeClient();
  return new UserApp(name, {
    loginClient,
    config: { loginFlowManager: loginAs(identityId, loginClient), ...extra },
  });
}

const authorizeCount = () =>
  emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/authorize" }).length;

describe("construction", () => {
  test("clientId and loginClient are mutually exclusive, and one is required", () => {
    const loginClient = nativeClient();
    assert.throws(
      () => new UserApp("a", { clientId: DEMO_NATIVE_CLIENT_ID, loginClient }),
      GlobusSDKUsageError,
    );
    assert.throws(() => new UserApp("a", {}), GlobusSDKUsageError);
  });

  test("a loginClient from another environment is a usage error", () => {
    const loginClient = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { environment: "sandbox" });
    assert.throws(() => new UserApp("a", { loginClient }), /environment/);
  });

  test("a ClientApp without a secret says why it needs one", () => {
    assert.throws(
      () => new ClientApp("a", { clientId: DEMO_CONFIDENTIAL_CLIENT_ID }),
      (e: unknown) => e instanceof GlobusSDKUsageError && /confidential client/.test(e.message),
    );
  });

  test("the config is frozen, with documented defaults", () => {
    const config = createGlobusAppConfig();
    assert.ok(Object.isFrozen(config));
    assert.equal(config.tokenStorage, "json");
    assert.equal(config.loginFlowManager, "auto");
    assert.equal(config.requestRefreshTokens, true);
    assert.equal(config.autoRedriveGares, false);
    assert.equal(config.environment, "production");
    assert.throws(
      () => createGlobusAppConfig({ tokenStorag: "json" } as never),
      /Unknown GlobusApp config option "tokenStorag"/,
    );
  });

  test("a UserApp always requires openid; scopeRequirements is a copy", async () => {
    await using app = userApp();
    new TransferClient({ app });
    const requirements = app.scopeRequirements;
    assert.deepEqual(requirements["auth.globus.org"]?.map(String), ["openid"]);
    requirements["auth.globus.org"] = [];
    assert.equal(app.scopeRequirements["auth.globus.org"]?.length, 1);
  });
});

describe("login", () => {
  test("tokens for every requirement come from one login, then are reused without one", async () => {
    {
      await using app = userApp();
      const transfer = new TransferClient({ app });
      const flows = new FlowsClient({ app });
      assert.equal(await app.loginRequired(), true);
      await app.login();
      assert.equal(authorizeCount(), 1);
      const scopes =
        emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/authorize" })[0]
          ?.scopes ?? [];
      for (const rs of [transfer, flows]) {
        for (const scope of rs.defaultScopeRequirements)
          assert.ok(scopes.includes(String(scope)), String(scope));
      }
      assert.ok(scopes.includes("openid"));
      assert.equal(await app.loginRequired(), false);
    }
    {
      await using again = userApp();
      const flows = new FlowsClient({ app: again });
      new TransferClient({ app: again });
      const page = await flows.listFlows().firstPage();
      assert.ok(page.items.length > 0);
      assert.equal(authorizeCount(), 1, "the second app reused the stored tokens");
    }
  });

  test("ten bound clients calling at once run exactly one login", async () => {
    await using app = userApp();
    const clients = Array.from({ length: 10 }, (_, i) =>
      i % 2 ? new FlowsClient({ app }) : new TransferClient({ app }),
    );
    await Promise.all(
      clients.map((c) =>
        c instanceof FlowsClient
          ? c.listFlows().firstPage()
          : c.operationLs(DEMO_HIGH_ASSURANCE_COLLECTION_ID).catch(() => null),
      ),
    );
    assert.equal(authorizeCount(), 1);
    assert.equal(emulator.controls.countGrants("authorization_code"), 1);
  });

  test("an expired access token is refreshed silently", async () => {
    await using app = userApp();
    const flows = new FlowsClient({ app });
    await app.login();
    emulator.controls.advanceClock(3 * 24 * 3600);
    await flows.listFlows().firstPage();
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
    assert.equal(authorizeCount(), 1);
  });

  test("access tokens revoked one after another are each refreshed away, with no login", async () => {
    await using app = userApp();
    const flows = new FlowsClient({ app });
    await app.login();
    const storage = await app.tokenStorage();
    for (let round = 1; round <= 3; round++) {
      const stored = await storage.getTokenData("flows.globus.org");
      assert.ok(stored);
      emulator.controls.revokeToken(stored.access_token);
      await flows.listFlows().firstPage();
      assert.equal(emulator.controls.countGrants("refresh_token"), round);
    }
    assert.equal(authorizeCount(), 1);
  });

  test("a revoked refresh token leads to one new login, not a loop", async () => {
    await using app = userApp();
    const flows = new FlowsClient({ app });
    await app.login();
    const storage = await app.tokenStorage();
    const stored = await storage.getTokenData("flows.globus.org");
    assert.ok(stored?.refresh_token);
    emulator.controls.revokeToken(stored.refresh_token);
    emulator.controls.advanceClock(3 * 24 * 3600);
    await flows.listFlows().firstPage();
    assert.equal(authorizeCount(), 2);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
  });

  test("a manual login with MFA parameters reaches Auth, without empty fields", async () => {
    await using app = userApp();
    new FlowsClient({ app });
    await app.login({
      authParams: {
        session_message: "Please authenticate with MFA",
        session_required_mfa: true,
        session_required_identities: [],
      },
    });
    const query =
      emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/authorize" })[0]?.query ??
      {};
    assert.equal(query["session_required_mfa"], "true");
    assert.equal(query["session_message"], "Please authenticate with MFA");
    assert.equal("session_required_identities" in query, false);
  });

  test("a second login as another identity raises and keeps the first identity's tokens", async () => {
    const storage = new MemoryTokenStorage();
    const loginClient = nativeClient();
    {
      await using app = new UserApp("a", {
        loginClient,
        config: {
          tokenStorage: storage,
          loginFlowManager: loginAs(ALICE_IDENTITY_ID, loginClient),
        },
      });
      new FlowsClient({ app });
      await app.login();
    }
    const before = await storage.getTokenDataByResourceServer();
    await using bob = new UserApp("a", {
      loginClient,
      config: { tokenStorage: storage, loginFlowManager: loginAs(BOB_IDENTITY_ID, loginClient) },
    });
    new FlowsClient({ app: bob });
    await assert.rejects(bob.login({ force: true }), IdentityMismatchError);
    assert.deepEqual(await storage.getTokenDataByResourceServer(), before);
  });

  test("logout revokes and removes every token", async () => {
    await using app = userApp();
    new FlowsClient({ app });
    new TransferClient({ app });
    await app.login();
    const storage = await app.tokenStorage();
    const tokens = Object.values(await storage.getTokenDataByResourceServer());
    assert.equal(tokens.length, 3);
    await app.logout();
    assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
    assert.equal(
      emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/token/revoke" }).length,
      6,
    );
    assert.equal(await app.loginRequired(), true);
  });
});

describe("GAREs", () => {
  test("without autoRedriveGares the typed error carries the GARE", async () => {
    await using app = userApp();
    const transfer = new TransferClient({ app });
    const error = await transfer
      .operationLs(DEMO_HIGH_ASSURANCE_COLLECTION_ID)
      .catch((e: unknown) => e);
    assert.ok(error instanceof GlobusAPIError);
    const gare = error.gare();
    assert.ok(gare);
    assert.ok(
      gare.authorization_parameters.required_scopes?.some((s) => s.includes("data_access")),
    );
  });

  test("with autoRedriveGares, ls on the high-assurance collection logs in with MFA and consent, then succeeds", async () => {
    await using app = userApp("redrive", ALICE_IDENTITY_ID, { autoRedriveGares: true });
    const transfer = new TransferClient({ app });
    const listing = await transfer.operationLs(DEMO_HIGH_ASSURANCE_COLLECTION_ID);
    assert.equal(listing.DATA_TYPE, "file_list");
    const authorizes = emulator.controls.requestLog({
      service: "auth",
      path: "/v2/oauth2/authorize",
    });
    assert.equal(authorizes.length, 2);
    assert.equal(authorizes[1]?.query["session_required_mfa"], "true");
    assert.ok(
      authorizes[1]?.scopes?.some((s) =>
        s.includes(`${DEMO_HIGH_ASSURANCE_COLLECTION_ID}/data_access`),
      ),
    );
  });
});

describe("closing", () => {
  test("storage the app created is closed with it; storage it was given is not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "globus-sqlite-"));
    const shared = new SQLiteTokenStorage(join(dir, "tokens.db"));
    const loginClient = nativeClient();
    const config = {
      tokenStorage: shared,
      loginFlowManager: loginAs(ALICE_IDENTITY_ID, loginClient),
    };
    {
      await using first = new UserApp("sample-app", { loginClient, config });
      new FlowsClient({ app: first });
      await first.login();
    }
    {
      await using second = new UserApp("a-different-app", { loginClient, config });
      new FlowsClient({ app: second });
      assert.equal(await second.loginRequired(), false);
    }
    assert.ok(Object.keys(await shared.getTokenDataByResourceServer()).length > 0, "still open");
    await shared.close();

    let created: Awaited<ReturnType<UserApp["tokenStorage"]>>;
    {
      await using app = userApp("own-sqlite", ALICE_IDENTITY_ID, { tokenStorage: "sqlite" });
      created = await app.tokenStorage();
    }
    await assert.rejects(created.getTokenDataByResourceServer());
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("ClientApp", () => {
  test("gets tokens per resource server by client credentials, on demand", async () => {
    await using app = new ClientApp("svc", {
      clientId: DEMO_CONFIDENTIAL_CLIENT_ID,
      clientSecret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
      config: { tokenStorage: "memory" },
    });
    const flows = new FlowsClient({ app });
    new TransferClient({ app });
    const page = await flows.listFlows().firstPage();
    assert.ok(Array.isArray(page.items));
    assert.equal(emulator.controls.countGrants("client_credentials"), 1);
    assert.equal(authorizeCount(), 0);
    assert.equal(
      "auth.globus.org" in app.scopeRequirements,
      false,
      "no openid forced on a ClientApp",
    );
  });
});

describe("details a user meets", () => {
  test("the app's name goes into the User-Agent of bound clients", async () => {
    const { startTestServer, json } = await import("../helpers/http-server.ts");
    const server = await startTestServer();
    try {
      server.handle((_req, res) => json(res, 200, { flows: [], has_next_page: false }));
      await using app = userApp("My Weathervane");
      const flows = new FlowsClient({ app, baseUrl: server.url });
      await flows.listFlows().firstPage();
      assert.match(server.requests[0]?.headers["user-agent"] ?? "", /\/My Weathervane$/);
      assert.match(server.requests[0]?.headers.authorization ?? "", /^Bearer \S+$/);
    } finally {
      await server.close();
    }
  });

  test("tokenValidationErrorHandler: null raises instead of logging in", async () => {
    await using app = userApp("no-handler", ALICE_IDENTITY_ID, {
      tokenValidationErrorHandler: null,
    });
    const flows = new FlowsClient({ app });
    await assert.rejects(
      flows.listFlows().firstPage(),
      (e: unknown) => (e as Error).name === "MissingTokenError",
    );
    assert.equal(authorizeCount(), 0);
  });

  test("a UserApp with a confidential client needs loginRedirectUri, and logs in with it", async () => {
    const { ConfidentialAppAuthClient } = await import("../../src/index.ts");
    const { DEMO_CONFIDENTIAL_REDIRECT_URI } = await import("../../src/testing/index.ts");
    const client = new ConfidentialAppAuthClient(
      DEMO_CONFIDENTIAL_CLIENT_ID,
      DEMO_CONFIDENTIAL_CLIENT_SECRET,
      {
        now: () => emulator.controls.now(),
      },
    );
    assert.throws(() => new UserApp("conf", { loginClient: client }), /loginRedirectUri/);
    const manager = new EmulatorLoginFlowManager({
      loginClient: client,
      requestRefreshTokens: true,
      redirectUri: DEMO_CONFIDENTIAL_REDIRECT_URI,
      approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID },
    });
    await using app = new UserApp("conf", {
      loginClient: client,
      config: {
        loginRedirectUri: DEMO_CONFIDENTIAL_REDIRECT_URI,
        loginFlowManager: manager,
        tokenStorage: "memory",
      },
    });
    const flows = new FlowsClient({ app });
    await flows.listFlows().firstPage();
    const exchange = emulator.controls.requestLog({
      service: "auth",
      grantType: "authorization_code",
    });
    assert.equal(exchange.length, 1);
    assert.equal(exchange[0]?.clientId, DEMO_CONFIDENTIAL_CLIENT_ID);
  });

  test("a second GARE for the same request is raised, not looped", async () => {
    const loginClient = nativeClient();
    const inner = loginAs(ALICE_IDENTITY_ID, loginClient);
    // a person who never completes MFA: the login succeeds but the session stays single-factor
    const noMfa = {
      runLoginFlow: (params: Record<string, unknown>, options?: { signal?: AbortSignal }) =>
        inner.runLoginFlow({ ...params, session_required_mfa: undefined }, options),
    };
    await using app = new UserApp("no-mfa", {
      loginClient,
      config: { loginFlowManager: noMfa, autoRedriveGares: true, tokenStorage: "memory" },
    });
    const transfer = new TransferClient({ app });
    const error = await transfer
      .operationLs(DEMO_HIGH_ASSURANCE_COLLECTION_ID)
      .catch((e: unknown) => e);
    assert.ok(error instanceof GlobusAPIError);
    assert.ok(error.gare());
    assert.equal(authorizeCount(), 2, "the first login, then exactly one redrive login");
  });
});

describe("dependent scopes", () => {
  test("addAppDataAccessScope: one login asks for the consent, which is then checked through the consents API", async () => {
    const loginClient = nativeClient();
    const manager = new EmulatorLoginFlowManager({
      loginClient,
      requestRefreshTokens: true,
      approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID, mfa: true },
    });
    await using app = new UserApp("dependent", {
      loginClient,
      config: { loginFlowManager: manager, tokenStorage: "memory" },
    });
    const transfer = new TransferClient({ app });
    transfer.addAppDataAccessScope(DEMO_HIGH_ASSURANCE_COLLECTION_ID);
    const listing = await transfer.operationLs(DEMO_HIGH_ASSURANCE_COLLECTION_ID);
    assert.equal(listing.DATA_TYPE, "file_list");
    const authorize = emulator.controls.requestLog({
      service: "auth",
      path: "/v2/oauth2/authorize",
    });
    assert.equal(authorize.length, 1);
    assert.ok(
      authorize[0]?.scopes?.some((s) =>
        s.includes(
          `*https://auth.globus.org/scopes/${DEMO_HIGH_ASSURANCE_COLLECTION_ID}/data_access`,
        ),
      ),
    );
    const consentCalls = emulator.controls.requestLog({
      service: "auth",
      path: "/v2/api/identities/",
    });
    assert.equal(consentCalls.length, 1);
    assert.equal(consentCalls[0]?.status, 200);
    assert.equal(await app.loginRequired(), false);
    assert.equal(
      emulator.controls.requestLog({ service: "auth", path: "/v2/api/identities/" }).length,
      1,
      "consents are cached",
    );
  });
});
