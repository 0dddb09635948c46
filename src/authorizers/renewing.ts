import { MalformedTokenResponseError, type ReLoginRequiredError } from "../auth/errors.ts";
import type { OAuthTokenResponse } from "../auth/token-response.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import type { TokenData } from "../token-storage/types.ts";
import type { Authorizer } from "../transport/types.ts";

/** Tokens another holder (a storage shared with a sibling process) may already have. */
export interface StoredTokens {
  accessToken: string;
  /** Epoch seconds. */
  expiresAt: number;
  refreshToken?: string | undefined;
}

/** Options every renewing authorizer takes. */
export interface RenewingAuthorizerOptions {
  /** A current access token, used until it comes within the margin of `expiresAt`. */
  accessToken?: string | undefined;
  /** When `accessToken` expires, epoch seconds. Without it the token is renewed on first use. */
  expiresAt?: number | undefined;
  /** Seconds before expiry at which the token is renewed ahead of time. Default 60. */
  refreshMarginSeconds?: number | undefined;
  /** The clock, epoch seconds. Default: the login client's clock, else wall time. */
  now?: (() => number) | undefined;
  /** Which resource server's token to take when a response holds several. */
  resourceServer?: string | undefined;
  /**
   * Called (and awaited) with every new token response, so the app can store it. All
   * callers waiting for the renewal wait for this too.
   */
  onRefresh?: ((response: OAuthTokenResponse) => void | Promise<void>) | undefined;
  /**
   * Called before each renewal, so the app can re-read its storage: when another process
   * has renewed already, its fresh tokens are adopted and no grant is sent.
   */
  beforeRefresh?: (() => Promise<StoredTokens | undefined>) | undefined;
  /**
   * Runs each renewal (the `beforeRefresh` re-read and the grant) inside a critical section,
   * e.g. a cross-process file lock, so processes sharing a store refresh once between them.
   */
  serialize?: (<T>(work: () => Promise<T>) => Promise<T>) | undefined;
}

const WALL_CLOCK = () => Date.now() / 1000;

/**
 * The engine of authorizers whose tokens expire: renews ahead of expiry, shares one
 * renewal among all concurrent callers (single-flight), and turns an unrecoverable grant
 * error into a {@link ReLoginRequiredError} that every later call gets at once, without
 * asking Globus Auth again.
 */
export abstract class RenewingAuthorizer implements Authorizer {
  readonly refreshMarginSeconds: number;
  readonly resourceServer: string | undefined;
  readonly #now: () => number;
  readonly #onRefresh: RenewingAuthorizerOptions["onRefresh"];
  readonly #beforeRefresh: RenewingAuthorizerOptions["beforeRefresh"];
  readonly #serialize: RenewingAuthorizerOptions["serialize"];
  #accessToken: string | undefined;
  #expiresAt: number | undefined;
  #inFlight: Promise<void> | undefined;
  #fatal: ReLoginRequiredError | undefined;
  /** Counts adopted access tokens, so a 401 can tell whether the token already changed. */
  #generation = 0;
  /**
   * The generation a 401-driven renewal produced, until a request proves it works: a 401 on
   * it before then means the service refuses fresh tokens too, so it is not renewed again.
   */
  #generationFrom401: number | undefined;
  /** A renewal whose storing failed (a store down mid-renewal): written back when it can be. */
  #unsaved: { response: OAuthTokenResponse; expiresAt: number } | undefined;
  #unsavedRetryAt = 0;
  #writingBack: Promise<void> | undefined;

  constructor(options: RenewingAuthorizerOptions, defaultClock: (() => number) | undefined) {
    const margin = options.refreshMarginSeconds ?? 60;
    if (!Number.isFinite(margin) || margin < 0) {
      throw new GlobusSDKUsageError("refreshMarginSeconds must be a non-negative number.");
    }
    if (options.expiresAt !== undefined && !Number.isFinite(options.expiresAt)) {
      throw new GlobusSDKUsageError("expiresAt must be a number of epoch seconds.");
    }
    this.refreshMarginSeconds = margin;
    this.resourceServer = options.resourceServer;
    this.#now = options.now ?? defaultClock ?? WALL_CLOCK;
    this.#onRefresh = options.onRefresh;
    this.#beforeRefresh = options.beforeRefresh;
    this.#serialize = options.serialize;
    if (options.accessToken) {
      this.#accessToken = options.accessToken;
      this.#expiresAt = options.expiresAt;
    }
  }

  /** Gets new tokens from Globus Auth (refresh or client credentials). */
  protected abstract renewTokens(): Promise<OAuthTokenResponse>;

  /** Whether a failed renewal can never succeed by retrying (e.g. `invalid_grant`). */
  protected abstract isUnrecoverable(error: unknown): boolean;

  /** The error every caller gets after an unrecoverable failure. */
  protected abstract unrecoverableError(error: unknown): ReLoginRequiredError;

  /** Takes whatever else a response carries (a rotated refresh token). */
  protected adoptTokenData(_data: TokenData): void {}

  /** Takes a refresh token found in storage. Returns true when it differs from the current. */
  protected adoptStoredRefreshToken(_refreshToken: string): boolean {
    return false;
  }

  /** The current access token, if any (do not log it). */
  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  /** When the current access token expires, epoch seconds. */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** The error that stops this authorizer, once renewal became impossible. */
  get unrecoverable(): ReLoginRequiredError | undefined {
    return this.#fatal;
  }

  /** Clears a stored unrecoverable error (after new credentials were set). */
  protected clearUnrecoverable(): void {
    this.#fatal = undefined;
    this.#generationFrom401 = undefined;
  }

