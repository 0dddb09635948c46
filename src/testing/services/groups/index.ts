/**
 * Globus Groups (`/v2/`): groups, their policies and memberships, the batch membership
 * actions with their life cycle (`model.ts`), identity preferences, membership fields and
 * subscriptions. The seed gives each seeded account a group (the first one, `DEMO_GROUP_ID`,
 * with every other account as a member) and the first account a subscription's group.
 */
import { KNOWN_SCOPES } from "../../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ServiceModule,
  ServiceRouter,
} from "../../types.ts";
import { isRecord, listParam, objectBody } from "../common.ts";
import {
  GROUP_INCLUDES,
  type GroupInclude,
  groupDoc,
  membershipDoc,
  myGroupDoc,
} from "./documents.ts";
import { ambiguous, fail, groupsErrorBody, invalid } from "./errors.ts";
import {
  type ActionEntry,
  type ActionError,
  type Caller,
  type GroupRecord,
  GroupsModel,
  MEMBERSHIP_ACTIONS,
  type MembershipAction,
  ROLES,
  type Role,
  STATUSES,
} from "./model.ts";

/** The seeded group of the first seeded account (Alice in the default seed). */
export const DEMO_GROUP_ID = "77777777-1111-4777-8777-777777777777";
/** The seeded group that provides a subscription; its admin is the first seeded account. */
export const DEMO_SUBSCRIPTION_GROUP_ID = "77777777-2222-4777-8777-777777777777";
/** The subscription `DEMO_SUBSCRIPTION_GROUP_ID` provides. */
export const DEMO_SUBSCRIPTION_ID = "77777777-3333-4777-8777-777777777777";

const GROUPS = KNOWN_SCOPES.groups;
const READ = [GROUPS.scopes.view_my_groups_and_memberships, GROUPS.scopes.all];
const WRITE = [GROUPS.scopes.all];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Create, update and delete answer with these, as the recorded responses show. */
const WRITE_ANSWER: readonly GroupInclude[] = ["my_memberships", "policies"];

function seed(model: GroupsModel, context: EmulatorContext): void {
  const owners: string[] = [];
  const accounts = new Set<string>();
  for (const identity of context.seed.identities) {
    if (accounts.has(identity.account)) continue;
    accounts.add(identity.account);
    owners.push(identity.id);
  }
  owners.forEach((ownerId, index) => {
    const group = model.newGroup({
      ...(index === 0 ? { id: DEMO_GROUP_ID } : {}),
      name: `${context.identity(ownerId)?.name ?? "Emulator"}'s Research Group`,
      description: "A group seeded by the Globus emulator",
      admin: ownerId,
    });
    if (index === 0) {
      for (const other of owners.slice(1)) {
        group.memberships.set(other, { identityId: other, role: "member", status: "active" });
      }
    }
  });
  const [first] = owners;
  if (first === undefined) return;
  const subscription = model.newGroup({
    id: DEMO_SUBSCRIPTION_GROUP_ID,
    name: "Emulator Subscription",
    description: "The group of the emulator's demo subscription",
    admin: first,
  });
  subscription.groupType = "plus";
  subscription.policies.is_high_assurance = true;
  subscription.policies.authentication_assurance_timeout = 1800;
  subscription.subscription = {
    id: DEMO_SUBSCRIPTION_ID,
    info: {
      name: "Emulator Demo Subscription",
      subscriber_name: "Globus Emulator Lab",
      is_high_assurance: true,
      is_baa: false,
      // the POSIX connector, which the emulated GCS endpoint's gateway uses
      connectors: { "145812c8-decc-41f1-83cf-bb2a85a2a70b": { is_ha: true, is_baa: false } },
    },
  };
}

