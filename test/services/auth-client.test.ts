/**
 * Every `AuthClient` method against the emulator: the request it sends (checked against
 * the Python SDK 4.9's payload keys, `DOCUMENT_KEYS` of the wire facts) and the decoded
 * answer; the developer APIs' permissions (a project admin sees only their projects); and
 * the two Auth scenarios of issue 18.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { jwtVerify } from "jose";
import {
  AuthClient,
  ConfidentialAppAuthClient,
  DependentScopeSpec,
  NativeAppAuthClient,
} from "../../src/auth/index.ts";
import { AccessTokenAuthorizer } from "../../src/authorizers/index.ts";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import { ClientApp, MemoryTokenStorage } from "../../src/index.ts";
import { AuthScopes, TransferScopes } from "../../src/scopes/index.ts";
import { AuthServiceClient, TransferClient } from "../../src/services/index.ts";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { AuthAPIError } from "../../src/transport/errors.ts";
import type { Authorizer } from "../../src/transport/types.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { DOCUMENT_KEYS } from "../wire/facts/auth.ts";
import { lastRequest, userTokens, withRequests } from "./helpers.ts";

const TRANSFER_ALL = TransferScopes.all.toString();
const MANAGE_PROJECTS = AuthScopes.manage_projects.toString();
const USER_SCOPES = [
  "openid",
  "profile",
  "email",
  MANAGE_PROJECTS,
  "urn:globus:auth:scope:auth.globus.org:view_identities",
  "urn:globus:auth:scope:auth.globus.org:view_consents",
];

let emulator: RunningEmulator;
let alice: AuthClient;
let bob: AuthClient;

/** An AuthClient carrying a user's Auth token for `scopes`. */
async function authClientFor(identityId: string, scopes = USER_SCOPES): Promise<AuthClient> {
  const tokens = await userTokens(emulator, scopes, { identityId });
  const token = tokens.get("auth.globus.org");
  assert.ok(token, "the login gave an Auth token");
  return new AuthClient({
    authorizer: new AccessTokenAuthorizer(token),
    retry: { maxAttempts: 1 },
  });
}

/** The JSON body of the last request to `path` (by method), and its inner document. */
function sentDocument(path: string, method: string, key: string): Record<string, unknown> {
  const body = lastRequest(emulator, "auth", path, method).body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), [key], `the body holds one "${key}" document`);
  return body[key] as Record<string, unknown>;
}

/** The keys sent are among those the Python SDK's payload can send. */
function assertPythonKeys(document: Record<string, unknown>, allowed: readonly string[]) {
  const extra = Object.keys(document).filter((key) => !allowed.includes(key));
  assert.deepEqual(extra, [], "keys the Python SDK never sends");
}

/**
 * Expects an AuthAPIError with this status and Globus Auth code (the `code` of its
 * `errors[]`, which the Python SDK reports as the error's code).
 */
async function rejectsWith(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AuthAPIError, `an AuthAPIError, got ${String(error)}`);
    assert.equal(error.httpStatus, status);
    assert.deepEqual(
      error.errors.map((e) => e.code),
      [code],
    );
    return true;
  });
}

before(async () => {
  emulator = await startEmulator();
  Object.assign(process.env, emulator.environmentVariables);
  delete process.env.GLOBUS_SDK_ENVIRONMENT;
  alice = await authClientFor(ALICE_IDENTITY_ID);
  bob = await authClientFor(BOB_IDENTITY_ID);
});
after(() => emulator.stop());

describe("AuthClient as a service client", () => {
  it("binds to an app with openid profile email; AuthServiceClient is the same class", async () => {
    await using app = emulatorUserApp(emulator, new MemoryTokenStorage(), "auth-client-app");
    const auth = new AuthClient({ app });
    assert.deepEqual(app.scopeRequirements["auth.globus.org"]?.map(String).sort(), [
      "email",
      "openid",
      "profile",
    ]);
    assert.equal(auth.resourceServer, "auth.globus.org");
    assert.equal(auth.baseUrl, emulator.urls.auth);
    // the app logs in on first use
    const info = await auth.userinfo();
    assert.equal(info.sub, ALICE_IDENTITY_ID);
    assert.equal(info["email"], "alice@example.org");
    assert.equal(AuthServiceClient, AuthClient);
    assert.ok(new AuthServiceClient() instanceof AuthClient);
  });
});

