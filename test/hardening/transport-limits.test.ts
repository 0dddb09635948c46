/**
 * The transport against a hostile or broken server: bodies that inflate without bound,
 * bodies too large to hold, redirects that would carry a body or credentials to another
 * origin, secrets echoed in response headers, and request bodies JSON cannot express.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import { createGzip } from "node:zlib";
import {
  GlobusAPIError,
  GlobusSDKUsageError,
  NativeAppAuthClient,
  RedirectRefusedError,
  ResponseTooLargeError,
  TransferClient,
  Transport,
} from "../../src/index.ts";
import { DEFAULT_SEED, type RunningEmulator, startEmulator } from "../../src/testing/index.ts";
import { startTestServer, type TestServer } from "../helpers/http-server.ts";
import { userAuthorizers } from "../services/helpers.ts";

const TOKEN = "hardening-secret-access-token-0123456789";
const MiB = 1024 * 1024;

let server: TestServer;
let elsewhere: TestServer;
before(async () => {
  server = await startTestServer();
  elsewhere = await startTestServer();
});
after(async () => {
  await server.close();
  await elsewhere.close();
});

const transport = (options: { maxResponseBytes?: number } = {}) =>
  new Transport({
    baseUrl: server.url,
    authorizer: {
      getAuthorizationHeader: async () => `Bearer ${TOKEN}`,
      handleMissingAuthorization: async () => false,
    },
    retry: { maxAttempts: 3, baseDelayMs: 1 },
    ...options,
  });

/** `count` chunks of `size` bytes, produced as they are read (never held at once). */
function chunks(count: number, size: number, fill = 0x61): Readable {
  const chunk = Buffer.alloc(size, fill);
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < count ? chunk : null);
    },
  });
}

describe("response size limits", () => {
  test("a gzip bomb (600 MB inflated) stops at the limit with a typed error, memory bounded", async () => {
    let closed = false;
    server.handle((_req, res) => {
      res.on("close", () => {
        closed = true;
      });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
      chunks(600, MiB, 0x20)
        .pipe(createGzip({ level: 1 }))
        .pipe(res);
    });
    const rssBefore = process.memoryUsage().rss;
    await assert.rejects(transport().request({ path: "bomb" }), (error: unknown) => {
      assert.ok(error instanceof ResponseTooLargeError, String(error));
      assert.equal(error.limitBytes, 64 * MiB);
      assert.match(error.message, /maxResponseBytes/);
      return true;
    });
    const grew = process.memoryUsage().rss - rssBefore;
    assert.ok(grew < 200 * MiB, `resident memory grew by ${Math.round(grew / MiB)} MiB`);
    assert.equal(server.requests.length, 1, "not retried: the same request meets the same body");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(closed, "the connection was dropped");
  });

  test("a plain 200 MB body is refused the same way", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      chunks(200, MiB).pipe(res);
    });
    const rssBefore = process.memoryUsage().rss;
    await assert.rejects(transport().request({ path: "huge" }), ResponseTooLargeError);
    const grew = process.memoryUsage().rss - rssBefore;
    assert.ok(grew < 200 * MiB, `resident memory grew by ${Math.round(grew / MiB)} MiB`);
  });

  test("the limit is set per client and per call", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ data: "x".repeat(4000) }));
    });
    const small = transport({ maxResponseBytes: 1000 });
    await assert.rejects(small.request({ path: "a" }), ResponseTooLargeError);
    const response = await small.request<{ data: string }>({ path: "a", maxResponseBytes: 10_000 });
    assert.equal(response.data.data.length, 4000);
    await assert.rejects(
      transport().request({ path: "a", maxResponseBytes: 100 }),
      ResponseTooLargeError,
    );
    assert.throws(() => transport({ maxResponseBytes: -1 }), GlobusSDKUsageError);
  });
});

