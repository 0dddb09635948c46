import { GlobusSDKUsageError } from "../errors.ts";
import type { Authorizer } from "../transport/types.ts";

/**
 * Sends one fixed access token. It cannot renew anything, so after a 401 it reports that
 * nothing changed and the error reaches the caller.
 */
export class AccessTokenAuthorizer implements Authorizer {
  readonly #header: string;

  constructor(accessToken: string) {
    if (typeof accessToken !== "string" || accessToken.trim() === "") {
      throw new GlobusSDKUsageError("AccessTokenAuthorizer needs a non-empty access token.");
    }
    this.#header = `Bearer ${accessToken.trim()}`;
  }

  async getAuthorizationHeader(): Promise<string> {
    return this.#header;
  }

  async handleMissingAuthorization(): Promise<boolean> {
    return false;
  }

  toString(): string {
    return "AccessTokenAuthorizer(***)";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Sends no credentials (for public endpoints). */
export class NullAuthorizer implements Authorizer {
  async getAuthorizationHeader(): Promise<undefined> {
    return undefined;
  }

  async handleMissingAuthorization(): Promise<boolean> {
    return false;
  }
}
