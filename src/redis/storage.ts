import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { debuglog } from "node:util";
import { optionsArgument } from "../arguments.ts";
import { GlobusSDKError, GlobusSDKUsageError } from "../errors.ts";
import { BaseTokenStorage, type TokenStorageOptions } from "../token-storage/base.ts";
import { TokenStorageError, TokenStorageFormatError } from "../token-storage/errors.ts";
import { slugifyAppName } from "../token-storage/paths.ts";
import { checkTokenData, toStoredObject } from "../token-storage/token-data.ts";
import type {
  GlobusAppStorageContext,
  RefreshLockOptions,
  TokenData,
  TokenStorageProvider,
} from "../token-storage/types.ts";
import {
  ACQUIRE_SCRIPT,
  FENCE_SCRIPT,
  RELEASE_SCRIPT,
  REMOVE_SCRIPT,
  RENEW_SCRIPT,
  STORE_SCRIPT,
} from "./scripts.ts";

const debug = debuglog("globus-sdk");

/**
 * What RedisTokenStorage needs of a client: node-redis's `createClient()` and
 * `createCluster()` results both fit (and so does a client of Valkey or a managed Redis).
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  hGetAll(key: string): Promise<unknown>;
  hGet(key: string, field: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  on(event: "error", listener: (error: Error) => void): unknown;
  close?(): Promise<unknown>;
  destroy?(): unknown;
}

/** Options of {@link RedisTokenStorage}. */
export interface RedisTokenStorageOptions extends TokenStorageOptions {
  /**
   * The server: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. Default
   * `redis://127.0.0.1:6379`. Ignored when `client` or `cluster` is given.
   */
  url?: string;
  /** A Redis Cluster: the URLs of some of its nodes; the rest are discovered. */
  cluster?: { rootNodes: readonly string[] };
  /**
   * A client you created (node-redis `createClient` or `createCluster`). The storage
   * connects it when it is not open, and never closes it: that stays yours.
   */
  client?: RedisClientLike;
  /**
   * Prepended to every key, for Redis ACL key patterns (`~globus-sdk:*`). Default
   * `"globus-sdk:"`. May not contain `{` or `}` (the namespace is the hash tag).
   */
  keyPrefix?: string;
  /** The longest one Redis command may take before a {@link RedisTokenStorageError}, ms. Default 5000. */
  commandTimeoutMs?: number;
  /** The shortest lease of a refresh lock, ms; it is renewed while held. Default 30000. */
  lockLeaseMs?: number;
}

/** What went wrong talking to Redis. */
export type RedisTokenStorageErrorCode =
  | "missing-client-package"
  | "unavailable"
  | "timeout"
  | "refused"
  | "server-error";

/**
 * Redis could not be reached, did not answer in time, or refused a command. The message
 * names the server (without its password) and the key; it never contains token values.
 * A store either happened entirely or not at all.
 */