  #isFresh(token: string | undefined, expiresAt: number | undefined): boolean {
    return (
      token !== undefined &&
      expiresAt !== undefined &&
      expiresAt - this.refreshMarginSeconds > this.#now()
    );
  }

  async getAuthorizationHeader(): Promise<string> {
    if (this.#fatal) throw this.#fatal;
    if (!this.#isFresh(this.#accessToken, this.#expiresAt)) await this.#renew();
    else if (this.#unsaved && Date.now() >= this.#unsavedRetryAt) await this.#writeBack();
    return `Bearer ${this.#accessToken}`;
  }

  /**
   * Stores a renewal that could not be stored when it was made, unless the store holds a
   * newer token by now (checked under `serialize`, so a sibling's renewal is never
   * overwritten). A failure leaves it for a later call, at most once a second: the token
   * in memory keeps serving meanwhile.
   */
  #writeBack(): Promise<void> {
    this.#writingBack ??= (async () => {
      const unsaved = this.#unsaved;
      if (!unsaved || !this.#onRefresh) return;
      const write = async () => {
        const stored = this.#beforeRefresh ? await this.#beforeRefresh() : undefined;
        if (!stored || stored.expiresAt < unsaved.expiresAt)
          await this.#onRefresh?.(unsaved.response);
      };
      try {
        await (this.#serialize ? this.#serialize(write) : write());
        if (this.#unsaved === unsaved) this.#unsaved = undefined;
      } catch {
        this.#unsavedRetryAt = Date.now() + 1_000;
      } finally {
        this.#writingBack = undefined;
      }
    })();
    return this.#writingBack;
  }

  /**
   * After a 401: renews once (shared with concurrent callers) and reports `true`. When the
   * token a 401-driven renewal produced is refused before any request got through with it,
   * reports `false`, so a service that refuses every token is not hammered with renewals.
   * Once that token has worked ({@link authorizationAccepted}), a later 401 (revoked, session
   * ended) renews again.
   */
  async handleMissingAuthorization(sentAuthorization?: string): Promise<boolean> {
    if (this.#fatal) throw this.#fatal;
    // the failed request carried an older token than the one now held (a sibling request's
    // refresh finished meanwhile): retrying with the current one is enough
    if (
      sentAuthorization !== undefined &&
      this.#accessToken !== undefined &&
      sentAuthorization !== `Bearer ${this.#accessToken}`
    ) {
      return true;
    }
    if (this.#inFlight) {
      await this.#inFlight;
      return true;
    }
    if (this.#generationFrom401 === this.#generation) return false;
    await this.#renew();
    this.#generationFrom401 = this.#generation;
    return true;
  }

  /** The retry after a 401-driven renewal got through: that token works, so a later 401 renews. */
  authorizationAccepted(sentAuthorization: string | undefined): void {
    if (this.#accessToken !== undefined && sentAuthorization === `Bearer ${this.#accessToken}`) {
      this.#generationFrom401 = undefined;
    }
  }

  /** Renews now (single-flight with any renewal already under way). */
  renew(): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    return this.#renew();
  }

  #renew(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    const pending = this.#serialize ? this.#serialize(() => this.#doRenew()) : this.#doRenew();
    this.#inFlight = pending;
    const clear = () => {
      if (this.#inFlight === pending) this.#inFlight = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }

  async #doRenew(): Promise<void> {
    const staleToken = this.#accessToken;
    if (this.#beforeRefresh) {
      const stored = await this.#beforeRefresh();
      if (stored?.refreshToken && this.adoptStoredRefreshToken(stored.refreshToken)) {
        this.clearUnrecoverable();
      }
      if (
        stored &&
        stored.accessToken !== staleToken &&
        this.#isFresh(stored.accessToken, stored.expiresAt)
      ) {
        this.#adoptAccessToken(stored.accessToken, stored.expiresAt);
        return;
      }
    }
    let response: OAuthTokenResponse;
    try {
      response = await this.renewTokens();
    } catch (error) {
      if (this.isUnrecoverable(error)) {
        this.#fatal = this.unrecoverableError(error);
        throw this.#fatal;
      }
      throw error;
    }
    const data = this.#pick(response);
    this.#adoptAccessToken(data.access_token, data.expires_at_seconds);
    this.adoptTokenData(data);
    this.#unsaved = undefined;
    if (!this.#onRefresh) return;
    try {
      await this.#onRefresh(response);
    } catch (error) {
      // the new token serves from memory; the store gets it when it can (see #writeBack)
      this.#unsaved = { response, expiresAt: data.expires_at_seconds };
      this.#unsavedRetryAt = 0;
      throw error;
    }
  }

  #adoptAccessToken(token: string, expiresAt: number): void {
    this.#accessToken = token;
    this.#expiresAt = expiresAt;
    this.#generation += 1;
  }

  #pick(response: OAuthTokenResponse): TokenData {
    const byServer = response.byResourceServer;
    if (this.resourceServer !== undefined) {
      const data = byServer[this.resourceServer];
      if (!data) {
        throw new MalformedTokenResponseError(
          `Globus Auth's renewal returned no token for ${this.resourceServer} (got: ${Object.keys(byServer).join(", ") || "none"}).`,
        );
      }
      return data;
    }
    const all = Object.values(byServer);
    if (all.length !== 1 || !all[0]) {
      throw new MalformedTokenResponseError(
        `Globus Auth's renewal returned ${all.length} tokens (${Object.keys(byServer).join(", ")}); pass resourceServer to choose one.`,
      );
    }
    return all[0];
  }

  toString(): string {
    return `${this.constructor.name}(expires at ${this.#expiresAt ?? "unknown"})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
