/**
 * Globus Auth: login clients (native and confidential) with PKCE authorization-code flows,
 * refresh, client credentials, dependent tokens and revocation; {@link AuthClient}, Globus
 * Auth as a service (identities, consents, and the developer APIs: projects, policies,
 * clients, credentials, scopes); token responses; and id_token validation with `jose`.
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
export { AuthClient, type AuthClientOptions, type Wrapped } from "./auth-client.ts";
export {
  type ClientFields,
  type ClientKind,
  type CreateClientOptions,
  type CreatePolicyOptions,
  type CreateScopeOptions,
  DependentScopeSpec,
  type GetClientOptions,
  type GetConsentsOptions,
  type GetIdentitiesOptions,
  type GetIdentityProvidersOptions,
  type GetScopesOptions,
  type OneOrMany,
  type PolicyFields,
  type ProjectFields,
  type ScopeFields,
  type UpdateClientOptions,
  type UpdatePolicyOptions,
  type UpdateProjectOptions,
  type UpdateScopeOptions,
} from "./data.ts";
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
export { type IdentityCache, IdentityMap, type IdentityMapOptions } from "./identity-map.ts";
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
export type { GetJwkOptions, JsonWebKeySetDocument } from "./openid.ts";
export { codeChallengeS256, createCodeVerifier, createState } from "./pkce.ts";
export type {
  ClientCredentialRecord,
  ClientRecord,
  ClientType,
  DependentScopeRecord,
  IdentityProviderRecord,
  IdentityRecord,
  ItemList,
  PolicyRecord,
  ProjectRecord,
  ScopeRecord,
  UserInfo,
} from "./records.ts";
export {
  OAuthDependentTokenResponse,
  OAuthTokenResponse,
  type TokenResponseOptions,
} from "./token-response.ts";