describe("OpenID configuration and keys", () => {
  /** An authorizer that fails the call if it is ever asked for a header. */
  const refusing: Authorizer = {
    getAuthorizationHeader: () => Promise.reject(new Error("credentials were used")),
    handleMissingAuthorization: async () => false,
  };

  it("getOpenidConfiguration and getJwk are fetched without credentials", async () => {
    const auth = new AuthClient({ authorizer: refusing });
    const config = await auth.getOpenidConfiguration();
    assert.equal(config.issuer, emulator.urls.auth.replace(/\/$/, ""));
    assert.equal(config.jwks_uri, `${emulator.urls.auth}jwk.json`);
    const jwks = await auth.getJwk(config);
    assert.ok(jwks.keys.length >= 1);
    assert.equal(jwks.keys[0]?.kty, "RSA");
    // without a configuration, it is fetched first
    const { requests } = await withRequests(emulator, { service: "auth", path: "/" }, () =>
      auth.getJwk(),
    );
    assert.deepEqual(
      requests.map((r) => r.path),
      ["/.well-known/openid-configuration", "/jwk.json"],
    );
  });

  it("getJwk with asPem gives a public key that verifies Globus Auth's id_tokens", async () => {
    const login = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID);
    const key = await new AuthClient().getJwk(undefined, { asPem: true });
    assert.equal(key.type, "public");
    assert.equal(key.asymmetricKeyType, "rsa");
    assert.deepEqual(
      await login.getJwk(undefined, { asPem: false }),
      await new AuthClient().getJwk(),
    );
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const tokens = await userTokens(emulator, ["openid"]);
    assert.ok(tokens.has("auth.globus.org"));
    // a fresh login's id_token, verified with node's KeyObject through jose
    const flow = login.oauth2StartFlow(["openid"], { redirectUri: "http://127.0.0.1:1/cb" });
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const redirect = await fetch(login.oauth2GetAuthorizeUrl(), { redirect: "manual" });
    await redirect.arrayBuffer();
    const code = new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const response = await login.oauth2ExchangeCodeForTokens(code);
    assert.equal(flow.redirectUri, "http://127.0.0.1:1/cb");
    const idToken = response.idToken;
    assert.equal(typeof idToken, "string");
    const { payload } = await jwtVerify(idToken as string, key, {
      audience: DEMO_NATIVE_CLIENT_ID,
    });
    assert.equal(payload.sub, ALICE_IDENTITY_ID);
  });
});

describe("identities and consents", () => {
  it("getIdentities by ids and by usernames: a list that also carries `identities`", async () => {
    const byId = await alice.getIdentities({ ids: [BOB_IDENTITY_ID, ALICE_IDENTITY_ID] });
    assert.deepEqual(byId.map((i) => i.id).sort(), [ALICE_IDENTITY_ID, BOB_IDENTITY_ID].sort());
    assert.deepEqual(byId.identities, [...byId]);
    assert.deepEqual(Object.keys(byId.data), ["identities"]);
    const sent = lastRequest(emulator, "auth", "/v2/api/identities").query;
    assert.deepEqual(Object.keys(sent), ["ids"], "no provision with ids, as in Python");

    const byName = await alice.getIdentities({ usernames: "bob@globusid.org", provision: true });
    assert.equal(byName[0]?.id, BOB_IDENTITY_ID);
    assert.equal(byName[0]?.identity_provider, "41143743-f3c8-4d60-bbdb-eeecaba85bd9");
    assert.deepEqual(lastRequest(emulator, "auth", "/v2/api/identities").query, {
      usernames: "bob@globusid.org",
      provision: "true",
    });
    await alice.getIdentities({ usernames: ["bob@globusid.org"] });
    assert.equal(lastRequest(emulator, "auth", "/v2/api/identities").query.provision, "false");

    await assert.rejects(alice.getIdentities({ ids: ["not-a-uuid"] }), /ids\[0\] is not a UUID/);
    await assert.rejects(
      alice.getIdentities({ ids: [ALICE_IDENTITY_ID], usernames: ["x"] }),
      GlobusSDKUsageError,
    );
  });

  it("getIdentityProviders by domains or by ids", async () => {
    const byDomain = await alice.getIdentityProviders({
      domains: ["globusid.org", "university.example.edu"],
    });
    assert.equal(
      lastRequest(emulator, "auth", "/v2/api/identity_providers").query.domains,
      "globusid.org,university.example.edu",
    );
    assert.deepEqual(byDomain.map((idp) => idp.name).sort(), ["Example University", "Globus ID"]);
    const globusId = byDomain.identity_providers.find((idp) => idp.short_name === "globusid");
    assert.deepEqual(globusId?.domains, ["globusid.org"]);
    const byId = await alice.getIdentityProviders({ ids: globusId?.id ?? "" });
    assert.deepEqual(
      byId.map((idp) => idp.id),
      [globusId?.id],
    );
    assert.throws(
      () => alice.getIdentityProviders({ domains: "a.org", ids: ALICE_IDENTITY_ID }),
      GlobusSDKUsageError,
    );
  });

  it("getConsents sends all=false unless asked, and carries `consents`", async () => {
    const consents = await alice.getConsents(ALICE_IDENTITY_ID);
    assert.equal(
      lastRequest(emulator, "auth", `/v2/api/identities/${ALICE_IDENTITY_ID}`).query.all,
      "false",
    );
    assert.deepEqual(consents.consents, [...consents]);
    const all = await alice.getConsents(ALICE_IDENTITY_ID, { all: true });
    assert.ok(all.some((c) => c.scope_name === MANAGE_PROJECTS));
    // a linked identity's consents are visible; another user's are not
    await alice.getConsents(ALICE_UNIVERSITY_IDENTITY_ID);
    await rejectsWith(alice.getConsents(BOB_IDENTITY_ID), 403, "FORBIDDEN");
  });
});

