/**
 * Globus Auth Requirements Errors and the authorization parameters they carry.
 * @packageDocumentation
 */
export {
  AUTHORIZATION_PARAMETER_FIELDS,
  AuthorizationParametersError,
  authorizationParameters,
  authorizationParametersToJSON,
  type GlobusAuthorizationParameters,
  type GlobusAuthorizationParametersInput,
  mergeAuthorizationParameters,
} from "./authorization-parameters.ts";
export {
  createGare,
  DEFAULT_GARE_CODE,
  type GARE,
  type GareSource,
  gareToJSON,
  hasGares,
  isGare,
  parseGare,
  toGare,
  toGares,
} from "./gare.ts";
