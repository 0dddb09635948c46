import { GroupsScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { GroupsAPIError } from "../../transport/errors.ts";
import { BaseServiceClient, type OperationOptions } from "../base/client.ts";
import {
  BatchMembershipActions,
  type GroupPolicies,
  type GroupPoliciesDocument,
  type GroupRole,
  type MembershipActionsDocument,
  type MembershipStatus,
} from "./data.ts";
import type {
  Group,
  GroupCreateDocument,
  GroupInclude,
  GroupPoliciesResponse,
  GroupSubscription,
  GroupUpdateDocument,
  IdentityPreferences,
  MembershipActionResponse,
  MembershipFields,
  SubscriptionAdminVerified,
} from "./types.ts";

/** A single value or several, sent comma-joined as the Python SDK's `commajoin` does. */
function list<T extends string>(values: T | Iterable<T> | undefined): T[] | undefined {
  if (values === undefined) return undefined;
  return typeof values === "string" ? [values] : [...values];
}

/** A payload builder's document, or a plain document as given. */
function payload<T>(data: T | { toJSON(): T }): T {
  return data !== null && typeof data === "object" && "toJSON" in data
    ? (data as { toJSON(): T }).toJSON()
    : (data as T);
}

/**
 * A client for Globus Groups (`/v2/`). Bound to an app it requires
 * `view_my_groups_and_memberships`; add `GroupsScopes.all` to create or change groups and
 * memberships. `GroupsManager` wraps the common membership actions in one call each.
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
   * The groups your identities belong to, each with your `my_memberships`. Only active
   * memberships count unless `statuses` names others (e.g. `["active", "invited"]`).
   */
  getMyGroups(
    options: OperationOptions & { statuses?: MembershipStatus | Iterable<MembershipStatus> } = {},
  ): Promise<Group[]> {
    return this.call(
      { path: "/v2/groups/my_groups", query: { statuses: list(options.statuses) } },
      options,
    );
  }

  /** One group; `include` adds `memberships`, `my_memberships`, `policies`, ... */
  getGroup(
    groupId: string,
    options: OperationOptions & { include?: GroupInclude | Iterable<GroupInclude> } = {},
  ): Promise<Group> {
    return this.call(
      { path: apiPath`/v2/groups/${groupId}`, query: { include: list(options.include) } },
      options,
    );
  }

  /**
   * Creates a group from a document with Groups' field names; you become its admin.
   * `parentId` is accepted for `parent_id`.
   */
  createGroup(
    data: GroupCreateDocument & { parentId?: string },
    options?: OperationOptions,
  ): Promise<Group> {
    const { parentId, ...document } = data;
    const body = parentId !== undefined ? { ...document, parent_id: parentId } : document;
    return this.call({ method: "POST", path: "/v2/groups", body }, options);
  }

  /** Changes a group's name, description or terms (admins only). */
  updateGroup(
    groupId: string,
    data: GroupUpdateDocument,
    options?: OperationOptions,
  ): Promise<Group> {
    return this.call({ method: "PUT", path: apiPath`/v2/groups/${groupId}`, body: data }, options);
  }

  /** Deletes a group (admins only); answers with the group as it was. */
  deleteGroup(groupId: string, options?: OperationOptions): Promise<Group> {
    return this.call({ method: "DELETE", path: apiPath`/v2/groups/${groupId}` }, options);
  }

  /** The group that provides a subscription, with the subscription's (unnamed) details. */
  getGroupBySubscriptionId(
    subscriptionId: string,
    options?: OperationOptions,
  ): Promise<GroupSubscription> {
    return this.call({ path: apiPath`/v2/subscription_info/${subscriptionId}` }, options);
  }

  /** A group's whole policy document. */
  getGroupPolicies(groupId: string, options?: OperationOptions): Promise<GroupPoliciesResponse> {
    return this.call({ path: apiPath`/v2/groups/${groupId}/policies` }, options);
  }

  /** Sets a group's policies (admins only); build them with `GroupPolicies`. */
  setGroupPolicies(
    groupId: string,
    data: GroupPolicies | GroupPoliciesDocument,
    options?: OperationOptions,
  ): Promise<GroupPoliciesResponse> {
    return this.call(
      { method: "PUT", path: apiPath`/v2/groups/${groupId}/policies`, body: payload(data) },
      options,
    );
  }

  /** Your identities' Groups preferences (whether others may add them), by identity id. */
  getIdentityPreferences(options?: OperationOptions): Promise<IdentityPreferences> {
    return this.call({ path: "/v2/preferences" }, options);
  }

  /**
   * Sets preferences of identities in your identity set, keyed by identity id:
   * `{ [identityId]: { allow_add: false } }`.
   */
  setIdentityPreferences(
    data: IdentityPreferences,
    options?: OperationOptions,
  ): Promise<IdentityPreferences> {
    return this.call({ method: "PUT", path: "/v2/preferences", body: data }, options);
  }

  /** The fields your identities share with a group, by identity id. */
  getMembershipFields(
    groupId: string,
    options?: OperationOptions,
  ): Promise<Record<string, MembershipFields>> {
    return this.call({ path: apiPath`/v2/groups/${groupId}/membership_fields` }, options);
  }

  /** Sets the fields identities of your identity set share with a group, by identity id. */
  setMembershipFields(
    groupId: string,
    data: Record<string, MembershipFields>,
    options?: OperationOptions,
  ): Promise<Record<string, MembershipFields>> {
    return this.call(
      { method: "PUT", path: apiPath`/v2/groups/${groupId}/membership_fields`, body: data },
      options,
    );
  }

  /**
   * Marks a group as verified by the admin of a subscription, or with null clears the mark
   * (you must be an admin of the subscription's group, new and old).
   */
  setSubscriptionAdminVerified(
    groupId: string,
    subscriptionId: string | null,
    options?: OperationOptions,
  ): Promise<SubscriptionAdminVerified> {
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v2/groups/${groupId}/subscription_admin_verified`,
        body: { subscription_admin_verified_id: subscriptionId },
      },
      options,
    );
  }

  /**
   * Takes several membership actions in one request. An action none of your identities may
   * take fails the request; an entry that cannot be done is reported under `errors`.
   */
  batchMembershipAction(
    groupId: string,
    actions: BatchMembershipActions | MembershipActionsDocument,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.call(
      { method: "POST", path: apiPath`/v2/groups/${groupId}`, body: payload(actions) },
      options,
    );
  }

  /** Adds one identity (an alias of a one-entry `batchMembershipAction`). */
  addMember(
    groupId: string,
    identityId: string,
    role: GroupRole = "member",
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.addMembers(groupId, [identityId], role, options);
  }

  /** Removes one identity (an alias of a one-entry `batchMembershipAction`). */
  removeMember(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.removeMembers(groupId, [identityId], options);
  }

  /** Adds identities with one role (an alias of `batchMembershipAction`). */
  addMembers(
    groupId: string,
    identityIds: Iterable<string>,
    role: GroupRole = "member",
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.batchMembershipAction(
      groupId,
      new BatchMembershipActions().addMembers(identityIds, { role }),
      options,
    );
  }

  /** Removes identities (an alias of `batchMembershipAction`). */
  removeMembers(
    groupId: string,
    identityIds: Iterable<string>,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.batchMembershipAction(
      groupId,
      new BatchMembershipActions().removeMembers(identityIds),
      options,
    );
  }
}
