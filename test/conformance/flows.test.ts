/**
 * The official `@globus/sdk` drives the Flows emulator at its own origin: every Flows
 * operation the JavaScript SDK 6.2.0 has (`flows.flows.*`, `flows.runs.*`) and the emulator
 * serves. Each answer must fit the SDK's OpenAPI types for it.
 *
 * Where Globus's recorded responses (the Python SDK 4.9's `testing/data/flows/`) and the
 * OpenAPI types disagree, the emulator follows the recordings, and the allowances below
 * say so field by field. Not covered, because 6.2.0 has no such operation: web inputs,
 * registered APIs, resuming and validating runs (see `test/wire/facts/flows.ts`).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { flows } from "@globus/sdk";
import { FlowsScopes, SpecificFlowScopes } from "../../src/scopes/index.ts";
import {
  DEMO_FLOW_ID,
  DEMO_SHARED_FLOW_ID,
  FLOW_RUN_SECONDS,
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

const facts = new TypeFacts(
  { sdk: "index" },
  {
    listFlows: "JsonOf<typeof sdk.flows.flows.getAll>",
    getFlow: "JsonOf<typeof sdk.flows.flows.get>",
    createFlow: "JsonOf<typeof sdk.flows.flows.create>",
    updateFlow: "JsonOf<typeof sdk.flows.flows.update>",
    removeFlow: "JsonOf<typeof sdk.flows.flows.remove>",
    validateFlow: "JsonOf<typeof sdk.flows.flows.validate>",
    runFlow: "JsonOf<typeof sdk.flows.flows.run>",
    listRuns: "JsonOf<typeof sdk.flows.runs.getAll>",
    getRun: "JsonOf<typeof sdk.flows.runs.get>",
    updateRun: "JsonOf<typeof sdk.flows.runs.update>",
    cancelRun: "JsonOf<typeof sdk.flows.runs.cancel>",
    getRunLog: "JsonOf<typeof sdk.flows.runs.getLog>",
    getRunDefinition: "JsonOf<typeof sdk.flows.runs.getDefinition>",
    removeRun: "JsonOf<typeof sdk.flows.runs.remove>",
  },
);

const RECORDED = "in the flow document Globus recorded (_common.py TWO_HOP_TRANSFER_FLOW_DOC)";

/** A flow document: the recorded keys the `FlowResponse` type lacks, and its optional keys no recording has. */
const flowAllowances: Allowances = {
  undeclared: {
    visible_to: `legacy role list, sent empty ${RECORDED}`,
    runnable_by: `legacy role list, sent empty ${RECORDED}`,
    administered_by: `legacy role list, sent empty ${RECORDED}`,
    run_managers: `the flow's run managers ${RECORDED}`,
    run_monitors: `the flow's run monitors ${RECORDED}`,
    created_by: RECORDED,
    action_url: RECORDED,
  },
  absent: {
    globus_auth_scopes_by_RunAs: "in no recorded flow document; the emulator does not model RunAs",
    is_high_assurance: "in no recorded flow document; the emulator has no high-assurance flows",
    subscription_id: "recorded only once set (update_flow.py); this flow has none",
  },
};

/** A run document: the recorded keys the `FlowRun` type lacks. */
const runUndeclared = {
  flow_title: "in every recorded run (_common.py RUN, TWO_HOP_TRANSFER_RUN)",
  created_by: "in the recorded run of get and list (_common.py RUN)",
  manage_by: "legacy name of run_managers in the recorded run (_common.py RUN)",
  monitor_by: "legacy name of run_monitors in the recorded run (_common.py RUN)",
  search: "the run's Search ingest task in the recorded run (_common.py TWO_HOP_TRANSFER_RUN)",
};
const NO_COMPLETION =
  "FlowRun requires it, but the recorded ACTIVE run (run_flow.py) has none until it completes";
const unfinishedRun: Allowances = {
  undeclared: runUndeclared,
  absent: { completion_time: NO_COMPLETION },
  mismatches: { "$.completion_time": NO_COMPLETION },
};

/** `reasons` without `keys`. */
function omit(
  reasons: Record<string, string> | undefined,
  ...keys: string[]
): Record<string, string> {
  return Object.fromEntries(Object.entries(reasons ?? {}).filter(([key]) => !keys.includes(key)));
}

