import { GlobusSDKError } from "../errors.ts";
import { type GARE, parseGare } from "../gare/gare.ts";

/** One entry of a Globus `errors[]` list. */
export interface GlobusSubError {
  code: string | undefined;
  message: string | undefined;
  /** The entry as the service sent it. */
  raw: Record<string, unknown>;
}

/** What the transport knows about a failed response. */
export interface APIErrorInit {
  method: string;
  url: string;
  httpStatus: number;
  headers: Headers;
  text: string;
  data: unknown;
  /** Applied to every string the error shows, so no credential is ever printed. */
  scrub?: (text: string) => string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Flows puts validation details in a list of `{ msg, loc }` objects. */
function detailText(detail: unknown): string | undefined {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    const parts = detail
      .map((d) => asString(asRecord(d)?.["msg"]) ?? asString(d))
      .filter((m): m is string => m !== undefined);
    return parts.length > 0 ? parts.join("; ") : undefined;
  }
  return undefined;
}

interface ParsedErrorBody {
  code: string;
  message: string;
  requestId: string | undefined;
  errors: GlobusSubError[];
}

/**
 * Reads every Globus error shape: `{code, message}` (Transfer and most services),
 * `{errors: [...]}` (Auth, Groups, JSON:API style), OAuth's `{error, error_description}`,
 * and Flows' `{error: {code, detail}}`.
 */
export function parseErrorBody(data: unknown, httpStatus: number): ParsedErrorBody {
  const body = asRecord(data);
  const fallback: ParsedErrorBody = {
    code: "Error",
    message: `HTTP ${httpStatus}`,
    requestId: undefined,
    errors: [],
  };
  if (!body) return fallback;
  const requestId = asString(body["request_id"]) ?? asString(body["debug_id"]);
  const errors: GlobusSubError[] = [];
  if (Array.isArray(body["errors"])) {
    for (const entry of body["errors"]) {
      const record = asRecord(entry);
      if (!record) continue;
      errors.push({
        code: asString(record["code"]),
        message:
          asString(record["message"]) ?? asString(record["detail"]) ?? asString(record["title"]),
        raw: record,
      });
    }
  }
  const nested = asRecord(body["error"]);
  if (nested) {
    return {
      code: asString(nested["code"]) ?? fallback.code,
      message: detailText(nested["detail"]) ?? asString(nested["message"]) ?? fallback.message,
      requestId,
      errors,
    };
  }
  if (typeof body["error"] === "string") {
    return {
      code: body["error"],
      message: asString(body["error_description"]) ?? body["error"],
      requestId,
      errors,
    };
  }
  const first = errors[0];
  return {
    code: asString(body["code"]) ?? first?.code ?? fallback.code,
    message:
      asString(body["message"]) ??
      detailText(body["detail"]) ??
      (errors.length > 0
        ? errors
            .map((e) => e.message)
            .filter(Boolean)
            .join("; ") || fallback.message
        : fallback.message),
    requestId,
    errors,
  };
}

/**
 * A Globus service answered with an error status. Carries the status, Globus's error
 * `code` and message, the request id, any `errors[]`, and the raw body and headers.
 * Credentials the request carried are scrubbed from every field it shows.
 */
export class GlobusAPIError extends GlobusSDKError {
  override name = "GlobusAPIError";
  readonly httpStatus: number;
  readonly code: string;
  /** Globus's own error message, without the request summary. */
  readonly errorMessage: string;
  readonly requestId: string | undefined;
  readonly errors: readonly GlobusSubError[];
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  /** The raw body text. */
  readonly text: string;
  /** The parsed JSON body, or undefined. */
  readonly data: unknown;

  constructor(init: APIErrorInit) {
    const scrub = init.scrub ?? ((t: string) => t);
    const data = scrubDeep(init.data, scrub);
    const parsed = parseErrorBody(data, init.httpStatus);
    const errorMessage = parsed.message;
    super(
      `${init.method} ${scrub(init.url)} failed with HTTP ${init.httpStatus} (${parsed.code}): ${errorMessage}`,
    );
    this.httpStatus = init.httpStatus;
    this.code = parsed.code;
    this.errorMessage = errorMessage;
    this.requestId = parsed.requestId;
    this.errors = parsed.errors;
    this.method = init.method;
    this.url = scrub(init.url);
    this.headers = scrubHeaders(init.headers, scrub);
    this.text = scrub(init.text);
    this.data = data;
  }

