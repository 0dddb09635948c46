/**
 * GCSClient against the emulator, method by method: the request each sends (method, path,
 * query, body, as the Python SDK 4.9's `services/gcs/client.py` sends it) and the answer it
 * decodes. Listings are walked across at least three pages.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ConnectorTable,
  EndpointDocument,
  GCSAPIError,
  GCSClient,
  GCSRoleDocument,
  GlobusSDKUsageError,
  GuestCollectionDocument,
  MappedCollectionDocument,
  POSIXCollectionPolicies,
  POSIXStoragePolicies,
  StorageGatewayDocument,
  type UserApp,
  UserCredentialDocument,
} from "../../src/index.ts";
import {
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_GCS_ENDPOINT_ID,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { emulatorWithApp, lastRequest } from "./helpers.ts";

let emulator: RunningEmulator;
let app: UserApp;
let dispose: () => Promise<void>;
let client: GCSClient;
const API = `/${DEMO_GCS_ENDPOINT_ID}/api`;

before(async () => {
  // three more collections on the demo endpoint: five collections, five storage gateways
  ({ emulator, app, dispose } = await emulatorWithApp("gcs-client", "33333333-9999-4333-8333"));
  client = new GCSClient(emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!, DEMO_GCS_ENDPOINT_ID, {
    app,
  });
});
after(() => dispose());

const sent = (path: string, method = "GET") =>
  lastRequest(emulator, "gcs", `${API}${path}`, method);

/** The demo collection's storage gateway (each seeded collection has its own). */
async function demoGatewayId(): Promise<string> {
  return String((await client.getCollection(DEMO_COLLECTION_ID)).storage_gateway_id);
}

function gatewayDocument(name: string, domains: string[] = ["globusid.org"]) {
  return new StorageGatewayDocument({
    displayName: name,
    connectorId: ConnectorTable.POSIX.connectorId,
    allowedDomains: domains,
    policies: new POSIXStoragePolicies({ groupsAllow: "globus", groupsDeny: ["nonglobus"] }),
  });
}

describe("the endpoint", () => {
  test("getGcsInfo asks without credentials and returns the info document", async () => {
    const info = await client.getGcsInfo();
    const request = sent("/info");
    assert.equal(request.clientId, undefined, "no bearer token was sent");
    assert.deepEqual(request.query, {});
    assert.equal(info.DATA_TYPE, "info#1.0.0");
    assert.equal(info.client_id, DEMO_GCS_ENDPOINT_ID);
    assert.equal(info.endpoint_id, DEMO_GCS_ENDPOINT_ID);
  });

  test("getEndpoint and updateEndpoint, with and without include=endpoint", async () => {
    const endpoint = await client.getEndpoint();
    assert.equal(sent("/endpoint").clientId, DEMO_NATIVE_CLIENT_ID);
    assert.equal(endpoint.id, DEMO_GCS_ENDPOINT_ID);
    assert.equal(
      endpoint.gcs_manager_url,
      emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!.replace(/\/$/, ""),
    );

    const document = new EndpointDocument({ description: "patched", keywords: "science" });
    const result = await client.updateEndpoint(document);
    const patch = sent("/endpoint", "PATCH");
    assert.deepEqual(patch.query, {});
    assert.deepEqual(patch.body, {
      DATA_TYPE: "endpoint#1.0.0",
      description: "patched",
      keywords: ["science"],
    });
    assert.equal(result.code, "success");
    assert.deepEqual(result.data, []);

    const updated = await client.updateEndpoint(
      new EndpointDocument({ gridftpControlChannelPort: null, networkUse: "aggressive" }),
      { include: "endpoint" },
    );
    const withInclude = sent("/endpoint", "PATCH");
    assert.deepEqual(withInclude.query, { include: "endpoint" });
    // gridftp_control_channel_port needs endpoint#1.1.0
    assert.deepEqual(withInclude.body, {
      DATA_TYPE: "endpoint#1.1.0",
      gridftp_control_channel_port: null,
      network_use: "aggressive",
    });
    assert.equal(updated.network_use, "aggressive");
    assert.equal(updated.description, "patched");
    assert.equal(updated.gridftp_control_channel_port, null);
  });

  test("a custom network_use without its four values is GCS's 422", async () => {
    const error = await client
      .updateEndpoint(new EndpointDocument({ networkUse: "custom", maxConcurrency: 4 }))
      .catch((e: unknown) => e);
    assert.ok(error instanceof GCSAPIError);
    assert.equal(error.httpStatus, 422);
    assert.equal(error.code, "unprocessable_entity");
    assert.match(error.message, /preferred_concurrency|max_parallelism/);
  });
});

