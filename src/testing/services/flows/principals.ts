/**
 * Who a caller is to Flows, and which principal strings a role list accepts. Flows takes
 * only URNs (`urn:globus:auth:identity:<id>`, `urn:globus:groups:id:<id>`) plus, for viewers
 * `public` and for starters `all_authenticated_users`; a bare UUID is a 422
 * "Unrecognized principal string", as Globus recorded.
 */
import type { AccessTokenInfo, EmulatorContext } from "../../types.ts";
import { identityUrn } from "../common.ts";
import type { LocatedProblem } from "./errors.ts";

const IDENTITY_URN =
  /^urn:globus:auth:identity:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GROUP_URN =
  /^urn:globus:groups:id:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The role lists of flows and runs: Flows' name for each role, and its special values. */
export const PRINCIPAL_FIELDS = {
  flow_viewers: { role: "FlowViewer", special: ["public"] },
  flow_starters: { role: "FlowStarter", special: ["all_authenticated_users"] },
  flow_administrators: { role: "FlowAdministrator", special: [] },
  run_managers: { role: "RunManager", special: [] },
  run_monitors: { role: "RunMonitor", special: [] },
} as const;
export type PrincipalField = keyof typeof PRINCIPAL_FIELDS;

function principalProblem(
  field: string,
  index: number,
  value: unknown,
  role: string,
  special: readonly string[],
): LocatedProblem {
  const allowed = ["<AuthGroupUrn>", "<AuthIdentityUrn>", ...special.map((name) => `"${name}"`)];
  return {
    loc: [field, index],
    msg: `Unrecognized principal string: ${JSON.stringify(value)}. Allowed principal types in role "${role}": [${allowed.join(", ")}]`,
    type: "value_error",
  };
}

/** Whether `value` is an identity or group URN. */
export function isPrincipalUrn(value: unknown): value is string {
  return typeof value === "string" && (IDENTITY_URN.test(value) || GROUP_URN.test(value));
}

/**
 * Checks the role lists present in `body` (those of `fields`); returns every problem, so a
 * 422 can name them all at once.
 */
export function principalProblems(
  body: Record<string, unknown>,
  fields: readonly PrincipalField[],
): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  for (const field of fields) {
    const value = body[field];
    if (value === undefined) continue;
    const { role, special } = PRINCIPAL_FIELDS[field];
    if (!Array.isArray(value)) {
      problems.push({ loc: [field], msg: "value is not a valid list", type: "type_error.list" });
      continue;
    }
    value.forEach((item, index) => {
      const specialOk = typeof item === "string" && (special as readonly string[]).includes(item);
      if (!specialOk && !isPrincipalUrn(item)) {
        problems.push(principalProblem(field, index, item, role, special));
      }
    });
  }
  return problems;
}

/** The principal problem of a single-principal field such as `flow_owner`. */
export function ownerProblem(value: unknown): LocatedProblem | undefined {
  if (typeof value === "string" && IDENTITY_URN.test(value)) return undefined;
  const problem = principalProblem("flow_owner", 0, value, "FlowOwner", []);
  return { ...problem, loc: ["flow_owner"] };
}

/** The caller's principals: every identity linked to the token's identity. */
export function principalsOf(context: EmulatorContext, token: AccessTokenInfo): Set<string> {
  const principals = new Set([identityUrn(token.identityId)]);
  for (const id of token.sessionIdentities) principals.add(identityUrn(id));
  const account = context.identity(token.identityId)?.account;
  if (account !== undefined) {
    for (const identity of context.seed.identities) {
      if (identity.account === account) principals.add(identityUrn(identity.id));
    }
  }
  return principals;
}

/** Whether any of `list` names one of `principals` (or, with `special`, names everyone). */
export function listed(
  list: readonly string[],
  principals: ReadonlySet<string>,
  special: readonly string[] = [],
): boolean {
  return list.some((entry) => principals.has(entry) || special.includes(entry));
}

/** A list of strings, or undefined; a caller's problem is reported by the principal check. */
export function stringListOr(body: Record<string, unknown>, key: string): string[] | undefined {
  const value = body[key];
  return Array.isArray(value) && value.every((item) => typeof item === "string")
    ? (value as string[])
    : undefined;
}
