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
import { listParam, objectBody } from "../common.ts";
import {
  GROUP_INCLUDES,
  type GroupInclude,
  groupDoc,
  membershipDoc,
  myGroupDoc,
  policiesDoc,
  subscriptionDoc,
} from "./documents.ts";
import { fail, groupsErrorBody, invalid } from "./errors.ts";
import {
  type ActionError,
  type Caller,
  defaultPolicies,
  type GroupRecord,
  GroupsModel,
  type MembershipAction,
} from "./model.ts";
import {
  CREATE_KEYS,
  checkKeys,
  nullableString,
  nullableUuid,
  readBatch,
  readMembershipFields,
  readPolicies,
  readPreferences,
  readStatuses,
  UPDATE_KEYS,
} from "./requests.ts";

/** The seeded group of the first seeded account (Alice in the default seed). */
export const DEMO_GROUP_ID = "77777777-1111-4777-8777-777777777777";
/** The seeded group that provides a subscription; its admin is the first seeded account. */
export const DEMO_SUBSCRIPTION_GROUP_ID = "77777777-2222-4777-8777-777777777777";
/** The subscription `DEMO_SUBSCRIPTION_GROUP_ID` provides. */
export const DEMO_SUBSCRIPTION_ID = "77777777-3333-4777-8777-777777777777";

