import { AuthClient } from "../../auth/auth-client.ts";

/**
 * The former name of {@link AuthClient}, which is now itself a service client
 * (`new AuthClient({ app })`) with every method this class had.
 * @deprecated Use `AuthClient`.
 */
export const AuthServiceClient = AuthClient;
/** @deprecated Use `AuthClient`. */
export type AuthServiceClient = AuthClient;
