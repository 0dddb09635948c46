/**
 * Flows' error documents: `{error: {code, detail[, message]}, debug_id}`. Validation
 * failures (422) list FastAPI-style `{loc, msg, type}` details and sum them up in
 * `error.message`; run input failures (400 `FLOW_INPUT_ERROR`) do the same for the input.
 */
import { EmulatorHttpError } from "../../types.ts";
import { automateCode, type ErrorBuilder } from "../common.ts";

/** One failed check, located by the keys that led to it. */
export interface LocatedProblem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export function flowsErrorBody(code: string, detail: unknown, debugId: string, message?: string) {
  const error = message === undefined ? { code, detail } : { code, detail, message };
  return { error, debug_id: debugId };
}

/** `["definition", "States", "Step1"]` as `$.definition.States.Step1`; indexes as `[0]`. */
function jsonPathOf(loc: readonly (string | number)[]): string {
  return loc.reduce<string>(
    (path, key) => (typeof key === "number" ? `${path}[${key}]` : `${path}.${key}`),
    "$",
  );
}

/** The error builders of the Flows emulator, each answer with a fresh `debug_id`. */
export class FlowsErrors {
  readonly #newId: () => string;

  constructor(newId: () => string) {
    this.#newId = newId;
  }

  /** A plain error: `detail` is the message. */
  readonly fail: ErrorBuilder = (status, code, message) =>
    new EmulatorHttpError(status, flowsErrorBody(automateCode(code), message, this.#newId()));

  /**
   * A 422 for a body that failed validation. The summary follows the recorded one for a
   * single problem (`1 validation error in body. $.a.b: msg`); several are joined by `; `.
   */
  validation(problems: readonly LocatedProblem[]): EmulatorHttpError {
    const count = problems.length;
    const summary = `${count} validation error${count === 1 ? "" : "s"} in body. ${problems
      .map((problem) => `${jsonPathOf(problem.loc)}: ${problem.msg}`)
      .join("; ")}`;
    return new EmulatorHttpError(
      422,
      flowsErrorBody("UNPROCESSABLE_ENTITY", problems, this.#newId(), summary),
    );
  }

  /** A 400 for run input that does not fit the flow's input schema. */
  input(problems: readonly LocatedProblem[]): EmulatorHttpError {
    const count = problems.length;
    return new EmulatorHttpError(
      400,
      flowsErrorBody(
        "FLOW_INPUT_ERROR",
        problems,
        this.#newId(),
        `Input failed schema validation with ${count} error${count === 1 ? "" : "s"}.`,
      ),
    );
  }

  /** A 403 naming the permission the caller lacks on a flow, as Flows words it. */
  missingPermission(flowId: string, permission: string): EmulatorHttpError {
    return this.fail(
      403,
      "FORBIDDEN",
      `You do not have the necessary permissions to perform this action on the flow with id value ${flowId}. Missing permissions: ${permission}.`,
    );
  }

  notFound(kind: string, id: string): EmulatorHttpError {
    return this.fail(404, "NOT_FOUND", `No ${kind} exists with id value ${id}`);
  }
}
