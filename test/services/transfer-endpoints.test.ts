/**
 * TransferClient's endpoint methods against the emulator: documents, Globus Connect
 * Personal administration, subscriptions, servers and guest collections. Each test checks
 * the request on the wire (method, path, query, body as the Python SDK sends them) and the
 * decoded answer.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TransferClient } from "../../src/index.ts";
import {
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  type RunningEmulator,
} from "../../src/testing/index.ts";
// not re-exported by the testing index: the Groups emulator names the same subscription
import { DEMO_SUBSCRIPTION_ID } from "../../src/testing/services/transfer.ts";
import {
  ALICE_GCP_ID,
  aliceGuestCollection,
  BOB_GCP_ID,
  refused,
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

describe("endpoint documents", () => {
  test("getEndpoint carries the legacy fields and the caller's effective roles", async () => {
    const mine = await alice.getEndpoint(ALICE_GCP_ID);
    assert.equal(sent(emulator, "GET", `/v0.10/endpoint/${ALICE_GCP_ID}`).method, "GET");
    for (const legacy of [
      "acl_available",
      "acl_editable",
      "in_use",
      "expire_time",
      "host_endpoint_id",
    ]) {
      assert.ok(legacy in mine, `${legacy} is sent`);
    }
    assert.equal(mine.entity_type, "GCP_mapped_collection");
    assert.equal(mine.shareable, true);
    assert.deepEqual(mine.my_effective_roles, [
      "administrator",
      "access_manager",
      "activity_manager",
      "activity_monitor",
    ]);
    assert.deepEqual((await bob.getEndpoint(ALICE_GCP_ID)).my_effective_roles, []);
    assert.equal(mine.DATA?.[0]?.DATA_TYPE, "server");
  });

  test("endpointSearch scopes: my-gcp-endpoints, administered-by-me, owner and host filters", async () => {
    const gcp = await alice
      .endpointSearch(undefined, { filterScope: "my-gcp-endpoints" })
      .toArray();
    assert.deepEqual(
      gcp.map((e) => e.id),
      [ALICE_GCP_ID],
    );
    assert.deepEqual(sent(emulator, "GET", "/v0.10/endpoint_search").query, {
      filter_scope: "my-gcp-endpoints",
      offset: "0",
    });
    const administered = await bob
      .endpointSearch(undefined, { filterScope: "administered-by-me" })
      .toArray();
    assert.deepEqual(
      administered.map((e) => e.id),
      [BOB_GCP_ID],
    );
    const byOwner = await alice
      .endpointSearch("Laptop", { filterOwnerId: BOB_IDENTITY_ID, filterNonFunctional: false })
      .toArray();
    assert.deepEqual(
      byOwner.map((e) => e.id),
      [BOB_GCP_ID],
    );
    assert.equal(sent(emulator, "GET", "/v0.10/endpoint_search").query.filter_non_functional, "0");
    await assert.rejects(
      alice.endpointSearch("x", { filterScope: "everything" }).firstPage(),
      refused("BadRequest", 400),
    );
  });
});

describe("Globus Connect Personal administration", () => {
  test("updateEndpoint changes the document; others and GCSv5 collections are refused", async () => {
    const result = await alice.updateEndpoint(ALICE_GCP_ID, {
      display_name: "Alice's Workstation",
      description: "the big one",
      keywords: "alice,work",
      network_use: "aggressive",
    });
    assert.equal(result.code, "Updated");
    const request = sent(emulator, "PUT", `/v0.10/endpoint/${ALICE_GCP_ID}`);
    assert.deepEqual(request.body, {
      display_name: "Alice's Workstation",
      description: "the big one",
      keywords: "alice,work",
      network_use: "aggressive",
    });
    const updated = await alice.getEndpoint(ALICE_GCP_ID);
    assert.equal(updated.display_name, "Alice's Workstation");
    assert.equal(updated.description, "the big one");
    assert.equal(updated.network_use, "aggressive");
    const found = await alice.endpointSearch("big one").toArray();
    assert.ok(
      found.some((e) => e.id === ALICE_GCP_ID),
      "search sees the new description",
    );
    await assert.rejects(
      bob.updateEndpoint(ALICE_GCP_ID, { description: "mine now" }),
      refused("PermissionDenied", 403),
    );
    await assert.rejects(
      alice.updateEndpoint(ALICE_GCP_ID, { entity_type: "GCSv5_endpoint" }),
      refused("BadRequest", 400),
    );
    await assert.rejects(
      alice.updateEndpoint(DEMO_COLLECTION_ID, { description: "x" }),
      refused("BadRequest", 400),
    );
  });

  test("setSubscriptionId: DEFAULT picks the caller's one subscription; null clears it", async () => {
    const result = await alice.setSubscriptionId(ALICE_GCP_ID, "DEFAULT");
    assert.equal(result.code, "Updated");
    assert.equal(result.resource, `/v0.10/endpoint/${ALICE_GCP_ID}/subscription`);
    assert.deepEqual(sent(emulator, "PUT", `/v0.10/endpoint/${ALICE_GCP_ID}/subscription`).body, {
      subscription_id: "DEFAULT",
    });
    assert.equal((await alice.getEndpoint(ALICE_GCP_ID)).subscription_id, DEMO_SUBSCRIPTION_ID);
    await alice.setSubscriptionId(ALICE_GCP_ID, null);
    assert.deepEqual(sent(emulator, "PUT", `/v0.10/endpoint/${ALICE_GCP_ID}/subscription`).body, {
      subscription_id: null,
    });
    assert.equal((await alice.getEndpoint(ALICE_GCP_ID)).subscription_id, null);
    await assert.rejects(bob.setSubscriptionId(BOB_GCP_ID, "DEFAULT"), refused("BadRequest", 400));
    await assert.rejects(
      bob.setSubscriptionId(BOB_GCP_ID, DEMO_SUBSCRIPTION_ID),
      refused("PermissionDenied", 403),
    );
    await assert.rejects(
      alice.setSubscriptionId("00000000-0000-4000-8000-000000000000", null),
      refused("EndpointNotFound", 404),
    );
  });

  test("setSubscriptionAdminVerified needs a subscription, and its administrator to grant", async () => {
    await assert.rejects(
      alice.setSubscriptionAdminVerified(ALICE_GCP_ID, true),
      refused("BadRequest", 400),
    );
    await alice.setSubscriptionId(ALICE_GCP_ID, DEMO_SUBSCRIPTION_ID);
    const result = await alice.setSubscriptionAdminVerified(ALICE_GCP_ID, true);
    assert.equal(result.code, "Updated");
    assert.deepEqual(
      sent(emulator, "PUT", `/v0.10/endpoint/${ALICE_GCP_ID}/subscription_admin_verified`).body,
      { subscription_admin_verified: true },
    );
    assert.equal((await alice.getEndpoint(ALICE_GCP_ID)).subscription_admin_verified, true);
    await assert.rejects(
      bob.setSubscriptionAdminVerified(ALICE_GCP_ID, false),
      refused("PermissionDenied", 403),
    );
    await alice.setSubscriptionAdminVerified(ALICE_GCP_ID, false);
    assert.equal((await alice.getEndpoint(ALICE_GCP_ID)).subscription_admin_verified, false);
  });

  test("endpointServerList and getEndpointServer", async () => {
    const servers = await alice.endpointServerList(DEMO_COLLECTION_ID);
    assert.equal(
      sent(emulator, "GET", `/v0.10/endpoint/${DEMO_COLLECTION_ID}/server_list`).method,
      "GET",
    );
    const [server] = servers.DATA;
    assert.ok(server);
    assert.equal(server.DATA_TYPE, "server");
    const one = await alice.getEndpointServer(DEMO_COLLECTION_ID, server.id);
    assert.deepEqual(one, server);
    assert.ok(sent(emulator, "GET", `/v0.10/endpoint/${DEMO_COLLECTION_ID}/server/${server.id}`));
    await assert.rejects(
      alice.getEndpointServer(DEMO_COLLECTION_ID, 999_999),
      refused("ServerNotFound", 404),
    );
  });
});

describe("guest collections (shared endpoints)", () => {
  test("createSharedEndpoint makes a guest collection that shows its host's directory", async () => {
    const created = await alice.createSharedEndpoint({
      DATA_TYPE: "shared_endpoint",
      host_endpoint_id: ALICE_GCP_ID,
      host_path: "/~/project/",
      display_name: "Project share",
      description: "for Bob",
    });
    assert.equal(created.code, "Created");
    assert.deepEqual(sent(emulator, "POST", "/v0.10/shared_endpoint").body, {
      DATA_TYPE: "shared_endpoint",
      host_endpoint_id: ALICE_GCP_ID,
      host_path: "/~/project/",
      display_name: "Project share",
      description: "for Bob",
    });
    const guest = await alice.getEndpoint(created.id);
    assert.equal(guest.entity_type, "GCP_guest_collection");
    assert.equal(guest.host_endpoint_id, ALICE_GCP_ID);
    assert.equal(guest.host_path, "/home/alice/project/");
    assert.equal(guest.description, "for Bob");
    assert.equal(guest.acl_available, true);
    assert.deepEqual(guest.DATA, []);
    const names = (await alice.operationLs(created.id, "/")).DATA.map((e) => e.name);
    assert.deepEqual(names, ["a.txt", "b.log", "sub"]);
    // the host's Python-style `host_endpoint` key works as well
    const second = await alice.createSharedEndpoint({
      host_endpoint: ALICE_GCP_ID,
      host_path: "/home/alice/",
      display_name: "Home share",
    });
    assert.equal((await alice.getEndpoint(second.id)).host_path, "/home/alice/");
  });

  test("a guest collection needs a GCP host, an existing directory, and the host's owner", async () => {
    await assert.rejects(
      alice.createSharedEndpoint({
        host_endpoint_id: DEMO_COLLECTION_ID,
        host_path: "/home/alice/",
        display_name: "on GCSv5",
      }),
      refused("BadRequest", 400),
    );
    await assert.rejects(
      alice.createSharedEndpoint({
        host_endpoint_id: ALICE_GCP_ID,
        host_path: "/home/alice/nope/",
        display_name: "nowhere",
      }),
      refused("ClientError.NotFound", 404),
    );
    await assert.rejects(
      bob.createSharedEndpoint({
        host_endpoint_id: ALICE_GCP_ID,
        host_path: "/home/alice/",
        display_name: "not mine",
      }),
      refused("PermissionDenied", 403),
    );
  });

  test("mySharedEndpointList lists the guests you manage", async () => {
    const id = await aliceGuestCollection(alice, "listed share");
    const mine = await alice.mySharedEndpointList(ALICE_GCP_ID);
    assert.equal(
      sent(emulator, "GET", `/v0.10/endpoint/${ALICE_GCP_ID}/my_shared_endpoint_list`).method,
      "GET",
    );
    assert.ok(mine.DATA.some((e) => e.id === id));
    assert.deepEqual((await bob.mySharedEndpointList(ALICE_GCP_ID)).DATA, []);
  });

  test("getSharedEndpointList pages by next_token across 3 pages", async () => {
    for (let i = 0; i < 3; i++) await aliceGuestCollection(alice, `paged share ${i}`);
    const pages = [];
    for await (const page of alice.getSharedEndpointList(ALICE_GCP_ID, { maxResults: 2 }).pages()) {
      pages.push(page);
    }
    assert.ok(pages.length >= 3, `got ${pages.length} pages`);
    const log = emulator.controls
      .requestLog({
        service: "transfer",
        path: `/v0.10/endpoint/${ALICE_GCP_ID}/shared_endpoint_list`,
      })
      .slice(-pages.length);
    assert.equal(log[0]?.query.next_token, undefined);
    assert.equal(log[0]?.query.max_results, "2");
    assert.ok(log.slice(1).every((entry) => typeof entry.query.next_token === "string"));
    const ids = pages.flatMap((page) => page.items.map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, "no guest twice");
    assert.ok(ids.length >= 5);
    await assert.rejects(
      bob.getSharedEndpointList(ALICE_GCP_ID).firstPage(),
      refused("PermissionDenied", 403),
    );
  });

  test("deleteEndpoint deletes a GCP collection and its guest collections", async () => {
    const guest = await bob.createSharedEndpoint({
      host_endpoint_id: BOB_GCP_ID,
      host_path: "/home/bob/",
      display_name: "Bob's share",
    });
    await assert.rejects(alice.deleteEndpoint(BOB_GCP_ID), refused("PermissionDenied", 403));
    const result = await bob.deleteEndpoint(BOB_GCP_ID);
    assert.equal(result.code, "Deleted");
    assert.equal(sent(emulator, "DELETE", `/v0.10/endpoint/${BOB_GCP_ID}`).body, undefined);
    await assert.rejects(bob.getEndpoint(BOB_GCP_ID), refused("EndpointNotFound", 404));
    await assert.rejects(bob.getEndpoint(guest.id), refused("EndpointNotFound", 404));
  });
});
