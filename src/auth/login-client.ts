import { GlobusSDKUsageError } from "../errors.ts";
import { type ScopeLike, scopesToString } from "../scopes/index.ts";
import {
  type EnvironmentName,
  getServiceUrl,
  resolveEnvironment,
} from "../transport/environments.ts";
import { AuthAPIError } from "../transport/errors.ts";
import { type RetryOptions, Transport } from "../transport/transport.ts";
import type { CallOptions } from "../transport/types.ts";
import { type IDTokenDecoder, IdTokenDecoder, type OpenIdConfiguration } from "./id-token.ts";
import { codeChallengeS256, createCodeVerifier, createState } from "./pkce.ts";
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
    this.#verifier = createCodeVerifier();
    this.codeChallenge = codeChallengeS256(this.#verifier);
  }

  /** The Globus Auth authorize URL for this flow, with every Globus parameter given. */
  authorizeUrl(params: AuthorizeUrlParams = {}): string {
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
    for (const [key, value] of Object.entries(query)) {
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
 * refreshing and revoking tokens, and Globus Auth's OpenID configuration. Every call goes
 * through the SDK's transport (retries, timeouts, typed `AuthAPIError`s).
 */
export abstract class BaseLoginClient {
  readonly clientId: string;
  readonly environment: EnvironmentName;
  /** Globus Auth's base URL, ending in `/`. */
  readonly baseUrl: string;
  readonly transport: Transport;
  readonly #now: () => number;
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

  /** Starts an authorization-code flow (PKCE S256 always, random `state`). */
  startFlow(options: StartFlowOptions): AuthorizationCodeFlow {
    if (!options || typeof options !== "object") {
      throw new GlobusSDKUsageError("startFlow needs an options object with requestedScopes.");
    }
    return new AuthorizationCodeFlow(this, {
      ...options,
      redirectUri: options.redirectUri ?? this.defaultRedirectUri(),
    });
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
    options: CallOptions & { retrySafe?: boolean },
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
    });
    return response.data;
  }

  /**
   * Any call to Globus Auth's token endpoint. Prefer the specific methods; this one is
   * public for flows the SDK has no method for.
   */
  async oauth2Token(
    form: Record<string, string | undefined>,
    options: CallOptions & { retrySafe?: boolean } = {},
  ): Promise<OAuthTokenResponse> {
    const data = await this.authPost("v2/oauth2/token", form, options);
    return new OAuthTokenResponse(data, {
      now: this.#now,
      idTokenDecoder: this.idTokenDecoder,
      isRefreshResponse: form["grant_type"] === "refresh_token",
    });
  }

  /**
   * Exchanges a refresh token for a new access token. Globus Auth answers `invalid_grant`
   * (an `AuthAPIError`) when the refresh token expired or was revoked.
   */
  refreshToken(refreshToken: string, options: CallOptions = {}): Promise<OAuthTokenResponse> {
    requireString(refreshToken, "refreshToken");
    return this.oauth2Token({ grant_type: "refresh_token", refresh_token: refreshToken }, options);
  }

  /** Revokes an access or refresh token (revoking a refresh token ends its access tokens too). */
  async revokeToken(token: string, options: CallOptions = {}): Promise<void> {
    requireString(token, "token");
    await this.authPost("v2/oauth2/token/revoke", { token }, { ...options, retrySafe: true });
  }

  /** Globus Auth's OpenID configuration (cached by the id_token decoder when it is the default). */
  getOpenIdConfiguration(): Promise<OpenIdConfiguration> {
    const decoder = this.idTokenDecoder;
    if (decoder instanceof IdTokenDecoder) return decoder.getOpenIdConfiguration();
    return new IdTokenDecoder({
      clientId: this.clientId,
      transport: this.transport,
    }).getOpenIdConfiguration();
  }

  toString(): string {
    return `${this.constructor.name}(${this.clientId}, ${this.baseUrl})`;
  }
}

/**
 * A login client for a native app (a CLI, a desktop or a notebook tool): no secret, so
 * the client id travels in the form and PKCE proves the code exchange.
 */
export class NativeAppAuthClient extends BaseLoginClient {
  protected clientAuthentication(form: Record<string, string | undefined>) {
    return { form: { ...form, client_id: this.clientId }, headers: {} };
  }
}

/**
 * A login client for a confidential app (a service with a client secret): authenticates
 * with HTTP Basic, and can also run client credentials, the dependent token grant and
 * token introspection.
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

  /** Gets tokens for the client's own identity (client credentials grant). */
  clientCredentialsTokens(
    scopes: ScopeLike,
    options: CallOptions = {},
  ): Promise<OAuthTokenResponse> {
    const scope = scopesToString(scopes);
    if (scope.trim() === "") {
      throw new GlobusSDKUsageError("clientCredentialsTokens needs at least one scope.");
    }
    // Asking again for client-credential tokens has no side effect, so resending is safe.
    return this.oauth2Token(
      { grant_type: "client_credentials", scope },
      { ...options, retrySafe: true },
    );
  }

  /**
   * Exchanges a token sent to this service for tokens to call other services on the user's
   * behalf (Globus's dependent token grant).
   */
  async dependentTokens(
    token: string,
    options: CallOptions & { scopes?: ScopeLike; refreshTokens?: boolean } = {},
  ): Promise<OAuthDependentTokenResponse> {
    requireString(token, "token");
    const scope = options.scopes === undefined ? undefined : scopesToString(options.scopes);
    const data = await this.authPost(
      "v2/oauth2/token",
      {
        grant_type: DEPENDENT_TOKEN_GRANT_TYPE,
        token,
        scope: scope || undefined,
        access_type: options.refreshTokens ? "offline" : undefined,
      },
      options,
    );
    return new OAuthDependentTokenResponse(data, { now: () => this.now() });
  }

  /** Asks Globus Auth about a token (`active`, `scope`, `sub`, ...). `include` e.g. `"identity_set"`. */
  async oauth2TokenIntrospect(
    token: string,
    options: CallOptions & { include?: string | readonly string[] } = {},
  ): Promise<Record<string, unknown>> {
    requireString(token, "token");
    const include =
      typeof options.include === "string" ? options.include : commaList(options.include);
    return this.authPost<Record<string, unknown>>(
      "v2/oauth2/token/introspect",
      { token, include: include || undefined },
      { ...options, retrySafe: true },
    );
  }
}
