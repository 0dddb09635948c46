import { describeValue, optionsArgument } from "../arguments.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import { type Scope, type ScopeLike, toScopes } from "../scopes/index.ts";
import { type IdTokenDecoderLike, tokenDataFromResponse } from "./base.ts";
import { ConsentForest, type ConsentSource } from "./consents.ts";
import {
  ExpiredTokenError,
  IdentityMismatchError,
  InvalidTokenDataError,
  MissingIdentityError,
  MissingTokenError,
  TokenStorageClosedError,
  UnmetScopeRequirementsError,
} from "./errors.ts";
import { identityOf } from "./token-data.ts";
import type {
  IdTokenClaims,
  RefreshLockOptions,
  TokenData,
  TokenResponseLike,
  TokenStorage,
} from "./types.ts";

/** Scope requirements keyed by resource server, as a record or a map. */
export type ScopeRequirements =
  | Readonly<Record<string, ScopeLike>>
  | ReadonlyMap<string, ScopeLike>;

/** Options for {@link ValidatingTokenStorage}. */
export interface ValidatingTokenStorageOptions {
  /**
   * The app's scope requirements. A function is called at each check, so requirements
   * added later (e.g. by binding a new client) are seen.
   */
  scopeRequirements?: ScopeRequirements | (() => ScopeRequirements);
  /** Where to read consents when a requirement has dependent scopes. */
  consentSource?: ConsentSource;
  /**
   * Require every stored token to carry one and the same identity (a UserApp). Turn off
   * for a ClientApp, whose tokens have no id_token. Default true.
   */
  validateIdentity?: boolean;
  /** Check `expires_at_seconds` in {@link ValidatingTokenStorage.getValidTokenData}. Default true. */
  checkExpiry?: boolean;
  /** Decodes id_tokens of stored token responses, instead of `response.decodeIdToken()`. */
  idTokenDecoder?: IdTokenDecoderLike;
  /** Close the wrapped storage when this one is closed. Default true. */
  closeWrappedStorage?: boolean;
  /** The clock expiry is judged by, epoch seconds (an app passes its login client's). */
  now?: () => number;
}

/** Options for one {@link ValidatingTokenStorage.getValidTokenData} call. */
export interface GetValidTokenDataOptions {
  /**
   * Require a refresh token (MissingTokenError otherwise). Expiry is then not checked,
   * since the token can be refreshed.
   */
  requireRefreshToken?: boolean;
  /**
   * Accept an entry that has a refresh token whatever its expiry, or an access token that
   * has not expired yet (an entry Python stored without a refresh token, say). Refresh
   * tokens for which this returns true count as absent (Globus Auth refused them).
   */
  refreshable?: boolean;
  /** With `refreshable`: refresh tokens known to be dead. */
  isRefusedRefreshToken?: (refreshToken: string) => boolean;
}

/**
 * Wraps any {@link TokenStorage} and checks tokens as they are stored and read:
 *
 * - scope requirements: a token's `scope` must contain every required top-level scope for
 *   its resource server; dependent scopes are checked against the identity's consents
 *   (from a {@link ConsentSource}, cached per identity) only when a requirement has any;
 * - identity: all tokens belong to one identity; new tokens of another identity raise
 *   {@link IdentityMismatchError} and nothing is written;
 * - expiry, or the presence of a refresh token, when valid tokens are asked for.
 *
 * Plain reads (`getTokenData`, `getTokenDataByResourceServer`) pass through unchecked, so
 * refresh logic can read expired tokens; {@link getValidTokenData} is the checked read.
 * Every failure is a {@link TokenValidationError}.
 */
export class ValidatingTokenStorage implements TokenStorage {
  /** The wrapped storage. */
  readonly storage: TokenStorage;
  readonly namespace: string;
  readonly #requirements: ScopeRequirements | (() => ScopeRequirements);
  readonly #consentSource: ConsentSource | undefined;
  readonly #validateIdentity: boolean;
  readonly #checkExpiry: boolean;
  readonly #idTokenDecoder: IdTokenDecoderLike | undefined;
  readonly #closeWrapped: boolean;
  readonly #now: () => number;
  readonly #consents = new Map<string, ConsentForest>();
  readonly #consentFetches = new Map<string, Promise<ConsentForest>>();
  #identityId: string | null = null;
  #closed = false;

