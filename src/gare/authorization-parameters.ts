import { GlobusSDKUsageError } from "../errors.ts";

/**
 * Parameters that steer a Globus Auth login: which identities, domains, policies or MFA the
 * session must have, which scopes need consent, and a message to show the user.
 *
 * Objects of this type produced by this module are normalised and frozen: list fields hold
 * trimmed, de-duplicated, non-empty strings, and a field that would be empty is absent.
 */
export interface GlobusAuthorizationParameters {
  /** A message Globus Auth shows the user during the login. */
  readonly session_message?: string;
  /** Identity ids (or usernames) that must be in the session. */
  readonly session_required_identities?: readonly string[];
  /** Authentication policy ids the session must satisfy. */
  readonly session_required_policies?: readonly string[];
  /** Domains of which one identity in the session must be a member. */
  readonly session_required_single_domain?: readonly string[];
  /** Whether the session must have used multi-factor authentication. */
  readonly session_required_mfa?: boolean;
  /** Scopes that need (new) consent. */
  readonly required_scopes?: readonly string[];
  /** The OIDC `prompt` value (Globus Auth supports `login` and `none`). */
  readonly prompt?: string;
  /** Fields a service sent that this SDK does not know; carried along untouched. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** What {@link authorizationParameters} accepts: the same fields, more loosely typed. */
export interface GlobusAuthorizationParametersInput {
  session_message?: string | null;
  session_required_identities?: readonly string[] | null;
  /** A list, or a comma-separated string (the form some services send). */
  session_required_policies?: readonly string[] | string | null;
  /** A list, or a comma-separated string (the form some services send). */
  session_required_single_domain?: readonly string[] | string | null;
  session_required_mfa?: boolean | null;
  required_scopes?: readonly string[] | null;
  prompt?: string | null;
  extra?: Record<string, unknown> | null;
}

/** A value given as authorization parameters has the wrong type. Names the field. */
export class AuthorizationParametersError extends GlobusSDKUsageError {
  override name = "AuthorizationParametersError";
  /** The offending field. */
  readonly field: string;
  constructor(field: string, expected: string) {
    super(`authorization parameter '${field}' must be ${expected}`);
    this.field = field;
  }
}

/** The field names Globus defines, in the order they are serialised. */
export const AUTHORIZATION_PARAMETER_FIELDS = [
  "session_message",
  "session_required_identities",
  "session_required_policies",
  "session_required_single_domain",
  "session_required_mfa",
  "required_scopes",
  "prompt",
] as const;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(AUTHORIZATION_PARAMETER_FIELDS);

type ListField =
  | "session_required_identities"
  | "session_required_policies"
  | "session_required_single_domain"
  | "required_scopes";

const LIST_FIELDS: readonly ListField[] = [
  "session_required_identities",
  "session_required_policies",
  "session_required_single_domain",
  "required_scopes",
];

/** Only these accept a comma-separated string: legacy Globus services send them that way. */
const COMMA_STRING_FIELDS: ReadonlySet<string> = new Set([
  "session_required_policies",
  "session_required_single_domain",
]);

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Trimmed, non-empty, first occurrence kept: what Auth should see. */
function cleanList(values: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const raw of values) {
    const item = raw.trim();
    if (item !== "") seen.add(item);
  }
  return [...seen];
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/**
 * Builds normalised authorization parameters. List fields are trimmed and de-duplicated,
 * empty strings and empty lists are dropped (an empty list must never reach Globus Auth),
 * and unknown fields go to `extra`. A field of the wrong type throws
 * {@link AuthorizationParametersError}.
 */
export function authorizationParameters(
  input: GlobusAuthorizationParametersInput | GlobusAuthorizationParameters = {},
): GlobusAuthorizationParameters {
  if (!isPlainRecord(input)) {
    throw new AuthorizationParametersError("(root)", "an object");
  }
  const result = normaliseRecord(input, { lenientLists: true, legacyPrompt: false });
  if (typeof result === "string") {
    throw new AuthorizationParametersError(result, FIELD_EXPECTATIONS[result] ?? "valid");
  }
  return result;
}

const FIELD_EXPECTATIONS: Record<string, string> = {
  session_message: "a string or null",
  session_required_identities: "a list of strings or null",
  session_required_policies: "a list of strings, a comma-separated string, or null",
  session_required_single_domain: "a list of strings, a comma-separated string, or null",
  session_required_mfa: "a boolean or null",
  required_scopes: "a list of strings or null",
  prompt: "a string or null",
  extra: "an object or null",
};

/** @internal Options for the shared normaliser. */
export interface NormaliseOptions {
  /** Accept comma-separated strings for the policy and domain lists. */
  lenientLists: boolean;
  /** Only `login` (or nothing) is a valid prompt in the legacy form. */
  legacyPrompt: boolean;
}

/**
 * @internal Shared by the builder and the GARE parser. Returns the normalised parameters,
 * or the name of the first field whose type is wrong. Never throws on plain data.
 */
export function normaliseRecord(
  input: Record<string, unknown>,
  options: NormaliseOptions,
): GlobusAuthorizationParameters | string {
  const out: Record<string, unknown> = {};

  const message = input["session_message"];
  if (message !== undefined && message !== null) {
    if (typeof message !== "string") return "session_message";
    if (message !== "") out["session_message"] = message;
  }

  for (const field of LIST_FIELDS) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    let list: string[];
    if (isStringList(value)) list = cleanList(value);
    else if (typeof value === "string" && options.lenientLists && COMMA_STRING_FIELDS.has(field)) {
      list = cleanList(value.split(","));
    } else return field;
    if (list.length > 0) out[field] = Object.freeze(list);
  }

