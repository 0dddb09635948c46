import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Writable } from "node:stream";
import type { OAuthTokenResponse } from "../auth/index.ts";
import {
  BaseLoginFlowManager,
  type LoginAuthParams,
  type LoginFlowManagerOptions,
  loginParameters,
  type RunLoginFlowOptions,
  throwIfAborted,
} from "./base.ts";
import { type BrowserOpener, openBrowser } from "./browser.ts";
import {
  BrowserOpenError,
  LoginAbortedError,
  LoginCallbackError,
  LoginFlowError,
  LoginTimeoutError,
  PortInUseError,
  StateMismatchError,
  UserDeniedError,
} from "./errors.ts";
import { renderLandingPage } from "./landing-page.ts";

/** Options for {@link LocalServerLoginFlowManager}. */
export interface LocalServerLoginFlowManagerOptions extends LoginFlowManagerOptions {
  /**
   * The port on 127.0.0.1. Default 0: any free port. Fix it when the browser runs elsewhere
   * and reaches this machine through `ssh -L <port>:127.0.0.1:<port>`.
   */
  port?: number;
  /** How long to wait for the user to finish, in ms. Default: 15 minutes. */
  timeoutMs?: number;
  /** Opens the authorize URL. Default: `$BROWSER`, else xdg-open / open / start. */
  openBrowser?: BrowserOpener;
  /** Where a short "waiting for the browser" note (with the URL) is written. Default: stderr. */
  output?: Writable | null;
  /** Shown on the landing pages. */
  appName?: string;
}

/** The default wait for the user: long enough to find a password and an MFA device. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 15 * 60 * 1000;

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  connection: "close",
};

/**
 * A login for desktops: starts an HTTP server on 127.0.0.1, opens the browser at Globus
 * Auth, and receives the redirect (`http://127.0.0.1:<port>/`) with the code. It checks
 * `state`, shows a landing page, serves exactly that one callback and shuts down.
 */
export class LocalServerLoginFlowManager extends BaseLoginFlowManager {
  readonly port: number;
  readonly timeoutMs: number;
  readonly appName: string | undefined;
  readonly #openBrowser: BrowserOpener;
  readonly #output: Writable | null | undefined;

  constructor(options: LocalServerLoginFlowManagerOptions) {
    super(options);
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new LoginFlowError(`port must be an integer from 0 to 65535, got ${String(port)}.`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new LoginFlowError(
        `timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}.`,
      );
    }
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.appName = options.appName;
    this.#openBrowser = options.openBrowser ?? ((url) => openBrowser(url));
    this.#output = options.output;
  }

