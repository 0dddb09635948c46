import type { KeyObject } from "node:crypto";
import { GlobusSDKUsageError } from "../errors.ts";
import { type ScopeLike, scopesToString } from "../scopes/index.ts";
import type { OperationOptions } from "../services/base/client.ts";
import {
  type EnvironmentName,
  getServiceUrl,
  resolveEnvironment,
} from "../transport/environments.ts";
import { AuthAPIError } from "../transport/errors.ts";
import { type RetryOptions, Transport } from "../transport/transport.ts";
import type { CallOptions, QueryValue } from "../transport/types.ts";
import type { Wrapped } from "./auth-client.ts";
import { type CreateClientOptions, clientCreationBody } from "./data.ts";
import { type IDTokenDecoder, IdTokenDecoder, type OpenIdConfiguration } from "./id-token.ts";
import {
  fetchJwk,
  fetchOpenidConfiguration,
  type GetJwkOptions,
  type JsonWebKeySetDocument,
} from "./openid.ts";
import { codeChallengeS256, createCodeVerifier, createState } from "./pkce.ts";
import { type ClientRecord, hideSecret } from "./records.ts";
import { OAuthDependentTokenResponse, OAuthTokenResponse } from "./token-response.ts";

/** The OAuth grant type of Globus Auth's dependent token grant. */
export const DEPENDENT_TOKEN_GRANT_TYPE = "urn:globus:auth:grant_type:dependent_token";

/** How a login client is built. Every field is optional. */
export interface LoginClientOptions {
  /** The Globus environment. Default: `GLOBUS_SDK_ENVIRONMENT`, else production. */
  environment?: string | undefined;
  /** Globus Auth's base URL. Default: `GLOBUS_SDK_SERVICE_URL_AUTH`, else the environment's. */
  baseUrl?: string | undefined;
  /** Appended to the User-Agent. */
  appName?: string | undefined;
  /** Per-attempt timeout in ms. */
  timeout?: number | undefined;
  retry?: RetryOptions | undefined;
  /** The clock, epoch seconds, for `expires_at_seconds` and id_token checks. Default: wall time. */
  now?: (() => number) | undefined;
  /** Replaces the default {@link IdTokenDecoder} (JWKS via OpenID discovery, 300 s leeway). */
  idTokenDecoder?: IDTokenDecoder | undefined;
}

/** How an authorization-code flow is started. */
export interface StartFlowOptions {
  /** Scope objects or strings; at least one. */
  requestedScopes: ScopeLike;
  /**
   * Where Globus Auth sends the browser back. Default for a native client: Globus's
   * auth-code page (`<auth>/v2/web/auth-code`), which shows the code to paste.
   */
  redirectUri?: string | undefined;
  /** Ask for refresh tokens (`access_type=offline`). */
  refreshTokens?: boolean | undefined;
  /** A name for the grant (shown on the consents page), e.g. the machine's host name. */
  prefillNamedGrant?: string | undefined;
  /** The OAuth `state`. Default: random. */
  state?: string | undefined;
  /** The PKCE code verifier (43 to 128 URL-safe characters). Default: random. */
  verifier?: string | undefined;
}

/** Form fields added to a token-family call, sent as given (Python's `body_params`). */
export interface BodyParamsOption {
  bodyParams?: Record<string, string | undefined>;
}

/** Options of `oauth2GetAuthorizeUrl`: the session parameters, and extra query parameters. */
export interface GetAuthorizeUrlOptions extends AuthorizeUrlParams {
  /** Extra query parameters, added last (Python's `query_params`). */
  queryParams?: Record<string, string | undefined>;
}

/** The answer to a native-app instance's creation: the client and its first credential. */
export interface NativeAppInstance {
  client: ClientRecord;
  included: {
    /** The instance's first credential; this is the only answer that shows its secret. */
    client_credential: {
      id: string;
      name: string;
      client: string;
      secret: string;
      [field: string]: unknown;
    };
  };
  [field: string]: unknown;
}

