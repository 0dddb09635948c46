/**
 * The GCS Manager API's wire format: every answer, errors included, is a `result#` envelope
 * with the operation's documents in `data`; listings page by an opaque marker.
 */
import { EmulatorHttpError, type EmulatorRequest } from "../../types.ts";
import { decodeMarker, type ErrorBuilder, encodeMarker, intParam } from "../common.ts";

/** A document: a JSON object with a `DATA_TYPE`. */
export type Doc = Record<string, unknown>;

/** The envelope's optional parts. */
export interface ResultExtras {
  DATA_TYPE?: string;
  code?: string;
  detail?: unknown;
  message?: string | null;
  has_next_page?: boolean;
  marker?: string;
}

/** GCS's `result#1.0.0` envelope around `data`. */
export function result(status: number, data: unknown[], extras: ResultExtras = {}): Doc {
  const { DATA_TYPE = "result#1.0.0", code = "success", detail = "success", ...rest } = extras;
  return {
    DATA_TYPE,
    code,
    detail,
    http_response_code: status,
    has_next_page: false,
    data,
    ...rest,
  };
}

/** A success reply: the status and the envelope. */
export function reply(
  status: number,
  data: unknown[],
  extras?: ResultExtras,
): { status: number; body: Doc } {
  return { status, body: result(status, data, extras) };
}

/** GCS's error codes are snake case; the emulator core names its own in camel case. */
const CORE_CODES: Record<string, string> = {
  AuthenticationFailed: "not_authorized",
  PermissionDenied: "permission_denied",
  NotFound: "not_found",
  BadRequest: "bad_request",
  MethodNotAllowed: "method_not_allowed",
};

function gcsCode(code: string): string {
  return (
    CORE_CODES[code] ??
    code
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .replace(/\./g, "_")
      .toLowerCase()
  );
}

/** The body of a GCS error: the envelope with no documents, as GCS answers a 403. */
export function errorBody(status: number, code: string, message: string, detail: unknown = null) {
  return result(status, [], { code: gcsCode(code), detail, message, marker: "" });
}

/** Throwable GCS errors; `detail` may be a document (`missing_required_role#1.0.0`, ...). */
export function gcsError(
  status: number,
  code: string,
  message: string,
  detail: unknown = null,
): EmulatorHttpError {
  return new EmulatorHttpError(status, errorBody(status, code, message, detail));
}

/** The `ErrorBuilder` the shared helpers (markers, integer parameters) use. */
export const fail: ErrorBuilder = (status, code, message) => gcsError(status, code, message);

/** A 422 naming the property and the problem, with GCS's `invalid_input` detail. */
export function invalid(property: string, problem: string): EmulatorHttpError {
  return gcsError(422, "unprocessable_entity", `Data Validation Error: '${property}' ${problem}`, {
    DATA_TYPE: "invalid_input#1.0.0",
    errors: [{ property, message: problem }],
  });
}

export function notFound(what: string, id: string): EmulatorHttpError {
  return gcsError(404, "not_found", `${what} '${id}' not found`);
}

/**
 * Marker paging over `items`. The marker carries the offset and the page size, so the
 * next call needs only `marker` (GCS's client libraries repeat the filters as well).
 */
export function paged(request: EmulatorRequest, items: readonly Doc[]): Doc {
  const marker = request.query.get("marker");
  const state = marker ? decodeMarker(marker, fail) : {};
  const pageSize =
    typeof state.page_size === "number"
      ? state.page_size
      : intParam(request.query, "page_size", { default: 100, min: 1, max: 1000 }, fail);
  const offset = typeof state.offset === "number" ? state.offset : 0;
  const hasNext = offset + pageSize < items.length;
  return result(200, items.slice(offset, offset + pageSize), {
    has_next_page: hasNext,
    ...(hasNext
      ? { marker: encodeMarker({ offset: offset + pageSize, page_size: pageSize }) }
      : {}),
  });
}
