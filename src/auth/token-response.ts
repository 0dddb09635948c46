import { GlobusSDKUsageError } from "../errors.ts";
import type { IdTokenClaims, TokenData, TokenResponseLike } from "../token-storage/types.ts";
import { MalformedTokenResponseError } from "./errors.ts";
import type { IDTokenDecoder } from "./id-token.ts";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const REDACTED = "***";
const SECRET_FIELDS = new Set(["access_token", "refresh_token", "id_token"]);

/** How a token response is built (login clients fill this in). */
export interface TokenResponseOptions {
  /** The clock for `expires_at_seconds`, in epoch seconds. Default: wall time. */
  now?: () => number;
  /** Decodes the id_token for {@link OAuthTokenResponse.decodeIdToken}. */
  idTokenDecoder?: IDTokenDecoder;
  /** True for the answer to a refresh_token grant. */
  isRefreshResponse?: boolean;
}

function wallClock(): number {
  return Date.now() / 1000;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Copies a JSON value with every token replaced by `***`. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_FIELDS.has(key) && typeof item === "string" ? REDACTED : redact(item);
    }
    return out;
  }
  return value;
}

/** One token entry of Globus Auth's answer, as TokenData (identity unknown until decoded). */
function toTokenData(entry: unknown, nowSeconds: number, where: string): TokenData {
  if (!isRecord(entry)) {
    throw new MalformedTokenResponseError(
      `Globus Auth sent a token entry that is not an object (${where}).`,
    );
  }
  const resourceServer = entry["resource_server"];
  const accessToken = entry["access_token"];
  if (typeof resourceServer !== "string" || resourceServer === "") {
    throw new MalformedTokenResponseError(
      `Globus Auth sent a token without a resource_server (${where}).`,
    );
  }
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new MalformedTokenResponseError(
      `Globus Auth sent no access_token for resource server "${resourceServer}" (${where}).`,
    );
  }
  // only a number or a numeric string counts; anything else is treated as already expired
  const rawExpiresIn = entry["expires_in"];
  const expiresIn =
    typeof rawExpiresIn === "number" || typeof rawExpiresIn === "string" ? Number(rawExpiresIn) : 0;
  const refreshToken = entry["refresh_token"];
  const tokenType = entry["token_type"];
  const scope = entry["scope"];
  return {
    resource_server: resourceServer,
    identity_id: null,
    scope: typeof scope === "string" ? scope : "",
    access_token: accessToken,
    refresh_token: typeof refreshToken === "string" && refreshToken !== "" ? refreshToken : null,
    expires_at_seconds: Math.floor(nowSeconds + (Number.isFinite(expiresIn) ? expiresIn : 0)),
    token_type: typeof tokenType === "string" ? tokenType : null,
  };
}

/**
 * Globus Auth's answer to a token call (code exchange, refresh, client credentials).
 * Tokens are grouped by resource server, `other_tokens` included. Printing the object,
 * `String()` and `JSON.stringify` never show a token value.
 */
export class OAuthTokenResponse implements TokenResponseLike {
  readonly #raw: unknown;
  readonly #byResourceServer: Readonly<Record<string, TokenData>>;
  readonly #idToken: string | undefined;
  readonly #decoder: IDTokenDecoder | undefined;
  readonly #isRefresh: boolean;
  #decoded: Promise<IdTokenClaims> | undefined;

  constructor(data: unknown, options: TokenResponseOptions = {}) {
    const now = (options.now ?? wallClock)();
    const entries = this.extractEntries(data);
    const byServer: Record<string, TokenData> = {};
    entries.forEach((entry, index) => {
      const tokenData = toTokenData(entry, now, index === 0 ? "top level" : `token ${index + 1}`);
      byServer[tokenData.resource_server] = tokenData;
    });
    this.#raw = data;
    this.#byResourceServer = Object.freeze(byServer);
    const idToken = isRecord(data) ? data["id_token"] : undefined;
    this.#idToken = typeof idToken === "string" && idToken !== "" ? idToken : undefined;
    this.#decoder = options.idTokenDecoder;
    this.#isRefresh = options.isRefreshResponse === true;
  }

  /** The token entries of the body: the top-level token, then `other_tokens`. */
  protected extractEntries(data: unknown): unknown[] {
    if (!isRecord(data)) {
      throw new MalformedTokenResponseError("Globus Auth's token response is not a JSON object.");
    }
    const others = data["other_tokens"] ?? [];
    if (!Array.isArray(others)) {
      throw new MalformedTokenResponseError(
        "Globus Auth's token response has a non-list other_tokens.",
      );
    }
    return [data, ...others];
  }

  /** Tokens keyed by resource server, `other_tokens` included. `identity_id` is null. */
  get byResourceServer(): Readonly<Record<string, TokenData>> {
    return this.#byResourceServer;
  }

  /** The resource servers this response has tokens for. */
  get resourceServers(): string[] {
    return Object.keys(this.#byResourceServer);
  }

  /** The raw id_token JWT, present when `openid` was granted. */
  get idToken(): string | undefined {
    return this.#idToken;
  }

  /** True for the answer to a refresh_token grant (it never carries an id_token). */
  get isRefreshResponse(): boolean {
    return this.#isRefresh;
  }

  /** The JSON body exactly as Globus Auth sent it (it contains tokens: do not log it). */
  get raw(): unknown {
    return this.#raw;
  }

  /**
   * Validates the id_token (signature, issuer, audience, expiry) and returns its claims.
   * The result is cached. Throws an `IdTokenValidationError` subclass when a check fails.
   */
  decodeIdToken(): Promise<IdTokenClaims> {
    const idToken = this.#idToken;
    if (idToken === undefined) {
      return Promise.reject(
        new GlobusSDKUsageError(
          "This token response has no id_token: request the openid scope to get one.",
        ),
      );
    }
    const decoder = this.#decoder;
    if (!decoder) {
      return Promise.reject(
        new GlobusSDKUsageError(
          "This token response has no id_token decoder: build it through a login client, or decode the id_token with an IdTokenDecoder.",
        ),
      );
    }
    this.#decoded ??= decoder.decode(idToken);
    // A failed validation is not cached, so a JWKS refresh later can still succeed.
    this.#decoded.catch(() => {
      this.#decoded = undefined;
    });
    return this.#decoded;
  }

  /** The body with every token value replaced by `***`. */
  toJSON(): unknown {
    return redact(this.#raw);
  }

  toString(): string {
    return `${this.constructor.name}(resource servers: ${this.resourceServers.join(", ") || "none"}${
      this.#idToken ? ", with id_token" : ""
    })`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * The answer to a dependent token grant: a list of tokens, one per resource server, with
 * no id_token.
 */
export class OAuthDependentTokenResponse extends OAuthTokenResponse {
  protected override extractEntries(data: unknown): unknown[] {
    if (Array.isArray(data)) return data;
    // Some Globus deployments wrap the list like an ordinary token response.
    return super.extractEntries(data);
  }
}
