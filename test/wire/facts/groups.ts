/**
 * Groups wire facts, read from the Python SDK 4.9's `services/groups/` (`client.py`,
 * `data.py`, `manager.py`) and the responses Globus recorded in `testing/data/groups/`
 * (`_common.py` holds the group documents the recordings share). Where Python recorded no
 * response for a method, the shape is that of the same model in Groups' OpenAPI spec (as
 * `@globus/sdk` publishes it), built from the recorded pieces, and the fact says so.
 */
import { GroupPolicies, GroupsClient, GroupsScopes } from "../../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_GROUP_ID,
  DEMO_SUBSCRIPTION_GROUP_ID,
  DEMO_SUBSCRIPTION_ID,
} from "../../../src/testing/index.ts";
import type { RouteWithoutFact, WireContext, WireFact } from "../facts.ts";
import { S, type Shape } from "../shape.ts";

export const service = "groups";

/** A membership as recorded in every group's `my_memberships`. */
const membership = S.obj({
  group_id: S.str,
  identity_id: S.str,
  username: S.str,
  role: S.str,
  status: S.str,
});

/** The policies inside a group document: the recordings carry only the two visibilities. */
const groupPolicies = S.obj({ group_visibility: S.str, group_members_visibility: S.str });

/** `session_timeouts` maps identity ids to `TimeoutData` (recorded empty). */
const sessionTimeouts = S.record(S.obj({ expire_time: S.str, expires_in: S.int }));

const connectors = S.record(S.obj({ is_ha: S.bool, is_baa: S.bool }));

/** `SUBSCRIPTION_INFO` of `_common.py`. */
const subscriptionInfo = S.obj({
  name: S.str,
  subscriber_name: S.str,
  is_high_assurance: S.bool,
  is_baa: S.bool,
  connectors,
});

/** An entry of `get_my_groups.py`: no description and no subscription fields. */
const myGroup = S.obj({
  name: S.str,
  parent_id: S.nullable(S.str),
  id: S.str,
  group_type: S.str,
  enforce_session: S.bool,
  session_limit: S.int,
  session_timeouts: sessionTimeouts,
  my_memberships: S.array(membership),
  policies: groupPolicies,
});

/**
 * `BASE_GROUP_DOC` and `SUBSCRIPTION_GROUP_DOC` of `_common.py`, which the recordings of
 * `get_group` (with `include=my_memberships,policies`), `create_group` and `delete_group`
 * answer with. The recorded descriptions are strings; Groups' spec allows null, which a
 * group created without one has.
 */
const groupFields = {
  name: S.str,
  description: S.nullable(S.str),
  parent_id: S.nullable(S.str),
  id: S.str,
  group_type: S.str,
  enforce_session: S.bool,
  session_limit: S.int,
  session_timeouts: sessionTimeouts,
  my_memberships: S.array(membership),
  policies: groupPolicies,
  subscription_id: S.nullable(S.str),
  subscription_info: S.nullable(subscriptionInfo),
};
const group = S.obj(groupFields);

/** `set_group_policies.py`: the whole policy document. */
const policies = S.obj({
  is_high_assurance: S.bool,
  authentication_assurance_timeout: S.nullable(S.int),
  group_visibility: S.str,
  group_members_visibility: S.str,
  join_requests: S.bool,
  signup_fields: S.array(S.str),
});

/** The keys `GroupPolicies` (data.py) writes. */
const POLICY_KEYS = [
  "is_high_assurance",
  "group_visibility",
  "group_members_visibility",
  "join_requests",
  "signup_fields",
  "authentication_assurance_timeout",
];

/** No recording: the spec's `MembershipFields`, every field optional and nullable. */
const membershipFields = S.obj(
  Object.fromEntries(
    [
      "first_name",
      "last_name",
      "organization",
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
    ].map((key) => [key, S.optional(S.nullable(S.str))]),
  ),
);

