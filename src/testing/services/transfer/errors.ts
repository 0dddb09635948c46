/**
 * Transfer's answers that are not documents: its error body `{code, message, request_id,
 * resource}` and its `{DATA_TYPE, code, message, request_id, resource}` results.
 */
import type { EmulatorRequest, ErrorBodyFormatter } from "../../types.ts";
import { EmulatorHttpError } from "../../types.ts";
import { type ErrorBuilder, shortRequestId } from "../common.ts";

/** Transfer's error body, as every recorded error has it (`operation_stat.py` and the rest). */
export function transferErrorBody(resource: string, code: string, message: string) {
  return { code, message, request_id: shortRequestId(), resource };
}

export function formatterFor(request: EmulatorRequest): ErrorBodyFormatter {
  return (_status, code, message) => transferErrorBody(request.path, code, message);
}

/** Throws (via `throw fail(...)`) an error answer in Transfer's format for this request. */
export function failFor(request: EmulatorRequest): ErrorBuilder {
  return (status, code, message) =>
    new EmulatorHttpError(status, transferErrorBody(request.path, code, message));
}

/**
 * A result document (`update_endpoint.py`, `operation_mkdir.py`, ...). `resource` is the
 * request path unless the service names another (cancel names `/task/<id>/cancel`).
 */
export function resultDoc(
  request: EmulatorRequest,
  dataType: string,
  code: string,
  message: string,
  resource: string = request.path,
): Record<string, unknown> {
  return { DATA_TYPE: dataType, code, message, request_id: shortRequestId(), resource };
}