/** Extra parameters of an authorize URL. Empty values are left out. */
export interface AuthorizeUrlParams {
  /** A message Globus Auth shows on the login page. */
  session_message?: string | undefined;
  /** Identity ids that must be in the session. */
  session_required_identities?: readonly string[] | undefined;
  /** Domains one of whose identities must be in the session. */
  session_required_single_domain?: readonly string[] | undefined;
  /** Ids of authentication policies the session must meet. */
  session_required_policies?: readonly string[] | undefined;
  /** Require multi-factor authentication. */
  session_required_mfa?: boolean | undefined;
  /** `"login"` forces a fresh authentication. */
  prompt?: string | undefined;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new GlobusSDKUsageError(`${what} must be a non-empty string.`);
  }
  return value;
}

function commaList(values: readonly string[] | undefined): string | undefined {
  const items = (values ?? []).map((v) => String(v).trim()).filter((v) => v !== "");
  return items.length > 0 ? items.join(",") : undefined;
}

/**
 * One authorization-code flow: PKCE (S256) verifier and challenge, `state`, the redirect
 * URI and the requested scopes. Build the authorize URL, send the user there, then
 * exchange the code Globus Auth returns.
 */
export class AuthorizationCodeFlow {
  readonly client: BaseLoginClient;
  readonly state: string;
  readonly redirectUri: string;
  /** The requested scopes as one space-separated string. */
  readonly requestedScopes: string;
  readonly refreshTokens: boolean;
  readonly prefillNamedGrant: string | undefined;
  /** The PKCE S256 challenge sent in the authorize URL. */
  readonly codeChallenge: string;
  readonly #verifier: string;