describe("conformance: Flows through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let token: string;
  let runToken: string;
  before(async () => {
    emulator = await conformanceEmulator();
    token = await tokenFor(emulator, FlowsScopes.resourceServer, [
      String(FlowsScopes.manage_flows),
      String(FlowsScopes.view_flows),
      String(FlowsScopes.run_status),
      String(FlowsScopes.run_manage),
    ]);
    runToken = await tokenFor(emulator, DEMO_FLOW_ID, [
      String(SpecificFlowScopes(DEMO_FLOW_ID).user),
    ]);
  });
  after(() => emulator.stop());

  const definition = { StartAt: "A", States: { A: { Type: "Pass" as const, End: true } } };

  async function startRun(label: string): Promise<string> {
    const body = await expectConforming(
      facts,
      "runFlow",
      await flows.flows.run(
        DEMO_FLOW_ID,
        withToken(runToken, {
          payload: { body: { message: label }, label, tags: ["conformance"] },
        }),
      ),
      unfinishedRun,
    );
    assert.equal(body.status, "ACTIVE");
    return body.run_id as string;
  }

  it("flows.flows.getAll lists flows", async () => {
    const body = await expectConforming(
      facts,
      "listFlows",
      await flows.flows.getAll(
        // the OpenAPI spec spells the roles plural; the Python SDK singular
        withToken(token, {
          query: {
            filter_roles: ["flow_owner", "flow_starters"] as ("flow_owner" | "flow_starters")[],
          },
        }),
      ),
      {
        undeclared: { limit: "the page size, in every recorded listing (list_flows.py)" },
        mismatches: {
          "$.marker":
            "the recorded last page carries marker null (list_flows.py); the type says string",
        },
      },
    );
    const ids = (body.flows as { id: string }[]).map((flow) => flow.id);
    assert.ok(ids.includes(DEMO_FLOW_ID), "Alice owns the demo flow");
    assert.ok(ids.includes(DEMO_SHARED_FLOW_ID), "Alice may start Bob's shared flow");
    assert.equal(body.has_next_page, false);
  });

  it("flows.flows.get reads one flow", async () => {
    const body = await expectConforming(
      facts,
      "getFlow",
      await flows.flows.get(DEMO_FLOW_ID, withToken(token)),
      flowAllowances,
    );
    assert.equal(body.id, DEMO_FLOW_ID);
  });

  it("flows.flows.create, update, validate and remove a flow", async () => {
    const created = await expectConforming(
      facts,
      "createFlow",
      await flows.flows.create(
        withToken(token, { payload: { title: "Conformance", definition, keywords: ["c"] } }),
      ),
      flowAllowances,
    );
    assert.equal(created.title, "Conformance");
    const id = created.id as string;

    const updated = await expectConforming(
      facts,
      "updateFlow",
      await flows.flows.update(
        id,
        withToken(token, {
          payload: { subtitle: "Updated", subscription_id: "00000000-3ba7-456e-9df7-fc40028f3331" },
        }),
      ),
      { ...flowAllowances, absent: omit(flowAllowances.absent, "subscription_id") },
    );
    assert.equal(updated.subtitle, "Updated");
    assert.equal(updated.subscription_id, "00000000-3ba7-456e-9df7-fc40028f3331");

    const validated = await expectConforming(
      facts,
      "validateFlow",
      await flows.flows.validate(withToken(token, { payload: { definition } })),
    );
    assert.deepEqual(validated.scopes, { User: [] });

    const removed = await expectConforming(
      facts,
      "removeFlow",
      await flows.flows.remove(id, withToken(token)),
      {
        undeclared: {
          ...omit(flowAllowances.undeclared, "action_url", "run_managers", "run_monitors"),
          DELETED: "the deleted flow is marked so in the recorded answer (delete_flow.py)",
          deleted_at: "when it was deleted, in the recorded answer (delete_flow.py)",
        },
        absent: {
          ...flowAllowances.absent,
          flow_url: "the recorded answer to a delete has no flow_url (delete_flow.py)",
        },
      },
    );
    assert.equal(removed.DELETED, true);
    assert.equal((await flows.flows.get(id, withToken(token))).status, 404);
  });

  it("flows.flows.run starts a run; runs.get, getAll, getLog and getDefinition read it", async () => {
    const runId = await startRun("read me");
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);

    const run = await expectConforming(
      facts,
      "getRun",
      await flows.runs.get(runId, withToken(token, { query: { include_flow_description: true } })),
      { undeclared: runUndeclared },
    );
    assert.equal(run.status, "SUCCEEDED");
    assert.equal((run.flow_description as { id: string }).id, DEMO_FLOW_ID);

    const listed = await expectConforming(
      facts,
      "listRuns",
      await flows.runs.getAll(withToken(token, { query: { filter_flow_id: [DEMO_FLOW_ID] } })),
      {
        undeclared: { limit: "the page size, in every recorded listing (list_runs.py)" },
        absent: { actions: "the legacy name of runs; no recorded listing has it (list_runs.py)" },
        mismatches: {
          "$.marker":
            "the recorded last page carries marker null (list_runs.py); the type says string",
        },
      },
    );
    assert.ok((listed.runs as { run_id: string }[]).some((entry) => entry.run_id === runId));

    const log = await expectConforming(
      facts,
      "getRunLog",
      await flows.runs.getLog(runId, withToken(token, { query: { limit: 100 } })),
      { absent: { marker: "no marker on the last page, as recorded (get_run_logs.py)" } },
    );
    const codes = (log.entries as { code: string }[]).map((entry) => entry.code);
    assert.deepEqual([codes[0], codes.at(-1)], ["FlowStarted", "FlowSucceeded"]);

    const definitionDoc = await expectConforming(
      facts,
      "getRunDefinition",
      await flows.runs.getDefinition(runId, withToken(token)),
    );
    assert.equal(definitionDoc.flow_id, DEMO_FLOW_ID);
  });

  it("flows.runs.update, cancel and remove manage a run", async () => {
    const runId = await startRun("manage me");
    const updated = await expectConforming(
      facts,
      "updateRun",
      await flows.runs.update(
        runId,
        withToken(token, { payload: { label: "renamed", tags: ["  two   words "] } }),
      ),
      unfinishedRun,
    );
    assert.equal(updated.label, "renamed");
    assert.deepEqual(updated.tags, ["two words"]);

    const early = await flows.runs.remove(runId, withToken(token));
    assert.equal(early.status, 409, "an ACTIVE run cannot be released");

    const canceled = await expectConforming(
      facts,
      "cancelRun",
      await flows.runs.cancel(runId, withToken(token)),
      { undeclared: runUndeclared },
    );
    assert.equal(canceled.status, "FAILED");

    const removed = await expectConforming(
      facts,
      "removeRun",
      await flows.runs.remove(runId, withToken(token)),
      { undeclared: runUndeclared },
    );
    assert.equal(removed.run_id, runId);
    assert.equal((await flows.runs.get(runId, withToken(token))).status, 404);
  });
});