  constructor(storage: TokenStorage, options: ValidatingTokenStorageOptions = {}) {
    optionsArgument("new ValidatingTokenStorage", options);
    if (typeof (storage as TokenStorage | null)?.getTokenData !== "function") {
      throw new GlobusSDKUsageError(
        `new ValidatingTokenStorage: storage must be a TokenStorage, got ${describeValue(storage)}.`,
      );
    }
    this.storage = storage;
    this.namespace = storage.namespace;
    this.#requirements = options.scopeRequirements ?? {};
    this.#consentSource = options.consentSource;
    this.#validateIdentity = options.validateIdentity ?? true;
    this.#checkExpiry = options.checkExpiry ?? true;
    this.#idTokenDecoder = options.idTokenDecoder;
    this.#closeWrapped = options.closeWrappedStorage ?? true;
    this.#now = options.now ?? (() => Date.now() / 1000);
  }

  /** The identity of the tokens last stored or read, if known. */
  get identityId(): string | null {
    return this.#identityId;
  }

  #assertOpen(): void {
    if (this.#closed) throw new TokenStorageClosedError("ValidatingTokenStorage is closed");
  }

  /** The required scopes for one resource server (empty when there are none). */
  scopeRequirementsFor(resourceServer: string): Scope[] {
    const requirements =
      typeof this.#requirements === "function" ? this.#requirements() : this.#requirements;
    const scopes =
      requirements instanceof Map
        ? requirements.get(resourceServer)
        : Object.hasOwn(requirements, resourceServer)
          ? (requirements as Readonly<Record<string, ScopeLike>>)[resourceServer]
          : undefined;
    return scopes === undefined ? [] : toScopes(scopes);
  }

