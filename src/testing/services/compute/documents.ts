/**
 * How the emulated Compute renders its records, in the shapes of the responses Globus
 * recorded for the Python SDK 4.9 (`testing/data/compute/v2`, `v3`).
 */
import {
  amqpUrl,
  type ComputeState,
  computeTime,
  type EndpointRecord,
  type FunctionRecord,
  type TaskGroupRecord,
  type TaskRecord,
} from "./model.ts";

/** The worker every emulated endpoint runs tasks on, as task details report it. */
const WORKER = {
  os: "Linux-6.8.0-emulator-x86_64-with-glibc2.39",
  python_version: "3.12.3",
  dill_version: "0.3.9",
};

/** `GET /v2/endpoints/{id}`: the endpoint and its metadata. */
export function endpointDocument(endpoint: EndpointRecord): Record<string, unknown> {
  const m = endpoint.metadata;
  return {
    uuid: endpoint.id,
    name: endpoint.name,
    display_name: endpoint.displayName,
    multi_user: endpoint.multiUser,
    public: endpoint.public,
    endpoint_config: m.endpoint_config,
    user_config_template: m.user_config_template,
    user_config_schema: m.user_config_schema,
    description: m.description,
    ...(m.hostname !== undefined ? { hostname: m.hostname } : {}),
    ...(m.local_user !== undefined ? { local_user: m.local_user } : {}),
    ip_address: m.ip_address,
    ...(m.endpoint_version !== undefined ? { endpoint_version: m.endpoint_version } : {}),
    ...(m.sdk_version !== undefined ? { sdk_version: m.sdk_version } : {}),
    ...(endpoint.subscriptionId !== null ? { subscription_uuid: endpoint.subscriptionId } : {}),
  };
}

/** One entry of `GET /v2/endpoints`. */
export function endpointListEntry(endpoint: EndpointRecord): Record<string, unknown> {
  return {
    uuid: endpoint.id,
    name: endpoint.name,
    display_name: endpoint.displayName,
    owner: endpoint.owner,
  };
}

/** `GET /v2/endpoints/{id}/status`: online while connected, with its load. */
export function endpointStatusDocument(
  state: ComputeState,
  endpoint: EndpointRecord,
): Record<string, unknown> {
  const outstanding = state.outstandingTasks(endpoint);
  const running = outstanding.filter((task) => task.startedAt !== null).length;
  const online = endpoint.onlineSince !== null;
  const workers = online ? 4 : 0;
  return {
    status: online ? "online" : "offline",
    details: {
      total_workers: workers,
      idle_workers: Math.max(0, workers - running),
      pending_tasks: outstanding.length - running,
      outstanding_tasks: outstanding.length,
      managers: online ? 1 : 0,
    },
  };
}

/** The answer to an endpoint registration: where its process reads tasks and writes results. */
export function registrationDocument(
  endpoint: EndpointRecord,
  options: { warnings: boolean },
): Record<string, unknown> {
  const connection = amqpUrl(endpoint.id);
  return {
    endpoint_id: endpoint.id,
    task_queue_info: {
      connection_url: connection,
      exchange: "tasks",
      queue: `${endpoint.id}.tasks`,
    },
    result_queue_info: {
      connection_url: connection,
      exchange: "results",
      queue: `${endpoint.id}.results`,
      queue_publish_kwargs: {},
    },
    ...(options.warnings ? { warnings: [] } : {}),
  };
}

/** `POST .../lock`: when the lock ends. */
export function lockDocument(endpoint: EndpointRecord): Record<string, unknown> {
  return {
    endpoint_id: endpoint.id,
    lock_expiration_timestamp: computeTime(endpoint.lockedUntil ?? 0),
  };
}

/** `GET /v3/endpoints/{id}/allowed_functions`. */
export function allowlistDocument(endpoint: EndpointRecord): Record<string, unknown> {
  return {
    endpoint_id: endpoint.id,
    restricted: endpoint.allowedFunctions !== null,
    functions: [...(endpoint.allowedFunctions ?? [])],
  };
}

/** `GET /v2/functions/{id}`. */
export function functionDocument(record: FunctionRecord): Record<string, unknown> {
  return {
    function_uuid: record.id,
    function_name: record.name,
    function_code: record.code,
    description: record.description,
    metadata: { ...record.metadata },
  };
}

/**
 * `GET /v2/tasks/{id}`: only its status while it waits; its result (or exception), the
 * completion time and the worker's details once it has finished (no details for a task
 * refused at submission, which no worker saw).
 */
export function taskDocument(state: ComputeState, task: TaskRecord): Record<string, unknown> {
  if (!state.isDone(task) || task.startedAt === null) {
    return { task_id: task.id, status: "waiting-for-ep" };
  }
  const end = task.startedAt + task.seconds;
  if (task.refused) {
    return { task_id: task.id, status: "failed", ...task.outcome, completion_t: end.toFixed(6) };
  }
  const sdkVersion = state.endpoints.get(task.endpointId)?.metadata.sdk_version;
  return {
    task_id: task.id,
    status: "result" in task.outcome ? "success" : "failed",
    ...task.outcome,
    completion_t: end.toFixed(6),
    details: {
      ...WORKER,
      globus_compute_sdk_version: sdkVersion ?? "2.30.0",
      task_transitions: { "execution-start": task.startedAt, "execution-end": end },
    },
  };
}

/** `GET /v2/taskgroup/{id}`. */
export function taskGroupDocument(group: TaskGroupRecord): Record<string, unknown> {
  return {
    taskgroup_id: group.id,
    create_websockets_queue: group.createQueue,
    tasks: group.tasks.map((task) => ({ id: task.id, created_at: computeTime(task.createdAt) })),
  };
}
