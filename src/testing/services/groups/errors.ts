/**
 * Groups' error bodies, as its OpenAPI spec declares them: `{code, detail}` for most errors
 * (`BaseErrorModel`), `{detail: [{loc, msg, type}]}` for a request that fails validation
 * (`HTTPValidationError`, 422), and `{code, detail, ambiguous_identities}` for a batch that
 * names one identity twice (`BadRequestErrorModel`, 400).
 */
import { EmulatorHttpError } from "../../types.ts";
import { type ErrorBuilder, upperSnake } from "../common.ts";

export function groupsErrorBody(code: string, detail: string): { code: string; detail: string } {
  return { code: upperSnake(code), detail };
}

export const fail: ErrorBuilder = (status, code, message) =>
  new EmulatorHttpError(status, groupsErrorBody(code, message));

/** A 422 naming where in the request a value is wrong, e.g. `["body", "add", 0, "role"]`. */
export function invalid(
  loc: readonly (string | number)[],
  msg: string,
  type = "value_error",
): EmulatorHttpError {
  return new EmulatorHttpError(422, { detail: [{ loc, msg, type }] });
}

/** The 400 of a batch that names the same identity in more than one place. */
export function ambiguous(identityIds: string[]): EmulatorHttpError {
  return new EmulatorHttpError(400, {
    code: "AMBIGUOUS_IDENTITIES",
    detail: "Each identity may appear only once across the actions of one request",
    ambiguous_identities: identityIds,
  });
}
