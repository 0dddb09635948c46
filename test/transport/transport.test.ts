import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  AuthAPIError,
  apiPath,
  CLIENT_INFO,
  GlobusAPIError,
  MalformedResponseError,
  NetworkError,
  parseRetryAfter,
  RequestAbortedError,
  TimeoutError,
  TransferAPIError,
  Transport,
} from "../../src/transport/index.ts";
import type { Authorizer } from "../../src/transport/types.ts";
import { json, startTestServer, type TestServer } from "../helpers/http-server.ts";

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const fastRetry = { baseDelayMs: 1, maxDelayMs: 5 };

describe("retries", () => {
  for (const status of [429, 500, 502, 503, 504]) {
    test(`a GET is retried after HTTP ${status}`, async () => {
      server.handle((_req, res, i) => (i === 0 ? json(res, status, {}) : json(res, 200, { n: i })));
      const transport = new Transport({ baseUrl: server.url, retry: fastRetry });
      const response = await transport.request<{ n: number }>({ path: "/thing" });
      assert.equal(response.status, 200);
      assert.equal(response.data.n, 1);
      assert.equal(server.requests.length, 2);
    });
  }

  test("non-retryable statuses are not retried", async () => {
    server.handle((_req, res) => json(res, 400, { code: "BadRequest", message: "no" }));
    const transport = new Transport({ baseUrl: server.url, retry: fastRetry });
    await assert.rejects(transport.request({ path: "/x" }), GlobusAPIError);
    assert.equal(server.requests.length, 1);
  });

  test("attempts are bounded by maxAttempts", async () => {
    server.handle((_req, res) => json(res, 503, { code: "Unavailable", message: "down" }));
    const transport = new Transport({
      baseUrl: server.url,
      retry: { ...fastRetry, maxAttempts: 3 },
    });
    const error = await transport.request({ path: "/x" }).catch((e: unknown) => e);
    assert.ok(error instanceof GlobusAPIError);
    assert.equal(error.httpStatus, 503);
    assert.equal(server.requests.length, 3);
    await assert.rejects(transport.request({ path: "/x", maxAttempts: 1 }));
    assert.equal(server.requests.length, 4);
  });

  test("a POST is not resent after the server saw it, unless marked retrySafe", async () => {
    server.handle((_req, res, i) => (i === 0 ? json(res, 503, {}) : json(res, 200, {})));
    const transport = new Transport({ baseUrl: server.url, retry: fastRetry });
    await assert.rejects(
      transport.request({ method: "POST", path: "/p", body: { a: 1 } }),
      GlobusAPIError,
    );
    assert.equal(server.requests.length, 1);
    server.handle((_req, res, i) => (i === 0 ? json(res, 503, {}) : json(res, 200, {})));
    const ok = await transport.request({
      method: "POST",
      path: "/p",
      body: { a: 1 },
      retrySafe: true,
    });
    assert.equal(ok.status, 200);
    assert.equal(server.requests.length, 2);
  });

  test("a POST to a refused port is retried: nothing was sent", async () => {
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const transport = new Transport({ baseUrl: url, retry: { ...fastRetry, maxAttempts: 2 } });
    const error = await transport.request({ method: "POST", path: "/p" }).catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError);
    assert.match(error.message, /ECONNREFUSED/);
    assert.ok(error.cause instanceof Error, "wraps the fetch failure");
  });

  test("Retry-After in seconds is honoured", async () => {
    server.handle((_req, res, i) =>
      i === 0 ? json(res, 429, {}, { "Retry-After": "1" }) : json(res, 200, {}),
    );
    const transport = new Transport({ baseUrl: server.url, retry: fastRetry });
    const started = Date.now();
    await transport.request({ path: "/r" });
    assert.ok(Date.now() - started >= 950, "waited for Retry-After");
  });

  test("Retry-After as an HTTP date is parsed", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:02 GMT", now), 2000);
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter("nonsense", now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  test("network errors from a reset connection are retried for GETs", async () => {
    server.handle((_req, res, i) => (i === 0 ? res.socket?.destroy() : json(res, 200, { ok: 1 })));
    const transport = new Transport({ baseUrl: server.url, retry: fastRetry });
    const response = await transport.request({ path: "/reset" });
    assert.equal(response.status, 200);
    assert.equal(server.requests.length, 2);
  });
});

describe("timeouts and aborts", () => {
  test("a stalled server raises TimeoutError", async () => {
    server.handle(() => {
      /* never answers */
    });
    const transport = new Transport({
      baseUrl: server.url,
      timeout: 100,
      retry: { maxAttempts: 1 },
    });
    const error = await transport.request({ path: "/slow" }).catch((e: unknown) => e);
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.timeoutMs, 100);
    assert.ok(error.cause instanceof Error, "wraps the underlying abort");
  });

  test("a per-call timeout overrides the client's", async () => {
    server.handle(() => {});
    const transport = new Transport({
      baseUrl: server.url,
      timeout: 60_000,
      retry: { maxAttempts: 1 },
    });
    await assert.rejects(transport.request({ path: "/slow", timeout: 50 }), TimeoutError);
  });

  test("the caller's AbortSignal stops an in-flight request", async () => {
    server.handle(() => {});
    const transport = new Transport({ baseUrl: server.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user cancelled")), 30);
    const error = await transport
      .request({ path: "/slow", signal: controller.signal })
      .catch((e: unknown) => e);
    assert.ok(error instanceof RequestAbortedError);
    assert.equal((error.cause as Error).message, "user cancelled");
  });

  test("an abort during a retry wait stops at once", async () => {
    server.handle((_req, res) => json(res, 503, {}, { "Retry-After": "30" }));
    const transport = new Transport({ baseUrl: server.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(
      transport.request({ path: "/x", signal: controller.signal }),
      RequestAbortedError,
    );
    assert.ok(Date.now() - started < 5000);
    assert.equal(server.requests.length, 1);
  });

  test("an already aborted signal sends nothing", async () => {
    server.handle((_req, res) => json(res, 200, {}));
    const transport = new Transport({ baseUrl: server.url });
    await assert.rejects(
      transport.request({ path: "/x", signal: AbortSignal.abort() }),
      RequestAbortedError,
    );
    assert.equal(server.requests.length, 0);
  });
});

class CountingAuthorizer implements Authorizer {
  token = "first-token-value-1234";
  recoveries = 0;
  readonly recovers: boolean;
  constructor(recovers: boolean) {
    this.recovers = recovers;
  }
  async getAuthorizationHeader() {
    return `Bearer ${this.token}`;
  }
  async handleMissingAuthorization() {
    this.recoveries++;
    if (!this.recovers) return false;
    this.token = "second-token-value-5678";
    return true;
  }
}

describe("authorization", () => {
  test("a 401 lets the authorizer recover once, then the request is retried once", async () => {
    server.handle((req, res) =>
      req.headers.authorization === "Bearer second-token-value-5678"
        ? json(res, 200, { ok: true })
        : json(res, 401, { code: "AuthenticationFailed", message: "Token expired" }),
    );
    const authorizer = new CountingAuthorizer(true);
    const transport = new Transport({ baseUrl: server.url, authorizer });
    const response = await transport.request({ path: "/me" });
    assert.equal(response.status, 200);
    assert.equal(authorizer.recoveries, 1);
    assert.equal(server.requests.length, 2);
  });

  test("a second 401 is raised, with recovery called exactly once", async () => {
    server.handle((_req, res) => json(res, 401, { code: "AuthenticationFailed", message: "no" }));
    const authorizer = new CountingAuthorizer(true);
    const transport = new Transport({ baseUrl: server.url, authorizer });
    const error = await transport.request({ path: "/me" }).catch((e: unknown) => e);
    assert.ok(error instanceof GlobusAPIError);
    assert.equal(error.httpStatus, 401);
    assert.equal(authorizer.recoveries, 1);
    assert.equal(server.requests.length, 2);
  });

  test("an authorizer that cannot recover gets no retry", async () => {
    server.handle((_req, res) => json(res, 401, {}));
    const authorizer = new CountingAuthorizer(false);
    const transport = new Transport({ baseUrl: server.url, authorizer });
    await assert.rejects(transport.request({ path: "/me" }), GlobusAPIError);
    assert.equal(authorizer.recoveries, 1);
    assert.equal(server.requests.length, 1);
  });

  test("a caller's explicit Authorization header is never overwritten", async () => {
    server.handle((_req, res) => json(res, 200, {}));
    const transport = new Transport({
      baseUrl: server.url,
      authorizer: new CountingAuthorizer(false),
    });
    await transport.request({ path: "/x", headers: { Authorization: "Bearer explicit-abcdefgh" } });
    assert.equal(server.requests[0]?.headers.authorization, "Bearer explicit-abcdefgh");
  });

  test("authorizer: null sends no credentials", async () => {
    server.handle((_req, res) => json(res, 200, {}));
    const transport = new Transport({
      baseUrl: server.url,
      authorizer: new CountingAuthorizer(false),
    });
    await transport.request({ path: "/x", authorizer: null });
    assert.equal(server.requests[0]?.headers.authorization, undefined);
  });
});

describe("error shapes", () => {
  const cases: Array<{
    name: string;
    body: unknown;
    code: string;
    message: string;
    requestId?: string;
    errors?: number;
  }> = [
    {
      name: "Transfer {code, message, request_id}",
      body: {
        code: "ClientError.NotFound",
        message: "Endpoint not found",
        request_id: "abc123",
        resource: "/x",
      },
      code: "ClientError.NotFound",
      message: "Endpoint not found",
      requestId: "abc123",
    },
    {
      name: "JSON:API {errors: [...]}",
      body: {
        errors: [
          { code: "FORBIDDEN", detail: "Not allowed", status: "403" },
          { code: "OTHER", title: "Second" },
        ],
      },
      code: "FORBIDDEN",
      message: "Not allowed; Second",
      errors: 2,
    },
    {
      name: "OAuth {error, error_description}",
      body: { error: "invalid_grant", error_description: "Refresh token revoked" },
      code: "invalid_grant",
      message: "Refresh token revoked",
    },
    {
      name: "Flows {error: {code, detail}, debug_id}",
      body: {
        error: {
          code: "UNPROCESSABLE_ENTITY",
          detail: [{ msg: "field required", loc: ["title"] }],
        },
        debug_id: "dbg-1",
      },
      code: "UNPROCESSABLE_ENTITY",
      message: "field required",
      requestId: "dbg-1",
    },
    { name: "an empty body", body: undefined, code: "Error", message: "HTTP 418" },
  ];
  for (const c of cases) {
    test(`parses ${c.name}`, async () => {
      server.handle((_req, res) =>
        c.body === undefined ? res.writeHead(418).end() : json(res, 418, c.body),
      );
      const transport = new Transport({ baseUrl: server.url, errorClass: TransferAPIError });
      const error = await transport.request({ path: "/e" }).catch((e: unknown) => e);
      assert.ok(error instanceof TransferAPIError);
      assert.ok(error instanceof GlobusAPIError);
      assert.equal(error.httpStatus, 418);
      assert.equal(error.code, c.code);
      assert.equal(error.errorMessage, c.message);
      assert.equal(error.requestId, c.requestId);
      assert.equal(error.errors.length, c.errors ?? 0);
      assert.ok(error.message.includes(c.message));
      assert.equal(error.headers.get("content-type") !== null, c.body !== undefined);
    });
  }

  test("truncated JSON on a success status is a MalformedResponseError", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"data": [1, 2');
    });
    const transport = new Transport({ baseUrl: server.url, retry: { maxAttempts: 1 } });
    await assert.rejects(transport.request({ path: "/t" }), MalformedResponseError);
  });

  test("errors use the service's error class", async () => {
    server.handle((_req, res) => json(res, 400, { error: "invalid_client" }));
    const transport = new Transport({ baseUrl: server.url, errorClass: AuthAPIError });
    const error = await transport.request({ path: "/t" }).catch((e: unknown) => e);
    assert.ok(error instanceof AuthAPIError);
    assert.equal(error.name, "AuthAPIError");
  });
});

describe("requests on the wire", () => {
  test("query values, JSON bodies, path segments and default headers", async () => {
    server.handle((_req, res) => json(res, 200, {}));
    const transport = new Transport({ baseUrl: `${server.url}svc/`, appName: "My App" });
    await transport.request({
      method: "PUT",
      path: apiPath`/v0.10/endpoint/${"a/b?c#d"}/ls`,
      query: { ids: ["x", "y"], recursive: true, limit: 10, skip: undefined, none: null },
      body: { hello: "world" },
    });
    const seen = server.requests[0]!;
    assert.equal(seen.method, "PUT");
    assert.equal(seen.path, "/svc/v0.10/endpoint/a%2Fb%3Fc%23d/ls");
    assert.equal(seen.query.get("ids"), "x,y");
    assert.equal(seen.query.get("recursive"), "true");
    assert.equal(seen.query.get("limit"), "10");
    assert.equal(seen.query.has("skip"), false);
    assert.equal(seen.query.has("none"), false);
    assert.equal(seen.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(seen.body), { hello: "world" });
    assert.match(
      seen.headers["user-agent"] ?? "",
      /^globus-sdk-ts\/\d+\.\d+\.\d+ node\/\S+\/My App$/,
    );
    assert.equal(seen.headers["x-globus-client-info"], CLIENT_INFO);
    assert.match(CLIENT_INFO, /^product=[\w-]+,version=\d+\.\d+\.\d+$/);
  });

  test("form bodies are url-encoded and undefined fields dropped", async () => {
    server.handle((_req, res) => json(res, 200, {}));
    const transport = new Transport({ baseUrl: server.url });
    await transport.request({
      method: "POST",
      path: "/f",
      form: { grant_type: "x y", skip: undefined },
    });
    assert.equal(server.requests[0]?.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(server.requests[0]?.body, "grant_type=x+y");
  });

  test("an empty path segment is a usage error", () => {
    assert.throws(() => apiPath`/flows/${""}`, GlobusSDKUsageError);
  });

  test("plain http is refused unless it points at loopback", () => {
    assert.throws(
      () => new Transport({ baseUrl: "http://transfer.api.globus.org/" }),
      GlobusSDKUsageError,
    );
    assert.throws(() => new Transport({ baseUrl: "not a url" }), GlobusSDKUsageError);
    for (const ok of [
      "https://transfer.api.globus.org/",
      "http://127.0.0.1:9/",
      "http://localhost/",
      "http://[::1]:8/",
    ]) {
      assert.ok(new Transport({ baseUrl: ok }));
    }
  });

  test("an absolute request URL is checked too", async () => {
    const transport = new Transport({ baseUrl: server.url });
    await assert.rejects(transport.request({ path: "http://example.com/x" }), GlobusSDKUsageError);
  });
});