export class RedisTokenStorageError extends TokenStorageError {
  override name = "RedisTokenStorageError";
  /** `unavailable` and `timeout` may pass once Redis is back; the others need a fix. */
  readonly code: RedisTokenStorageErrorCode;
  constructor(
    message: string,
    code: RedisTokenStorageErrorCode,
    options: { path?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.code = code;
  }
}

interface LockContext {
  storage: RedisTokenStorage;
  resourceServer: string;
  fence: number;
}

// Which refresh lock (and fence) the current async call chain holds, so that the store made
// by the renewal inside `withRefreshLock` carries the fence without any API change.
const heldLocks = new AsyncLocalStorage<LockContext>();

const DEFAULT_URL = "redis://127.0.0.1:6379";
const DEFAULT_PREFIX = "globus-sdk:";

/** A URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(an unparsable Redis URL)";
  }
}

/** Braces would end the hash tag early; `%` is escaped too so that distinct names stay distinct. */
function hashTagSafe(name: string): string {
  return name.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function checkUrl(url: unknown, what: string): string {
  if (typeof url !== "string" || !/^rediss?:\/\//.test(url)) {
    throw new GlobusSDKUsageError(
      `${what} must be a redis:// or rediss:// URL (got ${typeof url === "string" ? `"${redactUrl(url)}"` : typeof url}).`,
    );
  }
  return url;
}

function positiveMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new GlobusSDKUsageError(`RedisTokenStorage: ${name} must be a positive number of ms.`);
  }
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Token storage on Redis (or Valkey, a managed Redis, a Redis Cluster), for fleets: every
 * process and machine that uses the same server, key prefix and namespace shares one
 * login, and renews each resource server's tokens once (see {@link withRefreshLock}).
 *
 * Each namespace is one hash, `<keyPrefix>{<namespace>}:tokens`, of resource server to
 * token data in the Python SDK's shape. Key names hold no tokens.
 *
 * ```ts
 * import { RedisTokenStorage } from "globus-sdk/redis";
 * const app = new ClientApp("pipeline", {
 *   clientId, clientSecret,
 *   config: { tokenStorage: RedisTokenStorage.provider({ url: process.env.REDIS_URL }) },
 * });
 * ```
 */
export class RedisTokenStorage extends BaseTokenStorage {
  /** The server (password hidden), or `"a given client"`. */
  readonly target: string;
  /** The hash that holds this namespace's entries. */
  readonly tokensKey: string;
  readonly #keys: { fences: string; fence: string; lockPrefix: string };
  readonly #options: RedisTokenStorageOptions;
  readonly #commandTimeoutMs: number;
  readonly #lockLeaseMs: number;
  #client: Promise<RedisClientLike> | undefined;
  #createdClient: RedisClientLike | undefined;
  readonly #localQueues = new Map<string, Promise<unknown>>();
  readonly #heartbeats = new Set<NodeJS.Timeout>();
  /** Locks whose release failed (Redis was down), by key: freed before the next take. */
  readonly #unreleased = new Map<string, string>();

  constructor(options: RedisTokenStorageOptions = {}) {
    const where = "new RedisTokenStorage";
    super(optionsArgument(where, options));
    const prefix = options.keyPrefix ?? DEFAULT_PREFIX;
    if (typeof prefix !== "string" || /[{}]/.test(prefix)) {
      throw new GlobusSDKUsageError(
        `${where}: keyPrefix must be a string without '{' or '}' (the namespace is the key's hash tag).`,
      );
    }
    if (options.client !== undefined && typeof options.client?.eval !== "function") {
      throw new GlobusSDKUsageError(
        `${where}: client must be a node-redis client or cluster (from createClient or createCluster).`,
      );
    }
    if (options.cluster !== undefined) {
      const nodes = options.cluster?.rootNodes;
      if (!Array.isArray(nodes) || nodes.length === 0) {
        throw new GlobusSDKUsageError(`${where}: cluster.rootNodes must list at least one URL.`);
      }
      for (const node of nodes) checkUrl(node, `${where}: each cluster root node`);
    } else if (options.client === undefined) {
      checkUrl(options.url ?? DEFAULT_URL, `${where}: url`);
    }
    this.#options = options;
    this.#commandTimeoutMs = positiveMs(options.commandTimeoutMs, 5_000, "commandTimeoutMs");
    this.#lockLeaseMs = positiveMs(options.lockLeaseMs, 30_000, "lockLeaseMs");
    this.target = options.client
      ? "a given client"
      : options.cluster
        ? `the cluster at ${options.cluster.rootNodes.map(redactUrl).join(", ")}`
        : redactUrl(options.url ?? DEFAULT_URL);
    const base = `${prefix}{${hashTagSafe(this.namespace)}}:`;
    this.tokensKey = `${base}tokens`;
    this.#keys = { fences: `${base}fences`, fence: `${base}fence`, lockPrefix: `${base}lock:` };
  }

  /**
   * A provider for `config.tokenStorage`: each app gets a storage whose key prefix names
   * its client id and app name (and environment, outside production), as the file
   * storages' default paths do, so that apps sharing a server keep apart.
   */
  static provider(options: RedisTokenStorageOptions = {}): TokenStorageProvider {
    optionsArgument("RedisTokenStorage.provider", options);
    return {
      forGlobusApp: (context) => RedisTokenStorage.forGlobusApp(context, options),
    };
  }

