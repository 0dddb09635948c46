/**
 * Globus Auth as a service: {@link AuthClient} (owned by `src/auth/`), and its former
 * name `AuthServiceClient`, kept as a deprecated alias.
 */
export { AuthClient, type AuthClientOptions } from "../../auth/index.ts";
export { AuthServiceClient } from "./client.ts";
