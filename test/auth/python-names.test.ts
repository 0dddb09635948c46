/**
 * The login clients' Python SDK names against the emulator: the requests they send (the
 * Python SDK 4.9's form and body keys) and what comes back; each short name is an alias
 * that sends the same request; createNativeAppInstance and createChildClient make clients
 * that work.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { inspect } from "node:util";
import {
  AuthClient,
  ConfidentialAppAuthClient,
  codeChallengeS256,
  OAuthDependentTokenResponse,
} from "../../src/auth/index.ts";
import { AccessTokenAuthorizer } from "../../src/authorizers/index.ts";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_REDIRECT_URI,
  DEMO_NATIVE_CLIENT_ID,
  type RequestLogEntry,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { AuthAPIError } from "../../src/transport/errors.ts";
import { withRequests } from "../services/helpers.ts";
import { DOCUMENT_KEYS } from "../wire/facts/auth.ts";
import { confidentialClient, loginAs, nativeClient, TRANSFER_ALL, TRANSFER_RS } from "./helpers.ts";

const REDIRECT = "http://127.0.0.1:1/callback";
const SERVICE_SCOPE = `https://auth.globus.org/scopes/${DEMO_CONFIDENTIAL_CLIENT_ID}/all`;

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.stop());
beforeEach(() => emulator.controls.reset());

/** The requests to an Auth path that `action` caused. */
async function sent(path: string, action: () => Promise<unknown>): Promise<RequestLogEntry[]> {
  return (await withRequests(emulator, { service: "auth", path }, action)).requests;
}

/** Follows the current flow's authorize URL as an auto-approving browser; returns the code. */
async function approvedCode(url: string): Promise<URLSearchParams> {
  emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
  const response = await fetch(url, { redirect: "manual" });
  await response.arrayBuffer();
  return new URL(response.headers.get("location") ?? "").searchParams;
}

