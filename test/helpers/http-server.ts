import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the test server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export type TestHandler = (
  request: SeenRequest,
  response: ServerResponse,
  index: number,
) => unknown;

/** A real HTTP server on 127.0.0.1 whose behaviour each test scripts. */
export interface TestServer {
  url: string;
  requests: SeenRequest[];
  /** Replaces the handler; requests are numbered from 0 for each handler. */
  handle(handler: TestHandler): void;
  close(): Promise<void>;
}

export function json(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** Listens on 127.0.0.1, or on `host` (`"::1"` for IPv6 loopback). */
export async function startTestServer(host = "127.0.0.1"): Promise<TestServer> {
  let handler: TestHandler = (_req, res) => json(res, 200, { ok: true });
  let count = 0;
  const requests: SeenRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = new URL(req.url ?? "/", "http://127.0.0.1");
    const seen: SeenRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(seen);
    await handler(seen, res, count++);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    requests,
    handle(next) {
      handler = next;
      count = 0;
      requests.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