  constructor(client: BaseLoginClient, options: StartFlowOptions & { redirectUri: string }) {
    this.client = client;
    this.requestedScopes = scopesToString(options.requestedScopes);
    if (this.requestedScopes.trim() === "") {
      throw new GlobusSDKUsageError("A login flow needs at least one requested scope.");
    }
    this.redirectUri = requireString(options.redirectUri, "redirectUri");
    this.state =
      options.state === undefined ? createState() : requireString(options.state, "state");
    this.refreshTokens = options.refreshTokens === true;
    this.prefillNamedGrant = options.prefillNamedGrant || undefined;
    this.#verifier =
      options.verifier === undefined
        ? createCodeVerifier()
        : requireString(options.verifier, "verifier");
    // checks a given verifier's length and characters, as PKCE demands
    this.codeChallenge = codeChallengeS256(this.#verifier);
  }

  /**
   * The Globus Auth authorize URL for this flow, with every Globus parameter given; the
   * `queryParams` are added last, as given.
   */
  authorizeUrl(params: GetAuthorizeUrlOptions = {}): string {
    const url = new URL("v2/oauth2/authorize", this.client.baseUrl);
    const query: Record<string, string | undefined> = {
      client_id: this.client.clientId,
      redirect_uri: this.redirectUri,
      scope: this.requestedScopes,
      state: this.state,
      response_type: "code",
      code_challenge: this.codeChallenge,
      code_challenge_method: "S256",
      access_type: this.refreshTokens ? "offline" : "online",
      prefill_named_grant: this.prefillNamedGrant,
      session_message: params.session_message || undefined,
      session_required_identities: commaList(params.session_required_identities),
      session_required_single_domain: commaList(params.session_required_single_domain),
      session_required_policies: commaList(params.session_required_policies),
      // false is Globus's default, so it is left out like any empty value
      session_required_mfa: params.session_required_mfa === true ? "true" : undefined,
      prompt: params.prompt || undefined,
    };
    for (const [key, value] of Object.entries({ ...query, ...params.queryParams })) {
      if (value !== undefined && value !== "") url.searchParams.set(key, value);
    }
    return url.toString();
  }

  /**
   * Exchanges the authorization code for tokens. The caller checks `state` on the redirect
   * before calling this.
   */
  exchangeCode(code: string, options: CallOptions = {}): Promise<OAuthTokenResponse> {
    requireString(code, "The authorization code");
    return this.client.oauth2Token(
      {
        grant_type: "authorization_code",
        code: code.trim(),
        redirect_uri: this.redirectUri,
        code_verifier: this.#verifier,
      },
      options,
    );
  }

  toString(): string {
    return `AuthorizationCodeFlow(client ${this.client.clientId}, scopes "${this.requestedScopes}")`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * What native and confidential login clients share: starting an authorization-code flow,
 * refreshing and revoking tokens, and Globus Auth's OpenID configuration and keys. Every
 * call goes through the SDK's transport (retries, timeouts, typed `AuthAPIError`s). The
 * methods carry the Python SDK's names (`oauth2RefreshToken`, ...); the shorter names
 * (`refreshToken`, ...) are aliases of them.
 */
export abstract class BaseLoginClient {
  readonly clientId: string;
  readonly environment: EnvironmentName;
  /** Globus Auth's base URL, ending in `/`. */
  readonly baseUrl: string;
  readonly transport: Transport;
  readonly #now: () => number;
  #flow: AuthorizationCodeFlow | undefined;
  #idTokenDecoder: IDTokenDecoder | undefined;

  constructor(clientId: string, options: LoginClientOptions = {}) {
    this.clientId = requireString(clientId, "clientId");
    this.environment = resolveEnvironment(options.environment);
    const baseUrl = options.baseUrl ?? getServiceUrl("auth", this.environment);
    this.transport = new Transport({
      baseUrl,
      errorClass: AuthAPIError,
      appName: options.appName,
      timeout: options.timeout,
      retry: options.retry,
    });
    this.baseUrl = this.transport.baseUrl;
    this.#now = options.now ?? (() => Date.now() / 1000);
    this.#idTokenDecoder = options.idTokenDecoder;
  }

  /**
   * The flow the last `oauth2StartFlow` (or `startFlow`) began, which
   * `oauth2GetAuthorizeUrl` and `oauth2ExchangeCodeForTokens` continue.
   */
  get currentOauth2FlowManager(): AuthorizationCodeFlow | undefined {
    return this.#flow;
  }

  /** The client's clock in epoch seconds. */
  now(): number {
    return this.#now();
  }

  /** Decodes id_tokens of this client's token responses (built on first use). */
  get idTokenDecoder(): IDTokenDecoder {
    this.#idTokenDecoder ??= new IdTokenDecoder({
      clientId: this.clientId,
      transport: this.transport,
      now: this.#now,
    });
    return this.#idTokenDecoder;
  }

  set idTokenDecoder(decoder: IDTokenDecoder) {
    if (typeof decoder?.decode !== "function") {
      throw new GlobusSDKUsageError("An id_token decoder must have a decode(idToken) method.");
    }
    this.#idTokenDecoder = decoder;
  }

  /** The redirect URI used when a flow names none. */
  protected defaultRedirectUri(): string {
    return `${this.baseUrl}v2/web/auth-code`;
  }

  /**
   * Starts an authorization-code flow (PKCE S256 always, random `state` unless given) and
   * makes it the client's current flow. `oauth2StartFlow` takes the same, positionally.
   */
  startFlow(options: StartFlowOptions): AuthorizationCodeFlow {
    if (!options || typeof options !== "object") {
      throw new GlobusSDKUsageError("startFlow needs an options object with requestedScopes.");
    }
    const flow = new AuthorizationCodeFlow(this, {
      ...options,
      redirectUri: options.redirectUri ?? this.defaultRedirectUri(),
    });
    this.#flow = flow;
    return flow;
  }

  #currentFlow(what: string): AuthorizationCodeFlow {
    if (!this.#flow) {
      throw new GlobusSDKUsageError(`${what} needs a flow: call oauth2StartFlow() first.`);
    }
    return this.#flow;
  }

  /** The authorize URL of the current flow (see {@link AuthorizationCodeFlow.authorizeUrl}). */
  oauth2GetAuthorizeUrl(options: GetAuthorizeUrlOptions = {}): string {
    return this.#currentFlow("oauth2GetAuthorizeUrl").authorizeUrl(options);
  }

  /** Exchanges the current flow's authorization code for tokens. */
  oauth2ExchangeCodeForTokens(
    authCode: string,
    options: CallOptions = {},
  ): Promise<OAuthTokenResponse> {
    return this.#currentFlow("oauth2ExchangeCodeForTokens").exchangeCode(authCode, options);
  }

