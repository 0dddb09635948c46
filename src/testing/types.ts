/**
 * The emulator's internal contract between its core (HTTP server, Globus Auth, clock,
 * faults, request log) and its service modules (Transfer, Flows, Groups, ...).
 * The core implements `EmulatorContext`; each service module registers routes.
 */
import type { IncomingHttpHeaders } from "node:http";

/** A request as a route handler sees it. */
export interface EmulatorRequest {
  readonly method: string;
  /** The path below the service's mount prefix, e.g. `/v0.10/endpoint_search`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** Route parameters from `:name` segments, already percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body; a malformed body makes the core answer 400 in the service's format. */
  json<T = unknown>(): T;
  /** The parsed form body. */
  form(): URLSearchParams;
}

/** What a handler returns. `body` is sent as JSON unless `html` or `text` is given. */
export interface EmulatorReply {
  status?: number;
  body?: unknown;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
}

/**
 * Thrown by handlers to answer with an error. `body` is the service's own error format.
 */
export class EmulatorHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(`emulator HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export type RouteHandler = (
  request: EmulatorRequest,
  context: EmulatorContext,
) => EmulatorReply | Promise<EmulatorReply>;

/** Registers routes below one service's mount prefix. Patterns use `:name` segments. */
export interface ServiceRouter {
  route(method: string, pattern: string, handler: RouteHandler): void;
}

/** How a service shapes its error bodies (Transfer, Flows and Groups differ). */
export type ErrorBodyFormatter = (status: number, code: string, message: string) => unknown;

/** What the core knows about a presented access token. */
export interface AccessTokenInfo {
  readonly clientId: string;
  /** The user's identity id; for client credentials, the client's own id. */
  readonly identityId: string;
  /** Ids of every identity in the session (linked identities that authenticated). */
  readonly sessionIdentities: readonly string[];
  readonly resourceServer: string;
  /** Top-level scope strings granted on this resource server (no brackets). */
  readonly scopes: readonly string[];
  /** Whether the session that issued the token authenticated with MFA. */
  readonly mfa: boolean;
  readonly expiresAt: number;
  readonly isClientCredentials: boolean;
}

/** Seeded data every part of the emulator reads. Service modules keep their own mutable state. */
export interface EmulatorSeed {
  clients: SeedClient[];
  identities: SeedIdentity[];
  flows: SeedFlow[];
  endpoints: SeedEndpoint[];
}

export interface SeedClient {
  id: string;
  name: string;
  type: "native" | "confidential";
  /** Confidential clients only. */
  secret?: string;
  /** Pre-registered redirect URIs; native clients may also use Globus's auth-code page. */
  redirectUris?: string[];
  /** Any `http://127.0.0.1:<port>/...` or `http://localhost:<port>/...` redirect is accepted when true. */
  allowLoopbackRedirects?: boolean;
}

export interface SeedIdentity {
  id: string;
  username: string;
  name: string;
  email: string;
  organization?: string;
  identity_provider?: string;
  /** Identities with the same `account` are linked into one identity set. */
  account: string;
  /**
   * Ids of the groups this identity is an active member of, for services that grant access
   * to group principals (`urn:globus:groups:id:...`): Search's `visible_to` and roles. The
   * Groups module keeps its own groups; these are read only by those services.
   */
  groups?: string[];
}

export interface SeedFlow {
  id: string;
  title: string;
  subtitle?: string;
  description?: string;
  keywords?: string[];
  definition: Record<string, unknown>;
  input_schema?: Record<string, unknown>;
  /** Identity id of the owner. */
  owner: string;
  flow_viewers?: string[];
  flow_starters?: string[];
  flow_administrators?: string[];
  run_managers?: string[];
  run_monitors?: string[];
}

export interface SeedTreeNode {
  name: string;
  type: "dir" | "file";
  size?: number;
  children?: SeedTreeNode[];
}

