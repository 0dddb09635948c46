export {
  ClientApp,
  GlobusApp,
  type GlobusAppOptions,
  type LoginOptions,
  PendingLogin,
  UserApp,
} from "./app.ts";
export {
  createGlobusAppConfig,
  defaultTokenValidationErrorHandler,
  type GlobusAppConfig,
  type GlobusAppConfigInput,
  type IDTokenDecoderProvider,
  type LoginFlowManagerContext,
  type LoginFlowManagerName,
  type LoginFlowManagerProvider,
  type TokenStorageName,
  type TokenValidationErrorHandler,
} from "./config.ts";
