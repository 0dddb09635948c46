/**
 * `globus-sdk/testing`: a local Globus emulator (Auth plus the resource-server services)
 * over real HTTP, for offline tests of Globus clients. See docs/emulator.md.
 */
export type { AutoApproval, IssuedTokenSummary } from "./auth.ts";
export { ACCESS_TOKEN_LIFETIME, AUTH_CODE_LIFETIME, TOKEN_LEDGER_ENV } from "./auth.ts";
export type {
  FaultKind,
  FaultRule,
  FaultSpec,
  RequestLogEntry,
  RequestLogFilter,
} from "./faults.ts";
export { EmulatorLoginFlowManager, type EmulatorLoginFlowManagerOptions } from "./login-flow.ts";
export {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  BOB_UNIVERSITY_IDENTITY_ID,
  DEFAULT_SEED,
  DEMO_COLLECTION_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_CONFIDENTIAL_REDIRECT_URI,
  DEMO_FLOW_ID,
  DEMO_GCS_ENDPOINT_ID,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  DEMO_NATIVE_CLIENT_ID,
  DEMO_SHARED_FLOW_ID,
  DEMO_TRANSFER_FLOW_ID,
  EmulatorSeedError,
  loadSeedFile,
  resolveSeed,
} from "./seed.ts";
export type {
  EmulatedRoute,
  EmulatorControls,
  EmulatorOptions,
  RunningEmulator,
} from "./server.ts";
export { emulatorEnvironment, startEmulator } from "./server.ts";
// Well-known ids and timings of the service modules (Transfer, Flows, Compute, Search, ...).
export * from "./services/index.ts";
export type {
  AccessTokenInfo,
  CollectionRegistry,
  EmulatorContext,
  EmulatorReply,
  EmulatorRequest,
  EmulatorSeed,
  ErrorBodyFormatter,
  RouteHandler,
  SeedClient,
  SeedEndpoint,
  SeedFlow,
  SeedIdentity,
  SeedTreeNode,
  ServiceModule,
  ServiceRouter,
} from "./types.ts";
export { EmulatorHttpError } from "./types.ts";
