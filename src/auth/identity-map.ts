import { GlobusSDKUsageError } from "../errors.ts";
import type { AuthClient } from "./auth-client.ts";
import type { IdentityRecord } from "./records.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where an {@link IdentityMap} keeps the identities it has looked up, by id and by username. */
export interface IdentityCache {
  get(key: string): IdentityRecord | undefined;
  set(key: string, value: IdentityRecord): unknown;
  has(key: string): boolean;
  delete(key: string): unknown;
}

/** How an {@link IdentityMap} is built. */
export interface IdentityMapOptions {
  /** How many ids (or usernames) one look-up asks for. Default 100. */
  idBatchSize?: number;
  /** Shares looked-up identities between maps (any `Map`-like store). Default: a new `Map`. */
  cache?: IdentityCache;
}

function isUsername(value: string): boolean {
  return !UUID.test(value);
}

/**
 * Identity look-ups by id or by username, batched and cached, as the Python SDK's
 * `IdentityMap`: `add()` the ids and usernames you will need, then `get()` each one; the
 * first `get` of an unknown key looks it up together with up to `idBatchSize - 1` other
 * added keys of the same kind, so a table of a thousand rows costs ten requests, not a
 * thousand. Concurrent `get`s of keys in one batch share its request.
 */
export class IdentityMap {
  /** The client the look-ups go through (it needs a token any Auth scope grants). */
  readonly authClient: AuthClient;
  readonly idBatchSize: number;
  readonly #unresolvedIds = new Set<string>();
  readonly #unresolvedUsernames = new Set<string>();
  readonly #cache: IdentityCache;
  /** Look-ups under way, by every key they ask for. */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(
    authClient: AuthClient,
    identityIds: Iterable<string> = [],
    options: IdentityMapOptions = {},
  ) {
    const size = options.idBatchSize ?? 100;
    if (!Number.isInteger(size) || size < 1) {
      throw new GlobusSDKUsageError("idBatchSize must be a positive whole number.");
    }
    this.authClient = authClient;
    this.idBatchSize = size;
    this.#cache = options.cache ?? new Map<string, IdentityRecord>();
    for (const value of identityIds) this.add(value);
  }

  /**
   * Adds an id or username to look up with the next batch. Returns false when it is
   * already known or waiting.
   */
  add(identityId: string): boolean {
    if (typeof identityId !== "string" || identityId === "") {
      throw new GlobusSDKUsageError("An IdentityMap key is an identity id or a username.");
    }
    if (this.#cache.has(identityId)) return false;
    const waiting = isUsername(identityId) ? this.#unresolvedUsernames : this.#unresolvedIds;
    if (waiting.has(identityId)) return false;
    waiting.add(identityId);
    return true;
  }

  /**
   * The identity with this id or username, looked up (with a batch of added keys) when
   * not cached yet; `defaultValue` when Globus Auth knows no such identity.
   */
  async get<D = undefined>(key: string, defaultValue?: D): Promise<IdentityRecord | D> {
    if (!this.#cache.has(key)) {
      await (this.#pending.get(key) ?? this.#fetchBatchIncluding(key));
    }
    return this.#cache.get(key) ?? (defaultValue as D);
  }

  /** Forgets a cached identity (the next `get` looks it up again). */
  delete(key: string): boolean {
    const had = this.#cache.has(key);
    this.#cache.delete(key);
    return had;
  }

  /** `key` and up to `idBatchSize - 1` other waiting keys of its kind, not yet cached. */
  #createBatch(key: string): string[] {
    const waiting = isUsername(key) ? this.#unresolvedUsernames : this.#unresolvedIds;
    waiting.delete(key);
    const batch = [key];
    for (const value of waiting) {
      if (batch.length >= this.idBatchSize) break;
      waiting.delete(value);
      if (!this.#cache.has(value) && !this.#pending.has(value)) batch.push(value);
    }
    return batch;
  }

  #fetchBatchIncluding(key: string): Promise<void> {
    const batch = this.#createBatch(key);
    const lookup = (async () => {
      try {
        const found = await this.authClient.getIdentities(
          isUsername(key) ? { usernames: batch } : { ids: batch },
        );
        for (const identity of found) {
          this.#cache.set(identity.id, identity);
          this.#cache.set(identity.username, identity);
        }
      } finally {
        for (const value of batch) this.#pending.delete(value);
      }
    })();
    for (const value of batch) this.#pending.set(value, lookup);
    return lookup;
  }
}
