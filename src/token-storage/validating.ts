import { describeValue, optionsArgument } from "../arguments.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import type { Scope } from "../scopes/index.ts";
import { type IdTokenDecoderLike, tokenDataFromResponse } from "./base.ts";
import type { ConsentSource } from "./consents.ts";
import {
  IdentityMismatchError,
  InvalidTokenDataError,
  MissingTokenError,
  TokenStorageClosedError,
} from "./errors.ts";
import { identityOf } from "./token-data.ts";
import {
  type GetValidTokenDataOptions,
  type ScopeRequirements,
  ScopeRequirementsValidator,
  type TokenDataValidator,
  type TokenValidationContext,
  UnchangingIdentityValidator,
  UsableTokenValidator,
} from "./validators.ts";

export type { GetValidTokenDataOptions, ScopeRequirements };

import type {
  IdTokenClaims,
  RefreshLockOptions,
  TokenData,
  TokenResponseLike,
  TokenStorage,
} from "./types.ts";

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
  /**
   * More checks, run after the built-in ones on every store and every checked read (see
   * {@link TokenDataValidator}).
   */
  validators?: readonly TokenDataValidator[];
  /** Decodes id_tokens of stored token responses, instead of `response.decodeIdToken()`. */
  idTokenDecoder?: IdTokenDecoderLike;
  /** Close the wrapped storage when this one is closed. Default true. */
  closeWrappedStorage?: boolean;
  /** The clock expiry is judged by, epoch seconds (an app passes its login client's). */
  now?: () => number;
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
  readonly #scopes: ScopeRequirementsValidator;
  /** Before a store: the identity check (when on), the scope check, then the app's own. */
  readonly #storeValidators: readonly TokenDataValidator[];
  /** After a checked read: usability, the scope check, then the app's own. */
  readonly #readValidators: readonly TokenDataValidator[];
  readonly #idTokenDecoder: IdTokenDecoderLike | undefined;
  readonly #closeWrapped: boolean;
  readonly #now: () => number;
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
    this.#scopes = new ScopeRequirementsValidator(
      options.scopeRequirements ?? {},
      options.consentSource,
    );
    const custom = [...(options.validators ?? [])];
    for (const [i, validator] of custom.entries()) {
      if (
        typeof validator?.beforeStore !== "function" &&
        typeof validator?.afterRetrieve !== "function"
      ) {
        throw new GlobusSDKUsageError(
          `new ValidatingTokenStorage: validators[${i}] has neither beforeStore nor afterRetrieve.`,
        );
      }
    }
    this.#storeValidators = [
      ...((options.validateIdentity ?? true) ? [new UnchangingIdentityValidator()] : []),
      this.#scopes,
      ...custom,
    ];
    this.#readValidators = [
      new UsableTokenValidator({ checkExpiry: options.checkExpiry ?? true }),
      this.#scopes,
      ...custom,
    ];
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
    return this.#scopes.requirementsFor(resourceServer);
  }

  #context(
    priorIdentityId: string | null,
    tokenDataIdentityId: string | null,
    retrieval: GetValidTokenDataOptions,
  ): TokenValidationContext {
    return { priorIdentityId, tokenDataIdentityId, now: this.#now(), retrieval };
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

  /** Forgets cached consents (all, or one identity's), so the next check asks again. */
  clearConsentCache(identityId?: string): void {
    this.#scopes.clearConsentCache(identityId);
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
    // the stored identity costs a read of every entry: only when a validator may need it
    const needsPrior = this.#storeValidators.some((v) => v !== this.#scopes);
    const context = this.#context(needsPrior ? await this.#storedIdentity() : null, incoming, {});
    for (const validator of this.#storeValidators) await validator.beforeStore?.(data, context);
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
    if (data.identity_id) this.#identityId = data.identity_id;
    const context = this.#context(this.#identityId, data.identity_id ?? this.#identityId, options);
    const entry = { [resourceServer]: data };
    for (const validator of this.#readValidators) await validator.afterRetrieve?.(entry, context);
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
    this.#scopes.clearConsentCache();
    if (this.#closeWrapped) await this.storage.close();
  }
}