describe("collections", () => {
  test("getCollectionList walks three pages, sending its filters with every page", async () => {
    const pages = [];
    for await (const page of client
      .getCollectionList({ filter: ["mapped_collections", "managed_by_me"], pageSize: 2 })
      .pages()) {
      pages.push(page);
      assert.equal(sent("/collections").query.filter, "mapped_collections,managed_by_me");
    }
    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.map((page) => page.items.length),
      [2, 2, 1],
    );
    const last = sent("/collections");
    assert.equal(typeof last.query.marker, "string");
    const ids = pages.flatMap((page) => page.items.map((item) => item.id));
    assert.ok(ids.includes(DEMO_COLLECTION_ID));
    assert.equal(new Set(ids).size, 5);
  });

  test("create, get, update and delete a mapped collection", async () => {
    const gatewayId = await demoGatewayId();
    const created = await client.createCollection(
      new MappedCollectionDocument({
        storageGatewayId: gatewayId,
        collectionBasePath: "/shared",
        displayName: "Made by GCSClient",
        deleteProtected: false,
        policies: new POSIXCollectionPolicies({ sharingGroupsAllow: "staff" }),
      }),
    );
    const body = sent("/collections", "POST").body as Record<string, unknown>;
    assert.deepEqual(body, {
      collection_type: "mapped",
      storage_gateway_id: gatewayId,
      collection_base_path: "/shared",
      display_name: "Made by GCSClient",
      delete_protected: false,
      policies: { DATA_TYPE: "posix_collection_policies#1.0.0", sharing_groups_allow: ["staff"] },
      DATA_TYPE: "collection#1.8.0",
    });
    assert.equal(created.collection_type, "mapped");
    assert.equal(created.display_name, "Made by GCSClient");
    assert.equal(created.storage_gateway_id, gatewayId);

    const got = await client.getCollection(created.id);
    assert.equal(sent(`/collections/${created.id}`).method, "GET");
    assert.equal(got.collection_base_path, "/shared");

    const updated = await client.updateCollection(
      created.id,
      new MappedCollectionDocument({ description: "now described", keywords: ["a", "b"] }),
    );
    assert.deepEqual(sent(`/collections/${created.id}`, "PATCH").body, {
      collection_type: "mapped",
      description: "now described",
      keywords: ["a", "b"],
      DATA_TYPE: "collection#1.0.0",
    });
    assert.equal(updated.description, "now described");

    const deleted = await client.deleteCollection(created.id);
    assert.equal(sent(`/collections/${created.id}`, "DELETE").status, 200);
    assert.equal(deleted.code, "success");
    const missing = await client.getCollection(created.id).catch((e: unknown) => e);
    assert.ok(missing instanceof GCSAPIError);
    assert.equal(missing.httpStatus, 404);
    assert.equal(missing.code, "not_found");
  });

  test("a guest collection needs a credential on the mapped collection's gateway", async () => {
    const gatewayId = await demoGatewayId();
    const mapped = await client.createCollection(
      new MappedCollectionDocument({
        storageGatewayId: gatewayId,
        collectionBasePath: "/home",
        displayName: "Shareable",
        allowGuestCollections: true,
      }),
    );
    const credential = await client.createUserCredential(
      new UserCredentialDocument({ storageGatewayId: gatewayId }),
    );
    const guest = await client.createCollection(
      new GuestCollectionDocument({
        mappedCollectionId: mapped.id,
        userCredentialId: credential.id,
        collectionBasePath: "/alice",
        displayName: "Alice's share",
      }),
    );
    assert.deepEqual(Object.keys(sent("/collections", "POST").body as object).sort(), [
      "DATA_TYPE",
      "collection_base_path",
      "collection_type",
      "display_name",
      "mapped_collection_id",
      "user_credential_id",
    ]);
    assert.equal(guest.collection_type, "guest");
    assert.equal(guest.mapped_collection_id, mapped.id);
    const guests = await client.getCollectionList({ mappedCollectionId: mapped.id }).toArray();
    assert.equal(sent("/collections").query.mapped_collection_id, mapped.id);
    assert.deepEqual(
      guests.map((c) => c.id),
      [guest.id],
    );
    // the credential is in use: GCS refuses to delete it
    const refused = await client.deleteUserCredential(credential.id).catch((e: unknown) => e);
    assert.ok(refused instanceof GCSAPIError);
    assert.equal(refused.httpStatus, 409);
    await client.deleteCollection(mapped.id);
    assert.equal(
      (await client.getCollection(guest.id).catch((e: GCSAPIError) => e)).httpStatus,
      404,
    );
    await client.deleteUserCredential(credential.id);
  });

  test("bad documents are GCS's 422, naming the field", async () => {
    const unknown = await client
      .createCollection({ collection_type: "mapped", display_name: "x", colour: "red" })
      .catch((e: unknown) => e);
    assert.ok(unknown instanceof GCSAPIError);
    assert.equal(unknown.httpStatus, 422);
    assert.match(unknown.message, /colour/);
    const wrongType = await client
      .createCollection(
        new MappedCollectionDocument({
          storageGatewayId: await demoGatewayId(),
          collectionBasePath: "/",
          displayName: "x",
          additionalFields: { public: "yes" },
        }),
      )
      .catch((e: unknown) => e);
    assert.ok(wrongType instanceof GCSAPIError);
    assert.equal(wrongType.code, "unprocessable_entity");
    assert.match(wrongType.message, /'public' must be a boolean/);
  });
});

