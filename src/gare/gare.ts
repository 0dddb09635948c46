/**
 * Globus Auth Requirements Errors (GAREs): what a Globus service sends when a request needs
 * more authorization (a consent, MFA, a policy, a particular identity). This module turns
 * every shape Globus services use into one normalised {@link GARE}.
 *
 * Pure: it depends on no other part of the SDK, so the transport can use it.
 */
import {
  authorizationParameters,
  authorizationParametersToJSON,
  type GlobusAuthorizationParameters,
  type GlobusAuthorizationParametersInput,
  isPlainRecord,
  normaliseRecord,
} from "./authorization-parameters.ts";

/** A Globus Auth Requirements Error, normalised from whichever variant a service sent. */
export interface GARE {
  /** The error code, e.g. `ConsentRequired` or `AuthorizationRequired`. */
  readonly code: string;
  readonly authorization_parameters: GlobusAuthorizationParameters;
  /** Other top-level fields of the error document (message, request_id, ...). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** The code a GARE gets when the service sent authorization parameters without one. */
export const DEFAULT_GARE_CODE = "AuthorizationRequired";

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

function freezeGare(
  code: string,
  params: GlobusAuthorizationParameters,
  extra: Record<string, unknown> | undefined,
): GARE {
  return Object.freeze({
    code,
    authorization_parameters: params,
    extra: extra && Object.keys(extra).length > 0 ? Object.freeze(extra) : EMPTY,
  });
}

/** Own entries except the named keys, as a fresh object ("__proto__" stays an own key). */
function without(record: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** The standard form: `{ code, authorization_parameters: {...} }`, strictly typed. */
function parseStandard(doc: Record<string, unknown>): GARE | null {
  const code = doc["code"];
  const rawParams = doc["authorization_parameters"];
  if (typeof code !== "string" || !isPlainRecord(rawParams)) return null;
  const params = normaliseRecord(without(rawParams, "extra"), {
    lenientLists: false,
    legacyPrompt: false,
  });
  if (typeof params === "string") return null;
  return freezeGare(
    code,
    withRawExtra(params, rawParams),
    without(doc, "code", "authorization_parameters"),
  );
}

/**
 * An `extra` key inside authorization_parameters is data from the service, not our own
 * `extra` bag, so it is kept as an unknown field.
 */
function withRawExtra(
  params: GlobusAuthorizationParameters,
  raw: Record<string, unknown>,
): GlobusAuthorizationParameters {
  if (!Object.hasOwn(raw, "extra")) return params;
  const extra = Object.fromEntries([
    ...Object.entries(params.extra ?? {}),
    ["extra", raw["extra"]],
  ]);
  return Object.freeze({ ...params, extra: Object.freeze(extra) });
}

/**
 * The legacy authorization-parameters form: `code` optional (defaults to
 * AuthorizationRequired), policy and domain lists possibly comma-separated strings, and
 * `prompt` only `login`.
 */
function parseLegacyAuthorizationParameters(doc: Record<string, unknown>): GARE | null {
  const rawParams = doc["authorization_parameters"];
  if (!isPlainRecord(rawParams)) return null;
  const rawCode = doc["code"];
  let code = DEFAULT_GARE_CODE;
  if (typeof rawCode === "string") {
    if (rawCode !== "") code = rawCode;
  } else if (rawCode !== undefined && rawCode !== null) return null;
  const params = normaliseRecord(without(rawParams, "extra"), {
    lenientLists: true,
    legacyPrompt: true,
  });
  if (typeof params === "string") return null;
  return freezeGare(
    code,
    withRawExtra(params, rawParams),
    without(doc, "code", "authorization_parameters"),
  );
}

/** Transfer's legacy consent error: `{ code: "ConsentRequired", required_scopes: [...] }`. */
function parseTransferConsentRequired(doc: Record<string, unknown>): GARE | null {
  const scopes = doc["required_scopes"];
  if (doc["code"] !== "ConsentRequired" || !isStringList(scopes)) return null;
  const message = doc["message"];
  const params = authorizationParameters({
    required_scopes: scopes,
    session_message: typeof message === "string" ? message : undefined,
  });
  return freezeGare("ConsentRequired", params, without(doc, "code", "required_scopes"));
}

/** Legacy Transfer action providers: `{ code: "ConsentRequired", required_scope: "..." }`. */
function parseActionProviderConsentRequired(doc: Record<string, unknown>): GARE | null {
  const scope = doc["required_scope"];
  if (doc["code"] !== "ConsentRequired" || typeof scope !== "string") return null;
  const description = doc["description"];
  const nested = doc["authorization_parameters"];
  const params = authorizationParameters({
    required_scopes: [scope],
    session_message: typeof description === "string" ? description : undefined,
    extra: isPlainRecord(nested)
      ? without(nested, "required_scopes", "session_message")
      : undefined,
  });
  return freezeGare(
    "ConsentRequired",
    params,
    without(doc, "code", "required_scope", "authorization_parameters"),
  );
}

/** Globus Auth's `{ error: "dependent_consent_required", errors: [{ unapproved_scopes }] }`. */
function parseDependentConsentRequired(doc: Record<string, unknown>): GARE | null {
  if (doc["error"] !== "dependent_consent_required") return null;
  const errors = doc["errors"];
  if (!Array.isArray(errors)) return null;
  const first: unknown = errors[0];
  if (!isPlainRecord(first)) return null;
  const scopes = first["unapproved_scopes"] ?? [];
  if (!isStringList(scopes)) return null;
  return freezeGare("ConsentRequired", authorizationParameters({ required_scopes: scopes }), {});
}

/** One document, every variant, the standard form first (the same order as Globus's SDK). */
function parseDocument(doc: unknown): GARE | null {
  if (!isPlainRecord(doc)) return null;
  return (
    parseStandard(doc) ??
    parseLegacyAuthorizationParameters(doc) ??
    parseTransferConsentRequired(doc) ??
    parseActionProviderConsentRequired(doc) ??
    parseDependentConsentRequired(doc)
  );
}

/**
 * Where services nest a GARE inside a larger document: `errors[]` (JSON:API style, first
 * match wins), Flows' `error` object, and a Timer's `inactive_reason.detail`.
 */
function* nestedDocuments(doc: Record<string, unknown>): Generator<unknown> {
  const errors = doc["errors"];
  if (Array.isArray(errors)) yield* errors;
  const flowsError = doc["error"];
  if (isPlainRecord(flowsError)) yield flowsError;
  const inactive = doc["inactive_reason"];
  if (isPlainRecord(inactive)) yield inactive["detail"];
}

/**
 * Parses a GARE out of an error body in any Globus variant: the standard
 * `authorization_parameters` form, the legacy forms (Transfer `ConsentRequired` with
 * `required_scopes`, action providers' `required_scope`, comma-separated policies, Auth's
 * `dependent_consent_required`) and GAREs nested in `errors[]`, a Flows `error` object or a
 * Timer's `inactive_reason`. Returns null for anything else. Never throws.
 */
export function parseGare(data: unknown): GARE | null {
  try {
    const root = parseDocument(data);
    if (root !== null || !isPlainRecord(data)) return root;
    for (const nested of nestedDocuments(data)) {
      const gare = parseDocument(nested);
      if (gare !== null) return gare;
    }
    return null;
  } catch {
    // Plain data cannot get here; exotic inputs (throwing getters, revoked proxies) can,
    // and junk must never turn into an exception.
    return null;
  }
}

/** Whether `data` holds a GARE in any Globus variant. Never throws. */
export function isGare(data: unknown): boolean {
  return parseGare(data) !== null;
}

/**
 * Anything a GARE can come from: an error body, a `GlobusAPIError`-like object (with
 * `data`), or an `errors[]` entry object (with `raw`).
 */
export type GareSource = unknown;

/**
 * Like {@link parseGare}, but also accepts a `GlobusAPIError` (reads its parsed body, `data`)
 * or one of its `errors[]` entries (reads `raw`), so callers need not unwrap them. Never throws.
 */
export function toGare(source: GareSource): GARE | null {
  try {
    if (source instanceof Error && "data" in source) {
      return parseGare((source as { data: unknown }).data);
    }
    const direct = parseGare(source);
    if (direct !== null || source === null || typeof source !== "object") return direct;
    // An `errors[]` entry of a GlobusAPIError keeps the service's object in `raw`.
    const raw = (source as { raw?: unknown }).raw;
    return isPlainRecord(raw) ? parseGare(raw) : null;
  } catch {
    return null;
  }
}

/**
 * Every GARE in a list of sources, skipping those that hold none. An API error (anything
 * with `data`) that lists several errors (`errors[]`) gives one GARE for each of them that
 * holds one, and its root document's own when it has one, as the Python SDK's `to_gares`.
 * Never throws.
 */
export function toGares(sources: Iterable<GareSource>): GARE[] {
  const out: GARE[] = [];
  for (const source of sources) {
    try {
      const data =
        source instanceof Error && "data" in source
          ? (source as { data: unknown }).data
          : undefined;
      const errors = isPlainRecord(data) ? data["errors"] : undefined;
      if (Array.isArray(errors)) {
        for (const entry of errors) {
          const gare = parseGare(entry);
          if (gare) out.push(gare);
        }
        const root = parseDocument(data);
        if (root) out.push(root);
        continue;
      }
    } catch {
      // an exotic input holds no GARE
    }
    const gare = toGare(source);
    if (gare) out.push(gare);
  }
  return out;
}

/** Whether any of the sources holds a GARE (see {@link toGare}). Never throws. */
export function hasGares(sources: Iterable<GareSource>): boolean {
  for (const source of sources) if (toGare(source) !== null) return true;
  return false;
}

/**
 * Builds a GARE from its parts, normalising the parameters (throws
 * `AuthorizationParametersError` for a wrongly typed field).
 */
export function createGare(init: {
  code?: string;
  authorization_parameters: GlobusAuthorizationParametersInput | GlobusAuthorizationParameters;
  extra?: Record<string, unknown>;
}): GARE {
  return freezeGare(
    init.code ?? DEFAULT_GARE_CODE,
    authorizationParameters(init.authorization_parameters),
    init.extra ? without(init.extra, "code", "authorization_parameters") : undefined,
  );
}

/**
 * The standard JSON form of a GARE, with empty parameters omitted. `includeExtra` adds the
 * unknown fields back, at the top level and inside `authorization_parameters`.
 */
export function gareToJSON(
  gare: GARE,
  options: { includeExtra?: boolean } = {},
): Record<string, unknown> {
  const base: [string, unknown][] = [
    ["code", gare.code],
    [
      "authorization_parameters",
      authorizationParametersToJSON(gare.authorization_parameters, options),
    ],
  ];
  const extra = options.includeExtra
    ? Object.entries(gare.extra).filter(
        ([key]) => key !== "code" && key !== "authorization_parameters",
      )
    : [];
  return Object.fromEntries([...extra, ...base]);
}
