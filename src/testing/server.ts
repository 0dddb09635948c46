/** The emulator core: one node:http server, service mounts, faults, request log, controls. */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { GlobusSDKUsageError } from "../errors.ts";
import { serviceUrlVariable } from "../transport/environments.ts";
import {
  type AuthCore,
  AuthService,
  type AutoApproval,
  authErrorFormat,
  type IssuedTokenSummary,
} from "./auth.ts";
import {
  type FaultRule,
  type FaultSpec,
  FaultTable,
  faultSpecProblem,
  matchesLogFilter,
  type RequestLogEntry,
  type RequestLogFilter,
  redactBody,
  redactResponseBody,
} from "./faults.ts";
import { type RouteMatch, Router } from "./router.ts";
import { loadSeedFile, resolveSeed } from "./seed.ts";
import { SERVICE_MODULES } from "./services/index.ts";
import {
  type CollectionRegistry,
  type EmulatorContext,
  EmulatorHttpError,
  type EmulatorReply,
  type EmulatorRequest,
  type EmulatorSeed,
  type ErrorBodyFormatter,
  type SeedEndpoint,
  type ServiceModule,
} from "./types.ts";

/** Options for `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (the default) lets the OS pick one. */
  port?: number;
  /** Seed data: lists given replace the defaults; a string is a path to a seed JSON file. */
  seed?: Partial<EmulatorSeed> | string;
  /** The clock's source in epoch seconds (default: wall time). `advanceClock` adds to it. */
  clock?: () => number;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * How many requests the request log keeps; older entries are dropped (default 10,000).
   * `countGrants` stays exact regardless.
   */
  requestLogLimit?: number;
  /** Extra service modules to mount besides the built-in ones. */
  services?: readonly ServiceModule[];
  /**
   * Also serve each service at the root of its own loopback origin (one port per service,
   * and one per GCS endpoint), as real Globus serves each service on its own host: Flows at
   * `/flows`, Transfer at `/v0.10/...`. Clients that assume this, such as the official
   * `@globus/sdk` for JavaScript, need it. `urls` and `environmentVariables` then name
   * those origins; the shared port keeps serving every service under `/<service>/` too.
   */
  servicePorts?: boolean;
  /**
   * Keep each JSON response body on its request-log entry (`response`), credentials
   * redacted. For tests that check what the emulator answers; off by default.
   */
  logResponseBodies?: boolean;
}

/** In-process controls. Each has an HTTP twin under `/_emulator/` (see docs/emulator.md). */
export interface EmulatorControls {
  /** The emulator clock, epoch seconds. */
  now(): number;
  /** Moves the clock forward (tokens and codes expire by it). Returns the new time. */
  advanceClock(seconds: number): number;
  /** Revokes an access token or a refresh token (the latter also revokes its access tokens). */
  revokeToken(token: string): boolean;
  /** Drops the authentications of every session of an identity (or one session by id). */
  expireSession(identityOrSessionId: string): number;
  /** Makes `context.requiresMfa(resourceId)` true: services then demand an MFA session. */
  requireMfa(resourceId: string): void;
  /**
   * Approves the next authorizations at once as `identityId` (no page). `count` limits how
   * many; by default it lasts until `clearAutoApprove` or `reset`.
   */
  autoApprove(identityId: string, options?: { mfa?: boolean; count?: number }): void;
  /** Denies the next authorizations at once (redirect with `error=access_denied`). */
  autoDeny(options?: { count?: number }): void;
  clearAutoApprove(): void;
  /** Adds a fault rule; returns it with its id. */
  addFault(spec: FaultSpec): FaultRule;
  removeFault(id: string): boolean;
  clearFaults(): void;
  faults(): FaultRule[];
  /** Requests handled so far (the last 10,000), optionally filtered. */
  requestLog(filter?: RequestLogFilter): RequestLogEntry[];
  /** How many token calls used `grantType` (e.g. "refresh_token"). */
  countGrants(grantType: string): number;
  clearRequestLog(): void;
  /** Every route each mount serves (`auth` included), with `:name` path segments. */
  routes(): EmulatedRoute[];
  /** How many authorize requests await a person's answer on the login page. */
  pendingAuthorizations(): number;
  /** Every access and refresh token issued so far. */
  tokens(): IssuedTokenSummary[];
  /** Replaces the id_token signing key; the old public key leaves the JWKS unless kept. */
  rotateSigningKey(options?: { keepPrevious?: boolean }): Promise<string>;
  /** Forgets all tokens, consents, sessions, faults, logs and service state; rewinds the clock. */
  reset(): void;
}

