import { createHash, randomBytes } from "node:crypto";
import { GlobusSDKUsageError } from "../errors.ts";

const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * A PKCE code verifier (RFC 7636): 64 random bytes as base64url, 86 characters,
 * inside the 43–128 range the RFC allows.
 */
export function createCodeVerifier(): string {
  return randomBytes(64).toString("base64url");
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)) without padding. */
export function codeChallengeS256(verifier: string): string {
  if (!VERIFIER_PATTERN.test(verifier)) {
    throw new GlobusSDKUsageError(
      "A PKCE code verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' or '~'.",
    );
  }
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** A random OAuth `state` value (32 bytes, base64url). */
export function createState(): string {
  return randomBytes(32).toString("base64url");
}
