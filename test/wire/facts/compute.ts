/**
 * Compute wire facts, from the Python SDK 4.9's `services/compute/client.py` (methods,
 * paths, query parameters) and the responses recorded in `testing/data/compute/v2` and
 * `v3` (answer shapes). The Python methods take free-form `data` dictionaries, so the body
 * keys are those of the route's request schema in Globus's OpenAPI spec for Compute
 * (`@globus/sdk`'s `open-api/types/compute.d.ts`).
 */
import { ComputeClientV2, ComputeClientV3 } from "../../../src/index.ts";
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

/** The v2 endpoint registration document's keys (EndpointRegisterRequest, v2). */
const ENDPOINT_V2_KEYS = [
  "endpoint_name",
  "display_name",
  "endpoint_uuid",
  "version",
  "multi_user",
  "allowed_functions",
  "authentication_policy",
  "metadata",
];

/** The v3 endpoint registration document's keys (EndpointRegisterRequest, v3). */
const ENDPOINT_V3_KEYS = [
  "endpoint_name",
  "display_name",
  "version",
  "multi_user",
  "high_assurance",
  "allowed_functions",
  "authentication_policy",
  "subscription_uuid",
  "admins",
  "public",
  "metadata",
];

const queueInfo = S.obj({ connection_url: S.str, exchange: S.str, queue: S.str });
// recorded as `{}`; the spec's WriteQueuePublishKwargs declares exchange, routing_key, ...
const resultQueueInfo = S.obj({
  connection_url: S.str,
  exchange: S.str,
  queue: S.str,
  queue_publish_kwargs: S.obj({}),
});

/** `v3/register_endpoint.py`, `v3/update_endpoint.py` (v2's adds `warnings`). */
const registrationV3 = S.obj({
  endpoint_id: S.str,
  task_queue_info: queueInfo,
  result_queue_info: resultQueueInfo,
});

/**
 * `lock_endpoint.py` (both versions): recorded as a `2021-07-01T00:00:00.000000` string,
 * where the spec types v3's as a Unix-time number.
 */
const lock = S.obj({ endpoint_id: S.str, lock_expiration_timestamp: S.str });

function v2(context: WireContext): ComputeClientV2 {
  return new ComputeClientV2({ app: context.userApp() });
}

function v3(context: WireContext): ComputeClientV3 {
  return new ComputeClientV3({ app: context.userApp() });
}