  /** Adds the client's credentials to a token-family call (form field or HTTP Basic). */
  protected abstract clientAuthentication(form: Record<string, string | undefined>): {
    form: Record<string, string | undefined>;
    headers: Record<string, string>;
  };

  /** POSTs to a token-family endpoint with client authentication; returns the JSON body. */
  protected async authPost<T = unknown>(
    path: string,
    form: Record<string, string | undefined>,
    options: CallOptions & { retrySafe?: boolean; query?: Record<string, QueryValue> },
  ): Promise<T> {
    const auth = this.clientAuthentication(form);
    const response = await this.transport.request<T>({
      method: "POST",
      path,
      form: auth.form,
      headers: auth.headers,
      authorizer: null,
      retrySafe: options.retrySafe ?? false,
      signal: options.signal,
      timeout: options.timeout,
      ...(options.query ? { query: options.query } : {}),
    });
    return response.data;
  }

  /**
   * POSTs a JSON document to the Auth API as this client: with its secret (HTTP Basic)
   * for a confidential client, without credentials for a native one.
   */
  protected async apiPost<T>(path: string, body: unknown, options: OperationOptions): Promise<T> {
    const { headers } = this.clientAuthentication({});
    const response = await this.transport.request<T>({
      method: "POST",
      path,
      body,
      headers: { ...options.headers, ...headers },
      authorizer: null,
      signal: options.signal,
      timeout: options.timeout,
      ...(options.queryParams ? { query: options.queryParams } : {}),
    });
    return response.data;
  }

  /**
   * Any call to Globus Auth's token endpoint: `form` plus `bodyParams`. Prefer the specific
   * methods; this one is public for flows the SDK has no method for.
   */
  async oauth2Token(
    form: Record<string, string | undefined>,
    options: CallOptions & BodyParamsOption & { retrySafe?: boolean } = {},
  ): Promise<OAuthTokenResponse> {
    const fields = { ...form, ...options.bodyParams };
    const data = await this.authPost("v2/oauth2/token", fields, options);
    return new OAuthTokenResponse(data, {
      now: this.#now,
      idTokenDecoder: this.idTokenDecoder,
      isRefreshResponse: fields["grant_type"] === "refresh_token",
    });
  }

  /**
   * Exchanges a refresh token for a new access token. Globus Auth answers `invalid_grant`
   * (an `AuthAPIError`) when the refresh token expired or was revoked.
   */
  oauth2RefreshToken(
    refreshToken: string,
    options: CallOptions & BodyParamsOption = {},
  ): Promise<OAuthTokenResponse> {
    requireString(refreshToken, "refreshToken");
    return this.oauth2Token({ refresh_token: refreshToken, grant_type: "refresh_token" }, options);
  }

  /** {@link BaseLoginClient.oauth2RefreshToken}. */
  refreshToken(
    refreshToken: string,
    options: CallOptions & BodyParamsOption = {},
  ): Promise<OAuthTokenResponse> {
    return this.oauth2RefreshToken(refreshToken, options);
  }

  /**
   * Revokes an access or refresh token (revoking a refresh token ends its access tokens
   * too). Globus Auth answers `{"active": false}`, also for a token it does not know.
   */
  async oauth2RevokeToken(
    token: string,
    options: CallOptions & BodyParamsOption = {},
  ): Promise<Record<string, unknown>> {
    requireString(token, "token");
    const data = await this.authPost<Record<string, unknown>>(
      "v2/oauth2/token/revoke",
      { token, ...options.bodyParams },
      { ...options, retrySafe: true },
    );
    return data ?? {};
  }

  /** {@link BaseLoginClient.oauth2RevokeToken}. */
  revokeToken(
    token: string,
    options: CallOptions & BodyParamsOption = {},
  ): Promise<Record<string, unknown>> {
    return this.oauth2RevokeToken(token, options);
  }

