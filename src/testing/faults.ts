/** Fault injection rules and the request log. */

/** What an injected fault does to a matching request. */
export type FaultKind = "status" | "reset" | "stall" | "truncate" | "latency";

/** A fault rule. Unset matchers match everything (admin `/_emulator/` paths are never faulted). */
export interface FaultSpec {
  kind: FaultKind;
  /** HTTP method to match (case-insensitive). */
  method?: string;
  /** Mount name to match, e.g. "auth" or "transfer". */
  service?: string;
  /**
   * Path prefix to match. Below the mount when `service` is set (`/v2/oauth2/token`),
   * otherwise the full request path (`/auth/v2/oauth2/token`).
   */
  path?: string;
  /** For `status`: 500, 502, 503, 429 (any 4xx/5xx is accepted). Default 503. */
  status?: number;
  /** Seconds for a `Retry-After` header on a `status` fault. */
  retryAfter?: number;
  /** For `latency`: delay before the request is handled. */
  latencyMs?: number;
  /** For `stall`: how long to hold the request before handling it normally (default: forever). */
  stallMs?: number;
  /** Fire this many times, then remove the rule. */
  count?: number;
  /** Fire with this probability (0..1) on each matching request. Default 1. */
  rate?: number;
}

/** A registered fault, with how often it fired. */
export interface FaultRule extends FaultSpec {
  readonly id: string;
  fired: number;
}

const KINDS = new Set<FaultKind>(["status", "reset", "stall", "truncate", "latency"]);

/** Checks a fault spec from a test or an HTTP control; returns a message naming the problem. */
export function faultSpecProblem(spec: unknown): string | undefined {
  if (typeof spec !== "object" || spec === null) return "a fault must be a JSON object";
  const s = spec as Record<string, unknown>;
  if (!KINDS.has(s.kind as FaultKind)) {
    return `fault.kind must be one of ${[...KINDS].join(", ")}`;
  }
  for (const key of ["method", "service", "path"]) {
    if (s[key] !== undefined && typeof s[key] !== "string") return `fault.${key} must be a string`;
  }
  if (s.status !== undefined) {
    if (
      typeof s.status !== "number" ||
      !Number.isInteger(s.status) ||
      s.status < 400 ||
      s.status > 599
    ) {
      return "fault.status must be an HTTP error status (400-599)";
    }
  }
  for (const key of ["retryAfter", "latencyMs", "stallMs", "count"]) {
    if (s[key] !== undefined && (typeof s[key] !== "number" || (s[key] as number) < 0)) {
      return `fault.${key} must be a non-negative number`;
    }
  }
  if (s.rate !== undefined && (typeof s.rate !== "number" || s.rate < 0 || s.rate > 1)) {
    return "fault.rate must be a number between 0 and 1";
  }
  return undefined;
}

/** The rules currently active. */
export class FaultTable {
  rules: FaultRule[] = [];
  #next = 1;

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = { ...spec, id: `fault-${this.#next++}`, fired: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Latency faults that apply (all of them) and the first other fault that fires. */
  select(
    method: string,
    service: string,
    subPath: string,
    fullPath: string,
  ): { latencyMs: number; fault?: FaultRule } {
    let latencyMs = 0;
    let fault: FaultRule | undefined;
    if (this.rules.length === 0) return { latencyMs };
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.service && rule.service !== service) continue;
      if (rule.path && !(rule.service ? subPath : fullPath).startsWith(rule.path)) continue;
      if (rule.kind !== "latency" && fault) continue;
      if (rule.rate !== undefined && Math.random() >= rule.rate) continue;
      rule.fired += 1;
      if (rule.kind === "latency") latencyMs += rule.latencyMs ?? 0;
      else fault = rule;
    }
    this.rules = this.rules.filter((rule) => rule.count === undefined || rule.fired < rule.count);
    return fault ? { latencyMs, fault } : { latencyMs };
  }
}

/** One handled request, as the request log records it. Secrets in bodies are redacted. */
export interface RequestLogEntry {
  /** Emulator clock (epoch seconds) when the request arrived. */
  time: number;
  method: string;
  /** The mount name ("auth", "transfer", ...), or "" for unknown mounts. */
  service: string;
  /** The path below the mount, e.g. `/v2/oauth2/token`. */
  path: string;
  query: Record<string, string>;
  /** Parsed form or JSON body (secret fields replaced by "<redacted>"), else undefined. */
  body: unknown;
  status: number;
  /** `grant_type` of token requests. */
  grantType?: string;
  /** Scopes requested (token and authorize calls), split on spaces. */
  scopes?: string[];
  /** The client that made the call: from Basic auth, `client_id`, or the bearer token. */
  clientId?: string;
  /** The injected fault's kind, when one fired. */
  fault?: FaultKind;
  /**
   * With `logResponseBodies`: the JSON body the emulator answered with, its credentials
   * (`access_token`, `refresh_token`, `id_token`, `client_secret`, ...) replaced by
   * `"<redacted>"` at any depth.
   */
  response?: unknown;
}

/** Filters for `controls.requestLog()`. */
export interface RequestLogFilter {
  service?: string;
  /** Prefix of the path below the mount. */
  path?: string;
  method?: string;
  grantType?: string;
  clientId?: string;
  status?: number;
}

export function matchesLogFilter(entry: RequestLogEntry, filter: RequestLogFilter): boolean {
  if (filter.service !== undefined && entry.service !== filter.service) return false;
  if (filter.path !== undefined && !entry.path.startsWith(filter.path)) return false;
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.grantType !== undefined && entry.grantType !== filter.grantType) return false;
  if (filter.clientId !== undefined && entry.clientId !== filter.clientId) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  return true;
}

const SECRET_FIELDS = new Set([
  "client_secret",
  "refresh_token",
  "access_token",
  "token",
  "code",
  "code_verifier",
  "password",
]);

/** Replaces secret-bearing fields of a body object so the log never holds credentials. */
export function redactBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] = SECRET_FIELDS.has(key) ? "<redacted>" : value;
  }
  return out;
}

const RESPONSE_SECRET_FIELDS = new Set([
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "secret",
  "token",
]);

/** A response body with every credential replaced, at any depth; value types are kept. */
export function redactResponseBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactResponseBody);
  if (typeof body !== "object" || body === null) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] =
      RESPONSE_SECRET_FIELDS.has(key) && typeof value === "string"
        ? "<redacted>"
        : redactResponseBody(value);
  }
  return out;
}