describe("projects", () => {
  it("create, get, list, update and delete; the body has the Python SDK's keys", async () => {
    const created = await alice.createProject("Alice's lab", "lab@example.org", {
      adminIds: ALICE_IDENTITY_ID,
    });
    const sent = sentDocument("/v2/api/projects", "POST", "project");
    assertPythonKeys(sent, DOCUMENT_KEYS.project);
    assert.deepEqual(sent, {
      display_name: "Alice's lab",
      contact_email: "lab@example.org",
      admin_ids: [ALICE_IDENTITY_ID],
    });
    const project = created.project;
    assert.equal(project.display_name, "Alice's lab");
    assert.equal(project.project_name, "Alice's lab");
    assert.deepEqual(project.admin_ids, [ALICE_IDENTITY_ID]);
    assert.equal(project.admin_group_ids, null);
    assert.deepEqual(
      project.admins.identities.map((i) => i.username),
      ["alice@globusid.org"],
    );

    assert.equal((await alice.getProject(project.id)).project.id, project.id);
    assert.ok((await alice.getProjects()).projects.some((p) => p.id === project.id));

    const updated = await alice.updateProject(project.id, {
      contactEmail: "new@example.org",
      adminIds: [ALICE_IDENTITY_ID, BOB_IDENTITY_ID],
    });
    assertPythonKeys(
      sentDocument(`/v2/api/projects/${project.id}`, "PUT", "project"),
      DOCUMENT_KEYS.project,
    );
    assert.equal(updated.project.contact_email, "new@example.org");
    assert.equal(updated.project.display_name, "Alice's lab", "fields not given are kept");
    assert.deepEqual(updated.project.admins.identities.length, 2);

    const deleted = await alice.deleteProject(project.id);
    assert.equal(deleted.project.id, project.id);
    await rejectsWith(alice.getProject(project.id), 404, "NOT_FOUND");
  });

  it("a project admin sees only their projects", async () => {
    const { project: mine } = await alice.createProject("Alice only", "a@example.org", {
      adminIds: [ALICE_IDENTITY_ID],
    });
    const { project: bobs } = await bob.createProject("Bob only", "b@example.org", {
      adminIds: [BOB_IDENTITY_ID],
    });
    const aliceSees = (await alice.getProjects()).map((p) => p.id);
    const bobSees = (await bob.getProjects()).map((p) => p.id);
    assert.ok(aliceSees.includes(mine.id) && !aliceSees.includes(bobs.id));
    assert.ok(bobSees.includes(bobs.id) && !bobSees.includes(mine.id));
    await rejectsWith(bob.getProject(mine.id), 403, "FORBIDDEN");
    await rejectsWith(bob.updateProject(mine.id, { displayName: "Mine now" }), 403, "FORBIDDEN");
    await rejectsWith(bob.deleteProject(mine.id), 403, "FORBIDDEN");
    // an admin through a linked identity counts: Alice's university identity
    const { project: linked } = await bob.createProject("Shared", "s@example.org", {
      adminIds: [BOB_IDENTITY_ID, ALICE_UNIVERSITY_IDENTITY_ID],
    });
    assert.equal((await alice.getProject(linked.id)).project.id, linked.id);
  });

  it("needs manage_projects; refuses bad arguments before sending", async () => {
    const plain = await authClientFor(ALICE_IDENTITY_ID, ["openid"]);
    await rejectsWith(plain.getProjects(), 403, "FORBIDDEN");
    assert.throws(() => alice.getProject("nope"), /projectId is not a UUID/);
    assert.throws(() => alice.createProject("", "x@example.org"), /displayName/);
    await rejectsWith(alice.createProject("No admins", "x@example.org"), 400, "INVALID_PARAMETERS");
  });
});

