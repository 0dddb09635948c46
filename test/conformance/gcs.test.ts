/**
 * The official `@globus/sdk` drives the GCS emulator at the endpoint's own origin (the
 * `{ host, endpoint_id }` configuration its `gcs.*` methods take): every GCS Manager
 * operation the JavaScript SDK has and the emulator serves. Each answer must fit the SDK's
 * OpenAPI types for it.
 *
 * Not driven, because the emulator does not serve them (the Python SDK has no method for
 * them, so there are no wire facts to emulate them from): the PUT forms
 * (`endpoint.update`, `collections.update`, `storageGateways.update`,
 * `userCredentials.update`), the endpoint's owner, owner string and subscription
 * (`endpoint.updateOwner*`, `resetOwnerString`, `updateSubscriptionId`), collection owner
 * strings, `nodes.*` and `https.*` (which need a real GCS node and its HTTPS server).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gcs } from "@globus/sdk";
import { gcsEndpointScopeSet } from "../../src/scopes/known.ts";
import {
  DEMO_COLLECTION_ID,
  DEMO_GCS_ENDPOINT_ID,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import {
  type Allowances,
  conformanceEmulator,
  expectConforming,
  tokenFor,
  withToken,
} from "./helpers.ts";
import { TypeFacts } from "./type-facts.ts";

const operations = {
  info: "versioning.info",
  getEndpoint: "endpoint.get",
  patchEndpoint: "endpoint.patch",
  listCollections: "collections.getAll",
  getCollection: "collections.get",
  createCollection: "collections.create",
  patchCollection: "collections.patch",
  removeCollection: "collections.remove",
  listStorageGateways: "storageGateways.getAll",
  getStorageGateway: "storageGateways.get",
  createStorageGateway: "storageGateways.create",
  patchStorageGateway: "storageGateways.patch",
  removeStorageGateway: "storageGateways.remove",
  listRoles: "roles.getAll",
  getRole: "roles.get",
  createRole: "roles.create",
  removeRole: "roles.remove",
  listUserCredentials: "userCredentials.getAll",
  getUserCredential: "userCredentials.get",
  createUserCredential: "userCredentials.create",
  patchUserCredential: "userCredentials.patch",
  removeUserCredential: "userCredentials.remove",
} as const;

const facts = new TypeFacts(
  { sdk: "index", api: "open-api/types/gcs/v5.4" },
  {
    ...Object.fromEntries(
      Object.entries(operations).map(([name, method]) => [
        name,
        `JsonOf<typeof sdk.gcs.${method}>`,
      ]),
    ),
    // @globus/sdk 6.2.0 types userCredentials.get with getCollection's answer: the spec's own
    getUserCredential: `api.operations["getUserCredential"]["responses"]["200"]["content"]["application/json"]`,
  },
);

/** The envelope keys GCS sends only in some answers (`Result` declares them optional). */
const ENVELOPE: Allowances = {
  absent: {
    marker: "sent only when another page follows",
    message: "GCS sends a message only with some operations (the recorded listings have none)",
  },
};

/** `Result_1_1_0` (the info answer's envelope) adds an optional key for GAREs. */
const INFO: Allowances = {
  absent: {
    ...ENVELOPE.absent,
    authorization_parameters: "only in authorization errors",
  },
};

/**
 * The seeded gateways' policies carry the `DATA_TYPE` of the Python SDK's recorded
 * responses (`posix_storage_gateway#1.0.0`), which the OpenAPI spec does not know (it says
 * `posix_storage_policies#1.0.0`): the recording is what the real service sent.
 */
const RECORDED_POLICIES: Allowances = {
  ...ENVELOPE,
  mismatches: {
    "$.data[].policies.DATA_TYPE": "the recorded responses name it posix_storage_gateway#1.0.0",
  },
};

const POSIX = "145812c8-decc-41f1-83cf-bb2a85a2a70b";

/** An answer that must fit its operation's type, with the envelope's usual allowances. */
function check(name: keyof typeof operations, response: Response, allowances = ENVELOPE) {
  return expectConforming(facts, name, response, allowances);
}

