/**
 * Token validators: the checks a {@link ValidatingTokenStorage} runs before it stores token
 * data and after it reads it, as the Python SDK's `TokenDataValidator`s. The storage's own
 * checks (identity, scope requirements, expiry or refresh token) are built-in validators;
 * an app adds its own beside them (a domain its identities must be in, a minimum lifetime).
 */
import { type Scope, type ScopeLike, toScopes } from "../scopes/index.ts";
import { ConsentForest, type ConsentSource } from "./consents.ts";
import {
  ExpiredTokenError,
  IdentityMismatchError,
  MissingIdentityError,
  MissingTokenError,
  UnmetScopeRequirementsError,
} from "./errors.ts";
import type { TokenData } from "./types.ts";

/** Scope requirements keyed by resource server, as a record or a map. */
export type ScopeRequirements =
  | Readonly<Record<string, ScopeLike>>
  | ReadonlyMap<string, ScopeLike>;

/** Options for one checked read ({@link ValidatingTokenStorage.getValidTokenData}). */
export interface GetValidTokenDataOptions {
  /**
   * Require a refresh token (MissingTokenError otherwise). Expiry is then not checked,
   * since the token can be refreshed.
   */
  requireRefreshToken?: boolean;
  /**
   * Accept an entry that has a refresh token whatever its expiry, or an access token that
   * has not expired yet (an entry Python stored without a refresh token, say). Refresh
   * tokens for which `isRefusedRefreshToken` returns true count as absent.
   */
  refreshable?: boolean;
  /** With `refreshable`: refresh tokens known to be dead. */
  isRefusedRefreshToken?: (refreshToken: string) => boolean;
}

/** What a validator knows besides the token data (Python's `TokenValidationContext`). */
export interface TokenValidationContext {
  /** The identity the storage held before this operation, if known. */
  readonly priorIdentityId: string | null;
  /** The identity of the token data being validated (from its id_token, or as stored). */
  readonly tokenDataIdentityId: string | null;
  /** The storage's clock, epoch seconds. */
  readonly now: number;
  /** For a checked read: what the caller asked for. Empty when storing. */
  readonly retrieval: Readonly<GetValidTokenDataOptions>;
}

/**
 * A check on token data. Throw a `TokenValidationError` (or a subclass) to refuse: before
 * a store nothing is then written, and after a read the caller (a GlobusApp) gets the error,
 * which by default leads to a login. Either hook may be async.
 */
export interface TokenDataValidator {
  /** Checks data about to be stored, keyed by resource server. */
  beforeStore?(
    data: Readonly<Record<string, TokenData>>,
    context: TokenValidationContext,
  ): void | Promise<void>;
  /** Checks data just read (one resource server's entry, keyed by it). */
  afterRetrieve?(
    data: Readonly<Record<string, TokenData>>,
    context: TokenValidationContext,
  ): void | Promise<void>;
}

/**
 * New tokens must carry an identity, and the same one the storage already holds: a login
 * as someone else is refused and nothing is written (a UserApp's check).
 */
export class UnchangingIdentityValidator implements TokenDataValidator {
  beforeStore(_data: Readonly<Record<string, TokenData>>, context: TokenValidationContext): void {
    if (context.tokenDataIdentityId === null) {
      throw new MissingIdentityError(
        "The new tokens carry no identity. This happens when the login did not request " +
          "the 'openid' scope.",
      );
    }
    if (
      context.priorIdentityId !== null &&
      context.priorIdentityId !== context.tokenDataIdentityId
    ) {
      throw new IdentityMismatchError(
        "The new tokens belong to a different identity than the stored tokens; " +
          "nothing was stored. Log out first to switch users.",
        context.priorIdentityId,
        context.tokenDataIdentityId,
      );
    }
  }
}

/** Every entry read must be unexpired (Python's `NotExpiredValidator`). */
export class NotExpiredValidator implements TokenDataValidator {
  afterRetrieve(data: Readonly<Record<string, TokenData>>, context: TokenValidationContext): void {
    for (const [resourceServer, entry] of Object.entries(data)) {
      if (entry.expires_at_seconds < context.now) {
        throw new ExpiredTokenError(resourceServer, entry.expires_at_seconds);
      }
    }
  }
}

