import { optionsArgument } from "../arguments.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import { InvalidTokenDataError, TokenStorageClosedError } from "./errors.ts";
import { checkTokenData } from "./token-data.ts";
import type { TokenData, TokenResponseLike, TokenStorage } from "./types.ts";

/** Decodes an id_token (the Auth module's decoder fits). Used instead of the response's own. */
export interface IdTokenDecoderLike {
  decode(idToken: string): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** Options every storage accepts. */
export interface TokenStorageOptions {
  /** Partitions token data, as in the Python SDK. Default `"DEFAULT"`. */
  namespace?: string;
}

/**
 * The shared part of every storage in this SDK: namespace handling, input checks, token
 * responses and close semantics. Subclasses implement the four `*Impl` methods.
 */
export abstract class BaseTokenStorage implements TokenStorage {
  readonly namespace: string;
  /**
   * Decodes the id_token of stored token responses; when unset, the response decodes its
   * own (as the Python SDK's `id_token_decoder` attribute).
   */
  idTokenDecoder: IdTokenDecoderLike | undefined = undefined;
  #closed = false;

  constructor(options: TokenStorageOptions = {}) {
    const namespace = optionsArgument(`new ${new.target.name}`, options).namespace ?? "DEFAULT";
    if (typeof namespace !== "string" || namespace === "") {
      throw new GlobusSDKUsageError("A token storage namespace must be a non-empty string");
    }
    this.namespace = namespace;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Throws {@link TokenStorageClosedError} when the storage is closed. */
  protected assertOpen(): void {
    if (this.#closed) {
      throw new TokenStorageClosedError(`${this.constructor.name} is closed`, {
        path: this.describePath(),
      });
    }
  }

  /** The file behind the storage, for error messages; none by default. */
  protected describePath(): string | undefined {
    return undefined;
  }

  protected abstract storeImpl(data: Record<string, TokenData>): Promise<void>;
  protected abstract getAllImpl(): Promise<Record<string, TokenData>>;
  protected abstract removeImpl(resourceServer: string): Promise<boolean>;
  protected abstract closeImpl(): Promise<void>;

  /** Reads one entry; subclasses may answer more cheaply than reading everything. */
  protected async getOneImpl(resourceServer: string): Promise<TokenData | undefined> {
    return (await this.getAllImpl())[resourceServer];
  }

  /**
   * Stores several resource servers' tokens at once, replacing each one's entry.
   * @throws InvalidTokenDataError when an entry is not valid token data.
   */
  async storeTokenDataByResourceServer(data: Readonly<Record<string, TokenData>>): Promise<void> {
    this.assertOpen();
    if (data === null || typeof data !== "object") {
      throw new InvalidTokenDataError("Token data must be an object keyed by resource server");
    }
    const checked: Record<string, TokenData> = {};
    for (const [resourceServer, entry] of Object.entries(data)) {
      const result = checkTokenData(entry);
      if (typeof result === "string") {
        throw new InvalidTokenDataError(
          `Invalid token data for resource server '${resourceServer}': ${result}`,
        );
      }
      checked[resourceServer] = result;
    }
    if (Object.keys(checked).length === 0) return;
    await this.storeImpl(checked);
  }

  /** Every entry in this namespace, keyed by resource server (copies, safe to change). */
  async getTokenDataByResourceServer(): Promise<Record<string, TokenData>> {
    this.assertOpen();
    return this.getAllImpl();
  }

  /** One resource server's entry, or `undefined`. */
  async getTokenData(resourceServer: string): Promise<TokenData | undefined> {
    this.assertOpen();
    return this.getOneImpl(resourceServer);
  }

  /** Removes one entry; resolves `true` when something was removed. */
  async removeTokenData(resourceServer: string): Promise<boolean> {
    this.assertOpen();
    return this.removeImpl(resourceServer);
  }

  /**
   * Stores every resource server's tokens from an Auth token response. The identity is
   * the `sub` of the response's id_token; a refresh response (which has no id_token)
   * keeps the identity already stored for that resource server; otherwise it is `null`.
   */
  async storeTokenResponse(response: TokenResponseLike): Promise<void> {
    this.assertOpen();
    const identity = await this.identityForResponse(response);
    await this.storeTokenDataByResourceServer(
      await tokenDataFromResponse(response, identity, this),
    );
  }

  /** The identity to record for a token response's tokens (see {@link storeTokenResponse}). */
  protected async identityForResponse(response: TokenResponseLike): Promise<string | null> {
    if (!response.idToken) return null;
    const claims = this.idTokenDecoder
      ? await this.idTokenDecoder.decode(response.idToken)
      : await response.decodeIdToken();
    return typeof claims["sub"] === "string" ? claims["sub"] : null;
  }

  /** Releases files and handles. Idempotent; any later use throws {@link TokenStorageClosedError}. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.closeImpl();
  }
}

/**
 * Builds the entries to store for a token response. For a refresh response without an
 * identity, each entry keeps the identity already stored for its resource server.
 */
export async function tokenDataFromResponse(
  response: TokenResponseLike,
  identity: string | null,
  storage: TokenStorage,
): Promise<Record<string, TokenData>> {
  let existing: Record<string, TokenData> | undefined;
  if (identity === null && response.isRefreshResponse === true) {
    existing = await storage.getTokenDataByResourceServer();
  }
  const out: Record<string, TokenData> = {};
  for (const [resourceServer, entry] of Object.entries(response.byResourceServer)) {
    out[resourceServer] = {
      ...entry,
      identity_id: identity ?? existing?.[resourceServer]?.identity_id ?? null,
    };
  }
  return out;
}
