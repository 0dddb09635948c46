import { GroupsScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { GroupsAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";

/** A role in a group. */
export type GroupRole = "member" | "manager" | "admin";

/** One identity's membership of a group. */
export interface GroupMembership {
  group_id?: string;
  identity_id: string;
  username?: string | null;
  role: GroupRole;
  /** `active`, `invited`, `pending`, `rejected`, `removed`, `left`, `declined`. */
  status: string;
  [field: string]: unknown;
}

/** A group, with the fields scripts use; every other field is kept. */
export interface Group {
  id: string;
  name: string;
  description?: string | null;
  parent_id?: string | null;
  /** Your own memberships (always in `getMyGroups`). */
  my_memberships?: GroupMembership[];
  /** Every membership (with `include: ["memberships"]`, if you may see them). */
  memberships?: GroupMembership[];
  [field: string]: unknown;
}

/** One failed entry of a batch membership action. */
export interface MembershipActionError {
  identity_id: string | null;
  code: string;
  detail: string;
  [field: string]: unknown;
}

/** The answer to a batch membership action: the memberships changed, per action, and errors. */
export interface MembershipActionResponse {
  add?: GroupMembership[];
  remove?: GroupMembership[];
  change_role?: GroupMembership[];
  invite?: GroupMembership[];
  errors?: Partial<Record<"add" | "remove" | "change_role" | "invite", MembershipActionError[]>>;
  [field: string]: unknown;
}

/** A batch membership action document: lists of entries per action. */
export interface MembershipAction {
  add?: Array<{ identity_id: string; role?: GroupRole }>;
  remove?: Array<{ identity_id: string }>;
  change_role?: Array<{ identity_id: string; role: GroupRole }>;
  invite?: Array<{ identity_id: string; role?: GroupRole }>;
}

/**
 * A client for Globus Groups (`/v2/`). Bound to an app it requires
 * `view_my_groups_and_memberships`; add `GroupsScopes.all` to create or change groups.
 */
export class GroupsClient extends BaseServiceClient {
  static override readonly serviceName = "groups";
  static override readonly errorClass = GroupsAPIError;
  /** Groups' scopes and resource server. */
  static readonly scopes = GroupsScopes;

  override get resourceServer(): string {
    return GroupsScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [GroupsScopes.view_my_groups_and_memberships];
  }

  /**
   * The groups you belong to, each with `my_memberships`; `statuses` widens the default of
   * active memberships (e.g. `["active", "invited"]`).
   */
  async getMyGroups(options: CallOptions & { statuses?: string[] } = {}): Promise<Group[]> {
    const response = await this.request<Group[]>({
      path: "/v2/groups/my_groups",
      query: { statuses: options.statuses },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }

  /** One group; `include` adds e.g. `memberships`. */
  async getGroup(
    groupId: string,
    options: CallOptions & { include?: string[] } = {},
  ): Promise<Group> {
    const response = await this.request<Group>({
      path: apiPath`/v2/groups/${groupId}`,
      query: { include: options.include },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }

  /** Creates a group. */
  async createGroup(
    fields: { name: string; description?: string; parentId?: string },
    options: CallOptions = {},
  ): Promise<Group> {
    const response = await this.request<Group>({
      method: "POST",
      path: "/v2/groups",
      body: { name: fields.name, description: fields.description, parent_id: fields.parentId },
      ...options,
    });
    return response.data;
  }

  /** Replaces a group's name and description. */
  async updateGroup(
    groupId: string,
    fields: { name: string; description?: string },
    options: CallOptions = {},
  ): Promise<Group> {
    const response = await this.request<Group>({
      method: "PUT",
      path: apiPath`/v2/groups/${groupId}`,
      body: fields,
      ...options,
    });
    return response.data;
  }

  /** Deletes a group. */
  async deleteGroup(groupId: string, options: CallOptions = {}): Promise<Group> {
    const response = await this.request<Group>({
      method: "DELETE",
      path: apiPath`/v2/groups/${groupId}`,
      ...options,
    });
    return response.data;
  }

  /**
   * Adds one identity to a group (needs `GroupsScopes.all` and a manager or admin role).
   * Groups reports a refused entry in `errors.add` rather than as an HTTP error.
   */
  addMember(
    groupId: string,
    identityId: string,
    role: GroupRole = "member",
    options: CallOptions = {},
  ): Promise<MembershipActionResponse> {
    return this.addMembers(groupId, [identityId], role, options);
  }

  /** Removes one identity from a group; a refusal is in `errors.remove`. */
  removeMember(
    groupId: string,
    identityId: string,
    options: CallOptions = {},
  ): Promise<MembershipActionResponse> {
    return this.removeMembers(groupId, [identityId], options);
  }

  /** Adds identities to a group (one batch membership action). */
  addMembers(
    groupId: string,
    identityIds: string[],
    role: GroupRole = "member",
    options: CallOptions = {},
  ): Promise<MembershipActionResponse> {
    return this.batchMembershipAction(
      groupId,
      { add: identityIds.map((id) => ({ identity_id: id, role })) },
      options,
    );
  }

  /** Removes identities from a group (one batch membership action). */
  removeMembers(
    groupId: string,
    identityIds: string[],
    options: CallOptions = {},
  ): Promise<MembershipActionResponse> {
    return this.batchMembershipAction(
      groupId,
      { remove: identityIds.map((id) => ({ identity_id: id })) },
      options,
    );
  }

  /** Any mix of add, remove, change_role and invite, in one request. */
  async batchMembershipAction(
    groupId: string,
    actions: MembershipAction,
    options: CallOptions = {},
  ): Promise<MembershipActionResponse> {
    const response = await this.request<MembershipActionResponse>({
      method: "POST",
      path: apiPath`/v2/groups/${groupId}`,
      body: actions,
      ...options,
    });
    return response.data;
  }
}