describe("policies", () => {
  it("create, get, list, update and delete", async () => {
    const { project } = await alice.createProject("Policies", "p@example.org", {
      adminIds: ALICE_IDENTITY_ID,
    });
    const { policy } = await alice.createPolicy({
      projectId: project.id,
      displayName: "Campus",
      description: "Campus identities, recently authenticated",
      highAssurance: true,
      authenticationAssuranceTimeout: 600,
      domainConstraintsInclude: ["university.example.edu"],
    });
    const sent = sentDocument("/v2/api/policies", "POST", "policy");
    assertPythonKeys(sent, DOCUMENT_KEYS.policy);
    assert.deepEqual(sent.domain_constraints_include, ["university.example.edu"]);
    assert.equal(policy.project_id, project.id);
    assert.equal(policy.high_assurance, true);
    assert.equal(policy.authentication_assurance_timeout, 600);
    assert.equal(policy.required_mfa, false);
    assert.equal(policy.domain_constraints_exclude, null);

    assert.equal((await alice.getPolicy(policy.id)).policy.display_name, "Campus");
    assert.deepEqual(
      (await alice.getPolicies()).policies.find((p) => p.id === policy.id),
      policy,
    );

    const updated = await alice.updatePolicy(policy.id, {
      requiredMfa: true,
      domainConstraintsInclude: null,
    });
    const sentUpdate = sentDocument(`/v2/api/policies/${policy.id}`, "PUT", "policy");
    assertPythonKeys(sentUpdate, DOCUMENT_KEYS.policy);
    assert.deepEqual(sentUpdate, { required_mfa: true, domain_constraints_include: null });
    assert.equal(updated.policy.required_mfa, true);
    assert.equal(updated.policy.domain_constraints_include, null);
    assert.equal(updated.policy.display_name, "Campus");

    await rejectsWith(bob.getPolicy(policy.id), 403, "FORBIDDEN");
    assert.ok(!(await bob.getPolicies()).some((p) => p.id === policy.id));
    assert.equal((await alice.deletePolicy(policy.id)).policy.id, policy.id);
    await rejectsWith(alice.getPolicy(policy.id), 404, "NOT_FOUND");
    assert.throws(
      () => alice.createPolicy({ projectId: "x", displayName: "a", description: "b" }),
      /projectId is not a UUID/,
    );
  });
});

