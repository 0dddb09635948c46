import { debuglog } from "node:util";
import { objectArgument, stringArgument } from "../arguments.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import { SDK_PRODUCT, SDK_VERSION } from "../version.ts";
import { assertSecureUrl, encodeQuery, joinUrl } from "./encoding.ts";
import {
  type APIErrorClass,
  GlobusAPIError,
  MalformedResponseError,
  NetworkError,
  RedirectRefusedError,
  RequestAbortedError,
  ResponseTooLargeError,
  TimeoutError,
} from "./errors.ts";
import {
  ACCEPT_ENCODING,
  ExchangeFailure,
  exchange,
  headerIn,
  type RawResponse,
  rawHeader,
} from "./http-client.ts";
import { isSecretField, redactUrl, scrubSecrets } from "./redact.ts";
import type { Authorizer, GlobusResponse, HTTPMethod, RequestOptions } from "./types.ts";

const debug = debuglog("globus-sdk");

/** Statuses worth another attempt: throttling and transient server trouble. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "PUT",
  "DELETE",
  "OPTIONS",
]);

/** Retry policy. Delays grow exponentially with full jitter, and `Retry-After` wins when sent. */
export interface RetryOptions {
  /** Total attempts, the first included. Default 5. */
  maxAttempts?: number;
  /** Delay scale for the first retry, in ms. Default 250. */
  baseDelayMs?: number;
  /** Upper bound of one computed delay, in ms. Default 10,000. */
  maxDelayMs?: number;
  /** Upper bound for a server's `Retry-After`, in ms. Default 60,000. */
  maxRetryAfterMs?: number;
}

/** How a transport is built. */
export interface TransportOptions {
  /** The service's base URL; https, or http on loopback only. */
  baseUrl: string;
  authorizer?: Authorizer | undefined;
  /** Per-attempt timeout in ms. Default: `GLOBUS_SDK_HTTP_TIMEOUT` (seconds) or 60 s. */
  timeout?: number | undefined;
  retry?: RetryOptions | undefined;
  /** Appended to the User-Agent, as Globus's SDKs do with an app name. */
  appName?: string | undefined;
  /** The error class for this service's error responses. */
  errorClass?: APIErrorClass | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /**
   * The largest response body (after decompression) a call accepts; a larger one fails
   * with {@link ResponseTooLargeError} and its connection is dropped. Default 64 MiB.
   */
  maxResponseBytes?: number | undefined;
}

/** The default {@link TransportOptions.maxResponseBytes}: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

function checkByteLimit(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new GlobusSDKUsageError(`${name} must be a positive whole number of bytes.`);
  }
  return value;
}

function defaultTimeoutMs(): number {
  const fromEnv = process.env["GLOBUS_SDK_HTTP_TIMEOUT"];
  if (fromEnv !== undefined && fromEnv !== "") {
    const seconds = Number(fromEnv);
    if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  }
  return 60_000;
}

/** `Retry-After` in ms: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Waits `ms`, or rejects with the signal's reason once it aborts; no listener outlives it. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The User-Agent this SDK sends, with the app name appended when given. */
export function userAgent(appName?: string): string {
  const base = `${SDK_PRODUCT}/${SDK_VERSION} node/${process.versions.node}`;
  return appName ? `${base}/${appName}` : base;
}

/** `X-Globus-Client-Info` in Globus's `key=value,key=value` format. */
export const CLIENT_INFO = `product=${SDK_PRODUCT},version=${SDK_VERSION}`;

interface AttemptFailure {
  error: Error;
  retryable: boolean;
  delayMs?: number | undefined;
}

/**
 * The one request pipeline under every client: URL building, JSON and form bodies,
 * default headers, authorization with a single 401 recovery, timeouts, caller aborts,
 * retries with backoff, typed errors, and credential-free debug logs
 * (`NODE_DEBUG=globus-sdk`).
 */
export class Transport {
  readonly baseUrl: string;
  readonly authorizer: Authorizer | undefined;
  readonly timeoutMs: number;
  #appName: string | undefined;
  readonly maxResponseBytes: number;
  readonly #errorClass: APIErrorClass;
  readonly #retry: Required<RetryOptions>;
  readonly #headers: Record<string, string>;
  /** A default `Authorization` header, if one was configured (a secret to scrub). */
  readonly #defaultAuthorization: string | undefined;

