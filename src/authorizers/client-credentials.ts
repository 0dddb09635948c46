import { ReLoginRequiredError } from "../auth/errors.ts";
import type { ConfidentialAppAuthClient } from "../auth/login-client.ts";
import type { OAuthTokenResponse } from "../auth/token-response.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import type { ScopeLike } from "../scopes/index.ts";
import { GlobusAPIError } from "../transport/errors.ts";
import { isUnrecoverableGrantError } from "./refresh-token.ts";
import { RenewingAuthorizer, type RenewingAuthorizerOptions } from "./renewing.ts";

/** Options of {@link ClientCredentialsAuthorizer}. */
export interface ClientCredentialsAuthorizerOptions extends RenewingAuthorizerOptions {
  confidentialClient: ConfidentialAppAuthClient;
  /** The scopes to request; they should belong to one resource server (else set `resourceServer`). */
  scopes: ScopeLike;
}

/**
 * Authorizes as a confidential client itself, through the client credentials grant. Like
 * {@link RefreshTokenAuthorizer} it renews ahead of expiry with one grant however many
 * callers wait; a refused grant (`invalid_client`, `invalid_grant`) raises
 * {@link ReLoginRequiredError} once and at once on every later call.
 */
export class ClientCredentialsAuthorizer extends RenewingAuthorizer {
  readonly confidentialClient: ConfidentialAppAuthClient;
  readonly scopes: ScopeLike;

  constructor(options: ClientCredentialsAuthorizerOptions) {
    if (!options || typeof options.confidentialClient?.clientCredentialsTokens !== "function") {
      throw new GlobusSDKUsageError("ClientCredentialsAuthorizer needs a confidentialClient.");
    }
    if (options.scopes === undefined || options.scopes === null) {
      throw new GlobusSDKUsageError("ClientCredentialsAuthorizer needs scopes.");
    }
    super(options, () => options.confidentialClient.now());
    this.confidentialClient = options.confidentialClient;
    this.scopes = options.scopes;
  }

  protected renewTokens(): Promise<OAuthTokenResponse> {
    return this.confidentialClient.clientCredentialsTokens(this.scopes);
  }

  protected isUnrecoverable(error: unknown): boolean {
    return isUnrecoverableGrantError(error);
  }

  protected unrecoverableError(error: unknown): ReLoginRequiredError {
    const code = error instanceof GlobusAPIError ? error.code : "invalid_client";
    return new ReLoginRequiredError(
      `Globus Auth refused the client credentials grant (${code}). Check the client id, secret and scopes, then build a new authorizer.`,
      { code, cause: error },
    );
  }
}
