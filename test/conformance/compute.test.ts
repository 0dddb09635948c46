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
  },
);

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

  it("compute.endpoints.getStatus reads an endpoint's status", async () => {
    const body = await expectConforming(
      facts,
      "getStatus",
      await compute.endpoints.getStatus(DEMO_COMPUTE_ENDPOINT_ID, withToken(token)),
    );
    assert.equal(body.status, "online");
  });
});