  constructor(options: TransportOptions) {
    objectArgument("new Transport", options, "options (with baseUrl)");
    stringArgument("new Transport", options.baseUrl, "baseUrl");
    assertSecureUrl(options.baseUrl);
    this.baseUrl = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
    this.authorizer = options.authorizer;
    this.timeoutMs = options.timeout ?? defaultTimeoutMs();
    this.#appName = options.appName;
    this.maxResponseBytes =
      checkByteLimit(options.maxResponseBytes, "maxResponseBytes") ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#errorClass = options.errorClass ?? GlobusAPIError;
    this.#retry = {
      maxAttempts: options.retry?.maxAttempts ?? 5,
      baseDelayMs: options.retry?.baseDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 60_000,
    };
    if (!Number.isInteger(this.#retry.maxAttempts) || this.#retry.maxAttempts < 1) {
      throw new GlobusSDKUsageError("retry.maxAttempts must be a whole number of at least 1.");
    }
    if (!(this.timeoutMs > 0))
      throw new GlobusSDKUsageError("timeout must be a positive number of milliseconds.");
    this.#headers = mergeHeaders(
      {
        "User-Agent": userAgent(options.appName),
        "X-Globus-Client-Info": CLIENT_INFO,
        "Accept-Encoding": ACCEPT_ENCODING,
      },
      options.headers,
    );
    this.#defaultAuthorization = headerIn(this.#headers, "authorization");
  }

  /** The app name the User-Agent carries. */
  get appName(): string | undefined {
    return this.#appName;
  }

  /** Sends `appName` in the User-Agent from now on (a client attached to an app later). */
  setAppName(appName: string | undefined): void {
    this.#appName = appName;
    this.#headers["User-Agent"] = userAgent(appName);
  }

  /**
   * The longest one request may take: every attempt at its full timeout, with the longest
   * wait between attempts. Locks held around a request wait at least this long.
   */
  get maxRequestMs(): number {
    const { maxAttempts, maxDelayMs, maxRetryAfterMs } = this.#retry;
    return maxAttempts * this.timeoutMs + (maxAttempts - 1) * Math.max(maxDelayMs, maxRetryAfterMs);
  }

  /** Sends a request and resolves with the decoded response, or throws a typed error. */
  async request<T = unknown>(options: RequestOptions): Promise<GlobusResponse<T>> {
    const method: HTTPMethod = options.method ?? "GET";
    const query = encodeQuery(options.query);
    const baseUrl = joinUrl(this.baseUrl, options.path);
    if (baseUrl === options.path) assertSecureUrl(baseUrl, "request URL");
    const url = query ? `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}${query}` : baseUrl;
    const authorizer = options.authorizer === undefined ? this.authorizer : options.authorizer;
    const secrets: string[] = [];
    const headers = mergeHeaders(this.#headers, options.headers);
    let body: string | undefined;
    if (options.form !== undefined) {
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(options.form)) {
        if (value === undefined) continue;
        form.append(key, value);
        if (isSecretField(key)) secrets.push(value);
      }
      body = form.toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    } else if (options.body !== undefined) {
      body = jsonBody(options.body, method, options.path);
      headers["Content-Type"] = "application/json";
    }
    const givenAuthorization = headerIn(options.headers, "authorization");
    if (givenAuthorization !== undefined) secrets.push(givenAuthorization);
    else if (this.#defaultAuthorization !== undefined) secrets.push(this.#defaultAuthorization);
    const maxAttempts = options.maxAttempts ?? this.#retry.maxAttempts;
    const timeoutMs = options.timeout ?? this.timeoutMs;
    const maxResponseBytes =
      checkByteLimit(options.maxResponseBytes, "maxResponseBytes") ?? this.maxResponseBytes;
    const canResend = IDEMPOTENT_METHODS.has(method) || options.retrySafe === true;
    if (query) {
      for (const [key, value] of new URLSearchParams(query)) {
        if (isSecretField(key)) secrets.push(value);
      }
    }
    if (options.path.includes("?")) {
      for (const [key, value] of new URL(baseUrl).searchParams) {
        if (isSecretField(key)) secrets.push(value);
      }
    }
    const scrub = (text: string) => scrubSecrets(text, secrets);
    let recoveredFrom401 = false;
    // set between a 401 recovery and the retry's response, which the authorizer hears about
    let retryingAfter401 = false;

    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) throw this.#aborted(method, url, options.signal.reason);
      if (authorizer && givenAuthorization === undefined) {
        const value = await authorizer.getAuthorizationHeader();
        if (value === undefined) delete headers["Authorization"];
        else {
          headers["Authorization"] = value;
          secrets.push(value);
        }
      }
      const started = debug.enabled ? performance.now() : 0;
      const outcome = await this.#attempt<T>(
        method,
        url,
        headers,
        body,
        { timeoutMs, maxResponseBytes },
        options.signal,
        scrub,
        canResend,
      );
      if ("response" in outcome) {
        const response = outcome.response;
        if (debug.enabled) {
          debug(
            `${method} ${scrub(redactUrl(url))} -> ${response.status} in ${msSince(started)}ms (attempt ${attempt})`,
          );
        }
        if (retryingAfter401) {
          retryingAfter401 = false;
          if (response.status !== 401)
            authorizer?.authorizationAccepted?.(headers["Authorization"]);
        }
        if (response.status === 401 && authorizer && !recoveredFrom401) {
          recoveredFrom401 = true;
          if (await authorizer.handleMissingAuthorization(headers["Authorization"])) {
            debug("401: the authorizer recovered; retrying once");
            retryingAfter401 = true;
            attempt--;
            continue;
          }
        }
        if (response.status < 400) return response;
        const failure: AttemptFailure = {
          error: new this.#errorClass({
            method,
            url: redactUrl(url),
            httpStatus: response.status,
            headers: response.headers,
            text: response.text,
            data: response.data,
            scrub,
          }),
          retryable: RETRYABLE_STATUSES.has(response.status) && canResend,
          delayMs: parseRetryAfter(response.headers.get("retry-after")),
        };
        await this.#maybeWait(failure, attempt, maxAttempts, options.signal, method, url);
        continue;
      }
      if (debug.enabled) {
        debug(
          `${method} ${scrub(redactUrl(url))} -> ${outcome.failure.error.name} in ${msSince(started)}ms (attempt ${attempt})`,
        );
      }
      await this.#maybeWait(outcome.failure, attempt, maxAttempts, options.signal, method, url);
    }
  }

  /** Throws the failure's error unless another attempt is allowed, in which case it waits. */
  async #maybeWait(
    failure: AttemptFailure,
    attempt: number,
    maxAttempts: number,
    signal: AbortSignal | undefined,
    method: string,
    url: string,
  ): Promise<void> {
    if (!failure.retryable || attempt >= maxAttempts) throw failure.error;
    const backoff = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    const delay =
      failure.delayMs !== undefined
        ? Math.min(failure.delayMs, this.#retry.maxRetryAfterMs)
        : Math.random() * backoff;
    debug(`retrying in ${Math.round(delay)}ms`);
    try {
      await sleep(delay, signal);
    } catch {
      throw this.#aborted(method, url, signal?.reason);
    }
  }

  #aborted(method: string, url: string, reason: unknown): RequestAbortedError {
    return new RequestAbortedError(`${method} ${redactUrl(url)} was aborted by the caller.`, {
      cause: reason,
    });
  }

  async #attempt<T>(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    limits: { timeoutMs: number; maxResponseBytes: number },
    callerSignal: AbortSignal | undefined,
    scrub: (text: string) => string,
    canResend: boolean,
  ): Promise<{ response: GlobusResponse<T> } | { failure: AttemptFailure }> {
    let raw: RawResponse;
    try {
      raw = await exchange(url, { method, headers, body, ...limits, signal: callerSignal });
    } catch (error) {
      return { failure: this.#exchangeFailure(error, method, url, limits, scrub, canResend) };
    }
    const shownUrl = url.includes("?") ? scrub(redactUrl(url)) : url;
    const text = raw.text;
    let data: unknown;
    if (text.length > 0 && isJson(headerValue(raw, "content-type"))) {
      try {
        data = JSON.parse(text);
      } catch {
        const error = new MalformedResponseError(
          `${method} ${shownUrl} returned HTTP ${raw.status} with a body that is not valid JSON (${text.length} bytes).`,
          { method, url: shownUrl },
        );
        // An error status with a broken body is still that error; a success status is not.
        if (raw.status < 400) return { failure: { error, retryable: canResend } };
      }
    }
    return { response: new DecodedResponse<T>(method, shownUrl, raw, data as T) };
  }

  #exchangeFailure(
    error: unknown,
    method: string,
    url: string,
    limits: { timeoutMs: number; maxResponseBytes: number },
    scrub: (text: string) => string,
    canResend: boolean,
  ): AttemptFailure {
    const { timeoutMs } = limits;
    const shownUrl = scrub(redactUrl(url));
    const failure = error instanceof ExchangeFailure ? error : undefined;
    if (failure?.kind === "aborted") {
      return { error: this.#aborted(method, url, failure.cause), retryable: false };
    }
    // neither is worth another attempt: the same request meets the same answer
    if (failure?.kind === "too-large") {
      return {
        error: new ResponseTooLargeError(
          `${method} ${shownUrl} answered with more than ${limits.maxResponseBytes} bytes (maxResponseBytes); the connection was dropped.`,
          { method, url: shownUrl, limitBytes: limits.maxResponseBytes },
        ),
        retryable: false,
      };
    }
    if (failure?.kind === "redirect") {
      return {
        error: new RedirectRefusedError(`${method} ${shownUrl}: ${failure.message}.`, {
          method,
          url: shownUrl,
          location: failure.location ?? "",
        }),
        retryable: false,
      };
    }
    if (failure?.kind === "timeout") {
      return {
        error: new TimeoutError(`${method} ${shownUrl} timed out after ${timeoutMs}ms.`, {
          method,
          url: shownUrl,
          timeoutMs,
          cause: error,
        }),
        retryable: canResend,
      };
    }
    const detail = failure?.code ?? scrub(error instanceof Error ? error.message : "unknown error");
    return {
      error: new NetworkError(`${method} ${shownUrl} failed: ${detail}.`, {
        method,
        url: shownUrl,
        cause: error,
      }),
      retryable: canResend || failure?.notSent === true,
    };
  }
}

