import type { JSONWebKeySet, JWTPayload } from "jose";
import { GlobusSDKUsageError } from "../errors.ts";
import type { IdTokenClaims } from "../token-storage/types.ts";
import { getServiceUrl } from "../transport/environments.ts";
import { AuthAPIError } from "../transport/errors.ts";
import { Transport } from "../transport/transport.ts";
import {
  IdTokenAudienceError,
  IdTokenExpiredError,
  IdTokenIssuerError,
  IdTokenMalformedError,
  IdTokenNotYetValidError,
  IdTokenSignatureError,
  IdTokenValidationError,
  OpenIdConfigurationError,
} from "./errors.ts";

/**
 * Anything that validates and decodes an id_token. A GlobusApp config may supply its own
 * (for example with another leeway); {@link IdTokenDecoder} is the default.
 */
export interface IDTokenDecoder {
  /** Validates the JWT and returns its claims, or throws an {@link IdTokenValidationError}. */
  decode(idToken: string): Promise<IdTokenClaims>;
}

/** The fields of Globus Auth's OpenID configuration the decoder uses. */
export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported?: string[];
  [field: string]: unknown;
}

/** How an {@link IdTokenDecoder} is built. */
export interface IdTokenDecoderOptions {
  /** The client the id_tokens were issued to: the expected `aud`. */
  clientId: string;
  /** Globus Auth's base URL. Default: from `environment` (honours `GLOBUS_SDK_SERVICE_URL_AUTH`). */
  baseUrl?: string;
  environment?: string;
  /** Seconds of clock skew tolerated on `exp`, `iat` and `nbf`. Default 300, as the Python SDK. */
  leewaySeconds?: number;
  /** The clock in epoch seconds. Default: wall time. */
  now?: () => number;
  /** Used to fetch the OpenID configuration and JWKS. Default: a new Auth transport. */
  transport?: Transport;
  /** A known OpenID configuration, skipping discovery. */
  openidConfiguration?: OpenIdConfiguration;
  /** A known key set, skipping the first JWKS fetch (an unknown `kid` still refetches). */
  jwks?: JSONWebKeySet;
}