export interface SeedEndpoint {
  /** The collection id (Transfer endpoint id). */
  id: string;
  display_name: string;
  owner_string?: string;
  entity_type?: string;
  /** High-assurance collections require an MFA session and a data_access consent. */
  high_assurance?: boolean;
  /** Whether listing needs a `data_access` dependent consent (GCSv5 mapped collections). */
  requires_data_access_consent?: boolean;
  /** The GCS endpoint id (resource server of `manage_collections`), when it is a GCS collection. */
  gcs_endpoint_id?: string;
  /**
   * The Auth client id of that endpoint's GCS Manager (its resource server, named by
   * `/api/info`), when it differs from `gcs_endpoint_id`. Give it on every collection of the
   * endpoint, or on its first.
   */
  gcs_client_id?: string;
  /**
   * The domains whose identities may use the collection (its storage gateway's
   * `allowed_domains`); Transfer refuses others with `PermissionDenied`. Unset: anyone.
   */
  allowed_domains?: string[];
  /**
   * A guest collection's host (mapped) collection id: the guest shows the host's files
   * below `host_path`, and its access rules decide who may use them.
   */
  host_endpoint_id?: string;
  /** A guest collection's root directory on its host, absolute and ending in `/`. */
  host_path?: string;
  tree?: SeedTreeNode;
}

/**
 * The collections (Transfer endpoints) every service sees: the seed's, and those created
 * since (by GCS, or by Transfer's shared endpoints). A record is changed in place, so
 * that every service sees the change.
 */
export interface CollectionRegistry {
  all(): SeedEndpoint[];
  get(id: string): SeedEndpoint | undefined;
  /** Adds a collection; an id already present is a usage error. */
  add(collection: SeedEndpoint): void;
  remove(id: string): boolean;
}

/** What the core gives every handler. */
export interface EmulatorContext {
  readonly seed: EmulatorSeed;
  /** Every collection, shared by Transfer, GCS and the rest; reset with the emulator. */
  readonly collections: CollectionRegistry;
  /** The emulator clock in epoch seconds (tests can advance it). */
  now(): number;
  /** A fresh random UUID. */
  newId(): string;
  /** The public base URL of a mounted service, e.g. `http://127.0.0.1:4321/transfer/`. */
  serviceUrl(service: string): string;
  /** The GCS Manager URL of a GCS endpoint, ending in `/` (its API is at `api/` below it). */
  gcsUrl(endpointId: string): string;
  /**
   * Validates the bearer token for `resourceServer`. Throws `EmulatorHttpError` with
   * 401 (missing, unknown, expired, revoked, wrong resource server) or 403 (none of
   * `anyOfScopes` granted) in the `format` given.
   */
  authenticate(
    request: EmulatorRequest,
    resourceServer: string,
    options: { anyOfScopes?: readonly string[]; format: ErrorBodyFormatter },
  ): AccessTokenInfo;
  /**
   * Whether the identity (or client) consented, through `clientId`, to `dependentScope`
   * beneath `parentScope` (e.g. a collection's data_access under transfer:all), at any depth
   * of the token's consents (transfer:all may itself sit below the Timers scope).
   */
  hasDependentConsent(token: AccessTokenInfo, parentScope: string, dependentScope: string): boolean;
  /** Whether a test asked, through the controls, that `resourceId` demand an MFA session. */
  requiresMfa(resourceId: string): boolean;
  /** Looks up a seeded identity by id. */
  identity(id: string): SeedIdentity | undefined;
}

/** One service module: its mount name (e.g. "transfer", served under `/transfer/`). */
export interface ServiceModule {
  readonly name: string;
  /** The `GLOBUS_SDK_SERVICE_URL_<X>` service name, if it differs from `name`. */
  readonly envName?: string;
  /** How the core shapes its own errors (404, 405, bad JSON, injected faults) for this service. */
  readonly errorFormat?: ErrorBodyFormatter;
  register(router: ServiceRouter, context: EmulatorContext): void;
}
