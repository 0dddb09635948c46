// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  ALICE_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  EmulatorHttpError,
  type RunningEmulator,
  type ServiceModule,
  startEmulator,
} from "../../src/testing/index.ts";
import { nativeLogin, TRANSFER_ALL } from "./helpers.ts";

const DATA_ACCESS = `https://auth.globus.org/scopes/${DEMO_COLLECTION_ID}/data_access`;

/** A tiny resource server written against the public module contract. */
const probe: ServiceModule = {
  name: "probe",
  envName: "probe_service",
  errorFormat: (status, code, message) => ({ code, message, http_status: status }),
  register(router, context) {
    const format = (status: number, code: string, message: string) => ({
      probe_error: code,
      status,
      message,
    });
    router.route("GET", "/v1/items/:id", (request) => {
      const token = context.authenticate(request, "transfer.api.globus.org", {
        anyOfScopes: [TRANSFER_ALL],
        format,
      });
      return {
        body: {
          id: request.params.id,
          identity: token.identityId,
          mfa: token.mfa,
          data_access: context.hasDependentConsent(token, TRANSFER_ALL, DATA_ACCESS),
          requires_mfa: context.requiresMfa(request.params.id ?? ""),
          name: context.identity(token.identityId)?.name ?? null,
          now: context.now(),
          self: context.serviceUrl("probe"),
        },
      };
    });
    router.route("GET", "/v1/scoped", (request) => {
      context.authenticate(request, "transfer.api.globus.org", {
        anyOfScopes: ["urn:globus:auth:scope:transfer.api.globus.org:gcp_install"],
        format,
      });
      return { body: {} };
    });
    router.route("POST", "/v1/echo", (request) => ({ status: 201, body: request.json() }));
    router.route("GET", "/v1/teapot", () => {
      throw new EmulatorHttpError(418, { code: "Teapot" }, { "X-Why": "tea" });
    });
    router.route("GET", "/v1/crash", () => {
      throw new Error("boom");
    });
  },
};