  const mfa = input["session_required_mfa"];
  if (mfa !== undefined && mfa !== null) {
    if (typeof mfa !== "boolean") return "session_required_mfa";
    out["session_required_mfa"] = mfa;
  }

  const prompt = input["prompt"];
  if (prompt !== undefined && prompt !== null) {
    if (typeof prompt !== "string") return "prompt";
    if (options.legacyPrompt && prompt !== "login") return "prompt";
    if (prompt !== "") out["prompt"] = prompt;
  }

  // Unknown fields sent by a service, plus an explicit `extra` object from a caller.
  // Object.fromEntries defines own properties, so a "__proto__" key cannot touch prototypes.
  const explicitExtra = input["extra"];
  if (explicitExtra !== undefined && explicitExtra !== null && !isPlainRecord(explicitExtra)) {
    return "extra";
  }
  const extraEntries = [
    ...Object.entries(explicitExtra ?? {}),
    ...Object.entries(input).filter(([key]) => !KNOWN_FIELDS.has(key) && key !== "extra"),
  ].filter(([key]) => !KNOWN_FIELDS.has(key));
  if (extraEntries.length > 0) out["extra"] = Object.freeze(Object.fromEntries(extraEntries));

  return Object.freeze(out) as GlobusAuthorizationParameters;
}

/**
 * The JSON form of authorization parameters, as Globus services and Auth expect it.
 * Empty and absent fields are omitted. `includeExtra` adds the unknown fields back.
 */
export function authorizationParametersToJSON(
  params: GlobusAuthorizationParameters,
  options: { includeExtra?: boolean } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options.includeExtra && params.extra) {
    for (const [key, value] of Object.entries(params.extra)) {
      if (!KNOWN_FIELDS.has(key)) Object.defineProperty(out, key, enumerableValue(value));
    }
  }
  for (const field of AUTHORIZATION_PARAMETER_FIELDS) {
    const value = params[field];
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      const list = cleanList(value.filter((v): v is string => typeof v === "string"));
      if (list.length > 0) out[field] = list;
    } else {
      out[field] = value;
    }
  }
  return out;
}

function enumerableValue(value: unknown): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true };
}

/**
 * Combines several sets of parameters into one login's worth: lists are unioned (first
 * occurrence order), MFA is required if any set requires it, and the first non-empty message
 * and prompt win. Useful when a GARE omits scopes the caller also needs.
 */
export function mergeAuthorizationParameters(
  ...sets: readonly (GlobusAuthorizationParameters | GlobusAuthorizationParametersInput)[]
): GlobusAuthorizationParameters {
  const normalised = sets.map((set) => authorizationParameters(set));
  const merged: Record<string, unknown> = {};
  for (const field of LIST_FIELDS) {
    const all = normalised.flatMap((set) => set[field] ?? []);
    if (all.length > 0) merged[field] = all;
  }
  const message = normalised.find((set) => set.session_message)?.session_message;
  if (message !== undefined) merged["session_message"] = message;
  const prompt = normalised.find((set) => set.prompt)?.prompt;
  if (prompt !== undefined) merged["prompt"] = prompt;
  const mfaValues = normalised
    .map((set) => set.session_required_mfa)
    .filter((v): v is boolean => v !== undefined);
  if (mfaValues.length > 0) merged["session_required_mfa"] = mfaValues.some(Boolean);
  // fromEntries (not Object.assign) so a "__proto__" key stays an ordinary own property.
  const extra = Object.fromEntries(normalised.flatMap((set) => Object.entries(set.extra ?? {})));
  if (Object.keys(extra).length > 0) merged["extra"] = extra;
  return authorizationParameters(merged);
}
