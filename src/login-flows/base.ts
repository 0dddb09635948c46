import { hostname } from "node:os";
import {
  type AuthorizationCodeFlow,
  type AuthorizeUrlParams,
  type BaseLoginClient,
  NativeAppAuthClient,
  type OAuthTokenResponse,
} from "../auth/index.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import {
  authorizationParameters,
  type GlobusAuthorizationParameters,
  type GlobusAuthorizationParametersInput,
} from "../gare/index.ts";
import { LoginAbortedError } from "./errors.ts";

/** What a login flow is asked for: the scopes to request and how the session must look. */
export type LoginAuthParams = GlobusAuthorizationParameters | GlobusAuthorizationParametersInput;

/** Options for one run of a login flow. */
export interface RunLoginFlowOptions {
  /** Cancels the login; the flow rejects with {@link LoginAbortedError}. */
  signal?: AbortSignal;
}

/**
 * Gets a person through a Globus Auth login and returns their tokens. `authParams` carries
 * the scopes to request (`required_scopes`, required) and the session requirements
 * (identities, domains, policies, MFA, message, prompt).
 */
export interface LoginFlowManager {
  runLoginFlow(
    authParams: LoginAuthParams,
    options?: RunLoginFlowOptions,
  ): Promise<OAuthTokenResponse>;
}

/** Options every login flow manager takes. */
export interface LoginFlowManagerOptions {
  /** The native or confidential login client that starts the flow and exchanges the code. */
  loginClient: BaseLoginClient;
  /** Ask for refresh tokens (`access_type=offline`), for logins that outlive the access token. */
  requestRefreshTokens?: boolean;
  /**
   * A label prefilled on the consent page, naming this grant, so a person can tell their
   * logins apart on Globus's consents page (native clients only, as in the Python SDK).
   */
  prefillNamedGrant?: string;
}

/**
 * The grant name the Python SDK prefills for a native app's login: `"<app name> on
 * <host name>"` (a macOS `.local` suffix dropped), or the app name alone.
 */
export function defaultNamedGrant(appName: string, host: string = hostname()): string {
  const nice = host.endsWith(".local") ? host.slice(0, -".local".length) : host;
  return nice ? `${appName} on ${nice}` : appName;
}

/** Normalises login parameters; a login without scopes is a usage error. */
export function loginParameters(
  authParams: LoginAuthParams,
  who: string,
): GlobusAuthorizationParameters {
  const params = authorizationParameters(authParams);
  if (!params.required_scopes || params.required_scopes.length === 0) {
    throw new GlobusSDKUsageError(
      `${who} cannot start a login without scopes: pass required_scopes in the authorization parameters.`,
    );
  }
  return params;
}

/** How {@link beginLogin} starts a flow. */
export interface BeginLoginOptions {
  redirectUri?: string | undefined;
  requestRefreshTokens?: boolean | undefined;
  prefillNamedGrant?: string | undefined;
}

/**
 * Normalises the parameters, starts an authorization-code flow and builds its authorize
 * URL. The flow (its PKCE verifier and `state`) lives in memory only. A login without
 * scopes is a usage error.
 */
export function beginLogin(
  loginClient: BaseLoginClient,
  authParams: LoginAuthParams,
  options: BeginLoginOptions = {},
  who = "A login flow",
): StartedLogin {
  const params = loginParameters(authParams, who);
  const native = loginClient instanceof NativeAppAuthClient;
  const flow = loginClient.startFlow({
    requestedScopes: [...(params.required_scopes ?? [])],
    ...(options.redirectUri !== undefined ? { redirectUri: options.redirectUri } : {}),
    refreshTokens: options.requestRefreshTokens ?? false,
    ...(native && options.prefillNamedGrant !== undefined
      ? { prefillNamedGrant: options.prefillNamedGrant }
      : {}),
  });
  // Only set fields reach the URL: the normalised parameters have no empty values.
  const urlParams: AuthorizeUrlParams = {};
  if (params.session_message !== undefined) urlParams.session_message = params.session_message;
  if (params.session_required_identities) {
    urlParams.session_required_identities = [...params.session_required_identities];
  }
  if (params.session_required_single_domain) {
    urlParams.session_required_single_domain = [...params.session_required_single_domain];
  }
  if (params.session_required_policies) {
    urlParams.session_required_policies = [...params.session_required_policies];
  }
  if (params.session_required_mfa !== undefined) {
    urlParams.session_required_mfa = params.session_required_mfa;
  }
  if (params.prompt !== undefined) urlParams.prompt = params.prompt;
  return { flow, authorizeUrl: flow.authorizeUrl(urlParams), params };
}

/** An authorize URL and the flow it belongs to. */
export interface StartedLogin {
  readonly flow: AuthorizationCodeFlow;
  readonly authorizeUrl: string;
  readonly params: GlobusAuthorizationParameters;
}

/** Shared by the managers: validates the parameters, starts the flow, builds the URL. */
export abstract class BaseLoginFlowManager implements LoginFlowManager {
  readonly loginClient: BaseLoginClient;
  readonly requestRefreshTokens: boolean;
  readonly prefillNamedGrant: string | undefined;

  constructor(options: LoginFlowManagerOptions) {
    if (!options || typeof options.loginClient?.startFlow !== "function") {
      throw new GlobusSDKUsageError(
        `${new.target.name} needs { loginClient }: a NativeAppAuthClient or ConfidentialAppAuthClient.`,
      );
    }
    this.loginClient = options.loginClient;
    this.requestRefreshTokens = options.requestRefreshTokens ?? false;
    this.prefillNamedGrant = options.prefillNamedGrant;
  }

  abstract runLoginFlow(
    authParams: LoginAuthParams,
    options?: RunLoginFlowOptions,
  ): Promise<OAuthTokenResponse>;

  /** Normalises the parameters, starts an authorization-code flow and returns its URL. */
  protected startLogin(authParams: LoginAuthParams, redirectUri: string | undefined): StartedLogin {
    return beginLogin(
      this.loginClient,
      authParams,
      {
        redirectUri,
        requestRefreshTokens: this.requestRefreshTokens,
        prefillNamedGrant: this.prefillNamedGrant,
      },
      this.constructor.name,
    );
  }
}

/** Throws {@link LoginAbortedError} when the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LoginAbortedError("The login was aborted.", { cause: signal.reason });
  }
}