/** A string field that may be absent or null (then undefined), else a 422. */
function nullableString(
  body: Record<string, unknown>,
  key: string,
  where: string,
): string | null | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value !== null && typeof value !== "string") {
    throw invalid([where, key], "Input should be a valid string", "string_type");
  }
  return value;
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const model = new GroupsModel(context);
  seed(model, context);

  function auth(request: EmulatorRequest, scopes: readonly string[]): Caller {
    const token: AccessTokenInfo = context.authenticate(request, GROUPS.resourceServer, {
      anyOfScopes: scopes,
      format: (_status, code, message) => groupsErrorBody(code, message),
    });
    return model.caller(token);
  }

  function includes(request: EmulatorRequest): GroupInclude[] {
    const asked = listParam(request.query, "include");
    for (const value of asked) {
      if (!(GROUP_INCLUDES as readonly string[]).includes(value)) {
        throw invalid(
          ["query", "include"],
          `Input should be one of ${GROUP_INCLUDES.map((v) => `'${v}'`).join(", ")}`,
          "enum",
        );
      }
    }
    return asked as GroupInclude[];
  }

  /** Name, description and terms of a create or update body. */
  function readGroupFields(group: GroupRecord, body: Record<string, unknown>): void {
    const name = nullableString(body, "name", "body");
    if (typeof name === "string") {
      if (name.trim() === "") throw invalid(["body", "name"], "The name must not be empty");
      group.name = name;
    }
    const description = nullableString(body, "description", "body");
    if (description !== undefined) group.description = description;
    const terms = nullableString(body, "terms_and_conditions", "body");
    if (terms !== undefined) group.termsAndConditions = terms;
  }

  router.route("GET", "/v2/groups/my_groups", (request) => {
    const caller = auth(request, READ);
    const statuses = listParam(request.query, "statuses");
    for (const status of statuses) {
      if (!(STATUSES as readonly string[]).includes(status)) {
        throw invalid(["query", "statuses"], `'${status}' is not a membership status`, "enum");
      }
    }
    const wanted = statuses.length > 0 ? statuses : ["active"];
    const mine = [...model.groups.values()].filter((group) =>
      model.myMemberships(group, caller).some((m) => wanted.includes(m.status)),
    );
    return { body: mine.map((group) => myGroupDoc(model, group, caller, wanted)) };
  });

  router.route("GET", "/v2/groups/:id", (request) => {
    const caller = auth(request, READ);
    const asked = includes(request);
    const group = model.visibleGroup(request.params.id ?? "", caller);
    return { body: groupDoc(model, group, caller, asked) };
  });

  router.route("POST", "/v2/groups", (request) => {
    const caller = auth(request, WRITE);
    const body = objectBody(() => request.json(), fail);
    if (typeof body.name !== "string" || body.name.trim() === "") {
      throw invalid(["body", "name"], "Field required", "missing");
    }
    const parentId = nullableString(body, "parent_id", "body") ?? null;
    if (parentId !== null) {
      model.requireAdmin(model.visibleGroup(parentId, caller), caller, "add subgroups to it");
    }
    const group = model.newGroup({ name: body.name, parentId, admin: caller.identityId });
    readGroupFields(group, body);
    return { status: 201, body: groupDoc(model, group, caller, WRITE_ANSWER) };
  });

  router.route("PUT", "/v2/groups/:id", (request) => {
    const caller = auth(request, WRITE);
    const group = model.visibleGroup(request.params.id ?? "", caller);
    model.requireAdmin(group, caller, "update it");
    readGroupFields(
      group,
      objectBody(() => request.json(), fail),
    );
    return { body: groupDoc(model, group, caller, WRITE_ANSWER) };
  });

  router.route("DELETE", "/v2/groups/:id", (request) => {
    const caller = auth(request, WRITE);
    const group = model.visibleGroup(request.params.id ?? "", caller);
    model.requireAdmin(group, caller, "delete it");
    const answer = groupDoc(model, group, caller, WRITE_ANSWER);
    model.groups.delete(group.id);
    return { body: answer };
  });

  router.route("POST", "/v2/groups/:id", (request) => {
    const caller = auth(request, WRITE);
    const group = model.visibleGroup(request.params.id ?? "", caller);
    const batch = readBatch(objectBody(() => request.json(), fail));
    // all or nothing: an action none of the caller's identities may take fails the request
    for (const [action, entries] of batch) {
      if (entries.length > 0) model.requireAllowed(group, caller, action);
    }
    const answer: Record<string, unknown> = {};
    const errors: Partial<Record<MembershipAction, ActionError[]>> = {};
    for (const [action, entries] of batch) {
      const done: unknown[] = [];
      const refused: ActionError[] = [];
      for (const entry of entries) {
        const outcome = model.apply(group, caller, action, entry);
        if ("code" in outcome) refused.push(outcome);
        else done.push(membershipDoc(model, group, outcome));
      }
      answer[action] = done;
      if (refused.length > 0) errors[action] = refused;
    }
    return { body: { ...answer, errors } };
  });
}

/**
 * The actions of a batch body, checked: known action names, lists of entries with UUID
 * `identity_id`s and valid roles, and no identity named twice.
 */
function readBatch(body: Record<string, unknown>): Array<[MembershipAction, ActionEntry[]]> {
  const batch: Array<[MembershipAction, ActionEntry[]]> = [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (!(MEMBERSHIP_ACTIONS as readonly string[]).includes(key)) {
      throw invalid(["body", key], `Unknown membership action '${key}'`, "extra_forbidden");
    }
    const action = key as MembershipAction;
    if (value === null) continue;
    if (!Array.isArray(value))
      throw invalid(["body", key], "Input should be a valid list", "list_type");
    const entries = value.map((raw, index): ActionEntry => {
      const where = ["body", key, index];
      if (!isRecord(raw)) throw invalid(where, "Input should be an object", "model_type");
      const identityId = raw.identity_id;
      if (typeof identityId !== "string" || !UUID.test(identityId)) {
        throw invalid([...where, "identity_id"], "Input should be a valid UUID", "uuid_parsing");
      }
      const role = raw.role;
      if (role !== undefined && role !== null && !(ROLES as readonly unknown[]).includes(role)) {
        throw invalid([...where, "role"], "Input should be 'member', 'manager' or 'admin'", "enum");
      }
      const id = identityId.toLowerCase();
      if (seen.has(id)) repeated.add(id);
      seen.add(id);
      return { identityId: id, role: (role ?? null) as Role | null };
    });
    batch.push([action, entries]);
  }
  if (repeated.size > 0) throw ambiguous([...repeated]);
  return batch;
}

/** Globus Groups, mounted at `/groups/`. */
export const groupsService: ServiceModule = {
  name: "groups",
  errorFormat: (_status, code, message) => groupsErrorBody(code, message),
  register,
};
