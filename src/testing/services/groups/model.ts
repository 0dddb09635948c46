/**
 * The Groups emulator's model: groups, memberships and their life cycle, identity
 * preferences, and the rules of who may do what. The HTTP layer (`index.ts`) reads requests
 * and renders documents (`documents.ts`); every decision is made here.
 *
 * The rules are those Groups' OpenAPI spec describes (as published in `@globus/sdk`):
 * - statuses: `invited`, `pending` and `active` are current; `left`, `declined`,
 *   `rejected` and `removed` are former memberships;
 * - admins and managers add, invite, approve, reject and remove; only admins change roles,
 *   grant the manager or admin role, or remove admins; nobody removes their own membership,
 *   and a group keeps at least one active admin;
 * - a caller accepts, declines, joins, requests to join or leaves only with identities of
 *   their own identity set;
 * - an action that none of the caller's identities may take fails the whole request (403);
 *   a single entry that cannot be done is reported in `errors`.
 */
import type { AccessTokenInfo, EmulatorContext } from "../../types.ts";
import { fail } from "./errors.ts";

export const ROLES = ["member", "manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const STATUSES = [
  "active",
  "invited",
  "pending",
  "rejected",
  "removed",
  "left",
  "declined",
] as const;
export type Status = (typeof STATUSES)[number];

/** Memberships that make a private group visible to its holder. */
const CURRENT: readonly Status[] = ["active", "invited", "pending"];

export const SIGNUP_FIELDS = [
  "institution",
  "current_project_name",
  "address",
  "city",
  "state",
  "country",
  "address1",
  "address2",
  "zip",
  "phone",
  "department",
  "field_of_science",
] as const;
export type SignupField = (typeof SIGNUP_FIELDS)[number];

/** The keys of a membership-fields document (`MembershipFields`). */
export const MEMBERSHIP_FIELD_KEYS = [
  "first_name",
  "last_name",
  "organization",
  ...SIGNUP_FIELDS,
] as const;

/** Every batch membership action, as the body of `POST /v2/groups/{id}` names it. */
export const MEMBERSHIP_ACTIONS = [
  "accept",
  "add",
  "approve",
  "change_role",
  "decline",
  "invite",
  "join",
  "leave",
  "reject",
  "remove",
  "request_join",
] as const;
export type MembershipAction = (typeof MEMBERSHIP_ACTIONS)[number];

/** Actions a caller takes on memberships of their own identities. */
const SELF_ACTIONS: ReadonlySet<MembershipAction> = new Set([
  "accept",
  "decline",
  "join",
  "leave",
  "request_join",
]);

/** A group's policies, with their wire names. */
export interface Policies {
  is_high_assurance: boolean;
  authentication_assurance_timeout: number;
  group_visibility: "authenticated" | "private";
  group_members_visibility: "members" | "managers";
  join_requests: boolean;
  signup_fields: SignupField[];
}

/** The session limit Groups applies when a policy leaves it unset. */
export const DEFAULT_ASSURANCE_TIMEOUT = 28800;

/** The policies a new group gets: private, members seen by managers, no join requests. */
export function defaultPolicies(): Policies {
  return {
    is_high_assurance: false,
    authentication_assurance_timeout: DEFAULT_ASSURANCE_TIMEOUT,
    group_visibility: "private",
    group_members_visibility: "managers",
    join_requests: false,
    signup_fields: [],
  };
}

export interface Membership {
  identityId: string;
  role: Role;
  status: Status;
}

/** What Groups tells about a subscription. */
export interface SubscriptionInfo {
  name: string;
  subscriber_name: string;
  is_high_assurance: boolean;
  is_baa: boolean;
  connectors: Record<string, { is_ha: boolean; is_baa: boolean }>;
}

export interface GroupRecord {
  id: string;
  name: string;
  description: string | null;
  termsAndConditions: string | null;
  parentId: string | null;
  /** `plus` for a subscription's group. */
  groupType: "regular" | "plus";
  policies: Policies;
  subscription: { id: string; info: SubscriptionInfo } | null;
  subscriptionAdminVerifiedId: string | null;
  memberships: Map<string, Membership>;
  /** Membership fields by identity id. */
  membershipFields: Map<string, Record<string, string | null>>;
}

/** The caller: the token's effective identity and every identity of its identity set. */
export interface Caller {
  readonly identityId: string;
  readonly ids: ReadonlySet<string>;
}

