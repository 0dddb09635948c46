import { GroupsScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { GroupsAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";

/** A group, with the fields scripts use; every other field is kept. */
export interface Group {
  id: string;
  name: string;
  description?: string | null;
  memberships?: Array<{
    identity_id: string;
    role: string;
    status: string;
    [field: string]: unknown;
  }>;
  [field: string]: unknown;
}

/** A role in a group. */
export type GroupRole = "member" | "manager" | "admin";

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

  /** The groups you belong to, with your memberships. */
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

  /** Adds identities to a group (one batch membership action). */
  addMembers(
    groupId: string,
    identityIds: string[],
    role: GroupRole = "member",
    options: CallOptions = {},
  ) {
    return this.#batch(
      groupId,
      { add: identityIds.map((id) => ({ identity_id: id, role })) },
      options,
    );
  }

  /** Removes identities from a group (one batch membership action). */
  removeMembers(groupId: string, identityIds: string[], options: CallOptions = {}) {
    return this.#batch(
      groupId,
      { remove: identityIds.map((id) => ({ identity_id: id })) },
      options,
    );
  }

  async #batch(
    groupId: string,
    body: Record<string, unknown>,
    options: CallOptions,
  ): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      method: "POST",
      path: apiPath`/v2/groups/${groupId}`,
      body,
      ...options,
    });
    return response.data;
  }
}
