import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { inspect } from "node:util";
import { NativeAppAuthClient, type OAuthTokenResponse } from "../../src/auth/index.ts";
import {
  AccessTokenAuthorizer,
  type Authorizer,
  ClientCredentialsAuthorizer,
  NullAuthorizer,
  RefreshTokenAuthorizer,
  ReLoginRequiredError,
} from "../../src/authorizers/index.ts";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  ACCESS_TOKEN_LIFETIME,
  ALICE_IDENTITY_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { GlobusAPIError } from "../../src/transport/errors.ts";
import { Transport } from "../../src/transport/transport.ts";
import {
  confidentialClient,
  loginAs,
  nativeClient,
  TRANSFER_ALL,
  TRANSFER_RS,
} from "../auth/helpers.ts";
import { json, startTestServer, type TestServer } from "../helpers/http-server.ts";

let emulator: RunningEmulator;
let server: TestServer;

before(async () => {
  emulator = await startEmulator();
  server = await startTestServer();
});
after(async () => {
  await emulator.stop();
  await server.close();
});
beforeEach(() => {
  emulator.controls.reset();
});

function transferVia(authorizer: Authorizer): Transport {
  return new Transport({
    baseUrl: emulator.urls["transfer"]!,
    authorizer,
    retry: { maxAttempts: 1 },
  });
}

async function aliceTransferTokens() {
  const client = nativeClient(emulator);
  const login = await loginAs(emulator, client, ALICE_IDENTITY_ID, [TRANSFER_ALL]);
  return { client, data: login.byResourceServer[TRANSFER_RS]! };
}

/** A refresh-token authorizer that starts out holding Alice's current Transfer tokens. */
async function aliceTransferAuthorizer() {
  const { client, data } = await aliceTransferTokens();
  const authorizer = new RefreshTokenAuthorizer({
    loginClient: client,
    refreshToken: data.refresh_token!,
    accessToken: data.access_token,
    expiresAt: data.expires_at_seconds,
  });
  return { client, data, authorizer };
}

function transfer401s(): number {
  return emulator.controls.requestLog({ service: "transfer", status: 401 }).length;
}