describe("clients and their credentials", () => {
  let projectId: string;
  before(async () => {
    projectId = (
      await alice.createProject("Clients", "c@example.org", { adminIds: ALICE_IDENTITY_ID })
    ).project.id;
  });

  it("createClient: a native app and a confidential service, with the Python SDK's keys", async () => {
    const { client: app } = await alice.createClient("Alice's CLI", projectId, {
      publicClient: true,
      redirectUris: ["https://cli.example.org/callback"],
      termsAndConditions: "https://cli.example.org/terms",
      privacyPolicy: "https://cli.example.org/privacy",
    });
    const sent = sentDocument("/v2/api/clients", "POST", "client");
    assertPythonKeys(sent, DOCUMENT_KEYS.client);
    assert.deepEqual(sent.links, {
      terms_and_conditions: "https://cli.example.org/terms",
      privacy_policy: "https://cli.example.org/privacy",
    });
    assert.equal(app.client_type, "public_installed_client");
    assert.equal(app.public_client, true);
    assert.equal(app.project, projectId);
    assert.deepEqual(app.grant_types, ["authorization_code", "refresh_token"]);
    assert.deepEqual(app.redirect_uris, ["https://cli.example.org/callback"]);

    const { client: service } = await alice.createClient("Alice's service", projectId, {
      clientType: "confidential_client",
      visibility: "public",
    });
    assert.equal(service.public_client, false);
    assert.equal(service.visibility, "public");
    assert.ok(service.grant_types.includes("client_credentials"));
    assert.ok(!service.grant_types.includes("urn:globus:auth:grant_type:dependent_token"));

    assert.throws(
      () =>
        alice.createClient("x", projectId, { publicClient: true, clientType: "resource_server" }),
      /mutually exclusive/,
    );
    assert.throws(() => alice.createClient("x", projectId, {}), /publicClient or clientType/);
    assert.throws(
      () => alice.createClient("x", projectId, { publicClient: true, privacyPolicy: "https://p" }),
      /go together/,
    );
  });

  it("getClient by id and by fqdn, getClients, updateClient, deleteClient", async () => {
    const { client } = await alice.createClient("Endpoint", projectId, {
      clientType: "globus_connect_server",
      additionalFields: { fqdns: ["gcs.example.org"] },
    });
    assert.deepEqual(sentDocument("/v2/api/clients", "POST", "client").fqdns, ["gcs.example.org"]);
    assert.equal((await alice.getClient({ clientId: client.id })).client.name, "Endpoint");
    assert.equal((await alice.getClient({ fqdn: "gcs.example.org" })).client.id, client.id);
    assert.deepEqual(lastRequest(emulator, "auth", "/v2/api/clients", "GET").query, {
      fqdn: "gcs.example.org",
    });
    assert.ok((await alice.getClients()).clients.some((c) => c.id === client.id));
    assert.ok(!(await bob.getClients()).some((c) => c.id === client.id));
    await rejectsWith(bob.getClient({ clientId: client.id }), 403, "FORBIDDEN");

    const { client: updated } = await alice.updateClient(client.id, {
      name: "Endpoint (renamed)",
      termsAndConditions: null,
      privacyPolicy: null,
      requiredIdp: "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
    });
    const sent = sentDocument(`/v2/api/clients/${client.id}`, "PUT", "client");
    assertPythonKeys(sent, DOCUMENT_KEYS.client);
    assert.deepEqual(sent.links, { terms_and_conditions: null, privacy_policy: null });
    assert.equal(updated.name, "Endpoint (renamed)");
    assert.equal(updated.required_idp, "41143743-f3c8-4d60-bbdb-eeecaba85bd9");
    assert.deepEqual(updated.fqdns, ["gcs.example.org"]);

    assert.throws(
      () => alice.updateClient(client.id, { termsAndConditions: "https://t" }),
      /go together/,
    );
    assert.throws(() => alice.getClient({}), /clientId or fqdn/);
    assert.throws(() => alice.getClient({ clientId: client.id, fqdn: "x" }), /mutually exclusive/);

    assert.equal((await alice.deleteClient(client.id)).client.id, client.id);
    await rejectsWith(alice.getClient({ clientId: client.id }), 404, "NOT_FOUND");
  });

  it("credentials: the secret only in the answer that created it", async () => {
    const { client } = await alice.createClient("Creds", projectId, { publicClient: false });
    const { credential } = await alice.createClientCredential(client.id, "ci");
    assert.deepEqual(
      sentDocument(`/v2/api/clients/${client.id}/credentials`, "POST", "credential"),
      {
        name: "ci",
      },
    );
    assert.equal(typeof credential.secret, "string");
    assert.ok(!inspect(credential).includes(credential.secret ?? ""), "printing hides the secret");
    assert.match(inspect(credential), /secret: '\*\*\*'/);
    assert.equal(JSON.parse(JSON.stringify(credential)).secret, credential.secret);
    assert.equal(credential.client, client.id);
    assert.match(credential.created, /^\d{4}-\d\d-\d\dT.*\+00:00$/);
    const listed = await alice.getClientCredentials(client.id);
    assert.deepEqual(
      listed.credentials.map((c) => [c.id, c.secret]),
      [[credential.id, null]],
    );
    const removed = await alice.deleteClientCredential(client.id, credential.id);
    assert.equal(removed.credential.secret, null);
    assert.equal((await alice.getClientCredentials(client.id)).length, 0);
    await rejectsWith(alice.deleteClientCredential(client.id, credential.id), 404, "NOT_FOUND");
    // a native app has no secrets
    const { client: app } = await alice.createClient("App", projectId, { publicClient: true });
    await rejectsWith(alice.createClientCredential(app.id, "x"), 400, "INVALID_PARAMETERS");
  });
});

