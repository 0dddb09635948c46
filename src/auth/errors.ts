import { GlobusSDKError } from "../errors.ts";

/**
 * The refresh token (or client credential) no longer works: Globus Auth answered
 * `invalid_grant` because it expired, was revoked, or the consent was withdrawn. Nothing
 * can fix this without a new login, so the SDK never retries it.
 */
export class ReLoginRequiredError extends GlobusSDKError {
  override name = "ReLoginRequiredError";
  /** The OAuth error code Globus Auth sent (usually `invalid_grant`). */
  readonly code: string;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "invalid_grant";
  }
}

/** Globus Auth answered a token call with a body that is not a token response. */
export class MalformedTokenResponseError extends GlobusSDKError {
  override name = "MalformedTokenResponseError";
}

/** An id_token failed validation. Subclasses say which check failed. */
export class IdTokenValidationError extends GlobusSDKError {
  override name = "IdTokenValidationError";
}

/** The id_token is not a well-formed JWT, or lacks a required claim. */
export class IdTokenMalformedError extends IdTokenValidationError {
  override name = "IdTokenMalformedError";
}

/** The id_token's signature does not verify against Globus Auth's published keys. */
export class IdTokenSignatureError extends IdTokenValidationError {
  override name = "IdTokenSignatureError";
}

/** The id_token was issued for another client (`aud` is not this client's id). */
export class IdTokenAudienceError extends IdTokenValidationError {
  override name = "IdTokenAudienceError";
}

/** The id_token was issued by someone other than this Globus Auth (`iss`). */
export class IdTokenIssuerError extends IdTokenValidationError {
  override name = "IdTokenIssuerError";
}

/** The id_token expired longer ago than the allowed leeway (`exp`). */
export class IdTokenExpiredError extends IdTokenValidationError {
  override name = "IdTokenExpiredError";
}

/** The id_token claims to be issued (`iat`) or valid (`nbf`) in the future, beyond the leeway. */
export class IdTokenNotYetValidError extends IdTokenValidationError {
  override name = "IdTokenNotYetValidError";
}

/**
 * Globus Auth's OpenID configuration or key set could not be used (missing `jwks_uri`,
 * no usable algorithm, malformed JWKS).
 */
export class OpenIdConfigurationError extends GlobusSDKError {
  override name = "OpenIdConfigurationError";
}