/** How many distinct unknown key ids are remembered, so each triggers one refetch at most. */
const MISSED_KID_MEMORY = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function kidOf(token: string): string | undefined {
  const header = token.split(".")[0];
  if (!header) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as unknown;
    return isRecord(parsed) && typeof parsed["kid"] === "string" ? parsed["kid"] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validates Globus Auth id_tokens with `jose`: the signature against the JWKS found through
 * OpenID discovery (`<auth>/.well-known/openid-configuration` → `jwks_uri`), the algorithm
 * against the configuration's list, `iss`, `aud` (the client id), and `exp`/`iat`/`nbf`
 * with a leeway. The configuration and keys are fetched once and cached; a token signed
 * with an unknown `kid` (after a key rotation) refetches the JWKS once.
 */
export class IdTokenDecoder implements IDTokenDecoder {
  readonly clientId: string;
  readonly baseUrl: string;
  readonly leewaySeconds: number;
  readonly #now: () => number;
  readonly #transport: Transport;
  #config: Promise<OpenIdConfiguration> | undefined;
  #jwks: Promise<JSONWebKeySet> | undefined;
  readonly #missedKids = new Set<string>();

  constructor(options: IdTokenDecoderOptions) {
    if (typeof options?.clientId !== "string" || options.clientId === "") {
      throw new GlobusSDKUsageError(
        "IdTokenDecoder needs the clientId the id_tokens are issued to.",
      );
    }
    const leeway = options.leewaySeconds ?? 300;
    if (!Number.isFinite(leeway) || leeway < 0) {
      throw new GlobusSDKUsageError("leewaySeconds must be a non-negative number of seconds.");
    }
    this.clientId = options.clientId;
    this.baseUrl =
      options.transport?.baseUrl ?? options.baseUrl ?? getServiceUrl("auth", options.environment);
    this.leewaySeconds = leeway;
    this.#now = options.now ?? (() => Date.now() / 1000);
    this.#transport =
      options.transport ?? new Transport({ baseUrl: this.baseUrl, errorClass: AuthAPIError });
    if (options.openidConfiguration) {
      this.#config = Promise.resolve(checkConfiguration(options.openidConfiguration));
    }
    if (options.jwks) this.#jwks = Promise.resolve(checkJwks(options.jwks));
  }

  /** Globus Auth's OpenID configuration, fetched once. */
  getOpenIdConfiguration(): Promise<OpenIdConfiguration> {
    if (!this.#config) {
      const pending = this.#transport
        .request<unknown>({ path: ".well-known/openid-configuration", authorizer: null })
        .then((response) => checkConfiguration(response.data));
      this.#config = pending;
      pending.catch(() => {
        if (this.#config === pending) this.#config = undefined;
      });
    }
    return this.#config;
  }

  /** The key set from `jwks_uri`; `refresh` fetches it again (shared by concurrent callers). */
  getJwks(refresh = false): Promise<JSONWebKeySet> {
    if (!this.#jwks || refresh) {
      const previous = this.#jwks;
      const pending = this.getOpenIdConfiguration()
        .then((config) =>
          this.#transport.request<unknown>({ path: config.jwks_uri, authorizer: null }),
        )
        .then((response) => checkJwks(response.data));
      this.#jwks = pending;
      pending.catch(() => {
        // keep the last good key set when a refetch fails
        if (this.#jwks === pending) this.#jwks = previous;
      });
      return pending;
    }
    return this.#jwks;
  }

  async decode(idToken: string): Promise<IdTokenClaims> {
    if (typeof idToken !== "string" || idToken.split(".").length !== 3) {
      throw new IdTokenMalformedError(
        "The id_token is not a compact JWT (three dot-separated parts).",
      );
    }
    const config = await this.getOpenIdConfiguration();
    const jwksBefore = this.#jwks;
    let keys = await this.getJwks();
    const { errors: joseErrors } = await loadJose();
    try {
      return await this.#verify(idToken, keys, config);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw translate(error, joseErrors);
      const kid = kidOf(idToken) ?? "";
      // Another caller may already have refetched since we read the keys.
      const refetched = this.#jwks !== jwksBefore && this.#jwks !== undefined;
      if (!refetched && this.#missedKids.has(kid)) throw translate(error, joseErrors);
      keys = refetched ? await this.getJwks() : await this.getJwks(true);
      try {
        return await this.#verify(idToken, keys, config);
      } catch (retryError) {
        if (retryError instanceof joseErrors.JWKSNoMatchingKey) {
          if (this.#missedKids.size >= MISSED_KID_MEMORY) this.#missedKids.clear();
          this.#missedKids.add(kid);
        }
        throw translate(retryError, joseErrors);
      }
    }
  }

  async #verify(
    idToken: string,
    keys: JSONWebKeySet,
    config: OpenIdConfiguration,
  ): Promise<IdTokenClaims> {
    const nowSeconds = this.#now();
    const { jwtVerify, createLocalJWKSet } = await loadJose();
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(keys), {
      issuer: config.issuer,
      audience: this.clientId,
      algorithms: config.id_token_signing_alg_values_supported ?? ["RS256"],
      clockTolerance: this.leewaySeconds,
      currentDate: new Date(nowSeconds * 1000),
      requiredClaims: ["sub", "iss", "aud", "exp", "iat"],
    });
    return this.#checkIssuedAt(payload, nowSeconds);
  }

  // jose checks `iat` only against a maximum age, so a token from the future is checked here.
  #checkIssuedAt(payload: JWTPayload, nowSeconds: number): IdTokenClaims {
    if (typeof payload.iat !== "number" || payload.iat > nowSeconds + this.leewaySeconds) {
      throw new IdTokenNotYetValidError(
        `The id_token's iat (${String(payload.iat)}) is in the future beyond the ${this.leewaySeconds} s leeway.`,
      );
    }
    if (typeof payload.sub !== "string" || payload.sub === "") {
      throw new IdTokenMalformedError("The id_token has no sub claim.");
    }
    return payload as IdTokenClaims;
  }
}

function checkConfiguration(data: unknown): OpenIdConfiguration {
  if (!isRecord(data)) {
    throw new OpenIdConfigurationError("Globus Auth's OpenID configuration is not a JSON object.");
  }
  if (typeof data["issuer"] !== "string" || data["issuer"] === "") {
    throw new OpenIdConfigurationError("Globus Auth's OpenID configuration has no issuer.");
  }
  if (typeof data["jwks_uri"] !== "string" || data["jwks_uri"] === "") {
    throw new OpenIdConfigurationError("Globus Auth's OpenID configuration has no jwks_uri.");
  }
  const algorithms = data["id_token_signing_alg_values_supported"];
  if (algorithms !== undefined) {
    const usable = Array.isArray(algorithms)
      ? algorithms.filter((alg): alg is string => typeof alg === "string" && alg !== "none")
      : [];
    if (usable.length === 0) {
      throw new OpenIdConfigurationError(
        "Globus Auth's OpenID configuration lists no usable id_token signing algorithm.",
      );
    }
    return { ...data, id_token_signing_alg_values_supported: usable } as OpenIdConfiguration;
  }
  return data as OpenIdConfiguration;
}

function checkJwks(data: unknown): JSONWebKeySet {
  if (!isRecord(data) || !Array.isArray(data["keys"])) {
    throw new OpenIdConfigurationError("Globus Auth's JWKS is not an object with a keys list.");
  }
  return data as unknown as JSONWebKeySet;
}

/** Maps jose's errors to the SDK's typed id_token errors (never echoing the token). */
/**
 * jose, loaded on first use: apps that run on stored tokens never decode an id_token,
 * and should not pay for loading a JWT library at start-up.
 */
let josePromise: Promise<typeof import("jose")> | undefined;
function loadJose(): Promise<typeof import("jose")> {
  josePromise ??= import("jose");
  return josePromise;
}

function translate(error: unknown, joseErrors: typeof import("jose")["errors"]): Error {
  if (error instanceof IdTokenValidationError || error instanceof OpenIdConfigurationError) {
    return error;
  }
  if (error instanceof joseErrors.JWTExpired) {
    return new IdTokenExpiredError("The id_token has expired (beyond the allowed leeway).", {
      cause: error,
    });
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "aud":
        return new IdTokenAudienceError(
          "The id_token was issued for another client (aud mismatch).",
          {
            cause: error,
          },
        );
      case "iss":
        return new IdTokenIssuerError(
          "The id_token was not issued by this Globus Auth (iss mismatch).",
          {
            cause: error,
          },
        );
      case "nbf":
      case "iat":
        return new IdTokenNotYetValidError(`The id_token is not valid yet (${error.claim}).`, {
          cause: error,
        });
      default:
        return new IdTokenMalformedError(`The id_token failed the ${error.claim} claim check.`, {
          cause: error,
        });
    }
  }
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return new IdTokenSignatureError(
      error instanceof joseErrors.JWSSignatureVerificationFailed
        ? "The id_token's signature does not verify against Globus Auth's keys."
        : "The id_token is signed with a key Globus Auth does not publish.",
      { cause: error },
    );
  }
  if (
    error instanceof joseErrors.JOSEAlgNotAllowed ||
    error instanceof joseErrors.JOSENotSupported
  ) {
    return new IdTokenSignatureError(
      "The id_token uses a signing algorithm Globus Auth does not use.",
      {
        cause: error,
      },
    );
  }
  if (error instanceof joseErrors.JOSEError) {
    return new IdTokenMalformedError(`The id_token is malformed (${error.code}).`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new IdTokenValidationError(String(error));
}