describe("storage gateways", () => {
  test("getStorageGatewayList walks three pages; include reaches the wire", async () => {
    const pages = [];
    for await (const page of client
      .getStorageGatewayList({ pageSize: 2, include: "private_policies" })
      .pages())
      pages.push(page);
    assert.ok(pages.length >= 3, `${pages.length} pages`);
    assert.equal(sent("/storage_gateways").query.include, "private_policies");
    // as Python's MarkerPaginator, every page repeats the listing's parameters
    assert.equal(sent("/storage_gateways").query.page_size, "2");
    assert.equal(typeof sent("/storage_gateways").query.marker, "string");
    const gateways = pages.flatMap((page) => page.items);
    assert.ok(gateways.every((g) => g.connector_id === ConnectorTable.POSIX.connectorId));
    assert.ok(gateways.every((g) => typeof g.restrict_paths === "object" && g.restrict_paths));
  });

  test("create, get, update and delete a storage gateway", async () => {
    const created = await client.createStorageGateway(gatewayDocument("gateway one"));
    assert.deepEqual(sent("/storage_gateways", "POST").body, {
      DATA_TYPE: "storage_gateway#1.0.0",
      display_name: "gateway one",
      connector_id: ConnectorTable.POSIX.connectorId,
      allowed_domains: ["globusid.org"],
      policies: {
        DATA_TYPE: "posix_storage_policies#1.0.0",
        groups_allow: ["globus"],
        groups_deny: ["nonglobus"],
      },
    });
    assert.equal(created.display_name, "gateway one");
    assert.deepEqual(created.allowed_domains, ["globusid.org"]);

    const got = await client.getStorageGateway(created.id, { include: ["private_policies"] });
    assert.deepEqual(sent(`/storage_gateways/${created.id}`).query, {
      include: "private_policies",
    });
    assert.equal(got.id, created.id);

    const result = await client.updateStorageGateway(
      created.id,
      new StorageGatewayDocument({ usersDeny: ["root"], requireMfa: false }),
    );
    assert.deepEqual(sent(`/storage_gateways/${created.id}`, "PATCH").body, {
      DATA_TYPE: "storage_gateway#1.1.0",
      users_deny: ["root"],
      require_mfa: false,
    });
    // as in the Python SDK, the whole envelope
    assert.equal(result.code, "success");
    assert.deepEqual(result.data[0]?.users_deny, ["root"]);

    const deleted = await client.deleteStorageGateway(created.id);
    assert.equal(deleted.code, "success");
    assert.equal(
      (await client.getStorageGateway(created.id).catch((e: GCSAPIError) => e)).httpStatus,
      404,
    );
  });

  test("a gateway with collections cannot be deleted; a non-admin cannot create one", async () => {
    const refused = await client.deleteStorageGateway(await demoGatewayId()).catch((e) => e);
    assert.ok(refused instanceof GCSAPIError);
    assert.equal(refused.httpStatus, 409);
    await using bobApp = emulatorUserApp(emulator, "memory", "gcs-bob", BOB_IDENTITY_ID);
    const bob = new GCSClient(
      emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!,
      DEMO_GCS_ENDPOINT_ID,
      {
        app: bobApp,
      },
    );
    const denied = await bob.createStorageGateway(gatewayDocument("bob's")).catch((e) => e);
    assert.ok(denied instanceof GCSAPIError);
    assert.equal(denied.httpStatus, 403);
    assert.equal(denied.code, "permission_denied");
    const detail = (denied.data as { detail?: { DATA_TYPE?: string } }).detail;
    assert.equal(detail?.DATA_TYPE, "missing_required_role#1.0.0");
  });
});

