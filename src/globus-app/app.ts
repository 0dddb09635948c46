import { describeValue, objectArgument, optionsArgument } from "../arguments.ts";
import {
  AuthClient,
  type BaseLoginClient,
  ClientCredentialsAuthorizer,
  ConfidentialAppAuthClient,
  type IdTokenDecoder,
  NativeAppAuthClient,
  type OAuthTokenResponse,
  ReLoginRequiredError,
} from "../auth/index.ts";
import {
  AccessTokenAuthorizer,
  RefreshTokenAuthorizer,
  type RenewingAuthorizerOptions,
} from "../authorizers/index.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import {
  authorizationParameters,
  type GlobusAuthorizationParameters,
  type GlobusAuthorizationParametersInput,
} from "../gare/index.ts";
import {
  beginLogin,
  createLoginFlowManager,
  defaultNamedGrant,
  type LoginFlowManager,
} from "../login-flows/index.ts";
import { AuthScopes, mergeScopes, type Scope, type ScopeLike, toScopes } from "../scopes/index.ts";
import {
  ExpiredTokenError,
  JSONTokenStorage,
  MemoryTokenStorage,
  SQLiteTokenStorage,
  TokenValidationError,
  ValidatingTokenStorage,
} from "../token-storage/index.ts";
import type { TokenData, TokenStorage, TokenStorageProvider } from "../token-storage/types.ts";
import type { Authorizer } from "../transport/types.ts";
import {
  createGlobusAppConfig,
  type GlobusAppConfig,
  type GlobusAppConfigInput,
} from "./config.ts";

/** How an app is built: a client id (plus secret), or a ready login client. */
export interface GlobusAppOptions {
  clientId?: string;
  clientSecret?: string;
  loginClient?: BaseLoginClient;
  /** Initial scope requirements, keyed by resource server. */
  scopeRequirements?: Readonly<Record<string, ScopeLike>>;
  config?: GlobusAppConfigInput | GlobusAppConfig;
}

/** The variables {@link GlobusApp.fromEnvironment} reads. */
export const CLIENT_ID_VARIABLE = "GLOBUS_CLIENT_ID";
export const CLIENT_SECRET_VARIABLE = "GLOBUS_CLIENT_SECRET";

/** What {@link GlobusApp.logout} did. */
export interface LogoutReport {
  /** The resource servers whose tokens were removed from storage. */
  removed: string[];
  /** Revocations that failed (the tokens were removed all the same). */
  revocationFailures: {
    resourceServer: string;
    token: "access token" | "refresh token";
    error: unknown;
  }[];
}

/** Options of {@link GlobusApp.login}. */
export interface LoginOptions {
  /** Extra parameters for the login (MFA, a session message, required identities...). */
  authParams?: GlobusAuthorizationParametersInput;
  /** Log in even if the stored tokens already meet every requirement. */
  force?: boolean;
  signal?: AbortSignal;
  /**
   * Stored scopes this login does not ask for again (a login otherwise keeps every scope
   * the store holds for the required resource servers). A scope the app requires cannot be
   * left out.
   */
  withoutScopes?: ScopeLike;
}

const STORAGE_BY_NAME: Record<string, TokenStorageProvider> = {
  json: JSONTokenStorage,
  sqlite: SQLiteTokenStorage,
  memory: MemoryTokenStorage,
};

function isTokenStorage(value: unknown): value is TokenStorage {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as TokenStorage).getTokenData === "function" &&
    typeof (value as TokenStorage).storeTokenDataByResourceServer === "function"
  );
}

/**
 * A login waiting for its code: show {@link authorizeUrl} to the person, then call
 * {@link complete} with the authorization code Globus shows after they log in. It can be
 * completed once.
 */
export class PendingLogin {
  /** Where the person logs in. */
  readonly authorizeUrl: string;
  readonly #finish: (code: string, signal: AbortSignal | undefined) => Promise<void>;
  #state: "pending" | "completing" | "done" = "pending";

  constructor(
    authorizeUrl: string,
    finish: (code: string, signal: AbortSignal | undefined) => Promise<void>,
  ) {
    this.authorizeUrl = authorizeUrl;
    this.#finish = finish;
  }

