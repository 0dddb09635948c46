/**
 * Login flows: how a UserApp gets a person through Globus Auth, from a desktop (local
 * server and browser), a terminal (paste the code) or neither (a clear error).
 * @packageDocumentation
 */
export {
  AutomaticLoginFlowManager,
  canOpenBrowser,
  chooseLoginFlow,
  createDefaultLoginFlowManager,
  type DefaultLoginFlowManagerOptions,
  inNotebookKernel,
  type LoginEnvironment,
  type LoginFlowChoice,
} from "./auto.ts";
export {
  BaseLoginFlowManager,
  type BeginLoginOptions,
  beginLogin,
  defaultNamedGrant,
  type LoginAuthParams,
  type LoginFlowManager,
  type LoginFlowManagerOptions,
  loginParameters,
  type RunLoginFlowOptions,
  type StartedLogin,
} from "./base.ts";
export { type BrowserOpener, browserCommand, type OpenCommand, openBrowser } from "./browser.ts";
export {
  CommandLineLoginFlowManager,
  type CommandLineLoginFlowManagerOptions,
  readLine,
} from "./command-line.ts";
export {
  BrowserOpenError,
  EmptyAuthorizationCodeError,
  LoginAbortedError,
  LoginCallbackError,
  LoginFlowError,
  LoginInputClosedError,
  LoginRequiredError,
  LoginTimeoutError,
  PortInUseError,
  StateMismatchError,
  UserDeniedError,
} from "./errors.ts";
export {
  createLoginFlowManager,
  type LoginFlowContext,
  type LoginFlowManagerShorthand,
} from "./factory.ts";
export { escapeHtml, type LandingPageModel, renderLandingPage } from "./landing-page.ts";
export {
  DEFAULT_LOGIN_TIMEOUT_MS,
  LocalServerLoginFlowManager,
  type LocalServerLoginFlowManagerOptions,
} from "./local-server.ts";
