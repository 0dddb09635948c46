/**
 * `GroupsManager`'s 13 helpers against the emulator: each sends the one-entry batch (or the
 * document) the Python SDK's `GroupsManager` sends, and its answer shows the membership's new
 * state. The last test is the join under an approval policy: request, approve, member.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GroupsAPIError, GroupsClient, GroupsManager, GroupsScopes } from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { authorizerFor, lastRequest, userAuthorizers } from "./helpers.ts";

const CAROL_IDENTITY_ID = "99999999-1111-4999-8999-999999999999";
const SCOPES = [String(GroupsScopes.all), String(GroupsScopes.view_my_groups_and_memberships)];

let emulator: RunningEmulator;
let alice: GroupsManager;
let bob: GroupsManager;
let carol: GroupsManager;

before(async () => {
  emulator = await startEmulator({
    seed: {
      identities: [
        ...structuredClone(DEFAULT_SEED.identities),
        {
          id: CAROL_IDENTITY_ID,
          username: "carol@globusid.org",
          name: "Carol Example",
          email: "carol@example.org",
          account: "carol",
        },
      ],
    },
  });
  const manager = async (identityId: string) =>
    new GroupsManager(
      new GroupsClient({
        authorizer: authorizerFor(
          await userAuthorizers(emulator, SCOPES, { identityId }),
          GroupsScopes.resourceServer,
        ),
        baseUrl: emulator.urls.groups,
      }),
    );
  alice = await manager(ALICE_IDENTITY_ID);
  bob = await manager(BOB_IDENTITY_ID);
  carol = await manager(CAROL_IDENTITY_ID);
});
after(() => emulator.stop());

/** The body of the last batch sent to a group. */
const batchSent = (groupId: string) =>
  lastRequest(emulator, "groups", `/v2/groups/${groupId}`, "POST").body;

const OPEN = {
  isHighAssurance: false,
  groupVisibility: "authenticated",
  groupMembersVisibility: "members",
  joinRequests: true,
  signupFields: [],
} as const;

