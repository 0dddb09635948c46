// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The GCS emulator over raw HTTP: the routes the wire-fidelity issue found missing
 * (`GET /api/info`, `GET /api/endpoint`) and `restrict_paths` on storage gateways; who may
 * do what (endpoint and collection roles, private collections, allowed domains); GCS's
 * envelopes and error codes; and the shared collection registry Transfer reads.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gcsEndpointScopeSet, KNOWN_SCOPES } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_GCS_ENDPOINT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { call, clientCredentials, userLogin } from "./helpers.ts";

const GCS = gcsEndpointScopeSet(DEMO_GCS_ENDPOINT_ID);
const POSIX = "145812c8-decc-41f1-83cf-bb2a85a2a70b";

describe("GCS emulator", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let bob: string;
  const gcsToken = async (identityId: string) =>
    (await userLogin(emulator, identityId, GCS.scopes.manage_collections)).byResourceServer.get(
      GCS.resourceServer,
    )!;

  before(async () => {
    emulator = await startEmulator();
    base = `${emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]}api/`;
    alice = await gcsToken(ALICE_IDENTITY_ID);
    bob = await gcsToken(BOB_IDENTITY_ID);
  });
  after(() => emulator.stop());

  const demoGateway = async () =>
    (await call(`${base}collections/${DEMO_COLLECTION_ID}`, alice)).body.data[0].storage_gateway_id;

  it("GET /api/info answers without a token: the endpoint id, its client id, the connectors", async () => {
    const info = await call(`${base}info`, undefined);
    assert.equal(info.status, 200);
    assert.equal(info.body.DATA_TYPE, "result#1.1.0");
    const [doc, ...connectors] = info.body.data;
    assert.equal(doc.DATA_TYPE, "info#1.0.0");
    assert.equal(doc.client_id, DEMO_GCS_ENDPOINT_ID);
    assert.equal(doc.endpoint_id, DEMO_GCS_ENDPOINT_ID);
    assert.equal(doc.domain_name, new URL(base).host);
    assert.deepEqual(
      connectors.map((c: any) => [c.DATA_TYPE, c.id, c.display_name]),
      [["connector#1.1.0", POSIX, "POSIX"]],
    );
  });

  it("GET /api/endpoint needs a manage_collections token and answers the endpoint document", async () => {
    assert.equal((await call(`${base}endpoint`, undefined)).status, 401);
    const transfer = (
      await clientCredentials(emulator, KNOWN_SCOPES.transfer.scopes.all)
    ).byResourceServer.get(KNOWN_SCOPES.transfer.resourceServer);
    const wrong = await call(`${base}endpoint`, transfer);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "not_authorized");
    const endpoint = await call(`${base}endpoint`, bob);
    assert.equal(endpoint.status, 200);
    const doc = endpoint.body.data[0];
    assert.equal(doc.DATA_TYPE, "endpoint#1.2.0");
    assert.equal(doc.id, DEMO_GCS_ENDPOINT_ID);
    assert.equal(doc.gcs_manager_url, base.replace(/\/api\/$/, ""));
    assert.equal(doc.subscription_id, null);
  });

  it("storage gateways carry restrict_paths", async () => {
    const list = await call(`${base}storage_gateways`, alice);
    assert.equal(list.status, 200);
    assert.ok(list.body.data.length >= 2);
    for (const gateway of list.body.data) {
      assert.equal(gateway.restrict_paths.DATA_TYPE, "path_restrictions#1.0.0");
      assert.ok(Array.isArray(gateway.restrict_paths.read_write));
    }
  });

  it("PATCH /api/endpoint: owners and administrators only; include=endpoint answers the document", async () => {
    const denied = await call(`${base}endpoint`, bob, {
      method: "PATCH",
      body: { display_name: "Bob's" },
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, "permission_denied");
    assert.equal(denied.body.detail.DATA_TYPE, "missing_required_role#1.0.0");
    const plain = await call(`${base}endpoint`, alice, {
      method: "PATCH",
      body: { DATA_TYPE: "endpoint#1.2.0", display_name: "Renamed" },
    });
    assert.deepEqual(plain.body.data, []);
    assert.equal(plain.body.message, `Updated endpoint ${DEMO_GCS_ENDPOINT_ID}`);
    const full = await call(`${base}endpoint`, alice, {
      method: "PATCH",
      body: { public: false },
      query: { include: "endpoint" },
    });
    assert.equal(full.body.data[0].display_name, "Renamed");
    assert.equal(full.body.data[0].public, false);
    const bad = await call(`${base}endpoint`, alice, {
      method: "PATCH",
      body: { network_use: "fast" },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.code, "unprocessable_entity");
    assert.equal(bad.body.detail.errors[0].property, "network_use");
  });

  it("roles: Bob may not create mapped collections until Alice makes him an administrator", async () => {
    const gateway = await demoGateway();
    const body = {
      DATA_TYPE: "collection#1.0.0",
      collection_type: "mapped",
      display_name: "Bob's",
      storage_gateway_id: gateway,
      collection_base_path: "/home/bob",
    };
    const denied = await call(`${base}collections`, bob, { method: "POST", body });
    assert.equal(denied.status, 403);
    const grant = await call(`${base}roles`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "role#1.0.0",
        principal: `urn:globus:auth:identity:${BOB_IDENTITY_ID}`,
        role: "administrator",
      },
    });
    assert.equal(grant.status, 200);
    // Bob can see his own endpoint role, not Alice's
    const bobsRoles = await call(`${base}roles`, bob, { query: { include: "all_roles" } });
    assert.ok(bobsRoles.body.data.some((r: any) => r.id === grant.body.data[0].id));
    const created = await call(`${base}collections`, bob, { method: "POST", body });
    assert.equal(created.status, 201);
    assert.equal(created.body.http_response_code, 201);
    const id = created.body.data[0].id;
    // the creator administers the new collection
    const roles = await call(`${base}roles`, bob, { query: { collection_id: id } });
    assert.deepEqual(
      roles.body.data.map((r: any) => [r.principal, r.role]),
      [[`urn:globus:auth:identity:${BOB_IDENTITY_ID}`, "administrator"]],
    );
    assert.equal(
      (await call(`${base}roles/${grant.body.data[0].id}`, alice, { method: "DELETE" })).status,
      200,
    );
    assert.equal(
      (await call(`${base}collections/${id}`, bob, { method: "PATCH", body: { public: false } }))
        .status,
      200,
      "still administrator of his own collection",
    );
    // a private collection is hidden from those without a role on it
    const secret = await call(`${base}collections`, alice, {
      method: "POST",
      body: { ...body, display_name: "Alice's private", public: false },
    });
    const secretId = secret.body.data[0].id;
    const bobSees = await call(`${base}collections`, bob);
    assert.ok(!bobSees.body.data.some((c: any) => c.id === secretId));
    assert.ok(
      bobSees.body.data.some((c: any) => c.id === id),
      "his own, though private",
    );
    assert.equal((await call(`${base}collections/${secretId}`, bob)).status, 403);
    const aliceSees = await call(`${base}collections`, alice);
    assert.ok(aliceSees.body.data.some((c: any) => c.id === secretId));
    const fixed = await call(`${base}collections/${id}`, bob, {
      method: "PATCH",
      body: { storage_gateway_id: "00000000-0000-4000-8000-000000000000" },
    });
    assert.equal(fixed.status, 422);
    assert.match(fixed.body.message, /storage_gateway_id/);
  });

  it("the last owner role cannot be deleted", async () => {
    const roles = await call(`${base}roles`, alice);
    const owner = roles.body.data.find((r: any) => r.role === "owner");
    const refused = await call(`${base}roles/${owner.id}`, alice, { method: "DELETE" });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "conflict");
  });

  it("collections made through GCS are in the registry Transfer lists, with the gateway's domains", async () => {
    const gateway = await call(`${base}storage_gateways`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "storage_gateway#1.0.0",
        display_name: "Domains",
        connector_id: POSIX,
        allowed_domains: ["example.edu"],
      },
    });
    assert.equal(gateway.status, 200);
    assert.deepEqual(gateway.body.data[0].policies, {
      DATA_TYPE: "posix_storage_policies#1.0.0",
    });
    const created = await call(`${base}collections`, alice, {
      method: "POST",
      body: {
        collection_type: "mapped",
        display_name: "Registry Check",
        storage_gateway_id: gateway.body.data[0].id,
        collection_base_path: "/",
      },
    });
    const id = created.body.data[0].id;
    const transfer = (
      await userLogin(emulator, ALICE_IDENTITY_ID, KNOWN_SCOPES.transfer.scopes.all)
    ).byResourceServer.get(KNOWN_SCOPES.transfer.resourceServer);
    const search = await call(`${emulator.urls.transfer}v0.10/endpoint_search`, transfer, {
      query: { filter_fulltext: "Registry Check" },
    });
    assert.deepEqual(
      search.body.DATA.map((e: any) => [e.id, e.entity_type, e.non_functional_endpoint_id]),
      [[id, "GCSv5_mapped_collection", DEMO_GCS_ENDPOINT_ID]],
    );
    // the gateway allows example.edu only: Alice (globusid.org) is refused by Transfer
    const ls = await call(`${emulator.urls.transfer}v0.10/operation/endpoint/${id}/ls`, transfer);
    assert.equal(ls.status, 403);
    assert.equal(ls.body.code, "PermissionDenied");
    // a gateway with collections cannot go; the collection can, and Transfer forgets it
    const busy = await call(`${base}storage_gateways/${gateway.body.data[0].id}`, alice, {
      method: "DELETE",
    });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.detail.DATA_TYPE, "resource_conflict#1.0.0");
    assert.equal((await call(`${base}collections/${id}`, alice, { method: "DELETE" })).status, 200);
    const gone = await call(`${emulator.urls.transfer}v0.10/endpoint/${id}`, transfer);
    assert.equal(gone.status, 404);
    const deleted = await call(`${base}storage_gateways/${gateway.body.data[0].id}`, alice, {
      method: "DELETE",
    });
    assert.deepEqual(deleted.body.data, [{}]);
  });

  it("guest collections: the mapped collection must allow them and the caller's domain must fit", async () => {
    const gateway = await demoGateway();
    const mapped = await call(`${base}collections`, alice, {
      method: "POST",
      body: {
        collection_type: "mapped",
        display_name: "No sharing",
        storage_gateway_id: gateway,
        collection_base_path: "/home",
      },
    });
    const credential = await call(`${base}user_credentials`, alice, {
      method: "POST",
      body: { storage_gateway_id: gateway },
    });
    assert.equal(credential.status, 201);
    assert.equal(credential.body.data[0].username, "alice");
    const guest = {
      collection_type: "guest",
      display_name: "Share",
      mapped_collection_id: mapped.body.data[0].id,
      user_credential_id: credential.body.data[0].id,
      collection_base_path: "/alice",
    };
    const notAllowed = await call(`${base}collections`, alice, { method: "POST", body: guest });
    assert.equal(notAllowed.status, 403);
    await call(`${base}collections/${mapped.body.data[0].id}`, alice, {
      method: "PATCH",
      body: { allow_guest_collections: true },
    });
    // Bob has no credential of his own to share with
    const bobs = await call(`${base}collections`, bob, { method: "POST", body: guest });
    assert.equal(bobs.status, 422);
    assert.match(bobs.body.message, /user_credential_id/);
    const made = await call(`${base}collections`, alice, { method: "POST", body: guest });
    assert.equal(made.status, 201);
    assert.equal(made.body.data[0].storage_gateway_id, gateway);
    // Bob sees only his own credentials
    const bobsCredentials = await call(`${base}user_credentials`, bob);
    assert.deepEqual(bobsCredentials.body.data, []);
    assert.equal(
      (await call(`${base}user_credentials/${credential.body.data[0].id}`, bob)).status,
      404,
    );
  });

  it("listings page by marker; a broken marker is a 400 in GCS's envelope", async () => {
    const first = await call(`${base}roles`, alice, {
      query: { collection_id: DEMO_COLLECTION_ID, include: "all_roles", page_size: 1 },
    });
    assert.equal(first.body.has_next_page, false);
    const bad = await call(`${base}collections`, alice, { query: { marker: "%%%" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "bad_request");
    assert.equal(bad.body.DATA_TYPE, "result#1.0.0");
    const unknownEndpoint = await call(
      `${emulator.urls.gcs}00000000-0000-4000-8000-000000000000/api/info`,
      undefined,
    );
    assert.equal(unknownEndpoint.status, 404);
    assert.equal(unknownEndpoint.body.code, "not_found");
  });

  it("reset restores the seeded state and drops what GCS created", async () => {
    const made = await call(`${base}storage_gateways`, alice, {
      method: "POST",
      body: { display_name: "temporary", connector_id: POSIX, allowed_domains: ["x.org"] },
    });
    assert.equal(made.status, 200);
    emulator.controls.reset();
    const token = await gcsToken(ALICE_IDENTITY_ID);
    const gateways = await call(`${base}storage_gateways`, token);
    assert.ok(!gateways.body.data.some((g: any) => g.display_name === "temporary"));
    const endpoint = await call(`${base}endpoint`, token);
    assert.equal(endpoint.body.data[0].display_name, "Emulator GCS Endpoint");
  });
});