describe("conformance: GCS through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let token: string;
  let config: { host: string; endpoint_id: string };
  const auth = () => withToken(token);
  before(async () => {
    emulator = await conformanceEmulator();
    const scopes = gcsEndpointScopeSet(DEMO_GCS_ENDPOINT_ID);
    token = await tokenFor(emulator, scopes.resourceServer, [scopes.scopes.manage_collections]);
    config = {
      host: emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!,
      endpoint_id: DEMO_GCS_ENDPOINT_ID,
    };
    assert.ok(!config.host.includes("/gcs/"), "the endpoint has an origin of its own");
  });
  after(() => emulator.stop());

  it("versioning.info answers without a token, naming the endpoint's client id", async () => {
    const body = await check("info", await gcs.versioning.info(config), INFO);
    const data = body.data as Array<Record<string, unknown>>;
    assert.equal(
      data.find((doc) => String(doc.DATA_TYPE).startsWith("info#"))?.client_id,
      DEMO_GCS_ENDPOINT_ID,
    );
    assert.ok(data.some((doc) => String(doc.DATA_TYPE).startsWith("connector#")));
  });

  it("endpoint.get and endpoint.patch", async () => {
    const got = await check("getEndpoint", await gcs.endpoint.get(config, auth()));
    assert.equal((got.data as Array<{ id: string }>)[0]?.id, DEMO_GCS_ENDPOINT_ID);
    const patched = await check(
      "patchEndpoint",
      await gcs.endpoint.patch(config, {
        ...auth(),
        query: { include: ["endpoint"] },
        payload: { DATA_TYPE: "endpoint#1.2.0", description: "from @globus/sdk" },
      }),
    );
    assert.equal(
      (patched.data as Array<{ description?: string }>)[0]?.description,
      "from @globus/sdk",
    );
  });

  it("collections: getAll, get, create, patch, remove", async () => {
    const list = await check(
      "listCollections",
      await gcs.collections.getAll(config, {
        ...auth(),
        query: { filter: ["mapped_collections"] },
      }),
    );
    assert.ok((list.data as Array<{ id: string }>).some((c) => c.id === DEMO_COLLECTION_ID));
    const one = await check(
      "getCollection",
      await gcs.collections.get(config, DEMO_COLLECTION_ID, auth()),
    );
    const gatewayId = (one.data as Array<{ storage_gateway_id: string }>)[0]!.storage_gateway_id;
    const created = await check(
      "createCollection",
      await gcs.collections.create(config, {
        ...auth(),
        payload: {
          DATA_TYPE: "collection#1.0.0",
          collection_type: "mapped",
          display_name: "Made by @globus/sdk",
          storage_gateway_id: gatewayId,
          collection_base_path: "/shared",
          public: true,
        },
      }),
    );
    const id = (created.data as Array<{ id: string }>)[0]!.id;
    const patched = await check(
      "patchCollection",
      await gcs.collections.patch(config, id, {
        ...auth(),
        payload: { DATA_TYPE: "collection#1.0.0", display_name: "Renamed by @globus/sdk" },
      }),
    );
    assert.equal(
      (patched.data as Array<{ display_name: string }>)[0]?.display_name,
      "Renamed by @globus/sdk",
    );
    await check("removeCollection", await gcs.collections.remove(config, id, auth()));
    assert.equal((await gcs.collections.get(config, id, auth())).status, 404);
  });

  it("storageGateways: getAll, get, create, patch, remove", async () => {
    await check(
      "listStorageGateways",
      await gcs.storageGateways.getAll(config, auth()),
      RECORDED_POLICIES,
    );
    const created = await check(
      "createStorageGateway",
      await gcs.storageGateways.create(config, {
        ...auth(),
        payload: {
          DATA_TYPE: "storage_gateway#1.0.0",
          display_name: "Made by @globus/sdk",
          connector_id: POSIX,
          allowed_domains: ["globusid.org"],
          policies: { DATA_TYPE: "posix_storage_policies#1.0.0", groups_allow: ["globus"] },
        },
      }),
    );
    const id = (created.data as Array<{ id: string }>)[0]!.id;
    await check("getStorageGateway", await gcs.storageGateways.get(config, id, auth()));
    const patched = await check(
      "patchStorageGateway",
      await gcs.storageGateways.patch(config, id, {
        ...auth(),
        payload: { DATA_TYPE: "storage_gateway#1.0.0", allowed_domains: ["example.edu"] },
      }),
    );
    assert.deepEqual((patched.data as Array<{ allowed_domains: string[] }>)[0]?.allowed_domains, [
      "example.edu",
    ]);
    await check("removeStorageGateway", await gcs.storageGateways.remove(config, id, auth()));
  });

  it("roles: getAll, get, create, remove", async () => {
    const list = await check(
      "listRoles",
      await gcs.roles.getAll(config, { ...auth(), query: { include: ["all_roles"] } }),
    );
    const owner = (list.data as Array<{ id: string; role: string }>).find(
      (r) => r.role === "owner",
    );
    assert.ok(owner, "the endpoint's owner role");
    await check("getRole", await gcs.roles.get(config, owner.id, auth()));
    const created = await check(
      "createRole",
      await gcs.roles.create(config, {
        ...auth(),
        payload: {
          DATA_TYPE: "role#1.0.0",
          collection: DEMO_COLLECTION_ID,
          principal: "urn:globus:groups:id:77777777-1111-4777-8777-777777777777",
          role: "access_manager",
        },
      }),
    );
    const id = (created.data as Array<{ id: string }>)[0]!.id;
    await check("removeRole", await gcs.roles.remove(config, id, auth()));
  });

  it("userCredentials: getAll, get, create, patch, remove", async () => {
    const gateways = (await (await gcs.storageGateways.getAll(config, auth())).json()) as {
      data: Array<{ id: string }>;
    };
    const created = await check(
      "createUserCredential",
      await gcs.userCredentials.create(config, {
        ...auth(),
        payload: {
          DATA_TYPE: "user_credential#1.0.0",
          storage_gateway_id: gateways.data[0]!.id,
          display_name: "made by @globus/sdk",
        },
      }),
    );
    const id = (created.data as Array<{ id: string }>)[0]!.id;
    await check("listUserCredentials", await gcs.userCredentials.getAll(config, auth()));
    await check("getUserCredential", await gcs.userCredentials.get(config, id, auth()));
    await check(
      "patchUserCredential",
      await gcs.userCredentials.patch(config, id, {
        ...auth(),
        payload: { DATA_TYPE: "user_credential#1.0.0", display_name: "renamed" },
      }),
    );
    await check("removeUserCredential", await gcs.userCredentials.remove(config, id, auth()));
  });
});