  /** A storage for a GlobusApp (see {@link provider}), on the default local server by default. */
  static forGlobusApp(
    context: GlobusAppStorageContext,
    options: RedisTokenStorageOptions = {},
  ): RedisTokenStorage {
    const env = context.environment === "production" ? "" : `${context.environment}:`;
    const app = `app:${hashTagSafe(String(context.clientId))}:${hashTagSafe(slugifyAppName(context.appName))}:${env}`;
    return new RedisTokenStorage({
      ...options,
      keyPrefix: `${options.keyPrefix ?? DEFAULT_PREFIX}${app}`,
      namespace: options.namespace ?? context.namespace ?? "DEFAULT",
    });
  }

  protected override describePath(): string {
    return `${this.target} ${this.tokensKey}`;
  }

  protected async storeImpl(data: Record<string, TokenData>): Promise<void> {
    const held = heldLocks.getStore();
    const lock = held?.storage === this ? held : undefined;
    const args = [lock?.resourceServer ?? "", String(lock?.fence ?? 0)];
    for (const [resourceServer, entry] of Object.entries(data)) {
      args.push(resourceServer, JSON.stringify(toStoredObject(entry)));
    }
    const skipped = await this.#run("store tokens in", (client) =>
      client.eval(STORE_SCRIPT, {
        keys: [this.tokensKey, this.#keys.fences, this.#keys.fence],
        arguments: args,
      }),
    );
    if (Array.isArray(skipped) && skipped.length > 0) {
      // a holder that outlived its lease: the store already has its successor's newer token
      debug("RedisTokenStorage kept a newer entry for %s than this renewal's", skipped.join(", "));
    }
  }

  protected async getAllImpl(): Promise<Record<string, TokenData>> {
    const raw = await this.#run("read", (client) => client.hGetAll(this.tokensKey));
    const entries = raw instanceof Map ? [...raw.entries()] : Object.entries(raw ?? {});
    const out: Record<string, TokenData> = {};
    for (const [resourceServer, json] of entries) {
      out[String(resourceServer)] = this.#parse(String(resourceServer), json);
    }
    return out;
  }

  protected override async getOneImpl(resourceServer: string): Promise<TokenData | undefined> {
    const json = await this.#run("read", (client) => client.hGet(this.tokensKey, resourceServer));
    return json === null || json === undefined ? undefined : this.#parse(resourceServer, json);
  }

  protected async removeImpl(resourceServer: string): Promise<boolean> {
    const removed = await this.#run("remove an entry from", (client) =>
      client.eval(REMOVE_SCRIPT, {
        keys: [this.tokensKey, this.#keys.fences, this.#keys.fence],
        arguments: [resourceServer],
      }),
    );
    return Number(removed) === 1;
  }