  /** The one identity in the wrapped storage, or null; inconsistent data is an error. */
  async #storedIdentity(): Promise<string | null> {
    const identity = identityOf(await this.storage.getTokenDataByResourceServer());
    if (Array.isArray(identity)) {
      throw new IdentityMismatchError(
        "The stored tokens belong to more than one identity",
        identity[0]!,
        identity[1]!,
      );
    }
    return identity;
  }

  #checkRootScopes(resourceServer: string, data: TokenData): void {
    const required = this.scopeRequirementsFor(resourceServer);
    if (required.length === 0) return;
    const granted = new Set(data.scope.split(/\s+/).filter(Boolean));
    const missing = required.filter((scope) => !granted.has(scope.scopeString));
    if (missing.length > 0) {
      throw new UnmetScopeRequirementsError(
        resourceServer,
        missing.map((scope) => scope.toString()),
        false,
      );
    }
  }

  async #forest(identityId: string, fresh: boolean): Promise<ConsentForest> {
    const cached = this.#consents.get(identityId);
    if (cached && !fresh) return cached;
    let pending = this.#consentFetches.get(identityId);
    if (!pending) {
      const source = this.#consentSource!;
      pending = (async () => new ConsentForest(await source.getConsents(identityId)))();
      this.#consentFetches.set(identityId, pending);
      pending.then(
        (forest) => this.#consents.set(identityId, forest),
        () => undefined,
      );
      pending.finally(() => this.#consentFetches.delete(identityId)).catch(() => undefined);
    }
    return pending;
  }

  async #checkDependentScopes(resourceServer: string, identityId: string | null): Promise<void> {
    const withDependencies = this.scopeRequirementsFor(resourceServer).filter(
      (scope) => scope.dependencies.length > 0,
    );
    // Consents are per identity: without one (or without a source) this cannot be checked.
    if (withDependencies.length === 0 || identityId === null || !this.#consentSource) return;
    const cached = this.#consents.get(identityId);
    if (cached && cached.unmetScopes(withDependencies).length === 0) return;
    const unmet = (await this.#forest(identityId, true)).unmetScopes(withDependencies);
    if (unmet.length > 0) {
      throw new UnmetScopeRequirementsError(
        resourceServer,
        unmet.map((scope) => scope.toString()),
        true,
      );
    }
  }

  /** Forgets cached consents (all, or one identity's), so the next check asks again. */
  clearConsentCache(identityId?: string): void {
    if (identityId === undefined) this.#consents.clear();
    else this.#consents.delete(identityId);
  }

  /**
   * Checks, then stores. Nothing is written when a check fails.
   * @throws IdentityMismatchError when the tokens' identity differs from the stored one.
   * @throws MissingIdentityError when identity validation is on and the tokens carry none.
   * @throws UnmetScopeRequirementsError when a token lacks a required top-level scope.
   */
  async storeTokenDataByResourceServer(data: Readonly<Record<string, TokenData>>): Promise<void> {
    this.#assertOpen();
    if (data === null || typeof data !== "object") {
      throw new InvalidTokenDataError("Token data must be an object keyed by resource server");
    }
    const incoming = identityOf(data);
    if (Array.isArray(incoming)) {
      throw new IdentityMismatchError(
        "The new tokens belong to more than one identity",
        incoming[0]!,
        incoming[1]!,
      );
    }
    if (this.#validateIdentity) {
      if (incoming === null) {
        throw new MissingIdentityError(
          "The new tokens carry no identity. This happens when the login did not request " +
            "the 'openid' scope.",
        );
      }
      const stored = await this.#storedIdentity();
      if (stored !== null && stored !== incoming) {
        throw new IdentityMismatchError(
          "The new tokens belong to a different identity than the stored tokens; " +
            "nothing was stored. Log out first to switch users.",
          stored,
          incoming,
        );
      }
    }
    for (const [resourceServer, entry] of Object.entries(data)) {
      this.#checkRootScopes(resourceServer, entry);
    }
    await this.storage.storeTokenDataByResourceServer(data);
    if (incoming !== null) this.#identityId = incoming;
  }

  /**
   * Stores a token response after the same checks. The identity comes from the id_token
   * (through the configured decoder, if any); a refresh response keeps the stored identity.
   */
  async storeTokenResponse(response: TokenResponseLike): Promise<void> {
    this.#assertOpen();
    let identity: string | null = null;
    if (response.idToken) {
      const claims: IdTokenClaims | Record<string, unknown> = this.#idTokenDecoder
        ? await this.#idTokenDecoder.decode(response.idToken)
        : await response.decodeIdToken();
      identity = typeof claims["sub"] === "string" ? claims["sub"] : null;
    } else if (response.isRefreshResponse === true) {
      identity = this.#identityId ?? (await this.#storedIdentity());
    }
    await this.storeTokenDataByResourceServer(
      await tokenDataFromResponse(response, identity, this.storage),
    );
  }

  /** Every stored entry of this namespace, unchecked. */
  async getTokenDataByResourceServer(): Promise<Record<string, TokenData>> {
    this.#assertOpen();
    return this.storage.getTokenDataByResourceServer();
  }

  /** One resource server's stored entry, unchecked (expired tokens included), or `undefined`. */
  async getTokenData(resourceServer: string): Promise<TokenData | undefined> {
    this.#assertOpen();
    return this.storage.getTokenData(resourceServer);
  }

  /**
   * One resource server's tokens, checked: present, not expired (or refreshable, with
   * `requireRefreshToken`), and meeting the scope requirements, dependent scopes included.
   * @throws MissingTokenError, ExpiredTokenError, UnmetScopeRequirementsError
   */
  async getValidTokenData(
    resourceServer: string,
    options: GetValidTokenDataOptions = {},
  ): Promise<TokenData> {
    this.#assertOpen();
    const data = await this.storage.getTokenData(resourceServer);
    if (data === undefined) {
      throw new MissingTokenError(
        `No token data stored for resource server '${resourceServer}'`,
        resourceServer,
      );
    }
    const usableRefreshToken =
      data.refresh_token && !options.isRefusedRefreshToken?.(data.refresh_token);
    if (options.refreshable) {
      if (!usableRefreshToken && data.expires_at_seconds < this.#now()) {
        throw new ExpiredTokenError(resourceServer, data.expires_at_seconds);
      }
    } else if (options.requireRefreshToken) {
      if (!data.refresh_token) {
        throw new MissingTokenError(
          `No refresh token stored for resource server '${resourceServer}'`,
          resourceServer,
        );
      }
    } else if (this.#checkExpiry && data.expires_at_seconds < this.#now()) {
      throw new ExpiredTokenError(resourceServer, data.expires_at_seconds);
    }
    this.#checkRootScopes(resourceServer, data);
    if (data.identity_id) this.#identityId = data.identity_id;
    await this.#checkDependentScopes(resourceServer, data.identity_id ?? this.#identityId);
    return data;
  }

  /**
   * The wrapped storage's refresh lock (see {@link TokenStorage.withRefreshLock}), or none:
   * `work` then runs at once.
   */
  withRefreshLock<T>(
    resourceServer: string,
    work: () => Promise<T>,
    options?: RefreshLockOptions,
  ): Promise<T> {
    this.#assertOpen();
    return this.storage.withRefreshLock
      ? this.storage.withRefreshLock(resourceServer, work, options)
      : work();
  }

  /** Removes one entry (no checks). */
  async removeTokenData(resourceServer: string): Promise<boolean> {
    this.#assertOpen();
    const removed = await this.storage.removeTokenData(resourceServer);
    if (removed && Object.keys(await this.storage.getTokenDataByResourceServer()).length === 0) {
      // all tokens gone (a logout): the next login may be anyone
      this.#identityId = null;
    }
    return removed;
  }

  /** Closes this storage and, unless `closeWrappedStorage` was false, the wrapped one. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#consents.clear();
    if (this.#closeWrapped) await this.storage.close();
  }
}
