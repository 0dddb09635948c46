/**
 * Compute's request validation and error bodies. Its errors are `ErrorResponse` documents
 * (`{status, code, error_args, http_status_code, detail, reason}`); a request that does not
 * fit the route's schema is a 422 listing each problem as `{loc, msg, type}`: bare
 * (`{detail}`) on the v2 routes, inside an `ErrorResponse` on the v3 ones, as the OpenAPI
 * spec of each route says.
 */

import { EmulatorHttpError } from "../../types.ts";
import type { ErrorBuilder } from "../common.ts";
import { isRecord } from "../common.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Compute's error document. */
export function computeErrorBody(status: number, code: string, detail: string) {
  return {
    status: "error",
    code,
    error_args: [],
    http_status_code: status,
    detail,
    reason: detail,
  };
}

export const computeFail: ErrorBuilder = (status, code, message) =>
  new EmulatorHttpError(status, computeErrorBody(status, code, message));

/** One schema problem, as FastAPI reports it. */
export interface ValidationProblem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** The 422 a route of `version` answers for these problems. */
export function validationError(version: 2 | 3, problems: ValidationProblem[]): EmulatorHttpError {
  if (version === 2) return new EmulatorHttpError(422, { detail: problems });
  return new EmulatorHttpError(422, {
    ...computeErrorBody(422, "UNPROCESSABLE_ENTITY", problems.map((p) => p.msg).join("; ")),
    detail: problems,
    reason: problems,
  });
}

/** A path or query id that must be a UUID (FastAPI's 422 otherwise). */
export function uuidParam(
  version: 2 | 3,
  where: "path" | "query",
  name: string,
  value: string | undefined,
): string {
  if (value !== undefined && UUID.test(value)) return value.toLowerCase();
  throw validationError(version, [
    { loc: [where, name], msg: "Input should be a valid UUID", type: "uuid_parsing" },
  ]);
}

/** A query value that must be one of `values` (FastAPI's 422 otherwise). */
export function enumQuery<T extends string>(
  version: 2 | 3,
  query: URLSearchParams,
  name: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = query.get(name) ?? fallback;
  if ((values as readonly string[]).includes(value)) return value as T;
  throw validationError(version, [
    {
      loc: ["query", name],
      msg: `Input should be ${values.map((v) => `'${v}'`).join(" or ")}`,
      type: "enum",
    },
  ]);
}

/**
 * Reads the fields of a JSON body against a route's schema, collecting every problem; call
 * `done()` to throw them as the route's 422.
 */
export class BodyReader {
  readonly #body: Record<string, unknown>;
  readonly #version: 2 | 3;
  readonly #prefix: (string | number)[];
  readonly #problems: ValidationProblem[];

  constructor(
    body: unknown,
    version: 2 | 3,
    prefix: (string | number)[] = ["body"],
    problems: ValidationProblem[] = [],
  ) {
    this.#version = version;
    this.#prefix = prefix;
    this.#problems = problems;
    if (isRecord(body)) this.#body = body;
    else {
      this.#body = {};
      this.#problem([], "Input should be a valid dictionary", "dict_type");
    }
  }

  #problem(loc: (string | number)[], msg: string, type: string): void {
    this.#problems.push({ loc: [...this.#prefix, ...loc], msg, type });
  }

  has(name: string): boolean {
    return this.#body[name] !== undefined && this.#body[name] !== null;
  }

  #missing(name: string, required: boolean): boolean {
    if (this.has(name)) return false;
    if (required) this.#problem([name], "Field required", "missing");
    return true;
  }

  string(name: string, required: true): string;
  string(name: string, required?: boolean): string | undefined;
  string(name: string, required = false): string | undefined {
    if (this.#missing(name, required)) return undefined;
    const value = this.#body[name];
    if (typeof value === "string") return value;
    this.#problem([name], "Input should be a valid string", "string_type");
    return undefined;
  }

  boolean(name: string, fallback: boolean): boolean {
    if (this.#missing(name, false)) return fallback;
    const value = this.#body[name];
    if (typeof value === "boolean") return value;
    this.#problem([name], "Input should be a valid boolean", "bool_type");
    return fallback;
  }

  integer(name: string, required = false): number | undefined {
    if (this.#missing(name, required)) return undefined;
    const value = this.#body[name];
    if (Number.isInteger(value)) return value as number;
    this.#problem([name], "Input should be a valid integer", "int_type");
    return undefined;
  }

  stringList(name: string): string[] | undefined {
    if (this.#missing(name, false)) return undefined;
    const value = this.#body[name];
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
    this.#problem([name], "Input should be a valid list of strings", "list_type");
    return undefined;
  }

  uuid(name: string, required = false): string | undefined {
    const value = this.string(name, required);
    if (value === undefined) return undefined;
    if (UUID.test(value)) return value.toLowerCase();
    this.#problem([name], "Input should be a valid UUID", "uuid_parsing");
    return undefined;
  }

  uuidList(name: string): string[] | undefined {
    if (this.#missing(name, false)) return undefined;
    const value = this.#body[name];
    if (!Array.isArray(value)) {
      this.#problem([name], "Input should be a valid list", "list_type");
      return undefined;
    }
    const ids: string[] = [];
    value.forEach((item, i) => {
      if (typeof item === "string" && UUID.test(item)) ids.push(item.toLowerCase());
      else this.#problem([name, i], "Input should be a valid UUID", "uuid_parsing");
    });
    return ids;
  }

  /** A nested object, read with its own reader (its problems count here). */
  object(name: string, required = false): BodyReader | undefined {
    if (this.#missing(name, required)) return undefined;
    return new BodyReader(this.#body[name], this.#version, [...this.#prefix, name], this.#problems);
  }

  /** A free-form JSON object. */
  record(name: string): Record<string, unknown> | undefined {
    if (this.#missing(name, false)) return undefined;
    const value = this.#body[name];
    if (isRecord(value)) return value;
    this.#problem([name], "Input should be a valid dictionary", "dict_type");
    return undefined;
  }

  /** The raw value, for fields with their own shape (`tasks`); `check` names a problem. */
  raw(name: string, required: boolean, check: (value: unknown) => string | undefined): unknown {
    if (this.#missing(name, required)) return undefined;
    const value = this.#body[name];
    const problem = check(value);
    if (problem !== undefined) {
      this.#problem([name], problem, "value_error");
      return undefined;
    }
    return value;
  }

  /** Throws the route's 422 when any field did not fit. */
  done(): void {
    if (this.#problems.length > 0) throw validationError(this.#version, this.#problems);
  }
}
