/**
 * Globus Auth: login clients (native and confidential) with PKCE authorization-code flows,
 * refresh, client credentials, dependent tokens and revocation; the resource-server side
 * {@link AuthClient}; token responses; and id_token validation with `jose`.
 *
 * The authorizers (`RefreshTokenAuthorizer`, `ClientCredentialsAuthorizer`, ...) live in
 * `../authorizers/` and are re-exported here for convenience.
 */
export {
  ClientCredentialsAuthorizer,
  type ClientCredentialsAuthorizerOptions,
  RefreshTokenAuthorizer,
  type RefreshTokenAuthorizerOptions,
} from "../authorizers/index.ts";
export {
  AuthClient,
  type AuthClientOptions,
  type GetIdentitiesOptions,
  type IdentityRecord,
  type UserInfo,
} from "./auth-client.ts";
export {
  IdTokenAudienceError,
  IdTokenExpiredError,
  IdTokenIssuerError,
  IdTokenMalformedError,
  IdTokenNotYetValidError,
  IdTokenSignatureError,
  IdTokenValidationError,
  MalformedTokenResponseError,
  OpenIdConfigurationError,
  ReLoginRequiredError,
} from "./errors.ts";
export {
  type IDTokenDecoder,
  IdTokenDecoder,
  type IdTokenDecoderOptions,
  type OpenIdConfiguration,
} from "./id-token.ts";
export {
  AuthorizationCodeFlow,
  type AuthorizeUrlParams,
  BaseLoginClient,
  ConfidentialAppAuthClient,
  DEPENDENT_TOKEN_GRANT_TYPE,
  type LoginClientOptions,
  NativeAppAuthClient,
  type StartFlowOptions,
} from "./login-client.ts";
export { codeChallengeS256, createCodeVerifier, createState } from "./pkce.ts";
export {
  OAuthDependentTokenResponse,
  OAuthTokenResponse,
  type TokenResponseOptions,
} from "./token-response.ts";