  /** Exchanges the code for tokens and stores them. A wrong code can be retried. */
  async complete(code: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (typeof code !== "string" || code.trim() === "") {
      throw new GlobusSDKUsageError(
        "complete() needs the authorization code Globus showed after the login.",
      );
    }
    if (this.#state !== "pending") {
      throw new GlobusSDKUsageError(
        "This login is already completed; start another with app.startLogin().",
      );
    }
    this.#state = "completing";
    try {
      await this.#finish(code.trim(), options.signal);
      this.#state = "done";
    } catch (error) {
      this.#state = "pending";
      throw error;
    }
  }

  toString(): string {
    return `PendingLogin(${this.#state})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A resource server's authorizer, while it is built and once it is. */
interface AuthorizerEntry {
  pending: Promise<Authorizer>;
  authorizer: Authorizer | undefined;
}

/**
 * Serves a stored access token that nothing can renew, until it expires (by the login
 * client's clock); then, and after a 401 past expiry, it raises {@link ExpiredTokenError},
 * which the app answers with a login through its validation-error handler.
 */
class ExpiringAccessTokenAuthorizer implements Authorizer {
  readonly #inner: AccessTokenAuthorizer;
  readonly #resourceServer: string;
  readonly #expiresAt: number;
  readonly #now: () => number;

  constructor(resourceServer: string, data: TokenData, now: () => number) {
    this.#inner = new AccessTokenAuthorizer(data.access_token);
    this.#resourceServer = resourceServer;
    this.#expiresAt = data.expires_at_seconds;
    this.#now = now;
  }

  async getAuthorizationHeader(): Promise<string> {
    if (this.#now() >= this.#expiresAt) {
      throw new ExpiredTokenError(this.#resourceServer, this.#expiresAt);
    }
    return this.#inner.getAuthorizationHeader();
  }

  async handleMissingAuthorization(): Promise<boolean> {
    if (this.#now() >= this.#expiresAt) {
      throw new ExpiredTokenError(this.#resourceServer, this.#expiresAt);
    }
    return false;
  }

  toString(): string {
    return `ExpiringAccessTokenAuthorizer(expires at ${this.#expiresAt})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Manages Globus Auth scope requirements per resource server, runs login flows to meet
 * them, caches tokens, and hands authorizers to bound service clients.
 *
 * See {@link UserApp} (a person logs in) and {@link ClientApp} (a service account).
 * Close it with `close()`, or `await using app = new UserApp(...)`.
 */
export abstract class GlobusApp implements AsyncDisposable {
  readonly appName: string;
  readonly config: GlobusAppConfig;
  readonly clientId: string;
  readonly loginClient: BaseLoginClient;
  readonly #scopeRequirements = new Map<string, Scope[]>();
  /** One authorizer per resource server, built once however many callers ask at once. */
  readonly #authorizers = new Map<string, AuthorizerEntry>();
  readonly #lazyAuthorizers = new Map<string, Authorizer>();
  readonly #toClose: Array<() => Promise<void> | void> = [];
  #storage: Promise<ValidatingTokenStorage> | undefined;
  #loginInFlight: Promise<void> | undefined;
  /** The recovery (a login through the handler) that callers who saw tokens fail share. */
  #recovery: Promise<void> | undefined;
  /** Counts stored logins, so a caller can tell whether one happened since its tokens failed. */
  #loginGeneration = 0;
  /**
   * Refresh tokens Globus Auth refused in this process. They are never sent again: an entry
   * holding one counts as needing a login, whichever process stored it.
   */
  readonly #refusedRefreshTokens = new Set<string>();
  #closed = false;

  constructor(appName: string, options: GlobusAppOptions) {
    const where = `new ${new.target.name}`;
    if (typeof appName !== "string" || appName.trim() === "") {
      throw new GlobusSDKUsageError(
        `${where}: a GlobusApp needs a non-empty app name (appName), got ${describeValue(appName)}.`,
      );
    }
    objectArgument(where, options, "options (with clientId, or loginClient)");
    this.appName = appName;
    this.config = createGlobusAppConfig(options.config);
    if (options.loginClient && options.clientId) {
      throw new GlobusSDKUsageError(
        "clientId and loginClient are mutually exclusive: pass one or the other.",
      );
    }
    if (options.loginClient) {
      if (options.loginClient.environment !== this.config.environment) {
        throw new GlobusSDKUsageError(
          `The loginClient's environment (${options.loginClient.environment}) does not match the app's (${this.config.environment}).`,
        );
      }
      this.loginClient = options.loginClient;
    } else if (options.clientId) {
      this.loginClient = this.createLoginClient(options.clientId, options.clientSecret);
    } else {
      throw new GlobusSDKUsageError("A GlobusApp needs a clientId or a loginClient.");
    }
    this.clientId = this.loginClient.clientId;
    for (const [resourceServer, scopes] of Object.entries(options.scopeRequirements ?? {})) {
      this.#scopeRequirements.set(resourceServer, mergeScopes(toScopes(scopes)));
    }
  }

  /**
   * An app from the environment, in the spirit of application default credentials:
   * `GLOBUS_CLIENT_ID` with `GLOBUS_CLIENT_SECRET` gives a {@link ClientApp} (a service
   * account), `GLOBUS_CLIENT_ID` alone a {@link UserApp}. A missing or half-set pair is a
   * usage error that names the variables. `options` are passed on (config, scope
   * requirements); `env` defaults to `process.env`.
   */
  static fromEnvironment(
    appName: string,
    options: Omit<GlobusAppOptions, "clientId" | "clientSecret" | "loginClient"> & {
      env?: NodeJS.ProcessEnv;
    } = {},
  ): UserApp | ClientApp {
    const { env = process.env, ...rest } = optionsArgument("GlobusApp.fromEnvironment", options);
    const present = (name: string) => {
      const value = env[name];
      if (value !== undefined && value.trim() === "") {
        throw new GlobusSDKUsageError(
          `${name} is set but empty: give it a value, or unset it (GlobusApp.fromEnvironment).`,
        );
      }
      return value?.trim();
    };
    const clientId = present(CLIENT_ID_VARIABLE);
    const clientSecret = present(CLIENT_SECRET_VARIABLE);
    if (!clientId) {
      throw new GlobusSDKUsageError(
        clientSecret
          ? `${CLIENT_SECRET_VARIABLE} is set but ${CLIENT_ID_VARIABLE} is not: set ${CLIENT_ID_VARIABLE} to the client id the secret belongs to.`
          : `Set ${CLIENT_ID_VARIABLE} (a native app's client id, for a person's login), and ${CLIENT_SECRET_VARIABLE} with it for a service account. Register clients at https://app.globus.org/settings/developers.`,
      );
    }
    return clientSecret
      ? new ClientApp(appName, { ...rest, clientId, clientSecret })
      : new UserApp(appName, { ...rest, clientId });
  }

  /** Builds the login client from a client id (and secret). */
  protected abstract createLoginClient(
    clientId: string,
    clientSecret: string | undefined,
  ): BaseLoginClient;
  /** Gets new tokens (a login flow or client credentials) and stores them. */
  protected abstract runLogin(
    params: GlobusAuthorizationParameters,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Builds the authorizer for a resource server from validated stored tokens. */
  protected abstract createAuthorizer(
    resourceServer: string,
    storage: ValidatingTokenStorage,
  ): Promise<Authorizer>;
  /** Whether stored tokens must all belong to one identity. */
  protected abstract readonly checksIdentity: boolean;

  /** A copy of the scope requirements, keyed by resource server. */
  get scopeRequirements(): Record<string, Scope[]> {
    return Object.fromEntries(
      [...this.#scopeRequirements].map(([rs, scopes]) => [rs, [...scopes]]),
    );
  }

  /** Adds requirements; duplicates merge with what is there. */
  addScopeRequirements(requirements: Readonly<Record<string, ScopeLike>>): void {
    this.#assertOpen();
    objectArgument(
      "addScopeRequirements",
      requirements,
      "requirements (scopes by resource server)",
    );
    for (const [resourceServer, scopes] of Object.entries(requirements)) {
      const current = this.#scopeRequirements.get(resourceServer) ?? [];
      this.#scopeRequirements.set(resourceServer, mergeScopes(current, toScopes(scopes)));
      this.#authorizers.delete(resourceServer);
    }
  }

  /** The app's validating token storage, created on first use. */
  tokenStorage(): Promise<ValidatingTokenStorage> {
    this.#assertOpen();
    this.#storage ??= this.#createStorage();
    return this.#storage;
  }

  async #createStorage(): Promise<ValidatingTokenStorage> {
    const setting = this.config.tokenStorage;
    let inner: TokenStorage;
    let owned = true;
    if (isTokenStorage(setting)) {
      inner = setting;
      owned = false;
    } else {
      const provider = typeof setting === "string" ? STORAGE_BY_NAME[setting] : setting;
      if (!provider || typeof provider.forGlobusApp !== "function") {
        throw new GlobusSDKUsageError(
          `Unsupported tokenStorage ${JSON.stringify(setting)}: use "json", "sqlite", "memory", a TokenStorage, or a provider with forGlobusApp().`,
        );
      }
      inner = await provider.forGlobusApp({
        appName: this.appName,
        clientId: this.clientId,
        environment: this.config.environment,
        namespace: this.config.tokenNamespace,
        config: this.config,
      });
    }
    const consents = new AuthClient({
      environment: this.config.environment,
      baseUrl: this.loginClient.baseUrl,
      authorizer: this.#lazyAuthorizer(AuthScopes.resourceServer),
    });
    const storage = new ValidatingTokenStorage(inner, {
      scopeRequirements: () => this.#scopeRequirements,
      consentSource: consents,
      validateIdentity: this.checksIdentity,
      idTokenDecoder: this.#idTokenDecoder(),
      now: () => this.loginClient.now(),
      validators: this.config.tokenValidators,
    });
    if (owned) this.#toClose.push(() => inner.close());
    return storage;
  }

  #idTokenDecoder() {
    const setting = this.config.idTokenDecoder;
    if (!setting) return undefined;
    if ("forGlobusApp" in setting && typeof setting.forGlobusApp === "function") {
      return setting.forGlobusApp({
        appName: this.appName,
        loginClient: this.loginClient,
        config: this.config,
      });
    }
    return setting as IdTokenDecoder;
  }

  /**
   * An authorizer for a resource server, from stored tokens that meet the requirements.
   * When they do not, the configured validation-error handler runs (by default a login)
   * and the lookup is tried once more.
   */
  getAuthorizer(resourceServer: string): Promise<Authorizer> {
    return this.#getAuthorizer(resourceServer, true);
  }

  async #getAuthorizer(resourceServer: string, recover: boolean): Promise<Authorizer> {
    this.#assertOpen();
    const generation = this.#loginGeneration;
    try {
      return await this.#authorizerOnce(resourceServer);
    } catch (error) {
      if (!(error instanceof TokenValidationError) || !recover) throw error;
      await this.#recover(error, generation);
      return await this.#authorizerOnce(resourceServer);
    }
  }

  /** The cached authorizer, or one being built: concurrent callers share one build. */
  #authorizerOnce(resourceServer: string): Promise<Authorizer> {
    const cached = this.#authorizers.get(resourceServer);
    if (cached) return cached.pending;
    const build = async () => {
      const authorizer = await this.createAuthorizer(resourceServer, await this.tokenStorage());
      entry.authorizer = authorizer;
      return authorizer;
    };
    const entry: AuthorizerEntry = { pending: build(), authorizer: undefined };
    this.#authorizers.set(resourceServer, entry);
    entry.pending.catch(() => this.#forgetAuthorizer(resourceServer, entry));
    return entry.pending;
  }

  /** Drops a cached authorizer, unless another has replaced it meanwhile. */
  #forgetAuthorizer(resourceServer: string, which: AuthorizerEntry | Authorizer): void {
    const entry = this.#authorizers.get(resourceServer);
    if (entry && (entry === which || entry.authorizer === which)) {
      this.#authorizers.delete(resourceServer);
    }
  }

  /** Whether Globus Auth refused this refresh token in this process. */
  protected isRefusedRefreshToken(refreshToken: string): boolean {
    return this.#refusedRefreshTokens.has(refreshToken);
  }

  /**
   * An authorizer that resolves the real one on first use, so that a bound client's
   * first request triggers the login lazily, and a new login is picked up.
   */
  #lazyAuthorizer(resourceServer: string): Authorizer {
    // A refresh token that Auth refuses (expired, revoked) means the person must log in
    // again: do that once through the validation-error handler, then use the new tokens.
    // An expired access token with nothing to renew it likewise needs a login.
    const withRelogin = async <T>(
      use: (authorizer: Authorizer) => Promise<T>,
      onRelogin: T | undefined,
    ) => {
      const generation = this.#loginGeneration;
      // the built authorizer at once when there is one (every call but the first)
      this.#assertOpen();
      const authorizer =
        this.#authorizers.get(resourceServer)?.authorizer ??
        (await this.getAuthorizer(resourceServer));
      try {
        return await use(authorizer);
      } catch (error) {
        if (!(error instanceof ReLoginRequiredError) && !(error instanceof TokenValidationError))
          throw error;
        this.#forgetAuthorizer(resourceServer, authorizer);
        if (error instanceof ReLoginRequiredError && authorizer instanceof RefreshTokenAuthorizer) {
          this.#refusedRefreshTokens.add(authorizer.refreshToken);
        }
        await this.#recover(error, generation);
        return onRelogin !== undefined ? onRelogin : use(await this.getAuthorizer(resourceServer));
      }
    };
    return {
      getAuthorizationHeader: () => withRelogin((a) => a.getAuthorizationHeader(), undefined),
      handleMissingAuthorization: (sent?: string) =>
        withRelogin((a) => a.handleMissingAuthorization(sent), true),
      authorizationAccepted: (sent) =>
        this.#authorizers.get(resourceServer)?.authorizer?.authorizationAccepted?.(sent),
    };
  }

  /** The authorizer a bound service client uses for `resourceServer`. */
  authorizerFor(resourceServer: string): Authorizer {
    // one per resource server: every call of every bound client asks for it
    let lazy = this.#lazyAuthorizers.get(resourceServer);
    if (!lazy) {
      lazy = this.#lazyAuthorizer(resourceServer);
      this.#lazyAuthorizers.set(resourceServer, lazy);
    }
    return lazy;
  }

  /**
   * Logs in when needed: when `authParams` are given, when `force` is set, or when the
   * stored tokens do not meet the requirements. Concurrent calls share one login.
   */
  async login(options: LoginOptions = {}): Promise<void> {
    this.#assertOpen();
    const hasParams =
      options.authParams !== undefined && Object.keys(options.authParams).length > 0;
    if (!hasParams && !options.force && !(await this.loginRequired())) return;
    if (this.#loginInFlight) {
      // share a login already under way; only a login with its own parameters runs after it
      await this.#loginInFlight;
      if (!hasParams) return;
      while (this.#loginInFlight) await this.#loginInFlight;
    }
    const flight = (async () => {
      try {
        const params = await this.loginParameters(options.authParams, options.withoutScopes);
        await this.runLogin(params, options.signal);
        this.#authorizers.clear();
      } finally {
        this.#loginInFlight = undefined;
      }
    })();
    this.#loginInFlight = flight;
    await flight;
  }

  /**
   * Runs the validation-error handler once for every caller that saw the tokens fail since
   * the last login: the first starts it, the rest wait for it, and a caller whose failure
   * predates a login that has since finished just tries again.
   */
  async #recover(error: Error, generation: number): Promise<void> {
    const handler = this.config.tokenValidationErrorHandler;
    if (!handler) throw error;
    if (this.#loginGeneration !== generation) return;
    if (this.#loginInFlight) {
      await this.#loginInFlight;
      return;
    }
    this.#recovery ??= (async () => {
      try {
        await handler(this, error);
      } finally {
        this.#recovery = undefined;
      }
    })();
    await this.#recovery;
  }

