/**
 * Authorizers: what supplies the `Authorization` header of every request.
 *
 * - {@link AccessTokenAuthorizer}: one fixed token.
 * - {@link RefreshTokenAuthorizer}: renews through a refresh token, single-flight.
 * - {@link ClientCredentialsAuthorizer}: renews through the client credentials grant.
 * - {@link NullAuthorizer}: no credentials.
 */
export { ReLoginRequiredError } from "../auth/errors.ts";
export type { Authorizer } from "../transport/types.ts";
export {
  ClientCredentialsAuthorizer,
  type ClientCredentialsAuthorizerOptions,
} from "./client-credentials.ts";
export {
  isUnrecoverableGrantError,
  RefreshTokenAuthorizer,
  type RefreshTokenAuthorizerOptions,
} from "./refresh-token.ts";
export {
  RenewingAuthorizer,
  type RenewingAuthorizerOptions,
  type StoredTokens,
} from "./renewing.ts";
export { AccessTokenAuthorizer, NullAuthorizer } from "./static.ts";
