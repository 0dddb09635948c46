import { describeValue } from "../arguments.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import type { QueryValue } from "./types.ts";

/** Encodes one path segment, so ids with `/`, `?` or `#` cannot escape their place. */
export function encodePathSegment(segment: string | number): string {
  if (typeof segment !== "string" && typeof segment !== "number") {
    throw new GlobusSDKUsageError(
      `A path segment (an id or a name) must be a string, got ${describeValue(segment)}.`,
    );
  }
  const text = String(segment);
  if (text.length === 0) {
    throw new GlobusSDKUsageError("A path segment (an id or a name) must not be empty.");
  }
  return encodeURIComponent(text);
}

/**
 * Tagged template that encodes every interpolated value as a path segment:
 * ``apiPath`/v0.10/endpoint/${id}/ls` ``.
 */
export function apiPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if ((typeof value !== "string" && typeof value !== "number") || value === "") {
      // name the place in the path, since the argument's own name is not known here
      const template = strings.reduce(
        (path, part, j) => (j === 0 ? part : `${path}{id}${part}`),
        "",
      );
      throw new GlobusSDKUsageError(
        `An id for the request path ${template} is missing: got ${describeValue(value)} where a string is needed.`,
      );
    }
    out += encodePathSegment(value) + (strings[i + 1] ?? "");
  }
  return out;
}

function queryValueToString(value: Exclude<QueryValue, null | undefined>): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(",");
  return String(value);
}

/** Builds a query string (without `?`); null and undefined values are left out. */
export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(key, queryValueToString(value as Exclude<QueryValue, null | undefined>));
  }
  return params.toString();
}

/** Joins a base URL and a path with exactly one slash, keeping the base's own path. */
export function joinUrl(baseUrl: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return base + (path.startsWith("/") ? path.slice(1) : path);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Whether a hostname is on this machine (127.0.0.0/8, localhost, ::1). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** https anywhere, or plain http on loopback only. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}

/**
 * Refuses plain-HTTP URLs except on loopback: tokens must never cross a network in clear.
 */
export function assertSecureUrl(url: string, what = "base URL"): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GlobusSDKUsageError(`The ${what} "${url}" is not a valid URL.`);
  }
  if (isSecureUrl(parsed)) return parsed;
  throw new GlobusSDKUsageError(
    `The ${what} "${parsed.origin}" must use https (plain http is allowed only for 127.0.0.1, localhost or ::1).`,
  );
}