  /**
   * What a login asks for: every requirement of the app, the login's own required scopes,
   * and the scopes already stored for the required resource servers. A login therefore
   * never narrows what the store holds, so a Python script (or another app) sharing the
   * store keeps the scopes it asked for, and the two meet after one login each.
   */
  protected async loginParameters(
    input: GlobusAuthorizationParametersInput | undefined,
    withoutScopes?: ScopeLike,
  ): Promise<GlobusAuthorizationParameters> {
    const params = authorizationParameters(input ?? {});
    const all: Scope[] = [];
    for (const scopes of this.#scopeRequirements.values()) all.push(...scopes);
    const dropped = new Set(toScopes(withoutScopes ?? []).map((scope) => scope.scopeString));
    const required = all.find((scope) => dropped.has(scope.scopeString));
    if (required) {
      throw new GlobusSDKUsageError(
        `${required.scopeString} is one of the app's scope requirements, so a login cannot leave it out.`,
      );
    }
    all.push(...(await this.#storedScopes()).filter((scope) => !dropped.has(scope.scopeString)));
    const merged = mergeScopes(all, toScopes(params.required_scopes ?? []));
    return { ...params, required_scopes: merged.map((s) => s.toString()) };
  }

  /** The top-level scopes stored for the resource servers the app requires. */
  async #storedScopes(): Promise<Scope[]> {
    const storage = await this.tokenStorage();
    const out: Scope[] = [];
    for (const resourceServer of this.#scopeRequirements.keys()) {
      const data = await storage.getTokenData(resourceServer);
      for (const scope of data?.scope.split(/\s+/) ?? []) {
        if (!scope) continue;
        try {
          out.push(...toScopes(scope));
        } catch {
          // a stored scope that does not parse is not asked for again
        }
      }
    }
    return out;
  }

  /** Whether a login is needed to meet the current requirements. */
  async loginRequired(): Promise<boolean> {
    this.#assertOpen();
    for (const resourceServer of this.#scopeRequirements.keys()) {
      try {
        await this.#getAuthorizer(resourceServer, false);
      } catch (error) {
        if (error instanceof TokenValidationError) return true;
        throw error;
      }
    }
    return false;
  }

  /**
   * Revokes, then removes, the stored tokens of the resource servers the app requires, as
   * the Python SDK's default does (a shared store keeps other apps' tokens). With
   * `sweep: true`, every token in the app's namespace goes.
   *
   * A token whose revocation fails (Globus Auth unreachable) is still removed; the
   * failures are listed in the returned report, and nothing is thrown for them.
   */
  async logout(options: { sweep?: boolean } = {}): Promise<LogoutReport> {
    this.#assertOpen();
    const storage = await this.tokenStorage();
    const stored = await storage.getTokenDataByResourceServer();
    const toClear = options.sweep
      ? Object.values(stored)
      : [...this.#scopeRequirements.keys()].flatMap((rs) => (stored[rs] ? [stored[rs]] : []));
    const report: LogoutReport = { removed: [], revocationFailures: [] };
    for (const data of toClear) {
      for (const [kind, token] of [
        ["access token", data.access_token],
        ["refresh token", data.refresh_token],
      ] as const) {
        if (!token) continue;
        try {
          await this.loginClient.revokeToken(token);
        } catch (error) {
          report.revocationFailures.push({
            resourceServer: data.resource_server,
            token: kind,
            error,
          });
        }
      }
      await storage.removeTokenData(data.resource_server);
      report.removed.push(data.resource_server);
    }
    this.#authorizers.clear();
    return report;
  }

  /** Stores a login's token response (after validation) and forgets cached authorizers. */
  protected async storeTokenResponse(response: OAuthTokenResponse): Promise<void> {
    const storage = await this.tokenStorage();
    await storage.storeTokenResponse(response);
    this.#authorizers.clear();
    this.#loginGeneration += 1;
  }

  /**
   * How long a renewal may wait for another process's renewal of the same resource server:
   * as long as that renewal may take (the login client's longest request), and a little more.
   */
  protected get refreshLockWaitMs(): number {
    return this.loginClient.transport.maxRequestMs + 5_000;
  }

  /**
   * The options that make an authorizer renew as one with every process sharing the
   * storage: under the storage's refresh lock for the resource server, after re-reading the
   * store, adopting a fresh token a sibling stored, and storing what it gets.
   */
  protected sharedRenewal(
    resourceServer: string,
    storage: ValidatingTokenStorage,
  ): Pick<RenewingAuthorizerOptions, "serialize" | "beforeRefresh" | "onRefresh"> {
    return {
      serialize: (work) =>
        storage.withRefreshLock(resourceServer, work, { waitMs: this.refreshLockWaitMs }),
      beforeRefresh: async () => {
        const latest = await storage.getTokenData(resourceServer);
        if (!latest) return undefined;
        const refreshToken =
          latest.refresh_token && !this.isRefusedRefreshToken(latest.refresh_token)
            ? latest.refresh_token
            : undefined;
        return {
          accessToken: latest.access_token,
          expiresAt: latest.expires_at_seconds,
          refreshToken,
        };
      },
      onRefresh: (response) => storage.storeTokenResponse(response),
    };
  }

  /** Closes what the app created (storage it built); never what it was given. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const close of this.#toClose.splice(0).reverse()) await close();
    this.#authorizers.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new GlobusSDKUsageError(`The app "${this.appName}" is closed.`);
  }
}

/**
 * A GlobusApp for a person: tokens come from an interactive login (a browser redirect or
 * a pasted code), refresh tokens keep the login alive, and every stored token must belong
 * to the same identity.
 */
export class UserApp extends GlobusApp {
  protected readonly checksIdentity = true;
  #loginFlowManager: LoginFlowManager | undefined;

  constructor(appName: string, options: GlobusAppOptions) {
    super(appName, options);
    // openid is always required, so that the identity can be validated
    this.addScopeRequirements({ [AuthScopes.resourceServer]: AuthScopes.openid });
    // Globus's auth-code page only serves native clients, so the built-in flows need a
    // registered redirect for a confidential one; a custom flow manager brings its own.
    const builtIn = typeof this.config.loginFlowManager === "string";
    if (
      this.loginClient instanceof ConfidentialAppAuthClient &&
      builtIn &&
      !this.config.loginRedirectUri
    ) {
      throw new GlobusSDKUsageError(
        "A UserApp with a confidential client needs config.loginRedirectUri (or a custom loginFlowManager): Globus's auth-code page only serves native clients.",
      );
    }
  }

  /**
   * The first half of a two-step login, for notebooks and GUIs where nothing can be typed
   * at a prompt: resolves with the authorize URL to show the person, and a pending login
   * that {@link PendingLogin.complete} finishes with the code Globus shows them. The PKCE
   * verifier and `state` stay in this process's memory, never on disk.
   */
  async startLogin(
    options: { authParams?: GlobusAuthorizationParametersInput } = {},
  ): Promise<PendingLogin> {
    const params = await this.loginParameters(options.authParams);
    if (this.loginClient instanceof ConfidentialAppAuthClient && !this.config.loginRedirectUri) {
      throw new GlobusSDKUsageError(
        "startLogin with a confidential client needs config.loginRedirectUri: Globus's auth-code page only serves native clients.",
      );
    }
    const named = this.config.prefillNamedGrant;
    const started = beginLogin(
      this.loginClient,
      params,
      {
        redirectUri: this.config.loginRedirectUri,
        requestRefreshTokens: this.config.requestRefreshTokens,
        ...(named === null ? {} : { prefillNamedGrant: named ?? defaultNamedGrant(this.appName) }),
      },
      "UserApp.startLogin",
    );
    return new PendingLogin(started.authorizeUrl, async (code, signal) => {
      const response = await started.flow.exchangeCode(code, signal ? { signal } : {});
      await this.storeTokenResponse(response);
    });
  }

  protected createLoginClient(clientId: string, clientSecret: string | undefined): BaseLoginClient {
    const options = { environment: this.config.environment, appName: this.appName };
    return clientSecret
      ? new ConfidentialAppAuthClient(clientId, clientSecret, options)
      : new NativeAppAuthClient(clientId, options);
  }

  /** The login flow manager, built on first use from the config. */
  get loginFlowManager(): LoginFlowManager {
    this.#loginFlowManager ??= createLoginFlowManager(this.config.loginFlowManager, {
      appName: this.appName,
      loginClient: this.loginClient,
      config: this.config,
    });
    return this.#loginFlowManager;
  }

  protected async runLogin(
    params: GlobusAuthorizationParameters,
    signal?: AbortSignal,
  ): Promise<void> {
    const response = await this.loginFlowManager.runLoginFlow(params, { signal });
    await this.storeTokenResponse(response);
  }

  /**
   * An entry with a refresh token (not one Auth refused) gets a refreshing authorizer; one
   * without (Python stores none by default, and `requestRefreshTokens: false` asks for
   * none) serves its access token until it expires, then leads to a login.
   */
  protected async createAuthorizer(
    resourceServer: string,
    storage: ValidatingTokenStorage,
  ): Promise<Authorizer> {
    const data = await storage.getValidTokenData(resourceServer, {
      refreshable: true,
      isRefusedRefreshToken: (token) => this.isRefusedRefreshToken(token),
    });
    const refreshToken =
      data.refresh_token && !this.isRefusedRefreshToken(data.refresh_token)
        ? data.refresh_token
        : undefined;
    if (!refreshToken) {
      return new ExpiringAccessTokenAuthorizer(resourceServer, data, () => this.loginClient.now());
    }
    return new RefreshTokenAuthorizer({
      loginClient: this.loginClient,
      resourceServer,
      refreshToken,
      accessToken: data.access_token,
      expiresAt: data.expires_at_seconds,
      ...this.sharedRenewal(resourceServer, storage),
    });
  }
}

/**
 * A GlobusApp for a service account: tokens come from the client credentials grant, per
 * resource server, on demand. Needs a confidential client (id and secret). No identity
 * validation, and `openid` is not added.
 */
export class ClientApp extends GlobusApp {
  protected readonly checksIdentity = false;

  constructor(appName: string, options: GlobusAppOptions) {
    if (!options?.loginClient && !options?.clientSecret) {
      objectArgument("new ClientApp", options, "options (with clientId and clientSecret)");
      throw new GlobusSDKUsageError(
        "A ClientApp acts as its own client identity, so it needs a confidential client: pass clientSecret (native clients have no secret).",
      );
    }
    const flowManager = options.config?.loginFlowManager;
    const defaulted = Object.isFrozen(options.config) && flowManager === "auto";
    if (flowManager !== undefined && !defaulted) {
      throw new GlobusSDKUsageError(
        "A ClientApp never runs a login flow (it uses client credentials): remove config.loginFlowManager.",
      );
    }
    super(appName, options);
    if (!(this.loginClient instanceof ConfidentialAppAuthClient)) {
      throw new GlobusSDKUsageError(
        "A ClientApp's loginClient must be a ConfidentialAppAuthClient.",
      );
    }
  }

  protected createLoginClient(clientId: string, clientSecret: string | undefined): BaseLoginClient {
    return new ConfidentialAppAuthClient(clientId, clientSecret ?? "", {
      environment: this.config.environment,
      appName: this.appName,
    });
  }

  get #client(): ConfidentialAppAuthClient {
    return this.loginClient as ConfidentialAppAuthClient;
  }

  protected async runLogin(
    params: GlobusAuthorizationParameters,
    signal?: AbortSignal,
  ): Promise<void> {
    const scopes = params.required_scopes ?? [];
    if (scopes.length === 0) {
      throw new GlobusSDKUsageError(
        "A ClientApp cannot log in without scope requirements: bind a service client (new TransferClient({ app })) or call app.addScopeRequirements() first.",
      );
    }
    const response = await this.#client.clientCredentialsTokens(scopes, { signal });
    await this.storeTokenResponse(response);
  }

  protected async createAuthorizer(
    resourceServer: string,
    storage: ValidatingTokenStorage,
  ): Promise<Authorizer> {
    const scopes = this.scopeRequirements[resourceServer];
    if (!scopes) {
      throw new GlobusSDKUsageError(
        `The app has no scope requirements for "${resourceServer}": bind a client or call addScopeRequirements().`,
      );
    }
    const stored = await storage.getTokenData(resourceServer);
    // a fleet of processes on one store makes one grant per expiry, not one each
    return new ClientCredentialsAuthorizer({
      confidentialClient: this.#client,
      scopes,
      resourceServer,
      accessToken: stored?.access_token,
      expiresAt: stored?.expires_at_seconds,
      ...this.sharedRenewal(resourceServer, storage),
    });
  }
}
