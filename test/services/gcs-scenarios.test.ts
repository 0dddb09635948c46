/**
 * GCS scenarios end to end, with apps that log in as people would:
 * - a mapped collection created through GCSClient is a Transfer endpoint: found by
 *   `endpointSearch`, and listed with `operationLs` once the app has its data_access consent;
 * - a GCSClient given only an address finds its resource server (the GCS Manager's client
 *   id, which need not be the endpoint id) through `/api/info`, before its first
 *   authorized call;
 * - a storage gateway's `allowed_domains` decide who may use the collections behind it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ConnectorTable,
  GCSAPIError,
  GCSClient,
  GlobusAPIError,
  MappedCollectionDocument,
  StorageGatewayDocument,
  TransferClient,
  TransferScopes,
} from "../../src/index.ts";
import { gcsCollectionScopeSet } from "../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  DEMO_COLLECTION_ID,
  DEMO_GCS_ENDPOINT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { StaticBearerAuthorizer, userTokens } from "./helpers.ts";

describe("a mapped collection made through GCSClient is a Transfer collection", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());

  test("create it, find it with endpointSearch, and ls it", async () => {
    await using app = emulatorUserApp(emulator, "memory", "gcs-scenario");
    const gcs = new GCSClient(emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!, { app });
    const transfer = new TransferClient({ app, baseUrl: emulator.urls.transfer });

    const gatewayId = String((await gcs.getCollection(DEMO_COLLECTION_ID)).storage_gateway_id);
    const created = await gcs.createCollection(
      new MappedCollectionDocument({
        storageGatewayId: gatewayId,
        collectionBasePath: "/shared",
        displayName: "Scenario Shared Data",
      }),
    );

    const found = await transfer.endpointSearch("Scenario Shared").toArray();
    const endpoint = found.find((e) => e.id === created.id);
    assert.ok(endpoint, "the new collection is in endpoint_search");
    assert.equal(endpoint.entity_type, "GCSv5_mapped_collection");
    assert.equal(endpoint.display_name, "Scenario Shared Data");
    assert.equal(endpoint.owner_string, "alice@globusid.org");

    // a mapped collection needs its data_access consent, as GCS 5.4's do
    const refused = await transfer.operationLs(created.id).catch((e: unknown) => e);
    assert.ok(refused instanceof GlobusAPIError);
    assert.equal(refused.code, "ConsentRequired");
    transfer.addAppDataAccessScope(created.id);
    const listing = await transfer.operationLs(created.id, { path: "/" });
    // the collection shows its gateway's storage below its base path (/shared)
    assert.deepEqual(
      listing.DATA.map((entry) => entry.name),
      ["README.md"],
    );

    // renamed in GCS, renamed in Transfer; deleted in GCS, gone from Transfer
    await gcs.updateCollection(
      created.id,
      new MappedCollectionDocument({ displayName: "Scenario Renamed" }),
    );
    assert.equal((await transfer.getEndpoint(created.id)).display_name, "Scenario Renamed");
    await gcs.deleteCollection(created.id);
    const gone = await transfer.getEndpoint(created.id).catch((e: unknown) => e);
    assert.ok(gone instanceof GlobusAPIError);
    assert.equal(gone.httpStatus, 404);
  });
});

describe("a GCSClient given only an address reads its resource server from /api/info", () => {
  const ENDPOINT = "66666666-0000-4666-8666-666666666666";
  const MANAGER_CLIENT = "66666666-1111-4666-8666-666666666666";
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({
      seed: {
        endpoints: [
          ...structuredClone(DEFAULT_SEED.endpoints),
          {
            id: "66666666-2222-4666-8666-666666666666",
            display_name: "Elsewhere",
            owner_string: "alice@globusid.org",
            entity_type: "GCSv5_mapped_collection",
            gcs_endpoint_id: ENDPOINT,
            gcs_client_id: MANAGER_CLIENT,
          },
        ],
      },
    });
  });
  after(() => emulator.stop());

  const infoRequests = () =>
    emulator.controls.requestLog({ service: "gcs", path: `/${ENDPOINT}/api/info` });

  test("the Manager's client id, not the endpoint id, is the resource server", async () => {
    await using app = emulatorUserApp(emulator, "memory", "gcs-address-only");
    const gcs = new GCSClient(emulator.gcsEndpointUrls[ENDPOINT]!, { app });
    assert.equal(gcs.endpointId, undefined);
    const required = () => app.scopeRequirements[MANAGER_CLIENT]?.map(String);
    assert.equal(required(), undefined, "nothing registered yet");

    // concurrent first calls share one lookup
    const [collections, endpoint] = await Promise.all([
      gcs.getCollectionList().toArray(),
      gcs.getEndpoint(),
    ]);
    assert.equal(infoRequests().length, 1);
    assert.equal(infoRequests()[0]?.clientId, undefined, "/api/info is asked without a token");
    assert.equal(endpoint.id, ENDPOINT);
    assert.equal(collections[0]?.display_name, "Elsewhere");

    assert.equal(gcs.resourceServer, MANAGER_CLIENT);
    assert.equal(gcs.endpointId, ENDPOINT);
    assert.equal(await gcs.endpointClientId(), MANAGER_CLIENT);
    assert.deepEqual(required(), [`urn:globus:auth:scope:${MANAGER_CLIENT}:manage_collections`]);
    const tokens = emulator.controls
      .tokens()
      .filter((t) => t.resourceServer === MANAGER_CLIENT || t.resourceServer === ENDPOINT);
    assert.ok(tokens.length > 0 && tokens.every((t) => t.resourceServer === MANAGER_CLIENT));
    await gcs.getStorageGatewayList().toArray();
    assert.equal(infoRequests().length, 1, "learned once");
  });

  test("a token for the endpoint id is refused: the endpoint id is not its resource server", async () => {
    await using app = emulatorUserApp(emulator, "memory", "gcs-wrong-id");
    const wrong = new GCSClient(emulator.gcsEndpointUrls[ENDPOINT]!, ENDPOINT, { app });
    const error = await wrong.getEndpoint().catch((e: unknown) => e);
    assert.ok(error instanceof GCSAPIError);
    assert.equal(error.httpStatus, 401);
  });

  test("a failed lookup is an error, and the next call looks again", async () => {
    await using app = emulatorUserApp(emulator, "memory", "gcs-lookup-fails");
    const gcs = new GCSClient(emulator.gcsEndpointUrls[ENDPOINT]!, { app });
    emulator.controls.addFault({
      kind: "status",
      status: 404,
      service: "gcs",
      path: `/${ENDPOINT}/api/info`,
      count: 1,
    });
    const error = await gcs.getEndpoint().catch((e: unknown) => e);
    assert.ok(error instanceof GCSAPIError);
    assert.equal(error.httpStatus, 404);
    assert.throws(() => gcs.resourceServer, /api\/info/);
    assert.equal((await gcs.getEndpoint()).id, ENDPOINT);
    assert.equal(gcs.resourceServer, MANAGER_CLIENT);
  });

  test("with appScopes, the app requires exactly those once the resource server is known", async () => {
    await using app = emulatorUserApp(emulator, "memory", "gcs-app-scopes");
    const scope = `urn:globus:auth:scope:${MANAGER_CLIENT}:manage_collections`;
    const gcs = new GCSClient(emulator.gcsEndpointUrls[ENDPOINT]!, { app, appScopes: [scope] });
    assert.equal(await gcs.endpointClientId(), MANAGER_CLIENT);
    assert.deepEqual(app.scopeRequirements[MANAGER_CLIENT]?.map(String), [scope]);
  });
});

describe("a storage gateway's allowed_domains decide who may use its collections", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());

  test("a collection behind a university-only gateway refuses globusid.org identities", async () => {
    await using app = emulatorUserApp(emulator, "memory", "gcs-domains");
    const gcs = new GCSClient(emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!, { app });
    const gateway = await gcs.createStorageGateway(
      new StorageGatewayDocument({
        displayName: "University only",
        connectorId: ConnectorTable.POSIX.connectorId,
        allowedDomains: ["university.example.edu"],
      }),
    );
    const collection = await gcs.createCollection(
      new MappedCollectionDocument({
        storageGatewayId: gateway.id,
        collectionBasePath: "/",
        displayName: "University Data",
      }),
    );
    const dataAccess = gcsCollectionScopeSet(collection.id).scopes.data_access;
    const transferAs = async (identityId: string) => {
      const tokens = await userTokens(emulator, [`${TransferScopes.all}[${dataAccess}]`], {
        identityId,
      });
      return new TransferClient({
        authorizer: new StaticBearerAuthorizer(tokens.get(TransferScopes.resourceServer)!),
        baseUrl: emulator.urls.transfer,
      });
    };
    const bob = await transferAs(BOB_IDENTITY_ID);
    const refused = await bob.operationLs(collection.id).catch((e: unknown) => e);
    assert.ok(refused instanceof GlobusAPIError);
    assert.equal(refused.httpStatus, 403);
    assert.equal(refused.code, "PermissionDenied");
    assert.match(refused.message, /globusid\.org/);

    // the gateway now allows globusid.org too: its collection follows at once
    await gcs.updateStorageGateway(
      gateway.id,
      new StorageGatewayDocument({ allowedDomains: ["university.example.edu", "globusid.org"] }),
    );
    const listing = await bob.operationLs(collection.id, { path: "/home/" });
    assert.ok(listing.DATA.some((entry) => entry.name === "bob"));
    const alice = await transferAs(ALICE_IDENTITY_ID);
    assert.equal((await alice.operationLs(collection.id)).endpoint, collection.id);
  });
});