/** Every action `BatchMembershipActions` (data.py) can write. */
const ACTIONS = [
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

function perAction(shape: Shape): Record<string, Shape> {
  return Object.fromEntries(ACTIONS.map((action) => [action, S.optional(S.array(shape))]));
}

/**
 * No recorded response: `GroupMembershipPostActionResponse` of the spec, each action's list
 * holding memberships as recorded, and `errors` of `MembershipError`s.
 */
const batchAnswer = S.obj({
  ...perAction(membership),
  errors: S.optional(S.obj(perAction(S.obj({ identity_id: S.str, code: S.str, detail: S.str })))),
});

/** A client with both Groups scopes, on the driver's app (Alice unless named). */
function groups(context: WireContext, identityId?: string): GroupsClient {
  return new GroupsClient({
    app: context.userApp(identityId),
    appScopes: [GroupsScopes.all, GroupsScopes.view_my_groups_and_memberships],
  });
}

async function newGroupId(client: GroupsClient, name: string): Promise<string> {
  return (await client.createGroup({ name, description: "made by a wire fact" })).id;
}

const CLIENT = "services/groups/client.py";

/**
 * Preferences and membership fields are documents keyed by identity id (the spec's
 * `dict[str, IdentityPreferences]` and `dict[str, MembershipFields]`), so their body keys
 * are the identities the driver names.
 */
const PREFERENCE_IDENTITY = ALICE_UNIVERSITY_IDENTITY_ID;
const FIELDS_IDENTITY = ALICE_IDENTITY_ID;

export const routesWithoutFacts: RouteWithoutFact[] = [
  {
    service,
    method: "GET",
    path: "/v2/groups/statuses",
    why: "no Python SDK 4.9 method; served for @globus/sdk's groups.getStatuses (test/conformance/groups.test.ts)",
  },
];

export const facts: WireFact[] = [
  {
    python: "GroupsClient.get_my_groups",
    source: `${CLIENT}; testing/data/groups/get_my_groups.py`,
    service,
    method: "GET",
    path: "/v2/groups/my_groups",
    query: ["statuses"],
    response: S.array(myGroup),
    drive: (context) => groups(context).getMyGroups({ statuses: ["active", "invited"] }),
  },
  {
    python: "GroupsClient.get_group",
    source: `${CLIENT}; testing/data/groups/get_group.py (default), _common.py`,
    service,
    method: "GET",
    path: "/v2/groups/{group_id}",
    query: ["include"],
    response: group,
    drive: (context) =>
      groups(context).getGroup(DEMO_GROUP_ID, { include: ["my_memberships", "policies"] }),
  },
  {
    python: "GroupsClient.get_group (a subscription's group)",
    source: `${CLIENT}; testing/data/groups/get_group.py (subscription), _common.py`,
    service,
    method: "GET",
    path: "/v2/groups/{group_id}",
    query: ["include"],
    response: S.obj({
      ...groupFields,
      group_type: S.lit("plus"),
      subscription_id: S.str,
      subscription_info: subscriptionInfo,
    }),
    drive: (context) =>
      groups(context).getGroup(DEMO_SUBSCRIPTION_GROUP_ID, {
        include: ["my_memberships", "policies"],
      }),
  },
  {
    python: "GroupsClient.create_group",
    // the recording keeps the default 200; Groups' spec answers 201 Created, as we do
    source: `${CLIENT}; manager.py (create_group's keys); testing/data/groups/create_group.py`,
    service,
    method: "POST",
    path: "/v2/groups",
    body: ["name", "description", "parent_id"],
    response: group,
    drive: (context) =>
      groups(context).createGroup({
        name: "Wire Fact Group",
        description: "created",
        parent_id: DEMO_GROUP_ID,
      }),
  },
  {
    python: "GroupsClient.update_group",
    // no recording: the spec answers a GroupReadModel, as create and delete were recorded
    source: `${CLIENT}; body keys from the spec's GroupWriteModel; response as create_group.py`,
    service,
    method: "PUT",
    path: "/v2/groups/{group_id}",
    body: ["name", "description", "terms_and_conditions", "subscription_admin_verified_id"],
    response: group,
    drive: async (context) => {
      const client = groups(context);
      const id = await newGroupId(client, "To Rename");
      return client.updateGroup(id, { name: "Renamed", description: "updated" });
    },
  },
  {
    python: "GroupsClient.delete_group",
    source: `${CLIENT}; testing/data/groups/delete_group.py`,
    service,
    method: "DELETE",
    path: "/v2/groups/{group_id}",
    response: group,
    drive: async (context) => {
      const client = groups(context);
      return client.deleteGroup(await newGroupId(client, "To Delete"));
    },
  },
  {
    python: "GroupsClient.batch_membership_action",
    source: `${CLIENT}; data.py (BatchMembershipActions); response: the spec's GroupMembershipPostActionResponse`,
    service,
    method: "POST",
    path: "/v2/groups/{group_id}",
    body: ACTIONS,
    response: batchAnswer,
    drive: async (context) => {
      const client = groups(context);
      const id = await newGroupId(client, "Batch");
      await client.addMember(id, BOB_IDENTITY_ID);
      return client.batchMembershipAction(id, {
        change_role: [{ identity_id: BOB_IDENTITY_ID, role: "manager" }],
        add: [{ identity_id: "00000000-0000-4000-8000-000000000000", role: "member" }],
      });
    },
  },
  {
    python: "GroupsClient.get_group_by_subscription_id",
    source: `${CLIENT}; testing/data/groups/get_group_by_subscription_id.py`,
    service,
    method: "GET",
    path: "/v2/subscription_info/{subscription_id}",
    response: S.obj({
      group_id: S.str,
      subscription_id: S.str,
      subscription_info: S.obj({ is_high_assurance: S.bool, is_baa: S.bool, connectors }),
    }),
    drive: (context) => groups(context).getGroupBySubscriptionId(DEMO_SUBSCRIPTION_ID),
  },
  {
    python: "GroupsClient.get_group_policies",
    // no recording of the GET: the spec answers the same GroupPolicyReadModel as the PUT
    source: `${CLIENT}; response as testing/data/groups/set_group_policies.py`,
    service,
    method: "GET",
    path: "/v2/groups/{group_id}/policies",
    response: policies,
    drive: (context) => groups(context).getGroupPolicies(DEMO_GROUP_ID),
  },
  {
    python: "GroupsClient.set_group_policies",
    source: `${CLIENT}; data.py (GroupPolicies); testing/data/groups/set_group_policies.py`,
    service,
    method: "PUT",
    path: "/v2/groups/{group_id}/policies",
    body: POLICY_KEYS,
    response: policies,
    drive: async (context) => {
      const client = groups(context);
      const id = await newGroupId(client, "Policies");
      return client.setGroupPolicies(
        id,
        new GroupPolicies({
          isHighAssurance: false,
          groupVisibility: "private",
          groupMembersVisibility: "managers",
          joinRequests: false,
          signupFields: ["address1"],
          authenticationAssuranceTimeout: null,
        }),
      );
    },
  },
  {
    python: "GroupsClient.get_identity_preferences",
    source: `${CLIENT}; no recording: the spec's dict of IdentityPreferences`,
    service,
    method: "GET",
    path: "/v2/preferences",
    response: S.record(S.obj({ allow_add: S.nullable(S.bool) })),
    drive: (context) => groups(context).getIdentityPreferences(),
  },
  {
    python: "GroupsClient.set_identity_preferences",
    source: `${CLIENT}; no recording: the spec's dict of IdentityPreferences`,
    service,
    method: "PUT",
    path: "/v2/preferences",
    body: [PREFERENCE_IDENTITY],
    response: S.record(S.obj({ allow_add: S.nullable(S.bool) })),
    drive: (context) =>
      groups(context).setIdentityPreferences({ [PREFERENCE_IDENTITY]: { allow_add: false } }),
  },
  {
    python: "GroupsClient.get_membership_fields",
    source: `${CLIENT}; no recording: the spec's dict of MembershipFields`,
    service,
    method: "GET",
    path: "/v2/groups/{group_id}/membership_fields",
    response: S.record(membershipFields),
    drive: (context) => groups(context).getMembershipFields(DEMO_GROUP_ID),
  },
  {
    python: "GroupsClient.set_membership_fields",
    source: `${CLIENT}; no recording: the spec's dict of MembershipFields`,
    service,
    method: "PUT",
    path: "/v2/groups/{group_id}/membership_fields",
    body: [FIELDS_IDENTITY],
    response: S.record(membershipFields),
    drive: (context) =>
      groups(context).setMembershipFields(DEMO_GROUP_ID, {
        [FIELDS_IDENTITY]: { institution: "Example University", department: null },
      }),
  },
  {
    python: "GroupsClient.set_subscription_admin_verified",
    source: `${CLIENT}; testing/data/groups/set_subscription_admin_verified.py`,
    service,
    method: "PUT",
    path: "/v2/groups/{group_id}/subscription_admin_verified",
    body: ["subscription_admin_verified_id"],
    response: S.obj({ group_id: S.str, subscription_admin_verified_id: S.nullable(S.str) }),
    drive: async (context) => {
      const client = groups(context);
      const id = await newGroupId(client, "Verified");
      return client.setSubscriptionAdminVerified(id, DEMO_SUBSCRIPTION_ID);
    },
  },
];
