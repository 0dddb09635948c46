// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Groups emulator over plain HTTP: the wire-fidelity deviations of issue 15, checked
 * against the Python SDK 4.9 (its `BatchMembershipActions` and recorded `delete_group`).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KNOWN_SCOPES } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
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
