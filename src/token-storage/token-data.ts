import { notJsonReason } from "../arguments.ts";
import type { TokenData } from "./types.ts";

/** The standard fields, in the order the Python SDK writes them. */
export const TOKEN_DATA_FIELDS = [
  "resource_server",
  "identity_id",
  "scope",
  "access_token",
  "refresh_token",
  "expires_at_seconds",
  "token_type",
] as const;

const REQUIRED_STRINGS = ["resource_server", "scope", "access_token"] as const;
const OPTIONAL_STRINGS = ["identity_id", "refresh_token", "token_type"] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Checks one token-data object and returns a normalised copy (absent optional fields
 * become `null`, unknown fields are kept). Returns a description of the first problem
 * instead when the value is not valid token data. Problems never quote token values.
 */
export function checkTokenData(value: unknown): TokenData | string {
  if (!isPlainObject(value)) return "token data is not an object";
  for (const field of REQUIRED_STRINGS) {
    if (typeof value[field] !== "string") return `'${field}' is missing or not a string`;
  }
  for (const field of OPTIONAL_STRINGS) {
    const v = value[field];
    if (v !== undefined && v !== null && typeof v !== "string") {
      return `'${field}' is not a string or null`;
    }
  }
  const expires = value["expires_at_seconds"];
  if (typeof expires !== "number" || !Number.isSafeInteger(expires)) {
    return "'expires_at_seconds' is missing or not an integer";
  }
  const notJson = notJsonReason(value, "token data");
  if (notJson) return notJson;
  const copy = copyJsonValue(value) as Record<string, unknown>;
  for (const field of OPTIONAL_STRINGS) copy[field] ??= null;
  return copy as TokenData;
}

/**
 * The object written to disk for one entry: standard fields first in Python's order,
 * `null` standard fields left out (as Python's `to_dict` does), then any extra fields.
 */
export function toStoredObject(data: TokenData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of TOKEN_DATA_FIELDS) {
    const v = data[field];
    if (v !== null && v !== undefined) out[field] = v;
  }
  for (const [key, v] of Object.entries(data)) {
    if (!(TOKEN_DATA_FIELDS as readonly string[]).includes(key) && v !== undefined) out[key] = v;
  }
  return out;
}

/** A deep copy, so callers never share objects with a storage's internals. */
export function copyTokenData(data: TokenData): TokenData {
  return copyJsonValue(data) as TokenData;
}

/**
 * A deep copy of a JSON value (plain objects, arrays and primitives), far cheaper than
 * `structuredClone` for the small flat objects token data are. Anything else (a Date, a
 * Map) is left to `structuredClone`, which keeps what it is.
 */
function copyJsonValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyJsonValue);
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    copy[key] = copyJsonValue((value as Record<string, unknown>)[key]);
  }
  return copy;
}

// Python's `ensure_ascii` escapes everything outside printable ASCII that JSON.stringify
// leaves as it is: DEL and every non-ASCII UTF-16 unit (a surrogate pair as two escapes)
const NOT_PRINTABLE_ASCII = /[\u007f-\uffff]/;
const NOT_PRINTABLE_ASCII_ALL = /[\u007f-\uffff]/g;

function escapeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Serialises like Python's `json.dumps` with default settings (`", "` and `": "`
 * separators, non-ASCII escaped), so files we write are the same bytes Python would write
 * for the same data. One `JSON.stringify` with one-space indentation, which already
 * writes `": "` and puts every other separator before a line break; the line breaks and
 * indentation then go. JSON.stringify escapes line breaks inside strings, so every raw one
 * is structure, and characters to escape occur only inside strings.
 */
export function pythonJsonDumps(value: unknown): string {
  // functions are dropped (null in lists), as Python cannot hold them either
  const indented = JSON.stringify(value, null, 1);
  if (indented === undefined) return "null";
  const text = indented.replace(/,\n */g, ", ").replace(/\n */g, "");
  return NOT_PRINTABLE_ASCII.test(text) ? text.replace(NOT_PRINTABLE_ASCII_ALL, escapeUnit) : text;
}

/**
 * The single identity in a set of token data: `null` when none carries one, or the
 * list of distinct identities when they disagree.
 */
export function identityOf(
  byResourceServer: Readonly<Record<string, TokenData>>,
): string | null | string[] {
  const ids = new Set<string>();
  for (const data of Object.values(byResourceServer)) {
    if (typeof data.identity_id === "string") ids.add(data.identity_id);
  }
  if (ids.size === 0) return null;
  if (ids.size === 1) return [...ids][0]!;
  return [...ids];
}