describe("roles", () => {
  test("create, get and delete roles; getRoleList walks three pages of all_roles", async () => {
    const created = [];
    for (const n of [1, 2, 3, 4, 5]) {
      created.push(
        await client.createRole(
          new GCSRoleDocument({
            collection: DEMO_COLLECTION_ID,
            principal: `urn:globus:groups:id:55555555-000${n}-4555-8555-555555555555`,
            role: "access_manager",
          }),
        ),
      );
    }
    assert.deepEqual(sent("/roles", "POST").body, {
      DATA_TYPE: "role#1.0.0",
      collection: DEMO_COLLECTION_ID,
      principal: "urn:globus:groups:id:55555555-0005-4555-8555-555555555555",
      role: "access_manager",
    });
    const pages = [];
    for await (const page of client
      .getRoleList({ collectionId: DEMO_COLLECTION_ID, include: "all_roles", pageSize: 2 })
      .pages())
      pages.push(page);
    assert.equal(pages.length, 3, "Alice's administrator role and the five new ones");
    assert.equal(sent("/roles").query.collection_id, DEMO_COLLECTION_ID);
    assert.equal(sent("/roles").query.include, "all_roles");
    // without all_roles, only the caller's own role
    const mine = await client.listRoles({ collectionId: DEMO_COLLECTION_ID }).toArray();
    assert.deepEqual(
      mine.map((r) => r.role),
      ["administrator"],
    );

    const one = await client.getRole(created[0]!.id);
    assert.equal(sent(`/roles/${created[0]!.id}`).method, "GET");
    assert.equal(one.principal, "urn:globus:groups:id:55555555-0001-4555-8555-555555555555");
    for (const role of created) await client.deleteRole(role.id);
    assert.equal(sent(`/roles/${created[4]!.id}`, "DELETE").status, 200);
    assert.equal(
      (await client.getRole(created[0]!.id).catch((e: GCSAPIError) => e)).httpStatus,
      404,
    );
  });

  test("a bare identity id is no principal; a duplicate role is 409 exists", async () => {
    const bare = await client
      .createRole(new GCSRoleDocument({ principal: BOB_IDENTITY_ID, role: "administrator" }))
      .catch((e: unknown) => e);
    assert.ok(bare instanceof GCSAPIError);
    assert.equal(bare.httpStatus, 422);
    const document = new GCSRoleDocument({
      principal: `urn:globus:auth:identity:${BOB_IDENTITY_ID}`,
      role: "activity_monitor",
    });
    const role = await client.createRole(document);
    const again = await client.createRole(document).catch((e: unknown) => e);
    assert.ok(again instanceof GCSAPIError);
    assert.equal(again.httpStatus, 409);
    assert.equal(again.code, "exists");
    await client.deleteRole(role.id);
  });
});

