/**
 * Every `GroupsClient` method against the emulator: the request on the wire (from the
 * emulator's request log) and the decoded answer.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  BatchMembershipActions,
  GroupPolicies,
  GroupsAPIError,
  GroupsClient,
  GroupsScopes,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_GROUP_ID,
  DEMO_SUBSCRIPTION_GROUP_ID,
  DEMO_SUBSCRIPTION_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { authorizerFor, lastRequest, userAuthorizers } from "./helpers.ts";

const SCOPES = [String(GroupsScopes.all), String(GroupsScopes.view_my_groups_and_memberships)];

let emulator: RunningEmulator;
let alice: GroupsClient;
let bob: GroupsClient;

before(async () => {
  emulator = await startEmulator();
  const client = async (identityId: string) =>
    new GroupsClient({
      authorizer: authorizerFor(
        await userAuthorizers(emulator, SCOPES, { identityId }),
        GroupsScopes.resourceServer,
      ),
      baseUrl: emulator.urls.groups,
    });
  alice = await client(ALICE_IDENTITY_ID);
  bob = await client(BOB_IDENTITY_ID);
});
after(() => emulator.stop());

const sent = (path: string, method: string) => lastRequest(emulator, "groups", path, method);

async function newGroup(name: string): Promise<string> {
  return (await alice.createGroup({ name })).id;
}

describe("groups and their documents", () => {
  test("getMyGroups: active memberships by default, statuses comma-joined", async () => {
    const mine = await bob.getMyGroups();
    assert.deepEqual(sent("/v2/groups/my_groups", "GET").query, {});
    const demo = mine.find((group) => group.id === DEMO_GROUP_ID);
    assert.deepEqual(
      demo?.my_memberships?.map((m) => [m.identity_id, m.role, m.status]),
      [[BOB_IDENTITY_ID, "member", "active"]],
    );
    const id = await newGroup("Invites Bob");
    await alice.batchMembershipAction(
      id,
      new BatchMembershipActions().inviteMembers(BOB_IDENTITY_ID),
    );
    assert.ok(!(await bob.getMyGroups()).some((group) => group.id === id), "invited is not active");
    const widened = await bob.getMyGroups({ statuses: ["active", "invited"] });
    assert.deepEqual(sent("/v2/groups/my_groups", "GET").query, { statuses: "active,invited" });
    assert.equal(widened.find((group) => group.id === id)?.my_memberships?.[0]?.status, "invited");
    assert.equal((await bob.getMyGroups({ statuses: "invited" })).length, 1);
  });

  test("getGroup: include is comma-joined; queryParams pass through", async () => {
    const group = await alice.getGroup(DEMO_GROUP_ID, {
      include: ["memberships", "policies"],
      queryParams: { extra: "kept" },
    });
    assert.deepEqual(sent(`/v2/groups/${DEMO_GROUP_ID}`, "GET").query, {
      include: "memberships,policies",
      extra: "kept",
    });
    assert.equal(group.id, DEMO_GROUP_ID);
    assert.deepEqual(group.policies, {
      group_visibility: "private",
      group_members_visibility: "managers",
    });
    assert.deepEqual(group.memberships?.map((m) => m.identity_id).sort(), [
      ALICE_IDENTITY_ID,
      BOB_IDENTITY_ID,
    ]);
    assert.equal(group.my_memberships, undefined, "not asked for");
    const bare = await alice.getGroup(DEMO_GROUP_ID);
    assert.deepEqual(sent(`/v2/groups/${DEMO_GROUP_ID}`, "GET").query, {});
    assert.equal(bare.memberships, undefined);
  });

  test("createGroup: Groups' field names, and parentId for parent_id", async () => {
    const parent = await alice.createGroup({ name: "Parent", description: "top" });
    assert.deepEqual(sent("/v2/groups", "POST").body, { name: "Parent", description: "top" });
    assert.equal(parent.name, "Parent");
    assert.equal(parent.parent_id, null);
    assert.deepEqual(
      parent.my_memberships?.map((m) => [m.identity_id, m.role, m.status]),
      [[ALICE_IDENTITY_ID, "admin", "active"]],
    );
    const child = await alice.createGroup({ name: "Child", parentId: parent.id });
    assert.deepEqual(sent("/v2/groups", "POST").body, { name: "Child", parent_id: parent.id });
    assert.equal(child.parent_id, parent.id);
    const withIds = await alice.getGroup(parent.id, { include: "child_ids" });
    assert.deepEqual(withIds.child_ids, [child.id]);
    // only a parent's admin adds subgroups
    await assert.rejects(
      bob.createGroup({ name: "Stowaway", parent_id: DEMO_GROUP_ID }),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403,
    );
  });

  test("updateGroup sends the fields given; only admins may", async () => {
    const id = await newGroup("Old Name");
    const updated = await alice.updateGroup(id, {
      name: "New Name",
      terms_and_conditions: "Be kind.",
    });
    assert.deepEqual(sent(`/v2/groups/${id}`, "PUT").body, {
      name: "New Name",
      terms_and_conditions: "Be kind.",
    });
    assert.equal(updated.name, "New Name");
    assert.equal(updated.terms_and_conditions, "Be kind.");
    await assert.rejects(
      bob.updateGroup(DEMO_GROUP_ID, { name: "Mine now" }),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403 && e.code === "FORBIDDEN",
    );
  });

  test("deleteGroup answers with the group as it was; it is gone after", async () => {
    const id = await newGroup("Doomed");
    const deleted = await alice.deleteGroup(id);
    assert.equal(sent(`/v2/groups/${id}`, "DELETE").body, undefined);
    assert.equal(deleted.id, id);
    assert.equal(deleted.my_memberships?.[0]?.role, "admin");
    assert.equal(deleted.policies?.group_visibility, "private");
    await assert.rejects(
      alice.getGroup(id),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 404 && e.code === "NOT_FOUND",
    );
  });
});

describe("policies, preferences, membership fields, subscriptions", () => {
  test("getGroupPolicies and setGroupPolicies, from the builder or a document", async () => {
    const id = await newGroup("Policy Group");
    const initial = await alice.getGroupPolicies(id);
    assert.equal(sent(`/v2/groups/${id}/policies`, "GET").method, "GET");
    assert.deepEqual(initial, {
      is_high_assurance: false,
      authentication_assurance_timeout: 28800,
      group_visibility: "private",
      group_members_visibility: "managers",
      join_requests: false,
      signup_fields: [],
    });
    const set = await alice.setGroupPolicies(
      id,
      new GroupPolicies({
        isHighAssurance: true,
        groupVisibility: "authenticated",
        groupMembersVisibility: "members",
        joinRequests: true,
        signupFields: ["institution", "department"],
        authenticationAssuranceTimeout: 3600,
      }),
    );
    assert.deepEqual(sent(`/v2/groups/${id}/policies`, "PUT").body, {
      is_high_assurance: true,
      group_visibility: "authenticated",
      group_members_visibility: "members",
      join_requests: true,
      signup_fields: ["institution", "department"],
      authentication_assurance_timeout: 3600,
    });
    assert.equal(set.authentication_assurance_timeout, 3600);
    assert.deepEqual(await alice.getGroupPolicies(id), set);
    // a null timeout is Groups' default again; the group document shows the session limit
    const plain = await alice.setGroupPolicies(id, {
      is_high_assurance: true,
      group_visibility: "authenticated",
      group_members_visibility: "members",
      join_requests: true,
      signup_fields: [],
      authentication_assurance_timeout: null,
    });
    assert.equal(plain.authentication_assurance_timeout, 28800);
    const group = await alice.getGroup(id);
    assert.equal(group.enforce_session, true);
    assert.equal(group.session_limit, 28800);
    await assert.rejects(
      bob.getGroupPolicies(id).then(() => bob.setGroupPolicies(id, plain)),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403,
    );
    await assert.rejects(
      alice.setGroupPolicies(id, { ...plain, group_visibility: "everyone" as "private" }),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 422,
    );
  });

  test("identity preferences: keyed by identity; allow_add false stops adds, not invites", async () => {
    const before = await bob.getIdentityPreferences();
    assert.equal(sent("/v2/preferences", "GET").method, "GET");
    assert.deepEqual(Object.keys(before).sort(), [
      BOB_IDENTITY_ID,
      "22222222-2222-4222-8222-222222222222",
    ]);
    assert.equal(before[BOB_IDENTITY_ID]?.allow_add, null);
    const after = await bob.setIdentityPreferences({ [BOB_IDENTITY_ID]: { allow_add: false } });
    assert.deepEqual(sent("/v2/preferences", "PUT").body, {
      [BOB_IDENTITY_ID]: { allow_add: false },
    });
    assert.equal(after[BOB_IDENTITY_ID]?.allow_add, false);
    const id = await newGroup("No Adds");
    const refused = await alice.addMember(id, BOB_IDENTITY_ID);
    assert.deepEqual(refused.add, []);
    assert.equal(refused.errors?.add?.[0]?.code, "ADD_NOT_ALLOWED");
    const invited = await alice.batchMembershipAction(id, {
      invite: [{ identity_id: BOB_IDENTITY_ID, role: "member" }],
    });
    assert.equal(invited.invite?.[0]?.status, "invited");
    await bob.setIdentityPreferences({ [BOB_IDENTITY_ID]: { allow_add: null } });
    // nobody sets another's preferences
    await assert.rejects(
      alice.setIdentityPreferences({ [BOB_IDENTITY_ID]: { allow_add: true } }),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403,
    );
  });

  test("membership fields: get and set your own, by identity id", async () => {
    const empty = await bob.getMembershipFields(DEMO_GROUP_ID);
    assert.equal(sent(`/v2/groups/${DEMO_GROUP_ID}/membership_fields`, "GET").method, "GET");
    assert.deepEqual(empty, { [BOB_IDENTITY_ID]: {} });
    const set = await bob.setMembershipFields(DEMO_GROUP_ID, {
      [BOB_IDENTITY_ID]: { institution: "Example University", phone: null },
    });
    assert.deepEqual(sent(`/v2/groups/${DEMO_GROUP_ID}/membership_fields`, "PUT").body, {
      [BOB_IDENTITY_ID]: { institution: "Example University", phone: null },
    });
    assert.deepEqual(set, {
      [BOB_IDENTITY_ID]: { institution: "Example University", phone: null },
    });
    assert.deepEqual(await bob.getMembershipFields(DEMO_GROUP_ID), set);
    await assert.rejects(
      bob.setMembershipFields(DEMO_GROUP_ID, { [BOB_IDENTITY_ID]: { favourite_colour: "blue" } }),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 422,
    );
    await assert.rejects(
      alice.setMembershipFields(DEMO_GROUP_ID, { [BOB_IDENTITY_ID]: { city: "Chicago" } }),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403,
    );
  });

  test("getGroupBySubscriptionId: the providing group, without the subscription's name", async () => {
    const found = await bob.getGroupBySubscriptionId(DEMO_SUBSCRIPTION_ID);
    assert.equal(sent(`/v2/subscription_info/${DEMO_SUBSCRIPTION_ID}`, "GET").method, "GET");
    assert.equal(found.group_id, DEMO_SUBSCRIPTION_GROUP_ID);
    assert.equal(found.subscription_id, DEMO_SUBSCRIPTION_ID);
    assert.deepEqual(Object.keys(found.subscription_info).sort(), [
      "connectors",
      "is_baa",
      "is_high_assurance",
    ]);
    const full = await alice.getGroup(DEMO_SUBSCRIPTION_GROUP_ID);
    assert.equal(full.group_type, "plus");
    assert.equal(full.subscription_info?.name, "Emulator Demo Subscription");
    await assert.rejects(
      alice.getGroupBySubscriptionId("00000000-0000-4000-8000-000000000000"),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 404,
    );
  });

  test("setSubscriptionAdminVerified: a subscription's admin sets it; null clears it", async () => {
    const id = await newGroup("Verified");
    const verified = await alice.setSubscriptionAdminVerified(id, DEMO_SUBSCRIPTION_ID);
    assert.deepEqual(sent(`/v2/groups/${id}/subscription_admin_verified`, "PUT").body, {
      subscription_admin_verified_id: DEMO_SUBSCRIPTION_ID,
    });
    assert.deepEqual(verified, {
      group_id: id,
      subscription_admin_verified_id: DEMO_SUBSCRIPTION_ID,
    });
    assert.equal((await alice.getGroup(id)).subscription_admin_verified_id, DEMO_SUBSCRIPTION_ID);
    // Bob admins his own group, but not the subscription's
    const bobs = (await bob.createGroup({ name: "Bob's" })).id;
    await assert.rejects(
      bob.setSubscriptionAdminVerified(bobs, DEMO_SUBSCRIPTION_ID),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403,
    );
    const cleared = await alice.setSubscriptionAdminVerified(id, null);
    assert.deepEqual(sent(`/v2/groups/${id}/subscription_admin_verified`, "PUT").body, {
      subscription_admin_verified_id: null,
    });
    assert.equal(cleared.subscription_admin_verified_id, null);
    assert.equal((await alice.getGroup(id)).subscription_admin_verified_id, undefined);
  });
});

describe("batch membership actions", () => {
  test("from the builder or a document; the aliases send one-action batches", async () => {
    const id = await newGroup("Batch");
    const both = await alice.batchMembershipAction(
      id,
      new BatchMembershipActions()
        .addMembers([BOB_IDENTITY_ID], { role: "manager" })
        .inviteMembers(ALICE_UNIVERSITY_IDENTITY_ID),
    );
    assert.deepEqual(sent(`/v2/groups/${id}`, "POST").body, {
      add: [{ identity_id: BOB_IDENTITY_ID, role: "manager" }],
      invite: [{ identity_id: ALICE_UNIVERSITY_IDENTITY_ID, role: "member" }],
    });
    assert.equal(both.add?.[0]?.role, "manager");
    assert.equal(both.invite?.[0]?.status, "invited");
    assert.deepEqual(both.errors, {});

    await alice.removeMember(id, BOB_IDENTITY_ID);
    assert.deepEqual(sent(`/v2/groups/${id}`, "POST").body, {
      remove: [{ identity_id: BOB_IDENTITY_ID }],
    });
    await alice.addMember(id, BOB_IDENTITY_ID, "admin");
    assert.deepEqual(sent(`/v2/groups/${id}`, "POST").body, {
      add: [{ identity_id: BOB_IDENTITY_ID, role: "admin" }],
    });
    const removed = await alice.removeMembers(id, [BOB_IDENTITY_ID, ALICE_UNIVERSITY_IDENTITY_ID]);
    assert.deepEqual(sent(`/v2/groups/${id}`, "POST").body, {
      remove: [{ identity_id: BOB_IDENTITY_ID }, { identity_id: ALICE_UNIVERSITY_IDENTITY_ID }],
    });
    assert.deepEqual(
      removed.remove?.map((m) => m.status),
      ["removed"],
    );
    assert.equal(removed.errors?.remove?.[0]?.code, "CANNOT_REMOVE_SELF");
    const readded = await alice.addMembers(id, [BOB_IDENTITY_ID]);
    assert.deepEqual(sent(`/v2/groups/${id}`, "POST").body, {
      add: [{ identity_id: BOB_IDENTITY_ID, role: "member" }],
    });
    assert.equal(readded.add?.[0]?.status, "active");
  });

  test("the builder checks ids and roles before any request", () => {
    assert.throws(
      () => new BatchMembershipActions().addMembers([BOB_IDENTITY_ID, "bob"]),
      (e: unknown) => e instanceof GlobusSDKUsageError && /identityIds\[1\]/.test(e.message),
    );
    assert.throws(
      () => new BatchMembershipActions().changeRoles("owner" as "admin", BOB_IDENTITY_ID),
      (e: unknown) => e instanceof GlobusSDKUsageError && /role/.test(e.message),
    );
    assert.throws(
      () => new BatchMembershipActions().join([]),
      (e: unknown) => e instanceof GlobusSDKUsageError && /identityIds/.test(e.message),
    );
  });

  test("a misspelt action or an identity named twice fails the whole request", async () => {
    const id = await newGroup("Strict");
    await assert.rejects(
      alice.batchMembershipAction(id, {
        change_roles: [{ identity_id: BOB_IDENTITY_ID, role: "member" }],
      } as never),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 422,
    );
    await assert.rejects(
      alice.batchMembershipAction(
        id,
        new BatchMembershipActions().addMembers(BOB_IDENTITY_ID).inviteMembers(BOB_IDENTITY_ID),
      ),
      (e: unknown) =>
        e instanceof GroupsAPIError &&
        e.httpStatus === 400 &&
        e.code === "AMBIGUOUS_IDENTITIES" &&
        JSON.stringify(e.data).includes(BOB_IDENTITY_ID),
    );
    const group = await alice.getGroup(id, { include: "memberships" });
    assert.deepEqual(
      group.memberships?.map((m) => m.identity_id),
      [ALICE_IDENTITY_ID],
    );
  });
});