describe("NativeAppAuthClient", () => {
  it("oauth2StartFlow, oauth2GetAuthorizeUrl and oauth2ExchangeCodeForTokens continue one flow", async () => {
    const client = nativeClient(emulator);
    const verifier = "v".repeat(43);
    const flow = client.oauth2StartFlow([TRANSFER_ALL, "openid"], {
      redirectUri: REDIRECT,
      state: "_default",
      verifier,
      refreshTokens: true,
      prefillNamedGrant: "alice-laptop",
    });
    assert.equal(client.currentOauth2FlowManager, flow);
    const url = new URL(
      client.oauth2GetAuthorizeUrl({
        session_message: "Log in again",
        session_required_mfa: true,
        queryParams: { prompt: "login" },
      }),
    );
    // the Python native flow manager's parameters, and the extras given
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      client_id: DEMO_NATIVE_CLIENT_ID,
      redirect_uri: REDIRECT,
      scope: `${TRANSFER_ALL} openid`,
      state: "_default",
      response_type: "code",
      code_challenge: codeChallengeS256(verifier),
      code_challenge_method: "S256",
      access_type: "offline",
      prefill_named_grant: "alice-laptop",
      session_message: "Log in again",
      session_required_mfa: "true",
      prompt: "login",
    });
    const back = await approvedCode(url.toString());
    assert.equal(back.get("state"), "_default");
    const [exchange] = await sent("/v2/oauth2/token", async () => {
      const tokens = await client.oauth2ExchangeCodeForTokens(back.get("code") ?? "");
      assert.ok(tokens.byResourceServer[TRANSFER_RS]?.refresh_token);
    });
    assert.deepEqual(Object.keys(exchange?.body as object).sort(), [
      "client_id",
      "code",
      "code_verifier",
      "grant_type",
      "redirect_uri",
    ]);
  });

  it("refuses to continue a flow it never started, and a malformed verifier", () => {
    const client = nativeClient(emulator);
    assert.throws(() => client.oauth2GetAuthorizeUrl(), /oauth2StartFlow/);
    assert.throws(() => client.oauth2ExchangeCodeForTokens("code"), /oauth2StartFlow/);
    assert.throws(
      () => client.oauth2StartFlow(TRANSFER_ALL, { verifier: "short" }),
      GlobusSDKUsageError,
    );
    // the default redirect is Globus's auth-code page, served by this Auth
    const flow = client.oauth2StartFlow(TRANSFER_ALL);
    assert.equal(flow.redirectUri, `${emulator.urls.auth}v2/web/auth-code`);
  });

  it("oauth2RefreshToken (with bodyParams) and its alias refreshToken send the same request", async () => {
    const client = nativeClient(emulator);
    const login = await loginAs(emulator, client, ALICE_IDENTITY_ID, [TRANSFER_ALL]);
    const refresh = login.byResourceServer[TRANSFER_RS]?.refresh_token ?? "";
    const requests = await sent("/v2/oauth2/token", async () => {
      const viaPython = await client.oauth2RefreshToken(refresh);
      const viaAlias = await client.refreshToken(refresh);
      assert.ok(viaPython.isRefreshResponse && viaAlias.isRefreshResponse);
      await client.oauth2RefreshToken(refresh, { bodyParams: { scope: TRANSFER_ALL } });
    });
    const bodies = requests.map((r) => Object.keys(r.body as object).sort());
    assert.deepEqual(bodies[0], ["client_id", "grant_type", "refresh_token"]);
    assert.deepEqual(bodies[1], bodies[0]);
    assert.deepEqual(bodies[2], ["client_id", "grant_type", "refresh_token", "scope"]);
  });

  it("oauth2RevokeToken answers as Globus does; revokeToken is its alias", async () => {
    const client = nativeClient(emulator);
    const login = await loginAs(emulator, client, ALICE_IDENTITY_ID, [TRANSFER_ALL]);
    const [revoke] = await sent("/v2/oauth2/token/revoke", async () => {
      assert.deepEqual(
        await client.oauth2RevokeToken(login.byResourceServer[TRANSFER_RS]?.refresh_token ?? ""),
        { active: false },
      );
    });
    assert.deepEqual(Object.keys(revoke?.body as object).sort(), ["client_id", "token"]);
    assert.deepEqual(await client.revokeToken("unknown-token"), { active: false });
    await assert.rejects(
      client.oauth2RefreshToken(login.byResourceServer[TRANSFER_RS]?.refresh_token ?? ""),
      AuthAPIError,
    );
  });

  it("oauth2Token sends any grant's form, with bodyParams added", async () => {
    const client = nativeClient(emulator);
    const [request] = await sent("/v2/oauth2/token", () =>
      client
        .oauth2Token(
          { grant_type: "refresh_token", refresh_token: "nope" },
          { bodyParams: { x: "y" } },
        )
        .catch((error: unknown) => {
          assert.ok(error instanceof AuthAPIError);
          assert.equal(error.code, "invalid_grant");
        }),
    );
    assert.deepEqual(Object.keys(request?.body as object).sort(), [
      "client_id",
      "grant_type",
      "refresh_token",
      "x",
    ]);
  });

  it("getOpenidConfiguration (alias getOpenIdConfiguration) and getJwk", async () => {
    const client = nativeClient(emulator);
    const config = await client.getOpenidConfiguration();
    assert.deepEqual(await client.getOpenIdConfiguration(), config);
    assert.equal(config.jwks_uri, `${emulator.urls.auth}jwk.json`);
    const jwks = await client.getJwk(config);
    assert.equal(jwks.keys[0]?.use, "sig");
    assert.equal((await client.getJwk(config, { asPem: true })).type, "public");
  });

  it("createNativeAppInstance: an unauthenticated POST; the instance logs in with its credential", async () => {
    const client = nativeClient(emulator);
    const [request] = await sent("/v2/api/clients", async () => {
      const instance = await client.createNativeAppInstance(DEMO_NATIVE_CLIENT_ID, "alice-laptop");
      assert.equal(instance.client.client_type, "confidential_client");
      assert.equal(instance.client.parent_client, DEMO_NATIVE_CLIENT_ID);
      assert.equal(instance.client.project, null);
      const credential = instance.included.client_credential;
      assert.equal(credential.client, instance.client.id);
      assert.ok(!inspect(instance).includes(credential.secret), "printing hides the secret");
      const own = new ConfidentialAppAuthClient(instance.client.id, credential.secret, {
        baseUrl: emulator.urls.auth,
      });
      const tokens = await own.oauth2ClientCredentialsTokens(TRANSFER_ALL);
      assert.ok(tokens.byResourceServer[TRANSFER_RS]);
    });
    const body = request?.body as { client: Record<string, unknown> };
    assert.deepEqual(Object.keys(body), ["client"]);
    assert.deepEqual(Object.keys(body.client).sort(), [...DOCUMENT_KEYS.nativeAppInstance].sort());
    assert.equal(request?.clientId, undefined, "sent without credentials");
    assert.throws(() => client.createNativeAppInstance(DEMO_NATIVE_CLIENT_ID, ""), /name/);
    // a template must be a native app
    await assert.rejects(
      client.createNativeAppInstance(DEMO_CONFIDENTIAL_CLIENT_ID, "x"),
      (error: unknown) => error instanceof AuthAPIError && error.httpStatus === 400,
    );
  });
});

