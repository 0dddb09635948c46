import { optionsArgument } from "../arguments.ts";
import type { BaseLoginClient, IDTokenDecoder } from "../auth/index.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import type { LoginFlowManager } from "../login-flows/index.ts";
import type { TokenStorage, TokenStorageProvider } from "../token-storage/types.ts";
import type { TokenDataValidator } from "../token-storage/validators.ts";
import { type EnvironmentName, resolveEnvironment } from "../transport/environments.ts";
import type { GlobusApp } from "./app.ts";

/** What a login-flow provider receives, as Python's `for_globus_app`. */
export interface LoginFlowManagerContext {
  appName: string;
  loginClient: BaseLoginClient;
  config: GlobusAppConfig;
}

/** Builds a login flow manager for an app. */
export interface LoginFlowManagerProvider {
  forGlobusApp(context: LoginFlowManagerContext): LoginFlowManager;
}

/** Builds an id_token decoder for an app. */
export interface IDTokenDecoderProvider {
  forGlobusApp(context: {
    appName: string;
    loginClient: BaseLoginClient;
    config: GlobusAppConfig;
  }): IDTokenDecoder;
}

/**
 * Called when stored tokens fail validation (missing, expired, too few scopes). The
 * default runs a login flow, except on an identity mismatch, which it raises.
 */
export type TokenValidationErrorHandler = (app: GlobusApp, error: Error) => Promise<void>;

/** The token storage shorthands an app understands. */
export type TokenStorageName = "json" | "sqlite" | "memory";
/** The login flow shorthands a UserApp understands. */
export type LoginFlowManagerName = "auto" | "command-line" | "local-server";

/** Options for a GlobusApp. Every field has a default. */
export interface GlobusAppConfigInput {
  /**
   * Where tokens live: `"json"` (default: the Python SDK's file and path, so Python
   * and TypeScript tools share a login), `"sqlite"`, `"memory"`, a storage instance
   * (which the app never closes), or a provider with `forGlobusApp`.
   */
  tokenStorage?: TokenStorageName | TokenStorage | TokenStorageProvider;
  /**
   * How a UserApp logs a person in: `"auto"` (default: local browser redirect on a
   * desktop, pasted code in a terminal, a `LoginRequiredError` where nobody can answer),
   * `"command-line"`, `"local-server"`, an instance, or a provider.
   */
  loginFlowManager?: LoginFlowManagerName | LoginFlowManager | LoginFlowManagerProvider;
  /** The redirect URI for login flows (needed with a confidential client in a UserApp). */
  loginRedirectUri?: string;
  /**
   * Ask for refresh tokens so a login lasts (Globus refresh tokens stay valid while used
   * at least every six months). Default true for a UserApp; the Python SDK defaults to
   * false, which makes users log in again every few days.
   */
  requestRefreshTokens?: boolean;
  /** See {@link TokenValidationErrorHandler}; `null` disables it, so validation errors are raised. */
  tokenValidationErrorHandler?: TokenValidationErrorHandler | null;
  /** Replaces the id_token decoder (e.g. to change the leeway). */
  idTokenDecoder?: IDTokenDecoder | IDTokenDecoderProvider;
  /** The Globus environment. Default: `GLOBUS_SDK_ENVIRONMENT`, else production. */
  environment?: string;
  /**
   * When a bound client gets an authorization requirement error (GARE), log in with its
   * parameters and retry the request once. Default false.
   */
  autoRedriveGares?: boolean;
  /**
   * The label a native app's login prefills for the grant, shown on Globus's consents page
   * so a person can tell their logins apart. Default `"<appName> on <host name>"`, as the
   * Python SDK; `null` sends none.
   */
  prefillNamedGrant?: string | null;
  /**
   * The storage namespace the app keeps its tokens in. Default `"DEFAULT"` (the Python
   * SDK's only one). Give each identity its own (`"work"`, `"personal"`) to keep several
   * logins side by side in one token file, as profiles.
   */
  tokenNamespace?: string;
  /**
   * More checks on stored tokens, run after the built-in ones (identity, scopes, expiry)
   * before every store and after every read (see `TokenDataValidator`). A check that
   * fails on read leads to a login through `tokenValidationErrorHandler`.
   */
  tokenValidators?: readonly TokenDataValidator[];
}