/** A response header, the first value when it was sent more than once. */
/** `base` with `extra` over it, names compared case-insensitively; a new object. */
function mergeHeaders(
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out = { ...base };
  if (!extra) return out;
  for (const [name, value] of Object.entries(extra)) {
    const lower = name.toLowerCase();
    for (const key of Object.keys(out)) if (key.toLowerCase() === lower) delete out[key];
    out[name] = value;
  }
  return out;
}

function headerValue(raw: RawResponse, name: string): string | null {
  return rawHeader(raw.rawHeaders, name) ?? null;
}

function toHeaders(rawHeaders: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    headers.append(rawHeaders[i]!, rawHeaders[i + 1]!);
  return headers;
}

/**
 * A decoded response. Plain fields and a class getter, with no closure over the exchange:
 * such a closure kept each response's context alive through young-generation collections,
 * costing more per call than the rest of the transport.
 */
class DecodedResponse<T> implements GlobusResponse<T> {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly data: T;
  readonly text: string;
  readonly requestId: string | undefined;
  readonly #rawHeaders: string[];
  #headers: Headers | undefined;

  constructor(method: string, url: string, raw: RawResponse, data: T) {
    this.method = method;
    this.url = url;
    this.status = raw.status;
    this.data = data;
    this.text = raw.text;
    this.#rawHeaders = raw.rawHeaders;
    const fromBody = (data as { request_id?: unknown } | undefined)?.request_id;
    this.requestId =
      headerValue(raw, "x-request-id") ?? (typeof fromBody === "string" ? fromBody : undefined);
  }

  /** The response headers, built on first use: most callers never look. */
  get headers(): Headers {
    this.#headers ??= toHeaders(this.#rawHeaders);
    return this.#headers;
  }
}

/** Milliseconds since a `performance.now()` reading, for debug lines. */
function msSince(started: number): string {
  return (performance.now() - started).toFixed(1);
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /[/+]json\b/i.test(contentType);
}

/**
 * A request body as JSON, or a usage error that says why it cannot be: a cycle, a BigInt,
 * or a value whose `toJSON` throws would otherwise surface as a bare TypeError.
 */
function jsonBody(value: unknown, method: string, path: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const why = /circular/i.test(reason)
      ? "it refers to itself (a cycle)"
      : /bigint/i.test(reason)
        ? "it contains a BigInt (send it as a string or a number)"
        : `it cannot be serialised (${reason})`;
    throw new GlobusSDKUsageError(`The JSON body of ${method} ${path} cannot be sent: ${why}.`, {
      cause: error,
    });
  }
}
