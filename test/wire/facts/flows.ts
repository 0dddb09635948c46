/**
 * Flows wire facts, from the Python SDK 4.9's `services/flows/client.py` (methods, paths,
 * query parameters, body keys) and the responses recorded in `testing/data/flows/`
 * (`_common.py` holds the flow and run documents most of them share).
 *
 * The recordings come in two families of run document: the one a run's start, update,
 * cancel, resume and release answer with (`TWO_HOP_TRANSFER_RUN`: with `search`, without
 * `action_id`, `created_by`, `manage_by`, `monitor_by`) and the one get and list answer
 * with (`RUN`: the other way round). Each fact holds its own family's keys; the keys only
 * the other family recorded are optional there, since the emulator sends one document.
 */
import assert from "node:assert/strict";
import { FlowsAPIError, FlowsClient, SpecificFlowClient } from "../../../src/index.ts";
import {
  DEMO_FLOW_ID,
  DEMO_REGISTERED_API_ID,
  DEMO_TRANSFER_FLOW_ID,
  FLOW_RUN_SECONDS,
  WEB_INPUT_ACTION_URL,
} from "../../../src/testing/index.ts";
import type { WireContext, WireFact } from "../facts.ts";
import { S, type Shape } from "../shape.ts";

export const service = "flows";

const SOURCE = "services/flows/client.py";
const data = (name: string) => `${SOURCE}; testing/data/flows/${name}.py (_common.py)`;

const roleList = S.array(S.str);

/** The keys of every flow document, the deleted one included (`delete_flow.py`). */
const flowCore = {
  id: S.str,
  title: S.str,
  subtitle: S.str,
  description: S.str,
  keywords: S.array(S.str),
  definition: S.open({ StartAt: S.str, States: S.record(S.any) }),
  input_schema: S.record(S.any),
  globus_auth_scope: S.str,
  globus_auth_username: S.str,
  principal_urn: S.str,
  flow_owner: S.str,
  flow_viewers: roleList,
  flow_starters: roleList,
  flow_administrators: roleList,
  visible_to: roleList,
  runnable_by: roleList,
  administered_by: roleList,
  created_by: S.str,
  created_at: S.str,
  updated_at: S.str,
  user_role: S.str,
  synchronous: S.bool,
  log_supported: S.bool,
  types: S.array(S.str),
  api_version: S.str,
};

/** `TWO_HOP_TRANSFER_FLOW_DOC`; `subscription_id` appears once set (`update_flow.py`). */
const flowDoc = S.obj({
  ...flowCore,
  action_url: S.str,
  flow_url: S.str,
  run_managers: roleList,
  run_monitors: roleList,
  subscription_id: S.optional(S.str),
});

/** `delete_flow.py`: the flow's keys, `DELETED` and `deleted_at`, no URLs or run roles. */
const deletedFlowDoc = S.obj({ ...flowCore, DELETED: S.bool, deleted_at: S.str });

const anyObject = S.record(S.any);
/** An ACTIVE run's details (`TWO_HOP_TRANSFER_RUN`): `FlowStarting` with the input. */
const startingDetails = S.obj({ code: S.str, description: S.str, details: anyObject });
/** A SUCCEEDED run's details (`RUN_DETAILS`, `delete_run.py`). */
const succeededDetails = S.obj({ code: S.str, description: S.str, output: anyObject });
/** A canceled run's details (`cancel_run.py`): the log entry, with its `time`. */
const canceledDetails = S.obj({ time: S.str, code: S.str, description: S.str, details: anyObject });

const runCommon = {
  run_id: S.str,
  flow_id: S.str,
  flow_title: S.str,
  flow_last_updated: S.str,
  start_time: S.str,
  status: S.str,
  display_status: S.str,
  run_owner: S.str,
  run_managers: roleList,
  run_monitors: roleList,
  user_role: S.str,
  label: S.str,
  tags: S.array(S.str),
};
const search = S.obj({ task_id: S.str });

/** The run document of a start, update, cancel, resume or release. */
function changedRun(details: Shape): Shape {
  return S.obj({
    ...runCommon,
    details,
    search,
    action_id: S.optional(S.str),
    created_by: S.optional(S.str),
    manage_by: S.optional(roleList),
    monitor_by: S.optional(roleList),
    completion_time: S.optional(S.str),
  });
}