describe("RefreshTokenAuthorizer", () => {
  it("storm: 1,000 concurrent requests with an expired token cause exactly 1 refresh grant", async () => {
    const { client, data } = await aliceTransferTokens();
    emulator.controls.advanceClock(ACCESS_TOKEN_LIFETIME + 1);
    let stored = 0;
    const authorizer = new RefreshTokenAuthorizer({
      loginClient: client,
      refreshToken: data.refresh_token!,
      accessToken: data.access_token,
      expiresAt: data.expires_at_seconds,
      onRefresh: async (response) => {
        assert.ok(response.byResourceServer[TRANSFER_RS]);
        stored += 1;
      },
    });
    const transport = transferVia(authorizer);
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => transport.request({ path: "v0.10/submission_id" })),
    );
    assert.equal(results.length, 1000);
    assert.ok(results.every((r) => r.status === 200));
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
    assert.equal(stored, 1);
    assert.equal(transfer401s(), 0, "no request carried the expired token");
    assert.notEqual(authorizer.accessToken, data.access_token);
  });

  it("refreshes proactively before expiry: no request ever carries an expired token (emulator clock)", async () => {
    const { data, authorizer } = await aliceTransferAuthorizer();
    const transport = transferVia(authorizer);
    // just outside the margin: no refresh yet
    emulator.controls.advanceClock(data.expires_at_seconds - emulator.controls.now() - 61);
    await transport.request({ path: "v0.10/submission_id" });
    assert.equal(emulator.controls.countGrants("refresh_token"), 0);
    // inside the 60 s margin: the token still works, but it is renewed before the request
    emulator.controls.advanceClock(2);
    await transport.request({ path: "v0.10/submission_id" });
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
    const [grant] = emulator.controls.requestLog({ grantType: "refresh_token" });
    assert.ok(
      grant!.time < data.expires_at_seconds,
      "the refresh happened before the old token expired",
    );
    // walk the clock through several lifetimes in 7-hour steps, calling at each step
    for (let step = 0; step < 20; step++) {
      emulator.controls.advanceClock(7 * 3600);
      const response = await transport.request({ path: "v0.10/submission_id" });
      assert.equal(response.status, 200);
      assert.ok(authorizer.expiresAt! - 60 > emulator.controls.now());
    }
    assert.ok(emulator.controls.countGrants("refresh_token") >= 3);
    assert.equal(transfer401s(), 0, "no request carried an expired token");
  });

  it("a revoked refresh token gives ReLoginRequiredError after exactly one refresh attempt, then fails fast", async () => {
    const { client, data, authorizer } = await aliceTransferAuthorizer();
    emulator.controls.revokeToken(data.refresh_token!);
    emulator.controls.advanceClock(ACCESS_TOKEN_LIFETIME + 1);
    const transport = transferVia(authorizer);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => transport.request({ path: "v0.10/submission_id" })),
    );
    const first = outcomes[0];
    assert.equal(first?.status, "rejected");
    const error = (first as PromiseRejectedResult).reason as unknown;
    assert.ok(error instanceof ReLoginRequiredError);
    assert.match(error.message, /log in again/i);
    assert.equal(error.code, "invalid_grant");
    assert.equal(error.message.includes(data.refresh_token!), false);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, "rejected");
      assert.equal(
        (outcome as PromiseRejectedResult).reason,
        error,
        "every caller gets the same error",
      );
    }
    // later calls fail fast, without asking Globus Auth again
    await assert.rejects(authorizer.getAuthorizationHeader(), (e: unknown) => e === error);
    await assert.rejects(transport.request({ path: "v0.10/submission_id" }), ReLoginRequiredError);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
    assert.equal(emulator.controls.requestLog({ service: "transfer" }).length, 0);
    // a new login's refresh token brings it back
    const again = await loginAs(emulator, client, ALICE_IDENTITY_ID, [TRANSFER_ALL]);
    authorizer.setRefreshToken(again.byResourceServer[TRANSFER_RS]!.refresh_token!);
    assert.equal((await transport.request({ path: "v0.10/submission_id" })).status, 200);
  });

  it("after a 401 (revoked access token) it refreshes once and the retry succeeds", async () => {
    const { data, authorizer } = await aliceTransferAuthorizer();
    // the access token dies early (revoked) while the refresh token stays good
    emulator.controls.revokeToken(data.access_token);
    const response = await transferVia(authorizer).request({ path: "v0.10/submission_id" });
    assert.equal(response.status, 200);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);

    assert.equal(transfer401s(), 1, "only the revoked token was refused");
  });

  it("a refreshed token that worked and then died is refreshed again on the next 401", async () => {
    const { data, authorizer } = await aliceTransferAuthorizer();
    emulator.controls.revokeToken(data.access_token);
    const transport = transferVia(authorizer);
    assert.equal((await transport.request({ path: "v0.10/submission_id" })).status, 200);
    assert.equal((await transport.request({ path: "v0.10/submission_id" })).status, 200);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
    // the token the 401-driven refresh produced has worked; now it is revoked too
    emulator.controls.revokeToken(authorizer.accessToken!);
    assert.equal((await transport.request({ path: "v0.10/submission_id" })).status, 200);
    assert.equal(emulator.controls.countGrants("refresh_token"), 2);
    assert.equal(transfer401s(), 2, "each revoked token was refused once");
  });

  it("a service that keeps refusing gets one refresh, then handleMissingAuthorization says false", async () => {
    const { authorizer } = await aliceTransferAuthorizer();
    server.handle((_req, res) => json(res, 401, { code: "AuthenticationFailed", message: "no" }));
    const stubborn = new Transport({ baseUrl: server.url, authorizer, retry: { maxAttempts: 1 } });
    const is401 = (e: unknown) => e instanceof GlobusAPIError && e.httpStatus === 401;
    await assert.rejects(stubborn.request({ path: "x" }), is401);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1);
    assert.equal(server.requests.length, 2, "one retry after the refresh");
    await assert.rejects(stubborn.request({ path: "x" }), is401);
    await assert.rejects(stubborn.request({ path: "x" }), is401);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1, "no refresh loop");
    assert.equal(server.requests.length, 4, "no further retries");
    assert.equal(await authorizer.handleMissingAuthorization(), false);
  });

  it("awaits onRefresh before handing out the new token", async () => {
    const { client, data } = await aliceTransferTokens();
    const events: string[] = [];
    const authorizer = new RefreshTokenAuthorizer({
      loginClient: client,
      refreshToken: data.refresh_token!,
      onRefresh: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        events.push("stored");
      },
    });
    const header = await authorizer.getAuthorizationHeader();
    events.push("header");
    assert.deepEqual(events, ["stored", "header"]);
    assert.match(header, /^Bearer \S+$/);
  });

  it("beforeRefresh: tokens a sibling process stored are adopted without a grant", async () => {
    const { client, data } = await aliceTransferTokens();
    emulator.controls.advanceClock(ACCESS_TOKEN_LIFETIME + 1);
    // the "sibling" refreshes and stores
    const sibling = await client.refreshToken(data.refresh_token!);
    const shared = sibling.byResourceServer[TRANSFER_RS]!;
    const authorizer = new RefreshTokenAuthorizer({
      loginClient: client,
      refreshToken: data.refresh_token!,
      accessToken: data.access_token,
      expiresAt: data.expires_at_seconds,
      beforeRefresh: async () => ({
        accessToken: shared.access_token,
        expiresAt: shared.expires_at_seconds,
        refreshToken: shared.refresh_token ?? undefined,
      }),
    });
    assert.equal(await authorizer.getAuthorizationHeader(), `Bearer ${shared.access_token}`);
    assert.equal(emulator.controls.countGrants("refresh_token"), 1, "only the sibling's grant");
    // a stale stored token does not stop a refresh
    emulator.controls.advanceClock(ACCESS_TOKEN_LIFETIME + 1);
    await authorizer.getAuthorizationHeader();
    assert.equal(emulator.controls.countGrants("refresh_token"), 2);
  });

  it("adopts a rotated refresh token; a server error is not mistaken for a re-login", async () => {
    let issued = 0;
    server.handle((req, res, index) => {
      if (index === 0) return json(res, 503, { error: "temporarily_unavailable" });
      issued += 1;
      json(res, 200, {
        access_token: `access-${issued}`,
        refresh_token: `refresh-${issued}`,
        expires_in: 3600,
        resource_server: TRANSFER_RS,
        scope: TRANSFER_ALL,
        token_type: "Bearer",
        other_tokens: [],
        echo: new URLSearchParams(req.body).get("refresh_token"),
      });
    });
    let clock = 1_000_000;
    const client = new NativeAppAuthClient("client-x", {
      baseUrl: server.url,
      retry: { maxAttempts: 1 },
      now: () => clock,
    });
    // the authorizer uses the login client's clock, as expires_at_seconds does
    const authorizer = new RefreshTokenAuthorizer({
      loginClient: client,
      refreshToken: "refresh-0",
    });
    await assert.rejects(
      authorizer.getAuthorizationHeader(),
      (e: unknown) => e instanceof GlobusAPIError && !(e instanceof ReLoginRequiredError),
    );
    assert.equal(await authorizer.getAuthorizationHeader(), "Bearer access-1");
    clock += 3600;
    assert.equal(await authorizer.getAuthorizationHeader(), "Bearer access-2");
    const sent = server.requests.map((r) => new URLSearchParams(r.body).get("refresh_token"));
    assert.deepEqual(sent, ["refresh-0", "refresh-0", "refresh-1"]);
    assert.equal(authorizer.refreshToken, "refresh-2");
    assert.ok(
      server.requests.every((r) => new URLSearchParams(r.body).get("client_id") === "client-x"),
    );
  });

  it("never shows tokens when printed", async () => {
    const { data, authorizer } = await aliceTransferAuthorizer();
    for (const text of [
      String(authorizer),
      inspect(authorizer, { depth: 5 }),
      JSON.stringify(authorizer),
    ]) {
      assert.equal(text.includes(data.access_token), false);
      assert.equal(text.includes(data.refresh_token!), false);
    }
  });

  it("refuses bad options with usage errors", () => {
    const client = nativeClient(emulator);
    assert.throws(
      () => new RefreshTokenAuthorizer({ loginClient: client, refreshToken: "" }),
      GlobusSDKUsageError,
    );
    assert.throws(
      () => new RefreshTokenAuthorizer({ loginClient: undefined as never, refreshToken: "x" }),
      GlobusSDKUsageError,
    );
    assert.throws(
      () =>
        new RefreshTokenAuthorizer({
          loginClient: client,
          refreshToken: "x",
          refreshMarginSeconds: -1,
        }),
      GlobusSDKUsageError,
    );
  });
});