describe("emulator core", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ services: [probe], maxBodyBytes: 4096 });
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.controls.reset());

  it("binds 127.0.0.1 on an OS-chosen port and publishes URLs and env vars", () => {
    assert.match(emulator.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(emulator.port > 0);
    assert.equal(emulator.urls.auth, `${emulator.baseUrl}auth/`);
    assert.equal(emulator.urls.probe, `${emulator.baseUrl}probe/`);
    assert.equal(emulator.environmentVariables.GLOBUS_SDK_SERVICE_URL_AUTH, emulator.urls.auth);
    assert.equal(
      emulator.environmentVariables.GLOBUS_SDK_SERVICE_URL_PROBE_SERVICE,
      emulator.urls.probe,
    );
    assert.equal(emulator.environmentVariables.GLOBUS_SDK_ENVIRONMENT, undefined);
  });

  it("authenticates bearer tokens for services: 401 missing/unknown/expired/revoked/wrong server, 403 scope", async () => {
    const url = `${emulator.urls.probe}v1/items/abc%20def`;
    const missing = await fetch(url);
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as any).probe_error, "AuthenticationFailed");
    assert.equal(missing.headers.get("www-authenticate"), "Bearer");
    const unknown = await fetch(url, { headers: { authorization: "Bearer nope" } });
    assert.equal(unknown.status, 401);

    const login = await nativeLogin(
      emulator,
      ALICE_IDENTITY_ID,
      `openid ${TRANSFER_ALL}[${DATA_ACCESS}]`,
      {
        mfa: true,
      },
    );
    const transferToken = login.other_tokens[0].access_token;
    const ok = await fetch(url, { headers: { authorization: `Bearer ${transferToken}` } });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as any;
    assert.equal(body.id, "abc def");
    assert.equal(body.identity, ALICE_IDENTITY_ID);
    assert.equal(body.mfa, true);
    assert.equal(body.data_access, true);
    assert.equal(body.requires_mfa, false);
    assert.equal(body.name, "Alice Example");
    assert.equal(body.self, emulator.urls.probe);

    emulator.controls.requireMfa("abc def");
    const again = (await (
      await fetch(url, { headers: { authorization: `Bearer ${transferToken}` } })
    ).json()) as any;
    assert.equal(again.requires_mfa, true);

    const wrongServer = await fetch(url, {
      headers: { authorization: `Bearer ${login.access_token}` },
    });
    assert.equal(wrongServer.status, 401);
    const scoped = await fetch(`${emulator.urls.probe}v1/scoped`, {
      headers: { authorization: `Bearer ${transferToken}` },
    });
    assert.equal(scoped.status, 403);
    assert.equal(((await scoped.json()) as any).probe_error, "PermissionDenied");

    emulator.controls.expireSession(ALICE_IDENTITY_ID);
    const afterExpiry = (await (
      await fetch(url, { headers: { authorization: `Bearer ${transferToken}` } })
    ).json()) as any;
    assert.equal(afterExpiry.mfa, false);

    emulator.controls.advanceClock(172800);
    const expired = await fetch(url, { headers: { authorization: `Bearer ${transferToken}` } });
    assert.equal(expired.status, 401);
    assert.match(((await expired.json()) as any).message, /expired/);
  });

  it("reports consent without the dependent scope as absent, and revoked tokens as 401", async () => {
    const login = await nativeLogin(emulator, ALICE_IDENTITY_ID, TRANSFER_ALL);
    const url = `${emulator.urls.probe}v1/items/x`;
    const body = (await (
      await fetch(url, { headers: { authorization: `Bearer ${login.access_token}` } })
    ).json()) as any;
    assert.equal(body.data_access, false);
    emulator.controls.revokeToken(login.access_token);
    assert.equal(
      (await fetch(url, { headers: { authorization: `Bearer ${login.access_token}` } })).status,
      401,
    );
  });

  it("answers JSON errors for unknown mounts, routes, methods, bad JSON, big bodies and crashes", async () => {
    const unknownMount = await fetch(`${emulator.baseUrl}nowhere/x`);
    assert.equal(unknownMount.status, 404);
    assert.equal(((await unknownMount.json()) as any).code, "NotFound");
    const unknownRoute = await fetch(`${emulator.urls.probe}v1/nothing`);
    assert.equal(unknownRoute.status, 404);
    assert.equal(((await unknownRoute.json()) as any).http_status, 404);
    const wrongMethod = await fetch(`${emulator.urls.probe}v1/echo`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    const echo = await fetch(`${emulator.urls.probe}v1/echo`, {
      method: "POST",
      body: '{"a":[1,2]}',
    });
    assert.equal(echo.status, 201);
    assert.deepEqual(await echo.json(), { a: [1, 2] });
    const badJson = await fetch(`${emulator.urls.probe}v1/echo`, { method: "POST", body: "{oops" });
    assert.equal(badJson.status, 400);
    assert.equal(((await badJson.json()) as any).code, "BadRequest");
    const big = await fetch(`${emulator.urls.probe}v1/echo`, {
      method: "POST",
      body: "x".repeat(10000),
    });
    assert.equal(big.status, 413);
    const teapot = await fetch(`${emulator.urls.probe}v1/teapot`);
    assert.equal(teapot.status, 418);
    assert.equal(teapot.headers.get("x-why"), "tea");
    const crash = await fetch(`${emulator.urls.probe}v1/crash`);
    assert.equal(crash.status, 500);
    assert.match(((await crash.json()) as any).message, /boom/);
  });

  it("uses an injected clock", async () => {
    let t = 1_000_000;
    const clocked = await startEmulator({ clock: () => t });
    try {
      assert.equal(clocked.controls.now(), 1_000_000);
      t += 5;
      assert.equal(clocked.controls.advanceClock(10), 1_000_015);
      assert.throws(() => clocked.controls.advanceClock(-1), /non-negative/);
    } finally {
      await clocked.stop();
    }
  });

  it("rejects bad options with usage errors", async () => {
    await assert.rejects(startEmulator({ port: -1 }), /port/);
    await assert.rejects(
      startEmulator({ services: [{ name: "Bad Name", register() {} }] }),
      /invalid service/,
    );
    assert.throws(() => emulator.controls.autoApprove("nobody"), /no seeded identity/);
  });
});