/** One entry of a batch action that could not be done. */
export interface ActionError {
  identity_id: string;
  code: string;
  detail: string;
}

/** One entry of a batch action: an identity, and for some actions a role. */
export interface ActionEntry {
  identityId: string;
  role?: Role | null;
}

export class GroupsModel {
  readonly groups = new Map<string, GroupRecord>();
  /** `allow_add` by identity id; identities without an entry (or null) allow being added. */
  readonly #allowAdd = new Map<string, boolean | null>();
  readonly #context: EmulatorContext;

  constructor(context: EmulatorContext) {
    this.#context = context;
  }

  /** The caller of a token, with the linked identities of its account. */
  caller(token: AccessTokenInfo): Caller {
    const ids = new Set([token.identityId, ...token.sessionIdentities]);
    const account = this.#context.identity(token.identityId)?.account;
    if (account !== undefined) {
      for (const identity of this.#context.seed.identities) {
        if (identity.account === account) ids.add(identity.id);
      }
    }
    return { identityId: token.identityId, ids };
  }

  username(identityId: string): string | null {
    return this.#context.identity(identityId)?.username ?? null;
  }

  newGroup(fields: {
    id?: string;
    name: string;
    description?: string | null;
    parentId?: string | null;
    admin: string;
  }): GroupRecord {
    const group: GroupRecord = {
      id: fields.id ?? this.#context.newId(),
      name: fields.name,
      description: fields.description ?? null,
      termsAndConditions: null,
      parentId: fields.parentId ?? null,
      groupType: "regular",
      policies: defaultPolicies(),
      subscription: null,
      subscriptionAdminVerifiedId: null,
      memberships: new Map(),
      membershipFields: new Map(),
    };
    group.memberships.set(fields.admin, {
      identityId: fields.admin,
      role: "admin",
      status: "active",
    });
    this.groups.set(group.id, group);
    return group;
  }

  // --- who sees what -------------------------------------------------------------------

  /** The caller's own memberships of a group, of any status. */
  myMemberships(group: GroupRecord, caller: Caller): Membership[] {
    return [...group.memberships.values()].filter((m) => caller.ids.has(m.identityId));
  }

  /** The caller's highest role among their active memberships. */
  role(group: GroupRecord, caller: Caller): Role | undefined {
    const roles = this.myMemberships(group, caller)
      .filter((m) => m.status === "active")
      .map((m) => m.role);
    return [...ROLES].reverse().find((role) => roles.includes(role));
  }

  /** Anyone signed in sees an `authenticated` group; a private one needs a current membership. */
  canView(group: GroupRecord, caller: Caller): boolean {
    return (
      group.policies.group_visibility === "authenticated" ||
      this.myMemberships(group, caller).some((m) => CURRENT.includes(m.status))
    );
  }

  /** Active members see the members, unless the policy keeps them to managers. */
  canSeeMembers(group: GroupRecord, caller: Caller): boolean {
    const role = this.role(group, caller);
    if (role === undefined) return false;
    return role !== "member" || group.policies.group_members_visibility === "members";
  }

  /** A group the caller may see, or Groups' 404. */
  visibleGroup(id: string, caller: Caller): GroupRecord {
    const group = this.groups.get(id);
    if (!group || !this.canView(group, caller)) {
      throw fail(404, "NOT_FOUND", `Group '${id}' not found`);
    }
    return group;
  }

  requireAdmin(group: GroupRecord, caller: Caller, what: string): void {
    if (this.role(group, caller) !== "admin") {
      throw fail(403, "FORBIDDEN", `Only an admin of the group may ${what}`);
    }
  }

  /** Groups whose parent is `group`. */
  children(group: GroupRecord): GroupRecord[] {
    return [...this.groups.values()].filter((child) => child.parentId === group.id);
  }

  // --- who may do what -----------------------------------------------------------------