describe("Transfer ls of a huge directory", () => {
  let emulator: RunningEmulator;
  before(async () => {
    const files = Array.from({ length: 60_000 }, (_, i) => ({
      name: `file-${String(i).padStart(6, "0")}.dat`,
      type: "file" as const,
      size: i,
    }));
    emulator = await startEmulator({
      seed: {
        endpoints: [
          {
            ...DEFAULT_SEED.endpoints[0]!,
            tree: {
              name: "/",
              type: "dir",
              children: [{ name: "big", type: "dir", children: files }],
            },
          },
        ],
      },
    });
  });
  after(() => emulator.stop());

  test("60,000 entries (about 10 MB) come back whole within the default limit", async () => {
    const authorizers = await userAuthorizers(emulator, [
      "urn:globus:auth:scope:transfer.api.globus.org:all",
    ]);
    const transfer = new TransferClient({
      baseUrl: emulator.urls.transfer,
      authorizer: authorizers.get("transfer.api.globus.org")!,
    });
    const listing = await transfer.operationLs(DEFAULT_SEED.endpoints[0]!.id, { path: "/big/" });
    assert.equal(listing.DATA.length, 60_000);
    assert.equal(listing.DATA.at(-1)?.name, "file-059999.dat");
  });
});

describe("redirects across origins", () => {
  test("a cross-origin 307 of a request with a body is refused, and nothing reaches the other origin", async () => {
    elsewhere.requests.length = 0;
    server.handle((_req, res) => {
      res.writeHead(307, { Location: `${elsewhere.url}steal?x=1` });
      res.end();
    });
    await assert.rejects(
      transport().request({
        method: "POST",
        path: "submit",
        body: { secret: "value" },
        retrySafe: true,
      }),
      (error: unknown) => {
        assert.ok(error instanceof RedirectRefusedError, String(error));
        assert.equal(error.location, `${elsewhere.url.replace(/\/$/, "")}/steal`);
        assert.match(error.message, /307/);
        return true;
      },
    );
    assert.equal(elsewhere.requests.length, 0);
  });

  test("a token endpoint's 308 to another origin never receives the refresh token", async () => {
    elsewhere.requests.length = 0;
    server.handle((_req, res) => {
      res.writeHead(308, { Location: `${elsewhere.url}v2/oauth2/token` });
      res.end();
    });
    const client = new NativeAppAuthClient("5f8b1e2a-7c3d-4e6f-9a0b-1c2d3e4f5a6b", {
      baseUrl: server.url,
      retry: { maxAttempts: 1 },
    });
    await assert.rejects(
      client.refreshToken("refresh-token-that-must-not-travel"),
      RedirectRefusedError,
    );
    assert.equal(elsewhere.requests.length, 0);
  });

  test("a same-origin 307 is still followed, body and all", async () => {
    server.handle((req, res) => {
      if (req.path === "/old") {
        res.writeHead(307, { Location: "/new" });
        res.end();
      } else {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ got: JSON.parse(req.body) }));
      }
    });
    const response = await transport().request<{ got: unknown }>({
      method: "POST",
      path: "old",
      body: { a: 1 },
      retrySafe: true,
    });
    assert.deepEqual(response.data.got, { a: 1 });
  });
});

describe("secrets in response headers", () => {
  test("a token echoed in WWW-Authenticate never reaches util.inspect(error)", async () => {
    server.handle((_req, res) => {
      res.writeHead(401, {
        "Content-Type": "application/json",
        "WWW-Authenticate": `Bearer error="invalid_token", token="${TOKEN}"`,
        "X-Echo": `Bearer ${TOKEN}`,
      });
      res.end(JSON.stringify({ code: "AuthenticationFailed", message: "bad token" }));
    });
    const error = await transport()
      .request({ path: "x" })
      .then(
        () => assert.fail("expected an error"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof GlobusAPIError);
    const shown = inspect(error, { depth: 10, showHidden: true });
    assert.equal(shown.includes(TOKEN), false, "the token appears in inspect()");
    assert.match(String(error.headers.get("www-authenticate")), /invalid_token/);
    assert.equal(String(error.headers.get("x-echo")).includes(TOKEN), false);
  });
});

describe("request bodies JSON cannot express", () => {
  test("a cycle and a BigInt are usage errors that say so, sent nowhere", async () => {
    const before = server.requests.length;
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    await assert.rejects(
      transport().request({ method: "POST", path: "x", body: cyclic }),
      (error: unknown) => error instanceof GlobusSDKUsageError && /cycle/.test(error.message),
    );
    await assert.rejects(
      transport().request({ method: "POST", path: "x", body: { n: 10n } }),
      (error: unknown) => error instanceof GlobusSDKUsageError && /BigInt/.test(error.message),
    );
    assert.equal(server.requests.length, before);
  });
});
