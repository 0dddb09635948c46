// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Groups emulator over plain HTTP: the wire-fidelity deviations of issue 15, checked
 * against the Python SDK 4.9 (its `BatchMembershipActions` and recorded `delete_group`), and
 * the membership life cycle with its rules by role and policy (Groups' OpenAPI spec).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KNOWN_SCOPES } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { call, userLogin } from "./helpers.ts";

const G = KNOWN_SCOPES.groups;

describe("Groups emulator: wire deviations", () => {
  let emulator: RunningEmulator;
  let alice: string;
  let base: string;

  before(async () => {
    emulator = await startEmulator();
    alice = (await userLogin(emulator, ALICE_IDENTITY_ID, G.scopes.all)).byResourceServer.get(
      G.resourceServer,
    )!;
    base = `${emulator.urls.groups}v2/groups`;
  });
  after(() => emulator.stop());

  async function newGroup(name: string): Promise<string> {
    const created = await call(base, alice, { method: "POST", body: { name } });
    assert.equal(created.status, 201);
    return created.body.id;
  }

  it("batch membership changes roles under change_role, and refuses change_roles", async () => {
    const groupId = await newGroup("Roles");
    await call(`${base}/${groupId}`, alice, {
      method: "POST",
      body: { add: [{ identity_id: BOB_IDENTITY_ID, role: "member" }] },
    });
    const changed = await call(`${base}/${groupId}`, alice, {
      method: "POST",
      body: { change_role: [{ identity_id: BOB_IDENTITY_ID, role: "manager" }] },
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.change_role[0].identity_id, BOB_IDENTITY_ID);
    assert.equal(changed.body.change_role[0].role, "manager");
    const misspelt = await call(`${base}/${groupId}`, alice, {
      method: "POST",
      body: { change_roles: [{ identity_id: BOB_IDENTITY_ID, role: "member" }] },
    });
    assert.equal(misspelt.status, 422);
    const seen = await call(`${base}/${groupId}`, alice, { query: { include: "memberships" } });
    const bob = seen.body.memberships.find((m: any) => m.identity_id === BOB_IDENTITY_ID);
    assert.equal(bob.role, "manager", "the misspelt action changed nothing");
  });

  it("delete_group answers with the group's my_memberships and policies", async () => {
    const groupId = await newGroup("Short-lived");
    const deleted = await call(`${base}/${groupId}`, alice, { method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, groupId);
    assert.deepEqual(
      deleted.body.my_memberships.map((m: any) => [m.identity_id, m.role, m.status]),
      [[ALICE_IDENTITY_ID, "admin", "active"]],
    );
    assert.equal(deleted.body.policies.group_visibility, "private");
    assert.equal(deleted.body.policies.group_members_visibility, "managers");
  });
});

const CAROL = "99999999-1111-4999-8999-999999999999";
const DAVE = "99999999-2222-4999-8999-999999999999";
const person = (id: string, name: string) => ({
  id,
  username: `${name}@globusid.org`,
  name,
  email: `${name}@example.org`,
  account: name,
});

/**
 * Who may do what, by role. Each case runs on a fresh group: Alice admin, Bob manager, Carol
 * member, Dave outside it (and Alice's linked university identity too).
 */
describe("Groups emulator: the membership life cycle and who may do what", () => {
  let emulator: RunningEmulator;
  let base: string;
  const tokens = new Map<string, string>();

  before(async () => {
    emulator = await startEmulator({
      seed: {
        identities: [
          ...structuredClone(DEFAULT_SEED.identities),
          person(CAROL, "carol"),
          person(DAVE, "dave"),
        ],
      },
    });
    base = `${emulator.urls.groups}v2/groups`;
    for (const id of [ALICE_IDENTITY_ID, BOB_IDENTITY_ID, CAROL, DAVE]) {
      const login = await userLogin(emulator, id, G.scopes.all);
      tokens.set(id, login.byResourceServer.get(G.resourceServer)!);
    }
  });
  after(() => emulator.stop());

  const as = (id: string) => tokens.get(id)!;
  const act = (groupId: string, actor: string, body: unknown) =>
    call(`${base}/${groupId}`, as(actor), { method: "POST", body });

  async function fixture(policies?: Record<string, unknown>): Promise<string> {
    const created = await call(base, as(ALICE_IDENTITY_ID), {
      method: "POST",
      body: { name: "Roles", ...(policies ? { policies } : {}) },
    });
    const id = created.body.id;
    const added = await act(id, ALICE_IDENTITY_ID, {
      add: [
        { identity_id: BOB_IDENTITY_ID, role: "manager" },
        { identity_id: CAROL, role: "member" },
      ],
    });
    assert.deepEqual(added.body.errors, {});
    return id;
  }

  type Outcome = { status: string; role?: string } | { error: string } | { http: number };
  const cases: Array<[string, string, string, string, string | null, Outcome]> = [
    // [what, actor, action, target, role, outcome]
    ["an admin adds a member", ALICE_IDENTITY_ID, "add", DAVE, "member", { status: "active" }],
    [
      "an admin adds a manager",
      ALICE_IDENTITY_ID,
      "add",
      DAVE,
      "manager",
      { status: "active", role: "manager" },
    ],
    [
      "an admin invites an admin",
      ALICE_IDENTITY_ID,
      "invite",
      DAVE,
      "admin",
      { status: "invited", role: "admin" },
    ],
    [
      "an admin promotes a member",
      ALICE_IDENTITY_ID,
      "change_role",
      CAROL,
      "manager",
      { status: "active", role: "manager" },
    ],
    [
      "an admin removes a manager",
      ALICE_IDENTITY_ID,
      "remove",
      BOB_IDENTITY_ID,
      null,
      { status: "removed" },
    ],
    [
      "nobody removes themselves",
      ALICE_IDENTITY_ID,
      "remove",
      ALICE_IDENTITY_ID,
      null,
      { error: "CANNOT_REMOVE_SELF" },
    ],
    [
      "the last admin keeps the role",
      ALICE_IDENTITY_ID,
      "change_role",
      ALICE_IDENTITY_ID,
      "member",
      { error: "LAST_ADMIN" },
    ],
    [
      "a change of role needs an active member",
      ALICE_IDENTITY_ID,
      "change_role",
      DAVE,
      "admin",
      { error: "NOT_ACTIVE" },
    ],
    [
      "an unknown identity is not added",
      ALICE_IDENTITY_ID,
      "add",
      "00000000-0000-4000-8000-000000000000",
      null,
      { error: "IDENTITY_NOT_FOUND" },
    ],
    [
      "an active member is not added twice",
      ALICE_IDENTITY_ID,
      "add",
      CAROL,
      null,
      { error: "ALREADY_ACTIVE" },
    ],
    [
      "approval needs a pending request",
      ALICE_IDENTITY_ID,
      "approve",
      CAROL,
      null,
      { error: "NOT_PENDING" },
    ],
    ["a manager adds a member", BOB_IDENTITY_ID, "add", DAVE, "member", { status: "active" }],
    [
      "a manager grants no manager role",
      BOB_IDENTITY_ID,
      "add",
      DAVE,
      "manager",
      { error: "ROLE_NOT_ALLOWED" },
    ],
    [
      "a manager invites",
      BOB_IDENTITY_ID,
      "invite",
      DAVE,
      null,
      { status: "invited", role: "member" },
    ],
    ["a manager removes a member", BOB_IDENTITY_ID, "remove", CAROL, null, { status: "removed" }],
    [
      "a manager removes no admin",
      BOB_IDENTITY_ID,
      "remove",
      ALICE_IDENTITY_ID,
      null,
      { error: "ROLE_NOT_ALLOWED" },
    ],
    ["a manager changes no roles", BOB_IDENTITY_ID, "change_role", CAROL, "manager", { http: 403 }],
    ["a member adds nobody", CAROL, "add", DAVE, null, { http: 403 }],
    ["a member invites nobody", CAROL, "invite", DAVE, null, { http: 403 }],
    ["a member removes nobody", CAROL, "remove", BOB_IDENTITY_ID, null, { http: 403 }],
    ["a member approves nobody", CAROL, "approve", DAVE, null, { http: 403 }],
    ["a member leaves", CAROL, "leave", CAROL, null, { status: "left" }],
    [
      "one leaves only with one's own identities",
      CAROL,
      "leave",
      BOB_IDENTITY_ID,
      null,
      { error: "NOT_YOUR_IDENTITY" },
    ],
    [
      "without an invitation there is nothing to accept",
      CAROL,
      "accept",
      CAROL,
      null,
      { http: 403 },
    ],
    ["a private group is hidden from outsiders", DAVE, "request_join", DAVE, null, { http: 404 }],
  ];

  for (const [what, actor, action, target, role, outcome] of cases) {
    it(what, async () => {
      const groupId = await fixture();
      const entry = role === null ? { identity_id: target } : { identity_id: target, role };
      const answer = await act(groupId, actor, { [action]: [entry] });
      if ("http" in outcome) {
        assert.equal(answer.status, outcome.http, JSON.stringify(answer.body));
        return;
      }
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      if ("error" in outcome) {
        assert.deepEqual(answer.body[action], []);
        assert.equal(answer.body.errors[action][0].code, outcome.error);
        assert.equal(answer.body.errors[action][0].identity_id, target);
        return;
      }
      const [membership] = answer.body[action];
      assert.equal(membership.identity_id, target);
      assert.equal(membership.status, outcome.status);
      if (outcome.role) assert.equal(membership.role, outcome.role);
      assert.deepEqual(answer.body.errors, {});
    });
  }

  it("allowed_actions lists, per action, the caller's identities that may take it", async () => {
    const groupId = await fixture();
    const allowed = async (id: string) =>
      (await call(`${base}/${groupId}`, as(id), { query: { include: "allowed_actions" } })).body
        .allowed_actions;
    const bob = await allowed(BOB_IDENTITY_ID);
    for (const action of ["add", "invite", "approve", "reject", "remove", "leave"]) {
      assert.ok(bob[action].includes(BOB_IDENTITY_ID), action);
    }
    assert.deepEqual(bob.change_role, []);
    assert.deepEqual(bob.join, []);
    const carol = await allowed(CAROL);
    assert.deepEqual(carol.add, []);
    assert.deepEqual(carol.leave, [CAROL]);
    assert.deepEqual((await allowed(ALICE_IDENTITY_ID)).change_role, [ALICE_IDENTITY_ID]);
  });

  it("invitations go to a linked identity; its owner accepts with it", async () => {
    const groupId = await fixture();
    await act(groupId, ALICE_IDENTITY_ID, {
      invite: [{ identity_id: ALICE_UNIVERSITY_IDENTITY_ID, role: "member" }],
    });
    // Alice signed in with her Globus ID identity, and the university one is in her set
    const accepted = await act(groupId, ALICE_IDENTITY_ID, {
      accept: [{ identity_id: ALICE_UNIVERSITY_IDENTITY_ID }],
    });
    assert.equal(accepted.body.accept[0].status, "active");
    const mine = await call(`${base}/${groupId}`, as(ALICE_IDENTITY_ID), {
      query: { include: "my_memberships" },
    });
    assert.deepEqual(
      mine.body.my_memberships.map((m: any) => m.identity_id).sort(),
      [ALICE_IDENTITY_ID, ALICE_UNIVERSITY_IDENTITY_ID].sort(),
    );
  });

  it("visibility: invited and pending members see a private group, members see members by policy", async () => {
    const groupId = await fixture();
    assert.equal((await call(`${base}/${groupId}`, as(DAVE))).status, 404);
    await act(groupId, ALICE_IDENTITY_ID, { invite: [{ identity_id: DAVE, role: "member" }] });
    const invited = await call(`${base}/${groupId}`, as(DAVE), {
      query: { include: "memberships" },
    });
    assert.equal(invited.status, 200);
    assert.deepEqual(invited.body.memberships, [], "only active members see memberships");
    const member = await call(`${base}/${groupId}`, as(CAROL), {
      query: { include: "memberships" },
    });
    assert.deepEqual(member.body.memberships, [], "the default policy shows members to managers");
    await call(`${base}/${groupId}/policies`, as(ALICE_IDENTITY_ID), {
      method: "PUT",
      body: { group_members_visibility: "members" },
    });
    const shown = await call(`${base}/${groupId}`, as(CAROL), {
      query: { include: "memberships" },
    });
    assert.equal(shown.body.memberships.length, 4);
    const declined = await act(groupId, DAVE, { decline: [{ identity_id: DAVE }] });
    assert.equal(declined.body.decline[0].status, "declined");
    assert.equal(
      (await call(`${base}/${groupId}`, as(DAVE))).status,
      404,
      "declined: hidden again",
    );
  });

  it("policies decide joining: no join requests, direct joins, or approval in high assurance", async () => {
    const closed = await fixture({ group_visibility: "authenticated" });
    assert.equal((await act(closed, DAVE, { join: [{ identity_id: DAVE }] })).status, 403);
    assert.equal((await act(closed, DAVE, { request_join: [{ identity_id: DAVE }] })).status, 403);

    const open = await fixture({ group_visibility: "authenticated", join_requests: true });
    const joined = await act(open, DAVE, { join: [{ identity_id: DAVE }] });
    assert.equal(joined.body.join[0].status, "active");
    // a member has nothing left to request: none of Dave's identities may, so it is a 403
    const twice = await act(open, DAVE, { request_join: [{ identity_id: DAVE }] });
    assert.equal(twice.status, 403);
    // Alice's university identity may join, so her admin identity's entry alone is refused
    const mixed = await act(open, ALICE_IDENTITY_ID, {
      join: [{ identity_id: ALICE_IDENTITY_ID }, { identity_id: ALICE_UNIVERSITY_IDENTITY_ID }],
    });
    assert.equal(mixed.body.errors.join[0].code, "ALREADY_MEMBER");
    assert.equal(mixed.body.join[0].identity_id, ALICE_UNIVERSITY_IDENTITY_ID);

    const guarded = await fixture({
      group_visibility: "authenticated",
      join_requests: true,
      is_high_assurance: true,
    });
    assert.equal((await act(guarded, DAVE, { join: [{ identity_id: DAVE }] })).status, 403);
    const requested = await act(guarded, DAVE, { request_join: [{ identity_id: DAVE }] });
    assert.equal(requested.body.request_join[0].status, "pending");
    const rejected = await act(guarded, BOB_IDENTITY_ID, { reject: [{ identity_id: DAVE }] });
    assert.equal(rejected.body.reject[0].status, "rejected");
  });

  it("bad batch bodies: unknown actions, bad ids and roles are 422 and change nothing", async () => {
    const groupId = await fixture();
    for (const body of [
      { add: [{ identity_id: "dave", role: "member" }] },
      { add: [{ identity_id: DAVE, role: "owner" }] },
      { add: { identity_id: DAVE } },
      { add: [{ identity_id: DAVE }], promote: [] },
    ]) {
      const answer = await act(groupId, ALICE_IDENTITY_ID, body);
      assert.equal(answer.status, 422, JSON.stringify(body));
      assert.ok(Array.isArray(answer.body.detail) && answer.body.detail[0].loc[0] === "body");
    }
    const members = await call(`${base}/${groupId}`, as(ALICE_IDENTITY_ID), {
      query: { include: "memberships" },
    });
    assert.ok(!members.body.memberships.some((m: any) => m.identity_id === DAVE));
  });
});
