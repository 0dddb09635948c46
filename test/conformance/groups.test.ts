/**
 * The official `@globus/sdk` drives the Groups emulator at its own origin: every Groups
 * operation the JavaScript SDK 6.2.0 has and the emulator serves. Each answer must fit the
 * SDK's OpenAPI types for it (`OpenAPI.operations[...]`).
 *
 * Where the responses Globus recorded for the Python SDK (which the emulator follows) and
 * the published spec disagree, the allowance below says so:
 * - memberships are recorded without `membership_fields`, which the spec requires;
 * - the `policies` inside a group document are recorded with only the two visibilities,
 *   where the spec's `GroupPolicyReadModel` also requires `is_high_assurance` and
 *   `signup_fields` (the policies endpoint answers the whole document).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { groups } from "@globus/sdk";
import { GroupsScopes } from "../../src/scopes/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_GROUP_ID,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import {
  type Allowances,
  assertConforming,
  conformanceEmulator,
  expectConforming,
  tokenFor,
  withToken,
} from "./helpers.ts";
import { TypeFacts } from "./type-facts.ts";

const op = (id: string, status = 200) =>
  `sdk.groups.OpenAPI.operations["${id}"]["responses"]["${status}"]["content"]["application/json"]`;

const facts = new TypeFacts(
  { sdk: "index" },
  {
    getMyGroups: "JsonOf<typeof sdk.groups.groups.getMyGroups>",
    getGroup: "JsonOf<typeof sdk.groups.groups.get>",
    createGroup: op("create_group_v2_groups_post", 201),
    updateGroup: "JsonOf<typeof sdk.groups.groups.update>",
    deleteGroup: "JsonOf<typeof sdk.groups.groups.remove>",
    act: "JsonOf<typeof sdk.groups.membership.act>",
    getPolicies: "JsonOf<typeof sdk.groups.policies.get>",
    updatePolicies: "JsonOf<typeof sdk.groups.policies.update>",
    getStatuses: "JsonOf<typeof sdk.groups.groups.getStatuses>",
  },
);

const RECORDED_MEMBERSHIP =
  "the Python SDK's recorded memberships (testing/data/groups/_common.py, get_my_groups.py) carry no membership_fields";
const RECORDED_POLICIES =
  "group documents are recorded with only group_visibility and group_members_visibility in policies (_common.py)";

/** The allowances of a group document at `root` (`$` or `$[]`). */
function groupAllowances(root: string, memberships: string[] = ["my_memberships"]): Allowances {
  return {
    mismatches: {
      ...Object.fromEntries(
        memberships.map((key) => [`${root}.${key}[].membership_fields`, RECORDED_MEMBERSHIP]),
      ),
      [`${root}.policies.is_high_assurance`]: RECORDED_POLICIES,
      [`${root}.policies.signup_fields`]: RECORDED_POLICIES,
    },
    absent: {
      terms_and_conditions: "unset on this group; recorded group documents carry none",
      subscription_admin_verified_id: "unset on this group; recorded group documents carry none",
      child_ids: "only with include=child_ids",
      memberships: "only with include=memberships",
      allowed_actions: "only with include=allowed_actions",
    },
  };
}

