/**
 * globus-sdk: the Globus SDK for TypeScript and Node.js.
 * @packageDocumentation
 */
export { GlobusSDKError, GlobusSDKUsageError } from "./errors.ts";
export { SDK_VERSION } from "./version.ts";