/** A complete, frozen GlobusApp configuration. */
export interface GlobusAppConfig {
  readonly tokenStorage: TokenStorageName | TokenStorage | TokenStorageProvider;
  readonly loginFlowManager: LoginFlowManagerName | LoginFlowManager | LoginFlowManagerProvider;
  readonly loginRedirectUri: string | undefined;
  readonly requestRefreshTokens: boolean;
  readonly tokenValidationErrorHandler: TokenValidationErrorHandler | null;
  readonly idTokenDecoder: IDTokenDecoder | IDTokenDecoderProvider | undefined;
  readonly environment: EnvironmentName;
  readonly autoRedriveGares: boolean;
  readonly prefillNamedGrant: string | null | undefined;
  readonly tokenNamespace: string;
  readonly tokenValidators: readonly TokenDataValidator[];
}

/** The default handler: log in again, unless the error is an identity mismatch. */
export const defaultTokenValidationErrorHandler: TokenValidationErrorHandler = async (
  app,
  error,
) => {
  if (error.name === "IdentityMismatchError") throw error;
  await app.login({ force: true });
};

const KNOWN_KEYS = new Set([
  "tokenStorage",
  "loginFlowManager",
  "loginRedirectUri",
  "requestRefreshTokens",
  "tokenValidationErrorHandler",
  "idTokenDecoder",
  "environment",
  "autoRedriveGares",
  "prefillNamedGrant",
  "tokenNamespace",
  "tokenValidators",
]);

/** Fills in defaults and freezes a GlobusApp configuration. */
export function createGlobusAppConfig(
  input: GlobusAppConfigInput | GlobusAppConfig = {},
): GlobusAppConfig {
  optionsArgument("GlobusApp config", input, "config");
  if (
    Object.isFrozen(input) &&
    "autoRedriveGares" in input &&
    typeof input.autoRedriveGares === "boolean"
  ) {
    return input as GlobusAppConfig;
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new GlobusSDKUsageError(
        `Unknown GlobusApp config option "${key}". Known options: ${[...KNOWN_KEYS].join(", ")}.`,
      );
    }
  }
  return Object.freeze({
    tokenStorage: input.tokenStorage ?? "json",
    loginFlowManager: input.loginFlowManager ?? "auto",
    loginRedirectUri: input.loginRedirectUri,
    requestRefreshTokens: input.requestRefreshTokens ?? true,
    tokenValidationErrorHandler:
      input.tokenValidationErrorHandler === undefined
        ? defaultTokenValidationErrorHandler
        : input.tokenValidationErrorHandler,
    idTokenDecoder: input.idTokenDecoder,
    environment: resolveEnvironment(input.environment),
    autoRedriveGares: input.autoRedriveGares ?? false,
    prefillNamedGrant: checkNamedGrant(input.prefillNamedGrant),
    tokenNamespace: checkNamespace(input.tokenNamespace),
    tokenValidators: Object.freeze([...(input.tokenValidators ?? [])]),
  });
}

function checkNamedGrant(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string" || value.trim() === "") {
    throw new GlobusSDKUsageError(
      "config.prefillNamedGrant must be a non-empty string, or null for none.",
    );
  }
  return value;
}

function checkNamespace(value: unknown): string {
  if (value === undefined) return "DEFAULT";
  if (typeof value !== "string" || value.trim() === "" || value.length > 200) {
    throw new GlobusSDKUsageError(
      'config.tokenNamespace must be a non-empty string (a profile name such as "work").',
    );
  }
  return value;
}