  /**
   * The authorization requirements error (GARE) in this response, in any of Globus's
   * variants, or null. Pass its `authorization_parameters` to `app.login({ authParams })`.
   */
  gare(): GARE | null {
    return parseGare(this.data);
  }
}

/** A copy of `headers` with `scrub` applied to every value (a server may echo a token). */
function scrubHeaders(headers: Headers, scrub: (text: string) => string): Headers {
  const out = new Headers();
  headers.forEach((value, name) => {
    out.append(name, scrub(value));
  });
  return out;
}

/** Applies `scrub` to every string inside a parsed JSON value. */
function scrubDeep(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, scrub);
    return out;
  }
  return value;
}

/** An error from Globus Auth (OAuth errors included: `code` is e.g. `invalid_grant`). */
export class AuthAPIError extends GlobusAPIError {
  override name = "AuthAPIError";
}
/** An error from Globus Transfer. */
export class TransferAPIError extends GlobusAPIError {
  override name = "TransferAPIError";
}
/** An error from Globus Flows. */
export class FlowsAPIError extends GlobusAPIError {
  override name = "FlowsAPIError";
}
/** An error from Globus Groups. */
export class GroupsAPIError extends GlobusAPIError {
  override name = "GroupsAPIError";
}
/** An error from Globus Search. */
export class SearchAPIError extends GlobusAPIError {
  override name = "SearchAPIError";

  /**
   * Search's `error_data` (a cause and advice, say): the Python SDK's `error_data`, an
   * object or a list, undefined when the body has none.
   */
  get errorData(): Record<string, unknown> | unknown[] | undefined {
    const value = (this.data as { error_data?: unknown } | undefined)?.error_data;
    return value !== null && typeof value === "object"
      ? (value as Record<string, unknown> | unknown[])
      : undefined;
  }
}
/** An error from Globus Timers. */
export class TimersAPIError extends GlobusAPIError {
  override name = "TimersAPIError";
}
/** An error from Globus Compute. */
export class ComputeAPIError extends GlobusAPIError {
  override name = "ComputeAPIError";
}
/** An error from a Globus Connect Server endpoint. */
export class GCSAPIError extends GlobusAPIError {
  override name = "GCSAPIError";
}

/** The constructor a client uses for its service's errors. */
export type APIErrorClass = new (init: APIErrorInit) => GlobusAPIError;

/** The request never got a usable response: refused, reset, DNS failure, or a broken body. */
export class NetworkError extends GlobusSDKError {
  override name = "NetworkError";
  readonly method: string;
  readonly url: string;
  constructor(message: string, init: { method: string; url: string; cause?: unknown }) {
    super(message, { cause: init.cause });
    this.method = init.method;
    this.url = init.url;
  }
}

/**
 * The response body (decoded) was larger than the limit (`maxResponseBytes`, 64 MiB by
 * default): the connection was dropped. Raise the limit for the client or the call if the
 * answer is expected to be that large.
 */
export class ResponseTooLargeError extends NetworkError {
  override name = "ResponseTooLargeError";
  readonly limitBytes: number;
  constructor(message: string, init: { method: string; url: string; limitBytes: number }) {
    super(message, init);
    this.limitBytes = init.limitBytes;
  }
}

/**
 * A 307/308 redirect pointed at another origin and would have resent the request's body or
 * credentials there; it was not followed. `location` names where it pointed.
 */
export class RedirectRefusedError extends NetworkError {
  override name = "RedirectRefusedError";
  readonly location: string;
  constructor(message: string, init: { method: string; url: string; location: string }) {
    super(message, init);
    this.location = init.location;
  }
}

/** The service sent a success status with a body that is not the JSON it promised. */
export class MalformedResponseError extends NetworkError {
  override name = "MalformedResponseError";
}

/** An attempt took longer than its timeout. */
export class TimeoutError extends NetworkError {
  override name = "TimeoutError";
  readonly timeoutMs: number;
  constructor(
    message: string,
    init: { method: string; url: string; timeoutMs: number; cause?: unknown },
  ) {
    super(message, init);
    this.timeoutMs = init.timeoutMs;
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. */
export class RequestAbortedError extends GlobusSDKError {
  override name = "AbortError";
}
