// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Flows emulator's answers where they used to differ from what Globus recorded
 * (the Python SDK 4.9's `testing/data/flows/`): each test names the recording it follows.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_FLOW_ID,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { call, userLogin } from "./helpers.ts";

const FLOWS = KNOWN_SCOPES.flows;
const SCOPES = [
  FLOWS.scopes.view_flows,
  FLOWS.scopes.manage_flows,
  FLOWS.scopes.run_status,
  FLOWS.scopes.run_manage,
].join(" ");
const DEFINITION = { StartAt: "A", States: { A: { Type: "Pass", End: true } } };
const BOB_URN = `urn:globus:auth:identity:${BOB_IDENTITY_ID}`;
const GROUP_URN = "urn:globus:groups:id:c1dcd951-3f35-4ea3-9f28-a7cdeaf8b68f";

describe("flows emulator fidelity", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let aliceRun: string;

  before(async () => {
    emulator = await startEmulator();
    base = emulator.urls.flows!;
    const tokens = await userLogin(
      emulator,
      ALICE_IDENTITY_ID,
      `${SCOPES} ${specificFlowScopeSet(DEMO_FLOW_ID).scopes.user}`,
    );
    alice = tokens.byResourceServer.get(FLOWS.resourceServer)!;
    aliceRun = tokens.byResourceServer.get(DEMO_FLOW_ID)!;
  });
  after(() => emulator.stop());

  const create = (extra: Record<string, unknown>) =>
    call(`${base}flows`, alice, {
      method: "POST",
      body: { title: "Principals", definition: DEFINITION, input_schema: {}, ...extra },
    });

  it("refuses a bare UUID in every role list with 422 'Unrecognized principal string' (create_flow.py)", async () => {
    for (const field of [
      "flow_administrators",
      "flow_viewers",
      "flow_starters",
      "run_managers",
      "run_monitors",
    ]) {
      const refused = await create({ [field]: [BOB_URN, BOB_IDENTITY_ID] });
      assert.equal(refused.status, 422, field);
      assert.equal(refused.body.error.code, "UNPROCESSABLE_ENTITY");
      const [problem, ...others] = refused.body.error.detail;
      assert.equal(others.length, 0, "only the bare id is wrong");
      assert.deepEqual(problem.loc, [field, 1]);
      assert.equal(problem.type, "value_error");
      assert.match(problem.msg, new RegExp(`^Unrecognized principal string: "${BOB_IDENTITY_ID}"`));
      assert.match(problem.msg, /\[<AuthGroupUrn>, <AuthIdentityUrn>/);
    }
    // the recorded error names the role Flows' way
    const admin = await create({ flow_administrators: [BOB_IDENTITY_ID] });
    assert.match(admin.body.error.detail[0].msg, /in role "FlowAdministrator"/);

    // URNs, and each list's own special value, are accepted
    const accepted = await create({
      flow_viewers: ["public", GROUP_URN],
      flow_starters: ["all_authenticated_users", BOB_URN],
      flow_administrators: [BOB_URN],
      run_managers: [GROUP_URN],
      run_monitors: [BOB_URN],
    });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.deepEqual(accepted.body.flow_viewers, ["public", GROUP_URN]);
    // but not another list's special value
    const misplaced = await create({ flow_administrators: ["public"] });
    assert.equal(misplaced.status, 422);

    const update = await call(`${base}flows/${accepted.body.id}`, alice, {
      method: "PUT",
      body: { run_monitors: [BOB_IDENTITY_ID] },
    });
    assert.equal(update.status, 422);
    assert.deepEqual(update.body.error.detail[0].loc, ["run_monitors", 0]);
    const run = await call(`${base}flows/${DEMO_FLOW_ID}/run`, aliceRun, {
      method: "POST",
      body: { body: {}, run_managers: [BOB_IDENTITY_ID] },
    });
    assert.equal(run.status, 422, "a run's own role lists take URNs only as well");
  });

  it("answers delete_flow with the flow document marked DELETED and dated (delete_flow.py)", async () => {
    const flow = (await create({})).body;
    const deleted = await call(`${base}flows/${flow.id}`, alice, { method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, flow.id);
    assert.equal(deleted.body.DELETED, true);
    assert.ok(!Number.isNaN(Date.parse(deleted.body.deleted_at)), deleted.body.deleted_at);
    assert.equal(deleted.body.title, "Principals");
    // the recorded document has neither the URLs nor the run role lists
    for (const key of ["flow_url", "action_url", "run_managers", "run_monitors", "deleted"]) {
      assert.equal(key in deleted.body, false, key);
    }
    assert.equal((await call(`${base}flows/${flow.id}`, alice)).status, 404);
  });

  it("puts visible_to, runnable_by and administered_by on every flow document (_common.py)", async () => {
    const created = (await create({ flow_viewers: ["public"] })).body;
    const fetched = (await call(`${base}flows/${DEMO_FLOW_ID}`, alice)).body;
    const listed = (await call(`${base}flows`, alice)).body.flows[0];
    for (const doc of [created, fetched, listed]) {
      for (const key of ["visible_to", "runnable_by", "administered_by"]) {
        assert.deepEqual(doc[key], [], `${key} of ${doc.id}`);
      }
    }
    // no subscription_id until one is set (update_flow.py sets one)
    assert.equal("subscription_id" in created, false);
    const subscription = "00000000-3ba7-456e-9df7-fc40028f3331";
    const updated = await call(`${base}flows/${created.id}`, alice, {
      method: "PUT",
      body: { subscription_id: subscription },
    });
    assert.equal(updated.body.subscription_id, subscription);
  });

  it("puts search on run documents and time on a cancel's details (_common.py, cancel_run.py)", async () => {
    const started = await call(`${base}flows/${DEMO_FLOW_ID}/run`, aliceRun, {
      method: "POST",
      body: { body: { message: "hi" } },
    });
    assert.equal(started.status, 201);
    assert.equal(typeof started.body.search.task_id, "string");
    assert.equal(started.body.details.code, "FlowStarting");
    const fetched = await call(`${base}runs/${started.body.run_id}`, alice);
    assert.equal(fetched.body.search.task_id, started.body.search.task_id);

    const canceled = await call(`${base}runs/${started.body.run_id}/cancel`, alice, {
      method: "POST",
    });
    assert.equal(canceled.status, 200);
    assert.equal(canceled.body.status, "FAILED");
    const { details } = canceled.body;
    assert.deepEqual(Object.keys(details).sort(), ["code", "description", "details", "time"]);
    assert.equal(details.code, "FlowCanceled");
    assert.ok(!Number.isNaN(Date.parse(details.time)), details.time);
  });

  it("carries error.message on a validation 422 (validate_flow.py)", async () => {
    const invalid = {
      StartAt: "Step1",
      States: {
        Step1: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer" },
      },
    };
    const refused = await call(`${base}flows/validate`, alice, {
      method: "POST",
      body: { definition: invalid },
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.code, "UNPROCESSABLE_ENTITY");
    assert.equal(
      refused.body.error.message,
      '1 validation error in body. $.definition.States.Step1: A state of type \'Action\' must be defined as either terminal ("End": true) or transitional ("Next": "NextStateId")',
    );
    assert.equal(typeof refused.body.debug_id, "string");
    const twoProblems = await create({ title: 42, flow_starters: ["nobody"] });
    assert.match(
      twoProblems.body.error.message,
      /^2 validation errors in body\. \$\.title: .*; \$\.flow_starters\[0\]: /,
    );
  });
});
