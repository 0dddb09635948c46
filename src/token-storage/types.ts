/**
 * One resource server's tokens, exactly as the Python SDK stores them. Field names are
 * snake_case on purpose: they are the on-disk format shared with Python.
 */
export interface TokenData {
  resource_server: string;
  identity_id: string | null;
  /** Space-separated scope string. */
  scope: string;
  access_token: string;
  refresh_token: string | null;
  /** Integer epoch seconds. */
  expires_at_seconds: number;
  token_type: string | null;
  /** Unknown fields found in a file are carried along, never dropped. */
  [extra: string]: unknown;
}

/** Decoded id_token claims; `sub` is the identity id. */
export interface IdTokenClaims {
  sub: string;
  [claim: string]: unknown;
}

/**
 * What storage needs from an Auth token response. The auth module's token response class
 * implements it, so storage never imports the auth module.
 */
export interface TokenResponseLike {
  /** One entry per resource server, `other_tokens` included. */
  readonly byResourceServer: Readonly<Record<string, TokenData>>;
  /** The raw id_token, when `openid` was granted. */
  readonly idToken: string | undefined;
  /** Validates and decodes the id_token. */
  decodeIdToken(): Promise<IdTokenClaims>;
  /**
   * True for the response to a refresh_token grant. Such a response has no id_token, so
   * storage keeps the identity already stored instead of recording none. (Added for
   * storage; optional, so existing implementers are unaffected.)
   */
  readonly isRefreshResponse?: boolean;
}

/**
 * An asynchronous token store, namespaced as in the Python SDK (`"DEFAULT"` by default).
 */
export interface TokenStorage {
  readonly namespace: string;
  /** Stores several resource servers' tokens at once, replacing each one's entry. */
  storeTokenDataByResourceServer(data: Readonly<Record<string, TokenData>>): Promise<void>;
  /** Every entry in this namespace, keyed by resource server. */
  getTokenDataByResourceServer(): Promise<Record<string, TokenData>>;
  /** One resource server's entry, or `undefined`. */
  getTokenData(resourceServer: string): Promise<TokenData | undefined>;
  /** Removes one entry; resolves `true` when something was removed. */
  removeTokenData(resourceServer: string): Promise<boolean>;
  /** Stores a token response, taking the identity from its id_token when present. */
  storeTokenResponse(response: TokenResponseLike): Promise<void>;
  /** Releases files and handles. Idempotent. */
  close(): Promise<void>;
  /**
   * Runs `work` while no other process that shares this storage renews `resourceServer`'s
   * tokens, so that a fleet renews once: the holder re-reads the store first and adopts a
   * sibling's fresh token. Optional: an app refreshes unlocked with storages without it.
   * File storages lock a file beside theirs; a shared store (Redis) uses its own lock.
   */
  withRefreshLock?<T>(
    resourceServer: string,
    work: () => Promise<T>,
    options?: RefreshLockOptions,
  ): Promise<T>;
}

/** Options of {@link TokenStorage.withRefreshLock}. */
export interface RefreshLockOptions {
  /**
   * How long to wait for another holder, in ms: at least as long as one renewal may take,
   * so a slow refresh elsewhere does not fail a caller whose turn would have come.
   */
  waitMs?: number;
}

/** What a GlobusApp passes to a storage factory. */
export interface GlobusAppStorageContext {
  appName: string;
  clientId: string;
  environment: string;
  namespace?: string;
  /** The app's whole configuration (a `GlobusAppConfig`), as Python passes its config. */
  config?: Readonly<object>;
}

/** A class (or object) that can build a storage for a GlobusApp, as Python's `for_globus_app`. */
export interface TokenStorageProvider {
  forGlobusApp(context: GlobusAppStorageContext): TokenStorage | Promise<TokenStorage>;
}
