/**
 * Compute wire facts, from the Python SDK 4.9's `services/compute/client.py` (methods,
 * paths, query parameters) and the responses recorded in `testing/data/compute/v2` and
 * `v3` (answer shapes). The Python methods take free-form `data` dictionaries, so the body
 * keys are those of the route's request schema in Globus's OpenAPI spec for Compute
 * (`@globus/sdk`'s `open-api/types/compute.d.ts`).
 */
import { ComputeClientV2 } from "../../../src/index.ts";
import { COMPUTE_TASK_SECONDS, DEMO_COMPUTE_ENDPOINT_ID } from "../../../src/testing/index.ts";
import type { WireContext, WireFact } from "../facts.ts";
import { S } from "../shape.ts";

export const service = "compute";

const PY = "services/compute/client.py";
const DATA = "testing/data/compute";
const SPEC = "@globus/sdk open-api/types/compute.d.ts";

/** `get_endpoint.py`. The key set varies with what the endpoint reported. */
const endpoint = S.obj({
  uuid: S.str,
  name: S.str,
  display_name: S.str,
  multi_user: S.bool,
  public: S.bool,
  endpoint_config: S.str,
  user_config_template: S.str,
  user_config_schema: S.record(S.any),
  description: S.str,
  // reported by the endpoint's process in its registration metadata, optional in the spec
  hostname: S.optional(S.str),
  local_user: S.optional(S.str),
  ip_address: S.str,
  endpoint_version: S.optional(S.str),
  sdk_version: S.optional(S.str),
  // present for endpoints with a subscription (optional in the spec)
  subscription_uuid: S.optional(S.str),
});

/** `_common.py`'s TASK_DOC: a finished task. */
const finishedTask = S.obj({
  task_id: S.str,
  status: S.str,
  result: S.str,
  completion_t: S.str,
  details: S.obj({
    os: S.str,
    python_version: S.str,
    dill_version: S.str,
    globus_compute_sdk_version: S.str,
    task_transitions: S.obj({ "execution-start": S.num, "execution-end": S.num }),
  }),
});

/** The v2 function registration document's keys (RegisterFunctionRequest, v2). */
const FUNCTION_V2_KEYS = [
  "function_name",
  "entry_point",
  "function_code",
  "description",
  "metadata",
  "container_uuid",
  "group",
  "public",
];

function v2(context: WireContext): ComputeClientV2 {
  return new ComputeClientV2({ app: context.userApp() });
}

/** A function of Alice's, registered as the Python SDK's fixture describes one. */
async function aliceFunction(context: WireContext): Promise<string> {
  const registered = await v2(context).registerFunction({
    function_name: "howdy",
    function_code: "opaque serialised code",
    description: "says howdy",
    metadata: { python_version: "3.12.3", sdk_version: "2.30.0" },
  });
  return registered.function_uuid;
}

/** A task of Alice's on the demo endpoint, finished. */
async function finishedTaskId(context: WireContext): Promise<string> {
  const functionId = await aliceFunction(context);
  const submitted = await v2(context).submit({
    tasks: [[functionId, DEMO_COMPUTE_ENDPOINT_ID, "serialised arguments"]],
  });
  context.emulator.controls.advanceClock(COMPUTE_TASK_SECONDS);
  return submitted.results[0]!.task_uuid;
}

export const facts: WireFact[] = [
  {
    python: "ComputeClientV2.get_endpoints",
    source: `${PY}; ${DATA}/v2/get_endpoints.py`,
    service,
    method: "GET",
    path: "/v2/endpoints",
    query: ["role"],
    response: S.array(S.obj({ uuid: S.str, name: S.str, display_name: S.str, owner: S.str })),
    drive: (context) => v2(context).getEndpoints(),
  },
  {
    python: "ComputeClientV2.get_endpoints (role=any)",
    source: `${PY}; ${DATA}/v2/get_endpoints.py (the "any" response)`,
    service,
    method: "GET",
    path: "/v2/endpoints",
    query: ["role"],
    response: S.array(S.obj({ uuid: S.str, name: S.str, display_name: S.str, owner: S.str })),
    drive: (context) => v2(context).getEndpoints({ role: "any" }),
  },
  {
    python: "ComputeClientV2.get_endpoint",
    source: `${PY}; ${DATA}/v2/get_endpoint.py`,
    service,
    method: "GET",
    path: "/v2/endpoints/{endpoint_id}",
    response: endpoint,
    drive: (context) => v2(context).getEndpoint(DEMO_COMPUTE_ENDPOINT_ID),
  },
  {
    python: "ComputeClientV2.get_endpoint_status",
    source: `${PY}; ${DATA}/v2/get_endpoint_status.py`,
    service,
    method: "GET",
    path: "/v2/endpoints/{endpoint_id}/status",
    response: S.obj({
      status: S.str,
      details: S.obj({
        total_workers: S.int,
        idle_workers: S.int,
        pending_tasks: S.int,
        outstanding_tasks: S.int,
        managers: S.int,
      }),
    }),
    drive: (context) => v2(context).getEndpointStatus(DEMO_COMPUTE_ENDPOINT_ID),
  },
  {
    python: "ComputeClientV2.register_function",
    source: `${PY}; ${DATA}/v2/register_function.py; ${SPEC} (RegisterFunctionRequest v2)`,
    service,
    method: "POST",
    path: "/v2/functions",
    body: FUNCTION_V2_KEYS,
    response: S.obj({ function_uuid: S.str }),
    drive: aliceFunction,
  },
  {
    python: "ComputeClientV2.get_function",
    source: `${PY}; ${DATA}/v2/get_function.py`,
    service,
    method: "GET",
    path: "/v2/functions/{function_id}",
    response: S.obj({
      function_uuid: S.str,
      function_name: S.str,
      function_code: S.str,
      description: S.str,
      metadata: S.obj({ python_version: S.str, sdk_version: S.str }),
    }),
    drive: async (context) => v2(context).getFunction(await aliceFunction(context)),
  },
  {
    python: "ComputeClientV2.submit",
    source: `${PY}; ${DATA}/v2/submit.py; ${SPEC} (BatchSubmitRequest v2)`,
    service,
    method: "POST",
    path: "/v2/submit",
    body: ["tasks", "task_group_id", "create_websocket_queue"],
    response: S.obj({
      response: S.str,
      task_group_id: S.str,
      results: S.array(
        S.obj({
          status: S.str,
          task_uuid: S.str,
          http_status_code: S.int,
          // null for an accepted task (recorded); a refused task's reason (spec: a string)
          reason: S.nullable(S.str),
        }),
      ),
    }),
    drive: async (context) => {
      const functionId = await aliceFunction(context);
      return v2(context).submit({
        tasks: [
          [functionId, DEMO_COMPUTE_ENDPOINT_ID, "first arguments"],
          [functionId, DEMO_COMPUTE_ENDPOINT_ID, "second arguments"],
        ],
      });
    },
  },
  {
    python: "ComputeClientV2.get_task",
    source: `${PY}; ${DATA}/_common.py (TASK_DOC); ${DATA}/v2/get_task.py`,
    service,
    method: "GET",
    path: "/v2/tasks/{task_id}",
    response: finishedTask,
    drive: async (context) => v2(context).getTask(await finishedTaskId(context)),
  },
];
