// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createRemoteJWKSet, jwtVerify } from "jose";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import {
  authorizeCode,
  basicAuth,
  NATIVE_REDIRECT,
  nativeLogin,
  postForm,
  TRANSFER_ALL,
  VIEW_CONSENTS,
} from "./helpers.ts";

const DATA_ACCESS = `https://auth.globus.org/scopes/${DEMO_COLLECTION_ID}/data_access`;
const SERVICE_SCOPE = `https://auth.globus.org/scopes/${DEMO_CONFIDENTIAL_CLIENT_ID}/all`;

describe("Globus Auth token endpoint", () => {
  let emulator: RunningEmulator;
  let tokenUrl: string;
  before(async () => {
    emulator = await startEmulator();
    tokenUrl = `${emulator.urls.auth}v2/oauth2/token`;
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.controls.reset());

  it("exchanges an authorization code (PKCE) for Globus-shaped tokens with an id_token", async () => {
    const body = await nativeLogin(
      emulator,
      ALICE_IDENTITY_ID,
      `openid profile email ${TRANSFER_ALL}`,
      {
        offline: true,
      },
    );
    assert.equal(body.resource_server, "auth.globus.org");
    assert.equal(body.scope, "openid profile email");
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 172800);
    assert.equal(body.state, "xyz");
    assert.equal(typeof body.refresh_token, "string");
    assert.equal(body.other_tokens.length, 1);
    const transfer = body.other_tokens[0];
    assert.equal(transfer.resource_server, "transfer.api.globus.org");
    assert.equal(transfer.scope, TRANSFER_ALL);
    assert.equal(typeof transfer.refresh_token, "string");
    assert.notEqual(transfer.access_token, body.access_token);

    const jwks = createRemoteJWKSet(new URL(`${emulator.urls.auth}jwk.json`));
    const { payload, protectedHeader } = await jwtVerify(body.id_token, jwks, {
      issuer: emulator.urls.auth.replace(/\/$/, ""),
      audience: DEMO_NATIVE_CLIENT_ID,
    });
    assert.equal(protectedHeader.alg, "RS256");
    assert.equal(payload.sub, ALICE_IDENTITY_ID);
    assert.equal(payload.preferred_username, "alice@globusid.org");
    assert.equal(payload.email, "alice@example.org");
    assert.equal(payload.organization, "Globus Emulator");
    const set = payload.identity_set as { sub: string }[];
    assert.deepEqual(
      set.map((member) => member.sub).sort(),
      [ALICE_IDENTITY_ID, ALICE_UNIVERSITY_IDENTITY_ID].sort(),
    );
    assert.equal(typeof payload.at_hash, "string");
    assert.equal(payload.exp! - payload.iat!, 172800);
  });

  it("omits refresh tokens and id_token when not requested", async () => {
    const body = await nativeLogin(emulator, ALICE_IDENTITY_ID, TRANSFER_ALL);
    assert.equal(body.resource_server, "transfer.api.globus.org");
    assert.equal(body.refresh_token, undefined);
    assert.equal(body.id_token, undefined);
    assert.deepEqual(body.other_tokens, []);
  });

  it("makes authorization codes single-use", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const { code, verifier } = await authorizeCode(emulator, TRANSFER_ALL);
    const fields = {
      grant_type: "authorization_code",
      client_id: DEMO_NATIVE_CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: NATIVE_REDIRECT,
    };
    assert.equal((await postForm(tokenUrl, fields)).status, 200);
    const again = await postForm(tokenUrl, fields);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, "invalid_grant");
  });

  it("expires authorization codes by the emulator clock", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const { code, verifier } = await authorizeCode(emulator, TRANSFER_ALL);
    emulator.controls.advanceClock(601);
    const result = await postForm(tokenUrl, {
      grant_type: "authorization_code",
      client_id: DEMO_NATIVE_CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: NATIVE_REDIRECT,
    });
    assert.equal(result.status, 400);
    assert.equal(result.body.error, "invalid_grant");
  });

  it("rejects a wrong PKCE verifier, a missing verifier and a different redirect_uri", async () => {
    for (const change of [
      { code_verifier: "x".repeat(50) },
      { code_verifier: undefined },
      { redirect_uri: "http://127.0.0.1:9999/other" },
    ]) {
      emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
      const { code, verifier } = await authorizeCode(emulator, TRANSFER_ALL);
      const fields: Record<string, string> = {
        grant_type: "authorization_code",
        client_id: DEMO_NATIVE_CLIENT_ID,
        code,
        code_verifier: verifier,
        redirect_uri: NATIVE_REDIRECT,
      };
      for (const [key, value] of Object.entries(change)) {
        if (value === undefined) delete fields[key];
        else fields[key] = value;
      }
      const result = await postForm(tokenUrl, fields);
      assert.equal(result.status, 400, JSON.stringify(change));
      assert.equal(result.body.error, "invalid_grant");
    }
  });

  it("authenticates confidential clients with HTTP Basic and rejects bad secrets", async () => {
    const ok = await postForm(
      tokenUrl,
      { grant_type: "client_credentials", scope: TRANSFER_ALL },
      { authorization: basicAuth() },
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.body.resource_server, "transfer.api.globus.org");
    assert.deepEqual(ok.body.other_tokens, []);
    assert.equal(ok.body.refresh_token, undefined);

    const bad = await postForm(
      tokenUrl,
      { grant_type: "client_credentials", scope: TRANSFER_ALL },
      { authorization: basicAuth(DEMO_CONFIDENTIAL_CLIENT_ID, "wrong") },
    );
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, "invalid_client");
    assert.ok(!JSON.stringify(bad.body).includes("wrong"));

    const unknown = await postForm(
      tokenUrl,
      { grant_type: "client_credentials", scope: TRANSFER_ALL },
      { authorization: basicAuth("00000000-0000-4000-8000-000000000000", "x") },
    );
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, "invalid_client");

    const none = await postForm(tokenUrl, {
      grant_type: "client_credentials",
      scope: TRANSFER_ALL,
    });
    assert.equal(none.status, 401);
    assert.equal(none.body.error, "invalid_client");

    const confidentialWithoutSecret = await postForm(tokenUrl, {
      grant_type: "client_credentials",
      scope: TRANSFER_ALL,
      client_id: DEMO_CONFIDENTIAL_CLIENT_ID,
    });
    assert.equal(confidentialWithoutSecret.status, 401);
  });

  it("refuses client_credentials for native clients, bad scopes and unknown grant types", async () => {
    const native = await postForm(tokenUrl, {
      grant_type: "client_credentials",
      scope: TRANSFER_ALL,
      client_id: DEMO_NATIVE_CLIENT_ID,
    });
    assert.equal(native.status, 400);
    assert.equal(native.body.error, "unauthorized_client");

    for (const scope of ["", "not-a-scope", `${TRANSFER_ALL}[${DATA_ACCESS}`]) {
      const result = await postForm(
        tokenUrl,
        { grant_type: "client_credentials", scope },
        { authorization: basicAuth() },
      );
      assert.equal(result.status, 400, scope);
      assert.equal(result.body.error, "invalid_scope");
    }

    const weird = await postForm(
      tokenUrl,
      { grant_type: "password" },
      { authorization: basicAuth() },
    );
    assert.equal(weird.status, 400);
    assert.equal(weird.body.error, "unsupported_grant_type");

    const missing = await postForm(tokenUrl, {}, { authorization: basicAuth() });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, "invalid_request");
  });

  it("refreshes with a refresh token (which stays valid) until it is revoked", async () => {
    const body = await nativeLogin(emulator, ALICE_IDENTITY_ID, TRANSFER_ALL, { offline: true });
    const refresh = (token: string) =>
      postForm(tokenUrl, {
        grant_type: "refresh_token",
        refresh_token: token,
        client_id: DEMO_NATIVE_CLIENT_ID,
      });
    const first = await refresh(body.refresh_token);
    assert.equal(first.status, 200);
    assert.equal(first.body.resource_server, "transfer.api.globus.org");
    assert.equal(first.body.scope, TRANSFER_ALL);
    assert.notEqual(first.body.access_token, body.access_token);
    assert.equal(first.body.refresh_token, body.refresh_token);
    assert.equal((await refresh(body.refresh_token)).status, 200);
    assert.equal(emulator.controls.countGrants("refresh_token"), 2);

    const revoke = await postForm(`${emulator.urls.auth}v2/oauth2/token/revoke`, {
      token: body.refresh_token,
      client_id: DEMO_NATIVE_CLIENT_ID,
    });
    assert.equal(revoke.status, 200);
    assert.deepEqual(revoke.body, { active: false });
    const after = await refresh(body.refresh_token);
    assert.equal(after.status, 400);
    assert.equal(after.body.error, "invalid_grant");
    const bogus = await refresh("not-a-refresh-token");
    assert.equal(bogus.body.error, "invalid_grant");
    const missing = await postForm(tokenUrl, {
      grant_type: "refresh_token",
      client_id: DEMO_NATIVE_CLIENT_ID,
    });
    assert.equal(missing.body.error, "invalid_request");
    // Revoking the refresh token also revoked the access tokens issued from it.
    const revokedAccess = emulator.controls
      .tokens()
      .filter((t) => t.kind === "access" && t.revoked);
    assert.equal(revokedAccess.length, 3);
  });

  it("issues dependent tokens for consented dependent scopes", async () => {
    const login = await nativeLogin(
      emulator,
      ALICE_IDENTITY_ID,
      `${SERVICE_SCOPE}[${TRANSFER_ALL}[${DATA_ACCESS}]]`,
    );
    assert.equal(login.resource_server, DEMO_CONFIDENTIAL_CLIENT_ID);
    const grant = "urn:globus:auth:grant_type:dependent_token";
    const result = await postForm(
      tokenUrl,
      { grant_type: grant, token: login.access_token, access_type: "offline" },
      { authorization: basicAuth() },
    );
    assert.equal(result.status, 200);
    assert.ok(Array.isArray(result.body));
    assert.equal(result.body.length, 1);
    const [dependent] = result.body;
    assert.equal(dependent.resource_server, "transfer.api.globus.org");
    assert.equal(dependent.scope, TRANSFER_ALL);
    assert.equal(typeof dependent.refresh_token, "string");
    const tokenRecord = emulator.controls.tokens().find((t) => t.token === dependent.access_token);
    assert.equal(tokenRecord?.identityId, ALICE_IDENTITY_ID);
    assert.equal(tokenRecord?.clientId, DEMO_CONFIDENTIAL_CLIENT_ID);

    const native = await postForm(tokenUrl, {
      grant_type: grant,
      token: login.access_token,
      client_id: DEMO_NATIVE_CLIENT_ID,
    });
    assert.equal(native.status, 401);
    const wrongToken = await postForm(
      tokenUrl,
      { grant_type: grant, token: "nope" },
      { authorization: basicAuth() },
    );
    assert.equal(wrongToken.status, 400);
    assert.equal(wrongToken.body.error, "invalid_grant");
    const unconsented = await postForm(
      tokenUrl,
      {
        grant_type: grant,
        token: login.access_token,
        scope: "urn:globus:auth:scope:groups.api.globus.org:all",
      },
      { authorization: basicAuth() },
    );
    assert.equal(unconsented.status, 400);
    assert.equal(unconsented.body.error, "invalid_scope");
  });
});

