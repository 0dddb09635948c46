import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { inspect } from "node:util";
import {
  AuthClient,
  ConfidentialAppAuthClient,
  codeChallengeS256,
  DEPENDENT_TOKEN_GRANT_TYPE,
  NativeAppAuthClient,
  OAuthDependentTokenResponse,
  OAuthTokenResponse,
} from "../../src/auth/index.ts";
import { AccessTokenAuthorizer } from "../../src/authorizers/index.ts";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import { AuthScopes, Scope } from "../../src/scopes/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_REDIRECT_URI,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import type { ConsentSource } from "../../src/token-storage/consents.ts";
import { AuthAPIError } from "../../src/transport/errors.ts";
import { Transport } from "../../src/transport/transport.ts";
import {
  approve,
  confidentialClient,
  GROUPS_RS,
  GROUPS_VIEW,
  loginAs,
  nativeClient,
  TRANSFER_ALL,
  TRANSFER_RS,
} from "./helpers.ts";

let emulator: RunningEmulator;

before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.controls.reset();
});

async function transferGet(emu: RunningEmulator, accessToken: string) {
  const transport = new Transport({
    baseUrl: emu.urls["transfer"]!,
    authorizer: new AccessTokenAuthorizer(accessToken),
    retry: { maxAttempts: 1 },
  });
  return transport.request<{ value: string }>({ path: "v0.10/submission_id" });
}

describe("authorize URL", () => {
  it("carries PKCE S256, state, scopes, offline access and every session parameter", () => {
    const client = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
      baseUrl: "https://auth.example.org/",
    });
    const flow = client.startFlow({
      requestedScopes: ["openid", TRANSFER_ALL],
      refreshTokens: true,
      prefillNamedGrant: "my laptop",
    });
    const url = new URL(
      flow.authorizeUrl({
        session_message: "please log in",
        session_required_identities: ["id-1", "id-2"],
        session_required_single_domain: ["uchicago.edu", "example.org"],
        session_required_policies: ["pol-1"],
        session_required_mfa: true,
        prompt: "login",
      }),
    );
    assert.equal(url.origin + url.pathname, "https://auth.example.org/v2/oauth2/authorize");
    const q = url.searchParams;
    assert.equal(q.get("client_id"), DEMO_NATIVE_CLIENT_ID);
    assert.equal(q.get("redirect_uri"), "https://auth.example.org/v2/web/auth-code");
    assert.equal(q.get("scope"), `openid ${TRANSFER_ALL}`);
    assert.equal(q.get("response_type"), "code");
    assert.equal(q.get("state"), flow.state);
    assert.ok(flow.state.length >= 32);
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge") ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.get("access_type"), "offline");
    assert.equal(q.get("prefill_named_grant"), "my laptop");
    assert.equal(q.get("session_message"), "please log in");
    assert.equal(q.get("session_required_identities"), "id-1,id-2");
    assert.equal(q.get("session_required_single_domain"), "uchicago.edu,example.org");
    assert.equal(q.get("session_required_policies"), "pol-1");
    assert.equal(q.get("session_required_mfa"), "true");
    assert.equal(q.get("prompt"), "login");
  });

  it("accepts Scope objects (with dependencies) as well as strings", () => {
    const client = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
      baseUrl: "https://auth.example.org/",
    });
    const scope = new Scope(TRANSFER_ALL).withDependency(
      "*https://auth.globus.org/scopes/abc/data_access",
    );
    const flow = client.startFlow({ requestedScopes: [AuthScopes.openid, scope] });
    assert.equal(
      flow.requestedScopes,
      `openid ${TRANSFER_ALL}[*https://auth.globus.org/scopes/abc/data_access]`,
    );
    assert.equal(new URL(flow.authorizeUrl()).searchParams.get("scope"), flow.requestedScopes);
  });

  it("omits empty values, and two flows never share state or verifier", () => {
    const client = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
      baseUrl: "https://auth.example.org",
    });
    const a = client.startFlow({ requestedScopes: "openid" });
    const b = client.startFlow({ requestedScopes: "openid" });
    assert.notEqual(a.state, b.state);
    assert.notEqual(a.codeChallenge, b.codeChallenge);
    const q = new URL(
      a.authorizeUrl({
        session_message: "",
        session_required_identities: [],
        session_required_mfa: false,
        prompt: "",
      }),
    ).searchParams;
    for (const key of [
      "session_message",
      "session_required_identities",
      "session_required_single_domain",
      "session_required_policies",
      "session_required_mfa",
      "prompt",
      "prefill_named_grant",
    ]) {
      assert.equal(q.has(key), false, `${key} is left out`);
    }
    assert.equal(q.get("access_type"), "online");
  });

  it("derives the S256 challenge from the verifier and refuses bad verifiers", () => {
    const verifier = "a".repeat(43);
    const challenge = codeChallengeS256(verifier);
    assert.match(challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(codeChallengeS256(verifier), challenge);
    assert.notEqual(codeChallengeS256("b".repeat(43)), challenge);
    assert.throws(() => codeChallengeS256("short"), GlobusSDKUsageError);
    assert.throws(() => codeChallengeS256("x".repeat(129)), GlobusSDKUsageError);
  });

  it("refuses bad input with usage errors", () => {
    assert.throws(() => new NativeAppAuthClient(""), GlobusSDKUsageError);
    const client = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
      baseUrl: "https://auth.example.org/",
    });
    assert.throws(() => client.startFlow({ requestedScopes: [] }), /at least one requested scope/);
    const confidential = new ConfidentialAppAuthClient("c", "s", {
      baseUrl: "https://auth.example.org/",
    });
    assert.throws(
      () => confidential.startFlow({ requestedScopes: "openid" }),
      /needs a redirectUri/,
    );
    assert.throws(() => new ConfidentialAppAuthClient("c", ""), GlobusSDKUsageError);
  });

  it("resolves Auth's URL from the environment and GLOBUS_SDK_SERVICE_URL_AUTH", () => {
    assert.equal(
      new NativeAppAuthClient("x", { environment: "sandbox" }).baseUrl,
      "https://auth.sandbox.globuscs.info/",
    );
    assert.equal(
      new NativeAppAuthClient("x", { environment: "production" }).baseUrl.startsWith(
        "https://auth.",
      ),
      true,
    );
  });
});

