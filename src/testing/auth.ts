/**
 * The emulated Globus Auth: OAuth2 authorize/token/revoke/introspect/userinfo, the identities
 * and consents APIs, OIDC discovery and JWKS, plus the token store every service checks.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { appendFileSync } from "node:fs";
import { KNOWN_SCOPES } from "../scopes/known.ts";
import { authErrorBody, authErrorFormat, isoTime, UUID } from "./auth/common.ts";
import { registerDeveloperApi } from "./auth/developer.ts";
import { type IdentityProvider, identityProviders, providerOf } from "./auth/identity-providers.ts";
import { AuthRegistry, type RegisteredClient } from "./auth/registry.ts";
import { authCodePage, consentPage, errorPage } from "./html.ts";
import {
  parseScopeString,
  resourceServerOf,
  type ScopeNode,
  ScopeParseError,
} from "./scope-tree.ts";
import { accessTokenHash, SigningKeys } from "./signing.ts";
import {
  type AccessTokenInfo,
  EmulatorHttpError,
  type EmulatorReply,
  type EmulatorRequest,
  type EmulatorSeed,
  type ErrorBodyFormatter,
  type SeedIdentity,
  type ServiceRouter,
} from "./types.ts";

/** Lifetime of access tokens, as Globus issues them (48 h). */
export const ACCESS_TOKEN_LIFETIME = 172800;
/** Lifetime of authorization codes. */
export const AUTH_CODE_LIFETIME = 600;
const AUTH_RS = "auth.globus.org";
const SESSION_COOKIE = "globus_emulator_session";
const DEPENDENT_GRANT = "urn:globus:auth:grant_type:dependent_token";
const GLOBUS_AUTH_CODE_PAGE = "https://auth.globus.org/v2/web/auth-code";
/** The provider a client's own identity (`<id>@clients.auth.globus.org`) comes from. */
const CLIENT_IDENTITY_PROVIDER = "ad5c1e2b-6f1a-4ad4-8c1d-6b3b2a0e9c11";

export { authErrorFormat };

/** What the auth service needs from the emulator core. */
export interface AuthCore {
  readonly seed: EmulatorSeed;
  now(): number;
  newId(): string;
  serviceUrl(service: string): string;
  /** Every URL a service answers at: its own origin (with `servicePorts`) and its mount. */
  serviceUrls(service: string): string[];
  /** Records the calling client on the request's log entry. */
  noteClient(request: EmulatorRequest, clientId: string): void;
}

/** A node of the consent forest (one identity, one client). */
export interface ConsentNode {
  id: number;
  scopeName: string;
  scopeId: string;
  client: string;
  effectiveIdentity: string;
  dependencyPath: number[];
  created: number;
  lastUsed: number;
  children: ConsentNode[];
}

interface Authentication {
  authTime: number;
  mfa: boolean;
}

interface Session {
  id: string;
  authentications: Map<string, Authentication>;
}

interface AccessRecord {
  token: string;
  clientId: string;
  identityId: string;
  sessionId: string | undefined;
  resourceServer: string;
  scopes: string[];
  consentNodes: ConsentNode[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  isClientCredentials: boolean;
  refreshToken: string | undefined;
}

interface RefreshRecord {
  token: string;
  clientId: string;
  identityId: string;
  sessionId: string | undefined;
  resourceServer: string;
  scopes: string[];
  consentNodes: ConsentNode[];
  revoked: boolean;
  isClientCredentials: boolean;
  accessTokens: Set<string>;
}

interface PendingAuthorization {
  client: RegisteredClient;
  redirectUri: string;
  /** The redirect_uri exactly as sent (undefined when omitted), for the token call's check. */
  sentRedirectUri: string | undefined;
  scopeNodes: ScopeNode[];
  state: string | undefined;
  codeChallenge: string | undefined;
  offline: boolean;
  forceLogin: boolean;
  requiredMfa: boolean;
  requiredIdentities: string[];
  requiredDomains: string[];
  message: string | undefined;
  policies: string | undefined;
  prefillNamedGrant: string | undefined;
  /** Emulator time the authorize request arrived; unanswered ones expire. */
  createdAt: number;
}

/** An authorize request nobody answers is forgotten after this many emulator seconds. */
export const PENDING_AUTHORIZATION_LIFETIME = 3600;
/** At most this many unanswered authorize requests are kept; the oldest go first. */
export const MAX_PENDING_AUTHORIZATIONS = 1000;

interface AuthCode {
  clientId: string;
  sentRedirectUri: string | undefined;
  identityId: string;
  sessionId: string;
  scopeNodes: ScopeNode[];
  codeChallenge: string | undefined;
  offline: boolean;
  state: string | undefined;
  expiresAt: number;
  used: boolean;
}

/** A token as `controls.tokens()` lists it (for leak checks and assertions). */
export interface IssuedTokenSummary {
  token: string;
  kind: "access" | "refresh";
  clientId: string;
  identityId: string;
  resourceServer: string;
  scopes: string[];
  expiresAt?: number;
  revoked: boolean;
}

/** What `autoApprove` set up. */
export interface AutoApproval {
  identityId: string;
  mfa: boolean;
  deny: boolean;
  remaining: number | undefined;
}

function oauthError(status: number, error: string, description: string): EmulatorHttpError {
  const headers: Record<string, string> =
    status === 401 ? { "WWW-Authenticate": 'Basic realm="Globus Auth"' } : {};
  return new EmulatorHttpError(status, { error, error_description: description }, headers);
}

function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Names a file to which every emulator appends each access and refresh token it issues, one
 * per line, so a test run can prove afterwards that none of them was ever printed.
 */
export const TOKEN_LEDGER_ENV = "GLOBUS_SDK_EMULATOR_TOKEN_LEDGER";

/** An access or refresh token, recorded in the ledger when one is configured. */
function newIssuedToken(): string {
  const token = newToken();
  const ledger = process.env[TOKEN_LEDGER_ENV];
  if (ledger) appendFileSync(ledger, `${token}\n`, { mode: 0o600 });
  return token;
}

/** The id and secret of an HTTP Basic `Authorization` header, if it is one. */
function basicCredentials(
  header: string | undefined,
): { id: string; secret: string } | "malformed" | undefined {
  if (!header || !/^basic\s+/i.test(header)) return undefined;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ""), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return "malformed";
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return "malformed";
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (
      url.protocol === "http:" &&
      (url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]")
    );
  } catch {
    return false;
  }
}

function splitList(value: string | null): string[] {
  return value
    ? value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean)
    : [];
}

