import { GlobusSDKError } from "../errors.ts";

/** Root of every error a login flow raises. */
export class LoginFlowError extends GlobusSDKError {
  override name = "LoginFlowError";
}

/** The login was interrupted: the AbortSignal fired or the user pressed Ctrl-C. */
export class LoginAbortedError extends LoginFlowError {
  override name = "LoginAbortedError";
}

/** The user submitted nothing where the authorization code was expected. */
export class EmptyAuthorizationCodeError extends LoginFlowError {
  override name = "EmptyAuthorizationCodeError";
}

/** The input stream ended (EOF) before an authorization code arrived. */
export class LoginInputClosedError extends LoginFlowError {
  override name = "LoginInputClosedError";
}

/** No browser could be opened for the login page. */
export class BrowserOpenError extends LoginFlowError {
  override name = "BrowserOpenError";
}

/** The fixed port asked for the local login server is already taken. */
export class PortInUseError extends LoginFlowError {
  override name = "PortInUseError";
  readonly port: number;
  constructor(port: number, options?: ErrorOptions) {
    super(
      `Port ${port} on 127.0.0.1 is already in use, so the login server cannot start. ` +
        "Free the port, choose another one, or use port 0 to pick a free port.",
      options,
    );
    this.port = port;
  }
}

/** Globus Auth redirected back with an OAuth error instead of a code. */
export class LoginCallbackError extends LoginFlowError {
  override name = "LoginCallbackError";
  /** The OAuth `error` value, e.g. `access_denied`. */
  readonly error: string;
  readonly errorDescription: string | undefined;
  constructor(error: string, errorDescription: string | undefined, message?: string) {
    super(
      message ??
        `Globus Auth returned the error "${error}"${errorDescription ? `: ${errorDescription}` : ""}.`,
    );
    this.error = error;
    this.errorDescription = errorDescription;
  }
}

/** The user declined the login or consent (`error=access_denied`). */
export class UserDeniedError extends LoginCallbackError {
  override name = "UserDeniedError";
  constructor(errorDescription: string | undefined) {
    super(
      "access_denied",
      errorDescription,
      "The login was declined in the browser (access_denied). Run the login again and choose Allow to continue.",
    );
  }
}

/**
 * The redirect's `state` did not match the flow's: the callback was not for this login
 * (a stale tab, or a forged request). Nothing was exchanged.
 */
export class StateMismatchError extends LoginFlowError {
  override name = "StateMismatchError";
}

/** The user did not finish the login in time. */
export class LoginTimeoutError extends LoginFlowError {
  override name = "LoginTimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(
      `The login was not completed within ${formatDuration(timeoutMs)}. Run the login again and finish it in the browser.`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A login is needed but nobody can perform it here: no browser, and no terminal to paste a
 * code into (CI, cron, a service).
 */
export class LoginRequiredError extends LoginFlowError {
  override name = "LoginRequiredError";
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? "" : "s"}`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} second${ms === 1000 ? "" : "s"}`;
  return `${ms} ms`;
}
