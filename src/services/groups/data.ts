/**
 * Groups payload builders and the values Groups accepts, as the Python SDK's
 * `globus_sdk.services.groups.data` defines them: `BatchMembershipActions` for the batch
 * membership endpoint and `GroupPolicies` for a group's policies.
 */
import { GlobusSDKUsageError } from "../../errors.ts";
import { uuidList } from "../ids.ts";

/** A role in a group. `GroupRole.admin` and `"admin"` are the same value. */
export const GroupRole = { member: "member", manager: "manager", admin: "admin" } as const;
export type GroupRole = (typeof GroupRole)[keyof typeof GroupRole];

/** Who may see a group: any signed-in user, or only its members. */
export const GroupVisibility = { authenticated: "authenticated", private: "private" } as const;
export type GroupVisibility = (typeof GroupVisibility)[keyof typeof GroupVisibility];

/** Who may see a group's members: its members, or only its managers and admins. */
export const GroupMemberVisibility = { members: "members", managers: "managers" } as const;
export type GroupMemberVisibility =
  (typeof GroupMemberVisibility)[keyof typeof GroupMemberVisibility];

/** The fields a group may require of those who sign up. */
export const GroupRequiredSignupFields = {
  institution: "institution",
  current_project_name: "current_project_name",
  address: "address",
  city: "city",
  state: "state",
  country: "country",
  address1: "address1",
  address2: "address2",
  zip: "zip",
  phone: "phone",
  department: "department",
  field_of_science: "field_of_science",
} as const;
export type GroupRequiredSignupFields =
  (typeof GroupRequiredSignupFields)[keyof typeof GroupRequiredSignupFields];

/** A membership's status: current (`active`, `invited`, `pending`) or former. */
export type MembershipStatus =
  | "active"
  | "invited"
  | "pending"
  | "rejected"
  | "removed"
  | "left"
  | "declined";

/** The actions of one batch membership request. */
export type MembershipActionName =
  | "accept"
  | "add"
  | "approve"
  | "change_role"
  | "decline"
  | "invite"
  | "join"
  | "leave"
  | "reject"
  | "remove"
  | "request_join";

/** One entry of a batch action; `role` where the action sets one (add, invite, change_role). */
export interface MembershipActionEntry {
  identity_id: string;
  role?: GroupRole | null;
  /** Why the status changes, shown to the member. */
  status_reason?: string | null;
  /** Invitations only: the address the invitation is sent to. */
  invite_email_address?: string | null;
  [field: string]: unknown;
}

/** A batch membership document: lists of entries, keyed by action. */
export type MembershipActionsDocument = Partial<
  Record<MembershipActionName, MembershipActionEntry[]>
>;

function checkedValue<T extends string>(
  name: string,
  value: unknown,
  allowed: Record<string, T>,
): T {
  const values = Object.values(allowed) as string[];
  if (typeof value !== "string" || !values.includes(value)) {
    throw new GlobusSDKUsageError(
      `${name} must be one of ${values.join(", ")}, not ${JSON.stringify(value)}.`,
    );
  }
  return value as T;
}

/**
 * Builds the body of a batch membership action (`GroupsClient.batchMembershipAction`):
 * each method appends entries to one action and returns the builder, so calls chain.
 * Identity ids are checked as UUIDs here, so that a typo fails before the request.
 *
 * ```ts
 * const batch = new BatchMembershipActions().addMembers([bob]).inviteMembers(carol, { role: "manager" });
 * await groups.batchMembershipAction(groupId, batch);
 * ```
 */
export class BatchMembershipActions {
  readonly #actions: MembershipActionsDocument = {};

