// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Flows emulator's run life cycle and its newer routes over raw HTTP: who may update,
 * release and resume runs, how states move a run (Choice, Fail, consents), web inputs'
 * roles and refusals, and registered APIs' role filters. The refusals use the codes and
 * messages Globus recorded (`testing/data/flows/`).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  gcsCollectionScopeSet,
  KNOWN_SCOPES,
  specificFlowScopeSet,
} from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  DEMO_REGISTERED_API_IDS,
  DEMO_TRANSFER_FLOW_ID,
  FLOW_RUN_SECONDS,
  type RunningEmulator,
  startEmulator,
  WEB_INPUT_ACTION_URL,
} from "../../../src/testing/index.ts";
import { call, userLogin } from "./helpers.ts";

const FLOWS = KNOWN_SCOPES.flows;
const RS = FLOWS.resourceServer;
const SCOPES = Object.values(FLOWS.scopes).join(" ");
const ALICE = `urn:globus:auth:identity:${ALICE_IDENTITY_ID}`;
const BOB = `urn:globus:auth:identity:${BOB_IDENTITY_ID}`;

describe("flows runs, web inputs and registered APIs", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let bob: string;

  before(async () => {
    emulator = await startEmulator();
    base = emulator.urls.flows!;
    alice = (await userLogin(emulator, ALICE_IDENTITY_ID, SCOPES)).byResourceServer.get(RS)!;
    bob = (await userLogin(emulator, BOB_IDENTITY_ID, SCOPES)).byResourceServer.get(RS)!;
  });
  after(() => emulator.stop());

  async function flowToken(identityId: string, flowId: string, scope?: string) {
    const tokens = await userLogin(
      emulator,
      identityId,
      scope ?? specificFlowScopeSet(flowId).scopes.user,
    );
    return tokens.byResourceServer.get(flowId)!;
  }

  async function createFlow(
    definition: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) {
    const created = await call(`${base}flows`, alice, {
      method: "POST",
      body: { title: "Runs test", definition, ...extra },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id as string;
  }

  async function start(
    flowId: string,
    token: string,
    body: Record<string, unknown> = {},
    extra = {},
  ) {
    const started = await call(`${base}flows/${flowId}/run`, token, {
      method: "POST",
      body: { body, ...extra },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    return started.body.run_id as string;
  }

  const getRun = async (runId: string, token = alice) =>
    (await call(`${base}runs/${runId}`, token)).body;

  it("only the run's owner and managers update, cancel or release it; monitors may read", async () => {
    const aliceRun = await flowToken(ALICE_IDENTITY_ID, DEMO_FLOW_ID);
    const runId = await start(DEMO_FLOW_ID, aliceRun, { n: 1 }, { run_monitors: [BOB] });
    assert.equal((await getRun(runId, bob)).user_role, "run_monitor");
    for (const [method, path, body] of [
      ["PUT", "", { label: "bob was here" }],
      ["POST", "/cancel", undefined],
      ["POST", "/release", undefined],
    ] as const) {
      const refused = await call(`${base}runs/${runId}${path}`, bob, { method, body });
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.equal(refused.body.error.code, "FORBIDDEN");
    }
    const promoted = await call(`${base}runs/${runId}`, alice, {
      method: "PUT",
      body: { run_managers: [BOB], tags: ["a  b"] },
    });
    assert.deepEqual(promoted.body.tags, ["a b"]);
    assert.equal((await getRun(runId, bob)).user_role, "run_manager");
    const badTags = await call(`${base}runs/${runId}`, alice, {
      method: "PUT",
      body: { tags: "x" },
    });
    assert.equal(badTags.status, 422);

    const early = await call(`${base}runs/${runId}/release`, bob, { method: "POST" });
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, "STATE_CONFLICT");
    assert.match(early.body.error.detail, /has status 'ACTIVE' but must have status in/);
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    const released = await call(`${base}runs/${runId}/release`, bob, { method: "POST" });
    assert.equal(released.status, 200);
    assert.equal(released.body.status, "SUCCEEDED");
    assert.equal(released.body.details.code, "FlowSucceeded");
    assert.equal((await call(`${base}runs/${runId}`, alice)).status, 404);
    assert.equal((await call(`${base}runs/${runId}/definition`, alice)).status, 404);
  });

  it("follows Choice rules, ends at a Fail state, and checks run input against the schema", async () => {
    const flowId = await createFlow(
      {
        StartAt: "Pick",
        States: {
          Pick: {
            Type: "Choice",
            Choices: [{ Variable: "$.go", BooleanEquals: true, Next: "Go" }],
            Default: "Stop",
          },
          Go: {
            Type: "Pass",
            Parameters: { "said.$": "$.word" },
            ResultPath: "$.result",
            End: true,
          },
          Stop: { Type: "Fail", Error: "Stopped", Cause: "go was false" },
        },
      },
      {
        input_schema: {
          type: "object",
          properties: { go: { type: "boolean" }, word: { type: "string" } },
          required: ["go"],
          additionalProperties: false,
        },
      },
    );
    const token = await flowToken(ALICE_IDENTITY_ID, flowId);
    const bad = await call(`${base}flows/${flowId}/run`, token, {
      method: "POST",
      body: { body: { go: "yes", extra: 1 } },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "FLOW_INPUT_ERROR");
    assert.equal(bad.body.error.message, "Input failed schema validation with 2 errors.");
    assert.deepEqual(
      bad.body.error.detail.map((problem: any) => problem.loc),
      [["$.go"], ["$"]],
    );

    const going = await start(flowId, token, { go: true, word: "hi" });
    const stopping = await start(flowId, token, { go: false });
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    const went = await getRun(going);
    assert.equal(went.status, "SUCCEEDED");
    assert.deepEqual(went.details.output.result, { said: "hi" });
    const stopped = await getRun(stopping);
    assert.equal(stopped.status, "FAILED");
    assert.equal(stopped.details.code, "FlowFailed");
    assert.deepEqual(stopped.details.details, { error: "Stopped", cause: "go was false" });
    const described = (
      await call(`${base}runs/${going}`, alice, { query: { include_flow_description: "True" } })
    ).body;
    assert.equal(described.flow_description.id, flowId);
    await call(`${base}flows/${flowId}`, alice, { method: "DELETE" });
    const afterDelete = (
      await call(`${base}runs/${going}`, alice, { query: { include_flow_description: "true" } })
    ).body;
    assert.equal(
      typeof afterDelete.flow_description.deleted_at,
      "string",
      "a deleted flow's runs still describe it",
    );
  });

  it("stops a Transfer run on a collection lacking consent until a resume brings the consent", async () => {
    const plain = await flowToken(ALICE_IDENTITY_ID, DEMO_TRANSFER_FLOW_ID);
    // a collection that needs no data_access consent runs straight through
    const easy = await start(DEMO_TRANSFER_FLOW_ID, plain, {
      source: DEMO_COLLECTION_ID,
      dest: DEMO_COLLECTION_ID,
    });
    const runId = await start(DEMO_TRANSFER_FLOW_ID, plain, {
      source: DEMO_HIGH_ASSURANCE_COLLECTION_ID,
      dest: DEMO_COLLECTION_ID,
    });
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    assert.equal((await getRun(easy)).status, "SUCCEEDED");
    const inactive = await getRun(runId);
    assert.equal(inactive.status, "INACTIVE");
    assert.equal(inactive.display_status, "INACTIVE");
    assert.equal("completion_time" in inactive, false);
    const flowScope = specificFlowScopeSet(DEMO_TRANSFER_FLOW_ID).scopes.user;
    const dataAccess = gcsCollectionScopeSet(DEMO_HIGH_ASSURANCE_COLLECTION_ID).scopes.data_access;
    const transferScope = `${KNOWN_SCOPES.transfer.scopes.all}[*${dataAccess}]`;
    assert.equal(inactive.details.required_scope, `${flowScope}[${transferScope}]`);
    assert.equal(inactive.details.action_statuses[0].details.required_scope, transferScope);

    // Bob may not resume Alice's run, and a resume needs the flow's own token
    const bobToken = await flowToken(BOB_IDENTITY_ID, DEMO_TRANSFER_FLOW_ID);
    assert.equal(
      (await call(`${base}runs/${runId}/resume`, bobToken, { method: "POST" })).status,
      404,
    );
    assert.equal(
      (await call(`${base}runs/${runId}/resume`, alice, { method: "POST" })).status,
      401,
    );
    const unknown = await call(`${base}runs/00000000-0000-4000-8000-000000000000/resume`, plain, {
      method: "POST",
    });
    assert.equal(unknown.status, 404);

    const consented = await flowToken(
      ALICE_IDENTITY_ID,
      DEMO_TRANSFER_FLOW_ID,
      `${flowScope}[${transferScope}]`,
    );
    const resumed = await call(`${base}runs/${runId}/resume`, consented, { method: "POST" });
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.status, "ACTIVE");
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    assert.equal((await getRun(runId)).status, "SUCCEEDED");
  });

  it("keeps web inputs to their viewers and respondents and refuses bad answers as recorded", async () => {
    const flowId = await createFlow(
      {
        StartAt: "Ask",
        States: {
          Ask: {
            Type: "Action",
            ActionUrl: WEB_INPUT_ACTION_URL,
            Parameters: {
              title: "Which?",
              rows: [{ field: "Version", value: "v2" }],
              options: [{ label: "This" }, { label: "That" }],
              respondent_urns: [BOB],
            },
            End: true,
          },
        },
      },
      { flow_viewers: [BOB] },
    );
    const runId = await start(flowId, await flowToken(ALICE_IDENTITY_ID, flowId));
    const cancelled = await start(flowId, await flowToken(ALICE_IDENTITY_ID, flowId));

    // the run's owner created the web input but holds no role on it
    const asAlice = await call(`${base}web_inputs`, alice, { query: { filter_run_ids: runId } });
    assert.deepEqual(asAlice.body, { web_input_summaries: [], marker: null });
    const listed = await call(`${base}web_inputs`, bob, {
      query: { filter_run_ids: [runId, cancelled].join(",") },
    });
    assert.equal(listed.body.web_input_summaries.length, 2);
    const id = listed.body.web_input_summaries.find((summary: any) => summary.run.id === runId).id;
    assert.equal((await call(`${base}web_inputs/${id}`, alice)).status, 404);
    const doc = (await call(`${base}web_inputs/${id}`, bob)).body;
    assert.deepEqual(doc.context, {
      title: "Which?",
      presentation_style: "table",
      rows: [{ field: "Version", value: "v2" }],
    });
    assert.deepEqual(
      doc.input_schema.oneOf.map((option: any) => option.const),
      doc.options.map((option: any) => option.option_id),
    );

    const respond = (value: unknown, token = bob, target = id) =>
      call(`${base}web_inputs/${target}/respond`, token, {
        method: "POST",
        body: { response: { value } },
      });
    const unknownOption = await respond("not-a-real-option");
    assert.equal(unknownOption.status, 422);
    assert.equal(
      unknownOption.body.error.detail,
      "'not-a-real-option' is not a registered option id for this input.",
    );
    const missing = await respond("x", bob, "00000000-0000-4000-8000-000000000000");
    assert.equal(missing.status, 404);
    assert.match(missing.body.error.detail, /^No Web Input exists with id value /);
    assert.equal((await respond(doc.options[1].option_id)).status, 200);
    const again = await respond(doc.options[1].option_id);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.detail, `Web Input ${id} is already closed.`);

    // canceling a run closes its open web input
    await call(`${base}runs/${cancelled}/cancel`, alice, { method: "POST" });
    const open = await call(`${base}web_inputs`, bob, { query: { filter_flow_ids: flowId } });
    assert.equal(open.body.web_input_summaries.length, 0);
    const closed = await call(`${base}web_inputs`, bob, {
      query: { filter_flow_ids: flowId, filter_states: "closed" },
    });
    assert.equal(closed.body.web_input_summaries.length, 2);

    // web inputs need their own scopes, and at most ten ids per filter
    const viewOnly = (
      await userLogin(emulator, BOB_IDENTITY_ID, FLOWS.scopes.view_flows)
    ).byResourceServer.get(RS);
    assert.equal((await call(`${base}web_inputs`, viewOnly)).status, 403);
    const elevenIds = Array.from(
      { length: 11 },
      (_, i) => `00000000-0000-4000-8000-0000000000${10 + i}`,
    );
    assert.equal(
      (await call(`${base}web_inputs`, bob, { query: { filter_run_ids: elevenIds.join(",") } }))
        .status,
      422,
    );
    assert.equal(
      (await call(`${base}web_inputs`, bob, { query: { filter_states: "ajar" } })).status,
      400,
    );
  });

  it("lists registered APIs by role, the caller's own by default", async () => {
    const names = async (token: string, query: Record<string, string> = {}) =>
      (await call(`${base}registered_apis`, token, { query })).body.registered_apis.map(
        (api: any) => api.id,
      );
    assert.deepEqual(await names(alice), DEMO_REGISTERED_API_IDS.slice(0, 2));
    assert.deepEqual(await names(alice, { filter_roles: "administrator" }), [
      DEMO_REGISTERED_API_IDS[2],
    ]);
    assert.deepEqual(await names(bob), [DEMO_REGISTERED_API_IDS[2]]);
    assert.deepEqual(await names(bob, { filter_roles: "viewer" }), [DEMO_REGISTERED_API_IDS[0]]);
    assert.deepEqual(
      await names(alice, { filter_roles: "owner,administrator", orderby: "name ASC" }),
      [DEMO_REGISTERED_API_IDS[2], DEMO_REGISTERED_API_IDS[0], DEMO_REGISTERED_API_IDS[1]],
    );
    assert.equal(
      (await call(`${base}registered_apis`, alice, { query: { filter_roles: "king" } })).status,
      400,
    );
    assert.equal(
      (await call(`${base}registered_apis/${DEMO_REGISTERED_API_IDS[1]}`, bob)).status,
      404,
    );
    const doc = (await call(`${base}registered_apis/${DEMO_REGISTERED_API_IDS[2]}`, alice)).body;
    assert.deepEqual(doc.roles, { owners: [BOB], administrators: [ALICE], viewers: [] });
  });
});
