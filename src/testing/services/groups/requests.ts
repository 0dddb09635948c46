/**
 * Reading Groups request bodies and queries as Groups' OpenAPI spec types them. A value of
 * the wrong type is a 422 naming where it is (`loc`), as Groups' validation answers. Keys
 * the spec does not declare are refused too, rather than dropped, so that a misspelt key
 * (`change_roles` for `change_role`) shows up at once instead of changing nothing.
 */
import { isRecord } from "../common.ts";
import { ambiguous, invalid } from "./errors.ts";
import {
  type ActionEntry,
  DEFAULT_ASSURANCE_TIMEOUT,
  MEMBERSHIP_ACTIONS,
  MEMBERSHIP_FIELD_KEYS,
  type MembershipAction,
  type Policies,
  ROLES,
  type Role,
  SIGNUP_FIELDS,
  type SignupField,
  STATUSES,
} from "./model.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Loc = readonly (string | number)[];

function oneOf<T extends string>(allowed: readonly T[], value: unknown, loc: Loc): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw invalid(loc, `Input should be ${allowed.map((v) => `'${v}'`).join(", ")}`, "enum");
  }
  return value as T;
}

function onlyKeys(body: Record<string, unknown>, allowed: readonly string[], loc: Loc): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw invalid([...loc, key], "Extra inputs are not permitted", "extra_forbidden");
    }
  }
}

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** A string that may be absent (undefined) or null. */
export function nullableString(
  body: Record<string, unknown>,
  key: string,
): string | null | undefined {
  const value = body[key];
  if (value === undefined || value === null || typeof value === "string") return value;
  throw invalid(["body", key], "Input should be a valid string", "string_type");
}

/** A UUID that may be absent (undefined) or null. */
export function nullableUuid(
  body: Record<string, unknown>,
  key: string,
): string | null | undefined {
  const value = body[key];
  if (value === undefined || value === null) return value;
  if (!isUuid(value)) throw invalid(["body", key], "Input should be a valid UUID", "uuid_parsing");
  return value.toLowerCase();
}

/** The fields `POST /v2/groups` and `PUT /v2/groups/{id}` take (`GroupCreateModel`, `GroupWriteModel`). */
export const CREATE_KEYS = ["name", "description", "terms_and_conditions", "parent_id", "policies"];
export const UPDATE_KEYS = [
  "name",
  "description",
  "terms_and_conditions",
  "subscription_admin_verified_id",
];

export function checkKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  onlyKeys(body, allowed, ["body"]);
}

/** `statuses` of `GET /v2/groups/my_groups`. */
export function readStatuses(values: string[]): string[] {
  for (const value of values) oneOf(STATUSES, value, ["query", "statuses"]);
  return values;
}

/**
 * A policy write (`GroupPolicyWriteModel`) applied to `current`: absent or null keys keep
 * their value, but a null timeout falls back to Groups' default.
 */
export function readPolicies(current: Policies, raw: unknown, loc: Loc = ["body"]): Policies {
  if (!isRecord(raw)) throw invalid(loc, "Input should be a valid dictionary", "dict_type");
  onlyKeys(raw, Object.keys(current), loc);
  const next: Policies = { ...current, signup_fields: [...current.signup_fields] };
  const bool = (key: "is_high_assurance" | "join_requests") => {
    const value = raw[key];
    if (value === undefined || value === null) return;
    if (typeof value !== "boolean") {
      throw invalid([...loc, key], "Input should be a valid boolean", "bool_type");
    }
    next[key] = value;
  };
  bool("is_high_assurance");
  bool("join_requests");
  if (raw.group_visibility != null) {
    next.group_visibility = oneOf(["authenticated", "private"], raw.group_visibility, [
      ...loc,
      "group_visibility",
    ]);
  }
  if (raw.group_members_visibility != null) {
    next.group_members_visibility = oneOf(["members", "managers"], raw.group_members_visibility, [
      ...loc,
      "group_members_visibility",
    ]);
  }
  if (raw.signup_fields != null) {
    if (!Array.isArray(raw.signup_fields)) {
      throw invalid([...loc, "signup_fields"], "Input should be a valid list", "list_type");
    }
    next.signup_fields = raw.signup_fields.map(
      (field, i): SignupField => oneOf(SIGNUP_FIELDS, field, [...loc, "signup_fields", i]),
    );
  }
  const timeout = raw.authentication_assurance_timeout;
  if (timeout === null) next.authentication_assurance_timeout = DEFAULT_ASSURANCE_TIMEOUT;
  else if (timeout !== undefined) {
    if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 0) {
      throw invalid(
        [...loc, "authentication_assurance_timeout"],
        "Input should be a valid non-negative integer",
        "int_type",
      );
    }
    next.authentication_assurance_timeout = timeout;
  }
  return next;
}

