/**
 * Globus Auth as a service. `AuthClient` (owned by `src/auth/`) is the plain resource-server
 * client; `AuthServiceClient` is the same calls bound like every other service client.
 */
export { AuthClient, type AuthClientOptions } from "../../auth/index.ts";
export { AuthServiceClient } from "./client.ts";
