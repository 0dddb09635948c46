/**
 * Globus Auth wire facts, from the Python SDK 4.9's `services/auth/` (the login clients in
 * `client/*_client.py` and their flow managers, `AuthClient` in `client/service_client.py`)
 * and the responses recorded in `testing/data/auth/`. Where no response was recorded, the
 * fact says which other source its shape comes from.
 */
import {
  AuthClient,
  ConfidentialAppAuthClient,
  IdTokenDecoder,
  NativeAppAuthClient,
} from "../../../src/auth/index.ts";
import { AccessTokenAuthorizer } from "../../../src/authorizers/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
} from "../../../src/testing/index.ts";
import { loginAs } from "../../auth/helpers.ts";
import type { RouteWithoutFact, WireFact } from "../facts.ts";
import { S, type Shape } from "../shape.ts";

export const service = "auth";

const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";
const AUTH_SCOPES = [
  "openid",
  "profile",
  "email",
  "urn:globus:auth:scope:auth.globus.org:view_identities",
  "urn:globus:auth:scope:auth.globus.org:view_consents",
  "urn:globus:auth:scope:auth.globus.org:manage_projects",
];

// ----- shapes -----

/** One identity (`get_identities.py`; `identity_type` is absent from some records). */
export const identity = S.obj({
  id: S.str,
  username: S.str,
  name: S.nullable(S.str),
  email: S.nullable(S.str),
  organization: S.nullable(S.str),
  identity_provider: S.str,
  identity_type: S.optional(S.str),
  status: S.str,
});

/** One consent (`get_consents.py`). */
export const consent = S.obj({
  created: S.str,
  id: S.int,
  status: S.str,
  updated: S.str,
  allows_refresh: S.bool,
  dependency_path: S.array(S.int),
  scope_name: S.str,
  atomically_revocable: S.bool,
  effective_identity: S.str,
  auto_approved: S.bool,
  last_used: S.str,
  scope: S.str,
  client: S.str,
});

/** A token introspection of an active token (`oauth2_token_introspect.py`). */
export const introspection = S.obj({
  active: S.bool,
  token_type: S.str,
  scope: S.str,
  client_id: S.str,
  username: S.str,
  name: S.nullable(S.str),
  email: S.nullable(S.str),
  exp: S.int,
  iat: S.int,
  nbf: S.int,
  sub: S.str,
  aud: S.array(S.str),
  iss: S.str,
});

/** The answer to a revocation (`oauth2_revoke_token.py`). */
export const revocation = S.obj({ active: S.bool });

/**
 * A token of `other_tokens`. No recorded response has one (their `other_tokens` are
 * empty); the keys are those of the top-level token, as the Python SDK's own id_token test
 * (`tests/functional/.../test_id_token.py`, a real Globus answer) shows them, `state`
 * included.
 */
const otherToken = S.obj({
  access_token: S.str,
  scope: S.str,
  expires_in: S.int,
  token_type: S.str,
  resource_server: S.str,
  state: S.optional(S.str),
  refresh_token: S.optional(S.str),
});

/**
 * A token response (`oauth2_exchange_code_for_tokens.py`, `oauth2_client_credentials_tokens.py`):
 * `state` only answers a code exchange, `id_token` only comes with `openid`, `refresh_token`
 * only with offline access.
 */
function tokenResponse(state: "state" | "no state"): Shape {
  return S.obj({
    access_token: S.str,
    scope: S.str,
    expires_in: S.int,
    token_type: S.str,
    resource_server: S.str,
    ...(state === "state" ? { state: S.str } : {}),
    id_token: S.optional(S.str),
    refresh_token: S.optional(S.str),
    other_tokens: S.array(otherToken),
  });
}

/**
 * Globus Auth's refusal of a call's token (`_common.py`'s UNAUTHORIZED and FORBIDDEN
 * responses): both are worded as an authentication failure, the 403 included.
 */
function authError(status: "401" | "403", code: string): Shape {
  return S.obj({
    errors: S.array(
      S.obj({
        status: S.lit(status),
        id: S.str,
        code: S.lit(code),
        detail: S.lit("Call must be authenticated"),
        title: S.lit("Unauthorized"),
      }),
    ),
    error_description: S.lit("Unauthorized"),
    error: S.lit("unauthorized"),
  });
}

// ----- drivers -----

function nativeClient(): NativeAppAuthClient {
  return new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { retry: { maxAttempts: 1 } });
}

function confidentialClient(): ConfidentialAppAuthClient {
  return new ConfidentialAppAuthClient(
    DEMO_CONFIDENTIAL_CLIENT_ID,
    DEMO_CONFIDENTIAL_CLIENT_SECRET,
    { retry: { maxAttempts: 1 } },
  );
}

/** Alice's tokens from a native PKCE login for `scopes`, with refresh tokens. */
function aliceLogin(emulator: RunningEmulator, scopes: string[] = AUTH_SCOPES) {
  return loginAs(emulator, nativeClient(), ALICE_IDENTITY_ID, scopes);
}