  protected async closeImpl(): Promise<void> {
    for (const timer of this.#heartbeats) clearInterval(timer);
    this.#heartbeats.clear();
    const client = this.#createdClient;
    this.#client = undefined;
    this.#createdClient = undefined;
    if (!client) return;
    try {
      // a client still trying to connect has nothing to flush: stop it outright
      if ((client as { isReady?: boolean }).isReady && client.close) {
        await this.#withinTimeout(client.close());
      } else client.destroy?.();
    } catch {
      client.destroy?.();
    }
  }

  /**
   * Runs `work` holding this resource server's refresh lock, shared by every process on the
   * same Redis: `SET NX PX` with a lease at least `waitMs` (longer than one renewal may
   * take), renewed while held, freed at the end or when the lease runs out (a holder that
   * died). Each holder gets a fencing token: its store of the resource server's tokens
   * is dropped when a later holder has stored already.
   *
   * A caller that waits `waitMs` (default: the lease) without getting the lock runs `work`
   * anyway, with its own fence: at worst an extra renewal, never an older token stored
   * over a newer one.
   */
  async withRefreshLock<T>(
    resourceServer: string,
    work: () => Promise<T>,
    options: RefreshLockOptions = {},
  ): Promise<T> {
    this.assertOpen();
    // one renewal per resource server at a time in this process: no need to poll Redis
    const previous = this.#localQueues.get(resourceServer) ?? Promise.resolve();
    const turn = previous.then(
      () => this.#lockedRun(resourceServer, work, options),
      () => this.#lockedRun(resourceServer, work, options),
    );
    const tail = turn.catch(() => {});
    this.#localQueues.set(resourceServer, tail);
    try {
      return await turn;
    } finally {
      if (this.#localQueues.get(resourceServer) === tail) this.#localQueues.delete(resourceServer);
    }
  }

  async #lockedRun<T>(
    resourceServer: string,
    work: () => Promise<T>,
    options: RefreshLockOptions,
  ): Promise<T> {
    const waitMs = options.waitMs ?? this.#lockLeaseMs;
    const leaseMs = Math.ceil(Math.max(this.#lockLeaseMs, waitMs));
    const lockKey = `${this.#keys.lockPrefix}${resourceServer}`;
    const holder = randomUUID();
    const deadline = Date.now() + waitMs;
    const stale = this.#unreleased.get(lockKey);
    if (stale !== undefined) {
      // ours, from before a Redis outage: a persisted Redis would keep it for a whole lease
      await this.#release(lockKey, stale).catch(() => {});
    }
    let fence = 0;
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      fence = Number(
        await this.#run("take a refresh lock in", (client) =>
          client.eval(ACQUIRE_SCRIPT, {
            keys: [lockKey, this.#keys.fence],
            arguments: [holder, String(leaseMs)],
          }),
        ),
      );
      if (fence > 0 || Date.now() + delay > deadline) break;
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
    if (fence === 0) {
      debug(
        "RedisTokenStorage: no refresh lock for %s after %d ms; renewing anyway",
        resourceServer,
        waitMs,
      );
      fence = Number(
        await this.#run("take a fence in", (client) =>
          client.eval(FENCE_SCRIPT, { keys: [this.#keys.fence], arguments: [] }),
        ),
      );
      return heldLocks.run({ storage: this, resourceServer, fence }, work);
    }
    const heartbeat = setInterval(
      () => {
        this.#run("renew a refresh lock in", (client) =>
          client.eval(RENEW_SCRIPT, { keys: [lockKey], arguments: [holder, String(leaseMs)] }),
        ).catch(() => {
          // a missed renewal risks only a second renewal elsewhere; the fence keeps order
        });
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();
    this.#heartbeats.add(heartbeat);
    try {
      return await heldLocks.run({ storage: this, resourceServer, fence }, work);
    } finally {
      clearInterval(heartbeat);
      this.#heartbeats.delete(heartbeat);
      if (!this.closed) {
        await this.#release(lockKey, holder).catch(() => {
          this.#unreleased.set(lockKey, holder);
        });
      }
    }
  }

  async #release(lockKey: string, holder: string): Promise<void> {
    await this.#run("release a refresh lock in", (client) =>
      client.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [holder] }),
    );
    if (this.#unreleased.get(lockKey) === holder) this.#unreleased.delete(lockKey);
  }

  #parse(resourceServer: string, json: unknown): TokenData {
    let value: unknown;
    try {
      value = JSON.parse(String(json));
    } catch {
      value = undefined;
    }
    const checked = value === undefined ? "it is not JSON" : checkTokenData(value);
    if (typeof checked === "string") {
      throw new TokenStorageFormatError(
        `The entry for '${resourceServer}' in ${this.tokensKey} on ${this.target} is not token data (${checked}). Remove it (HDEL) or log in again.`,
        { path: this.describePath() },
      );
    }
    return checked;
  }

  /** Runs one command with a connected client, turning failures into typed errors. */
  async #run<T>(action: string, command: (client: RedisClientLike) => Promise<T>): Promise<T> {
    this.assertOpen();
    const client = await this.#connected();
    try {
      // node-redis times out only commands it has not sent yet; a sent one waits for ever
      return await this.#withinTimeout(command(client));
    } catch (error) {
      throw this.#typed(error, action);
    }
  }

