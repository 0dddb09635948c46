// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  ALICE_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import {
  authorizeCode,
  basicAuth,
  NATIVE_REDIRECT,
  nativeAuthorizeUrl,
  pkcePair,
  postForm,
  TRANSFER_ALL,
} from "./helpers.ts";

async function control(emulator: RunningEmulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.baseUrl}_emulator/${path}`, {
    method,
    headers: method === "GET" ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const clientCredentials = (emulator: RunningEmulator) =>
  postForm(
    `${emulator.urls.auth}v2/oauth2/token`,
    { grant_type: "client_credentials", scope: TRANSFER_ALL },
    { authorization: basicAuth() },
  );

describe("controls over HTTP", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.controls.reset());

  it("reads and advances the clock", async () => {
    const { body: start } = await control(emulator, "GET", "clock");
    const { body: advanced } = await control(emulator, "POST", "clock/advance", { seconds: 3600 });
    assert.ok(advanced.now - start.now >= 3600 && advanced.now - start.now <= 3602);
    assert.equal((await control(emulator, "POST", "clock/advance", {})).status, 400);
    assert.equal((await control(emulator, "POST", "clock/advance", { seconds: -5 })).status, 400);
  });

  it("revokes tokens, lists them and resets state", async () => {
    const issued = await clientCredentials(emulator);
    const { body: list } = await control(emulator, "GET", "tokens");
    assert.equal(list.tokens.length, 1);
    assert.equal(list.tokens[0].token, issued.body.access_token);
    assert.equal(list.tokens[0].clientId, DEMO_CONFIDENTIAL_CLIENT_ID);
    const { body } = await control(emulator, "POST", "tokens/revoke", {
      token: issued.body.access_token,
    });
    assert.deepEqual(body, { revoked: true });
    const introspected = await postForm(
      `${emulator.urls.auth}v2/oauth2/token/introspect`,
      { token: issued.body.access_token },
      { authorization: basicAuth() },
    );
    assert.equal(introspected.body.active, false);
    assert.equal((await control(emulator, "POST", "tokens/revoke", {})).status, 400);
    await control(emulator, "POST", "reset");
    assert.deepEqual((await control(emulator, "GET", "tokens")).body.tokens, []);
  });

  it("auto-approves, expires sessions and requires MFA over HTTP", async () => {
    assert.equal(
      (
        await control(emulator, "POST", "auto-approve", {
          identity_id: ALICE_IDENTITY_ID,
          mfa: true,
        })
      ).status,
      200,
    );
    const { code, verifier } = await authorizeCode(emulator, TRANSFER_ALL);
    const tokens = await postForm(`${emulator.urls.auth}v2/oauth2/token`, {
      grant_type: "authorization_code",
      client_id: DEMO_NATIVE_CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: NATIVE_REDIRECT,
    });
    assert.equal(tokens.status, 200);
    // Still approving (no count given).
    assert.ok((await authorizeCode(emulator, TRANSFER_ALL)).code);
    await control(emulator, "DELETE", "auto-approve");
    await assert.rejects(authorizeCode(emulator, TRANSFER_ALL), /answered 200/);
    const { body: expired } = await control(emulator, "POST", "sessions/expire", {
      identity_id: ALICE_IDENTITY_ID,
    });
    // Each auto-approved login made its own session.
    assert.equal(expired.expired, 2);
    assert.equal(
      (await control(emulator, "POST", "mfa/require", { resource_id: "r1" })).status,
      200,
    );
    assert.equal(
      (await control(emulator, "POST", "auto-approve", { identity_id: "nobody" })).status,
      400,
    );
    assert.equal((await control(emulator, "POST", "auto-deny", { count: 1 })).status, 200);
    const denied = await authorizeCode(emulator, TRANSFER_ALL);
    assert.equal(denied.location.searchParams.get("error"), "access_denied");
  });

  it("keeps a request log with grant types, scopes and client ids (secrets redacted)", async () => {
    await clientCredentials(emulator);
    await clientCredentials(emulator);
    const { body } = await control(
      emulator,
      "GET",
      "requests?service=auth&grant_type=client_credentials",
    );
    assert.equal(body.requests.length, 2);
    const entry = body.requests[0];
    assert.equal(entry.method, "POST");
    assert.equal(entry.path, "/v2/oauth2/token");
    assert.equal(entry.status, 200);
    assert.deepEqual(entry.scopes, [TRANSFER_ALL]);
    assert.equal(entry.clientId, DEMO_CONFIDENTIAL_CLIENT_ID);
    assert.equal(
      (await control(emulator, "GET", "grants/count?grant_type=client_credentials")).body.count,
      2,
    );
    assert.equal(
      emulator.controls.requestLog({ path: "/v2/oauth2/token", grantType: "client_credentials" })
        .length,
      2,
    );
    await postForm(`${emulator.urls.auth}v2/oauth2/token`, {
      grant_type: "refresh_token",
      refresh_token: "super-secret-refresh",
      client_id: DEMO_NATIVE_CLIENT_ID,
    });
    const serialized = JSON.stringify(emulator.controls.requestLog());
    assert.ok(!serialized.includes("super-secret-refresh"));
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
    await control(emulator, "DELETE", "requests");
    assert.equal(emulator.controls.requestLog().length, 0);
    assert.equal((await control(emulator, "GET", "grants/count")).status, 400);
  });

  it("keeps grant counts exact after the request log reaches its cap", async () => {
    await assert.rejects(startEmulator({ requestLogLimit: 0 }), /requestLogLimit/);
    const small = await startEmulator({ requestLogLimit: 20 });
    try {
      await clientCredentials(small);
      for (let i = 0; i < 30; i++) await (await fetch(`${small.urls.auth}jwk.json`)).text();
      assert.equal(small.controls.requestLog().length, 20, "the log stays bounded");
      assert.equal(small.controls.requestLog({ grantType: "client_credentials" }).length, 0);
      assert.equal(small.controls.countGrants("client_credentials"), 1);
      small.controls.clearRequestLog();
      assert.equal(small.controls.countGrants("client_credentials"), 0);
    } finally {
      await small.stop();
    }
  });

  it("rotates the signing key over HTTP", async () => {
    const before = (await (await fetch(`${emulator.urls.auth}jwk.json`)).json()) as any;
    const { body } = await control(emulator, "POST", "signing-key/rotate", { keep_previous: true });
    const after = (await (await fetch(`${emulator.urls.auth}jwk.json`)).json()) as any;
    assert.deepEqual(
      after.keys.map((key: any) => key.kid),
      [body.kid, before.keys[0].kid],
    );
  });
});

describe("fault injection", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.controls.reset());

  it("answers a count of 429s with Retry-After, then recovers", async () => {
    const { status, body: rule } = await control(emulator, "POST", "faults", {
      kind: "status",
      status: 429,
      retryAfter: 7,
      count: 2,
      service: "auth",
      path: "/v2/oauth2/token",
    });
    assert.equal(status, 201);
    assert.match(rule.id, /^fault-/);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${emulator.urls.auth}v2/oauth2/token`, {
        method: "POST",
        headers: {
          authorization: basicAuth(),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: `grant_type=client_credentials&scope=${TRANSFER_ALL}`,
      });
      assert.equal(response.status, 429);
      assert.equal(response.headers.get("retry-after"), "7");
      const body = (await response.json()) as any;
      assert.equal(body.errors[0].code, "InjectedFault");
    }
    assert.equal((await clientCredentials(emulator)).status, 200);
    assert.deepEqual((await control(emulator, "GET", "faults")).body.faults, []);
    assert.equal(emulator.controls.requestLog({ status: 429 }).length, 2);
  });

  for (const status of [500, 502, 503]) {
    it(`injects ${status} by full path prefix and method`, async () => {
      emulator.controls.addFault({
        kind: "status",
        status,
        method: "POST",
        path: "/auth/v2/oauth2/token",
      });
      assert.equal((await clientCredentials(emulator)).status, status);
      assert.equal((await fetch(`${emulator.urls.auth}jwk.json`)).status, 200);
    });
  }

  it("fires by rate: 0 never, 1 always", async () => {
    const never = emulator.controls.addFault({
      kind: "status",
      status: 500,
      rate: 0,
      service: "auth",
    });
    assert.equal((await clientCredentials(emulator)).status, 200);
    emulator.controls.removeFault(never.id);
    emulator.controls.addFault({ kind: "status", status: 500, rate: 1, service: "auth" });
    assert.equal((await clientCredentials(emulator)).status, 500);
    assert.equal((await control(emulator, "DELETE", "faults")).status, 200);
    assert.equal((await clientCredentials(emulator)).status, 200);
  });

  it("resets the connection", async () => {
    emulator.controls.addFault({ kind: "reset", service: "auth", count: 1 });
    await assert.rejects(fetch(`${emulator.urls.auth}jwk.json`), /fetch failed/);
    assert.equal((await fetch(`${emulator.urls.auth}jwk.json`)).status, 200);
  });

  it("stalls beyond the client timeout", async () => {
    emulator.controls.addFault({ kind: "stall", service: "auth", count: 1 });
    await assert.rejects(
      fetch(`${emulator.urls.auth}jwk.json`, { signal: AbortSignal.timeout(200) }),
      /aborted|timeout/i,
    );
    emulator.controls.addFault({ kind: "stall", stallMs: 50, service: "auth", count: 1 });
    assert.equal((await fetch(`${emulator.urls.auth}jwk.json`)).status, 200);
  });

  it("truncates JSON bodies", async () => {
    emulator.controls.addFault({
      kind: "truncate",
      service: "auth",
      path: "/.well-known",
      count: 1,
    });
    const response = await fetch(`${emulator.urls.auth}.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    await assert.rejects(response.json(), SyntaxError);
  });

  it("adds latency", async () => {
    emulator.controls.addFault({ kind: "latency", latencyMs: 150, service: "auth" });
    const start = performance.now();
    assert.equal((await fetch(`${emulator.urls.auth}jwk.json`)).status, 200);
    assert.ok(performance.now() - start >= 140);
  });

  it("rejects bad fault specs and never faults the control paths", async () => {
    assert.equal((await control(emulator, "POST", "faults", { kind: "explode" })).status, 400);
    assert.equal(
      (await control(emulator, "POST", "faults", { kind: "status", status: 200 })).status,
      400,
    );
    assert.equal(
      (await control(emulator, "POST", "faults", { kind: "status", rate: 2 })).status,
      400,
    );
    assert.throws(
      () => emulator.controls.addFault({ kind: "latency", latencyMs: -1 }),
      /latencyMs/,
    );
    emulator.controls.addFault({ kind: "status", status: 500 });
    assert.equal((await control(emulator, "GET", "clock")).status, 200);
    assert.equal((await control(emulator, "DELETE", "faults/nope")).status, 404);
  });

  it("stop() ends stalled requests", async () => {
    const local = await startEmulator();
    local.controls.addFault({ kind: "stall" });
    const pending = new Promise<string>((resolve) => {
      const req = httpRequest(`${local.urls.auth}jwk.json`, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on("error", (error) => resolve(error.message));
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await local.stop();
    assert.match(await pending, /socket hang up|ECONNRESET/);
  });
});

describe("controls as a local service", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());

  /** A raw request, so that the Host header can be anything. */
  function raw(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: "127.0.0.1", port: emulator.port, method, path, headers },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk) => {
            text += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  }
  const loopback = () => `127.0.0.1:${emulator.port}`;

  it("refuses a cross-site text/plain POST, and a POST with no content type", async () => {
    const before = emulator.controls.now();
    const plain = await raw(
      "POST",
      "/_emulator/clock/advance",
      { host: loopback(), "content-type": "text/plain" },
      JSON.stringify({ seconds: 3600 }),
    );
    assert.equal(plain.status, 403);
    assert.match(plain.text, /Content-Type: application\/json/);
    const bare = await raw("POST", "/_emulator/reset", { host: loopback() });
    assert.equal(bare.status, 403);
    assert.equal(emulator.controls.now(), before, "nothing changed");
  });

  it("refuses any Host but its own loopback address (DNS rebinding), and foreign Origins", async () => {
    const rebound = await raw("GET", "/_emulator/tokens", {
      host: `evil.example:${emulator.port}`,
    });
    assert.equal(rebound.status, 403);
    assert.equal(rebound.text.includes('tokens":['), false);
    const otherPort = await raw("GET", "/_emulator/tokens", { host: "127.0.0.1:1" });
    assert.equal(otherPort.status, 403);
    const fromPage = await raw(
      "POST",
      "/_emulator/reset",
      { host: loopback(), "content-type": "application/json", origin: "https://evil.example" },
      "{}",
    );
    assert.equal(fromPage.status, 403);
    const ok = await raw("GET", "/_emulator/clock", { host: loopback() });
    assert.equal(ok.status, 200);
    const localhost = await raw("GET", "/_emulator/clock", { host: `localhost:${emulator.port}` });
    assert.equal(localhost.status, 200);
  });

  it("bounds the clock advance", async () => {
    assert.throws(() => emulator.controls.advanceClock(1e12), /at most/);
    assert.throws(() => emulator.controls.advanceClock(Number.MAX_VALUE), /at most/);
    const over = await control(emulator, "POST", "clock/advance", { seconds: 1e15 });
    assert.equal(over.status, 400);
    assert.ok(Number.isFinite(emulator.controls.now()));
  });

  it("forgets unanswered authorize requests: expired, and never more than a bound", async () => {
    emulator.controls.reset();
    const { challenge } = pkcePair();
    const url = nativeAuthorizeUrl(emulator, challenge, { scope: TRANSFER_ALL, state: "s" });
    for (let i = 0; i < 1_200; i++) {
      const page = await fetch(url);
      await page.text();
    }
    assert.equal(emulator.controls.pendingAuthorizations(), 1_000, "capped");
    emulator.controls.advanceClock(2 * 3600);
    await (await fetch(url)).text();
    assert.equal(emulator.controls.pendingAuthorizations(), 1, "the expired ones are gone");
    const counted = await control(emulator, "GET", "authorizations/pending");
    assert.equal(counted.body.count, 1);
  });
});
