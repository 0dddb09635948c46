/**
 * The documents the Groups emulator answers with, keyed and ordered as the responses the
 * Python SDK 4.9 recorded from Groups (`testing/data/groups/`): a group as `get_group`,
 * `create_group` and `delete_group` answer, the lighter one of `get_my_groups`, memberships,
 * policies, and the limited subscription view.
 */
import type { Caller, GroupRecord, GroupsModel, Membership, Policies } from "./model.ts";

/** What `include` may ask of `GET /v2/groups/{id}`. */
export const GROUP_INCLUDES = [
  "memberships",
  "my_memberships",
  "policies",
  "allowed_actions",
  "child_ids",
] as const;
export type GroupInclude = (typeof GROUP_INCLUDES)[number];

export function membershipDoc(
  model: GroupsModel,
  group: GroupRecord,
  membership: Membership,
): Record<string, unknown> {
  return {
    group_id: group.id,
    identity_id: membership.identityId,
    username: model.username(membership.identityId),
    role: membership.role,
    status: membership.status,
  };
}

/** The whole policy document, as `GET`/`PUT /v2/groups/{id}/policies` answer it. */
export function policiesDoc(policies: Policies): Record<string, unknown> {
  return {
    is_high_assurance: policies.is_high_assurance,
    authentication_assurance_timeout: policies.authentication_assurance_timeout,
    group_visibility: policies.group_visibility,
    group_members_visibility: policies.group_members_visibility,
    join_requests: policies.join_requests,
    signup_fields: [...policies.signup_fields],
  };
}

/** The policies inside a group document: the recorded ones carry only the visibilities. */
function groupPoliciesDoc(policies: Policies): Record<string, unknown> {
  return {
    group_visibility: policies.group_visibility,
    group_members_visibility: policies.group_members_visibility,
  };
}

/** The session fields: a high-assurance group enforces its authentication timeout. */
function sessionFields(group: GroupRecord): Record<string, unknown> {
  return {
    enforce_session: group.policies.is_high_assurance,
    session_limit: group.policies.authentication_assurance_timeout,
    session_timeouts: {},
  };
}

/** One entry of `GET /v2/groups/my_groups`, with the caller's memberships of `statuses`. */
export function myGroupDoc(
  model: GroupsModel,
  group: GroupRecord,
  caller: Caller,
  statuses: readonly string[],
): Record<string, unknown> {
  return {
    name: group.name,
    parent_id: group.parentId,
    id: group.id,
    group_type: group.groupType,
    ...sessionFields(group),
    my_memberships: model
      .myMemberships(group, caller)
      .filter((membership) => statuses.includes(membership.status))
      .map((membership) => membershipDoc(model, group, membership)),
    policies: groupPoliciesDoc(group.policies),
  };
}

/**
 * A group document with what `include` asks for (create, update and delete answer as if
 * asked for `my_memberships` and `policies`, as recorded). Fields Groups leaves unset
 * (terms, a subscription admin's verification) appear once they have a value.
 */
export function groupDoc(
  model: GroupsModel,
  group: GroupRecord,
  caller: Caller,
  include: readonly GroupInclude[],
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    name: group.name,
    description: group.description,
    parent_id: group.parentId,
    id: group.id,
    group_type: group.groupType,
    ...sessionFields(group),
  };
  if (group.termsAndConditions !== null) doc.terms_and_conditions = group.termsAndConditions;
  if (include.includes("my_memberships")) {
    doc.my_memberships = model
      .myMemberships(group, caller)
      .map((membership) => membershipDoc(model, group, membership));
  }
  if (include.includes("memberships")) {
    doc.memberships = model.canSeeMembers(group, caller)
      ? [...group.memberships.values()].map((membership) => membershipDoc(model, group, membership))
      : [];
  }
  if (include.includes("allowed_actions"))
    doc.allowed_actions = model.allowedActions(group, caller);
  if (include.includes("child_ids")) doc.child_ids = model.children(group).map((child) => child.id);
  if (include.includes("policies")) doc.policies = groupPoliciesDoc(group.policies);
  doc.subscription_id = group.subscription?.id ?? null;
  doc.subscription_info = group.subscription ? { ...group.subscription.info } : null;
  if (group.subscriptionAdminVerifiedId !== null) {
    doc.subscription_admin_verified_id = group.subscriptionAdminVerifiedId;
  }
  return doc;
}

/** `GET /v2/subscription_info/{id}`: the subscription without its name, for privacy. */
export function subscriptionDoc(group: GroupRecord): Record<string, unknown> {
  const info = group.subscription?.info;
  return {
    group_id: group.id,
    subscription_id: group.subscription?.id ?? null,
    subscription_info: info
      ? {
          is_high_assurance: info.is_high_assurance,
          is_baa: info.is_baa,
          connectors: info.connectors,
        }
      : null,
  };
}
