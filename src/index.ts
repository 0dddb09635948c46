/**
 * globus-sdk: the Globus SDK for TypeScript and Node.js.
 *
 * Start with {@link UserApp} or {@link ClientApp}, then bind service clients to it:
 * `new TransferClient({ app })`, `new FlowsClient({ app })`.
 * @packageDocumentation
 */
export * from "./auth/index.ts";
export * from "./authorizers/index.ts";
export { GlobusSDKError, GlobusSDKUsageError } from "./errors.ts";
export * from "./gare/index.ts";
export * from "./globus-app/index.ts";
export * from "./login-flows/index.ts";
export * from "./scopes/index.ts";
export * from "./services/index.ts";
export * from "./token-storage/index.ts";
export * from "./transport/index.ts";
export { SDK_VERSION } from "./version.ts";