/** Every entry read must hold a refresh token (Python's `HasRefreshTokensValidator`). */
export class HasRefreshTokensValidator implements TokenDataValidator {
  afterRetrieve(data: Readonly<Record<string, TokenData>>): void {
    for (const [resourceServer, entry] of Object.entries(data)) {
      if (!entry.refresh_token) {
        throw new MissingTokenError(
          `No refresh token stored for resource server '${resourceServer}'`,
          resourceServer,
        );
      }
    }
  }
}

/**
 * The usability check a checked read asks for (its {@link GetValidTokenDataOptions}):
 * refreshable-or-unexpired, a refresh token, or (by default, unless expiry checks are off)
 * unexpired.
 */
export class UsableTokenValidator implements TokenDataValidator {
  readonly #checkExpiry: boolean;
  constructor(options: { checkExpiry?: boolean } = {}) {
    this.#checkExpiry = options.checkExpiry ?? true;
  }

  afterRetrieve(data: Readonly<Record<string, TokenData>>, context: TokenValidationContext): void {
    const { retrieval } = context;
    if (retrieval.requireRefreshToken && !retrieval.refreshable) {
      new HasRefreshTokensValidator().afterRetrieve(data);
      return;
    }
    for (const [resourceServer, entry] of Object.entries(data)) {
      const refreshable =
        retrieval.refreshable &&
        entry.refresh_token &&
        !retrieval.isRefusedRefreshToken?.(entry.refresh_token);
      if ((retrieval.refreshable || this.#checkExpiry) && !refreshable) {
        new NotExpiredValidator().afterRetrieve({ [resourceServer]: entry }, context);
      }
    }
  }
}

/**
 * Tokens must meet the scope requirements of their resource server. Stores are checked for
 * the top-level scopes; reads also for dependent scopes, against the identity's consents
 * (fetched from `consentSource` only when a requirement has dependencies, then cached).
 */
export class ScopeRequirementsValidator implements TokenDataValidator {
  readonly #requirements: ScopeRequirements | (() => ScopeRequirements);
  readonly #consentSource: ConsentSource | undefined;
  readonly #consents = new Map<string, ConsentForest>();
  readonly #consentFetches = new Map<string, Promise<ConsentForest>>();

  constructor(
    requirements: ScopeRequirements | (() => ScopeRequirements),
    consentSource?: ConsentSource,
  ) {
    this.#requirements = requirements;
    this.#consentSource = consentSource;
  }

  /** The required scopes for one resource server (empty when there are none). */
  requirementsFor(resourceServer: string): Scope[] {
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

  beforeStore(data: Readonly<Record<string, TokenData>>): void {
    for (const [resourceServer, entry] of Object.entries(data)) {
      this.#checkRootScopes(resourceServer, entry);
    }
  }

  async afterRetrieve(
    data: Readonly<Record<string, TokenData>>,
    context: TokenValidationContext,
  ): Promise<void> {
    for (const [resourceServer, entry] of Object.entries(data)) {
      this.#checkRootScopes(resourceServer, entry);
      await this.#checkDependentScopes(resourceServer, context.tokenDataIdentityId);
    }
  }

  /** Forgets cached consents (all, or one identity's), so the next check asks again. */
  clearConsentCache(identityId?: string): void {
    if (identityId === undefined) this.#consents.clear();
    else this.#consents.delete(identityId);
  }

  #checkRootScopes(resourceServer: string, data: TokenData): void {
    const required = this.requirementsFor(resourceServer);
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

  async #forest(identityId: string): Promise<ConsentForest> {
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
    const withDependencies = this.requirementsFor(resourceServer).filter(
      (scope) => scope.dependencies.length > 0,
    );
    // Consents are per identity: without one (or without a source) this cannot be checked.
    if (withDependencies.length === 0 || identityId === null || !this.#consentSource) return;
    const cached = this.#consents.get(identityId);
    if (cached && cached.unmetScopes(withDependencies).length === 0) return;
    const unmet = (await this.#forest(identityId)).unmetScopes(withDependencies);
    if (unmet.length > 0) {
      throw new UnmetScopeRequirementsError(
        resourceServer,
        unmet.map((scope) => scope.toString()),
        true,
      );
    }
  }
}
