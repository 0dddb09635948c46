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
  const copy = structuredClone(value) as Record<string, unknown>;
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
  return structuredClone(data);
}

const NON_ASCII = /[\u0080-\uffff]/;

/** `\uXXXX` for each non-ASCII UTF-16 unit, as Python's `ensure_ascii` writes them. */
function escapeNonAscii(text: string): string {
  return text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Serialises like Python's `json.dumps` with default settings (`", "` and `": "`
 * separators, non-ASCII escaped), so files we write are the same bytes Python would write
 * for the same data. One `JSON.stringify`, then one pass over its output that widens the
 * separators outside strings and escapes non-ASCII inside them.
 */
export function pythonJsonDumps(value: unknown): string {
  const compact = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "function" ? undefined : v,
  );
  if (compact === undefined) return "null";
  let out = "";
  let from = 0;
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i);
    if (c === 0x22) {
      // a string: copy it whole (escaping non-ASCII), skipping its escaped quotes
      let end = i + 1;
      while (compact.charCodeAt(end) !== 0x22) end += compact.charCodeAt(end) === 0x5c ? 2 : 1;
      const literal = compact.slice(i, end + 1);
      out += compact.slice(from, i) + (NON_ASCII.test(literal) ? escapeNonAscii(literal) : literal);
      i = end;
      from = end + 1;
    } else if (c === 0x2c || c === 0x3a) {
      out += `${compact.slice(from, i + 1)} `;
      from = i + 1;
    }
  }
  return out + compact.slice(from);
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