describe("flows against the emulator", () => {
  it("native PKCE login: code exchange gives tokens per resource server and a valid id_token", async () => {
    const client = nativeClient(emulator);
    const before = emulator.controls.now();
    const response = await loginAs(emulator, client, ALICE_IDENTITY_ID, [
      "openid",
      "profile",
      "email",
      TRANSFER_ALL,
      GROUPS_VIEW,
    ]);
    assert.ok(response instanceof OAuthTokenResponse);
    assert.deepEqual(
      new Set(response.resourceServers),
      new Set(["auth.globus.org", TRANSFER_RS, GROUPS_RS]),
    );
    const transfer = response.byResourceServer[TRANSFER_RS]!;
    assert.equal(transfer.scope, TRANSFER_ALL);
    assert.equal(transfer.identity_id, null);
    assert.equal(transfer.token_type, "Bearer");
    assert.ok(transfer.refresh_token, "offline access gives refresh tokens");
    assert.ok(
      transfer.expires_at_seconds >= before + 172800 - 2 &&
        transfer.expires_at_seconds <= before + 172800 + 2,
    );
    assert.ok(response.idToken);
    const claims = await response.decodeIdToken();
    assert.equal(claims.sub, ALICE_IDENTITY_ID);
    assert.equal(claims["aud"], DEMO_NATIVE_CLIENT_ID);
    // the tokens work
    assert.equal((await transferGet(emulator, transfer.access_token)).status, 200);
    // the exchange sent client_id and the PKCE verifier, and no secret
    const [entry] = emulator.controls.requestLog({ grantType: "authorization_code" });
    assert.equal(entry?.clientId, DEMO_NATIVE_CLIENT_ID);
    assert.equal((entry!.body as Record<string, string>)["code_verifier"], "<redacted>");
  });

  it("a code exchanged by another flow (wrong verifier) is refused", async () => {
    const client = nativeClient(emulator);
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const flow = client.startFlow({ requestedScopes: "openid" });
    const other = client.startFlow({ requestedScopes: "openid" });
    const code = (await approve(flow)).get("code")!;
    await assert.rejects(
      other.exchangeCode(code),
      (e: unknown) => e instanceof AuthAPIError && e.code === "invalid_grant",
    );
  });

  it("confidential code flow authenticates with HTTP Basic and its registered redirect", async () => {
    const client = confidentialClient(emulator);
    const response = await loginAs(emulator, client, ALICE_IDENTITY_ID, ["openid", TRANSFER_ALL], {
      redirectUri: DEMO_CONFIDENTIAL_REDIRECT_URI,
    });
    assert.ok(response.byResourceServer[TRANSFER_RS]);
    const claims = await response.decodeIdToken();
    assert.equal(claims["aud"], DEMO_CONFIDENTIAL_CLIENT_ID);
    const [entry] = emulator.controls.requestLog({ grantType: "authorization_code" });
    assert.equal(entry?.clientId, DEMO_CONFIDENTIAL_CLIENT_ID);
    assert.equal(
      (entry!.body as Record<string, unknown>)["client_id"],
      undefined,
      "no client_id in the form",
    );
  });

  it("client credentials gives the client's own token", async () => {
    const client = confidentialClient(emulator);
    const response = await client.clientCredentialsTokens([TRANSFER_ALL]);
    const transfer = response.byResourceServer[TRANSFER_RS]!;
    assert.equal(transfer.refresh_token, null);
    assert.equal((await transferGet(emulator, transfer.access_token)).status, 200);
    assert.equal(emulator.controls.countGrants("client_credentials"), 1);
  });

  it("native clients cannot run client credentials; the Auth error is typed", async () => {
    const client = nativeClient(emulator);
    await assert.rejects(
      client.oauth2Token({ grant_type: "client_credentials", scope: TRANSFER_ALL }),
      (e: unknown) => e instanceof AuthAPIError && e.code === "unauthorized_client",
    );
  });

  it("refresh gives a new working access token and is marked as a refresh response", async () => {
    const client = nativeClient(emulator);
    const login = await loginAs(emulator, client, ALICE_IDENTITY_ID, [TRANSFER_ALL]);
    const old = login.byResourceServer[TRANSFER_RS]!;
    const refreshed = await client.refreshToken(old.refresh_token!);
    const fresh = refreshed.byResourceServer[TRANSFER_RS]!;
    assert.notEqual(fresh.access_token, old.access_token);
    assert.equal(refreshed.isRefreshResponse, true);
    assert.equal(refreshed.idToken, undefined);
    assert.equal((await transferGet(emulator, fresh.access_token)).status, 200);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
  });

  it("revoke ends the refresh token and its access tokens", async () => {
    const client = nativeClient(emulator);
    const login = await loginAs(emulator, client, ALICE_IDENTITY_ID, [TRANSFER_ALL]);
    const data = login.byResourceServer[TRANSFER_RS]!;
    assert.equal((await transferGet(emulator, data.access_token)).status, 200);
    await client.revokeToken(data.refresh_token!);
    await assert.rejects(
      transferGet(emulator, data.access_token),
      (e: unknown) => e instanceof Error && /401/.test(e.message),
    );
    await assert.rejects(
      client.refreshToken(data.refresh_token!),
      (e: unknown) =>
        e instanceof AuthAPIError &&
        e.code === "invalid_grant" &&
        !e.message.includes(data.refresh_token!),
    );
  });

  it("dependent token grant: a service exchanges a user's token for a Transfer token", async () => {
    const service = confidentialClient(emulator);
    const serviceScope = `https://auth.globus.org/scopes/${DEMO_CONFIDENTIAL_CLIENT_ID}/all[${TRANSFER_ALL}]`;
    const login = await loginAs(emulator, nativeClient(emulator), ALICE_IDENTITY_ID, [
      serviceScope,
    ]);
    const userToken = login.byResourceServer[DEMO_CONFIDENTIAL_CLIENT_ID]!.access_token;
    const dependent = await service.dependentTokens(userToken, { refreshTokens: true });
    assert.ok(dependent instanceof OAuthDependentTokenResponse);
    const transfer = dependent.byResourceServer[TRANSFER_RS]!;
    assert.ok(transfer.refresh_token, "access_type=offline gives a refresh token");
    assert.equal((await transferGet(emulator, transfer.access_token)).status, 200);
    const [entry] = emulator.controls.requestLog({ grantType: DEPENDENT_TOKEN_GRANT_TYPE });
    assert.equal((entry!.body as Record<string, string>)["access_type"], "offline");
    // and introspection as that service shows the user's token is Alice's
    const info = await service.oauth2TokenIntrospect(userToken, { include: ["identity_set"] });
    assert.equal(info["active"], true);
    assert.equal(info["sub"], ALICE_IDENTITY_ID);
  });
});