const GROUPS = KNOWN_SCOPES.groups;
const READ = [GROUPS.scopes.view_my_groups_and_memberships, GROUPS.scopes.all];
const WRITE = [GROUPS.scopes.all];
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

  const body = (request: EmulatorRequest) => objectBody(() => request.json(), fail);
  const groupOf = (request: EmulatorRequest, caller: Caller) =>
    model.visibleGroup(request.params.id ?? "", caller);

  function includes(request: EmulatorRequest): GroupInclude[] {
    const asked = listParam(request.query, "include");
    for (const value of asked) {
      if (!(GROUP_INCLUDES as readonly string[]).includes(value)) {
        throw invalid(
          ["query", "include"],
          `Input should be ${GROUP_INCLUDES.map((v) => `'${v}'`).join(", ")}`,
          "enum",
        );
      }
    }
    return asked as GroupInclude[];
  }

  /** Name, description and terms of a create or update body. */
  function readGroupFields(group: GroupRecord, fields: Record<string, unknown>): void {
    const name = nullableString(fields, "name");
    if (typeof name === "string") {
      if (name.trim() === "") throw invalid(["body", "name"], "The name must not be empty");
      group.name = name;
    }
    const description = nullableString(fields, "description");
    if (description !== undefined) group.description = description;
    const terms = nullableString(fields, "terms_and_conditions");
    if (terms !== undefined) group.termsAndConditions = terms;
  }

  router.route("GET", "/v2/groups/my_groups", (request) => {
    const caller = auth(request, READ);
    const statuses = readStatuses(listParam(request.query, "statuses"));
    const wanted = statuses.length > 0 ? statuses : ["active"];
    const mine = [...model.groups.values()].filter((group) =>
      model.myMemberships(group, caller).some((m) => wanted.includes(m.status)),
    );
    return { body: mine.map((group) => myGroupDoc(model, group, caller, wanted)) };
  });

  router.route("GET", "/v2/groups/statuses", (request) => {
    return { body: model.statusCounts(auth(request, READ)) };
  });

  router.route("GET", "/v2/groups/:id", (request) => {
    const caller = auth(request, READ);
    const asked = includes(request);
    return { body: groupDoc(model, groupOf(request, caller), caller, asked) };
  });

  router.route("POST", "/v2/groups", (request) => {
    const caller = auth(request, WRITE);
    const fields = body(request);
    checkKeys(fields, CREATE_KEYS);
    if (typeof fields.name !== "string" || fields.name.trim() === "") {
      throw invalid(["body", "name"], "Field required", "missing");
    }
    const parentId = nullableUuid(fields, "parent_id") ?? null;
    if (parentId !== null) {
      model.requireAdmin(model.visibleGroup(parentId, caller), caller, "add subgroups to it");
    }
    const policies =
      fields.policies == null
        ? undefined
        : readPolicies(defaultPolicies(), fields.policies, ["body", "policies"]);
    const group = model.newGroup({ name: fields.name, parentId, admin: caller.identityId });
    readGroupFields(group, fields);
    if (policies) group.policies = policies;
    return { status: 201, body: groupDoc(model, group, caller, WRITE_ANSWER) };
  });

  router.route("PUT", "/v2/groups/:id", (request) => {
    const caller = auth(request, WRITE);
    const group = groupOf(request, caller);
    model.requireAdmin(group, caller, "update it");
    const fields = body(request);
    checkKeys(fields, UPDATE_KEYS);
    const verified = nullableUuid(fields, "subscription_admin_verified_id");
    readGroupFields(group, fields);
    // a group's admins may clear the mark here; setting it takes a subscription's admin
    if (verified === null) group.subscriptionAdminVerifiedId = null;
    else if (verified !== undefined) model.verifySubscription(group, caller, verified);
    return { body: groupDoc(model, group, caller, WRITE_ANSWER) };
  });

  router.route("DELETE", "/v2/groups/:id", (request) => {
    const caller = auth(request, WRITE);
    const group = groupOf(request, caller);
    model.requireAdmin(group, caller, "delete it");
    const answer = groupDoc(model, group, caller, WRITE_ANSWER);
    model.groups.delete(group.id);
    return { body: answer };
  });

  router.route("POST", "/v2/groups/:id", (request) => {
    const caller = auth(request, WRITE);
    const group = groupOf(request, caller);
    const batch = readBatch(body(request));
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

  router.route("GET", "/v2/groups/:id/policies", (request) => {
    const caller = auth(request, READ);
    return { body: policiesDoc(groupOf(request, caller).policies) };
  });

  router.route("PUT", "/v2/groups/:id/policies", (request) => {
    const caller = auth(request, WRITE);
    const group = groupOf(request, caller);
    model.requireAdmin(group, caller, "set its policies");
    group.policies = readPolicies(group.policies, body(request));
    return { body: policiesDoc(group.policies) };
  });

  router.route("GET", "/v2/preferences", (request) => {
    return { body: model.preferences(auth(request, READ)) };
  });

  router.route("PUT", "/v2/preferences", (request) => {
    const caller = auth(request, WRITE);
    model.setPreferences(caller, readPreferences(body(request)));
    return { body: model.preferences(caller) };
  });

  router.route("GET", "/v2/groups/:id/membership_fields", (request) => {
    const caller = auth(request, READ);
    return { body: model.membershipFields(groupOf(request, caller), caller) };
  });

  router.route("PUT", "/v2/groups/:id/membership_fields", (request) => {
    const caller = auth(request, WRITE);
    const group = groupOf(request, caller);
    model.setMembershipFields(group, caller, readMembershipFields(body(request)));
    return { body: model.membershipFields(group, caller) };
  });

  router.route("GET", "/v2/subscription_info/:id", (request) => {
    auth(request, READ);
    const id = request.params.id ?? "";
    const group = model.subscriptionGroup(id);
    if (!group) throw fail(404, "NOT_FOUND", `No group provides subscription '${id}'`);
    return { body: subscriptionDoc(group) };
  });

  router.route("PUT", "/v2/groups/:id/subscription_admin_verified", (request) => {
    const caller = auth(request, WRITE);
    const group = groupOf(request, caller);
    const fields = body(request);
    checkKeys(fields, ["subscription_admin_verified_id"]);
    const verified = nullableUuid(fields, "subscription_admin_verified_id");
    if (verified === undefined) {
      throw invalid(["body", "subscription_admin_verified_id"], "Field required", "missing");
    }
    model.verifySubscription(group, caller, verified);
    return {
      body: {
        group_id: group.id,
        subscription_admin_verified_id: group.subscriptionAdminVerifiedId,
      },
    };
  });
}

/** Globus Groups, mounted at `/groups/`. */
export const groupsService: ServiceModule = {
  name: "groups",
  errorFormat: (_status, code, message) => groupsErrorBody(code, message),
  register,
};
