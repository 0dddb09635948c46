/**
 * Globus Groups (`/v2/`): my groups with memberships, get, create, update, delete and
 * batch membership actions (add, remove, change roles). Two groups are built from the
 * seeded identities so a fresh emulator has something to list.
 */
import { KNOWN_SCOPES } from "../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import {
  type ErrorBuilder,
  isRecord,
  listParam,
  objectBody,
  optionalString,
  upperSnake,
} from "./common.ts";

const GROUPS = KNOWN_SCOPES.groups;
const READ = [GROUPS.scopes.view_my_groups_and_memberships, GROUPS.scopes.all];
const WRITE = [GROUPS.scopes.all];
const ROLES = ["admin", "manager", "member"] as const;
type Role = (typeof ROLES)[number];

interface Membership {
  identity_id: string;
  role: Role;
  status: "active" | "invited" | "removed";
}

interface GroupRecord {
  id: string;
  name: string;
  description: string;
  parent_id: string | null;
  policies: Record<string, unknown>;
  memberships: Map<string, Membership>;
}

/** Groups's error body: `{code, detail}`. */
function groupsErrorBody(code: string, detail: string) {
  return { code, detail };
}

function defaultPolicies(): Record<string, unknown> {
  return {
    is_high_assurance: false,
    authentication_assurance_timeout: 28800,
    group_visibility: "private",
    group_members_visibility: "managers",
    join_requests: false,
    signup_fields: [],
  };
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const groups = new Map<string, GroupRecord>();
  const formatter: ErrorBodyFormatter = (_status, code, message) =>
    groupsErrorBody(upperSnake(code), message);
  const fail: ErrorBuilder = (status, code, message) =>
    new EmulatorHttpError(status, groupsErrorBody(upperSnake(code), message));

  // One group per seeded account, owned by its first identity; everyone else joins the first.
  const accounts = new Map<string, string>();
  for (const identity of context.seed.identities) {
    if (!accounts.has(identity.account)) accounts.set(identity.account, identity.id);
  }
  const owners = [...accounts.values()];
  owners.forEach((ownerId, index) => {
    const owner = context.identity(ownerId);
    const group: GroupRecord = {
      id: context.newId(),
      name: `${owner?.name ?? "Emulator"}'s Research Group`,
      description: "A group seeded by the Globus emulator",
      parent_id: null,
      policies: defaultPolicies(),
      memberships: new Map([[ownerId, { identity_id: ownerId, role: "admin", status: "active" }]]),
    };
    if (index === 0) {
      for (const other of owners.slice(1)) {
        group.memberships.set(other, { identity_id: other, role: "member", status: "active" });
      }
    }
    groups.set(group.id, group);
  });

  function auth(request: EmulatorRequest, scopes: readonly string[]): AccessTokenInfo {
    return context.authenticate(request, GROUPS.resourceServer, {
      anyOfScopes: scopes,
      format: formatter,
    });
  }

  /** Identities linked to the caller: a membership of any of them is the caller's. */
  function callerIdentities(token: AccessTokenInfo): Set<string> {
    const ids = new Set([token.identityId, ...token.sessionIdentities]);
    const account = context.identity(token.identityId)?.account;
    if (account !== undefined) {
      for (const identity of context.seed.identities) {
        if (identity.account === account) ids.add(identity.id);
      }
    }
    return ids;
  }

  function myMemberships(group: GroupRecord, ids: Set<string>): Membership[] {
    return [...group.memberships.values()].filter(
      (membership) => ids.has(membership.identity_id) && membership.status !== "removed",
    );
  }

  function myRole(group: GroupRecord, ids: Set<string>): Role | undefined {
    const roles = myMemberships(group, ids)
      .filter((membership) => membership.status === "active")
      .map((membership) => membership.role);
    return ROLES.find((role) => roles.includes(role));
  }

  function membershipDoc(group: GroupRecord, membership: Membership): Record<string, unknown> {
    const identity = context.identity(membership.identity_id);
    return {
      group_id: group.id,
      identity_id: membership.identity_id,
      username: identity?.username ?? null,
      role: membership.role,
      status: membership.status,
    };
  }

  function groupDoc(
    group: GroupRecord,
    ids: Set<string>,
    include: string[],
  ): Record<string, unknown> {
    const doc: Record<string, unknown> = {
      id: group.id,
      name: group.name,
      description: group.description,
      parent_id: group.parent_id,
      group_type: "regular",
      enforce_session: false,
      session_limit: 28800,
      session_timeouts: {},
      subscription_id: null,
      subscription_info: null,
    };
    if (include.includes("my_memberships")) {
      doc.my_memberships = myMemberships(group, ids).map((membership) =>
        membershipDoc(group, membership),
      );
    }
    if (include.includes("memberships")) {
      const role = myRole(group, ids);
      const visible =
        role === "admin" ||
        role === "manager" ||
        group.policies.group_members_visibility === "members";
      doc.memberships = visible
        ? [...group.memberships.values()]
            .filter((membership) => membership.status !== "removed")
            .map((membership) => membershipDoc(group, membership))
        : [];
    }
    if (include.includes("policies")) doc.policies = group.policies;
    if (include.includes("allowed_actions")) {
      const role = myRole(group, ids);
      const manages = role === "admin" || role === "manager";
      doc.allowed_actions = {
        add: manages,
        remove: manages,
        change_role: role === "admin",
        update_group: role === "admin",
        delete_group: role === "admin",
        leave: role !== undefined,
      };
    }
    if (include.includes("child_ids")) {
      doc.child_ids = [...groups.values()]
        .filter((child) => child.parent_id === group.id)
        .map((child) => child.id);
    }
    return doc;
  }

  function requireVisible(id: string, ids: Set<string>): GroupRecord {
    const group = groups.get(id);
    const visible =
      group !== undefined &&
      (myMemberships(group, ids).length > 0 || group.policies.group_visibility === "authenticated");
    if (!group || !visible) throw fail(404, "NOT_FOUND", `Group '${id}' not found`);
    return group;
  }

  function requireAdmin(group: GroupRecord, ids: Set<string>, action: string): void {
    if (myRole(group, ids) !== "admin") {
      throw fail(403, "FORBIDDEN", `Only a group's admins may ${action} it`);
    }
  }

  function readGroupFields(group: GroupRecord, body: Record<string, unknown>): void {
    const name = optionalString(body, "name", fail);
    if (name !== undefined) {
      if (name.trim() === "") throw fail(422, "UNPROCESSABLE_ENTITY", "'name' must not be empty");
      group.name = name;
    }
    const description = optionalString(body, "description", fail);
    if (description !== undefined) group.description = description;
    if (isRecord(body.policies)) group.policies = { ...group.policies, ...body.policies };
  }

  router.route("GET", "/v2/groups/my_groups", (request) => {
    const token = auth(request, READ);
    const ids = callerIdentities(token);
    const statuses = listParam(request.query, "statuses");
    const wanted = statuses.length > 0 ? statuses : ["active"];
    const mine = [...groups.values()].filter((group) =>
      myMemberships(group, ids).some((membership) => wanted.includes(membership.status)),
    );
    return { body: mine.map((group) => groupDoc(group, ids, ["my_memberships", "policies"])) };
  });

  router.route("GET", "/v2/groups/:id", (request) => {
    const token = auth(request, READ);
    const ids = callerIdentities(token);
    const group = requireVisible(request.params.id ?? "", ids);
    return { body: groupDoc(group, ids, listParam(request.query, "include")) };
  });

  router.route("POST", "/v2/groups", (request) => {
    const token = auth(request, WRITE);
    const body = objectBody(() => request.json(), fail);
    if (typeof body.name !== "string" || body.name.trim() === "") {
      throw fail(422, "UNPROCESSABLE_ENTITY", "'name' is required");
    }
    const parentId = optionalString(body, "parent_id", fail) ?? null;
    if (parentId !== null)
      requireAdmin(
        requireVisible(parentId, callerIdentities(token)),
        callerIdentities(token),
        "add subgroups to",
      );
    const group: GroupRecord = {
      id: context.newId(),
      name: body.name,
      description: "",
      parent_id: parentId,
      policies: defaultPolicies(),
      memberships: new Map([
        [token.identityId, { identity_id: token.identityId, role: "admin", status: "active" }],
      ]),
    };
    readGroupFields(group, body);
    groups.set(group.id, group);
    return {
      status: 201,
      body: groupDoc(group, callerIdentities(token), ["my_memberships", "policies"]),
    };
  });

  router.route("PUT", "/v2/groups/:id", (request) => {
    const token = auth(request, WRITE);
    const ids = callerIdentities(token);
    const group = requireVisible(request.params.id ?? "", ids);
    requireAdmin(group, ids, "update");
    readGroupFields(
      group,
      objectBody(() => request.json(), fail),
    );
    return { body: groupDoc(group, ids, ["policies"]) };
  });

  router.route("DELETE", "/v2/groups/:id", (request) => {
    const token = auth(request, WRITE);
    const ids = callerIdentities(token);
    const group = requireVisible(request.params.id ?? "", ids);
    requireAdmin(group, ids, "delete");
    groups.delete(group.id);
    return { body: groupDoc(group, ids, ["my_memberships", "policies"]) };
  });

  router.route("POST", "/v2/groups/:id", (request) => {
    const token = auth(request, WRITE);
    const ids = callerIdentities(token);
    const group = requireVisible(request.params.id ?? "", ids);
    const role = myRole(group, ids);
    const manages = role === "admin" || role === "manager";
    const body = objectBody(() => request.json(), fail);
    const result: Record<string, unknown[]> = {};
    const errors: Record<string, unknown[]> = {};
    const error = (action: string, identityId: unknown, code: string, detail: string) => {
      const list = errors[action] ?? [];
      list.push({ identity_id: identityId, code, detail });
      errors[action] = list;
    };
    const done = (action: string, membership: Membership) => {
      const list = result[action] ?? [];
      list.push(membershipDoc(group, membership));
      result[action] = list;
    };
    for (const [action, entries] of Object.entries(body)) {
      if (!["add", "remove", "change_role", "invite"].includes(action)) {
        throw fail(422, "UNPROCESSABLE_ENTITY", `Unsupported membership action '${action}'`);
      }
      if (!Array.isArray(entries))
        throw fail(422, "UNPROCESSABLE_ENTITY", `'${action}' must be a list`);
      for (const entry of entries) {
        const identityId = isRecord(entry) ? entry.identity_id : undefined;
        if (typeof identityId !== "string") {
          error(action, identityId ?? null, "INVALID_IDENTITY", "identity_id is required");
          continue;
        }
        const requestedRole =
          isRecord(entry) && typeof entry.role === "string" ? entry.role : "member";
        if (!(ROLES as readonly string[]).includes(requestedRole)) {
          error(action, identityId, "INVALID_ROLE", `Invalid role '${requestedRole}'`);
          continue;
        }
        if (action === "change_role" ? role !== "admin" : !manages) {
          error(action, identityId, "FORBIDDEN", `You may not ${action} members of this group`);
          continue;
        }
        const existing = group.memberships.get(identityId);
        if (action === "add" || action === "invite") {
          if (!context.identity(identityId)) {
            error(action, identityId, "IDENTITY_NOT_FOUND", `No identity '${identityId}'`);
          } else if (existing && existing.status === "active") {
            error(action, identityId, "ALREADY_ACTIVE", "Identity is already an active member");
          } else {
            const membership: Membership = {
              identity_id: identityId,
              role: requestedRole as Role,
              status: action === "add" ? "active" : "invited",
            };
            group.memberships.set(identityId, membership);
            done(action, membership);
          }
        } else if (!existing || existing.status === "removed") {
          error(action, identityId, "NOT_FOUND", "Identity is not a member of this group");
        } else if (action === "remove") {
          existing.status = "removed";
          done(action, existing);
        } else {
          existing.role = requestedRole as Role;
          done(action, existing);
        }
      }
    }
    return { body: { ...result, errors } };
  });
}

/** Globus Groups, mounted at `/groups/`. */
export const groupsService: ServiceModule = {
  name: "groups",
  errorFormat: (_status, code, message) => groupsErrorBody(upperSnake(code), message),
  register,
};
