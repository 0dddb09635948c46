/**
 * Flows scenarios end to end, through the SDK and apps that log in as Alice and Bob:
 * a run that goes INACTIVE on a missing consent and completes after `resumeRun`, and a
 * run that waits on a web input until Bob answers it through `respondToWebInput`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  FlowsAPIError,
  FlowsClient,
  runInactiveReason,
  SpecificFlowClient,
  type UserApp,
} from "../../src/index.ts";
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  DEMO_TRANSFER_FLOW_ID,
  FLOW_RUN_SECONDS,
  type RunningEmulator,
  startEmulator,
  WEB_INPUT_ACTION_URL,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";

const S = FlowsClient.scopes;
const SCOPES = [
  S.view_flows,
  S.manage_flows,
  S.run_status,
  S.run_manage,
  S.web_input_view,
  S.web_input_respond,
];

let emulator: RunningEmulator;
let alice: UserApp;
let bob: UserApp;
before(async () => {
  emulator = await startEmulator();
  alice = emulatorUserApp(emulator, "memory", "scenario-alice", ALICE_IDENTITY_ID);
  bob = emulatorUserApp(emulator, "memory", "scenario-bob", BOB_IDENTITY_ID);
});
after(async () => {
  await alice.close();
  await bob.close();
  await emulator.stop();
});

const flowsAs = (app: UserApp) =>
  new FlowsClient({ app, appScopes: SCOPES, baseUrl: emulator.urls.flows });

describe("Flows scenarios", () => {
  test("a run goes INACTIVE on a missing data_access consent and completes after resumeRun", async () => {
    const flows = flowsAs(alice);
    const transferFlow = new SpecificFlowClient(DEMO_TRANSFER_FLOW_ID, {
      app: alice,
      baseUrl: emulator.urls.flows,
    });
    // the high-assurance collection needs a data_access consent beneath the flow's scope
    const started = await transferFlow.runFlow(
      { source: DEMO_HIGH_ASSURANCE_COLLECTION_ID, dest: DEMO_COLLECTION_ID },
      { label: "needs consent" },
    );
    assert.equal(started.status, "ACTIVE");

    const inactive = await flows.getRun(started.run_id);
    assert.equal(inactive.status, "INACTIVE");
    assert.equal(inactive.details?.code, "ConsentRequired");
    assert.equal(inactive.details?.state_name, "Transfer");
    const gare = runInactiveReason(inactive);
    assert.ok(gare, "the INACTIVE run's details hold a GARE");
    const flowScope = specificFlowScopeSet(DEMO_TRANSFER_FLOW_ID).scopes.user;
    const dataAccess = `https://auth.globus.org/scopes/${DEMO_HIGH_ASSURANCE_COLLECTION_ID}/data_access`;
    assert.deepEqual(gare.authorization_parameters.required_scopes, [
      `${flowScope}[${KNOWN_SCOPES.transfer.scopes.all}[*${dataAccess}]]`,
    ]);
    // time does not help: the run waits for the consent
    emulator.controls.advanceClock(FLOW_RUN_SECONDS * 10);
    assert.equal((await flows.getRun(started.run_id)).status, "INACTIVE");

    // resuming with the same consents changes nothing
    const stillInactive = await transferFlow.resumeRun(started.run_id);
    assert.equal(stillInactive.status, "INACTIVE");

    // consent to what the GARE names, then resume with the new token
    await alice.login({ authParams: gare.authorization_parameters });
    const resumed = await transferFlow.resumeRun(started.run_id);
    assert.equal(resumed.status, "ACTIVE");
    assert.equal(runInactiveReason(resumed), null);
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    const done = await flows.getRun(started.run_id);
    assert.equal(done.status, "SUCCEEDED");
    assert.equal(typeof done.completion_time, "string");
    const codes = (await flows.getRunLogs(started.run_id).toArray()).map((entry) => entry.code);
    assert.deepEqual(codes, ["FlowStarted", "ActionStarted", "ActionCompleted", "FlowSucceeded"]);

    // the consent is kept: a second run on the same collection goes straight through
    const second = await transferFlow.runFlow({
      source: DEMO_HIGH_ASSURANCE_COLLECTION_ID,
      dest: DEMO_COLLECTION_ID,
    });
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    assert.equal((await flows.getRun(second.run_id)).status, "SUCCEEDED");
  });

  test("a run waits on a web input until a respondent answers it through respondToWebInput", async () => {
    const aliceFlows = flowsAs(alice);
    const bobFlows = flowsAs(bob);
    const bobUrn = `urn:globus:auth:identity:${BOB_IDENTITY_ID}`;
    const aliceUrn = `urn:globus:auth:identity:${ALICE_IDENTITY_ID}`;
    const flow = await aliceFlows.createFlow({
      title: "Deploy after approval",
      definition: {
        StartAt: "Approve",
        States: {
          Approve: {
            Type: "Action",
            ActionUrl: WEB_INPUT_ACTION_URL,
            Parameters: {
              title: "Approve deployment to production?",
              "text.$": "$.summary",
              options: [
                { label: "Approve", description: "Deploy the build." },
                { label: "Reject", description: "Stop here." },
              ],
              respondent_urns: [bobUrn],
              viewer_urns: [aliceUrn],
            },
            ResultPath: "$.approval",
            Next: "Decide",
          },
          Decide: {
            Type: "Choice",
            Choices: [{ Variable: "$.approval.label", StringEquals: "Approve", Next: "Deploy" }],
            Default: "Rejected",
          },
          Deploy: { Type: "Pass", End: true },
          Rejected: { Type: "Fail", Error: "Rejected", Cause: "Not approved" },
        },
      },
    });
    const run = await new SpecificFlowClient(flow.id, {
      app: alice,
      baseUrl: emulator.urls.flows,
    }).runFlow({ summary: "Build 2.4.1 passed all tests." }, { label: "nightly" });

    // however long it waits, the run stays ACTIVE on its web input
    emulator.controls.advanceClock(FLOW_RUN_SECONDS * 10);
    assert.equal((await aliceFlows.getRun(run.run_id)).status, "ACTIVE");

    // Alice views it but may not answer; Bob is its respondent
    const [seenByAlice] = await aliceFlows.listWebInputs({ filterRunIds: run.run_id }).toArray();
    assert.ok(seenByAlice);
    assert.deepEqual(seenByAlice.user_roles, ["viewer"]);
    assert.deepEqual(seenByAlice.run, { id: run.run_id, label: "nightly" });
    const webInput = await bobFlows.getWebInput(seenByAlice.id);
    assert.deepEqual(webInput.user_roles, ["viewer", "respondent"]);
    assert.equal(webInput.context.text, "Build 2.4.1 passed all tests.");
    const approve = webInput.options?.find((option) => option.label === "Approve");
    assert.ok(approve);
    await assert.rejects(
      aliceFlows.respondToWebInput(webInput.id, approve.option_id),
      (error: unknown) => {
        assert.ok(error instanceof FlowsAPIError);
        assert.equal(error.httpStatus, 403);
        return true;
      },
    );

    assert.deepEqual(await bobFlows.respondToWebInput(webInput.id, approve.option_id), {
      status: "ok",
    });
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    const done = await aliceFlows.getRun(run.run_id);
    assert.equal(done.status, "SUCCEEDED");
    const output = done.details?.output as { approval: { label: string; value: string } };
    assert.deepEqual(output.approval.label, "Approve");
    assert.equal(output.approval.value, approve.option_id);
    const states = (await aliceFlows.getRunLogs(run.run_id).toArray())
      .map((entry) => (entry.details as { state_name?: string } | undefined)?.state_name)
      .filter(Boolean);
    assert.ok(states.includes("Deploy") && !states.includes("Rejected"), String(states));

    // the answered web input is closed: no longer listed by default, listed as closed
    assert.equal(
      (await aliceFlows.listWebInputs({ filterRunIds: run.run_id }).toArray()).length,
      0,
    );
    const [closed] = await aliceFlows
      .listWebInputs({ filterRunIds: run.run_id, filterStates: "closed" })
      .toArray();
    assert.equal(closed?.status, "closed");
    assert.equal(typeof closed?.closed_timestamp, "string");
  });
});