describe("ConfidentialAppAuthClient", () => {
  it("oauth2StartFlow(redirectUri, scopes): the authorization code grant without PKCE secrets in the URL", async () => {
    const client = confidentialClient(emulator);
    client.oauth2StartFlow(DEMO_CONFIDENTIAL_REDIRECT_URI, [TRANSFER_ALL], { state: "s1" });
    const url = new URL(client.oauth2GetAuthorizeUrl());
    assert.equal(url.searchParams.get("redirect_uri"), DEMO_CONFIDENTIAL_REDIRECT_URI);
    assert.equal(url.searchParams.get("state"), "s1");
    assert.equal(url.searchParams.get("access_type"), "online");
    const back = await approvedCode(url.toString());
    const [exchange] = await sent("/v2/oauth2/token", async () => {
      const tokens = await client.oauth2ExchangeCodeForTokens(back.get("code") ?? "");
      assert.ok(tokens.byResourceServer[TRANSFER_RS]?.access_token);
    });
    assert.equal(exchange?.clientId, DEMO_CONFIDENTIAL_CLIENT_ID, "authenticated with HTTP Basic");
    assert.ok(!("client_id" in ((exchange?.body ?? {}) as object)));
  });

  it("oauth2ClientCredentialsTokens and its alias clientCredentialsTokens", async () => {
    const client = confidentialClient(emulator);
    const requests = await sent("/v2/oauth2/token", async () => {
      await client.oauth2ClientCredentialsTokens(TRANSFER_ALL);
      await client.clientCredentialsTokens(TRANSFER_ALL);
    });
    assert.deepEqual(
      requests.map((r) => r.body),
      [
        { grant_type: "client_credentials", scope: TRANSFER_ALL },
        { grant_type: "client_credentials", scope: TRANSFER_ALL },
      ],
    );
    assert.throws(() => client.oauth2ClientCredentialsTokens([]), GlobusSDKUsageError);
  });

  it("oauth2GetDependentTokens: scope list, refresh tokens, additionalParams; dependentTokens is its alias", async () => {
    const client = confidentialClient(emulator);
    const login = await loginAs(emulator, nativeClient(emulator), ALICE_IDENTITY_ID, [
      `${SERVICE_SCOPE}[${TRANSFER_ALL}]`,
    ]);
    const token = login.byResourceServer[DEMO_CONFIDENTIAL_CLIENT_ID]?.access_token ?? "";
    const requests = await sent("/v2/oauth2/token", async () => {
      const viaPython = await client.oauth2GetDependentTokens(token, {
        scope: [TRANSFER_ALL],
        refreshTokens: true,
      });
      assert.ok(viaPython instanceof OAuthDependentTokenResponse);
      assert.ok(viaPython.byResourceServer[TRANSFER_RS]?.refresh_token);
      const viaAlias = await client.dependentTokens(token, { scopes: TRANSFER_ALL });
      assert.equal(viaAlias.byResourceServer[TRANSFER_RS]?.refresh_token, null);
    });
    assert.deepEqual(requests[0]?.body, {
      grant_type: "urn:globus:auth:grant_type:dependent_token",
      token: "<redacted>",
      access_type: "offline",
      scope: TRANSFER_ALL,
    });
    assert.deepEqual(Object.keys(requests[1]?.body as object).sort(), [
      "grant_type",
      "scope",
      "token",
    ]);
  });

  it("oauth2TokenIntrospect: include in the form, queryParams in the query", async () => {
    const client = confidentialClient(emulator);
    const cc = await client.oauth2ClientCredentialsTokens(TRANSFER_ALL);
    const token = cc.byResourceServer[TRANSFER_RS]?.access_token ?? "";
    const [request] = await sent("/v2/oauth2/token/introspect", async () => {
      const info = await client.oauth2TokenIntrospect(token, {
        include: "identity_set",
        queryParams: { trace: "1" },
      });
      assert.equal(info["active"], true);
      assert.deepEqual(info["identity_set"], [DEMO_CONFIDENTIAL_CLIENT_ID]);
    });
    assert.deepEqual(request?.query, { trace: "1" });
    assert.deepEqual(request?.body, { token: "<redacted>", include: "identity_set" });
  });

  it("createChildClient: authenticated with the parent's secret; the child is its own client", async () => {
    const client = confidentialClient(emulator);
    const [request] = await sent("/v2/api/clients", async () => {
      const { client: child } = await client.createChildClient("Worker", {
        clientType: "confidential_client",
        visibility: "private",
        redirectUris: ["https://worker.example.org/cb"],
      });
      assert.equal(child.parent_client, DEMO_CONFIDENTIAL_CLIENT_ID);
      assert.equal(child.client_type, "confidential_client");
      assert.deepEqual(child.redirect_uris, ["https://worker.example.org/cb"]);
    });
    assert.equal(request?.clientId, DEMO_CONFIDENTIAL_CLIENT_ID);
    const body = (request?.body as { client: Record<string, unknown> } | undefined)?.client ?? {};
    const extra = Object.keys(body).filter(
      (key) => !(DOCUMENT_KEYS.client as readonly string[]).includes(key),
    );
    assert.deepEqual(extra, [], "keys the Python SDK never sends");
    assert.throws(
      () => client.createChildClient("x", { publicClient: true, clientType: "resource_server" }),
      /mutually exclusive/,
    );
    const impostor = new ConfidentialAppAuthClient(DEMO_CONFIDENTIAL_CLIENT_ID, "wrong", {
      baseUrl: emulator.urls.auth,
      retry: { maxAttempts: 1 },
    });
    await assert.rejects(
      impostor.createChildClient("x", { publicClient: true }),
      (error: unknown) => {
        assert.ok(error instanceof AuthAPIError);
        assert.equal(error.httpStatus, 401);
        return true;
      },
    );
  });

  it("an AuthClient built with the confidential client introspects through it", async () => {
    const client = confidentialClient(emulator);
    const cc = await client.oauth2ClientCredentialsTokens("openid");
    const auth = new AuthClient({
      baseUrl: emulator.urls.auth,
      authorizer: new AccessTokenAuthorizer(
        cc.byResourceServer["auth.globus.org"]?.access_token ?? "",
      ),
      confidentialClient: client,
    });
    const session = await auth.sessionInfo(
      cc.byResourceServer["auth.globus.org"]?.access_token ?? "",
    );
    assert.equal(session["active"], true);
  });
});