  /**
   * For each membership action, the caller's identities that may in principle take it:
   * the one rule behind both `allowed_actions` and the batch endpoint's 403.
   */
  allowedActions(group: GroupRecord, caller: Caller): Record<MembershipAction, string[]> {
    const mine = new Map(this.myMemberships(group, caller).map((m) => [m.identityId, m]));
    const ids = [...caller.ids].sort();
    const withStatus = (status: Status) => ids.filter((id) => mine.get(id)?.status === status);
    const activeWithRole = (roles: readonly Role[]) =>
      ids.filter((id) => {
        const membership = mine.get(id);
        return membership?.status === "active" && roles.includes(membership.role);
      });
    const newcomers = ids.filter((id) => {
      const status = mine.get(id)?.status;
      return status === undefined || !CURRENT.includes(status);
    });
    const managers = activeWithRole(["admin", "manager"]);
    const policies = group.policies;
    return {
      accept: withStatus("invited"),
      add: managers,
      approve: managers,
      change_role: activeWithRole(["admin"]),
      decline: withStatus("invited"),
      invite: managers,
      // high-assurance groups take no direct joins: a join waits for approval there
      join: policies.join_requests && !policies.is_high_assurance ? newcomers : [],
      leave: withStatus("active"),
      reject: managers,
      remove: managers,
      request_join: policies.join_requests ? newcomers : [],
    };
  }

  /** Refuses (403) an action none of the caller's identities may take. */
  requireAllowed(group: GroupRecord, caller: Caller, action: MembershipAction): void {
    if (this.allowedActions(group, caller)[action].length === 0) {
      throw fail(
        403,
        "FORBIDDEN",
        `None of your identities may '${action}' memberships of group '${group.id}'`,
      );
    }
  }

  /**
   * Applies one entry of a batch action, returning the membership as it now is, or why the
   * entry was not done. The caller is already known to be allowed the action in principle.
   */
  apply(
    group: GroupRecord,
    caller: Caller,
    action: MembershipAction,
    entry: ActionEntry,
  ): Membership | ActionError {
    const { identityId } = entry;
    const refuse = (code: string, detail: string): ActionError => ({
      identity_id: identityId,
      code,
      detail,
    });
    const existing = group.memberships.get(identityId);
    const status = existing?.status;
    const actorRole = this.role(group, caller);

    if (SELF_ACTIONS.has(action) && !caller.ids.has(identityId)) {
      return refuse("NOT_YOUR_IDENTITY", `Identity '${identityId}' is not in your identity set`);
    }
    const set = (role: Role, next: Status): Membership => {
      const membership = { identityId, role, status: next };
      group.memberships.set(identityId, membership);
      return membership;
    };
    const grantable = (role: Role) => role === "member" || actorRole === "admin";

    switch (action) {
      case "accept":
      case "decline":
        if (!existing || status !== "invited") {
          return refuse("NOT_INVITED", `Identity '${identityId}' has no invitation to accept`);
        }
        return set(existing.role, action === "accept" ? "active" : "declined");
      case "join":
      case "request_join": {
        if (status !== undefined && CURRENT.includes(status)) {
          return refuse("ALREADY_MEMBER", `Identity '${identityId}' is already ${status}`);
        }
        const allowed = this.allowedActions(group, caller)[action];
        if (!allowed.includes(identityId)) {
          return refuse("JOIN_NOT_ALLOWED", `The group's policies do not allow '${action}'`);
        }
        return set("member", action === "join" ? "active" : "pending");
      }
      case "leave":
        if (!existing || status !== "active") {
          return refuse("NOT_ACTIVE", `Identity '${identityId}' is not an active member`);
        }
        if (this.#lastAdmin(group, existing)) {
          return refuse("LAST_ADMIN", "The last admin of a group cannot leave it");
        }
        return set(existing.role, "left");
      case "add":
      case "invite": {
        const role = entry.role ?? "member";
        if (!this.#context.identity(identityId)) {
          return refuse("IDENTITY_NOT_FOUND", `No identity '${identityId}'`);
        }
        if (status === "active") {
          return refuse("ALREADY_ACTIVE", `Identity '${identityId}' is already an active member`);
        }
        if (!grantable(role)) {
          return refuse("ROLE_NOT_ALLOWED", `Only admins may ${action} a ${role}`);
        }
        if (action === "add" && status === "left") {
          return refuse("LEFT_GROUP", `Identity '${identityId}' left this group`);
        }
        if (action === "add" && this.#allowAdd.get(identityId) === false) {
          return refuse("ADD_NOT_ALLOWED", `Identity '${identityId}' does not allow being added`);
        }
        return set(role, action === "add" ? "active" : "invited");
      }
      case "approve":
      case "reject":
        if (!existing || status !== "pending") {
          return refuse("NOT_PENDING", `Identity '${identityId}' has no pending request`);
        }
        return set(existing.role, action === "approve" ? "active" : "rejected");
      case "remove":
        if (caller.ids.has(identityId)) {
          return refuse("CANNOT_REMOVE_SELF", "Leave the group instead of removing yourself");
        }
        if (!existing || (status !== "active" && status !== "invited")) {
          return refuse("NOT_A_MEMBER", `Identity '${identityId}' is not a member`);
        }
        if (existing.role === "admin" && actorRole !== "admin") {
          return refuse("ROLE_NOT_ALLOWED", "Only admins may remove an admin");
        }
        return set(existing.role, "removed");
      case "change_role": {
        const role = entry.role;
        if (!role) return refuse("ROLE_REQUIRED", "change_role needs the new role");
        if (!existing || status !== "active") {
          return refuse("NOT_ACTIVE", `Identity '${identityId}' is not an active member`);
        }
        if (role !== "admin" && this.#lastAdmin(group, existing)) {
          return refuse("LAST_ADMIN", "A group keeps at least one admin");
        }
        return set(role, "active");
      }
    }
  }