/** The run document of get and list (`RUN`): a run that has ended. */
const fetchedRun = S.obj({
  ...runCommon,
  details: succeededDetails,
  action_id: S.str,
  completion_time: S.str,
  created_by: S.str,
  manage_by: roleList,
  monitor_by: roleList,
  search: S.optional(search),
});

/** `create_flow.py` `bad_admin_principal_error`, `validate_flow.py` `definition_error`. */
function validationError(message: Shape): Shape {
  return S.obj({
    error: S.obj({
      code: S.lit("UNPROCESSABLE_ENTITY"),
      detail: S.array(S.obj({ loc: S.array(S.oneOf(S.str, S.int)), msg: S.str, type: S.str })),
      message,
    }),
    debug_id: S.str,
  });
}

const definition = { StartAt: "Only", States: { Only: { Type: "Pass", End: true } } };
const flowBodyKeys = [
  "title",
  "definition",
  "input_schema",
  "subtitle",
  "description",
  "flow_viewers",
  "flow_starters",
  "flow_administrators",
  "run_managers",
  "run_monitors",
  "keywords",
  "subscription_id",
  "authentication_policy_id",
];
const runBodyKeys = [
  "body",
  "tags",
  "label",
  "activity_notification_policy",
  "run_monitors",
  "run_managers",
];

/** A FlowsClient that may manage flows and runs. */
function flowsClient(context: WireContext): FlowsClient {
  const scopes = FlowsClient.scopes;
  return new FlowsClient({
    app: context.userApp(),
    appScopes: [
      scopes.view_flows,
      scopes.manage_flows,
      scopes.run_status,
      scopes.run_manage,
      scopes.web_input_view,
      scopes.web_input_respond,
    ],
  });
}

function helloFlow(context: WireContext): SpecificFlowClient {
  return new SpecificFlowClient(DEMO_FLOW_ID, { app: context.userApp() });
}

/** Starts a run of the demo flow and lets it finish. */
async function finishedRun(context: WireContext): Promise<string> {
  const run = await helloFlow(context).runFlow({ message: "wire" }, { label: "wire run" });
  context.emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
  return run.run_id;
}

/** Awaits an operation that must fail with the Flows error `status`. */
async function failsWith(status: number, operation: Promise<unknown>): Promise<void> {
  await assert.rejects(operation, (error: unknown) => {
    assert.ok(error instanceof FlowsAPIError, String(error));
    assert.equal(error.httpStatus, status);
    return true;
  });
}

let createdFlowId = "";

/** A run waiting on a web input (`get_web_input.py`'s approval), started once. */
let webInputRun: Promise<string> | undefined;
function runWaitingOnWebInput(context: WireContext): Promise<string> {
  webInputRun ??= (async () => {
    const flow = await flowsClient(context).createFlow({
      title: "Approval",
      definition: {
        StartAt: "Approve",
        States: {
          Approve: {
            Type: "Action",
            ActionUrl: WEB_INPUT_ACTION_URL,
            Parameters: {
              title: "Approve deployment to production?",
              text: "The nightly build passed its tests.",
              options: [
                { label: "Approve", description: "Deploy it." },
                { label: "Reject", description: "Stop here." },
              ],
            },
            ResultPath: "$.approval",
            End: true,
          },
        },
      },
    });
    const run = await new SpecificFlowClient(flow.id, { app: context.userApp() }).runFlow({});
    return run.run_id;
  })();
  return webInputRun;
}

async function openWebInputId(context: WireContext): Promise<string> {
  const runId = await runWaitingOnWebInput(context);
  const page = await flowsClient(context).listWebInputs({ filterRunIds: runId }).firstPage();
  assert.equal(page.items.length, 1, "the run waits on one web input");
  return page.items[0]!.id;
}

const webInputSummaryFields = {
  id: S.str,
  status: S.str,
  user_roles: S.array(S.str),
  input_type: S.str,
  flow: S.obj({ id: S.str, title: S.str }),
  run: S.obj({ id: S.str, label: S.nullable(S.str) }),
  created_timestamp: S.str,
  edited_timestamp: S.str,
  closed_timestamp: S.nullable(S.str),
};

