// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
/**
 * The emulated Globus Auth developer API over plain HTTP: how it refuses bad bodies and
 * callers (in Auth's error format), who may see and change what, and what created
 * clients, credentials and scopes do to the token endpoint.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_REDIRECT_URI,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
  TOKEN_LEDGER_ENV,
} from "../../src/testing/index.ts";
import { basicAuth, nativeLogin, postForm, TRANSFER_ALL } from "./helpers.ts";

const MANAGE = "urn:globus:auth:scope:auth.globus.org:manage_projects";

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.stop());
beforeEach(() => emulator.controls.reset());

/** A JSON call to the Auth API. */
async function api(
  method: string,
  path: string,
  options: { token?: string; authorization?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization) headers.authorization = options.authorization;
  const response = await fetch(`${emulator.urls.auth}${path.replace(/^\//, "")}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: await response.json() };
}

/** A user's Auth token with manage_projects. */
async function manager(identityId: string): Promise<string> {
  const body = await nativeLogin(emulator, identityId, `openid ${MANAGE}`);
  return body.access_token;
}

/** Asserts Globus Auth's error body with this status and code. */
function assertAuthError(reply: { status: number; body: any }, status: number, code: string) {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.equal(reply.body.errors?.[0]?.code, code);
  assert.equal(typeof reply.body.errors[0].id, "string");
  // a 403 for a token without the scope is worded "unauthorized", as Globus Auth words it
  if (status !== 403) assert.equal(reply.body.error, code.toLowerCase());
}

async function newProject(token: string, admins = [ALICE_IDENTITY_ID]): Promise<string> {
  const reply = await api("POST", "/v2/api/projects", {
    token,
    body: { project: { display_name: "P", contact_email: "p@example.org", admin_ids: admins } },
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.project.id;
}

async function newClient(token: string, project: string, kind: Record<string, unknown>) {
  const reply = await api("POST", "/v2/api/clients", {
    token,
    body: { client: { name: "C", project, ...kind } },
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.client;
}

describe("Auth developer API: bodies and callers", () => {
  it("refuses unknown fields, missing documents and bad values with INVALID_PARAMETERS", async () => {
    const token = await manager(ALICE_IDENTITY_ID);
    const project = await newProject(token);
    for (const body of [
      {},
      { project: "not a document" },
      { project: { display_name: "P", contact_email: "e", admin_ids: [ALICE_IDENTITY_ID], x: 1 } },
      { project: { display_name: "", contact_email: "e", admin_ids: [ALICE_IDENTITY_ID] } },
      { project: { display_name: "P", contact_email: "e", admin_ids: ["not-a-uuid"] } },
      {
        project: {
          display_name: "P",
          contact_email: "e",
          admin_ids: [BOB_IDENTITY_ID.replace("2", "9")],
        },
      },
    ]) {
      assertAuthError(
        await api("POST", "/v2/api/projects", { token, body }),
        400,
        "INVALID_PARAMETERS",
      );
    }
    for (const client of [
      { name: "C", project },
      { name: "C", project, public_client: true, client_type: "resource_server" },
      { name: "C", project, client_type: "no_such_type" },
      { name: "C", project, public_client: true, visibility: "secret" },
      { name: "C", project, public_client: true, redirect_uris: ["not a url"] },
      { name: "C", project, public_client: true, links: { privacy_policy: "https://p" } },
      { name: "C", project, public_client: true, colour: "blue" },
    ]) {
      assertAuthError(
        await api("POST", "/v2/api/clients", { token, body: { client } }),
        400,
        "INVALID_PARAMETERS",
      );
    }
  });

  it("every call needs an Auth token with manage_projects (Auth's 401 and 403)", async () => {
    assertAuthError(await api("GET", "/v2/api/projects"), 401, "UNAUTHORIZED");
    const plain = (await nativeLogin(emulator, ALICE_IDENTITY_ID, "openid")).access_token;
    assertAuthError(await api("GET", "/v2/api/clients", { token: plain }), 403, "FORBIDDEN");
    const transfer = await nativeLogin(emulator, ALICE_IDENTITY_ID, TRANSFER_ALL);
    assertAuthError(
      await api("GET", "/v2/api/scopes", { token: transfer.access_token }),
      401,
      "UNAUTHORIZED",
    );
    // booleans as the Python SDK spells them: all=True lists other clients' consents too
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const elsewhere = await fetch(
      `${emulator.urls.auth}v2/oauth2/authorize?${new URLSearchParams({
        client_id: DEMO_CONFIDENTIAL_CLIENT_ID,
        redirect_uri: DEMO_CONFIDENTIAL_REDIRECT_URI,
        response_type: "code",
        scope: "openid",
      })}`,
      { redirect: "manual" },
    );
    await elsewhere.arrayBuffer();
    assert.equal(elsewhere.status, 302, "Alice consented to the demo service's login");
    const viewer = await nativeLogin(
      emulator,
      ALICE_IDENTITY_ID,
      "urn:globus:auth:scope:auth.globus.org:view_consents",
    );
    const clientsOf = async (all: string) => {
      const { body } = await api(
        "GET",
        `/v2/api/identities/${ALICE_IDENTITY_ID}/consents?all=${all}`,
        {
          token: viewer.access_token,
        },
      );
      return new Set(body.consents.map((c: any) => c.client));
    };
    assert.ok((await clientsOf("True")).has(DEMO_CONFIDENTIAL_CLIENT_ID));
    assert.ok(!(await clientsOf("False")).has(DEMO_CONFIDENTIAL_CLIENT_ID));
    // identity providers need only some Auth token
    const idps = await api("GET", "/v2/api/identity_providers?domains=globusid.org", {
      token: plain,
    });
    assert.deepEqual(
      idps.body.identity_providers.map((idp: any) => idp.short_name),
      ["globusid"],
    );
    assertAuthError(
      await api("GET", "/v2/api/identity_providers?domains=a.org&ids=x", { token: plain }),
      400,
      "INVALID_PARAMETERS",
    );
  });

  it("a client identity can administer a project, and always see itself", async () => {
    const cc = await postForm(
      `${emulator.urls.auth}v2/oauth2/token`,
      { grant_type: "client_credentials", scope: MANAGE },
      { authorization: basicAuth() },
    );
    const token = cc.body.access_token;
    const project = await newProject(token, [DEMO_CONFIDENTIAL_CLIENT_ID]);
    const listed = await api("GET", "/v2/api/projects", { token });
    assert.deepEqual(
      listed.body.projects.map((p: any) => p.id),
      [project],
    );
    assert.equal(
      listed.body.projects[0].admins.identities[0].username,
      `${DEMO_CONFIDENTIAL_CLIENT_ID}@clients.auth.globus.org`,
    );
    const self = await api("GET", `/v2/api/clients/${DEMO_CONFIDENTIAL_CLIENT_ID}`, { token });
    assert.equal(self.body.client.client_type, "hybrid_confidential_client_resource_server");
    assert.equal(self.body.client.project, null, "a seeded client belongs to no project");
    // another identity sees neither
    const bob = await manager(BOB_IDENTITY_ID);
    assertAuthError(
      await api("GET", `/v2/api/projects/${project}`, { token: bob }),
      403,
      "FORBIDDEN",
    );
    assertAuthError(
      await api("GET", `/v2/api/clients/${DEMO_CONFIDENTIAL_CLIENT_ID}`, { token: bob }),
      403,
      "FORBIDDEN",
    );
    assertAuthError(
      await api("GET", "/v2/api/projects/00000000-0000-4000-8000-000000000000", { token: bob }),
      404,
      "NOT_FOUND",
    );
  });

  it("a project with clients cannot be deleted; a deleted client takes its scopes and logins with it", async () => {
    const token = await manager(ALICE_IDENTITY_ID);
    const project = await newProject(token);
    const client = await newClient(token, project, { public_client: false });
    assertAuthError(
      await api("DELETE", `/v2/api/projects/${project}`, { token }),
      400,
      "INVALID_PARAMETERS",
    );
    const scope = await api("POST", `/v2/api/clients/${client.id}/scopes`, {
      token,
      body: { scope: { name: "S", description: "D", scope_suffix: "all" } },
    });
    const credential = await api("POST", `/v2/api/clients/${client.id}/credentials`, {
      token,
      body: { credential: { name: "c" } },
    });
    const secret = credential.body.credential.secret;
    // the leak check of `npm test` covers credential secrets as it covers tokens
    const ledger = process.env[TOKEN_LEDGER_ENV];
    if (ledger) assert.ok(readFileSync(ledger, "utf8").split("\n").includes(secret));
    const login = () =>
      postForm(
        `${emulator.urls.auth}v2/oauth2/token`,
        { grant_type: "client_credentials", scope: TRANSFER_ALL },
        { authorization: basicAuth(client.id, secret) },
      );
    assert.equal((await login()).status, 200);
    assert.equal((await api("DELETE", `/v2/api/clients/${client.id}`, { token })).status, 200);
    const after = await login();
    assert.equal(after.status, 401);
    assert.equal(after.body.error, "invalid_client");
    assertAuthError(
      await api("GET", `/v2/api/scopes/${scope.body.scope.id}`, { token }),
      404,
      "NOT_FOUND",
    );
    assert.equal((await api("DELETE", `/v2/api/projects/${project}`, { token })).status, 200);
  });

  it("grant types follow the client type", async () => {
    const token = await manager(ALICE_IDENTITY_ID);
    const project = await newProject(token);
    const identity = await newClient(token, project, { client_type: "client_identity" });
    const { body } = await api("POST", `/v2/api/clients/${identity.id}/credentials`, {
      token,
      body: { credential: { name: "c" } },
    });
    const basic = basicAuth(identity.id, body.credential.secret);
    const cc = await postForm(
      `${emulator.urls.auth}v2/oauth2/token`,
      { grant_type: "client_credentials", scope: TRANSFER_ALL },
      { authorization: basic },
    );
    assert.equal(cc.status, 200);
    // a client identity is no resource server: no dependent token grant
    const dependent = await postForm(
      `${emulator.urls.auth}v2/oauth2/token`,
      { grant_type: "urn:globus:auth:grant_type:dependent_token", token: cc.body.access_token },
      { authorization: basic },
    );
    assert.equal(dependent.status, 400);
    assert.equal(dependent.body.error, "unauthorized_client");
  });

  it("a created native app logs users in with PKCE at its registered redirect", async () => {
    const token = await manager(ALICE_IDENTITY_ID);
    const project = await newProject(token);
    const app = await newClient(token, project, {
      public_client: true,
      redirect_uris: ["https://app.example.org/cb"],
    });
    emulator.controls.autoApprove(BOB_IDENTITY_ID, { count: 2 });
    const authorize = (redirect: string) =>
      fetch(
        `${emulator.urls.auth}v2/oauth2/authorize?${new URLSearchParams({
          client_id: app.id,
          redirect_uri: redirect,
          response_type: "code",
          scope: "openid",
          code_challenge: "a".repeat(43),
          code_challenge_method: "S256",
        })}`,
        { redirect: "manual" },
      );
    const ok = await authorize("https://app.example.org/cb");
    await ok.arrayBuffer();
    assert.equal(ok.status, 302);
    assert.ok(new URL(ok.headers.get("location") ?? "").searchParams.get("code"));
    const refused = await authorize("https://elsewhere.example.org/cb");
    await refused.arrayBuffer();
    assert.equal(refused.status, 400, "an unregistered redirect is refused");
    emulator.controls.clearAutoApprove();
  });

  it("a native app instance is created unauthenticated, with its credential; reset forgets everything", async () => {
    const created = await api("POST", "/v2/api/clients", {
      body: { client: { name: "laptop", template_id: DEMO_NATIVE_CLIENT_ID } },
    });
    assert.equal(created.status, 200);
    const { client, included } = created.body;
    assert.equal(client.parent_client, DEMO_NATIVE_CLIENT_ID);
    assert.equal(included.client_credential.client, client.id);
    assert.equal(typeof included.client_credential.secret, "string");
    // a bearer caller without a project, or a template that is not a native app, is refused
    assertAuthError(
      await api("POST", "/v2/api/clients", {
        body: { client: { name: "x", template_id: DEMO_CONFIDENTIAL_CLIENT_ID } },
      }),
      400,
      "INVALID_PARAMETERS",
    );
    assertAuthError(
      await api("POST", "/v2/api/clients", {
        authorization: basicAuth(DEMO_CONFIDENTIAL_CLIENT_ID, "wrong"),
        body: { client: { name: "x", public_client: true } },
      }),
      401,
      "UNAUTHORIZED",
    );
    emulator.controls.reset();
    const login = await postForm(
      `${emulator.urls.auth}v2/oauth2/token`,
      { grant_type: "client_credentials", scope: TRANSFER_ALL },
      { authorization: basicAuth(client.id, included.client_credential.secret) },
    );
    assert.equal(login.status, 401, "created clients are emulator state, gone after reset");
  });

  it("scopes: suffixes are unique per client, dependents are named by id, optional ones only when asked", async () => {
    const token = await manager(ALICE_IDENTITY_ID);
    const project = await newProject(token);
    const client = await newClient(token, project, { public_client: false });
    const lookup = await api(
      "GET",
      `/v2/api/scopes?scope_strings=${encodeURIComponent(TRANSFER_ALL)}`,
      { token },
    );
    const transferId = lookup.body.scopes[0].id;
    assert.equal(lookup.body.scopes[0].client, "transfer.api.globus.org");
    const byId = await api("GET", `/v2/api/scopes?ids=${transferId}`, { token });
    assert.equal(byId.body.scopes[0].scope_string, TRANSFER_ALL);
    const create = (suffix: string, dependent_scopes: unknown[] = []) =>
      api("POST", `/v2/api/clients/${client.id}/scopes`, {
        token,
        body: { scope: { name: "S", description: "D", scope_suffix: suffix, dependent_scopes } },
      });
    const required = await create("required", [
      { scope: transferId, optional: false, requires_refresh_token: false },
    ]);
    assert.equal(required.status, 200);
    assertAuthError(await create("required"), 400, "INVALID_PARAMETERS");
    assertAuthError(
      await create("by_string", [
        { scope: TRANSFER_ALL, optional: false, requires_refresh_token: false },
      ]),
      400,
      "INVALID_PARAMETERS",
    );
    const optional = await create("optional", [
      { scope: transferId, optional: true, requires_refresh_token: false },
    ]);
    // Globus's own scopes are read-only
    assertAuthError(
      await api("PUT", `/v2/api/scopes/${transferId}`, { token, body: { scope: { name: "x" } } }),
      403,
      "FORBIDDEN",
    );
    /** After Bob's login with `scope`: the scope names consented beneath `parent`. */
    const dependentsAfterLogin = async (scope: string, parent: string) => {
      const login = await nativeLogin(emulator, BOB_IDENTITY_ID, `openid ${scope}`);
      const { body } = await api("GET", `/v2/api/identities/${BOB_IDENTITY_ID}/consents`, {
        token: login.access_token,
      });
      const root = body.consents.find((c: any) => c.scope_name === parent);
      assert.ok(root, `a consent for ${parent}`);
      return body.consents
        .filter((c: any) => c.dependency_path.length === 2 && c.dependency_path[0] === root.id)
        .map((c: any) => c.scope_name);
    };
    const requiredScope = required.body.scope.scope_string;
    const optionalScope = optional.body.scope.scope_string;
    assert.deepEqual(await dependentsAfterLogin(requiredScope, requiredScope), [TRANSFER_ALL]);
    assert.deepEqual(
      await dependentsAfterLogin(optionalScope, optionalScope),
      [],
      "an optional dependent scope is not implied",
    );
    assert.deepEqual(
      await dependentsAfterLogin(`${optionalScope}[${TRANSFER_ALL}]`, optionalScope),
      [TRANSFER_ALL],
    );
  });
});