/** A running emulator. */
export interface RunningEmulator {
  /**
   * Base URL per mounted service, each ending in `/`: the service's own origin with
   * `servicePorts`, else its mount on the shared port (`<baseUrl><service>/`).
   */
  readonly urls: Readonly<Record<string, string>> & { readonly auth: string };
  /** Each service's mount on the shared port, whatever the layout. */
  readonly mountUrls: Readonly<Record<string, string>> & { readonly auth: string };
  /**
   * The GCS Manager URL of each GCS endpoint, by endpoint id, ending in `/` (the API is
   * below it at `api/`): its own origin with `servicePorts`, else `<baseUrl>gcs/<id>/`.
   */
  readonly gcsEndpointUrls: Readonly<Record<string, string>>;
  /**
   * `GLOBUS_SDK_SERVICE_URL_<SERVICE>` for every service, pointing at `urls`
   * (GLOBUS_SDK_ENVIRONMENT is not set). Timers is named both `TIMER` (the Python SDK's
   * name) and `TIMERS` (the JavaScript SDK's).
   */
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly controls: EmulatorControls;
  readonly seed: EmulatorSeed;
  /** The `http://127.0.0.1:PORT/` the server listens on. */
  readonly baseUrl: string;
  readonly port: number;
  /** Whether each service also has its own origin (`servicePorts`). */
  readonly servicePorts: boolean;
  /** Closes the server and every connection; safe to call more than once. */
  stop(): Promise<void>;
  /** `stop()`, for `await using emulator = await startEmulator()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** One route of one mounted service. */
export interface EmulatedRoute {
  service: string;
  method: string;
  /** The path below the mount, with `:name` segments for ids. */
  path: string;
}

const ADMIN_PREFIX = "_emulator";
/** One clock advance moves at most ten years; all of them together at most a hundred. */
const MAX_CLOCK_ADVANCE_SECONDS = 10 * 365 * 24 * 3600;
const MAX_CLOCK_OFFSET_SECONDS = 100 * 365 * 24 * 3600;

const genericFormat: ErrorBodyFormatter = (status, code, message) => ({
  code,
  message,
  request_id: randomUUID().replaceAll("-", "").slice(0, 12),
  status,
});

interface Mount {
  module: ServiceModule;
  router: Router;
  format: ErrorBodyFormatter;
}

class ParsedRequest implements EmulatorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
  readonly rawBody: Buffer;
  params: Readonly<Record<string, string>> = {};
  format: ErrorBodyFormatter = genericFormat;
  #form: URLSearchParams | undefined;

  constructor(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingMessage["headers"],
    body: Buffer,
  ) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.rawBody = body;
  }

  json<T = unknown>(): T {
    if (this.rawBody.length === 0) {
      throw new EmulatorHttpError(
        400,
        this.format(400, "BadRequest", "A JSON request body is required"),
      );
    }
    try {
      return JSON.parse(this.rawBody.toString("utf8")) as T;
    } catch {
      throw new EmulatorHttpError(
        400,
        this.format(400, "BadRequest", "The request body is not valid JSON"),
      );
    }
  }

  form(): URLSearchParams {
    this.#form ??= new URLSearchParams(this.rawBody.toString("utf8"));
    return this.#form;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseLogBody(request: ParsedRequest): unknown {
  if (request.rawBody.length === 0) return undefined;
  const type = request.headers["content-type"] ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    return redactBody(Object.fromEntries(request.form()));
  }
  if (type.includes("json") && request.rawBody.length <= 65536) {
    try {
      const parsed = JSON.parse(request.rawBody.toString("utf8")) as unknown;
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        return redactBody(parsed as Record<string, unknown>);
      }
      return parsed;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function basicClientId(header: string | undefined): string | undefined {
  if (!header || !/^basic\s+/i.test(header)) return undefined;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ""), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon));
  } catch {
    return undefined;
  }
}