/** All of Globus Auth's mutable state and its HTTP routes. */
export class AuthService {
  readonly keys: SigningKeys;
  readonly #core: AuthCore;
  readonly #registry: AuthRegistry;
  readonly #providers: IdentityProvider[];
  readonly #identities = new Map<string, SeedIdentity>();
  readonly #identitiesByUsername = new Map<string, SeedIdentity>();
  readonly #accounts = new Map<string, SeedIdentity[]>();
  readonly #access = new Map<string, AccessRecord>();
  readonly #refresh = new Map<string, RefreshRecord>();
  readonly #codes = new Map<string, AuthCode>();
  readonly #pending = new Map<string, PendingAuthorization>();
  readonly #sessions = new Map<string, Session>();
  readonly #forests = new Map<string, ConsentNode[]>();
  readonly #consentsByIdentity = new Map<string, ConsentNode[]>();
  readonly #infoRecords = new WeakMap<AccessTokenInfo, AccessRecord>();
  readonly #mfaResources = new Set<string>();
  #nextConsentId = 100000;
  #autoApproval: AutoApproval | undefined;

  constructor(core: AuthCore, keys: SigningKeys = new SigningKeys()) {
    this.#core = core;
    this.keys = keys;
    this.#registry = new AuthRegistry(
      { now: () => core.now(), newId: () => core.newId(), newSecret: newIssuedToken },
      core.seed.clients,
    );
    this.#providers = identityProviders(core.seed.identities);
    for (const identity of core.seed.identities) {
      this.#identities.set(identity.id, identity);
      this.#identitiesByUsername.set(identity.username.toLowerCase(), identity);
      const linked = this.#accounts.get(identity.account) ?? [];
      linked.push(identity);
      this.#accounts.set(identity.account, linked);
    }
  }

  // ----- used by the core (EmulatorContext) and the controls -----

  identity(id: string): SeedIdentity | undefined {
    return this.#identities.get(id);
  }

  /** Every identity linked to `id` (its identity set), `id` first. */
  identitySet(id: string): SeedIdentity[] {
    const identity = this.#identities.get(id);
    if (!identity) return [];
    const linked = this.#accounts.get(identity.account) ?? [identity];
    return [identity, ...linked.filter((other) => other.id !== id)];
  }

  requireMfa(resourceId: string): void {
    this.#mfaResources.add(resourceId);
  }

  requiresMfa(resourceId: string): boolean {
    return this.#mfaResources.has(resourceId);
  }

  setAutoApproval(approval: AutoApproval | undefined): void {
    if (approval && !this.#identities.has(approval.identityId)) {
      throw new Error(`autoApprove: no seeded identity has id "${approval.identityId}"`);
    }
    this.#autoApproval = approval;
  }

  /** Revokes an access or refresh token. A refresh token takes its access tokens with it. */
  revoke(token: string): boolean {
    const access = this.#access.get(token);
    if (access) {
      access.revoked = true;
      return true;
    }
    const refresh = this.#refresh.get(token);
    if (refresh) {
      refresh.revoked = true;
      for (const issued of refresh.accessTokens) {
        const record = this.#access.get(issued);
        if (record) record.revoked = true;
      }
      return true;
    }
    return false;
  }

  /**
   * Ends the sessions of an identity (or one session by id): their authentications are
   * dropped, so tokens issued in them no longer carry MFA or session identities.
   */
  expireSession(identityOrSessionId: string): number {
    let count = 0;
    const direct = this.#sessions.get(identityOrSessionId);
    if (direct) {
      direct.authentications.clear();
      return 1;
    }
    for (const session of this.#sessions.values()) {
      if (session.authentications.has(identityOrSessionId)) {
        session.authentications.clear();
        count += 1;
      }
    }
    return count;
  }

  tokens(): IssuedTokenSummary[] {
    const list: IssuedTokenSummary[] = [];
    for (const record of this.#access.values()) {
      list.push({
        token: record.token,
        kind: "access",
        clientId: record.clientId,
        identityId: record.identityId,
        resourceServer: record.resourceServer,
        scopes: [...record.scopes],
        expiresAt: record.expiresAt,
        revoked: record.revoked,
      });
    }
    for (const record of this.#refresh.values()) {
      list.push({
        token: record.token,
        kind: "refresh",
        clientId: record.clientId,
        identityId: record.identityId,
        resourceServer: record.resourceServer,
        scopes: [...record.scopes],
        revoked: record.revoked,
      });
    }
    return list;
  }

  /** The active record for an access token, or a reason it is not active. */
  #activeRecord(token: string): AccessRecord | undefined {
    const record = this.#access.get(token);
    if (!record || record.revoked || record.expiresAt <= this.#core.now()) return undefined;
    return record;
  }

  #sessionOf(record: { sessionId: string | undefined }): Session | undefined {
    return record.sessionId ? this.#sessions.get(record.sessionId) : undefined;
  }

  #infoFor(record: AccessRecord): AccessTokenInfo {
    const session = this.#sessionOf(record);
    const sessionIdentities = session ? [...session.authentications.keys()] : [];
    let mfa = false;
    if (session) for (const auth of session.authentications.values()) mfa ||= auth.mfa;
    const info: AccessTokenInfo = {
      clientId: record.clientId,
      identityId: record.identityId,
      sessionIdentities,
      resourceServer: record.resourceServer,
      scopes: record.scopes,
      mfa,
      expiresAt: record.expiresAt,
      isClientCredentials: record.isClientCredentials,
    };
    this.#infoRecords.set(info, record);
    return info;
  }

  authenticate(
    request: EmulatorRequest,
    resourceServer: string,
    options: { anyOfScopes?: readonly string[]; format: ErrorBodyFormatter },
  ): AccessTokenInfo {
    const header = request.headers.authorization;
    const fail = (status: number, code: string, message: string): never => {
      throw new EmulatorHttpError(status, options.format(status, code, message), {
        ...(status === 401 ? { "WWW-Authenticate": "Bearer" } : {}),
      });
    };
    if (!header || !/^bearer\s+/i.test(header)) {
      return fail(
        401,
        "AuthenticationFailed",
        "No Authorization header with a Bearer token was given",
      );
    }
    const token = header.replace(/^bearer\s+/i, "").trim();
    const record = this.#access.get(token);
    if (!record) return fail(401, "AuthenticationFailed", "Token is not active");
    if (record.revoked) return fail(401, "AuthenticationFailed", "Token is not active (revoked)");
    if (record.expiresAt <= this.#core.now()) {
      return fail(401, "AuthenticationFailed", "Token is not active (expired)");
    }
    this.#core.noteClient(request, record.clientId);
    if (record.resourceServer !== resourceServer) {
      return fail(
        401,
        "AuthenticationFailed",
        `Token is not valid for this resource server (it was issued for ${record.resourceServer})`,
      );
    }
    if (options.anyOfScopes && options.anyOfScopes.length > 0) {
      if (!options.anyOfScopes.some((scope) => record.scopes.includes(scope))) {
        return fail(
          403,
          "PermissionDenied",
          `Token lacks the required scope (one of: ${options.anyOfScopes.join(", ")})`,
        );
      }
    }
    return this.#infoFor(record);
  }

  hasDependentConsent(
    token: AccessTokenInfo,
    parentScope: string,
    dependentScope: string,
  ): boolean {
    const record = this.#infoRecords.get(token);
    const nodes = record
      ? record.consentNodes
      : (this.#forests.get(`${token.identityId}|${token.clientId}`) ?? []);
    // at any depth: a Timers token holds transfer:all (and its data_access) below `timer`
    const found = (list: readonly ConsentNode[]): boolean =>
      list.some(
        (node) =>
          (node.scopeName === parentScope &&
            node.children.some((child) => child.scopeName === dependentScope)) ||
          found(node.children),
      );
    return found(nodes);
  }

  // ----- consents -----

  #mergeConsents(
    siblings: ConsentNode[],
    nodes: readonly ScopeNode[],
    identityId: string,
    client: string,
    parentPath: number[],
  ): ConsentNode[] {
    const now = this.#core.now();
    const merged: ConsentNode[] = [];
    for (const node of nodes) {
      let consent = siblings.find((existing) => existing.scopeName === node.scope);
      if (!consent) {
        const id = this.#nextConsentId++;
        consent = {
          id,
          scopeName: node.scope,
          scopeId: this.#registry.scopeIdOf(node.scope),
          client,
          effectiveIdentity: identityId,
          dependencyPath: [...parentPath, id],
          created: now,
          lastUsed: now,
          children: [],
        };
        siblings.push(consent);
        const flat = this.#consentsByIdentity.get(identityId) ?? [];
        flat.push(consent);
        this.#consentsByIdentity.set(identityId, flat);
      }
      consent.lastUsed = now;
      // A dependent consent is held by the service behind the parent scope.
      const childClient = resourceServerOf(node.scope) ?? client;
      this.#mergeConsents(
        consent.children,
        node.children,
        identityId,
        childClient,
        consent.dependencyPath,
      );
      merged.push(consent);
    }
    return merged;
  }

  #recordConsents(
    identityId: string,
    clientId: string,
    nodes: readonly ScopeNode[],
  ): ConsentNode[] {
    const key = `${identityId}|${clientId}`;
    const roots = this.#forests.get(key) ?? [];
    this.#forests.set(key, roots);
    return this.#mergeConsents(roots, this.#withDependents(nodes), identityId, clientId, []);
  }

  /**
   * The requested scopes with the dependent scopes their registered scopes bring along:
   * consent to a scope is consent to its required dependent scopes (optional ones only
   * when the request names them), all the way down.
   */
  #withDependents(nodes: readonly ScopeNode[], seen: ReadonlySet<string> = new Set()): ScopeNode[] {
    return nodes.map((node) => {
      const children = [...node.children];
      // a scope among its own ancestors would recurse forever
      if (!seen.has(node.scope)) {
        for (const dependent of this.#registry.dependentsOf(node.scope)) {
          if (dependent.optional || children.some((child) => child.scope === dependent.scope))
            continue;
          children.push({ scope: dependent.scope, optional: false, children: [] });
        }
      }
      const below = new Set([...seen, node.scope]);
      return {
        ...node,
        children: seen.has(node.scope) ? children : this.#withDependents(children, below),
      };
    });
  }

  // ----- token issuing -----

  #parseScopes(scope: string | null, required: boolean): ScopeNode[] {
    if (!scope?.trim()) {
      if (required) throw oauthError(400, "invalid_scope", "The scope parameter is required");
      return [];
    }
    let nodes: ScopeNode[];
    try {
      nodes = parseScopeString(scope);
    } catch (error) {
      if (error instanceof ScopeParseError) {
        throw oauthError(400, "invalid_scope", `Malformed scope string: ${error.message}`);
      }
      throw error;
    }
    const check = (list: ScopeNode[]) => {
      for (const node of list) {
        if (!this.#registry.isGrantable(node.scope)) {
          throw oauthError(400, "invalid_scope", `Unknown scope: ${node.scope}`);
        }
        check(node.children);
      }
    };
    check(nodes);
    return nodes;
  }

  /** Issues one token per resource server for `nodes` (already-recorded consent nodes). */
  #issueTokens(args: {
    clientId: string;
    identityId: string;
    sessionId: string | undefined;
    consentNodes: ConsentNode[];
    offline: boolean;
    isClientCredentials: boolean;
  }): { record: AccessRecord; refresh?: RefreshRecord }[] {
    const byServer = new Map<string, ConsentNode[]>();
    for (const node of args.consentNodes) {
      const server = resourceServerOf(node.scopeName)!;
      const list = byServer.get(server) ?? [];
      if (!list.some((existing) => existing.scopeName === node.scopeName)) list.push(node);
      byServer.set(server, list);
    }
    // Globus puts Auth's token (the one carrying id_token) first when it is requested.
    const servers = [...byServer.keys()].sort((a, b) =>
      a === AUTH_RS ? -1 : b === AUTH_RS ? 1 : 0,
    );
    const now = this.#core.now();
    return servers.map((server) => {
      const nodes = byServer.get(server)!;
      const record: AccessRecord = {
        token: newIssuedToken(),
        clientId: args.clientId,
        identityId: args.identityId,
        sessionId: args.sessionId,
        resourceServer: server,
        scopes: nodes.map((node) => node.scopeName),
        consentNodes: nodes,
        issuedAt: now,
        expiresAt: now + ACCESS_TOKEN_LIFETIME,
        revoked: false,
        isClientCredentials: args.isClientCredentials,
        refreshToken: undefined,
      };
      this.#access.set(record.token, record);
      if (!args.offline) return { record };
      const refresh: RefreshRecord = {
        token: newIssuedToken(),
        clientId: args.clientId,
        identityId: args.identityId,
        sessionId: args.sessionId,
        resourceServer: server,
        scopes: record.scopes,
        consentNodes: nodes,
        revoked: false,
        isClientCredentials: args.isClientCredentials,
        accessTokens: new Set([record.token]),
      };
      record.refreshToken = refresh.token;
      this.#refresh.set(refresh.token, refresh);
      return { record, refresh };
    });
  }

  #tokenJson(
    issued: { record: AccessRecord; refresh?: RefreshRecord },
    state: string | undefined,
    tokenType = "Bearer",
  ): Record<string, unknown> {
    const body: Record<string, unknown> = {
      access_token: issued.record.token,
      expires_in: issued.record.expiresAt - this.#core.now(),
      resource_server: issued.record.resourceServer,
      scope: issued.record.scopes.join(" "),
      token_type: tokenType,
    };
    if (issued.refresh) body.refresh_token = issued.refresh.token;
    if (state !== undefined) body.state = state;
    return body;
  }

  async #idToken(record: AccessRecord, clientId: string): Promise<string> {
    const identity = this.#identities.get(record.identityId);
    const session = this.#sessionOf(record);
    const now = this.#core.now();
    const scopes = new Set(record.scopes);
    const describe = (member: SeedIdentity) => {
      const entry: Record<string, unknown> = {
        sub: member.id,
        username: member.username,
        identity_provider: providerOf(member),
        identity_provider_display_name: this.#providerName(member),
        organization: member.organization ?? null,
        name: member.name,
        email: member.email,
      };
      // as Globus does, null for a linked identity that has not authenticated in the session
      entry.last_authentication = session?.authentications.get(member.id)?.authTime ?? null;
      return entry;
    };
    const claims: Record<string, unknown> = {
      sub: record.identityId,
      iss: this.issuer,
      aud: clientId,
      iat: now,
      exp: now + ACCESS_TOKEN_LIFETIME,
      at_hash: accessTokenHash(record.token),
    };
    if (identity) {
      claims.identity_set = this.identitySet(identity.id).map(describe);
      Object.assign(claims, profileClaims(identity, scopes, this.#providerName(identity)));
      const auth = session?.authentications.get(identity.id);
      if (auth) {
        claims.last_authentication = auth.authTime;
        claims.session_iat = auth.authTime;
      }
    }
    return this.keys.sign(claims);
  }

  async #tokenResponse(
    issued: { record: AccessRecord; refresh?: RefreshRecord }[],
    clientId: string,
    state: string | undefined,
  ): Promise<Record<string, unknown>> {
    const [first, ...rest] = issued;
    if (!first) throw oauthError(400, "invalid_scope", "No scopes were granted");
    const top = this.#tokenJson(first, state);
    if (first.record.resourceServer === AUTH_RS && first.record.scopes.includes("openid")) {
      top.id_token = await this.#idToken(first.record, clientId);
    }
    top.other_tokens = rest.map((item) => this.#tokenJson(item, state));
    return top;
  }

  get issuer(): string {
    return this.#core.serviceUrl("auth").replace(/\/$/, "");
  }

  // ----- client authentication -----

  /** Authenticates the caller of a token-family endpoint. */
  #client(
    request: EmulatorRequest,
    form: URLSearchParams,
    requireSecret: boolean,
  ): RegisteredClient {
    const basic = basicCredentials(request.headers.authorization);
    if (basic === "malformed") {
      throw oauthError(401, "invalid_client", "Malformed HTTP Basic credentials");
    }
    const id = basic ? basic.id : form.get("client_id");
    const secret = basic ? basic.secret : form.get("client_secret");
    if (!id) throw oauthError(401, "invalid_client", "Client authentication is required");
    const client = this.#registry.client(id);
    if (!client) throw oauthError(401, "invalid_client", "Unknown client");
    this.#core.noteClient(request, client.id);
    if (client.type === "confidential") {
      if (!secret || !this.#registry.verifySecret(client, secret)) {
        throw oauthError(401, "invalid_client", "Client authentication failed");
      }
    } else if (requireSecret) {
      throw oauthError(401, "invalid_client", "This call requires a confidential client");
    }
    return client;
  }

  /** The confidential client of an HTTP Basic header on an Auth API call, in Auth's format. */
  #basicApiClient(request: EmulatorRequest): RegisteredClient | undefined {
    const basic = basicCredentials(request.headers.authorization);
    if (basic === undefined) return undefined;
    const known = basic === "malformed" ? undefined : this.#registry.client(basic.id);
    const client =
      known?.type === "confidential" &&
      basic !== "malformed" &&
      this.#registry.verifySecret(known, basic.secret)
        ? known
        : undefined;
    if (!client) {
      throw new EmulatorHttpError(
        401,
        authErrorBody(401, "UNAUTHORIZED", "Client authentication failed"),
        { "WWW-Authenticate": 'Basic realm="Globus Auth"' },
      );
    }
    this.#core.noteClient(request, client.id);
    return client;
  }

  // ----- routes -----

  register(router: ServiceRouter): void {
    router.route("GET", "/v2/oauth2/authorize", (request) => this.#authorize(request));
    router.route("POST", "/v2/web/consent", (request) => this.#decide(request));
    router.route("GET", "/v2/web/auth-code", (request) => ({
      html: authCodePage(
        request.query.get("code") ?? undefined,
        request.query.get("error") ?? undefined,
      ),
    }));
    router.route("POST", "/v2/oauth2/token", (request) => this.#token(request));
    router.route("POST", "/v2/oauth2/token/revoke", (request) => this.#revokeRoute(request));
    router.route("POST", "/v2/oauth2/token/introspect", (request) => this.#introspect(request));
    router.route("GET", "/v2/oauth2/userinfo", (request) => this.#userinfo(request));
    router.route("POST", "/v2/oauth2/userinfo", (request) => this.#userinfo(request));
    router.route("GET", "/v2/api/identities", (request) => this.#identitiesRoute(request));
    router.route("GET", "/v2/api/identities/:id", (request) => this.#identityRoute(request));
    router.route("GET", "/v2/api/identities/:id/consents", (request) =>
      this.#consentsRoute(request),
    );
    registerDeveloperApi(router, {
      registry: this.#registry,
      authenticate: (request, anyOfScopes) => this.#authAuthenticate(request, anyOfScopes),
      basicClient: (request) => this.#basicApiClient(request),
      callerIds: (info) => this.#callerIds(info),
      identityRecord: (id) => this.#identityRecord(id),
      identityProviders: () => this.#providers,
    });
    router.route("GET", "/jwk.json", async () => ({ body: await this.keys.jwks() }));
    router.route("GET", "/.well-known/openid-configuration", () => ({ body: this.#discovery() }));
  }

  #discovery(): Record<string, unknown> {
    const base = this.#core.serviceUrl("auth");
    return {
      issuer: this.issuer,
      authorization_endpoint: `${base}v2/oauth2/authorize`,
      token_endpoint: `${base}v2/oauth2/token`,
      userinfo_endpoint: `${base}v2/oauth2/userinfo`,
      revocation_endpoint: `${base}v2/oauth2/token/revoke`,
      jwks_uri: `${base}jwk.json`,
      // Globus also lists the implicit response types, which the emulator does not serve.
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "email", "profile"],
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
      claims_supported: [
        "at_hash",
        "aud",
        "email",
        "exp",
        "name",
        "iat",
        "iss",
        "sub",
        "preferred_username",
        "organization",
        "identity_set",
        "identity_provider",
        "identity_provider_display_name",
        "last_authentication",
      ],
    };
  }

  #redirectAllowed(client: RegisteredClient, uri: string): boolean {
    if (client.redirectUris?.includes(uri)) return true;
    if (client.allowLoopbackRedirects && isLoopback(uri)) return true;
    if (client.type === "native") {
      return (
        uri === GLOBUS_AUTH_CODE_PAGE ||
        this.#core.serviceUrls("auth").some((base) => uri === `${base}v2/web/auth-code`)
      );
    }
    return false;
  }

  #redirectTo(target: string, params: Record<string, string | undefined>): EmulatorReply {
    // Globus's own auth-code page is served here, since the real one is unreachable.
    const base =
      target === GLOBUS_AUTH_CODE_PAGE
        ? `${this.#core.serviceUrl("auth")}v2/web/auth-code`
        : target;
    const url = new URL(base);
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return { status: 302, headers: { Location: url.toString() }, text: "" };
  }

  #authorize(request: EmulatorRequest): EmulatorReply {
    const query = request.query;
    const clientId = query.get("client_id");
    const client = clientId ? this.#registry.client(clientId) : undefined;
    if (!client) {
      return {
        status: 400,
        html: errorPage("Unknown client", "The client_id is missing or not registered."),
      };
    }
    this.#core.noteClient(request, client.id);
    const sentRedirectUri = query.get("redirect_uri") ?? undefined;
    const redirectUri =
      sentRedirectUri ??
      (client.type === "native" ? `${this.#core.serviceUrl("auth")}v2/web/auth-code` : undefined);
    if (!redirectUri || !this.#redirectAllowed(client, redirectUri)) {
      return {
        status: 400,
        html: errorPage(
          "Invalid redirect_uri",
          "The redirect_uri is missing or not registered for this client.",
        ),
      };
    }
    const state = query.get("state") ?? undefined;
    const redirectError = (error: string, description: string) =>
      this.#redirectTo(redirectUri, { error, error_description: description, state });
    if (query.get("response_type") !== "code") {
      return redirectError("unsupported_response_type", "response_type must be code");
    }
    let scopeNodes: ScopeNode[];
    try {
      scopeNodes = this.#parseScopes(query.get("scope"), true);
    } catch (error) {
      const body = (error as EmulatorHttpError).body as { error_description: string };
      return redirectError("invalid_scope", body.error_description);
    }
    const challenge = query.get("code_challenge") ?? undefined;
    const method = query.get("code_challenge_method");
    if (client.type === "native" && !challenge) {
      return redirectError("invalid_request", "Native clients must use PKCE (code_challenge)");
    }
    if (challenge && method !== "S256") {
      return redirectError("invalid_request", "code_challenge_method must be S256");
    }
    if (challenge && !/^[A-Za-z0-9_-]{43,128}$/.test(challenge)) {
      return redirectError("invalid_request", "code_challenge is not a valid S256 challenge");
    }
    const mfaParam = query.get("session_required_mfa");
    const pending: PendingAuthorization = {
      client,
      redirectUri,
      sentRedirectUri,
      scopeNodes,
      state,
      codeChallenge: challenge,
      offline: query.get("access_type") === "offline",
      forceLogin: query.get("prompt") === "login",
      requiredMfa: mfaParam === "true" || mfaParam === "True" || mfaParam === "1",
      requiredIdentities: splitList(query.get("session_required_identities")),
      requiredDomains: splitList(query.get("session_required_single_domain")),
      message: query.get("session_message") ?? undefined,
      policies: query.get("session_required_policies") ?? undefined,
      prefillNamedGrant: query.get("prefill_named_grant") ?? undefined,
      createdAt: this.#core.now(),
    };
    const auto = this.#autoApproval;
    if (auto) {
      if (auto.remaining !== undefined) {
        auto.remaining -= 1;
        if (auto.remaining <= 0) this.#autoApproval = undefined;
      }
      if (auto.deny) return redirectError("access_denied", "The user denied the request");
      const identityId = this.#autoIdentity(pending, auto.identityId);
      return this.#approve(pending, identityId, auto.mfa || pending.requiredMfa, undefined);
    }
    const requestId = this.#core.newId();
    this.#forgetStalePending();
    this.#pending.set(requestId, pending);
    return { html: this.#consentHtml(requestId, pending) };
  }

  /** Unanswered authorize requests expire, and never pile up past a bound. */
  #forgetStalePending(): void {
    const oldest = this.#core.now() - PENDING_AUTHORIZATION_LIFETIME;
    for (const [id, pending] of this.#pending) {
      if (pending.createdAt >= oldest && this.#pending.size < MAX_PENDING_AUTHORIZATIONS) break;
      this.#pending.delete(id);
    }
  }

  /** How many authorize requests await an answer (for tests of the bound). */
  get pendingAuthorizations(): number {
    return this.#pending.size;
  }

  /** The identity auto-approval logs in with: a linked one if the request names it. */
  #autoIdentity(pending: PendingAuthorization, identityId: string): string {
    const linked = this.identitySet(identityId);
    const wanted = linked.find((identity) => pending.requiredIdentities.includes(identity.id));
    return wanted?.id ?? identityId;
  }

  #eligibleIdentities(pending: PendingAuthorization): SeedIdentity[] {
    let list = [...this.#identities.values()];
    if (pending.requiredIdentities.length) {
      list = list.filter((identity) => pending.requiredIdentities.includes(identity.id));
    }
    if (pending.requiredDomains.length) {
      list = list.filter((identity) =>
        pending.requiredDomains.some((domain) =>
          identity.username.toLowerCase().endsWith(`@${domain.toLowerCase()}`),
        ),
      );
    }
    return list;
  }

  #consentHtml(
    requestId: string,
    pending: PendingAuthorization,
    error?: string,
    selected?: string,
  ): string {
    const scopes: string[] = [];
    const walk = (nodes: ScopeNode[], prefix: string) => {
      for (const node of nodes) {
        scopes.push(prefix + node.scope);
        walk(node.children, `${prefix}${node.scope} → `);
      }
    };
    walk(pending.scopeNodes, "");
    return consentPage({
      action: `${this.#core.serviceUrl("auth")}v2/web/consent`,
      requestId,
      clientName: pending.client.name,
      scopes,
      identities: this.#eligibleIdentities(pending),
      ...(selected ? { selectedIdentity: selected } : {}),
      mfaRequired: pending.requiredMfa,
      ...(pending.message ? { sessionMessage: pending.message } : {}),
      ...(pending.policies ? { policies: pending.policies } : {}),
      ...(pending.prefillNamedGrant ? { prefillNamedGrant: pending.prefillNamedGrant } : {}),
      ...(error ? { error } : {}),
    });
  }

  #decide(request: EmulatorRequest): EmulatorReply {
    const form = request.form();
    const requestId = form.get("request_id") ?? "";
    const pending = this.#pending.get(requestId);
    if (pending && pending.createdAt < this.#core.now() - PENDING_AUTHORIZATION_LIFETIME) {
      this.#pending.delete(requestId);
    }
    if (!pending || !this.#pending.has(requestId)) {
      return {
        status: 400,
        html: errorPage(
          "Login expired",
          "This login request is unknown or was already answered. Start again.",
        ),
      };
    }
    if (form.get("decision") !== "allow") {
      this.#pending.delete(requestId);
      return this.#redirectTo(pending.redirectUri, {
        error: "access_denied",
        error_description: "The user denied the request",
        state: pending.state,
      });
    }
    const identityId = form.get("identity_id") ?? "";
    const mfa = form.get("mfa") === "on" || form.get("mfa") === "true";
    if (!this.#eligibleIdentities(pending).some((identity) => identity.id === identityId)) {
      return {
        status: 400,
        html: this.#consentHtml(requestId, pending, "Choose one of the listed identities."),
      };
    }
    if (pending.requiredMfa && !mfa) {
      return {
        status: 400,
        html: this.#consentHtml(
          requestId,
          pending,
          "This login requires multi-factor authentication.",
          identityId,
        ),
      };
    }
    this.#pending.delete(requestId);
    const cookies = request.headers.cookie ?? "";
    const match = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookies);
    return this.#approve(pending, identityId, mfa, pending.forceLogin ? undefined : match?.[1]);
  }

  /** Authenticates `identityId` into a session, records consent, and redirects with a code. */
  #approve(
    pending: PendingAuthorization,
    identityId: string,
    mfa: boolean,
    existingSessionId: string | undefined,
  ): EmulatorReply {
    const now = this.#core.now();
    let session = existingSessionId ? this.#sessions.get(existingSessionId) : undefined;
    const account = this.#identities.get(identityId)?.account;
    if (session) {
      // A browser session only ever holds identities of one account.
      for (const other of session.authentications.keys()) {
        if (this.#identities.get(other)?.account !== account) {
          session = undefined;
          break;
        }
      }
    }
    if (!session) {
      session = { id: this.#core.newId(), authentications: new Map() };
      this.#sessions.set(session.id, session);
    }
    session.authentications.set(identityId, { authTime: now, mfa });
    this.#recordConsents(identityId, pending.client.id, pending.scopeNodes);
    const code = newToken();
    this.#codes.set(code, {
      clientId: pending.client.id,
      sentRedirectUri: pending.sentRedirectUri,
      identityId,
      sessionId: session.id,
      scopeNodes: pending.scopeNodes,
      codeChallenge: pending.codeChallenge,
      offline: pending.offline,
      state: pending.state,
      expiresAt: now + AUTH_CODE_LIFETIME,
      used: false,
    });
    const reply = this.#redirectTo(pending.redirectUri, { code, state: pending.state });
    reply.headers = {
      ...reply.headers,
      "Set-Cookie": `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`,
    };
    return reply;
  }

  async #token(request: EmulatorRequest): Promise<EmulatorReply> {
    const form = request.form();
    const grantType = form.get("grant_type");
    if (!grantType) throw oauthError(400, "invalid_request", "grant_type is required");
    switch (grantType) {
      case "authorization_code":
        return this.#codeGrant(request, form);
      case "refresh_token":
        return this.#refreshGrant(request, form);
      case "client_credentials":
        return this.#clientCredentialsGrant(request, form);
      case DEPENDENT_GRANT:
        return this.#dependentGrant(request, form);
      default:
        throw oauthError(400, "unsupported_grant_type", `Unsupported grant_type: ${grantType}`);
    }
  }

  async #codeGrant(request: EmulatorRequest, form: URLSearchParams): Promise<EmulatorReply> {
    const client = this.#client(request, form, false);
    const code = form.get("code");
    if (!code) throw oauthError(400, "invalid_request", "code is required");
    const grant = this.#codes.get(code);
    if (
      !grant ||
      grant.used ||
      grant.expiresAt <= this.#core.now() ||
      grant.clientId !== client.id
    ) {
      throw oauthError(
        400,
        "invalid_grant",
        "The authorization code is invalid, expired or already used",
      );
    }
    const redirectUri = form.get("redirect_uri") ?? undefined;
    if (grant.sentRedirectUri !== undefined && redirectUri !== grant.sentRedirectUri) {
      throw oauthError(
        400,
        "invalid_grant",
        "redirect_uri does not match the authorization request",
      );
    }
    if (grant.codeChallenge) {
      const verifier = form.get("code_verifier");
      if (!verifier) throw oauthError(400, "invalid_grant", "code_verifier is required (PKCE)");
      const computed = createHash("sha256").update(verifier).digest("base64url");
      if (!safeEqual(computed, grant.codeChallenge)) {
        throw oauthError(400, "invalid_grant", "code_verifier does not match the code_challenge");
      }
    }
    grant.used = true;
    this.#codes.delete(code);
    const consentNodes = this.#recordConsents(grant.identityId, client.id, grant.scopeNodes);
    const issued = this.#issueTokens({
      clientId: client.id,
      identityId: grant.identityId,
      sessionId: grant.sessionId,
      consentNodes,
      offline: grant.offline,
      isClientCredentials: false,
    });
    return { body: await this.#tokenResponse(issued, client.id, grant.state ?? "_default") };
  }

  #refreshGrant(request: EmulatorRequest, form: URLSearchParams): EmulatorReply {
    const client = this.#client(request, form, false);
    const token = form.get("refresh_token");
    if (!token) throw oauthError(400, "invalid_request", "refresh_token is required");
    const refresh = this.#refresh.get(token);
    if (!refresh || refresh.revoked || refresh.clientId !== client.id) {
      throw oauthError(400, "invalid_grant", "The refresh token is invalid or was revoked");
    }
    const now = this.#core.now();
    const record: AccessRecord = {
      token: newIssuedToken(),
      clientId: client.id,
      identityId: refresh.identityId,
      sessionId: refresh.sessionId,
      resourceServer: refresh.resourceServer,
      scopes: refresh.scopes,
      consentNodes: refresh.consentNodes,
      issuedAt: now,
      expiresAt: now + ACCESS_TOKEN_LIFETIME,
      revoked: false,
      isClientCredentials: refresh.isClientCredentials,
      refreshToken: refresh.token,
    };
    this.#access.set(record.token, record);
    refresh.accessTokens.add(record.token);
    const body = this.#tokenJson({ record, refresh }, undefined);
    body.other_tokens = [];
    return { body };
  }

  async #clientCredentialsGrant(
    request: EmulatorRequest,
    form: URLSearchParams,
  ): Promise<EmulatorReply> {
    const client = this.#client(request, form, false);
    if (!this.#registry.mayUseGrant(client, "client_credentials")) {
      throw oauthError(
        400,
        "unauthorized_client",
        "Only confidential clients may use client_credentials",
      );
    }
    const nodes = this.#parseScopes(form.get("scope"), true);
    const consentNodes = this.#recordConsents(client.id, client.id, nodes);
    const issued = this.#issueTokens({
      clientId: client.id,
      identityId: client.id,
      sessionId: undefined,
      consentNodes,
      offline: false,
      isClientCredentials: true,
    });
    return { body: await this.#tokenResponse(issued, client.id, undefined) };
  }

  #dependentGrant(request: EmulatorRequest, form: URLSearchParams): EmulatorReply {
    const client = this.#client(request, form, true);
    if (!this.#registry.mayUseGrant(client, DEPENDENT_GRANT)) {
      throw oauthError(
        400,
        "unauthorized_client",
        "This client may not use the dependent token grant",
      );
    }
    const token = form.get("token");
    if (!token) throw oauthError(400, "invalid_request", "token is required");
    const parent = this.#activeRecord(token);
    if (!parent || parent.resourceServer !== client.id) {
      throw oauthError(
        400,
        "invalid_grant",
        "The token is not active or was not issued to this client",
      );
    }
    let dependents = parent.consentNodes.flatMap((node) => node.children);
    const wanted = this.#parseScopes(form.get("scope"), false);
    if (wanted.length) {
      for (const node of wanted) {
        if (!dependents.some((dependent) => dependent.scopeName === node.scope)) {
          throw oauthError(400, "invalid_scope", `No consent for dependent scope: ${node.scope}`);
        }
      }
      const names = new Set(wanted.map((node) => node.scope));
      dependents = dependents.filter((dependent) => names.has(dependent.scopeName));
    }
    const issued = this.#issueTokens({
      clientId: client.id,
      identityId: parent.identityId,
      sessionId: parent.sessionId,
      consentNodes: dependents,
      offline: form.get("access_type") === "offline",
      isClientCredentials: parent.isClientCredentials,
    });
    return { body: issued.map((item) => this.#tokenJson(item, undefined, "bearer")) };
  }

  #revokeRoute(request: EmulatorRequest): EmulatorReply {
    const form = request.form();
    this.#client(request, form, false);
    const token = form.get("token");
    if (!token) throw oauthError(400, "invalid_request", "token is required");
    // As in OAuth (RFC 7009), revoking an unknown token is not an error.
    this.revoke(token);
    return { body: { active: false } };
  }

  #introspect(request: EmulatorRequest): EmulatorReply {
    const form = request.form();
    const client = this.#client(request, form, true);
    const token = form.get("token");
    if (!token) throw oauthError(400, "invalid_request", "token is required");
    const record = this.#activeRecord(token);
    if (!record || (record.clientId !== client.id && record.resourceServer !== client.id)) {
      return { body: { active: false } };
    }
    const identity = this.#identities.get(record.identityId);
    const body: Record<string, unknown> = {
      active: true,
      token_type: "Bearer",
      scope: record.scopes.join(" "),
      client_id: record.clientId,
      username: identity?.username ?? `${record.clientId}@clients.auth.globus.org`,
      name: identity?.name ?? null,
      email: identity?.email ?? null,
      exp: record.expiresAt,
      iat: record.issuedAt,
      nbf: record.issuedAt,
      sub: record.identityId,
      aud: [record.resourceServer, record.clientId],
      iss: this.issuer,
    };
    const include = new Set(splitList(form.get("include")));
    if (include.has("identity_set") || include.has("identity_set_detail")) {
      const set = identity ? this.identitySet(identity.id) : [];
      body.identity_set = identity ? set.map((member) => member.id) : [record.identityId];
      if (include.has("identity_set_detail")) {
        body.identity_set_detail = set.map((member) => this.#identityJson(member));
      }
    }
    if (include.has("session_info")) {
      const session = this.#sessionOf(record);
      const authentications: Record<string, unknown> = {};
      if (session) {
        for (const [id, auth] of session.authentications) {
          authentications[id] = {
            acr: null,
            amr: auth.mfa ? ["mfa"] : null,
            auth_time: auth.authTime,
            idp: this.#identities.has(id) ? providerOf(this.#identities.get(id)!) : null,
            custom_claims: {},
          };
        }
      }
      body.session_info = { session_id: session?.id ?? null, authentications };
    }
    return { body };
  }

  #identityJson(identity: SeedIdentity): Record<string, unknown> {
    return {
      id: identity.id,
      username: identity.username,
      name: identity.name,
      email: identity.email,
      organization: identity.organization ?? null,
      identity_provider: providerOf(identity),
      identity_type: "login",
      status: "used",
    };
  }

  /** The name an identity's provider is shown by (userinfo, id_tokens). */
  #providerName(identity: SeedIdentity): string | null {
    const id = providerOf(identity);
    return this.#providers.find((provider) => provider.id === id)?.name ?? null;
  }

  /**
   * The record of an identity: a seeded identity's, or a client's own identity (which
   * client-credentials tokens act as, and which may administer projects).
   */
  #identityRecord(id: string): Record<string, unknown> | undefined {
    const identity = this.#identities.get(id.toLowerCase()) ?? this.#identities.get(id);
    if (identity) return this.#identityJson(identity);
    const client = this.#registry.client(id.toLowerCase());
    if (!client) return undefined;
    return {
      id: client.id,
      username: `${client.id}@clients.auth.globus.org`,
      name: client.name,
      email: null,
      organization: null,
      identity_provider: CLIENT_IDENTITY_PROVIDER,
      identity_type: "client",
      status: "used",
    };
  }

  /** The identities a token acts as: the user's identity set, or the client itself. */
  #callerIds(info: AccessTokenInfo): string[] {
    const set = this.identitySet(info.identityId).map((identity) => identity.id);
    return set.length > 0 ? set : [info.identityId];
  }

  #userinfo(request: EmulatorRequest): EmulatorReply {
    const info = this.#authAuthenticate(request, ["openid"]);
    const identity = this.#identities.get(info.identityId);
    if (!identity) {
      throw new EmulatorHttpError(
        403,
        authErrorFormat(403, "FORBIDDEN", "Call must be made with a user token"),
      );
    }
    const scopes = new Set(info.scopes);
    const body: Record<string, unknown> = {
      sub: identity.id,
      last_authentication: this.#sessionAuthTime(info, identity.id),
      identity_set: this.identitySet(identity.id).map((member) => ({
        sub: member.id,
        username: member.username,
        name: member.name,
        email: member.email,
        organization: member.organization ?? null,
        identity_provider: providerOf(member),
        identity_provider_display_name: this.#providerName(member),
        last_authentication: this.#sessionAuthTime(info, member.id),
      })),
    };
    Object.assign(body, profileClaims(identity, scopes, this.#providerName(identity)));
    return { body };
  }

  #sessionAuthTime(info: AccessTokenInfo, identityId: string): number | null {
    const record = this.#infoRecords.get(info);
    const session = record ? this.#sessionOf(record) : undefined;
    return session?.authentications.get(identityId)?.authTime ?? null;
  }

  /** Authenticates an Auth API call; Auth answers in its own error format. */
  #authAuthenticate(request: EmulatorRequest, anyOfScopes: string[]): AccessTokenInfo {
    try {
      return this.authenticate(request, AUTH_RS, { anyOfScopes, format: authErrorFormat });
    } catch (error) {
      // Globus Auth says UNAUTHORIZED / FORBIDDEN with a fixed text; as recorded, its 403
      // here is worded as an authentication failure too.
      if (error instanceof EmulatorHttpError) {
        const code = error.status === 401 ? "UNAUTHORIZED" : "FORBIDDEN";
        const wording = {
          title: "Unauthorized",
          description: "Unauthorized",
          error: "unauthorized",
        };
        throw new EmulatorHttpError(
          error.status,
          authErrorBody(error.status, code, "Call must be authenticated", wording),
          error.headers,
        );
      }
      throw error;
    }
  }

  #identitiesRoute(request: EmulatorRequest): EmulatorReply {
    this.#authAuthenticate(request, []);
    const ids = splitList(request.query.get("ids"));
    const usernames = splitList(request.query.get("usernames"));
    if (ids.length && usernames.length) {
      throw new EmulatorHttpError(
        400,
        authErrorFormat(400, "INVALID_PARAMETERS", "Only one of ids or usernames may be given"),
      );
    }
    const bad = ids.find((id) => !UUID.test(id));
    if (bad) {
      throw new EmulatorHttpError(
        400,
        authErrorFormat(400, "INVALID_PARAMETERS", `Invalid identity id: ${bad}`),
      );
    }
    const found = ids.length
      ? ids.map((id) => this.#identities.get(id.toLowerCase()) ?? this.#identities.get(id))
      : usernames.map((username) => this.#identitiesByUsername.get(username.toLowerCase()));
    return {
      body: {
        identities: found
          .filter((identity) => identity !== undefined)
          .map((identity) => this.#identityJson(identity)),
      },
    };
  }

  /** One identity by id (the JavaScript SDK's `identities.get`). */
  #identityRoute(request: EmulatorRequest): EmulatorReply {
    this.#authAuthenticate(request, []);
    const id = request.params.id ?? "";
    const identity = UUID.test(id)
      ? (this.#identities.get(id.toLowerCase()) ?? this.#identities.get(id))
      : undefined;
    if (!identity) {
      throw new EmulatorHttpError(
        404,
        authErrorFormat(404, "NOT_FOUND", `No identity with id ${id}`),
      );
    }
    return { body: { identity: this.#identityJson(identity) } };
  }

  #consentsRoute(request: EmulatorRequest): EmulatorReply {
    // As Globus Auth: any Auth token sees the consents rooted at its own client; all of an
    // identity's consents (`all=true`) need view_consents.
    // the Python SDK sends Python's spelling of booleans ("True", "False")
    const all = /^(true|1)$/i.test(request.query.get("all") ?? "");
    const info = this.#authAuthenticate(
      request,
      all ? [KNOWN_SCOPES.auth.scopes.view_consents] : [],
    );
    const identityId = request.params.id ?? "";
    const allowed = this.identitySet(info.identityId).some((member) => member.id === identityId);
    if (!allowed) {
      throw new EmulatorHttpError(
        403,
        authErrorFormat(
          403,
          "FORBIDDEN",
          "You may only view consents of identities in your identity set",
        ),
      );
    }
    const held = this.#consentsByIdentity.get(identityId) ?? [];
    const byId = new Map(held.map((node) => [node.id, node]));
    const visible = all
      ? held
      : held.filter(
          (node) => byId.get(node.dependencyPath[0] ?? node.id)?.client === info.clientId,
        );
    const consents = visible.map((node) => ({
      created: isoTime(node.created),
      id: node.id,
      status: "approved",
      updated: isoTime(node.created),
      allows_refresh: true,
      dependency_path: node.dependencyPath,
      scope_name: node.scopeName,
      atomically_revocable: node.dependencyPath.length > 1,
      effective_identity: node.effectiveIdentity,
      auto_approved: false,
      last_used: isoTime(node.lastUsed),
      scope: node.scopeId,
      client: node.client,
    }));
    return { body: { consents } };
  }
}

/** The claims `profile` and `email` grant, shared by id_tokens and userinfo. */
function profileClaims(
  identity: SeedIdentity,
  scopes: ReadonlySet<string>,
  providerName: string | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (scopes.has("profile")) {
    out["preferred_username"] = identity.username;
    out["name"] = identity.name;
    out["organization"] = identity.organization ?? null;
    out["identity_provider"] = providerOf(identity);
    out["identity_provider_display_name"] = providerName;
  }
  if (scopes.has("email")) out["email"] = identity.email;
  return out;
}
