/**
 * Sharing through Transfer: roles on endpoints and access rules on guest collections, and
 * the scenario of issue 16 end to end (Alice shares her guest collection with Bob, Bob
 * lists it, Alice removes the rule, Bob is refused).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  GlobusSDKUsageError,
  TransferAPIError,
  type TransferClient,
  TransferData,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import {
  ALICE_GCP_ID,
  aliceGuestCollection,
  refused,
  runTasks,
  sent,
  transferWorld,
} from "./transfer-helpers.ts";

let emulator: RunningEmulator;
let alice: TransferClient;
let bob: TransferClient;
let stop: () => Promise<void>;
before(async () => {
  ({ emulator, alice, bob, stop } = await transferWorld());
});
after(() => stop());

describe("sharing scenario", () => {
  test("a rule for Bob lets him ls Alice's guest collection; deleting it refuses him with a 403", async () => {
    const guestId = await aliceGuestCollection(alice, "Alice's project");
    // before the rule: Bob may not list it, and he cannot reach Alice's laptop at all
    await assert.rejects(bob.operationLs(guestId, "/"), refused("PermissionDenied", 403));
    await assert.rejects(
      bob.operationLs(ALICE_GCP_ID, "/home/alice/"),
      refused("PermissionDenied", 403),
    );

    const rule = await alice.addEndpointAclRule(guestId, {
      DATA_TYPE: "access",
      principal_type: "identity",
      principal: BOB_IDENTITY_ID,
      path: "/",
      permissions: "r",
    });
    assert.equal(rule.code, "Created");
    assert.match(rule.access_id, /^[0-9a-f-]{36}$/);
    const request = sent(emulator, "POST", `/v0.10/endpoint/${guestId}/access`);
    assert.deepEqual(request.body, {
      DATA_TYPE: "access",
      principal_type: "identity",
      principal: BOB_IDENTITY_ID,
      path: "/",
      permissions: "r",
    });

    const listing = await bob.operationLs(guestId, "/");
    assert.deepEqual(
      listing.DATA.map((entry) => entry.name),
      ["a.txt", "b.log", "sub"],
    );
    // read-only: Bob may not write
    await assert.rejects(bob.operationMkdir(guestId, "/bobs"), refused("PermissionDenied", 403));

    const deleted = await alice.deleteEndpointAclRule(guestId, rule.access_id);
    assert.equal(deleted.code, "Deleted");
    assert.equal(
      sent(emulator, "DELETE", `/v0.10/endpoint/${guestId}/access/${rule.access_id}`).method,
      "DELETE",
    );
    await assert.rejects(bob.operationLs(guestId, "/"), (e: unknown) => {
      assert.ok(e instanceof TransferAPIError);
      assert.equal(e.httpStatus, 403);
      assert.equal(e.code, "PermissionDenied");
      return true;
    });
  });
});

describe("access rules", () => {
  test("endpointAclList shows the rules the roles imply, then the collection's own", async () => {
    const guestId = await aliceGuestCollection(alice, "listed rules");
    await alice.share(guestId, { identityId: BOB_IDENTITY_ID, path: "/sub/" });
    const list = await alice.endpointAclList(guestId);
    assert.equal(sent(emulator, "GET", `/v0.10/endpoint/${guestId}/access_list`).method, "GET");
    assert.equal(list.DATA_TYPE, "access_list");
    assert.equal(list.endpoint, guestId);
    assert.equal(list.length, 2);
    const [implied, own] = list.DATA;
    assert.equal(implied?.id, null);
    assert.equal(implied?.role_type, "administrator");
    assert.equal(implied?.principal, ALICE_IDENTITY_ID);
    assert.equal(implied?.permissions, "rw");
    assert.equal(own?.principal, BOB_IDENTITY_ID);
    assert.equal(own?.path, "/sub/");
    assert.equal(own?.permissions, "r");
    assert.equal(typeof own?.create_time, "string");
    await assert.rejects(bob.endpointAclList(guestId), refused("PermissionDenied", 403));
    await assert.rejects(alice.endpointAclList(ALICE_GCP_ID), refused("BadRequest", 400));
  });

  test("a rule grants its path and below; updateEndpointAclRule makes it writable", async () => {
    const guestId = await aliceGuestCollection(alice, "sub only");
    const rule = await alice.share(guestId, { identityId: BOB_IDENTITY_ID, path: "/sub" });
    assert.equal(
      (sent(emulator, "POST", `/v0.10/endpoint/${guestId}/access`).body as { path: string }).path,
      "/sub/",
      "share() makes the directory path end in /",
    );
    assert.deepEqual(
      (await bob.operationLs(guestId, "/sub/")).DATA.map((e) => e.name),
      ["c.txt"],
    );
    await assert.rejects(bob.operationLs(guestId, "/"), refused("PermissionDenied", 403));
    await assert.rejects(bob.operationMkdir(guestId, "/sub/new"), refused("PermissionDenied", 403));

    const updated = await alice.updateEndpointAclRule(guestId, rule.access_id, {
      permissions: "rw",
    });
    assert.equal(updated.code, "Updated");
    assert.deepEqual(
      sent(emulator, "PUT", `/v0.10/endpoint/${guestId}/access/${rule.access_id}`).body,
      { permissions: "rw" },
    );
    const got = await alice.getEndpointAclRule(guestId, rule.access_id);
    assert.equal(got.permissions, "rw");
    assert.equal(got.id, rule.access_id);
    await bob.operationMkdir(guestId, "/sub/new");
    // the guest shows the host's files: the directory is on Alice's laptop now
    const host = await alice.operationLs(ALICE_GCP_ID, "/home/alice/project/sub/");
    assert.ok(host.DATA.some((entry) => entry.name === "new"));
    await assert.rejects(
      alice.updateEndpointAclRule(guestId, rule.access_id, { path: "/elsewhere/" }),
      refused("BadRequest", 400),
    );
  });

  test("transfers out of a shared collection follow its rules; expired rules grant nothing", async () => {
    const guestId = await aliceGuestCollection(alice, "copy source");
    const rule = await alice.share(guestId, {
      identityId: BOB_IDENTITY_ID,
      expirationDate: new Date((emulator.controls.now() + 3600) * 1000),
    });
    const task = await bob.submitTransfer(
      new TransferData({
        sourceEndpoint: guestId,
        destinationEndpoint: DEMO_COLLECTION_ID,
      }).addItem("/a.txt", "/home/bob/from-alice.txt"),
    );
    runTasks(emulator);
    assert.equal((await bob.getTask(task.task_id)).status, "SUCCEEDED");
    const home = await bob.operationLs(DEMO_COLLECTION_ID, "/home/bob/");
    assert.ok(home.DATA.some((entry) => entry.name === "from-alice.txt"));
    emulator.controls.advanceClock(3600);
    await assert.rejects(bob.operationLs(guestId, "/"), refused("PermissionDenied", 403));
    assert.ok((await alice.getEndpointAclRule(guestId, rule.access_id)).expiration_date);
  });

  test("all_authenticated_users rules, and rules for a group", async () => {
    const guestId = await aliceGuestCollection(alice, "for everyone");
    const everyone = await alice.share(guestId, { permissions: "r" });
    assert.equal(
      (
        sent(emulator, "POST", `/v0.10/endpoint/${guestId}/access`).body as {
          principal_type: string;
        }
      ).principal_type,
      "all_authenticated_users",
    );
    assert.ok((await bob.operationLs(guestId, "/")).DATA.length > 0);
    await alice.deleteEndpointAclRule(guestId, everyone.access_id);
    const groupId = "55555555-9999-4555-8555-555555555555";
    const groupRule = await alice.share(guestId, { groupId, permissions: "r" });
    assert.equal((await alice.getEndpointAclRule(guestId, groupRule.access_id)).principal, groupId);
    // group memberships are not modelled: a group rule lets nobody in
    await assert.rejects(bob.operationLs(guestId, "/"), refused("PermissionDenied", 403));
  });

  test("bad access documents get Transfer's codes; share() checks its arguments first", async () => {
    const guestId = await aliceGuestCollection(alice, "strict");
    const add = (rule: Record<string, unknown>) =>
      alice.addEndpointAclRule(guestId, {
        DATA_TYPE: "access",
        principal_type: "identity",
        principal: BOB_IDENTITY_ID,
        path: "/",
        permissions: "r",
        ...rule,
      });
    await add({});
    await assert.rejects(add({}), refused("Exists", 409));
    await assert.rejects(add({ path: "/no-slash" }), refused("BadRequest", 400));
    await assert.rejects(add({ permissions: "w" }), refused("BadRequest", 400));
    await assert.rejects(add({ principal: "bob" }), refused("BadRequest", 400));
    await assert.rejects(
      add({ principal_type: "anonymous", principal: "", permissions: "rw" }),
      refused("BadRequest", 400),
    );
    await assert.rejects(
      add({ path: "/sub/", expiration_date: "2000-01-01T00:00:00Z" }),
      refused("BadRequest", 400),
    );
    await assert.rejects(
      alice.getEndpointAclRule(guestId, "00000000-0000-4000-8000-000000000000"),
      refused("AccessRuleNotFound", 404),
    );
    const before = emulator.controls.requestLog({ service: "transfer" }).length;
    assert.throws(
      () => alice.share(guestId, { identityId: "bob" }),
      (e: unknown) => e instanceof GlobusSDKUsageError && /identityId/.test(e.message),
    );
    assert.throws(
      () => alice.share(guestId, { identityId: BOB_IDENTITY_ID, groupId: BOB_IDENTITY_ID }),
      GlobusSDKUsageError,
    );
    assert.throws(() => alice.share(guestId, { path: "sub/" }), GlobusSDKUsageError);
    assert.equal(emulator.controls.requestLog({ service: "transfer" }).length, before);
  });
});

describe("roles", () => {
  test("endpointRoleList, addEndpointRole, getEndpointRole, deleteEndpointRole", async () => {
    const roles = await alice.endpointRoleList(ALICE_GCP_ID);
    assert.equal(sent(emulator, "GET", `/v0.10/endpoint/${ALICE_GCP_ID}/role_list`).method, "GET");
    assert.equal(roles.DATA_TYPE, "role_list");
    assert.deepEqual(
      roles.DATA.map((role) => [role.principal, role.role]),
      [[ALICE_IDENTITY_ID, "administrator"]],
    );
    const added = await alice.addEndpointRole(ALICE_GCP_ID, {
      DATA_TYPE: "role",
      principal_type: "identity",
      principal: BOB_IDENTITY_ID,
      role: "activity_monitor",
    });
    assert.deepEqual(sent(emulator, "POST", `/v0.10/endpoint/${ALICE_GCP_ID}/role`).body, {
      DATA_TYPE: "role",
      principal_type: "identity",
      principal: BOB_IDENTITY_ID,
      role: "activity_monitor",
    });
    assert.equal(added.DATA_TYPE, "role");
    assert.equal(added.role, "activity_monitor");
    assert.deepEqual(await alice.getEndpointRole(ALICE_GCP_ID, added.id), added);
    assert.ok(sent(emulator, "GET", `/v0.10/endpoint/${ALICE_GCP_ID}/role/${added.id}`));
    // the role shows in Bob's effective roles, and lets him read the role list
    assert.deepEqual((await bob.getEndpoint(ALICE_GCP_ID)).my_effective_roles, [
      "activity_monitor",
    ]);
    assert.equal((await bob.endpointRoleList(ALICE_GCP_ID)).DATA.length, 2);
    await assert.rejects(
      bob.addEndpointRole(ALICE_GCP_ID, {
        principal_type: "identity",
        principal: BOB_IDENTITY_ID,
        role: "administrator",
      }),
      refused("PermissionDenied", 403),
    );
    const deleted = await alice.deleteEndpointRole(ALICE_GCP_ID, added.id);
    assert.equal(deleted.code, "Deleted");
    assert.ok(sent(emulator, "DELETE", `/v0.10/endpoint/${ALICE_GCP_ID}/role/${added.id}`));
    await assert.rejects(bob.endpointRoleList(ALICE_GCP_ID), refused("PermissionDenied", 403));
    await assert.rejects(
      alice.getEndpointRole(ALICE_GCP_ID, added.id),
      refused("RoleNotFound", 404),
    );
  });

  test("an access manager shares a guest collection; roles keep an administrator", async () => {
    const guestId = await aliceGuestCollection(alice, "managed by Bob");
    await alice.addEndpointRole(guestId, {
      principal_type: "identity",
      principal: BOB_IDENTITY_ID,
      role: "access_manager",
    });
    // an access manager may manage rules and use the files
    const rule = await bob.share(guestId, { identityId: ALICE_IDENTITY_ID, path: "/sub/" });
    assert.equal(rule.code, "Created");
    assert.ok((await bob.operationLs(guestId, "/")).DATA.length > 0);
    const [admin] = (await alice.endpointRoleList(guestId)).DATA.filter(
      (role) => role.role === "administrator",
    );
    await assert.rejects(
      alice.deleteEndpointRole(guestId, admin?.id ?? ""),
      refused("Conflict", 409),
    );
    await assert.rejects(
      alice.addEndpointRole(DEMO_COLLECTION_ID, {
        principal_type: "identity",
        principal: BOB_IDENTITY_ID,
        role: "access_manager",
      }),
      refused("BadRequest", 400),
    );
    await assert.rejects(
      alice.addEndpointRole(guestId, {
        principal_type: "identity",
        principal: BOB_IDENTITY_ID,
        role: "access_manager",
      }),
      refused("Exists", 409),
    );
  });
});
