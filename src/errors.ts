/**
 * Root of every error this SDK raises on purpose. Catch this to catch them all.
 */
export class GlobusSDKError extends Error {
  override name = "GlobusSDKError";
}

/**
 * The SDK was called in a way it cannot honour: a missing option, two options that
 * exclude each other, a value of the wrong form. The message says what to change.
 */
export class GlobusSDKUsageError extends GlobusSDKError {
  override name = "GlobusSDKUsageError";
}