describe("scopes", () => {
  it("create with a dependent scope, get, look up, update and delete", async () => {
    const { project } = await alice.createProject("Scopes", "s@example.org", {
      adminIds: ALICE_IDENTITY_ID,
    });
    const { client } = await alice.createClient("API", project.id, { publicClient: false });
    const [transfer] = await alice.getScopes({ scopeStrings: TRANSFER_ALL });
    assert.ok(transfer, "Globus's own scopes can be looked up by string");
    assert.equal(transfer.scope_string, TRANSFER_ALL);
    assert.deepEqual(lastRequest(emulator, "auth", "/v2/api/scopes", "GET").query, {
      scope_strings: TRANSFER_ALL,
    });

    const { scope } = await alice.createScope(client.id, "Run jobs", "Run jobs for you", "jobs", {
      dependentScopes: [new DependentScopeSpec(transfer.id, false, true)],
      requiredDomains: ["globusid.org"],
    });
    const sent = sentDocument(`/v2/api/clients/${client.id}/scopes`, "POST", "scope");
    assertPythonKeys(sent, DOCUMENT_KEYS.scope);
    assert.deepEqual(sent.dependent_scopes, [
      { scope: transfer.id, optional: false, requires_refresh_token: true },
    ]);
    assert.equal(scope.scope_string, `https://auth.globus.org/scopes/${client.id}/jobs`);
    assert.equal(scope.client, client.id);
    assert.equal(scope.allows_refresh_token, true);
    assert.equal(scope.advertised, false);
    assert.deepEqual(scope.dependent_scopes[0]?.scope, transfer.id);
    assert.deepEqual((await alice.getClient({ clientId: client.id })).client.scopes, [scope.id]);

    assert.equal((await alice.getScope(scope.id)).scope.name, "Run jobs");
    assert.deepEqual(
      (await alice.getScopes({ ids: [scope.id] })).map((s) => s.id),
      [scope.id],
    );
    assert.ok((await alice.getScopes()).some((s) => s.id === scope.id));
    assert.ok(!(await bob.getScopes()).some((s) => s.id === scope.id));

    const { scope: updated } = await alice.updateScope(scope.id, {
      scopeSuffix: "batch_jobs",
      advertised: true,
    });
    assertPythonKeys(
      sentDocument(`/v2/api/scopes/${scope.id}`, "PUT", "scope"),
      DOCUMENT_KEYS.scope,
    );
    assert.equal(updated.scope_string, `https://auth.globus.org/scopes/${client.id}/batch_jobs`);
    assert.equal(updated.advertised, true);
    assert.equal(updated.name, "Run jobs");

    await rejectsWith(
      alice.createScope(client.id, "Bad", "Bad suffix", "Not-Valid"),
      400,
      "INVALID_PARAMETERS",
    );
    await rejectsWith(
      alice.createScope(client.id, "Dangling", "Depends on nothing", "dangling", {
        dependentScopes: [new DependentScopeSpec(BOB_IDENTITY_ID, false, false)],
      }),
      400,
      "INVALID_PARAMETERS",
    );
    assert.throws(
      () => alice.getScopes({ ids: scope.id, scopeStrings: TRANSFER_ALL }),
      /mutually exclusive/,
    );
    assert.throws(() => new DependentScopeSpec("", false, false), GlobusSDKUsageError);

    assert.equal((await alice.deleteScope(scope.id)).scope.id, scope.id);
    await rejectsWith(alice.getScope(scope.id), 404, "NOT_FOUND");
  });
});