describe("token response", () => {
  it("never shows token values in String(), inspect or JSON", async () => {
    const client = nativeClient(emulator);
    const response = await loginAs(emulator, client, ALICE_IDENTITY_ID, ["openid", TRANSFER_ALL]);
    const secrets = Object.values(response.byResourceServer).flatMap((d) => [
      d.access_token,
      d.refresh_token,
    ]);
    secrets.push(response.idToken ?? "");
    const shown = [
      String(response),
      inspect(response, { depth: 10 }),
      JSON.stringify(response),
      `${response}`,
    ];
    for (const text of shown) {
      for (const secret of secrets)
        if (secret) assert.equal(text.includes(secret), false, `leaked in: ${text}`);
    }
    assert.match(String(response), /transfer\.api\.globus\.org/);
    const json = JSON.parse(JSON.stringify(response)) as Record<string, unknown>;
    assert.equal(json["access_token"], "***");
    assert.equal((json["other_tokens"] as Record<string, unknown>[])[0]?.["access_token"], "***");
  });

  it("refuses a body without tokens with a typed error", () => {
    assert.throws(() => new OAuthTokenResponse({ resource_server: "x" }), /no access_token/);
    assert.throws(() => new OAuthTokenResponse([]), /not a JSON object/);
  });

  it("an expires_in that is not a number is taken as expired, never a crash", () => {
    const now = () => 1_700_000_000;
    const entry = (expiresIn: unknown) => ({
      access_token: "at",
      resource_server: "transfer.api.globus.org",
      expires_in: expiresIn,
    });
    const noPrototype = Object.create(null) as object;
    for (const odd of [[noPrototype], noPrototype, { toString: 5 }, "soon", null, true]) {
      const data = new OAuthTokenResponse(entry(odd), { now }).byResourceServer[
        "transfer.api.globus.org"
      ];
      assert.equal(data?.expires_at_seconds, 1_700_000_000, String(typeof odd));
    }
    const numeric = new OAuthTokenResponse(entry("3600"), { now });
    assert.equal(
      numeric.byResourceServer["transfer.api.globus.org"]?.expires_at_seconds,
      1_700_003_600,
    );
  });

  it("decodeIdToken without an id_token is a usage error", async () => {
    const response = new OAuthTokenResponse({
      resource_server: "x",
      access_token: "a",
      expires_in: 10,
    });
    await assert.rejects(response.decodeIdToken(), GlobusSDKUsageError);
  });
});