  /** Rejects with a TimeoutError after the command timeout (the work itself goes on). */
  async #withinTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error("timed out"), { name: "TimeoutError" })),
            this.#commandTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      work.catch(() => {});
    }
  }

  #connected(): Promise<RedisClientLike> {
    this.#client ??= this.#connect().catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  async #connect(): Promise<RedisClientLike> {
    const client = this.#options.client ?? (await this.#createClient());
    if (client.isOpen) return client;
    const connecting = client.connect();
    if (!this.#options.cluster && !this.#options.client) {
      // node-redis keeps retrying a first connection; a client's commands queue meanwhile
      // and time out on their own, and run as soon as Redis is up
      connecting.catch((error: unknown) => {
        debug("RedisTokenStorage: connecting to %s failed: %s", this.target, String(error));
      });
      return client;
    }
    // a cluster client has no queue before it knows the slots: wait for it, within bounds
    try {
      await this.#withinTimeout(connecting);
    } catch (error) {
      if (client === this.#createdClient) {
        this.#createdClient = undefined;
        client.destroy?.();
      }
      throw this.#typed(error, "connect to");
    }
    return client;
  }

  async #createClient(): Promise<RedisClientLike> {
    let redis: {
      createClient(options: object): RedisClientLike;
      createCluster(options: object): RedisClientLike;
    };
    try {
      redis = (await import("redis")) as unknown as typeof redis;
    } catch (error) {
      throw new RedisTokenStorageError(
        "globus-sdk/redis needs the `redis` package (node-redis 5 or later), an optional peer dependency: run `npm install redis`.",
        "missing-client-package",
        { cause: error },
      );
    }
    const socket = {
      connectTimeout: this.#commandTimeoutMs,
      // back off up to 2 s between attempts, forever: a Redis that comes back is used again
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
    };
    const common = { commandOptions: { timeout: this.#commandTimeoutMs } };
    const client = this.#options.cluster
      ? redis.createCluster({
          rootNodes: this.#options.cluster.rootNodes.map((url) => ({ url, socket })),
          defaults: { socket, ...common },
          ...common,
        })
      : redis.createClient({ url: this.#options.url ?? DEFAULT_URL, socket, ...common });
    client.on("error", (error) => {
      // without a listener node-redis would crash the process; each command reports its own
      debug("RedisTokenStorage: %s: %s", this.target, error.message);
    });
    this.#createdClient = client;
    return client;
  }

  #typed(error: unknown, action: string): GlobusSDKError {
    if (error instanceof GlobusSDKError) return error;
    // node-redis's error classes keep Error's `name`; their constructors tell them apart
    const ctor = (error as { constructor?: { name?: unknown } })?.constructor?.name;
    const name = ctor && ctor !== "Error" ? ctor : (error as { name?: unknown })?.name;
    const message = String((error as { message?: unknown })?.message || name || error);
    const where = `${this.target} (${this.tokensKey})`;
    let code: RedisTokenStorageErrorCode;
    let text: string;
    if (name === "TimeoutError" || name === "ConnectionTimeoutError") {
      code = "timeout";
      text = `Redis at ${where} did not answer within ${this.#commandTimeoutMs} ms when asked to ${action} the token store. Check that it is running and reachable; a store either happened entirely or not at all.`;
    } else if (/^(NOAUTH|WRONGPASS|NOPERM)/.test(message)) {
      code = "refused";
      text = `Redis at ${where} refused to ${action} the token store: ${message.split("\n")[0]}. Check the user, password and ACL (the keys start with the key prefix).`;
    } else if (name === "ErrorReply") {
      code = "server-error";
      text = `Redis at ${where} could not ${action} the token store: ${message.split("\n")[0]}.`;
    } else {
      code = "unavailable";
      text = `Redis at ${where} is unavailable (${name ?? "error"}: ${message}) when asked to ${action} the token store. It is retried on the next call; a store either happened entirely or not at all.`;
    }
    return new RedisTokenStorageError(text, code, { path: this.describePath(), cause: error });
  }
}
