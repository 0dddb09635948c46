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
import { DEMO_FLOW_ID, FLOW_RUN_SECONDS } from "../../../src/testing/index.ts";
import type { RouteWithoutFact, WireContext, WireFact } from "../facts.ts";
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
    appScopes: [scopes.view_flows, scopes.manage_flows, scopes.run_status, scopes.run_manage],
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
];

/** Routes whose client methods arrive in the next change (issue 17). */
export const routesWithoutFacts: RouteWithoutFact[] = [
  ["POST", "/flows/:id/validate_run"],
  ["PUT", "/runs/:id"],
  ["GET", "/runs/:id/definition"],
  ["POST", "/runs/:id/release"],
  ["POST", "/runs/:id/resume"],
  ["GET", "/web_inputs"],
  ["GET", "/web_inputs/:id"],
  ["POST", "/web_inputs/:id/respond"],
  ["GET", "/registered_apis"],
  ["GET", "/registered_apis/:id"],
].map(([method, path]) => ({
  service,
  method: method as RouteWithoutFact["method"],
  path: path as string,
  why: "emulated ahead of its client method (issue 17); its fact comes with the method",
}));