describe("Globus Auth introspection, userinfo, identities, consents, OIDC", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.controls.reset());

  const introspect = (token: string, include = "", auth = basicAuth()) =>
    postForm(
      `${emulator.urls.auth}v2/oauth2/token/introspect`,
      { token, ...(include ? { include } : {}) },
      { authorization: auth },
    );

  it("introspects tokens with identity_set and session_info (MFA included)", async () => {
    const cc = await postForm(
      `${emulator.urls.auth}v2/oauth2/token`,
      { grant_type: "client_credentials", scope: `openid ${SERVICE_SCOPE}` },
      { authorization: basicAuth() },
    );
    assert.equal(cc.status, 200);
    // A user's token for the service (resource server = the confidential client).
    const login = await nativeLogin(emulator, ALICE_UNIVERSITY_IDENTITY_ID, SERVICE_SCOPE, {
      mfa: true,
    });
    const result = await introspect(login.access_token, "identity_set,session_info");
    assert.equal(result.status, 200);
    const body = result.body;
    assert.equal(body.active, true);
    assert.equal(body.sub, ALICE_UNIVERSITY_IDENTITY_ID);
    assert.equal(body.username, "alice@university.example.edu");
    assert.equal(body.client_id, DEMO_NATIVE_CLIENT_ID);
    assert.equal(body.scope, SERVICE_SCOPE);
    assert.deepEqual(body.aud, [DEMO_CONFIDENTIAL_CLIENT_ID, DEMO_NATIVE_CLIENT_ID]);
    assert.equal(body.iss, emulator.urls.auth.replace(/\/$/, ""));
    assert.equal(body.exp - body.iat, 172800);
    assert.deepEqual(
      [...body.identity_set].sort(),
      [ALICE_IDENTITY_ID, ALICE_UNIVERSITY_IDENTITY_ID].sort(),
    );
    const auth = body.session_info.authentications[ALICE_UNIVERSITY_IDENTITY_ID];
    assert.deepEqual(auth.amr, ["mfa"]);
    assert.equal(typeof auth.auth_time, "number");

    emulator.controls.expireSession(ALICE_UNIVERSITY_IDENTITY_ID);
    const expiredSession = await introspect(login.access_token, "session_info");
    assert.deepEqual(expiredSession.body.session_info.authentications, {});

    emulator.controls.advanceClock(172801);
    assert.deepEqual((await introspect(login.access_token)).body, { active: false });
  });

  it("answers active:false for unknown or revoked tokens and 401 for non-confidential callers", async () => {
    assert.deepEqual((await introspect("unknown")).body, { active: false });
    const login = await nativeLogin(emulator, ALICE_IDENTITY_ID, SERVICE_SCOPE);
    emulator.controls.revokeToken(login.access_token);
    assert.deepEqual((await introspect(login.access_token)).body, { active: false });
    const native = await postForm(`${emulator.urls.auth}v2/oauth2/token/introspect`, {
      token: login.access_token,
      client_id: DEMO_NATIVE_CLIENT_ID,
    });
    assert.equal(native.status, 401);
    assert.equal(native.body.error, "invalid_client");
    const missing = await postForm(
      `${emulator.urls.auth}v2/oauth2/token/introspect`,
      {},
      { authorization: basicAuth() },
    );
    assert.equal(missing.status, 400);
  });

  it("does not let a client introspect a token it neither holds nor serves", async () => {
    const login = await nativeLogin(emulator, ALICE_IDENTITY_ID, TRANSFER_ALL);
    assert.deepEqual((await introspect(login.access_token)).body, { active: false });
  });

  it("serves userinfo for openid tokens; 401 and 403 in Globus Auth's error format", async () => {
    const login = await nativeLogin(
      emulator,
      BOB_IDENTITY_ID,
      `openid profile email ${TRANSFER_ALL}`,
    );
    const response = await fetch(`${emulator.urls.auth}v2/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${login.access_token}` },
    });
    assert.equal(response.status, 200);
    const info = (await response.json()) as any;
    assert.equal(info.sub, BOB_IDENTITY_ID);
    assert.equal(info.preferred_username, "bob@globusid.org");
    assert.equal(info.email, "bob@example.org");
    assert.equal(info.identity_set.length, 2);

    const unauthorized = await fetch(`${emulator.urls.auth}v2/oauth2/userinfo`);
    assert.equal(unauthorized.status, 401);
    const body401 = (await unauthorized.json()) as any;
    assert.equal(body401.errors[0].code, "UNAUTHORIZED");
    assert.equal(body401.errors[0].status, "401");
    assert.equal(body401.error, "unauthorized");

    const transferToken = login.other_tokens[0].access_token;
    const wrongServer = await fetch(`${emulator.urls.auth}v2/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${transferToken}` },
    });
    assert.equal(wrongServer.status, 401);

    const noOpenid = await nativeLogin(emulator, BOB_IDENTITY_ID, "email");
    const forbidden = await fetch(`${emulator.urls.auth}v2/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${noOpenid.access_token}` },
    });
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as any).errors[0].code, "FORBIDDEN");
  });

  it("looks up identities by ids and by usernames", async () => {
    const login = await nativeLogin(emulator, ALICE_IDENTITY_ID, "openid");
    const get = async (query: string) => {
      const response = await fetch(`${emulator.urls.auth}v2/api/identities?${query}`, {
        headers: { authorization: `Bearer ${login.access_token}` },
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const byIds = await get(
      `ids=${ALICE_IDENTITY_ID},${BOB_IDENTITY_ID},00000000-0000-4000-8000-000000000000`,
    );
    assert.equal(byIds.status, 200);
    assert.deepEqual(
      byIds.body.identities.map((identity: any) => identity.username),
      ["alice@globusid.org", "bob@globusid.org"],
    );
    const first = byIds.body.identities[0];
    assert.deepEqual(Object.keys(first).sort(), [
      "email",
      "id",
      "identity_provider",
      "identity_type",
      "name",
      "organization",
      "status",
      "username",
    ]);
    const byNames = await get("usernames=bob@university.example.edu,nobody@example.org");
    assert.deepEqual(
      byNames.body.identities.map((identity: any) => identity.username),
      ["bob@university.example.edu"],
    );
    assert.equal((await get(`ids=${ALICE_IDENTITY_ID}&usernames=x@y.org`)).status, 400);
    assert.equal((await get("ids=not-a-uuid")).status, 400);
    const anonymous = await fetch(
      `${emulator.urls.auth}v2/api/identities?ids=${ALICE_IDENTITY_ID}`,
    );
    assert.equal(anonymous.status, 401);
  });

  it("lists the consent forest with dependency paths", async () => {
    await nativeLogin(emulator, ALICE_IDENTITY_ID, `${TRANSFER_ALL}[${DATA_ACCESS}]`);
    const login = await nativeLogin(emulator, ALICE_IDENTITY_ID, VIEW_CONSENTS);
    const response = await fetch(
      `${emulator.urls.auth}v2/api/identities/${ALICE_IDENTITY_ID}/consents`,
      {
        headers: { authorization: `Bearer ${login.access_token}` },
      },
    );
    assert.equal(response.status, 200);
    const { consents } = (await response.json()) as any;
    const transfer = consents.find((consent: any) => consent.scope_name === TRANSFER_ALL);
    const dataAccess = consents.find((consent: any) => consent.scope_name === DATA_ACCESS);
    assert.ok(transfer && dataAccess);
    assert.deepEqual(transfer.dependency_path, [transfer.id]);
    assert.deepEqual(dataAccess.dependency_path, [transfer.id, dataAccess.id]);
    assert.equal(transfer.client, DEMO_NATIVE_CLIENT_ID);
    assert.equal(transfer.effective_identity, ALICE_IDENTITY_ID);
    assert.equal(transfer.status, "approved");
    assert.match(transfer.created, /^\d{4}-\d\d-\d\dT/);

    const other = await fetch(
      `${emulator.urls.auth}v2/api/identities/${BOB_IDENTITY_ID}/consents`,
      {
        headers: { authorization: `Bearer ${login.access_token}` },
      },
    );
    assert.equal(other.status, 403);
    // without view_consents, a token sees only consents rooted at its own client, and
    // `all=true` is refused
    const noScope = await nativeLogin(emulator, ALICE_IDENTITY_ID, "openid");
    const own = await fetch(
      `${emulator.urls.auth}v2/api/identities/${ALICE_IDENTITY_ID}/consents`,
      {
        headers: { authorization: `Bearer ${noScope.access_token}` },
      },
    );
    assert.equal(own.status, 200);
    const ownConsents = ((await own.json()) as any).consents as any[];
    assert.ok(ownConsents.some((c) => c.scope_name === TRANSFER_ALL));
    const forbidden = await fetch(
      `${emulator.urls.auth}v2/api/identities/${ALICE_IDENTITY_ID}/consents?all=true`,
      {
        headers: { authorization: `Bearer ${noScope.access_token}` },
      },
    );
    assert.equal(forbidden.status, 403);
  });

  it("publishes OpenID configuration and a JWKS that follows key rotation", async () => {
    const config = (await (
      await fetch(`${emulator.urls.auth}.well-known/openid-configuration`)
    ).json()) as any;
    assert.equal(config.issuer, emulator.urls.auth.replace(/\/$/, ""));
    assert.equal(config.jwks_uri, `${emulator.urls.auth}jwk.json`);
    assert.equal(config.token_endpoint, `${emulator.urls.auth}v2/oauth2/token`);
    assert.deepEqual(config.id_token_signing_alg_values_supported, ["RS256"]);
    const before = (await (await fetch(config.jwks_uri)).json()) as any;
    assert.equal(before.keys.length, 1);
    assert.equal(before.keys[0].kty, "RSA");
    assert.equal(before.keys[0].alg, "RS256");
    assert.equal(before.keys[0].d, undefined);
    const kid = await emulator.controls.rotateSigningKey();
    const afterRotation = (await (await fetch(config.jwks_uri)).json()) as any;
    assert.deepEqual(
      afterRotation.keys.map((key: any) => key.kid),
      [kid],
    );
    assert.notEqual(kid, before.keys[0].kid);
    await emulator.controls.rotateSigningKey({ keepPrevious: true });
    const kept = (await (await fetch(config.jwks_uri)).json()) as any;
    assert.equal(kept.keys.length, 2);
    const login = await nativeLogin(emulator, ALICE_IDENTITY_ID, "openid");
    const header = JSON.parse(Buffer.from(login.id_token.split(".")[0], "base64url").toString());
    assert.equal(header.kid, kept.keys[0].kid);
  });
});