describe("AuthClient", () => {
  it("userinfo, identities by id and by username (batched), consents", async () => {
    const client = nativeClient(emulator);
    const login = await loginAs(emulator, client, ALICE_IDENTITY_ID, [
      "openid",
      "profile",
      "email",
      "urn:globus:auth:scope:auth.globus.org:view_identities",
      "urn:globus:auth:scope:auth.globus.org:view_consents",
      `${TRANSFER_ALL}`,
    ]);
    const auth = new AuthClient({
      baseUrl: emulator.urls["auth"],
      authorizer: new AccessTokenAuthorizer(
        login.byResourceServer["auth.globus.org"]!.access_token,
      ),
    });
    const info = await auth.userinfo();
    assert.equal(info.sub, ALICE_IDENTITY_ID);

    const ids = emulator.seed.identities.map((i) => i.id);
    const byId = await auth.getIdentities({ ids });
    assert.deepEqual(new Set(byId.map((i) => i.id)), new Set(ids));

    // 250 usernames -> 3 requests of at most 100
    emulator.controls.clearRequestLog();
    const usernames = emulator.seed.identities.map((i) => i.username);
    const many = [
      ...usernames,
      ...Array.from({ length: 250 - usernames.length }, (_, n) => `nobody${n}@example.org`),
    ];
    const found = await auth.getIdentities({ usernames: many });
    assert.deepEqual(new Set(found.map((i) => i.username)), new Set(usernames));
    const calls = emulator.controls.requestLog({ service: "auth", path: "/v2/api/identities" });
    assert.equal(calls.length, 3);
    for (const call of calls) assert.ok((call.query["usernames"] ?? "").split(",").length <= 100);

    await assert.rejects(
      auth.getIdentities({ ids: [ALICE_IDENTITY_ID], usernames: ["a"] }),
      GlobusSDKUsageError,
    );
    await assert.rejects(auth.getIdentities({}), GlobusSDKUsageError);

    const consents = await auth.getConsents(ALICE_IDENTITY_ID);
    assert.ok(
      consents.some((c) => c.scope_name === TRANSFER_ALL && c.dependency_path.length === 1),
    );
  });

  it("introspects through its confidential client, and is a ConsentSource", async () => {
    const service = confidentialClient(emulator);
    const cc = await service.clientCredentialsTokens(TRANSFER_ALL);
    const token = cc.byResourceServer[TRANSFER_RS]!.access_token;
    const auth = new AuthClient({ baseUrl: emulator.urls["auth"], confidentialClient: service });
    const info = await auth.oauth2TokenIntrospect(token);
    assert.equal(info["active"], true);
    assert.equal(info["client_id"], DEMO_CONFIDENTIAL_CLIENT_ID);
    assert.throws(
      () => new AuthClient({ baseUrl: emulator.urls["auth"] }).oauth2TokenIntrospect(token),
      GlobusSDKUsageError,
    );
    const source: ConsentSource = auth;
    assert.equal(typeof source.getConsents, "function");
    await assert.rejects(auth.getConsents(""), GlobusSDKUsageError);
  });
});