  async runLoginFlow(
    authParams: LoginAuthParams,
    options: RunLoginFlowOptions = {},
  ): Promise<OAuthTokenResponse> {
    const { signal } = options;
    throwIfAborted(signal);
    // Validate the parameters before anything listens on a port.
    loginParameters(authParams, this.constructor.name);

    // node:http loads only when a local-server login actually runs
    const { createServer } = await import("node:http");
    const server = createServer();
    const sockets = new Set<Socket>();
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    await listen(server, this.port);
    const { port } = server.address() as AddressInfo;
    const cleanups: (() => void)[] = [];
    try {
      const { flow, authorizeUrl } = this.startLogin(authParams, `http://127.0.0.1:${port}/`);
      const outcome = new Promise<OAuthTokenResponse>((resolve, reject) => {
        let handled = false;
        server.on("request", (request: IncomingMessage, response: ServerResponse) => {
          // A malformed request line must not throw out of the handler.
          const url = URL.parse(request.url ?? "/", "http://127.0.0.1");
          const q = url?.searchParams ?? new URLSearchParams();
          const isCallback =
            request.method === "GET" &&
            url?.pathname === "/" &&
            (q.has("code") || q.has("error") || q.has("state"));
          if (!isCallback || handled) {
            // Favicons, probes and late duplicates are not the callback.
            response.writeHead(handled ? 410 : 404, { ...PAGE_HEADERS }).end(
              renderLandingPage({
                outcome: "failure",
                ...(this.appName !== undefined ? { appName: this.appName } : {}),
                detail: handled
                  ? "This login has already finished."
                  : "This address only receives the Globus login redirect.",
              }),
            );
            return;
          }
          handled = true;
          this.#handleCallback(q, flow.state, (code) =>
            flow.exchangeCode(code, signal ? { signal } : {}),
          ).then(
            (tokens) => {
              this.#respond(response, { outcome: "success" });
              resolve(tokens);
            },
            (err: unknown) => {
              this.#respond(response, { outcome: "failure", detail: describeFailure(err) });
              reject(err);
            },
          );
        });

        const timer = setTimeout(
          () => reject(new LoginTimeoutError(this.timeoutMs)),
          this.timeoutMs,
        );
        cleanups.push(() => clearTimeout(timer));
        if (signal) {
          const onAbort = () =>
            reject(new LoginAbortedError("The login was aborted.", { cause: signal.reason }));
          signal.addEventListener("abort", onAbort, { once: true });
          cleanups.push(() => signal.removeEventListener("abort", onAbort));
        }
      });
      // Keep an early rejection (e.g. abort during the browser launch) from going unhandled.
      outcome.catch(() => {});

      const output = this.#output === undefined ? process.stderr : this.#output;
      output?.write(
        `Waiting for the Globus login in your browser. If it did not open, visit:\n${authorizeUrl}\n`,
      );
      // The callback may arrive (or an abort or timeout fire) before the opener returns.
      const opened = Promise.resolve()
        .then(() => this.#openBrowser(authorizeUrl))
        .catch((err: unknown) => {
          throw err instanceof BrowserOpenError
            ? err
            : new BrowserOpenError(
                `Could not open a browser for the Globus login: ${err instanceof Error ? err.message : String(err)}`,
                { cause: err },
              );
        });
      opened.catch(() => {});
      await Promise.race([opened, outcome]);
      return await outcome;
    } finally {
      for (const cleanup of cleanups) cleanup();
      await shutdown(server, sockets);
    }
  }

  async #handleCallback(
    query: URLSearchParams,
    expectedState: string,
    exchange: (code: string) => Promise<OAuthTokenResponse>,
  ): Promise<OAuthTokenResponse> {
    if (query.get("state") !== expectedState) {
      throw new StateMismatchError(
        "The login redirect did not belong to this login (its state did not match), so it was ignored. Run the login again.",
      );
    }
    const error = query.get("error");
    if (error !== null) {
      const description = query.get("error_description") ?? undefined;
      if (error === "access_denied") throw new UserDeniedError(description);
      throw new LoginCallbackError(error, description);
    }
    const code = query.get("code");
    if (!code) {
      throw new LoginCallbackError(
        "invalid_request",
        "The redirect carried no authorization code.",
      );
    }
    return exchange(code);
  }

  #respond(
    response: ServerResponse,
    model: { outcome: "success" | "failure"; detail?: string },
  ): void {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(model.outcome === "success" ? 200 : 400, { ...PAGE_HEADERS }).end(
      renderLandingPage({
        ...model,
        ...(this.appName !== undefined ? { appName: this.appName } : {}),
      }),
    );
  }
}

/** What the failure page says: our own messages only (never a token, never a stack). */
function describeFailure(err: unknown): string {
  if (err instanceof LoginFlowError) return err.message;
  if (err instanceof Error && err.name !== "Error") {
    return `Exchanging the authorization code failed (${err.name}).`;
  }
  return "Exchanging the authorization code failed.";
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") reject(new PortInUseError(port, { cause: err }));
      else
        reject(
          new LoginFlowError(
            `The login server could not listen on 127.0.0.1:${port} (${err.code ?? err.message}).`,
            {
              cause: err,
            },
          ),
        );
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ port, host: "127.0.0.1", exclusive: true });
  });
}

/** Stops listening and lets the landing page finish sending before dropping connections. */
async function shutdown(server: Server, sockets: Set<Socket>): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => {
    for (const socket of sockets) socket.destroy();
  }, 1000);
  grace.unref();
  await closed;
  clearTimeout(grace);
}
