/** The emulator's RS256 signing keys for id_tokens, generated off the main thread. */
import { createHash, generateKeyPair, type KeyObject, randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { type JWTPayload, SignJWT } from "jose";

const generateKeyPairAsync = promisify(generateKeyPair);

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = publicKey.export({ format: "jwk" }) as Record<string, unknown>;
  return { kid, privateKey, publicJwk: { ...jwk, alg: "RS256", use: "sig", kid } };
}

/** Holds the current key (and, after a rotation that keeps it, the previous one). */
export class SigningKeys {
  #current: Promise<SigningKey>;
  #previous: SigningKey[] = [];

  constructor() {
    // Generation takes tens of milliseconds; starting it here keeps startEmulator fast.
    this.#current = newKey();
    this.#current.catch(() => {});
  }

  /** Replaces the signing key. The old public key stays in the JWKS only if `keepPrevious`. */
  async rotate(keepPrevious = false): Promise<string> {
    const old = await this.#current;
    this.#current = newKey();
    this.#previous = keepPrevious ? [old] : [];
    return (await this.#current).kid;
  }

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const current = await this.#current;
    return { keys: [current.publicJwk, ...this.#previous.map((key) => key.publicJwk)] };
  }

  async sign(claims: JWTPayload): Promise<string> {
    const key = await this.#current;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: key.kid })
      .sign(key.privateKey);
  }
}

/** OpenID Connect `at_hash`: the left half of SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash("sha256").update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}