describe("conformance: Groups through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let alice: string;
  before(async () => {
    emulator = await conformanceEmulator();
    alice = await tokenFor(emulator, GroupsScopes.resourceServer, [
      String(GroupsScopes.all),
      String(GroupsScopes.view_my_groups_and_memberships),
    ]);
  });
  after(() => emulator.stop());

  async function createGroup(name: string): Promise<string> {
    const response = await groups.groups.create({
      payload: { name, description: "made by the conformance suite" },
      ...withToken(alice),
    });
    const body = await expectConforming(facts, "createGroup", response, groupAllowances("$"));
    assert.equal(response.status, 201);
    return String(body.id);
  }

  it("groups.groups.getMyGroups lists my groups with my memberships", async () => {
    const response = await groups.groups.getMyGroups(
      withToken(alice, { query: { statuses: ["active", "invited"] as ("active" | "invited")[] } }),
    );
    const text = await response.text();
    assert.ok(response.ok, text);
    const body = JSON.parse(text) as Array<Record<string, unknown>>;
    assertConforming(facts.check("getMyGroups", body), groupAllowances("$[]"));
    assert.ok(body.some((group) => group.id === DEMO_GROUP_ID));
  });

  it("groups.groups.create and get: every include of a group", async () => {
    const id = await createGroup("Conformance Group");
    const response = await groups.groups.get(
      id,
      withToken(alice, {
        query: {
          include: ["memberships", "my_memberships", "policies", "allowed_actions", "child_ids"],
        },
      }),
    );
    const all = groupAllowances("$", ["my_memberships", "memberships"]);
    const body = await expectConforming(facts, "getGroup", response, {
      ...all,
      absent: {
        terms_and_conditions: all.absent!.terms_and_conditions!,
        subscription_admin_verified_id: all.absent!.subscription_admin_verified_id!,
      },
    });
    assert.equal(body.id, id);
    const allowed = body.allowed_actions as Record<string, string[]>;
    assert.deepEqual(allowed.change_role, [ALICE_IDENTITY_ID]);
  });

  it("groups.groups.update renames a group", async () => {
    const id = await createGroup("Before");
    const response = await groups.groups.update(id, {
      payload: { name: "After", description: "renamed" },
      ...withToken(alice),
    });
    const body = await expectConforming(facts, "updateGroup", response, groupAllowances("$"));
    assert.equal(body.name, "After");
  });

  it("groups.membership.act adds, and reports a refused entry under errors", async () => {
    const id = await createGroup("Members");
    const response = await groups.membership.act(id, {
      payload: {
        add: [
          { identity_id: BOB_IDENTITY_ID, role: "member" },
          { identity_id: "00000000-0000-4000-8000-000000000000", role: "member" },
        ],
      },
      ...withToken(alice),
    });
    const body = await expectConforming(facts, "act", response, {
      mismatches: { "$.add[].membership_fields": RECORDED_MEMBERSHIP },
      absent: Object.fromEntries(
        [
          "accept",
          "approve",
          "change_role",
          "decline",
          "invite",
          "join",
          "leave",
          "reject",
          "remove",
          "request_join",
        ].map((action) => [action, "only the actions a request takes are answered"]),
      ),
    });
    const errors = body.errors as Record<string, Array<Record<string, unknown>>>;
    assert.equal((body.add as unknown[]).length, 1);
    assert.equal(errors.add?.[0]?.code, "IDENTITY_NOT_FOUND");
  });

  it("groups.groups.remove deletes a group", async () => {
    const id = await createGroup("Doomed");
    const response = await groups.groups.remove(id, withToken(alice));
    const body = await expectConforming(facts, "deleteGroup", response, groupAllowances("$"));
    assert.equal(body.id, id);
    const gone = await groups.groups.get(id, withToken(alice));
    assert.equal(gone.status, 404);
  });

  it("groups.policies.get and update read and set the whole policy document", async () => {
    const id = await createGroup("Policies");
    const before = await expectConforming(
      facts,
      "getPolicies",
      await groups.policies.get(id, withToken(alice)),
    );
    assert.equal(before.join_requests, false);
    const updated = await expectConforming(
      facts,
      "updatePolicies",
      await groups.policies.update(id, {
        payload: {
          is_high_assurance: false,
          group_visibility: "authenticated",
          group_members_visibility: "members",
          join_requests: true,
          signup_fields: ["institution"],
        },
        ...withToken(alice),
      }),
    );
    assert.equal(updated.group_visibility, "authenticated");
    assert.deepEqual(updated.signup_fields, ["institution"]);
  });

  it("groups.groups.getStatuses counts memberships of the groups I manage", async () => {
    const id = await createGroup("Counted");
    await groups.membership.act(id, {
      payload: { invite: [{ identity_id: BOB_IDENTITY_ID, role: "member" }] },
      ...withToken(alice),
    });
    const body = await expectConforming(
      facts,
      "getStatuses",
      await groups.groups.getStatuses(withToken(alice)),
    );
    const counts = body[id] as Record<string, number>;
    assert.equal(counts.active, 1);
    assert.equal(counts.invited, 1);
    assert.equal(counts.pending, 0);
  });
});