export const facts: WireFact[] = [
  {
    python: "FlowsClient.create_flow",
    source: data("create_flow"),
    service,
    method: "POST",
    path: "/flows",
    body: flowBodyKeys,
    response: flowDoc,
    async drive(context) {
      const flow = await flowsClient(context).createFlow({
        title: "Wire facts",
        definition,
        inputSchema: {},
        keywords: ["wire"],
      });
      createdFlowId = flow.id;
    },
  },
  {
    python: "FlowsClient.create_flow (bad_admin_principal_error)",
    source: data("create_flow"),
    service,
    method: "POST",
    path: "/flows",
    body: flowBodyKeys,
    status: 422,
    // the recording of this error has no `message`; the validation error of
    // `validate_flow.py` has one, and the emulator writes its 422s alike
    response: validationError(S.optional(S.str)),
    drive: (context) =>
      failsWith(
        422,
        flowsClient(context).createFlow({
          title: "Bare ids",
          definition,
          flowAdministrators: ["ae341a98-d274-11e5-b888-dbae3a8ba545"],
        }),
      ),
  },
  {
    python: "FlowsClient.get_flow",
    source: data("get_flow"),
    service,
    method: "GET",
    path: "/flows/{flow_id}",
    response: flowDoc,
    drive: (context) => flowsClient(context).getFlow(DEMO_FLOW_ID),
  },
  {
    python: "FlowsClient.list_flows",
    source: data("list_flows"),
    service,
    method: "GET",
    path: "/flows",
    query: ["filter_roles", "filter_fulltext", "orderby", "marker"],
    response: S.obj({
      flows: S.array(flowDoc),
      limit: S.int,
      has_next_page: S.bool,
      marker: S.nullable(S.str),
    }),
    drive: (context) =>
      flowsClient(context)
        .listFlows({ filterRoles: ["flow_owner", "flow_starter"] })
        .firstPage(),
  },
  {
    python: "FlowsClient.update_flow",
    source: data("update_flow"),
    service,
    method: "PUT",
    path: "/flows/{flow_id}",
    body: [...flowBodyKeys, "flow_owner"],
    response: flowDoc,
    drive: (context) =>
      flowsClient(context).updateFlow(createdFlowId, {
        subtitle: "Specifically, in one step",
        description: "Updated by the wire facts",
      }),
  },
  {
    python: "FlowsClient.validate_flow",
    source: data("validate_flow"),
    service,
    method: "POST",
    path: "/flows/validate",
    body: ["definition", "input_schema"],
    response: S.obj({ scopes: S.record(S.array(S.str)) }),
    drive: (context) =>
      flowsClient(context).validateFlow({
        StartAt: "Step1",
        States: {
          Step1: {
            Type: "Action",
            ActionUrl: "https://transfer.actions.globus.org/transfer",
            End: true,
          },
        },
      }),
  },
  {
    python: "FlowsClient.validate_flow (definition_error)",
    source: data("validate_flow"),
    service,
    method: "POST",
    path: "/flows/validate",
    body: ["definition", "input_schema"],
    status: 422,
    response: validationError(S.str),
    drive: (context) =>
      failsWith(
        422,
        flowsClient(context).validateFlow({
          StartAt: "Step1",
          States: {
            Step1: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer" },
          },
        }),
      ),
  },
  {
    python: "FlowsClient.delete_flow",
    source: data("delete_flow"),
    service,
    method: "DELETE",
    path: "/flows/{flow_id}",
    response: deletedFlowDoc,
    drive: (context) => flowsClient(context).deleteFlow(createdFlowId),
  },
  {
    python: "SpecificFlowClient.run_flow",
    source: data("run_flow"),
    service,
    method: "POST",
    path: "/flows/{flow_id}/run",
    body: runBodyKeys,
    response: changedRun(startingDetails),
    drive: (context) =>
      helloFlow(context).runFlow(
        { message: "hello" },
        { label: "Wire run", tags: ["wire"], runMonitors: [], runManagers: [] },
      ),
  },
  {
    python: "FlowsClient.get_run",
    source: data("get_run"),
    service,
    method: "GET",
    path: "/runs/{run_id}",
    query: ["include_flow_description"],
    response: fetchedRun,
    drive: async (context) => flowsClient(context).getRun(await finishedRun(context)),
  },
  {
    python: "FlowsClient.list_runs",
    source: data("list_runs"),
    service,
    method: "GET",
    path: "/runs",
    query: ["filter_flow_id", "filter_roles", "marker"],
    response: S.obj({
      runs: S.array(fetchedRun),
      limit: S.int,
      has_next_page: S.bool,
      marker: S.optional(S.nullable(S.str)),
    }),
    async drive(context) {
      await finishedRun(context);
      return flowsClient(context).listRuns({ filterFlowId: DEMO_FLOW_ID }).firstPage();
    },
  },
  {
    python: "FlowsClient.get_run_logs",
    source: data("get_run_logs"),
    service,
    method: "GET",
    path: "/runs/{run_id}/log",
    query: ["limit", "reverse_order", "marker"],
    response: S.obj({
      limit: S.int,
      has_next_page: S.bool,
      marker: S.optional(S.str),
      entries: S.array(S.obj({ time: S.str, code: S.str, description: S.str, details: anyObject })),
    }),
    drive: async (context) =>
      flowsClient(context)
        .getRunLogs(await finishedRun(context), { limit: 2 })
        .toArray(),
  },
  {
    python: "FlowsClient.cancel_run",
    source: data("cancel_run"),
    service,
    method: "POST",
    path: "/runs/{run_id}/cancel",
    response: changedRun(canceledDetails),
    async drive(context) {
      const run = await helloFlow(context).runFlow({ message: "to cancel" });
      return flowsClient(context).cancelRun(run.run_id);
    },
  },
  {
    python: "FlowsClient.get_run_definition",
    source: data("get_run_definition"),
    service,
    method: "GET",
    path: "/runs/{run_id}/definition",
    response: S.obj({
      flow_id: S.str,
      definition: S.open({ StartAt: S.str, States: S.record(S.any) }),
      input_schema: anyObject,
    }),
    drive: async (context) => {
      const run = await helloFlow(context).runFlow({ message: "definition" });
      return flowsClient(context).getRunDefinition(run.run_id);
    },
  },
  {
    python: "FlowsClient.update_run",
    source: data("update_run"),
    service,
    method: "PUT",
    path: "/runs/{run_id}",
    body: ["tags", "label", "run_monitors", "run_managers"],
    response: changedRun(startingDetails),
    drive: async (context) => {
      const run = await helloFlow(context).runFlow({ message: "update" });
      return flowsClient(context).updateRun(run.run_id, {
        label: "Crunch numbers",
        tags: ["batch-10"],
        runMonitors: [],
      });
    },
  },
  {
    python: "FlowsClient.delete_run",
    source: data("delete_run"),
    service,
    method: "POST",
    path: "/runs/{run_id}/release",
    response: changedRun(succeededDetails),
    drive: async (context) => flowsClient(context).deleteRun(await finishedRun(context)),
  },
  {
    python: "FlowsClient.delete_run (conflict)",
    source: data("delete_run"),
    service,
    method: "POST",
    path: "/runs/{run_id}/release",
    status: 409,
    response: S.obj({
      error: S.obj({ code: S.lit("STATE_CONFLICT"), detail: S.str }),
      debug_id: S.str,
    }),
    drive: async (context) => {
      const run = await helloFlow(context).runFlow({ message: "still running" });
      await failsWith(409, flowsClient(context).deleteRun(run.run_id));
    },
  },
  {
    python: "SpecificFlowClient.resume_run",
    source: data("resume_run"),
    service,
    method: "POST",
    path: "/runs/{run_id}/resume",
    response: changedRun(startingDetails),
    drive: async (context) => {
      const flow = helloFlow(context);
      const run = await flow.runFlow({ message: "resume" });
      return flow.resumeRun(run.run_id);
    },
  },
  {
    python: "SpecificFlowClient.validate_run",
    source: data("validate_run"),
    service,
    method: "POST",
    path: "/flows/{flow_id}/validate_run",
    body: runBodyKeys,
    response: S.obj({ message: S.str }),
    drive: (context) =>
      helloFlow(context).validateRun(
        { message: "valid" },
        { label: "Check", tags: ["wire"], activityNotificationPolicy: { status: ["FAILED"] } },
      ),
  },
  {
    python: "SpecificFlowClient.validate_run (invalid_input_payload)",
    source: data("validate_run"),
    service,
    method: "POST",
    path: "/flows/{flow_id}/validate_run",
    body: runBodyKeys,
    status: 400,
    response: S.obj({
      error: S.obj({
        code: S.lit("FLOW_INPUT_ERROR"),
        detail: S.array(S.obj({ loc: S.array(S.str), type: S.str, msg: S.str })),
        message: S.str,
      }),
      debug_id: S.str,
    }),
    drive: (context) =>
      failsWith(
        400,
        new SpecificFlowClient(DEMO_TRANSFER_FLOW_ID, { app: context.userApp() }).validateRun({
          source: 7,
        }),
      ),
  },
  {
    python: "FlowsClient.get_registered_api",
    source: data("get_registered_api"),
    service,
    method: "GET",
    path: "/registered_apis/{registered_api_id}",
    response: S.obj({
      id: S.str,
      name: S.str,
      description: S.str,
      roles: S.obj({ owners: roleList, administrators: roleList, viewers: roleList }),
      target: S.obj({
        type: S.str,
        openapi_version: S.str,
        destination: S.obj({ method: S.str, url: S.str }),
        specification: anyObject,
        transforms: S.nullable(S.any),
        components: anyObject,
      }),
      data_templates: anyObject,
      state_input_schema: anyObject,
      status: S.str,
      subscription_id: S.str,
      created_timestamp: S.str,
      edited_timestamp: S.nullable(S.str),
      updated_timestamp: S.str,
      scheduled_deletion_timestamp: S.nullable(S.str),
    }),
    drive: (context) => flowsClient(context).getRegisteredApi(DEMO_REGISTERED_API_ID),
  },
  {
    python: "FlowsClient.list_registered_apis",
    source: data("list_registered_apis"),
    service,
    method: "GET",
    path: "/registered_apis",
    query: ["filter_roles", "orderby", "per_page", "marker"],
    response: S.obj({
      registered_apis: S.array(
        S.obj({
          id: S.str,
          name: S.str,
          description: S.str,
          created_timestamp: S.str,
          updated_timestamp: S.str,
        }),
      ),
      limit: S.int,
      has_next_page: S.bool,
      marker: S.nullable(S.str),
    }),
    drive: (context) =>
      flowsClient(context)
        .listRegisteredApis({
          filterRoles: ["owner", "administrator"],
          orderby: "name ASC",
          perPage: 2,
        })
        .toArray(),
  },
  {
    python: "FlowsClient.list_web_inputs",
    source: data("list_web_inputs"),
    service,
    method: "GET",
    path: "/web_inputs",
    query: [
      "filter_roles",
      "filter_states",
      "filter_flow_ids",
      "filter_run_ids",
      "orderby",
      "per_page",
      "marker",
    ],
    response: S.obj({
      web_input_summaries: S.array(S.obj({ ...webInputSummaryFields, title: S.str })),
      marker: S.nullable(S.str),
    }),
    drive: async (context) => {
      const runId = await runWaitingOnWebInput(context);
      return flowsClient(context)
        .listWebInputs({
          filterStates: "open",
          filterRunIds: [runId],
          orderby: "created_timestamp DESC",
        })
        .firstPage();
    },
  },
  {
    python: "FlowsClient.get_web_input",
    source: data("get_web_input"),
    service,
    method: "GET",
    path: "/web_inputs/{web_input_id}",
    response: S.obj({
      ...webInputSummaryFields,
      input_schema: anyObject,
      context: S.oneOf(
        S.obj({ title: S.str, presentation_style: S.lit("text"), text: S.str }),
        S.obj({
          title: S.str,
          presentation_style: S.lit("table"),
          rows: S.array(S.obj({ field: S.str, value: S.str })),
        }),
      ),
      options: S.array(S.obj({ option_id: S.str, label: S.str, description: S.str })),
      roles: S.obj({ viewer_urns: roleList, respondent_urns: roleList }),
      creator_urn: S.str,
    }),
    drive: async (context) => flowsClient(context).getWebInput(await openWebInputId(context)),
  },
  {
    python: "FlowsClient.respond_to_web_input",
    source: data("respond_to_web_input"),
    service,
    method: "POST",
    path: "/web_inputs/{web_input_id}/respond",
    body: ["response"],
    response: S.obj({ status: S.str }),
    drive: async (context) => {
      const flows = flowsClient(context);
      const webInput = await flows.getWebInput(await openWebInputId(context));
      return flows.respondToWebInput(webInput.id, webInput.options?.[0]?.option_id);
    },
  },
];