/**
 * Starts the emulator on 127.0.0.1. Resolves once it listens.
 *
 * @example
 * const emulator = await startEmulator();
 * process.env = { ...process.env, ...emulator.environmentVariables };
 * // ... run Globus clients ...
 * await emulator.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed =
    typeof options.seed === "string" ? loadSeedFile(options.seed) : resolveSeed(options.seed);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new GlobusSDKUsageError(`startEmulator: port must be an integer 0-65535, got ${port}`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const logLimit = options.requestLogLimit ?? 10_000;
  if (!Number.isInteger(logLimit) || logLimit < 1) {
    throw new GlobusSDKUsageError("requestLogLimit must be a positive integer.");
  }
  const clockSource = options.clock ?? (() => Date.now() / 1000);
  let clockOffset = 0;
  let baseUrl = "";
  const modules = [...SERVICE_MODULES, ...(options.services ?? [])];
  for (const module of modules) {
    if (
      module.name === "auth" ||
      module.name === ADMIN_PREFIX ||
      !/^[a-z0-9_-]+$/.test(module.name)
    ) {
      throw new GlobusSDKUsageError(`startEmulator: invalid service module name "${module.name}"`);
    }
  }

  const faults = new FaultTable();
  let log: RequestLogEntry[] = [];
  // kept apart from the capped log, so counts stay exact however long the emulator runs
  const grantCounts = new Map<string, number>();
  const logEntries = new WeakMap<EmulatorRequest, RequestLogEntry>();

  const now = () => Math.floor(clockSource() + clockOffset);
  const servicePorts = options.servicePorts === true;
  // the shared port, once listening: the controls' Host check needs it
  let sharedPort = 0;
  // with servicePorts: the origin of each service and of each GCS endpoint, once listening
  const serviceOrigins = new Map<string, string>();
  const gcsOrigins = new Map<string, string>();
  const mountUrl = (service: string) => `${baseUrl}${service}/`;
  const serviceUrl = (service: string) => serviceOrigins.get(service) ?? mountUrl(service);
  const gcsUrl = (endpointId: string) =>
    gcsOrigins.get(endpointId) ?? `${mountUrl(GCS_MOUNT)}${endpointId}/`;
  const authCore: AuthCore = {
    seed,
    now,
    newId: randomUUID,
    serviceUrl,
    serviceUrls: (service) => [...new Set([serviceUrl(service), mountUrl(service)])],
    noteClient(request, clientId) {
      const entry = logEntries.get(request);
      if (entry) entry.clientId = clientId;
    },
  };
  let auth = new AuthService(authCore);

  let collectionMap = new Map<string, SeedEndpoint>();
  const collections: CollectionRegistry = {
    all: () => [...collectionMap.values()],
    get: (id) => collectionMap.get(id),
    add(collection) {
      if (collectionMap.has(collection.id)) {
        throw new GlobusSDKUsageError(`A collection with id ${collection.id} already exists`);
      }
      collectionMap.set(collection.id, collection);
    },
    remove: (id) => collectionMap.delete(id),
  };
  const context: EmulatorContext = {
    seed,
    collections,
    now,
    newId: randomUUID,
    serviceUrl,
    gcsUrl,
    authenticate: (request, resourceServer, opts) =>
      auth.authenticate(request, resourceServer, opts),
    hasDependentConsent: (token, parent, dependent) =>
      auth.hasDependentConsent(token, parent, dependent),
    requiresMfa: (resourceId) => auth.requiresMfa(resourceId),
    identity: (id) => auth.identity(id),
  };

  const mounts = new Map<string, Mount>();
  const buildMounts = () => {
    mounts.clear();
    collectionMap = new Map(
      seed.endpoints.map((endpoint) => [endpoint.id, structuredClone(endpoint)]),
    );
    const authRouter = new Router();
    auth.register(authRouter);
    mounts.set("auth", {
      module: { name: "auth", register: () => {} },
      router: authRouter,
      format: authErrorFormat,
    });
    for (const module of modules) {
      const router = new Router();
      module.register(router, context);
      mounts.set(module.name, { module, router, format: module.errorFormat ?? genericFormat });
    }
  };
  buildMounts();

  const controls: EmulatorControls = {
    now,
    advanceClock(seconds) {
      if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
        throw new GlobusSDKUsageError("advanceClock: seconds must be a non-negative number");
      }
      if (seconds > MAX_CLOCK_ADVANCE_SECONDS || clockOffset + seconds > MAX_CLOCK_OFFSET_SECONDS) {
        throw new GlobusSDKUsageError(
          `advanceClock: at most ${MAX_CLOCK_ADVANCE_SECONDS} seconds at a time, and ${MAX_CLOCK_OFFSET_SECONDS} in all (dates past that break token expiry)`,
        );
      }
      clockOffset += seconds;
      return now();
    },
    revokeToken: (token) => auth.revoke(token),
    expireSession: (id) => auth.expireSession(id),
    requireMfa: (resourceId) => auth.requireMfa(resourceId),
    autoApprove(identityId, opts = {}) {
      if (!auth.identity(identityId)) {
        throw new GlobusSDKUsageError(`autoApprove: no seeded identity has id "${identityId}"`);
      }
      const approval: AutoApproval = {
        identityId,
        mfa: opts.mfa ?? false,
        deny: false,
        remaining: opts.count,
      };
      auth.setAutoApproval(approval);
    },
    autoDeny(opts = {}) {
      const anyIdentity = seed.identities[0]?.id ?? "";
      auth.setAutoApproval({
        identityId: anyIdentity,
        mfa: false,
        deny: true,
        remaining: opts.count,
      });
    },
    clearAutoApprove: () => auth.setAutoApproval(undefined),
    addFault(spec) {
      const problem = faultSpecProblem(spec);
      if (problem) throw new GlobusSDKUsageError(`addFault: ${problem}`);
      return faults.add(spec);
    },
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    faults: () => faults.rules.map((rule) => ({ ...rule })),
    requestLog: (filter = {}) => log.filter((entry) => matchesLogFilter(entry, filter)),
    countGrants: (grantType) => grantCounts.get(grantType) ?? 0,
    clearRequestLog() {
      log = [];
      grantCounts.clear();
    },
    pendingAuthorizations: () => auth.pendingAuthorizations,
    routes: () =>
      [...mounts].flatMap(([service, mount]) =>
        mount.router
          .routes()
          .map((route) => ({ service, method: route.method, path: route.pattern })),
      ),
    tokens: () => auth.tokens(),
    rotateSigningKey: (opts = {}) => auth.keys.rotate(opts.keepPrevious ?? false),
    reset() {
      clockOffset = 0;
      faults.clear();
      log = [];
      grantCounts.clear();
      auth = new AuthService(authCore, auth.keys);
      buildMounts();
    },
  };
  const admin = new Router();
  registerAdminRoutes(admin, controls);

  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, reply: EmulatorReply, truncate: boolean) => {
    const status = reply.status ?? 200;
    let payload: string;
    let type: string;
    if (reply.html !== undefined) {
      payload = reply.html;
      type = "text/html; charset=utf-8";
    } else if (reply.text !== undefined) {
      payload = reply.text;
      type = "text/plain; charset=utf-8";
    } else if (reply.body === undefined && status === 204) {
      payload = "";
      type = "";
    } else {
      payload = JSON.stringify(reply.body ?? null);
      type = "application/json";
    }
    let buffer = Buffer.from(payload, "utf8");
    if (truncate) buffer = buffer.subarray(0, Math.max(1, Math.floor(buffer.length / 2)));
    const headers: Record<string, string | number> = {
      "Content-Length": buffer.length,
      "Cache-Control": "no-store",
      ...reply.headers,
    };
    if (type) headers["Content-Type"] = type;
    res.writeHead(status, headers);
    res.end(buffer);
  };

  /**
   * Answers one request. On the shared port the first path segment names the mount; on a
   * service's own origin (`origin`) the whole path belongs to that mount, below `prefix`.
   */
  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    origin: ServiceOrigin | undefined,
  ) => {
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const queryIndex = rawUrl.indexOf("?");
    const fullPath = queryIndex < 0 ? rawUrl : rawUrl.slice(0, queryIndex);
    const query = new URLSearchParams(queryIndex < 0 ? "" : rawUrl.slice(queryIndex + 1));
    let mountName: string;
    let subPath: string;
    if (origin) {
      mountName = origin.mount;
      subPath = fullPath === "/" && origin.prefix ? origin.prefix : origin.prefix + fullPath;
    } else {
      const slash = fullPath.indexOf("/", 1);
      mountName = slash < 0 ? fullPath.slice(1) : fullPath.slice(1, slash);
      subPath = slash < 0 ? "/" : fullPath.slice(slash);
    }
    const request = new ParsedRequest(method, subPath, query, req.headers, body);

    if (!origin && mountName === ADMIN_PREFIX) {
      const refused = controlRequestProblem(req, method, sharedPort);
      if (refused) {
        send(res, { status: 403, body: genericFormat(403, "Forbidden", refused) }, false);
        return;
      }
      await dispatch(request, admin, res, false);
      return;
    }
    const mount = mounts.get(mountName);
    const entry: RequestLogEntry = {
      time: now(),
      method,
      service: mount ? mountName : "",
      path: mount ? subPath : fullPath,
      query: Object.fromEntries(query),
      body: undefined,
      status: 0,
    };
    logEntries.set(request, entry);
    if (log.length >= logLimit) log.splice(0, log.length - logLimit + 1);
    log.push(entry);
    entry.body = parseLogBody(request);
    if (mountName === "auth") {
      const form = entry.body as Record<string, string> | undefined;
      const grantType = form?.grant_type;
      if (grantType) {
        entry.grantType = grantType;
        grantCounts.set(grantType, (grantCounts.get(grantType) ?? 0) + 1);
      }
      const scope = form?.scope ?? query.get("scope");
      if (typeof scope === "string" && scope) entry.scopes = scope.split(/[\s+]+/).filter(Boolean);
      const clientId =
        basicClientId(req.headers.authorization) ?? form?.client_id ?? query.get("client_id");
      if (clientId) entry.clientId = clientId;
    }
    if (!mount) {
      entry.status = 404;
      send(
        res,
        {
          status: 404,
          body: genericFormat(404, "NotFound", `No service is mounted at ${fullPath}`),
        },
        false,
      );
      return;
    }
    request.format = mount.format;
    const { latencyMs, fault } = faults.select(method, mountName, subPath, fullPath);
    if (latencyMs > 0) await sleep(latencyMs);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === "reset") {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "stall") {
      if (fault.stallMs === undefined) {
        stalled.add(res);
        res.on("close", () => stalled.delete(res));
        return;
      }
      await sleep(fault.stallMs);
    }
    if (fault?.kind === "status") {
      const status = fault.status ?? 503;
      entry.status = status;
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
      send(
        res,
        {
          status,
          headers,
          body: mount.format(status, "InjectedFault", `Injected fault: HTTP ${status}`),
        },
        false,
      );
      return;
    }
    const reply = await dispatch(
      request,
      mount.router,
      res,
      fault?.kind === "truncate",
      mount.format,
    );
    entry.status = reply.status ?? 200;
    if (
      options.logResponseBodies &&
      reply.body !== undefined &&
      reply.html === undefined &&
      reply.text === undefined
    ) {
      entry.response = redactResponseBody(reply.body);
    }
  };

  const dispatch = async (
    request: ParsedRequest,
    router: Router,
    res: ServerResponse,
    truncate: boolean,
    format: ErrorBodyFormatter = genericFormat,
  ): Promise<EmulatorReply> => {
    const match: RouteMatch = router.match(request.method, request.path);
    let reply: EmulatorReply;
    if (match.kind === "not-found") {
      reply = {
        status: 404,
        body: format(404, "NotFound", `No such route: ${request.method} ${request.path}`),
      };
    } else if (match.kind === "method-not-allowed") {
      reply = {
        status: 405,
        headers: { Allow: match.allowed.join(", ") },
        body: format(
          405,
          "MethodNotAllowed",
          `${request.method} is not allowed on ${request.path}`,
        ),
      };
    } else {
      request.params = match.params;
      try {
        reply = await match.handler(request, context);
      } catch (error) {
        if (error instanceof EmulatorHttpError) {
          reply = { status: error.status, body: error.body, headers: error.headers };
        } else if (error instanceof GlobusSDKUsageError) {
          reply = { status: 400, body: format(400, "BadRequest", error.message) };
        } else {
          reply = {
            status: 500,
            body: format(
              500,
              "InternalError",
              `Emulator error: ${(error as Error).message ?? String(error)}`,
            ),
          };
        }
      }
    }
    send(res, reply, truncate);
    return reply;
  };

  const servers: Server[] = [];
  const listen = async (origin: ServiceOrigin | undefined, listenPort: number) => {
    const server = createHttpServer(origin);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(listenPort, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    return typeof address === "object" && address ? address.port : listenPort;
  };
  const createHttpServer = (origin: ServiceOrigin | undefined) => {
    const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on("data", (chunk: Buffer) => {
        if (tooLarge) return;
        size += chunk.length;
        if (size > maxBodyBytes) {
          tooLarge = true;
          send(
            res,
            {
              status: 413,
              headers: { Connection: "close" },
              body: genericFormat(
                413,
                "PayloadTooLarge",
                `Request body exceeds ${maxBodyBytes} bytes`,
              ),
            },
            false,
          );
          req.resume();
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        if (tooLarge) return;
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        handle(req, res, body, origin).catch((error: unknown) => {
          if (!res.headersSent) {
            send(
              res,
              { status: 500, body: genericFormat(500, "InternalError", String(error)) },
              false,
            );
          }
        });
      });
    });
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    server.on("clientError", (_error, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    });
    return server;
  };

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const res of stalled) res.destroy();
      const closed = servers.map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      );
      for (const server of servers) server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    })();
    return stopped;
  };

  let actualPort: number;
  try {
    actualPort = await listen(undefined, port);
    sharedPort = actualPort;
    baseUrl = `http://127.0.0.1:${actualPort}/`;
    if (servicePorts) {
      const plan = servicePortPlan(port, modules, seed);
      for (const { mount, prefix, port: wanted, gcsEndpointId } of plan) {
        const origin = loopbackOrigin(await listen({ mount, prefix }, wanted));
        if (gcsEndpointId) gcsOrigins.set(gcsEndpointId, origin);
        else serviceOrigins.set(mount, origin);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const urls: Record<string, string> & { auth: string } = { auth: serviceUrl("auth") };
  const mountUrls: Record<string, string> & { auth: string } = { auth: mountUrl("auth") };
  for (const module of modules) {
    urls[module.name] = serviceUrl(module.name);
    mountUrls[module.name] = mountUrl(module.name);
  }
  const environmentVariables = serviceUrlVariables(urls, modules);
  const gcsEndpointUrls = Object.fromEntries(gcsEndpointIds(seed).map((id) => [id, gcsUrl(id)]));

  return {
    urls,
    mountUrls,
    gcsEndpointUrls,
    environmentVariables,
    controls,
    seed,
    baseUrl,
    port: actualPort,
    servicePorts,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The mount of the GCS Manager APIs; each GCS endpoint sits below it at `/<endpoint_id>/`. */
const GCS_MOUNT = "gcs";

const loopbackOrigin = (port: number) => `http://127.0.0.1:${port}/`;

/**
 * The ports of `servicePorts`: for a fixed shared port P, Auth on P+1 and each service
 * (then each GCS endpoint) on the next, so their URLs are known in advance; for port 0,
 * whatever the OS picks.
 */
function servicePortPlan(
  port: number,
  modules: readonly ServiceModule[],
  seed: EmulatorSeed,
): { mount: string; prefix: string; port: number; gcsEndpointId?: string }[] {
  const plan: { mount: string; prefix: string; port: number; gcsEndpointId?: string }[] = [];
  const next = () => (port === 0 ? 0 : port + 1 + plan.length);
  for (const name of ["auth", ...modules.map((module) => module.name)]) {
    if (name !== GCS_MOUNT) plan.push({ mount: name, prefix: "", port: next() });
  }
  if (modules.some((module) => module.name === GCS_MOUNT)) {
    for (const endpointId of gcsEndpointIds(seed)) {
      plan.push({
        mount: GCS_MOUNT,
        prefix: `/${endpointId}`,
        port: next(),
        gcsEndpointId: endpointId,
      });
    }
  }
  return plan;
}

/** `GLOBUS_SDK_SERVICE_URL_<SERVICE>` for each service URL (Timers as TIMER and TIMERS). */
function serviceUrlVariables(
  urls: Readonly<Record<string, string>>,
  modules: readonly ServiceModule[],
): Record<string, string> {
  const variables: Record<string, string> = { [serviceUrlVariable("auth")]: urls.auth! };
  for (const module of modules) {
    const url = urls[module.name]!;
    variables[serviceUrlVariable(module.envName ?? module.name)] = url;
    // the JavaScript SDK names Timers TIMERS where the Python SDK says TIMER
    if (module.envName === "timer") variables.GLOBUS_SDK_SERVICE_URL_TIMERS = url;
  }
  return variables;
}

/**
 * The environment variables of an emulator on a fixed `port` (as `environmentVariables`
 * would name them), without starting one: for `eval "$(globus-sdk emulator --env)"` in a
 * shell while the emulator runs in another.
 */
export function emulatorEnvironment(options: {
  port: number;
  servicePorts?: boolean;
  seed?: EmulatorSeed;
}): Record<string, string> {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new GlobusSDKUsageError("emulatorEnvironment needs the emulator's fixed port (1-65535).");
  }
  const seed = options.seed ?? resolveSeed(undefined);
  const urls: Record<string, string> = {};
  if (options.servicePorts) {
    for (const entry of servicePortPlan(options.port, SERVICE_MODULES, seed)) {
      if (!entry.gcsEndpointId) urls[entry.mount] = loopbackOrigin(entry.port);
    }
  } else {
    for (const name of ["auth", ...SERVICE_MODULES.map((module) => module.name)]) {
      urls[name] = `${loopbackOrigin(options.port)}${name}/`;
    }
  }
  return serviceUrlVariables(urls, SERVICE_MODULES);
}

/** Where a service's own origin routes: every path goes to `mount`, below `prefix`. */
interface ServiceOrigin {
  mount: string;
  prefix: string;
}

/** The GCS endpoints the seed's collections sit on, each once. */
function gcsEndpointIds(seed: EmulatorSeed): string[] {
  return [
    ...new Set(
      seed.endpoints.flatMap((endpoint) =>
        endpoint.gcs_endpoint_id ? [endpoint.gcs_endpoint_id] : [],
      ),
    ),
  ];
}

function adminBody(request: EmulatorRequest): Record<string, unknown> {
  if (request.rawBody.length === 0) return {};
  const body = request.json();
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GlobusSDKUsageError("The request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

function requireField(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || !value)
    throw new GlobusSDKUsageError(`"${key}" (a string) is required`);
  return value;
}

function optionalCount(body: Record<string, unknown>): number | undefined {
  const count = body.count;
  if (count === undefined || count === null) return undefined;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
    throw new GlobusSDKUsageError('"count" must be a positive integer');
  }
  return count;
}

/** The HTTP twins of every control, under `/_emulator/`. */
function registerAdminRoutes(router: Router, controls: EmulatorControls): void {
  // the index a person lands on from the banner's controls URL
  router.route("GET", "/", () => ({
    body: {
      emulator: "globus-sdk emulator controls",
      docs: "docs/emulator.md (Controls)",
      controls: router
        .routes()
        .filter((route) => route.pattern !== "/")
        .map((route) => `${route.method} /_emulator${route.pattern}`)
        .sort(),
    },
  }));
  router.route("GET", "/clock", () => ({ body: { now: controls.now() } }));
  router.route("POST", "/clock/advance", (request) => {
    const seconds = adminBody(request).seconds;
    if (typeof seconds !== "number")
      throw new GlobusSDKUsageError('"seconds" (a number) is required');
    return { body: { now: controls.advanceClock(seconds) } };
  });
  router.route("POST", "/tokens/revoke", (request) => ({
    body: { revoked: controls.revokeToken(requireField(adminBody(request), "token")) },
  }));
  router.route("GET", "/tokens", () => ({ body: { tokens: controls.tokens() } }));
  router.route("POST", "/sessions/expire", (request) => {
    const body = adminBody(request);
    const id =
      typeof body.session_id === "string" ? body.session_id : requireField(body, "identity_id");
    return { body: { expired: controls.expireSession(id) } };
  });
  router.route("POST", "/mfa/require", (request) => {
    controls.requireMfa(requireField(adminBody(request), "resource_id"));
    return { body: { ok: true } };
  });
  router.route("POST", "/auto-approve", (request) => {
    const body = adminBody(request);
    const count = optionalCount(body);
    controls.autoApprove(requireField(body, "identity_id"), {
      mfa: body.mfa === true,
      ...(count !== undefined ? { count } : {}),
    });
    return { body: { ok: true } };
  });
  router.route("POST", "/auto-deny", (request) => {
    const count = optionalCount(adminBody(request));
    controls.autoDeny(count !== undefined ? { count } : {});
    return { body: { ok: true } };
  });
  router.route("DELETE", "/auto-approve", () => {
    controls.clearAutoApprove();
    return { body: { ok: true } };
  });
  router.route("GET", "/faults", () => ({ body: { faults: controls.faults() } }));
  router.route("POST", "/faults", (request) => ({
    status: 201,
    body: controls.addFault(adminBody(request) as unknown as FaultSpec),
  }));
  router.route("DELETE", "/faults", () => {
    controls.clearFaults();
    return { body: { ok: true } };
  });
  router.route("DELETE", "/faults/:id", (request) => {
    const removed = controls.removeFault(request.params.id ?? "");
    return removed
      ? { body: { ok: true } }
      : { status: 404, body: { code: "NotFound", message: "No such fault" } };
  });
  router.route("GET", "/requests", (request) => {
    const filter: RequestLogFilter = {};
    const q = request.query;
    for (const [param, key] of [
      ["service", "service"],
      ["path", "path"],
      ["method", "method"],
      ["grant_type", "grantType"],
      ["client_id", "clientId"],
    ] as const) {
      const value = q.get(param);
      if (value) filter[key] = value;
    }
    const status = q.get("status");
    if (status) filter.status = Number(status);
    return { body: { requests: controls.requestLog(filter) } };
  });
  router.route("GET", "/routes", () => ({ body: { routes: controls.routes() } }));
  router.route("GET", "/authorizations/pending", () => ({
    body: { count: controls.pendingAuthorizations() },
  }));
  router.route("DELETE", "/requests", () => {
    controls.clearRequestLog();
    return { body: { ok: true } };
  });
  router.route("GET", "/grants/count", (request) => {
    const grantType = request.query.get("grant_type");
    if (!grantType) throw new GlobusSDKUsageError('"grant_type" query parameter is required');
    return { body: { grant_type: grantType, count: controls.countGrants(grantType) } };
  });
  router.route("POST", "/signing-key/rotate", async (request) => {
    const kid = await controls.rotateSigningKey({
      keepPrevious: adminBody(request).keep_previous === true,
    });
    return { body: { kid } };
  });
  router.route("POST", "/reset", () => {
    controls.reset();
    return { body: { ok: true } };
  });
}

/**
 * Why a control request is refused, or undefined. The controls change and reveal
 * everything (tokens included), so only a local program may use them: its `Host` must be
 * the loopback address the emulator listens on (a web page reached through DNS rebinding
 * sends its own host name), and every request that changes something must say
 * `Content-Type: application/json`, which a cross-site page cannot send without a CORS
 * preflight the emulator never answers.
 */
function controlRequestProblem(
  req: IncomingMessage,
  method: string,
  port: number,
): string | undefined {
  const host = (req.headers.host ?? "").toLowerCase();
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!allowed.includes(host)) {
    return `Emulator controls answer only requests addressed to 127.0.0.1:${port} (Host was ${JSON.stringify(req.headers.host ?? "")})`;
  }
  if (method !== "GET" && method !== "HEAD") {
    const type = String(req.headers["content-type"] ?? "").toLowerCase();
    if (!/^application\/json\s*(;|$)/.test(type)) {
      return "Emulator controls that change state need Content-Type: application/json";
    }
  }
  if (
    typeof req.headers.origin === "string" &&
    !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(req.headers.origin)
  ) {
    return `Emulator controls refuse requests from web pages (Origin ${req.headers.origin})`;
  }
  return undefined;
}
