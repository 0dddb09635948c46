/**
 * Globus Auth's OpenID configuration and signing keys, fetched the same way by every Auth
 * client (the resource-server `AuthClient` and both login clients). Both documents are
 * public, so they are fetched without credentials.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import type { CallOptions } from "../transport/types.ts";
import { OpenIdConfigurationError } from "./errors.ts";
import type { OpenIdConfiguration } from "./id-token.ts";

/** Globus Auth's published key set (`jwks_uri`). */
export interface JsonWebKeySetDocument {
  keys: (JsonWebKey & { kid?: string; alg?: string; use?: string })[];
  [field: string]: unknown;
}

/** Options of `getJwk`: `asPem` returns the first key as a public key object instead. */
export interface GetJwkOptions extends CallOptions {
  asPem?: boolean;
}

/** GETs a public Auth document (no credentials) and returns its JSON. */
export type PublicGet = (path: string, options: CallOptions) => Promise<unknown>;

/** The path of Globus Auth's OpenID discovery document. */
export const OPENID_CONFIGURATION_PATH = ".well-known/openid-configuration";

/** Fetches Globus Auth's OpenID configuration. */
export async function fetchOpenidConfiguration(
  get: PublicGet,
  options: CallOptions = {},
): Promise<OpenIdConfiguration> {
  const data = await get(OPENID_CONFIGURATION_PATH, options);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new OpenIdConfigurationError("Globus Auth's OpenID configuration is not a JSON object.");
  }
  return data as OpenIdConfiguration;
}

/**
 * Fetches the key set named by the configuration's `jwks_uri` (the configuration is
 * fetched first when not given); with `asPem`, the first key as a `KeyObject`, for
 * verifying JWTs with `node:crypto` or any JWT library.
 */
export async function fetchJwk(
  get: PublicGet,
  openidConfiguration: OpenIdConfiguration | undefined,
  options: GetJwkOptions = {},
): Promise<JsonWebKeySetDocument | KeyObject> {
  const { asPem, ...call } = options;
  const config = openidConfiguration ?? (await fetchOpenidConfiguration(get, call));
  const uri = config.jwks_uri;
  if (typeof uri !== "string" || uri === "") {
    throw new OpenIdConfigurationError("Globus Auth's OpenID configuration has no jwks_uri.");
  }
  const data = (await get(uri, call)) as JsonWebKeySetDocument | null;
  if (data === null || typeof data !== "object" || !Array.isArray(data.keys)) {
    throw new OpenIdConfigurationError("Globus Auth's JWKS is not an object with a keys list.");
  }
  if (!asPem) return data;
  const first = data.keys[0];
  if (!first) throw new OpenIdConfigurationError("Globus Auth's JWKS has no key.");
  return createPublicKey({ key: first, format: "jwk" });
}
