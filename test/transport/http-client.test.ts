// What the transport's own HTTP exchange must do that `fetch` used to do for it: decode
// compressed bodies, follow redirects without leaking credentials, cut-short bodies as
// errors, and keep connections alive between calls.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import {
  GlobusAPIError,
  MalformedResponseError,
  NetworkError,
  Transport,
} from "../../src/index.ts";
import { json, startTestServer, type TestServer } from "../helpers/http-server.ts";

let server: TestServer;
let other: TestServer;
before(async () => {
  server = await startTestServer();
  other = await startTestServer();
});
after(async () => {
  await server.close();
  await other.close();
});

const transport = (baseUrl = server.url) =>
  new Transport({
    baseUrl,
    authorizer: {
      getAuthorizationHeader: async () => "Bearer secret-token",
      handleMissingAuthorization: async () => false,
    },
    retry: { maxAttempts: 1 },
  });

describe("compressed bodies", () => {
  const body = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => `item-${i}`) });
  for (const [encoding, compress] of [
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const) {
    test(`${encoding} is asked for and decoded`, async () => {
      server.handle((req, res) => {
        assert.match(String(req.headers["accept-encoding"]), new RegExp(encoding));
        res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": encoding });
        res.end(compress(Buffer.from(body)));
      });
      const response = await transport().request({ path: "list" });
      assert.deepEqual(response.data, JSON.parse(body));
      assert.equal(response.headers.get("content-encoding"), encoding);
    });
  }

  test("a corrupt compressed body is a typed network error", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
      res.end("this is not gzip");
    });
    await assert.rejects(transport().request({ path: "list" }), NetworkError);
  });

  test("a byte-order mark before JSON is dropped", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(`\ufeff${JSON.stringify({ ok: 1 })}`);
    });
    assert.deepEqual((await transport().request({ path: "x" })).data, { ok: 1 });
  });
});

describe("cut-short bodies", () => {
  test("a body shorter than its Content-Length is a network error, not truncated data", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      res.write('{"partial": ');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await assert.rejects(transport().request({ path: "x" }), NetworkError);
  });

  test("an error status with a broken JSON body is still that error", async () => {
    server.handle((_req, res) => {
      res.writeHead(503, { "Content-Type": "application/json" });
      res.end('{"code": "Unavail');
    });
    await assert.rejects(
      transport().request({ path: "x" }),
      (e) => e instanceof GlobusAPIError && e.httpStatus === 503,
    );
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"ok": tru');
    });
    await assert.rejects(transport().request({ path: "x" }), MalformedResponseError);
  });
});

describe("redirects", () => {
  test("same-origin redirects are followed with the credentials; 303 turns a POST into a GET", async () => {
    server.handle((req, res) => {
      if (req.path === "/start") {
        res.writeHead(307, { Location: "/moved" });
        res.end();
      } else if (req.path === "/moved") {
        res.writeHead(303, { Location: `${server.url}final?x=1` });
        res.end();
      } else json(res, 200, { method: req.method, body: req.body });
    });
    const response = await transport().request({
      method: "POST",
      path: "start",
      body: { a: 1 },
    });
    assert.deepEqual(response.data, { method: "GET", body: "" });
    const [first, second, third] = server.requests.slice(-3);
    assert.equal(first?.method, "POST");
    assert.equal(second?.method, "POST", "307 keeps the method");
    assert.equal(second?.body, JSON.stringify({ a: 1 }), "and the body");
    assert.equal(third?.path, "/final");
    for (const seen of [first, second, third]) {
      assert.equal(seen?.headers.authorization, "Bearer secret-token");
    }
  });

  test("a redirect to another origin drops the Authorization header", async () => {
    other.handle((req, res) => json(res, 200, { auth: req.headers.authorization ?? null }));
    server.handle((_req, res) => {
      res.writeHead(302, { Location: `${other.url}elsewhere` });
      res.end();
    });
    const response = await transport().request({ path: "go" });
    assert.deepEqual(response.data, { auth: null });
  });

  test("a redirect to plain http off loopback, or a redirect loop, is refused", async () => {
    server.handle((_req, res) => {
      res.writeHead(301, { Location: "http://example.org/steal" });
      res.end();
    });
    await assert.rejects(transport().request({ path: "x" }), (e) => {
      assert.ok(e instanceof NetworkError);
      assert.match(e.message, /plain http/);
      return true;
    });
    server.handle((_req, res) => {
      res.writeHead(302, { Location: "/again" });
      res.end();
    });
    const before = server.requests.length;
    await assert.rejects(transport().request({ path: "again" }), /more than 20 redirects/);
    assert.equal(server.requests.length - before, 21);
  });
});

test("sequential calls reuse one kept-alive connection", async () => {
  const ports = new Set<number>();
  server.handle((_req, res) => {
    ports.add(res.socket?.remotePort ?? 0);
    json(res, 200, {});
  });
  const client = transport();
  for (let i = 0; i < 20; i++) await client.request({ path: "x" });
  assert.equal(ports.size, 1, `calls used ${ports.size} connections`);
});

test("a burst of concurrent calls queues on at most 64 connections per origin", async () => {
  const ports = new Set<number>();
  let open = 0;
  let peak = 0;
  server.handle(async (_req, res) => {
    ports.add(res.socket?.remotePort ?? 0);
    open++;
    peak = Math.max(peak, open);
    await new Promise((resolve) => setTimeout(resolve, 5));
    open--;
    json(res, 200, {});
  });
  const client = transport();
  const responses = await Promise.all(
    Array.from({ length: 300 }, () => client.request({ path: "burst" })),
  );
  assert.equal(responses.length, 300);
  assert.ok(ports.size <= 64, `${ports.size} connections`);
  assert.ok(peak > 1 && peak <= 64, `peak ${peak} requests in flight`);
});

describe("what goes on the wire", () => {
  test("a plain path is sent as built, with the Host the URL names", async () => {
    server.handle((_req, res) => json(res, 200, { ok: true }));
    await transport().request({ path: "v0.10/endpoint/ab-12/ls", query: { path: "/~/a b" } });
    const seen = server.requests[0]!;
    assert.equal(seen.url, "/v0.10/endpoint/ab-12/ls?path=%2F%7E%2Fa+b");
    assert.equal(seen.headers.host, new URL(server.url).host);
  });

  test("a path a URL parser would rewrite is sent as the parser writes it", async () => {
    server.handle((_req, res) => json(res, 200, { ok: true }));
    const t = transport();
    await t.request({ path: "with space/caf\u00e9" });
    await t.request({ path: "a/./b/../c" });
    await t.request({ path: ".well-known/openid-configuration" });
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ["/with%20space/caf%C3%A9", "/a/c", "/.well-known/openid-configuration"],
    );
  });

  test("an IPv6 loopback base URL reaches its server", async (t) => {
    let v6: TestServer;
    try {
      v6 = await startTestServer("::1");
    } catch {
      t.skip("this machine has no IPv6 loopback");
      return;
    }
    try {
      const response = await transport(v6.url).request({ path: "v1/thing" });
      assert.equal(response.status, 200);
      assert.equal(v6.requests[0]?.url, "/v1/thing");
      assert.equal(v6.requests[0]?.headers.host, new URL(v6.url).host);
    } finally {
      await v6.close();
    }
  });
});