describe("user credentials", () => {
  test("create, get, update, delete; the list walks three pages of one gateway's", async () => {
    const gateway = await client.createStorageGateway(gatewayDocument("credentials"));
    const created = [];
    for (const n of [1, 2, 3, 4, 5]) {
      created.push(
        await client.createUserCredential(
          new UserCredentialDocument({
            storageGatewayId: gateway.id,
            username: `alice${n}`,
            displayName: `credential ${n}`,
          }),
        ),
      );
    }
    assert.deepEqual(sent("/user_credentials", "POST").body, {
      DATA_TYPE: "user_credential#1.0.0",
      storage_gateway_id: gateway.id,
      username: "alice5",
      display_name: "credential 5",
    });
    assert.equal(sent("/user_credentials", "POST").status, 201);
    assert.equal(created[0]!.connector_id, ConnectorTable.POSIX.connectorId);
    assert.deepEqual(created[0]!.policies, { DATA_TYPE: "posix_user_credential_policies#1.0.0" });

    const pages = [];
    for await (const page of client
      .getUserCredentialList({ storageGateway: gateway.id, pageSize: 2 })
      .pages())
      pages.push(page);
    assert.equal(pages.length, 3);
    assert.equal(sent("/user_credentials").query.storage_gateway, gateway.id);
    assert.deepEqual(
      pages.flatMap((p) => p.items.map((c) => c.username)),
      ["alice1", "alice2", "alice3", "alice4", "alice5"],
    );

    const one = await client.getUserCredential(created[0]!.id);
    assert.equal(one.display_name, "credential 1");
    const updated = await client.updateUserCredential(
      created[0]!.id,
      new UserCredentialDocument({ displayName: "renamed" }),
    );
    assert.deepEqual(sent(`/user_credentials/${created[0]!.id}`, "PATCH").body, {
      DATA_TYPE: "user_credential#1.0.0",
      display_name: "renamed",
    });
    assert.equal(updated.display_name, "renamed");
    for (const credential of created) await client.deleteUserCredential(credential.id);
    assert.equal(
      (await client.getUserCredential(created[0]!.id).catch((e: GCSAPIError) => e)).httpStatus,
      404,
    );
    await client.deleteStorageGateway(gateway.id);
  });

  test("a gateway's allowed_domains decide who may register a credential", async () => {
    const gateway = await client.createStorageGateway(
      gatewayDocument("university only", ["university.example.edu"]),
    );
    const refused = await client
      .createUserCredential(new UserCredentialDocument({ storageGatewayId: gateway.id }))
      .catch((e: unknown) => e);
    assert.ok(refused instanceof GCSAPIError);
    assert.equal(refused.httpStatus, 403);
    const detail = (refused.data as { detail?: Record<string, unknown> }).detail;
    assert.deepEqual(detail, {
      DATA_TYPE: "not_from_allowed_domain#1.0.0",
      allowed_domains: ["university.example.edu"],
    });
    await client.deleteStorageGateway(gateway.id);
  });
});

describe("construction and scopes", () => {
  test("the static scope helpers build the endpoint's and a collection's scopes", () => {
    assert.equal(
      String(GCSClient.getGcsEndpointScopes(DEMO_GCS_ENDPOINT_ID).manage_collections),
      `urn:globus:auth:scope:${DEMO_GCS_ENDPOINT_ID}:manage_collections`,
    );
    const collection = GCSClient.getGcsCollectionScopes(DEMO_COLLECTION_ID);
    assert.equal(
      String(collection.data_access),
      `https://auth.globus.org/scopes/${DEMO_COLLECTION_ID}/data_access`,
    );
    assert.equal(
      String(collection.https),
      `https://auth.globus.org/scopes/${DEMO_COLLECTION_ID}/https`,
    );
    assert.throws(() => GCSClient.getGcsEndpointScopes("not-a-uuid"), GlobusSDKUsageError);
  });

  test("addresses become the Manager's /api/ URL; a bad endpoint id is a usage error", () => {
    assert.equal(
      new GCSClient("abc.data.globus.org").transport.baseUrl,
      "https://abc.data.globus.org/api/",
    );
    assert.equal(
      new GCSClient("https://abc.data.globus.org", DEMO_GCS_ENDPOINT_ID).transport.baseUrl,
      "https://abc.data.globus.org/api/",
    );
    assert.throws(() => new GCSClient("abc.data.globus.org", "endpoint"), /endpointId/);
    const unknown = new GCSClient("abc.data.globus.org");
    assert.equal(unknown.endpointId, undefined);
    assert.throws(() => unknown.resourceServer, /api\/info/);
  });
});