  /** GETs a public Auth document without credentials. */
  #publicGet = async (path: string, options: CallOptions): Promise<unknown> => {
    const response = await this.transport.request({ path, authorizer: null, ...options });
    return response.data;
  };

  /** Globus Auth's OpenID configuration (`/.well-known/openid-configuration`). */
  getOpenidConfiguration(options: CallOptions = {}): Promise<OpenIdConfiguration> {
    return fetchOpenidConfiguration(this.#publicGet, options);
  }

  /** {@link BaseLoginClient.getOpenidConfiguration}. */
  getOpenIdConfiguration(options: CallOptions = {}): Promise<OpenIdConfiguration> {
    return this.getOpenidConfiguration(options);
  }

  /**
   * Globus Auth's signing keys (from the configuration's `jwks_uri`; the configuration is
   * fetched when not given). With `asPem: true`, the first key as a `KeyObject`.
   */
  getJwk(
    openidConfiguration?: OpenIdConfiguration,
    options?: GetJwkOptions & { asPem?: false },
  ): Promise<JsonWebKeySetDocument>;
  getJwk(
    openidConfiguration: OpenIdConfiguration | undefined,
    options: GetJwkOptions & { asPem: true },
  ): Promise<KeyObject>;
  getJwk(
    openidConfiguration?: OpenIdConfiguration,
    options: GetJwkOptions = {},
  ): Promise<JsonWebKeySetDocument | KeyObject> {
    return fetchJwk(this.#publicGet, openidConfiguration, options);
  }

  toString(): string {
    return `${this.constructor.name}(${this.clientId}, ${this.baseUrl})`;
  }
}

/** Options of `NativeAppAuthClient.oauth2StartFlow`, besides the scopes. */
export type NativeStartFlowOptions = Omit<StartFlowOptions, "requestedScopes">;

/**
 * A login client for a native app (a CLI, a desktop or a notebook tool): no secret, so
 * the client id travels in the form and PKCE proves the code exchange.
 */
export class NativeAppAuthClient extends BaseLoginClient {
  protected clientAuthentication(form: Record<string, string | undefined>) {
    return { form: { ...form, client_id: this.clientId }, headers: {} };
  }

  /**
   * Starts a native-app flow for `requestedScopes` (the redirect defaults to Globus's
   * auth-code page) and makes it the current flow.
   */
  oauth2StartFlow(
    requestedScopes: ScopeLike,
    options: NativeStartFlowOptions = {},
  ): AuthorizationCodeFlow {
    return this.startFlow({ ...options, requestedScopes });
  }

  /**
   * Creates an instance of a native app template: a confidential client of its own, whose
   * first credential comes in the answer (`included.client_credential`, its only sight of
   * the secret). Sent without credentials, as Globus Auth expects.
   */
  createNativeAppInstance(
    templateId: string,
    name: string,
    options: OperationOptions = {},
  ): Promise<NativeAppInstance> {
    const body = {
      client: {
        name: requireString(name, "name"),
        template_id: requireString(templateId, "templateId"),
      },
    };
    return this.apiPost<NativeAppInstance>("v2/api/clients", body, options).then((instance) => {
      if (instance?.included?.client_credential) hideSecret(instance.included.client_credential);
      return instance;
    });
  }
}

/** Options of `ConfidentialAppAuthClient.oauth2StartFlow`, besides redirect and scopes. */
export type ConfidentialStartFlowOptions = Omit<
  StartFlowOptions,
  "requestedScopes" | "redirectUri"
>;

/** Options of `ConfidentialAppAuthClient.oauth2GetDependentTokens`. */
export interface DependentTokenOptions extends CallOptions {
  /** Ask for refresh tokens with the dependent tokens (`access_type=offline`). */
  refreshTokens?: boolean;
  /** Only these dependent scopes (default: every one consented under the token's scope). */
  scope?: string | Iterable<string>;
  /** Further form fields, sent as given. */
  additionalParams?: Record<string, string | undefined>;
}

/**
 * A login client for a confidential app (a service with a client secret): authenticates
 * with HTTP Basic, and can also run client credentials, the dependent token grant, token
 * introspection and child-client creation.
 */
export class ConfidentialAppAuthClient extends BaseLoginClient {
  readonly #basic: string;

  constructor(clientId: string, clientSecret: string, options: LoginClientOptions = {}) {
    super(clientId, options);
    requireString(clientSecret, "clientSecret");
    this.#basic = `Basic ${Buffer.from(`${this.clientId}:${clientSecret}`, "utf8").toString("base64")}`;
  }

  protected override defaultRedirectUri(): string {
    throw new GlobusSDKUsageError(
      "A confidential client needs a redirectUri: Globus's auth-code page only serves native clients.",
    );
  }

  protected clientAuthentication(form: Record<string, string | undefined>) {
    return { form, headers: { Authorization: this.#basic } };
  }

  /** Starts an authorization-code flow back to `redirectUri` and makes it the current flow. */
  oauth2StartFlow(
    redirectUri: string,
    requestedScopes: ScopeLike,
    options: ConfidentialStartFlowOptions = {},
  ): AuthorizationCodeFlow {
    return this.startFlow({ ...options, redirectUri, requestedScopes });
  }

  /** Gets tokens for the client's own identity (client credentials grant). */
  oauth2ClientCredentialsTokens(
    requestedScopes: ScopeLike,
    options: CallOptions = {},
  ): Promise<OAuthTokenResponse> {
    const scope = scopesToString(requestedScopes);
    if (scope.trim() === "") {
      throw new GlobusSDKUsageError("The client credentials grant needs at least one scope.");
    }
    // Asking again for client-credential tokens has no side effect, so resending is safe.
    return this.oauth2Token(
      { grant_type: "client_credentials", scope },
      { ...options, retrySafe: true },
    );
  }

  /** {@link ConfidentialAppAuthClient.oauth2ClientCredentialsTokens}. */
  clientCredentialsTokens(
    scopes: ScopeLike,
    options: CallOptions = {},
  ): Promise<OAuthTokenResponse> {
    return this.oauth2ClientCredentialsTokens(scopes, options);
  }

  /**
   * Exchanges a token sent to this service for tokens to call other services on the user's
   * behalf (Globus's dependent token grant).
   */
  async oauth2GetDependentTokens(
    token: string,
    options: DependentTokenOptions = {},
  ): Promise<OAuthDependentTokenResponse> {
    requireString(token, "token");
    const scope =
      options.scope === undefined
        ? undefined
        : typeof options.scope === "string"
          ? options.scope
          : [...options.scope].join(" ");
    const data = await this.authPost(
      "v2/oauth2/token",
      {
        grant_type: DEPENDENT_TOKEN_GRANT_TYPE,
        token,
        access_type: options.refreshTokens ? "offline" : undefined,
        scope: scope || undefined,
        ...options.additionalParams,
      },
      options,
    );
    return new OAuthDependentTokenResponse(data, { now: () => this.now() });
  }

  /** {@link ConfidentialAppAuthClient.oauth2GetDependentTokens}, with `scopes` as Scope objects. */
  dependentTokens(
    token: string,
    options: CallOptions & { scopes?: ScopeLike; refreshTokens?: boolean } = {},
  ): Promise<OAuthDependentTokenResponse> {
    const { scopes, ...rest } = options;
    return this.oauth2GetDependentTokens(token, {
      ...rest,
      ...(scopes === undefined ? {} : { scope: scopesToString(scopes) }),
    });
  }

  /**
   * Asks Globus Auth about a token (`active`, `scope`, `sub`, ...). `include` e.g.
   * `"identity_set"`; `queryParams` are sent in the query, as Python's `query_params`.
   */
  async oauth2TokenIntrospect(
    token: string,
    options: CallOptions & {
      include?: string | readonly string[];
      queryParams?: Record<string, QueryValue>;
    } = {},
  ): Promise<Record<string, unknown>> {
    requireString(token, "token");
    const include =
      typeof options.include === "string" ? options.include : commaList(options.include);
    return this.authPost<Record<string, unknown>>(
      "v2/oauth2/token/introspect",
      { token, include: include || undefined },
      {
        ...options,
        retrySafe: true,
        ...(options.queryParams ? { query: options.queryParams } : {}),
      },
    );
  }

  /**
   * Creates a client whose parent is this one (in the same project), authenticated with
   * this client's secret: exactly one of `publicClient` and `clientType`.
   */
  createChildClient(
    name: string,
    options: CreateClientOptions,
  ): Promise<Wrapped<"client", ClientRecord>> {
    const body = clientCreationBody(requireString(name, "name"), options ?? {});
    return this.apiPost("v2/api/clients", { client: body }, options ?? {});
  }
}