/** A new endpoint of Alice's, registered through v3 as its process would. */
async function aliceEndpoint(context: WireContext): Promise<string> {
  const registered = await v3(context).registerEndpoint({
    endpoint_name: "wire-endpoint",
    metadata: { hostname: "wire.example.org", endpoint_version: "2.30.0" },
  });
  return registered.endpoint_id;
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
    python: "ComputeClientV2.get_version",
    source: `${PY}; ${DATA}/v2/get_version.py (default: a bare version string)`,
    service,
    method: "GET",
    path: "/v2/version",
    query: ["service"],
    response: S.str,
    drive: (context) => v2(context).getVersion(),
  },
  {
    python: "ComputeClientV2.get_version (service=all)",
    source: `${PY}; ${DATA}/v2/get_version.py (the "all" response)`,
    service,
    method: "GET",
    path: "/v2/version",
    query: ["service"],
    // the spec names the third `min_ep_version` (and adds container_service); the
    // recorded answer's names are followed
    response: S.obj({
      api: S.str,
      min_sdk_version: S.str,
      min_endpoint_version: S.str,
      git_sha: S.str,
    }),
    drive: (context) => v2(context).getVersion({ service: "all" }),
  },
  {
    python: "ComputeClientV2.get_result_amqp_url",
    source: `${PY}; ${DATA}/v2/get_result_amqp_url.py`,
    service,
    method: "GET",
    path: "/v2/get_amqp_result_connection_url",
    response: S.obj({ queue_prefix: S.str, connection_url: S.str }),
    drive: (context) => v2(context).getResultAmqpUrl(),
  },
  {
    python: "ComputeClientV2.register_endpoint",
    source: `${PY}; ${DATA}/v2/register_endpoint.py; ${SPEC} (EndpointRegisterRequest v2)`,
    service,
    method: "POST",
    path: "/v2/endpoints",
    body: ENDPOINT_V2_KEYS,
    response: S.obj({
      endpoint_id: S.str,
      task_queue_info: queueInfo,
      result_queue_info: resultQueueInfo,
      warnings: S.array(S.str),
    }),
    drive: (context) =>
      v2(context).registerEndpoint({
        endpoint_name: "wire-v2-endpoint",
        endpoint_uuid: "66666666-9999-4666-8666-000000000002",
        version: "2.30.0",
        metadata: { hostname: "v2.example.org" },
      }),
  },
  {
    python: "ComputeClientV2.delete_endpoint",
    source: `${PY}; ${DATA}/v2/delete_endpoint.py`,
    service,
    method: "DELETE",
    path: "/v2/endpoints/{endpoint_id}",
    response: S.obj({ result: S.int }),
    drive: async (context) => v2(context).deleteEndpoint(await aliceEndpoint(context)),
  },
  {
    python: "ComputeClientV2.lock_endpoint",
    source: `${PY}; ${DATA}/v2/lock_endpoint.py`,
    service,
    method: "POST",
    path: "/v2/endpoints/{endpoint_id}/lock",
    response: lock,
    drive: async (context) => v2(context).lockEndpoint(await aliceEndpoint(context)),
  },
  {
    python: "ComputeClientV2.delete_function",
    source: `${PY}; ${DATA}/v2/delete_function.py`,
    service,
    method: "DELETE",
    path: "/v2/functions/{function_id}",
    response: S.obj({ result: S.int }),
    drive: async (context) => v2(context).deleteFunction(await aliceFunction(context)),
  },
  {
    python: "ComputeClientV2.get_task_batch",
    source: `${PY}; ${DATA}/v2/get_task_batch.py`,
    service,
    method: "POST",
    path: "/v2/batch_status",
    body: ["task_ids"],
    response: S.obj({ response: S.str, results: S.record(finishedTask) }),
    drive: async (context) => v2(context).getTaskBatch(await finishedTaskId(context)),
  },
  {
    python: "ComputeClientV2.get_task_group",
    source: `${PY}; ${DATA}/v2/get_task_group.py`,
    service,
    method: "GET",
    path: "/v2/taskgroup/{task_group_id}",
    response: S.obj({
      taskgroup_id: S.str,
      create_websockets_queue: S.bool,
      tasks: S.array(S.obj({ id: S.str, created_at: S.str })),
    }),
    drive: async (context) => {
      const functionId = await aliceFunction(context);
      const submitted = await v2(context).submit({
        tasks: [
          [functionId, DEMO_COMPUTE_ENDPOINT_ID, "one"],
          [functionId, DEMO_COMPUTE_ENDPOINT_ID, "two"],
        ],
      });
      return v2(context).getTaskGroup(submitted.task_group_id);
    },
  },
  {
    python: "ComputeClientV3.register_endpoint",
    source: `${PY}; ${DATA}/v3/register_endpoint.py; ${SPEC} (EndpointRegisterRequest v3)`,
    service,
    method: "POST",
    path: "/v3/endpoints",
    body: ENDPOINT_V3_KEYS,
    response: registrationV3,
    drive: aliceEndpoint,
  },
  {
    python: "ComputeClientV3.update_endpoint",
    source: `${PY}; ${DATA}/v3/update_endpoint.py; ${SPEC} (EndpointRegisterRequest v3)`,
    service,
    method: "PUT",
    path: "/v3/endpoints/{endpoint_id}",
    body: ENDPOINT_V3_KEYS,
    response: registrationV3,
    drive: async (context) =>
      v3(context).updateEndpoint(await aliceEndpoint(context), {
        display_name: "Renamed",
        metadata: { description: "now described" },
      }),
  },
  {
    python: "ComputeClientV3.lock_endpoint",
    source: `${PY}; ${DATA}/v3/lock_endpoint.py`,
    service,
    method: "POST",
    path: "/v3/endpoints/{endpoint_id}/lock",
    response: lock,
    drive: async (context) => v3(context).lockEndpoint(await aliceEndpoint(context)),
  },
  {
    python: "ComputeClientV3.get_endpoint_allowlist",
    source: `${PY}; ${DATA}/v3/get_endpoint_allowlist.py`,
    service,
    method: "GET",
    path: "/v3/endpoints/{endpoint_id}/allowed_functions",
    response: S.obj({ endpoint_id: S.str, restricted: S.bool, functions: S.array(S.str) }),
    drive: async (context) => {
      const functionId = await aliceFunction(context);
      const registered = await v3(context).registerEndpoint({
        endpoint_name: "wire-restricted",
        metadata: {},
        allowed_functions: [functionId],
      });
      return v3(context).getEndpointAllowlist(registered.endpoint_id);
    },
  },
  {
    python: "ComputeClientV3.register_function",
    source: `${PY}; ${DATA}/v3/register_function.py; ${SPEC} (RegisterFunctionRequest v3)`,
    service,
    method: "POST",
    path: "/v3/functions",
    body: [
      "function_name",
      "function_code",
      "description",
      "meta",
      "group",
      "public",
      "ha_endpoint_id",
    ],
    response: S.obj({ function_uuid: S.str }),
    drive: (context) =>
      v3(context).registerFunction({
        function_name: "howdy_v3",
        function_code: "opaque serialised code",
        meta: { python_version: "3.12.3", sdk_version: "2.30.0", serde_identifier: "01" },
      }),
  },
  {
    python: "ComputeClientV3.submit",
    source: `${PY}; ${DATA}/v3/submit.py; ${SPEC} (BatchSubmitRequest v3)`,
    service,
    method: "POST",
    path: "/v3/endpoints/{endpoint_id}/submit",
    body: [
      "task_group_id",
      "user_endpoint_config",
      "resource_specification",
      "create_queue",
      "tasks",
      "user_runtime",
      "result_serializers",
    ],
    response: S.obj({
      request_id: S.str,
      task_group_id: S.str,
      endpoint_id: S.str,
      tasks: S.record(S.array(S.str)),
    }),
    drive: async (context) => {
      const functionId = await aliceFunction(context);
      return v3(context).submit(DEMO_COMPUTE_ENDPOINT_ID, {
        tasks: { [functionId]: ["first arguments", "second arguments"] },
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