  #lastAdmin(group: GroupRecord, membership: Membership): boolean {
    if (membership.role !== "admin") return false;
    return ![...group.memberships.values()].some(
      (m) => m !== membership && m.role === "admin" && m.status === "active",
    );
  }

  // --- subscriptions -------------------------------------------------------------------

  /** The group that provides a subscription. */
  subscriptionGroup(subscriptionId: string): GroupRecord | undefined {
    return [...this.groups.values()].find((group) => group.subscription?.id === subscriptionId);
  }

  /**
   * Marks a group as verified by a subscription's admin, or clears the mark. Setting it needs
   * an admin of the new subscription's group; replacing or clearing an existing mark, an
   * admin of the old one's.
   */
  verifySubscription(group: GroupRecord, caller: Caller, subscriptionId: string | null): void {
    const adminOf = (id: string, which: string) => {
      const provider = this.subscriptionGroup(id);
      if (!provider) throw fail(404, "NOT_FOUND", `No group provides subscription '${id}'`);
      if (this.role(provider, caller) !== "admin") {
        throw fail(
          403,
          "FORBIDDEN",
          `Only an admin of the ${which} subscription's group may do this`,
        );
      }
    };
    const current = group.subscriptionAdminVerifiedId;
    if (current !== null && current !== subscriptionId) adminOf(current, "current");
    if (subscriptionId !== null) adminOf(subscriptionId, "new");
    group.subscriptionAdminVerifiedId = subscriptionId;
  }

  // --- the caller's own settings -------------------------------------------------------

  /** `allow_add` of each of the caller's identities (null: never set, which allows). */
  preferences(caller: Caller): Record<string, { allow_add: boolean | null }> {
    return Object.fromEntries(
      [...caller.ids].sort().map((id) => [id, { allow_add: this.#allowAdd.get(id) ?? null }]),
    );
  }

  setPreferences(caller: Caller, preferences: Map<string, boolean | null>): void {
    this.#requireOwn(caller, preferences.keys());
    for (const [id, allow] of preferences) this.#allowAdd.set(id, allow);
  }

  /** The caller's membership fields in a group, for identities with a membership or fields. */
  membershipFields(
    group: GroupRecord,
    caller: Caller,
  ): Record<string, Record<string, string | null>> {
    return Object.fromEntries(
      [...caller.ids]
        .sort()
        .filter((id) => group.memberships.has(id) || group.membershipFields.has(id))
        .map((id) => [id, { ...group.membershipFields.get(id) }]),
    );
  }

  setMembershipFields(
    group: GroupRecord,
    caller: Caller,
    fields: Map<string, Record<string, string | null>>,
  ): void {
    this.#requireOwn(caller, fields.keys());
    for (const [id, values] of fields) {
      group.membershipFields.set(id, { ...group.membershipFields.get(id), ...values });
    }
  }

  #requireOwn(caller: Caller, ids: Iterable<string>): void {
    for (const id of ids) {
      if (!caller.ids.has(id)) {
        throw fail(403, "FORBIDDEN", `Identity '${id}' is not in your identity set`);
      }
    }
  }

  /** Membership counts by status of the groups the caller manages. */
  statusCounts(caller: Caller): Record<string, Record<Status, number>> {
    const out: Record<string, Record<Status, number>> = {};
    for (const group of this.groups.values()) {
      const role = this.role(group, caller);
      if (role !== "admin" && role !== "manager") continue;
      const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<
        Status,
        number
      >;
      for (const membership of group.memberships.values()) counts[membership.status] += 1;
      out[group.id] = counts;
    }
    return out;
  }
}