describe("GroupsManager", () => {
  test("createGroup sends name, description and parent_id (null without a parent)", async () => {
    const group = await alice.createGroup("Managed", "made by the manager");
    assert.deepEqual(lastRequest(emulator, "groups", "/v2/groups", "POST").body, {
      name: "Managed",
      description: "made by the manager",
      parent_id: null,
    });
    assert.equal(group.description, "made by the manager");
    assert.equal(group.my_memberships?.[0]?.role, "admin");
    const sub = await alice.createGroup("Sub", "a subgroup", { parentId: group.id });
    assert.equal(
      (lastRequest(emulator, "groups", "/v2/groups", "POST").body as { parent_id: string })
        .parent_id,
      group.id,
    );
    assert.equal(sub.parent_id, group.id);
  });

  test("setGroupPolicies sends every policy, the timeout as null when not given", async () => {
    const { id } = await alice.createGroup("Policied", "");
    const set = await alice.setGroupPolicies(id, { ...OPEN, signupFields: ["country"] });
    assert.deepEqual(lastRequest(emulator, "groups", `/v2/groups/${id}/policies`, "PUT").body, {
      is_high_assurance: false,
      group_visibility: "authenticated",
      group_members_visibility: "members",
      join_requests: true,
      signup_fields: ["country"],
      authentication_assurance_timeout: null,
    });
    assert.equal(set.authentication_assurance_timeout, 28800);
    assert.equal(set.join_requests, true);
  });

  test("add, change role, invite, decline, accept, remove, leave", async () => {
    const { id } = await alice.createGroup("Life Cycle", "");
    const added = await alice.addMember(id, BOB_IDENTITY_ID, { role: "manager" });
    assert.deepEqual(batchSent(id), { add: [{ identity_id: BOB_IDENTITY_ID, role: "manager" }] });
    assert.deepEqual(
      added.add?.map((m) => [m.identity_id, m.role, m.status]),
      [[BOB_IDENTITY_ID, "manager", "active"]],
    );

    const invited = await bob.inviteMember(id, CAROL_IDENTITY_ID);
    assert.deepEqual(batchSent(id), {
      invite: [{ identity_id: CAROL_IDENTITY_ID, role: "member" }],
    });
    assert.equal(invited.invite?.[0]?.status, "invited");
    const declined = await carol.declineInvite(id, CAROL_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { decline: [{ identity_id: CAROL_IDENTITY_ID }] });
    assert.equal(declined.decline?.[0]?.status, "declined");

    await alice.inviteMember(id, CAROL_IDENTITY_ID, { role: "manager" });
    const accepted = await carol.acceptInvite(id, CAROL_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { accept: [{ identity_id: CAROL_IDENTITY_ID }] });
    assert.deepEqual(
      accepted.accept?.map((m) => [m.role, m.status]),
      [["manager", "active"]],
    );

    const changed = await alice.changeRole(id, CAROL_IDENTITY_ID, "member");
    assert.deepEqual(batchSent(id), {
      change_role: [{ identity_id: CAROL_IDENTITY_ID, role: "member" }],
    });
    assert.equal(changed.change_role?.[0]?.role, "member");

    const removed = await bob.removeMember(id, CAROL_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { remove: [{ identity_id: CAROL_IDENTITY_ID }] });
    assert.equal(removed.remove?.[0]?.status, "removed");

    const left = await bob.leave(id, BOB_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { leave: [{ identity_id: BOB_IDENTITY_ID }] });
    assert.equal(left.leave?.[0]?.status, "left");
    // one who left is not added back by others
    const again = await alice.addMember(id, BOB_IDENTITY_ID);
    assert.equal(again.errors?.add?.[0]?.code, "LEFT_GROUP");
    // and the last admin may not leave
    const stuck = await alice.leave(id, ALICE_IDENTITY_ID);
    assert.equal(stuck.errors?.leave?.[0]?.code, "LAST_ADMIN");
  });

  test("join where the policies allow it; request, reject, request again, approve", async () => {
    const { id } = await alice.createGroup("Open House", "");
    await assert.rejects(
      carol.join(id, CAROL_IDENTITY_ID),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 404,
      "a private group is hidden from non-members",
    );
    await alice.setGroupPolicies(id, OPEN);
    const joined = await carol.join(id, CAROL_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { join: [{ identity_id: CAROL_IDENTITY_ID }] });
    assert.deepEqual(
      joined.join?.map((m) => [m.identity_id, m.role, m.status]),
      [[CAROL_IDENTITY_ID, "member", "active"]],
    );

    const requested = await bob.requestJoin(id, BOB_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { request_join: [{ identity_id: BOB_IDENTITY_ID }] });
    assert.equal(requested.request_join?.[0]?.status, "pending");
    const rejected = await alice.rejectJoinRequest(id, BOB_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { reject: [{ identity_id: BOB_IDENTITY_ID }] });
    assert.equal(rejected.reject?.[0]?.status, "rejected");
    await bob.requestJoin(id, BOB_IDENTITY_ID);
    const approved = await alice.approvePending(id, BOB_IDENTITY_ID);
    assert.deepEqual(batchSent(id), { approve: [{ identity_id: BOB_IDENTITY_ID }] });
    assert.equal(approved.approve?.[0]?.status, "active");
  });

  test("a join under an approval policy: request, approve, member", async () => {
    const { id } = await alice.createGroup("Approval Needed", "joins wait for a manager");
    // high assurance: nobody joins directly, every join waits for approval
    await alice.setGroupPolicies(id, { ...OPEN, isHighAssurance: true });
    const seen = await bob.client.getGroup(id, { include: "allowed_actions" });
    assert.deepEqual(seen.allowed_actions?.join, []);
    assert.ok(seen.allowed_actions?.request_join.includes(BOB_IDENTITY_ID));
    await assert.rejects(
      bob.join(id, BOB_IDENTITY_ID),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403,
    );

    const requested = await bob.requestJoin(id, BOB_IDENTITY_ID);
    assert.equal(requested.request_join?.[0]?.status, "pending");
    assert.ok(!(await bob.client.getMyGroups()).some((group) => group.id === id));
    const pending = await bob.client.getMyGroups({ statuses: "pending" });
    assert.equal(pending.find((group) => group.id === id)?.my_memberships?.[0]?.status, "pending");
    const queue = await alice.client.getGroup(id, { include: "memberships" });
    assert.deepEqual(
      queue.memberships?.filter((m) => m.status === "pending").map((m) => m.identity_id),
      [BOB_IDENTITY_ID],
    );
    // a pending member may not approve themselves
    await assert.rejects(
      bob.approvePending(id, BOB_IDENTITY_ID),
      (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 403,
    );

    const approved = await alice.approvePending(id, BOB_IDENTITY_ID);
    assert.deepEqual(
      approved.approve?.map((m) => [m.identity_id, m.role, m.status]),
      [[BOB_IDENTITY_ID, "member", "active"]],
    );
    const mine = await bob.client.getMyGroups();
    assert.deepEqual(
      mine.find((group) => group.id === id)?.my_memberships?.map((m) => [m.role, m.status]),
      [["member", "active"]],
    );
    // the members see each other: the policy shows members to members
    const members = await bob.client.getGroup(id, { include: "memberships" });
    assert.deepEqual(members.memberships?.map((m) => m.identity_id).sort(), [
      ALICE_IDENTITY_ID,
      BOB_IDENTITY_ID,
    ]);
  });
});
