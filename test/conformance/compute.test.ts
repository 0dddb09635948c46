/**
 * The official `@globus/sdk` drives the Compute emulator at its own origin: every Compute
 * operation the JavaScript SDK has (`compute.endpoints.*`). Each answer must fit the SDK's
 * OpenAPI types for it; where Globus's recorded responses (the Python SDK's test data)
 * leave out a field the spec declares, the emulator follows the recording, and the
 * allowance below says so.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { compute } from "@globus/sdk";
import { ComputeScopes } from "../../src/scopes/index.ts";
import { DEMO_COMPUTE_ENDPOINT_ID, type RunningEmulator } from "../../src/testing/index.ts";
import {
  type Allowances,
  conformanceEmulator,
  expectConforming,
  tokenFor,
  withToken,
} from "./helpers.ts";
import { TypeFacts } from "./type-facts.ts";

const facts = new TypeFacts(
  { sdk: "index" },
  {
    getAll: "JsonOf<typeof sdk.compute.endpoints.getAll>",
    get: "JsonOf<typeof sdk.compute.endpoints.get>",
    getStatus: "JsonOf<typeof sdk.compute.endpoints.getStatus>",
    update: "JsonOf<typeof sdk.compute.endpoints.update>",
    remove: "JsonOf<typeof sdk.compute.endpoints.remove>",
  },
);

const NEW_ENDPOINT_ID = "77777777-1111-4777-8777-000000000001";
const REMOVED_ENDPOINT_ID = "77777777-1111-4777-8777-000000000002";

const RECORDED_ENDPOINT =
  "the endpoint document Globus recorded (testing/data/compute/v2/get_endpoint.py) has no such field";

/** What `get_endpoint`'s recording leaves out of the spec's `Endpoint`. */
const endpointAllowances: Allowances = {
  mismatches: {
    "$.high_assurance": RECORDED_ENDPOINT,
    "$.subscription_admin_verified": RECORDED_ENDPOINT,
  },
  absent: {
    high_assurance: RECORDED_ENDPOINT,
    subscription_admin_verified: RECORDED_ENDPOINT,
    python_version: RECORDED_ENDPOINT,
    config: `${RECORDED_ENDPOINT} (and the spec marks it deprecated)`,
  },
};

const RECORDED_REGISTRATION =
  "the registration answer Globus recorded (testing/data/compute/v3/update_endpoint.py) has no such field";

/** What `update_endpoint`'s recording leaves out of the spec's `EndpointRegisterResponse`. */
const registrationAllowances: Allowances = {
  mismatches: {
    "$.heartbeat_queue_info": RECORDED_REGISTRATION,
    "$.result_queue_info.queue_publish_kwargs.exchange": `${RECORDED_REGISTRATION}: queue_publish_kwargs is recorded as {}`,
    "$.result_queue_info.queue_publish_kwargs.routing_key": `${RECORDED_REGISTRATION}: queue_publish_kwargs is recorded as {}`,
    "$.result_queue_info.queue_publish_kwargs.mandatory": `${RECORDED_REGISTRATION}: queue_publish_kwargs is recorded as {}`,
    "$.result_queue_info.queue_publish_kwargs.properties": `${RECORDED_REGISTRATION}: queue_publish_kwargs is recorded as {}`,
  },
};

describe("conformance: Compute through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let token: string;
  before(async () => {
    emulator = await conformanceEmulator();
    token = await tokenFor(emulator, ComputeScopes.resourceServer, [String(ComputeScopes.all)]);
  });
  after(() => emulator.stop());

  it("compute.endpoints.getAll lists the caller's endpoints, and public ones with role=any", async () => {
    const mine = (await expectConforming(
      facts,
      "getAll",
      await compute.endpoints.getAll(withToken(token, { query: {} })),
    )) as unknown as Array<{ uuid: string }>;
    assert.deepEqual(
      mine.map((entry) => entry.uuid),
      [DEMO_COMPUTE_ENDPOINT_ID],
    );
    const any = (await expectConforming(
      facts,
      "getAll",
      await compute.endpoints.getAll(withToken(token, { query: { role: "any" as const } })),
    )) as unknown as Array<{ uuid: string }>;
    assert.ok(any.length > mine.length, "role=any adds the public endpoints");
  });

  it("compute.endpoints.get reads an endpoint", async () => {
    const body = await expectConforming(
      facts,
      "get",
      await compute.endpoints.get(DEMO_COMPUTE_ENDPOINT_ID, withToken(token)),
      endpointAllowances,
    );
    assert.equal(body.uuid, DEMO_COMPUTE_ENDPOINT_ID);
  });

  it("compute.endpoints.update changes an endpoint, and registers a new id", async () => {
    const changed = await expectConforming(
      facts,
      "update",
      await compute.endpoints.update(
        DEMO_COMPUTE_ENDPOINT_ID,
        withToken(token, { payload: { display_name: "Renamed by @globus/sdk" } }),
      ),
      registrationAllowances,
    );
    assert.equal(changed.endpoint_id, DEMO_COMPUTE_ENDPOINT_ID);
    const renamed = await expectConforming(
      facts,
      "get",
      await compute.endpoints.get(DEMO_COMPUTE_ENDPOINT_ID, withToken(token)),
      endpointAllowances,
    );
    assert.equal(renamed.display_name, "Renamed by @globus/sdk");

    const created = await expectConforming(
      facts,
      "update",
      await compute.endpoints.update(
        NEW_ENDPOINT_ID,
        withToken(token, { payload: { endpoint_name: "from-js-sdk", metadata: {} } }),
      ),
      registrationAllowances,
    );
    assert.equal(created.endpoint_id, NEW_ENDPOINT_ID);
  });

  it("compute.endpoints.remove deletes an endpoint", async () => {
    await compute.endpoints.update(
      REMOVED_ENDPOINT_ID,
      withToken(token, { payload: { endpoint_name: "to-remove", metadata: {} } }),
    );
    const body = await expectConforming(
      facts,
      "remove",
      await compute.endpoints.remove(REMOVED_ENDPOINT_ID, withToken(token)),
    );
    assert.equal(body.result, 302);
    const gone = await compute.endpoints.get(REMOVED_ENDPOINT_ID, withToken(token));
    assert.equal(gone.status, 404);
  });

  it("compute.endpoints.getStatus reads an endpoint's status", async () => {
    const body = await expectConforming(
      facts,
      "getStatus",
      await compute.endpoints.getStatus(DEMO_COMPUTE_ENDPOINT_ID, withToken(token)),
    );
    assert.equal(body.status, "online");
  });
});
