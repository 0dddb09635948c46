/**
 * The official `@globus/sdk` drives the Flows emulator at its own origin: every Flows
 * operation the JavaScript SDK has and the emulator serves. Each answer must fit the
 * SDK's OpenAPI types for it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { flows } from "@globus/sdk";
import { FlowsScopes, SpecificFlowScopes } from "../../src/scopes/index.ts";
import { DEMO_FLOW_ID, type RunningEmulator } from "../../src/testing/index.ts";
import { conformanceEmulator, expectConforming, tokenFor, withToken } from "./helpers.ts";
import { TypeFacts } from "./type-facts.ts";

const facts = new TypeFacts(
  { sdk: "index" },
  {
    listFlows: "JsonOf<typeof sdk.flows.flows.getAll>",
    getFlow: "JsonOf<typeof sdk.flows.flows.get>",
    createFlow: "JsonOf<typeof sdk.flows.flows.create>",
    runFlow: "JsonOf<typeof sdk.flows.flows.run>",
    listRuns: "JsonOf<typeof sdk.flows.runs.getAll>",
    getRun: "JsonOf<typeof sdk.flows.runs.get>",
  },
);

describe("conformance: Flows through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let token: string;
  before(async () => {
    emulator = await conformanceEmulator();
    token = await tokenFor(emulator, FlowsScopes.resourceServer, [
      String(FlowsScopes.manage_flows),
      String(FlowsScopes.view_flows),
      String(FlowsScopes.run_status),
    ]);
  });
  after(() => emulator.stop());

  it("flows.flows.getAll lists flows", async () => {
    const body = await expectConforming(
      facts,
      "listFlows",
      await flows.flows.getAll(withToken(token)),
    );
    assert.ok(Array.isArray(body.flows));
  });

  it("flows.flows.get reads one flow", async () => {
    const body = await expectConforming(
      facts,
      "getFlow",
      await flows.flows.get(DEMO_FLOW_ID, withToken(token)),
    );
    assert.equal(body.id, DEMO_FLOW_ID);
  });
});