  #append(action: MembershipActionName, ids: string | Iterable<string>, role?: GroupRole): this {
    const entries = uuidList("identityIds", ids).map((identityId) =>
      role === undefined ? { identity_id: identityId } : { identity_id: identityId, role },
    );
    const list = this.#actions[action] ?? [];
    list.push(...entries);
    this.#actions[action] = list;
    return this;
  }

  /** Accepts invitations of identities in your own identity set. */
  acceptInvites(identityIds: string | Iterable<string>): this {
    return this.#append("accept", identityIds);
  }

  /** Adds identities as active members with `role` (default `member`). */
  addMembers(identityIds: string | Iterable<string>, options: { role?: GroupRole } = {}): this {
    return this.#append(
      "add",
      identityIds,
      checkedValue("role", options.role ?? "member", GroupRole),
    );
  }

  /** Approves identities whose requests to join are pending. */
  approvePending(identityIds: string | Iterable<string>): this {
    return this.#append("approve", identityIds);
  }

  /** Gives active members a new role (admins only). Writes Groups' `change_role` action. */
  changeRoles(role: GroupRole, identityIds: string | Iterable<string>): this {
    return this.#append("change_role", identityIds, checkedValue("role", role, GroupRole));
  }

  /** Declines invitations of identities in your own identity set. */
  declineInvites(identityIds: string | Iterable<string>): this {
    return this.#append("decline", identityIds);
  }

  /** Invites identities with `role` (default `member`); they become members on accepting. */
  inviteMembers(identityIds: string | Iterable<string>, options: { role?: GroupRole } = {}): this {
    return this.#append(
      "invite",
      identityIds,
      checkedValue("role", options.role ?? "member", GroupRole),
    );
  }

  /** Joins with identities of your own identity set, where the group's policies allow it. */
  join(identityIds: string | Iterable<string>): this {
    return this.#append("join", identityIds);
  }

  /** Leaves the group with identities of your own identity set. */
  leave(identityIds: string | Iterable<string>): this {
    return this.#append("leave", identityIds);
  }

  /** Rejects identities whose requests to join are pending. */
  rejectJoinRequests(identityIds: string | Iterable<string>): this {
    return this.#append("reject", identityIds);
  }

  /** Removes active or invited members (admins and managers). */
  removeMembers(identityIds: string | Iterable<string>): this {
    return this.#append("remove", identityIds);
  }

  /** Asks to join with identities of your own identity set; a manager approves or rejects. */
  requestJoin(identityIds: string | Iterable<string>): this {
    return this.#append("request_join", identityIds);
  }

  /** The request body: only the actions that have entries. */
  toJSON(): MembershipActionsDocument {
    return structuredClone(this.#actions);
  }
}

/** The policy document of a group, as Groups reads and writes it. */
export interface GroupPoliciesDocument {
  is_high_assurance: boolean;
  /** Seconds a high-assurance authentication lasts for this group; null for the default. */
  authentication_assurance_timeout?: number | null;
  group_visibility: GroupVisibility;
  group_members_visibility: GroupMemberVisibility;
  join_requests: boolean;
  signup_fields: GroupRequiredSignupFields[];
  [field: string]: unknown;
}

/** Options of {@link GroupPolicies}: every policy but the timeout must be given. */
export interface GroupPoliciesOptions {
  isHighAssurance: boolean;
  groupVisibility: GroupVisibility;
  groupMembersVisibility: GroupMemberVisibility;
  /** Whether users may ask to join. */
  joinRequests: boolean;
  signupFields: Iterable<GroupRequiredSignupFields>;
  /** Left out when undefined; null asks for Groups' default. */
  authenticationAssuranceTimeout?: number | null;
}

/**
 * A group's policies, for `GroupsClient.setGroupPolicies`: built from camelCase options,
 * checked against the values Groups accepts, sent with Groups' field names.
 */
export class GroupPolicies {
  readonly #document: GroupPoliciesDocument;

  constructor(options: GroupPoliciesOptions) {
    if (typeof options?.isHighAssurance !== "boolean") {
      throw new GlobusSDKUsageError("isHighAssurance must be true or false.");
    }
    if (typeof options.joinRequests !== "boolean") {
      throw new GlobusSDKUsageError("joinRequests must be true or false.");
    }
    const timeout = options.authenticationAssuranceTimeout;
    if (timeout !== undefined && timeout !== null && !(Number.isInteger(timeout) && timeout >= 0)) {
      throw new GlobusSDKUsageError(
        `authenticationAssuranceTimeout must be a whole number of seconds, not ${timeout}.`,
      );
    }
    this.#document = {
      is_high_assurance: options.isHighAssurance,
      group_visibility: checkedValue("groupVisibility", options.groupVisibility, GroupVisibility),
      group_members_visibility: checkedValue(
        "groupMembersVisibility",
        options.groupMembersVisibility,
        GroupMemberVisibility,
      ),
      join_requests: options.joinRequests,
      signup_fields: [...(options.signupFields ?? [])].map((field) =>
        checkedValue("signupFields", field, GroupRequiredSignupFields),
      ),
      ...(timeout !== undefined ? { authentication_assurance_timeout: timeout } : {}),
    };
  }

  /** The request body. */
  toJSON(): GroupPoliciesDocument {
    return structuredClone(this.#document);
  }
}
