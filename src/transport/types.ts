/**
 * Supplies the `Authorization` header for requests. Every login client, app and service
 * client talks to the transport through this one interface.
 */
export interface Authorizer {
  /** The full header value (`"Bearer ..."`), or `undefined` to send none. */
  getAuthorizationHeader(): Promise<string | undefined>;
  /**
   * Called at most once per request, after a 401, with the `Authorization` value that
   * request carried. Return `true` when something changed (a refresh, or a newer token
   * already at hand) so that a single retry is worthwhile.
   */
  handleMissingAuthorization(sentAuthorization?: string): Promise<boolean>;
  /**
   * Called when the retry that followed a successful {@link handleMissingAuthorization} got
   * past authentication (any status but 401), with the `Authorization` value it carried.
   * Lets an authorizer tell a token that worked and later died (renew again on the next
   * 401) from a service that refuses every token (do not renew in a loop).
   */
  authorizationAccepted?(sentAuthorization: string | undefined): void;
}

/** A query parameter value. Arrays become comma-joined lists, as Globus APIs expect. */
export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number | boolean>;

/** HTTP methods the transport sends. */
export type HTTPMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

/** Options every public call accepts. */
export interface CallOptions {
  /** Aborts the call, including any waits between retries. */
  signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds; overrides the client's. */
  timeout?: number;
  /**
   * The largest response body (decoded) this call accepts, overriding the client's limit
   * (64 MiB by default); a larger one fails with `ResponseTooLargeError`.
   */
  maxResponseBytes?: number;
}

/** One request through the pipeline. */
export interface RequestOptions extends CallOptions {
  method?: HTTPMethod;
  /** Relative to the transport's base URL, or an absolute URL. */
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded`; undefined values are dropped. */
  form?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Overrides the transport's authorizer for this call; `null` sends no credentials. */
  authorizer?: Authorizer | null;
  /**
   * Marks a non-idempotent request (POST, PATCH) as safe to send again after a failure
   * that may have reached the server. Defaults to false.
   */
  retrySafe?: boolean;
  /** Overrides the transport's maximum number of attempts for this call. */
  maxAttempts?: number;
}

/** A decoded HTTP response. */
export interface GlobusResponse<T = unknown> {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or `undefined` for an empty or non-JSON body. */
  readonly data: T;
  /** The raw body text. */
  readonly text: string;
  /** Globus's request id, when the service sent one. */
  readonly requestId: string | undefined;
}
