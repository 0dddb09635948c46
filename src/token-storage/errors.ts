import { GlobusSDKError, GlobusSDKUsageError } from "../errors.ts";

/**
 * A token store could not be read or written: an unreadable file, a database error, a
 * full disk. The message names the file; it never contains token values.
 */
export class TokenStorageError extends GlobusSDKError {
  override name = "TokenStorageError";
  /** The file (or database) involved, when there is one. */
  readonly path: string | undefined;
  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.path = options.path;
  }
}

/**
 * A token file exists but is not in a format we can read (bad JSON, unknown
 * `format_version`, not a SQLite database, a malformed token entry). Storage never
 * silently resets such a file: fix or remove it.
 */
export class TokenStorageFormatError extends TokenStorageError {
  override name = "TokenStorageFormatError";
}

/** A storage was used after `close()`. */
export class TokenStorageClosedError extends TokenStorageError {
  override name = "TokenStorageClosedError";
}

/**
 * Token data handed to a storage is not valid (a missing or mistyped field, a value JSON
 * cannot hold): a usage error, and nothing is written.
 */
export class InvalidTokenDataError extends GlobusSDKUsageError {
  override name = "InvalidTokenDataError";
}

/** A cross-process file lock could not be taken within its time limit. */
export class FileLockTimeoutError extends GlobusSDKError {
  override name = "FileLockTimeoutError";
  readonly lockPath: string;
  /** The pid recorded by the current holder, when it could be read. */
  readonly holderPid: number | undefined;
  constructor(lockPath: string, timeoutMs: number, holderPid: number | undefined) {
    super(
      `Timed out after ${timeoutMs} ms waiting for the lock '${lockPath}'` +
        (holderPid === undefined ? "" : ` (held by pid ${holderPid})`),
    );
    this.lockPath = lockPath;
    this.holderPid = holderPid;
  }
}

/** Root of every error a {@link ValidatingTokenStorage} raises when tokens fail a check. */
export class TokenValidationError extends GlobusSDKError {
  override name = "TokenValidationError";
}

/** No token (or no refresh token, when one is required) is stored for a resource server. */
export class MissingTokenError extends TokenValidationError {
  override name = "MissingTokenError";
  readonly resourceServer: string;
  constructor(message: string, resourceServer: string) {
    super(message);
    this.resourceServer = resourceServer;
  }
}

/** The stored scopes (or the identity's consents) do not cover the scope requirements. */
export class UnmetScopeRequirementsError extends TokenValidationError {
  override name = "UnmetScopeRequirementsError";
  readonly resourceServer: string;
  /** The required scopes that are not met, as canonical scope strings. */
  readonly missingScopes: readonly string[];
  /** Whether the failure was in dependent scopes (consents) rather than the token's scopes. */
  readonly dependent: boolean;
  constructor(resourceServer: string, missingScopes: readonly string[], dependent: boolean) {
    super(
      `Unmet ${dependent ? "dependent " : ""}scope requirements for resource server ` +
        `'${resourceServer}': missing ${missingScopes.join(", ")}`,
    );
    this.resourceServer = resourceServer;
    this.missingScopes = missingScopes;
    this.dependent = dependent;
  }
}

/** The identity behind token data is unknown or not the expected one. */
export class IdentityValidationError extends TokenValidationError {
  override name = "IdentityValidationError";
}

/**
 * Token data carries no identity (usually because `openid` was not requested) while the
 * storage requires one.
 */
export class MissingIdentityError extends IdentityValidationError {
  override name = "MissingIdentityError";
}

/**
 * New tokens belong to a different identity than the tokens already stored. Nothing was
 * written: the stored tokens are intact.
 */
export class IdentityMismatchError extends IdentityValidationError {
  override name = "IdentityMismatchError";
  readonly storedIdentityId: string;
  readonly newIdentityId: string;
  constructor(message: string, storedIdentityId: string, newIdentityId: string) {
    super(message);
    this.storedIdentityId = storedIdentityId;
    this.newIdentityId = newIdentityId;
  }
}

/** A stored access token has expired. */
export class ExpiredTokenError extends TokenValidationError {
  override name = "ExpiredTokenError";
  readonly resourceServer: string;
  readonly expiresAtSeconds: number;
  constructor(resourceServer: string, expiresAtSeconds: number) {
    super(
      `The token for resource server '${resourceServer}' expired at ` +
        new Date(expiresAtSeconds * 1000).toISOString(),
    );
    this.resourceServer = resourceServer;
    this.expiresAtSeconds = expiresAtSeconds;
  }
  /** When the token expired. */
  get expiredAt(): Date {
    return new Date(this.expiresAtSeconds * 1000);
  }
}
