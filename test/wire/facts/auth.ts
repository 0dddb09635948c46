/**
 * Globus Auth wire facts, from the Python SDK 4.9's `services/auth/` (the login clients in
 * `client/*_client.py` and their flow managers, `AuthClient` in `client/service_client.py`)
 * and the responses recorded in `testing/data/auth/`. Where no response was recorded, the
 * fact says which other source its shape comes from.
 */
import {
  AuthClient,
  ConfidentialAppAuthClient,
  DependentScopeSpec,
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

// ----- the developer APIs -----

/** `fields` with `keys` made optional: keys a constructed fixture leaves out. */
function optionalKeys(fields: Record<string, Shape>, keys: readonly string[]): Shape {
  return S.obj(
    Object.fromEntries(
      Object.entries(fields).map(([key, shape]) => [
        key,
        keys.includes(key) ? S.optional(shape) : shape,
      ]),
    ),
  );
}

/** An identity provider (`get_identity_providers.py`). */
export const identityProvider = S.obj({
  short_name: S.str,
  id: S.str,
  alternative_names: S.array(S.str),
  domains: S.array(S.str),
  name: S.str,
});

/** A group among a project's admins (`create_project.py`, admin_group case). */
const adminGroup = S.obj({ id: S.str, name: S.str, description: S.str, organization: S.str });

/** A project (`get_project.py`, `create_project.py`: the same keys in every case). */
export const project = S.obj({
  contact_email: S.str,
  id: S.str,
  admins: S.obj({ identities: S.array(identity), groups: S.array(adminGroup) }),
  project_name: S.str,
  admin_ids: S.nullable(S.array(S.str)),
  admin_group_ids: S.nullable(S.array(S.str)),
  display_name: S.str,
});

/** A policy as `get_policy.py` records it. */
const policyFields: Record<string, Shape> = {
  high_assurance: S.bool,
  domain_constraints_include: S.nullable(S.array(S.str)),
  display_name: S.str,
  description: S.str,
  id: S.str,
  domain_constraints_exclude: S.nullable(S.array(S.str)),
  project_id: S.str,
  authentication_assurance_timeout: S.int,
  required_mfa: S.bool,
};
export const policy = S.obj(policyFields);

/** A client as `get_client.py` records it. */
const clientFields: Record<string, Shape> = {
  required_idp: S.nullable(S.str),
  name: S.str,
  redirect_uris: S.array(S.str),
  links: S.obj({ privacy_policy: S.nullable(S.str), terms_and_conditions: S.nullable(S.str) }),
  scopes: S.array(S.str),
  grant_types: S.array(S.str),
  id: S.str,
  prompt_for_named_grant: S.bool,
  fqdns: S.array(S.str),
  project: S.nullable(S.str),
  client_type: S.str,
  visibility: S.str,
  parent_client: S.nullable(S.str),
  userinfo_from_effective_identity: S.bool,
  preselect_idp: S.nullable(S.str),
  public_client: S.bool,
};
export const client = S.obj(clientFields);
/**
 * The records of `create_client.py`, `create_child_client.py` and `update_client.py` are
 * built from the request, so they lack what the request did not name (`id` among them);
 * `get_client.py`'s full document is the one Globus keeps and answers with.
 */
const CONSTRUCTED_CLIENT_KEYS = ["id", "visibility", "public_client", "name", "project"];

/** A credential (`get_client_credentials.py`: `secret` null; `create_client_credential.py`: set). */
const credential = (secret: Shape) =>
  S.obj({ name: S.str, id: S.str, created: S.str, client: S.str, secret });

/** A scope (`get_scope.py`, `create_scope.py`). */
export const scope = S.obj({
  scope_string: S.str,
  allows_refresh_token: S.bool,
  id: S.str,
  advertised: S.bool,
  required_domains: S.array(S.str),
  name: S.str,
  description: S.str,
  client: S.str,
  dependent_scopes: S.array(
    S.obj({ scope: S.str, optional: S.bool, requires_refresh_token: S.bool }),
  ),
});

/**
 * Every key the Python SDK's payloads put in each developer document (the harness checks a
 * body's top level, the `project`/`policy`/`client`/`scope` wrapper; the Auth tests check
 * these inner keys).
 */
export const DOCUMENT_KEYS = {
  project: ["display_name", "contact_email", "admin_ids", "admin_group_ids"],
  policy: [
    "project_id",
    "high_assurance",
    "authentication_assurance_timeout",
    "required_mfa",
    "display_name",
    "description",
    "domain_constraints_include",
    "domain_constraints_exclude",
  ],
  client: [
    "name",
    "project",
    "visibility",
    "redirect_uris",
    "required_idp",
    "preselect_idp",
    "public_client",
    "client_type",
    "links",
  ],
  nativeAppInstance: ["name", "template_id"],
  credential: ["name"],
  scope: [
    "name",
    "description",
    "scope_suffix",
    "advertised",
    "allows_refresh_token",
    "required_domains",
    "dependent_scopes",
  ],
} as const;

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

/** Alice's AuthClient and a project she administers. */
async function aliceProject(emulator: RunningEmulator) {
  const auth = await aliceAuthClient(emulator);
  const { project } = await auth.createProject("Wire facts", "alice@example.org", {
    adminIds: ALICE_IDENTITY_ID,
  });
  return { auth, project };
}

/** ... and a confidential client in it. */
async function aliceService(emulator: RunningEmulator) {
  const { auth, project } = await aliceProject(emulator);
  const { client } = await auth.createClient("Wire service", project.id, { publicClient: false });
  return { auth, project, client };
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
  {
    python: "AuthClient.get_identity_providers",
    source: "services/auth/client/service_client.py; testing/data/auth/get_identity_providers.py",
    service,
    method: "GET",
    path: "/v2/api/identity_providers",
    query: ["domains", "ids"],
    response: S.obj({ identity_providers: S.array(identityProvider) }),
    drive: async (context) =>
      (await aliceAuthClient(context.emulator)).getIdentityProviders({
        domains: ["globusid.org", "university.example.edu"],
      }),
  },
  {
    python: "AuthClient.get_projects",
    source: "services/auth/client/service_client.py; testing/data/auth/get_projects.py",
    service,
    method: "GET",
    path: "/v2/api/projects",
    response: S.obj({ projects: S.array(project) }),
    async drive(context) {
      const { auth } = await aliceProject(context.emulator);
      return auth.getProjects();
    },
  },
  {
    python: "AuthClient.get_project",
    source: "services/auth/client/service_client.py; testing/data/auth/get_project.py",
    service,
    method: "GET",
    path: "/v2/api/projects/{project_id}",
    response: S.obj({ project }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      return auth.getProject(project.id);
    },
  },
  {
    python: "AuthClient.create_project",
    source: "services/auth/client/service_client.py; testing/data/auth/create_project.py",
    service,
    method: "POST",
    path: "/v2/api/projects",
    body: ["project"],
    response: S.obj({ project }),
    drive: (context) => aliceProject(context.emulator),
  },
  {
    python: "AuthClient.update_project",
    source: "services/auth/client/service_client.py; testing/data/auth/update_project.py",
    service,
    method: "PUT",
    path: "/v2/api/projects/{project_id}",
    body: ["project"],
    response: S.obj({ project }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      return auth.updateProject(project.id, {
        displayName: "Renamed",
        adminIds: [ALICE_IDENTITY_ID],
      });
    },
  },
  {
    python: "AuthClient.delete_project",
    source: "services/auth/client/service_client.py; testing/data/auth/delete_project.py",
    service,
    method: "DELETE",
    path: "/v2/api/projects/{project_id}",
    response: S.obj({ project }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      return auth.deleteProject(project.id);
    },
  },
  {
    python: "AuthClient.get_policies",
    source: "services/auth/client/service_client.py; testing/data/auth/get_policies.py",
    service,
    method: "GET",
    path: "/v2/api/policies",
    response: S.obj({ policies: S.array(policy) }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      await auth.createPolicy({ projectId: project.id, displayName: "P", description: "D" });
      return auth.getPolicies();
    },
  },
  {
    python: "AuthClient.get_policy",
    source: "services/auth/client/service_client.py; testing/data/auth/get_policy.py",
    service,
    method: "GET",
    path: "/v2/api/policies/{policy_id}",
    response: S.obj({ policy }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      const created = await auth.createPolicy({
        projectId: project.id,
        displayName: "P",
        description: "D",
      });
      return auth.getPolicy(created.policy.id);
    },
  },
  {
    python: "AuthClient.create_policy",
    // the default case records only what the request named (and an id)
    source: "services/auth/client/service_client.py; testing/data/auth/create_policy.py",
    service,
    method: "POST",
    path: "/v2/api/policies",
    body: ["policy"],
    response: S.obj({
      policy: optionalKeys(policyFields, [
        "high_assurance",
        "authentication_assurance_timeout",
        "required_mfa",
        "domain_constraints_include",
        "domain_constraints_exclude",
      ]),
    }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      return auth.createPolicy({
        projectId: project.id,
        displayName: "Campus only",
        description: "Identities of the campus",
        highAssurance: true,
        authenticationAssuranceTimeout: 35,
        domainConstraintsInclude: ["university.example.edu"],
      });
    },
  },
  {
    python: "AuthClient.update_policy",
    // its record is built from the request, without the id get_policy.py's carries
    source: "services/auth/client/service_client.py; testing/data/auth/update_policy.py",
    service,
    method: "PUT",
    path: "/v2/api/policies/{policy_id}",
    body: ["policy"],
    response: S.obj({ policy: optionalKeys(policyFields, ["id"]) }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      const created = await auth.createPolicy({
        projectId: project.id,
        displayName: "P",
        description: "D",
      });
      return auth.updatePolicy(created.policy.id, { requiredMfa: true, description: "MFA" });
    },
  },
  {
    python: "AuthClient.delete_policy",
    source: "services/auth/client/service_client.py; testing/data/auth/delete_policy.py",
    service,
    method: "DELETE",
    path: "/v2/api/policies/{policy_id}",
    response: S.obj({ policy }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      const created = await auth.createPolicy({
        projectId: project.id,
        displayName: "P",
        description: "D",
      });
      return auth.deletePolicy(created.policy.id);
    },
  },
  {
    python: "AuthClient.get_clients",
    source: "services/auth/client/service_client.py; testing/data/auth/get_clients.py",
    service,
    method: "GET",
    path: "/v2/api/clients",
    response: S.obj({ clients: S.array(client) }),
    async drive(context) {
      const { auth } = await aliceService(context.emulator);
      return auth.getClients();
    },
  },
  {
    python: "AuthClient.get_client",
    source: "services/auth/client/service_client.py; testing/data/auth/get_client.py",
    service,
    method: "GET",
    path: "/v2/api/clients/{client_id}",
    response: S.obj({ client }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      return auth.getClient({ clientId: client.id });
    },
  },
  {
    python: "AuthClient.get_client (by fqdn)",
    source: "services/auth/client/service_client.py; testing/data/auth/get_client.py (fqdn)",
    service,
    method: "GET",
    path: "/v2/api/clients",
    query: ["fqdn"],
    response: S.obj({ client }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      const fqdn = `${context.emulator.controls.now()}-${Math.random().toString(36).slice(2)}.example.org`;
      await auth.createClient("Endpoint", project.id, {
        clientType: "globus_connect_server",
        additionalFields: { fqdns: [fqdn] },
      });
      return auth.getClient({ fqdn });
    },
  },
  {
    python: "AuthClient.create_client",
    source: "services/auth/client/service_client.py; testing/data/auth/create_client.py",
    service,
    method: "POST",
    path: "/v2/api/clients",
    body: ["client"],
    response: S.obj({ client: optionalKeys(clientFields, CONSTRUCTED_CLIENT_KEYS) }),
    async drive(context) {
      const { auth, project } = await aliceProject(context.emulator);
      return auth.createClient("Wire app", project.id, {
        publicClient: true,
        redirectUris: ["https://app.example.org/callback"],
        termsAndConditions: "https://app.example.org/terms",
        privacyPolicy: "https://app.example.org/privacy",
      });
    },
  },
  {
    python: "AuthClient.update_client",
    source: "services/auth/client/service_client.py; testing/data/auth/update_client.py",
    service,
    method: "PUT",
    path: "/v2/api/clients/{client_id}",
    body: ["client"],
    response: S.obj({ client: optionalKeys(clientFields, CONSTRUCTED_CLIENT_KEYS) }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      return auth.updateClient(client.id, { name: "Renamed", visibility: "public" });
    },
  },
  {
    python: "AuthClient.delete_client",
    source: "services/auth/client/service_client.py; testing/data/auth/delete_client.py",
    service,
    method: "DELETE",
    path: "/v2/api/clients/{client_id}",
    response: S.obj({ client }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      return auth.deleteClient(client.id);
    },
  },
  {
    python: "AuthClient.get_client_credentials",
    source: "services/auth/client/service_client.py; testing/data/auth/get_client_credentials.py",
    service,
    method: "GET",
    path: "/v2/api/clients/{client_id}/credentials",
    response: S.obj({ credentials: S.array(credential(S.null)) }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      await auth.createClientCredential(client.id, "first");
      return auth.getClientCredentials(client.id);
    },
  },
  {
    python: "AuthClient.create_client_credential",
    source: "services/auth/client/service_client.py; testing/data/auth/create_client_credential.py",
    service,
    method: "POST",
    path: "/v2/api/clients/{client_id}/credentials",
    body: ["credential"],
    response: S.obj({ credential: credential(S.str) }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      return auth.createClientCredential(client.id, "first");
    },
  },
  {
    python: "AuthClient.delete_client_credential",
    source: "services/auth/client/service_client.py; testing/data/auth/delete_client_credential.py",
    service,
    method: "DELETE",
    path: "/v2/api/clients/{client_id}/credentials/{credential_id}",
    response: S.obj({ credential: credential(S.null) }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      const { credential } = await auth.createClientCredential(client.id, "first");
      return auth.deleteClientCredential(client.id, credential.id);
    },
  },
  {
    python: "AuthClient.get_scopes",
    source: "services/auth/client/service_client.py; testing/data/auth/get_scopes.py",
    service,
    method: "GET",
    path: "/v2/api/scopes",
    query: ["scope_strings", "ids"],
    response: S.obj({ scopes: S.array(scope) }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      const created = await auth.createScope(client.id, "Wire", "Wire facts", "wire");
      return auth.getScopes({ scopeStrings: [created.scope.scope_string, TRANSFER_ALL] });
    },
  },
  {
    python: "AuthClient.get_scope",
    source: "services/auth/client/service_client.py; testing/data/auth/get_scope.py",
    service,
    method: "GET",
    path: "/v2/api/scopes/{scope_id}",
    response: S.obj({ scope }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      const created = await auth.createScope(client.id, "Wire", "Wire facts", "wire");
      return auth.getScope(created.scope.id);
    },
  },
  {
    python: "AuthClient.create_scope",
    source: "services/auth/client/service_client.py; testing/data/auth/create_scope.py",
    service,
    method: "POST",
    path: "/v2/api/clients/{client_id}/scopes",
    body: ["scope"],
    response: S.obj({ scope }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      const [transfer] = await auth.getScopes({ scopeStrings: TRANSFER_ALL });
      if (!transfer) throw new Error("no scope document for transfer:all");
      return auth.createScope(client.id, "Wire", "Wire facts", "wire", {
        advertised: true,
        requiredDomains: ["globusid.org"],
        dependentScopes: [new DependentScopeSpec(transfer.id, false, false)],
      });
    },
  },
  {
    python: "AuthClient.update_scope",
    source: "services/auth/client/service_client.py; testing/data/auth/update_scope.py",
    service,
    method: "PUT",
    path: "/v2/api/scopes/{scope_id}",
    body: ["scope"],
    response: S.obj({ scope }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      const created = await auth.createScope(client.id, "Wire", "Wire facts", "wire");
      return auth.updateScope(created.scope.id, {
        scopeSuffix: "wired",
        allowsRefreshToken: false,
      });
    },
  },
  {
    python: "AuthClient.delete_scope",
    source: "services/auth/client/service_client.py; testing/data/auth/delete_scope.py",
    service,
    method: "DELETE",
    path: "/v2/api/scopes/{scope_id}",
    response: S.obj({ scope }),
    async drive(context) {
      const { auth, client } = await aliceService(context.emulator);
      const created = await auth.createScope(client.id, "Wire", "Wire facts", "wire");
      return auth.deleteScope(created.scope.id);
    },
  },
  {
    python: "NativeAppAuthClient.create_native_app_instance",
    // The recorded fixture nests its whole answer once more under "client"
    // ({"client": {"client": ..., "included": ...}}): its own builder names
    // {"client", "included"} the response body, which is what this follows.
    source:
      "services/auth/client/native_client.py; testing/data/auth/create_native_app_instance.py",
    service,
    method: "POST",
    path: "/v2/api/clients",
    body: ["client"],
    response: S.obj({
      client,
      included: S.obj({
        client_credential: S.obj({ name: S.str, id: S.str, client: S.str, secret: S.str }),
      }),
    }),
    drive: () => nativeClient().createNativeAppInstance(DEMO_NATIVE_CLIENT_ID, "Alice's laptop"),
  },
  {
    python: "ConfidentialAppAuthClient.create_child_client",
    source: "services/auth/client/confidential_client.py; testing/data/auth/create_child_client.py",
    service,
    method: "POST",
    path: "/v2/api/clients",
    body: ["client"],
    response: S.obj({ client: optionalKeys(clientFields, CONSTRUCTED_CLIENT_KEYS) }),
    drive: () =>
      confidentialClient().createChildClient("Child of the demo service", {
        publicClient: true,
        visibility: "public",
      }),
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
