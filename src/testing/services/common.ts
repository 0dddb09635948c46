/**
 * Helpers shared by the emulator's service modules: time formats, paging markers,
 * query-parameter parsing and principal URNs.
 */
import { randomBytes } from "node:crypto";
import type { EmulatorHttpError } from "../types.ts";

/** Builds the service's error body; thrown errors reuse it so every error looks alike. */
export type ErrorBuilder = (status: number, code: string, message: string) => EmulatorHttpError;

/** An ISO 8601 time with an explicit `+00:00` offset, as Globus services write it. */
export function isoTime(epochSeconds: number): string {
  return new Date(Math.round(epochSeconds * 1000)).toISOString().replace("Z", "+00:00");
}

/** Transfer's file listing time format: `2021-10-06 19:33:08+00:00`. */
export function transferFileTime(epochSeconds: number): string {
  return isoTime(Math.floor(epochSeconds)).replace("T", " ").replace(".000", "");
}

/** Short request ids like Transfer's (`7HgMVYazI`). */
export function shortRequestId(): string {
  return randomBytes(7).toString("base64url").slice(0, 9);
}

export function identityUrn(identityId: string): string {
  return `urn:globus:auth:identity:${identityId}`;
}

/** Role lists accept both bare identity ids and URNs; the wire always carries URNs. */
export function toPrincipalUrns(values: readonly string[] | undefined): string[] {
  return (values ?? []).map((value) =>
    /^[0-9a-f-]{36}$/i.test(value) ? identityUrn(value) : value,
  );
}

/**
 * An opaque paging marker. It carries the listing's own parameters so the next call
 * needs nothing but `marker`, as Globus's marker APIs behave.
 */
export function encodeMarker(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

export function decodeMarker(marker: string, fail: ErrorBuilder): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(marker, "base64url").toString("utf8"));
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through to the error below
  }
  throw fail(400, "BadRequest", `Invalid marker '${marker}'`);
}

/** An integer query parameter with bounds; anything else is a 400 in the service's format. */
export function intParam(
  query: URLSearchParams,
  name: string,
  options: { default: number; min: number; max: number },
  fail: ErrorBuilder,
): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return options.default;
  if (!/^-?\d+$/.test(raw)) {
    throw fail(400, "BadRequest", `Invalid value for '${name}': '${raw}' is not an integer`);
  }
  const value = Number(raw);
  if (value < options.min || value > options.max) {
    throw fail(
      400,
      "BadRequest",
      `Invalid value for '${name}': ${value} is not between ${options.min} and ${options.max}`,
    );
  }
  return value;
}

/** Globus services read `1`, `true`, `True` as true and `0`, `false` as false. */
export function boolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  return !["0", "false", "no"].includes(raw.toLowerCase());
}

/** Comma-separated and repeated query values, flattened. */
export function listParam(query: URLSearchParams, ...names: string[]): string[] {
  const values: string[] = [];
  for (const name of names) {
    for (const raw of query.getAll(name)) {
      for (const part of raw.split(",")) {
        const trimmed = part.trim();
        if (trimmed) values.push(trimmed);
      }
    }
  }
  return values;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads a JSON object body or answers 400 in the service's format. */
export function objectBody(json: () => unknown, fail: ErrorBuilder): Record<string, unknown> {
  const body = json();
  if (!isRecord(body)) throw fail(400, "BadRequest", "The request body must be a JSON object");
  return body;
}

export function optionalString(
  body: Record<string, unknown>,
  name: string,
  fail: ErrorBuilder,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw fail(400, "BadRequest", `'${name}' must be a string`);
  return value;
}

export function optionalStringList(
  body: Record<string, unknown>,
  name: string,
  fail: ErrorBuilder,
): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw fail(400, "BadRequest", `'${name}' must be a list of strings`);
  }
  return value as string[];
}

/** Case-insensitive "does any of these texts contain the query". */
export function matchesFulltext(query: string, ...texts: unknown[]): boolean {
  const needle = query.toLowerCase();
  return texts.some((text) => {
    if (typeof text === "string") return text.toLowerCase().includes(needle);
    if (Array.isArray(text)) return text.some((item) => matchesFulltext(query, item));
    return false;
  });
}

/** Parses `field ASC`/`field DESC` sort clauses into a comparator over records. */
export function orderByComparator<T>(
  clauses: readonly string[],
  allowed: readonly string[],
  read: (item: T, field: string) => unknown,
  fail: ErrorBuilder,
): ((a: T, b: T) => number) | undefined {
  if (clauses.length === 0) return undefined;
  const parsed = clauses.map((clause) => {
    const [field = "", direction = "ASC"] = clause.trim().split(/\s+/);
    if (!allowed.includes(field)) {
      throw fail(400, "BadRequest", `Cannot order by '${field}'; allowed: ${allowed.join(", ")}`);
    }
    const upper = direction.toUpperCase();
    if (upper !== "ASC" && upper !== "DESC") {
      throw fail(400, "BadRequest", `Invalid order direction '${direction}'`);
    }
    return { field, sign: upper === "DESC" ? -1 : 1 };
  });
  return (a, b) => {
    for (const { field, sign } of parsed) {
      const left = read(a, field);
      const right = read(b, field);
      const result = compareValues(left, right);
      if (result !== 0) return result * sign;
    }
    return 0;
  };
}

function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === undefined || left === null) return -1;
  if (right === undefined || right === null) return 1;
  if (typeof left === "number" && typeof right === "number") return left - right;
  return String(left).localeCompare(String(right));
}

/** `PermissionDenied` -> `PERMISSION_DENIED`, for services that write codes that way. */
export function upperSnake(code: string): string {
  return code
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[.\s-]+/g, "_")
    .toUpperCase();
}

/**
 * Flows and Timers name a missing scope `MISSING_SCOPE` and a bad token `UNAUTHORIZED`;
 * other core codes become upper snake case.
 */
export function automateCode(code: string): string {
  if (code === "PermissionDenied") return "MISSING_SCOPE";
  if (code === "AuthenticationFailed") return "UNAUTHORIZED";
  return upperSnake(code);
}