/**
 * The actions of a batch body (`GroupMembershipPostAction`): known action names, lists of
 * entries with UUID `identity_id`s and valid roles, and no identity named twice (a 400).
 */
export function readBatch(body: Record<string, unknown>): Array<[MembershipAction, ActionEntry[]]> {
  const batch: Array<[MembershipAction, ActionEntry[]]> = [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  onlyKeys(body, MEMBERSHIP_ACTIONS, ["body"]);
  for (const [key, value] of Object.entries(body)) {
    const action = key as MembershipAction;
    if (value === null) continue;
    if (!Array.isArray(value)) {
      throw invalid(["body", key], "Input should be a valid list", "list_type");
    }
    const entries = value.map((raw, index): ActionEntry => {
      const where = ["body", key, index];
      if (!isRecord(raw)) throw invalid(where, "Input should be an object", "model_type");
      if (!isUuid(raw.identity_id)) {
        throw invalid([...where, "identity_id"], "Input should be a valid UUID", "uuid_parsing");
      }
      const role =
        raw.role === undefined || raw.role === null
          ? null
          : oneOf(ROLES, raw.role, [...where, "role"]);
      const id = raw.identity_id.toLowerCase();
      if (seen.has(id)) repeated.add(id);
      seen.add(id);
      return { identityId: id, role: role as Role | null };
    });
    batch.push([action, entries]);
  }
  if (repeated.size > 0) throw ambiguous([...repeated]);
  return batch;
}

/** `PUT /v2/preferences`: identity id to `{allow_add}`. */
export function readPreferences(body: Record<string, unknown>): Map<string, boolean | null> {
  const preferences = new Map<string, boolean | null>();
  for (const [identityId, value] of Object.entries(body)) {
    const loc = ["body", identityId];
    if (!isUuid(identityId)) throw invalid(loc, "Keys should be identity ids", "uuid_parsing");
    if (!isRecord(value)) throw invalid(loc, "Input should be a valid dictionary", "dict_type");
    onlyKeys(value, ["allow_add"], loc);
    const allow = value.allow_add;
    if (allow !== null && typeof allow !== "boolean") {
      throw invalid([...loc, "allow_add"], "Input should be a valid boolean", "bool_type");
    }
    preferences.set(identityId.toLowerCase(), allow);
  }
  return preferences;
}

/** `PUT /v2/groups/{id}/membership_fields`: identity id to `MembershipFields`. */
export function readMembershipFields(
  body: Record<string, unknown>,
): Map<string, Record<string, string | null>> {
  const out = new Map<string, Record<string, string | null>>();
  for (const [identityId, value] of Object.entries(body)) {
    const loc = ["body", identityId];
    if (!isUuid(identityId)) throw invalid(loc, "Keys should be identity ids", "uuid_parsing");
    if (!isRecord(value)) throw invalid(loc, "Input should be a valid dictionary", "dict_type");
    onlyKeys(value, MEMBERSHIP_FIELD_KEYS, loc);
    const fields: Record<string, string | null> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field !== null && typeof field !== "string") {
        throw invalid([...loc, key], "Input should be a valid string", "string_type");
      }
      fields[key] = field;
    }
    out.set(identityId.toLowerCase(), fields);
  }
  return out;
}