describe("ClientCredentialsAuthorizer", () => {
  it("storm: 1,000 concurrent requests share exactly 1 client credentials grant", async () => {
    const client = confidentialClient(emulator);
    const responses: OAuthTokenResponse[] = [];
    const authorizer = new ClientCredentialsAuthorizer({
      confidentialClient: client,
      scopes: [TRANSFER_ALL],
      onRefresh: (response) => {
        responses.push(response);
      },
    });
    const transport = transferVia(authorizer);
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => transport.request({ path: "v0.10/submission_id" })),
    );
    assert.ok(results.every((r) => r.status === 200));
    assert.equal(emulator.controls.countGrants("client_credentials"), 1);
    assert.equal(responses.length, 1);

    // once expired (emulator clock), another storm again costs exactly one grant
    emulator.controls.advanceClock(ACCESS_TOKEN_LIFETIME + 1);
    await Promise.all(
      Array.from({ length: 1000 }, () => transport.request({ path: "v0.10/submission_id" })),
    );
    assert.equal(emulator.controls.countGrants("client_credentials"), 2);
    assert.equal(transfer401s(), 0);
  });

  it("renews before expiry with the emulator clock", async () => {
    const client = confidentialClient(emulator);
    const authorizer = new ClientCredentialsAuthorizer({
      confidentialClient: client,
      scopes: TRANSFER_ALL,
    });
    const transport = transferVia(authorizer);
    await transport.request({ path: "v0.10/submission_id" });
    emulator.controls.advanceClock(ACCESS_TOKEN_LIFETIME - 30);
    await transport.request({ path: "v0.10/submission_id" });
    assert.equal(emulator.controls.countGrants("client_credentials"), 2);
    assert.equal(transfer401s(), 0);
  });

  it("a refused client (bad secret) fails once and then fast", async () => {
    const { ConfidentialAppAuthClient } = await import("../../src/auth/index.ts");
    const bad = new ConfidentialAppAuthClient(
      confidentialClient(emulator).clientId,
      "wrong-secret",
      {
        baseUrl: emulator.urls["auth"],
        retry: { maxAttempts: 1 },
      },
    );
    const authorizer = new ClientCredentialsAuthorizer({
      confidentialClient: bad,
      scopes: TRANSFER_ALL,
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => authorizer.getAuthorizationHeader()),
    );
    assert.ok(
      outcomes.every((o) => o.status === "rejected" && o.reason instanceof ReLoginRequiredError),
    );
    await assert.rejects(authorizer.getAuthorizationHeader(), ReLoginRequiredError);
    assert.equal(emulator.controls.countGrants("client_credentials"), 1);
    assert.equal(
      String((outcomes[0] as PromiseRejectedResult).reason).includes("wrong-secret"),
      false,
    );
  });
});

describe("AccessTokenAuthorizer and NullAuthorizer", () => {
  it("send a fixed token or none, and never recover from a 401", async () => {
    const authorizer = new AccessTokenAuthorizer("tok-123");
    assert.equal(await authorizer.getAuthorizationHeader(), "Bearer tok-123");
    assert.equal(await authorizer.handleMissingAuthorization(), false);
    assert.equal(inspect(authorizer).includes("tok-123"), false);
    assert.equal(String(authorizer).includes("tok-123"), false);
    assert.throws(() => new AccessTokenAuthorizer(""), GlobusSDKUsageError);
    const none = new NullAuthorizer();
    assert.equal(await none.getAuthorizationHeader(), undefined);
    assert.equal(await none.handleMissingAuthorization(), false);
  });
});