describe("scenarios", () => {
  it("a project, a confidential client and its credential: a ClientApp logs in with it; once the credential is deleted, the next login fails with a typed error", async () => {
    const { project } = await alice.createProject("Service account", "svc@example.org", {
      adminIds: ALICE_IDENTITY_ID,
    });
    const { client } = await alice.createClient("Nightly sync", project.id, {
      clientType: "client_identity",
    });
    const { credential } = await alice.createClientCredential(client.id, "nightly");
    const secret = credential.secret;
    assert.ok(secret);

    await using app = new ClientApp("nightly-sync", {
      clientId: client.id,
      clientSecret: secret,
      config: { tokenStorage: "memory" },
    });
    const transfer = new TransferClient({ app });
    const submission = await transfer.getSubmissionId();
    assert.equal(typeof submission, "string");
    const grant = emulator.controls
      .requestLog({ service: "auth", path: "/v2/oauth2/token", clientId: client.id })
      .at(-1);
    assert.equal(grant?.grantType, "client_credentials");
    assert.equal(grant?.status, 200);

    await alice.deleteClientCredential(client.id, credential.id);
    await assert.rejects(app.login({ force: true }), (error: unknown) => {
      assert.ok(error instanceof AuthAPIError, String(error));
      assert.equal(error.httpStatus, 401);
      assert.equal(error.code, "invalid_client");
      assert.ok(!String(error).includes(secret), "the secret is not in the error");
      return true;
    });
  });

  it("a custom scope with a dependent scope: after a login, getConsents shows the dependent consent", async () => {
    const { project } = await alice.createProject("Portal", "portal@example.org", {
      adminIds: ALICE_IDENTITY_ID,
    });
    const { client } = await alice.createClient("Portal API", project.id, {
      publicClient: false,
    });
    const [transfer] = await alice.getScopes({ scopeStrings: TRANSFER_ALL });
    assert.ok(transfer);
    const { scope } = await alice.createScope(client.id, "Portal", "Use the portal", "portal", {
      dependentScopes: [new DependentScopeSpec(transfer.id, false, false)],
    });

    // Bob logs in to the demo native app, asking for the portal's scope alone
    const tokens = await userTokens(emulator, [scope.scope_string, "openid"], {
      identityId: BOB_IDENTITY_ID,
    });
    assert.ok(tokens.has(client.id), "a token for the portal, its resource server");
    const bobConsents = await new AuthClient({
      authorizer: new AccessTokenAuthorizer(tokens.get("auth.globus.org") ?? ""),
    }).getConsents(BOB_IDENTITY_ID);
    const parent = bobConsents.find((c) => c.scope_name === scope.scope_string);
    const child = bobConsents.find((c) => c.scope_name === TRANSFER_ALL);
    assert.ok(parent && child, "both consents, rooted at the native app");
    assert.deepEqual(child.dependency_path, [parent.id, child.id]);
    assert.equal(child.client, client.id, "the dependent consent is held by the portal");
    assert.equal(child.scope, transfer.id);
    assert.equal(parent.scope, scope.id);

    // the portal can now act for Bob on Transfer: its credential and the dependent grant
    const { credential } = await alice.createClientCredential(client.id, "portal");
    const portal = new ConfidentialAppAuthClient(client.id, credential.secret ?? "");
    const dependent = await portal.oauth2GetDependentTokens(tokens.get(client.id) ?? "");
    assert.deepEqual(Object.keys(dependent.byResourceServer), ["transfer.api.globus.org"]);
  });

  it("a deleted scope can no longer be requested", async () => {
    const { project } = await alice.createProject("Gone", "g@example.org", {
      adminIds: ALICE_IDENTITY_ID,
    });
    const { client } = await alice.createClient("Gone API", project.id, { publicClient: false });
    const { scope } = await alice.createScope(client.id, "Gone", "Soon gone", "gone");
    await alice.deleteScope(scope.id);
    const login = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID);
    login.oauth2StartFlow(scope.scope_string, { redirectUri: "http://127.0.0.1:1/cb" });
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const redirect = await fetch(login.oauth2GetAuthorizeUrl(), { redirect: "manual" });
    await redirect.arrayBuffer();
    const back = new URL(redirect.headers.get("location") ?? "").searchParams;
    assert.equal(back.get("error"), "invalid_scope");
    assert.match(back.get("error_description") ?? "", /Unknown scope/);
    emulator.controls.clearAutoApprove();
  });
});
