import type { OperationOptions } from "../base/client.ts";
import { GroupsClient } from "./client.ts";
import {
  BatchMembershipActions,
  type GroupMemberVisibility,
  GroupPolicies,
  type GroupRequiredSignupFields,
  type GroupRole,
  type GroupVisibility,
} from "./data.ts";
import type { Group, GroupPoliciesResponse, MembershipActionResponse } from "./types.ts";

/** The policies of {@link GroupsManager.setGroupPolicies}. */
export interface GroupsManagerPolicies {
  isHighAssurance: boolean;
  groupVisibility: GroupVisibility;
  groupMembersVisibility: GroupMemberVisibility;
  joinRequests: boolean;
  signupFields: Iterable<GroupRequiredSignupFields>;
  /** Seconds a high-assurance authentication lasts for this group; Groups' default if unset. */
  authenticationAssuranceTimeout?: number | null;
}

/**
 * The common group and membership actions, one call each, over a {@link GroupsClient}:
 * the Python SDK's `GroupsManager`. Each membership helper sends a one-entry
 * `BatchMembershipActions`, so a refused entry comes back under `errors` of the answer.
 */
export class GroupsManager {
  readonly client: GroupsClient;

  /** @param client the client to act through (default: a new `GroupsClient`). */
  constructor(client: GroupsClient = new GroupsClient()) {
    this.client = client;
  }

  /** Creates a group, as a subgroup of `parentId` if given (you must admin the parent). */
  createGroup(
    name: string,
    description: string,
    options: OperationOptions & { parentId?: string | null } = {},
  ): Promise<Group> {
    const { parentId, ...callOptions } = options;
    return this.client.createGroup({ name, description, parent_id: parentId ?? null }, callOptions);
  }

  /** Sets every policy of a group at once. */
  setGroupPolicies(
    groupId: string,
    policies: GroupsManagerPolicies,
    options?: OperationOptions,
  ): Promise<GroupPoliciesResponse> {
    return this.client.setGroupPolicies(
      groupId,
      new GroupPolicies({
        ...policies,
        authenticationAssuranceTimeout: policies.authenticationAssuranceTimeout ?? null,
      }),
      options,
    );
  }

  /** Accepts an invitation of one of your identities. */
  acceptInvite(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().acceptInvites(identityId), options);
  }

  /** Adds an identity as an active member with `role` (default `member`). */
  addMember(
    groupId: string,
    identityId: string,
    options: OperationOptions & { role?: GroupRole } = {},
  ): Promise<MembershipActionResponse> {
    const { role, ...callOptions } = options;
    return this.#act(
      groupId,
      new BatchMembershipActions().addMembers(identityId, { role: role ?? "member" }),
      callOptions,
    );
  }

  /** Approves an identity's pending request to join. */
  approvePending(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().approvePending(identityId), options);
  }

  /** Gives an active member a new role (admins only). */
  changeRole(
    groupId: string,
    identityId: string,
    role: GroupRole,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().changeRoles(role, identityId), options);
  }

  /** Declines an invitation of one of your identities. */
  declineInvite(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().declineInvites(identityId), options);
  }

  /** Invites an identity with `role` (default `member`). */
  inviteMember(
    groupId: string,
    identityId: string,
    options: OperationOptions & { role?: GroupRole } = {},
  ): Promise<MembershipActionResponse> {
    const { role, ...callOptions } = options;
    return this.#act(
      groupId,
      new BatchMembershipActions().inviteMembers(identityId, { role: role ?? "member" }),
      callOptions,
    );
  }

  /** Joins with one of your identities, where the group's policies allow joining directly. */
  join(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().join(identityId), options);
  }

  /** Leaves a group with one of your identities. */
  leave(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().leave(identityId), options);
  }

  /** Rejects an identity's pending request to join. */
  rejectJoinRequest(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().rejectJoinRequests(identityId), options);
  }

  /** Removes a member (admins and managers). */
  removeMember(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().removeMembers(identityId), options);
  }

  /** Asks to join with one of your identities; an admin or manager then approves or rejects. */
  requestJoin(
    groupId: string,
    identityId: string,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.#act(groupId, new BatchMembershipActions().requestJoin(identityId), options);
  }

  #act(
    groupId: string,
    actions: BatchMembershipActions,
    options?: OperationOptions,
  ): Promise<MembershipActionResponse> {
    return this.client.batchMembershipAction(groupId, actions, options);
  }
}