/** An AuthClient carrying Alice's Auth token (with the developer and consent scopes). */
async function aliceAuthClient(emulator: RunningEmulator): Promise<AuthClient> {
  const tokens = await aliceLogin(emulator);
  const token = tokens.byResourceServer["auth.globus.org"]?.access_token;
  if (!token) throw new Error("the login gave no Auth token");
  return new AuthClient({ authorizer: new AccessTokenAuthorizer(token) });
}

// ----- facts -----

export const facts: WireFact[] = [
  {
    python: "NativeAppAuthClient.oauth2_exchange_code_for_tokens",
    source:
      "services/auth/flow_managers/native_app.py; testing/data/auth/oauth2_exchange_code_for_tokens.py",
    service,
    method: "POST",
    path: "/v2/oauth2/token",
    body: ["client_id", "grant_type", "code", "code_verifier", "redirect_uri"],
    response: tokenResponse("state"),
    drive: (context) => aliceLogin(context.emulator, ["openid", "profile", TRANSFER_ALL]),
  },
  {
    python: "NativeAppAuthClient.oauth2_refresh_token",
    // No refresh response was recorded: its keys are the code exchange's without `state`.
    source:
      "services/auth/client/native_client.py; testing/data/auth/oauth2_exchange_code_for_tokens.py",
    service,
    method: "POST",
    path: "/v2/oauth2/token",
    body: ["refresh_token", "grant_type", "client_id"],
    response: tokenResponse("no state"),
    async drive(context) {
      const tokens = await aliceLogin(context.emulator, [TRANSFER_ALL]);
      const refresh = tokens.byResourceServer["transfer.api.globus.org"]?.refresh_token;
      if (!refresh) throw new Error("the login gave no refresh token");
      return nativeClient().refreshToken(refresh);
    },
  },
  {
    python: "ConfidentialAppAuthClient.oauth2_client_credentials_tokens",
    source:
      "services/auth/client/confidential_client.py; testing/data/auth/oauth2_client_credentials_tokens.py",
    service,
    method: "POST",
    path: "/v2/oauth2/token",
    body: ["grant_type", "scope"],
    response: tokenResponse("no state"),
    drive: () => confidentialClient().clientCredentialsTokens(TRANSFER_ALL),
  },
  {
    python: "ConfidentialAppAuthClient.oauth2_get_dependent_tokens",
    source:
      "services/auth/client/confidential_client.py; testing/data/auth/oauth2_get_dependent_tokens.py",
    service,
    method: "POST",
    path: "/v2/oauth2/token",
    body: ["grant_type", "token", "access_type", "scope"],
    response: S.array(
      S.obj({
        scope: S.str,
        access_token: S.str,
        refresh_token: S.optional(S.str),
        token_type: S.str,
        expires_in: S.int,
        resource_server: S.str,
      }),
    ),
    async drive(context) {
      const service = `https://auth.globus.org/scopes/${DEMO_CONFIDENTIAL_CLIENT_ID}/all`;
      const tokens = await aliceLogin(context.emulator, [`${service}[${TRANSFER_ALL}]`]);
      const token = tokens.byResourceServer[DEMO_CONFIDENTIAL_CLIENT_ID]?.access_token;
      if (!token) throw new Error("the login gave no token for the demo service");
      return confidentialClient().dependentTokens(token, { refreshTokens: true });
    },
  },
  {
    python: "NativeAppAuthClient.oauth2_revoke_token",
    source: "services/auth/client/base_login_client.py; testing/data/auth/oauth2_revoke_token.py",
    service,
    method: "POST",
    path: "/v2/oauth2/token/revoke",
    body: ["token", "client_id"],
    response: revocation,
    async drive(context) {
      const tokens = await aliceLogin(context.emulator, [TRANSFER_ALL]);
      const refresh = tokens.byResourceServer["transfer.api.globus.org"]?.refresh_token;
      if (!refresh) throw new Error("the login gave no refresh token");
      return nativeClient().revokeToken(refresh);
    },
  },
  {
    python: "ConfidentialAppAuthClient.oauth2_token_introspect",
    source:
      "services/auth/client/confidential_client.py; testing/data/auth/oauth2_token_introspect.py",
    service,
    method: "POST",
    path: "/v2/oauth2/token/introspect",
    body: ["token", "include"],
    response: introspection,
    async drive() {
      const client = confidentialClient();
      const tokens = await client.clientCredentialsTokens(TRANSFER_ALL);
      const token = tokens.byResourceServer["transfer.api.globus.org"]?.access_token;
      if (!token) throw new Error("client credentials gave no Transfer token");
      return client.oauth2TokenIntrospect(token);
    },
  },
  {
    python: "AuthClient.userinfo",
    // Only the error answers were recorded; a success carries `sub` and the claims the
    // token's OpenID scopes grant, so the shape is open beyond `sub`.
    source: "services/auth/client/service_client.py; OpenID Connect Core 1.0 §5.3.2",
    service,
    method: "GET",
    path: "/v2/oauth2/userinfo",
    response: S.open({ sub: S.str }),
    drive: async (context) => (await aliceAuthClient(context.emulator)).userinfo(),
  },
  {
    python: "AuthClient.userinfo (no valid token)",
    source: "services/auth/client/service_client.py; testing/data/auth/userinfo.py (unauthorized)",
    service,
    method: "GET",
    path: "/v2/oauth2/userinfo",
    status: 401,
    response: authError("401", "UNAUTHORIZED"),
    async drive() {
      const auth = new AuthClient({
        authorizer: new AccessTokenAuthorizer("not-a-token"),
        retry: { maxAttempts: 1 },
      });
      await auth.userinfo().catch(() => undefined);
    },
  },
  {
    python: "AuthClient.userinfo (a token without openid)",
    source: "services/auth/client/service_client.py; testing/data/auth/userinfo.py (forbidden)",
    service,
    method: "GET",
    path: "/v2/oauth2/userinfo",
    status: 403,
    response: authError("403", "FORBIDDEN"),
    async drive(context) {
      const tokens = await aliceLogin(context.emulator, [
        "urn:globus:auth:scope:auth.globus.org:view_identities",
      ]);
      const token = tokens.byResourceServer["auth.globus.org"]?.access_token ?? "";
      const auth = new AuthClient({ authorizer: new AccessTokenAuthorizer(token) });
      await auth.userinfo().catch(() => undefined);
    },
  },
  {
    python: "AuthClient.get_identities",
    source: "services/auth/client/service_client.py; testing/data/auth/get_identities.py",
    service,
    method: "GET",
    path: "/v2/api/identities",
    query: ["usernames", "ids", "provision"],
    response: S.obj({ identities: S.array(identity) }),
    drive: async (context) =>
      (await aliceAuthClient(context.emulator)).getIdentities({
        usernames: ["bob@globusid.org", "alice@globusid.org"],
        provision: true,
      }),
  },
  {
    python: "AuthClient.get_consents",
    source: "services/auth/client/service_client.py; testing/data/auth/get_consents.py",
    service,
    method: "GET",
    path: "/v2/api/identities/{identity_id}/consents",
    query: ["all"],
    response: S.obj({ consents: S.array(consent) }),
    drive: async (context) =>
      (await aliceAuthClient(context.emulator)).getConsents(ALICE_IDENTITY_ID, { all: true }),
  },
  {
    python: "AuthClient.get_openid_configuration",
    // Not among the recorded responses; the keys are those of Globus Auth's published
    // document as the Python SDK's own tests hold it (`tests/functional/.../test_id_token.py`).
    source: "services/auth/client/service_client.py; globus-sdk-python tests (OIDC_CONFIG)",
    service,
    method: "GET",
    path: "/.well-known/openid-configuration",
    response: S.obj({
      issuer: S.str,
      authorization_endpoint: S.str,
      userinfo_endpoint: S.str,
      token_endpoint: S.str,
      revocation_endpoint: S.str,
      jwks_uri: S.str,
      response_types_supported: S.array(S.str),
      id_token_signing_alg_values_supported: S.array(S.str),
      scopes_supported: S.array(S.str),
      token_endpoint_auth_methods_supported: S.array(S.str),
      claims_supported: S.array(S.str),
      subject_types_supported: S.array(S.str),
    }),
    drive: () => nativeClient().getOpenIdConfiguration(),
  },
  {
    python: "AuthClient.get_jwk",
    // Not among the recorded responses: Globus's key set as the Python SDK's own tests hold
    // it (JWK). `kid` is the emulator's: it names each key so that a rotation can publish the
    // old key beside the new one; Globus publishes one key without it.
    source: "services/auth/_common.py (jwks_uri); globus-sdk-python tests (JWK)",
    service,
    method: "GET",
    path: "/jwk.json",
    response: S.obj({
      keys: S.array(
        S.obj({
          alg: S.str,
          e: S.str,
          kty: S.str,
          n: S.str,
          use: S.str,
          kid: S.optional(S.str),
        }),
      ),
    }),
    async drive() {
      const decoder = nativeClient().idTokenDecoder;
      if (!(decoder instanceof IdTokenDecoder)) throw new Error("not the default decoder");
      return decoder.getJwks();
    },
  },
];

/** Routes no Python SDK method calls, and why. */
export const routesWithoutFacts: RouteWithoutFact[] = [
  {
    service,
    method: "GET",
    path: "/v2/oauth2/authorize",
    why: "a browser page: the Python SDK only builds its URL (oauth2_get_authorize_url)",
  },
  {
    service,
    method: "POST",
    path: "/v2/web/consent",
    why: "the emulator's own login-and-consent form, posted by a browser",
  },
  {
    service,
    method: "GET",
    path: "/v2/web/auth-code",
    why: "the page that shows a native app's authorization code to the user",
  },
  {
    service,
    method: "GET",
    path: "/v2/api/identities/:id",
    why: "no Python SDK 4.9 method; @globus/sdk's identities.get reads one identity ({identity}, the record of get_identities)",
  },
  {
    service,
    method: "POST",
    path: "/v2/oauth2/userinfo",
    why: "OpenID Connect allows POST for userinfo; the Python SDK only GETs it",
  },
];
