import { ReLoginRequiredError } from "../auth/errors.ts";
import type { BaseLoginClient } from "../auth/login-client.ts";
import type { OAuthTokenResponse } from "../auth/token-response.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import type { TokenData } from "../token-storage/types.ts";
import { GlobusAPIError } from "../transport/errors.ts";
import { RenewingAuthorizer, type RenewingAuthorizerOptions } from "./renewing.ts";

/** OAuth error codes that no retry can fix: the refresh token or client is no longer valid. */
const UNRECOVERABLE_CODES = new Set(["invalid_grant", "invalid_client", "unauthorized_client"]);

/** Whether an error is Globus Auth refusing a grant for good (`invalid_grant` and kin). */
export function isUnrecoverableGrantError(error: unknown): error is GlobusAPIError {
  return (
    error instanceof GlobusAPIError &&
    (error.httpStatus === 400 || error.httpStatus === 401) &&
    UNRECOVERABLE_CODES.has(error.code)
  );
}

/** Options of {@link RefreshTokenAuthorizer}. */
export interface RefreshTokenAuthorizerOptions extends RenewingAuthorizerOptions {
  /** The client the refresh token was issued to. */
  loginClient: BaseLoginClient;
  refreshToken: string;
}

/**
 * Authorizes with an access token kept valid through a refresh token. Renews ahead of
 * expiry (within `refreshMarginSeconds`), with one refresh grant however many callers wait,
 * adopts a rotated refresh token, and hands each response to `onRefresh` for storage.
 * When Globus Auth answers `invalid_grant` (the refresh token expired or was revoked) it
 * raises {@link ReLoginRequiredError}, then raises it again at once on every later call
 * until {@link RefreshTokenAuthorizer.setRefreshToken} gives it a new refresh token.
 */
export class RefreshTokenAuthorizer extends RenewingAuthorizer {
  readonly loginClient: BaseLoginClient;
  #refreshToken: string;

  constructor(options: RefreshTokenAuthorizerOptions) {
    if (!options || typeof options.loginClient?.refreshToken !== "function") {
      throw new GlobusSDKUsageError("RefreshTokenAuthorizer needs a loginClient.");
    }
    if (typeof options.refreshToken !== "string" || options.refreshToken.trim() === "") {
      throw new GlobusSDKUsageError("RefreshTokenAuthorizer needs a non-empty refreshToken.");
    }
    super(options, () => options.loginClient.now());
    this.loginClient = options.loginClient;
    this.#refreshToken = options.refreshToken;
  }

  /** The current refresh token (do not log it). */
  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** Replaces the refresh token (after a new login); clears a stored re-login error. */
  setRefreshToken(refreshToken: string): void {
    if (typeof refreshToken !== "string" || refreshToken.trim() === "") {
      throw new GlobusSDKUsageError("setRefreshToken needs a non-empty refresh token.");
    }
    this.#refreshToken = refreshToken;
    this.clearUnrecoverable();
  }

  protected renewTokens(): Promise<OAuthTokenResponse> {
    return this.loginClient.refreshToken(this.#refreshToken);
  }

  protected isUnrecoverable(error: unknown): boolean {
    return isUnrecoverableGrantError(error);
  }

  protected unrecoverableError(error: unknown): ReLoginRequiredError {
    const code = error instanceof GlobusAPIError ? error.code : "invalid_grant";
    return new ReLoginRequiredError(
      `Globus Auth refused the refresh token (${code}): it expired or was revoked. Log in again to get new tokens.`,
      { code, cause: error },
    );
  }

  protected override adoptTokenData(data: TokenData): void {
    if (data.refresh_token) this.#refreshToken = data.refresh_token;
  }

  protected override adoptStoredRefreshToken(refreshToken: string): boolean {
    if (refreshToken === this.#refreshToken) return false;
    this.#refreshToken = refreshToken;
    return true;
  }
}
