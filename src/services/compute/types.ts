/**
 * Globus Compute's documents: what its API answers (typed for the fields Globus sends,
 * every other field kept) and what the registration and submission routes accept. Request
 * documents use the wire's own keys, as the Python SDK's `data` dictionaries do.
 */

/** One endpoint of {@link ComputeClientV2.getEndpoints}. */
export interface ComputeEndpointSummary {
  uuid: string;
  name: string;
  display_name: string;
  /** The owner's identity id. */
  owner: string;
  [field: string]: unknown;
}

/** An endpoint and what its process reported when it registered. */
export interface ComputeEndpoint {
  uuid: string;
  name: string;
  display_name: string;
  multi_user: boolean;
  /** Whether every user can discover it (multi-user endpoints); not an access control. */
  public: boolean;
  /** The endpoint's `config.yaml`. */
  endpoint_config?: string;
  /** The template a multi-user endpoint renders for each user. */
  user_config_template?: string;
  user_config_schema?: Record<string, unknown>;
  description?: string;
  hostname?: string;
  local_user?: string;
  ip_address?: string;
  endpoint_version?: string;
  sdk_version?: string;
  subscription_uuid?: string;
  [field: string]: unknown;
}

/** An endpoint's status. */
export interface ComputeEndpointStatus {
  /** `online` or `offline`. */
  status: string;
  details?: {
    total_workers?: number;
    idle_workers?: number;
    pending_tasks?: number;
    outstanding_tasks?: number;
    managers?: number;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Where an endpoint's process connects (AMQP) to read tasks or write results. */
export interface ComputeQueueInfo {
  /** An `amqps://` URL with freshly issued credentials: treat it as a secret. */
  connection_url: string;
  exchange: string;
  queue: string;
  queue_publish_kwargs?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The answer to an endpoint registration or update. */
export interface ComputeEndpointRegistration {
  endpoint_id: string;
  task_queue_info: ComputeQueueInfo;
  result_queue_info: ComputeQueueInfo;
  warnings?: string[];
  [field: string]: unknown;
}

/** The answer to a lock: when registrations are accepted again. */
export interface ComputeEndpointLock {
  endpoint_id: string;
  /** A UTC time such as `2021-07-01T00:00:00.000000`. */
  lock_expiration_timestamp: string;
  [field: string]: unknown;
}

/** The functions an endpoint may run. */
export interface ComputeEndpointAllowlist {
  endpoint_id: string;
  /** False when the endpoint runs any function. */
  restricted: boolean;
  functions?: string[];
  [field: string]: unknown;
}

/** The answer to a deletion (`result` is an HTTP-like status code, such as 302). */
export interface ComputeDeleteResult {
  result: number;
  [field: string]: unknown;
}

/** A registered function. */
export interface ComputeFunction {
  function_uuid: string;
  function_name?: string;
  /** The function as Compute's SDK serialised it. */
  function_code: string;
  description?: string;
  metadata: { python_version?: string; sdk_version?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** The answer to a function registration. */
export interface ComputeFunctionRegistration {
  function_uuid: string;
  /** Set when the function is bound to a high-assurance endpoint. */
  ha_warning?: string;
  [field: string]: unknown;
}

/** A task's status and, once it has finished, its (serialised) result. */
export interface ComputeTask {
  task_id: string;
  /** `waiting-for-ep`, `waiting-for-launch`, `running`, `success`, `failed`, ... */
  status: string;
  result?: string;
  exception?: string;
  /** Unix time of completion, as a string (`1677183605.212898`). */
  completion_t?: string;
  details?: {
    os?: string;
    python_version?: string;
    dill_version?: string;
    globus_compute_sdk_version?: string;
    /** Unix times by transition (`execution-start`, `execution-end`). */
    task_transitions?: Record<string, number>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** {@link ComputeClientV2.getTaskBatch}: each task by id. */
export interface ComputeTaskBatch {
  response: string;
  results: Record<string, ComputeTask & { reason?: string }>;
  [field: string]: unknown;
}

/** A task group and its tasks. */
export interface ComputeTaskGroup {
  taskgroup_id: string;
  create_websockets_queue?: boolean;
  tasks: Array<{ id: string; created_at: string; [field: string]: unknown }>;
  [field: string]: unknown;
}

/** The API's version, and with `service: "all"` the versions it requires. */
export interface ComputeVersionInfo {
  api: string;
  min_sdk_version?: string;
  min_endpoint_version?: string;
  git_sha?: string;
  [field: string]: unknown;
}

/** Credentials for reading one's results from Compute's AMQP service. */
export interface ComputeResultAmqpUrl {
  queue_prefix: string;
  /** An `amqps://` URL with a fresh password: treat it as a secret. */
  connection_url: string;
  [field: string]: unknown;
}

/** What an endpoint reports about itself when it registers. */
export interface ComputeEndpointMetadata {
  endpoint_config?: string;
  user_config_template?: string;
  user_config_schema?: Record<string, unknown>;
  description?: string;
  ip_address?: string;
  hostname?: string;
  local_user?: string;
  sdk_version?: string;
  endpoint_version?: string;
  python_version?: string;
  [field: string]: unknown;
}

/** A v2 endpoint registration (`POST /v2/endpoints`); the same id registers it again. */
export interface ComputeEndpointDocumentV2 {
  endpoint_name: string;
  endpoint_uuid: string;
  display_name?: string;
  version?: string;
  multi_user?: boolean;
  allowed_functions?: string[];
  authentication_policy?: string;
  metadata?: ComputeEndpointMetadata;
  [field: string]: unknown;
}

/** A v3 endpoint registration (`POST /v3/endpoints`, or `PUT` with its id). */
export interface ComputeEndpointDocumentV3 {
  endpoint_name: string;
  metadata: ComputeEndpointMetadata;
  display_name?: string;
  version?: string;
  multi_user?: boolean;
  high_assurance?: boolean;
  allowed_functions?: string[];
  authentication_policy?: string;
  subscription_uuid?: string;
  /** Identity ids that administer the endpoint besides its owner (needs a subscription). */
  admins?: string[];
  public?: boolean;
  [field: string]: unknown;
}

/** A v2 function registration. */
export interface ComputeFunctionDocumentV2 {
  function_name: string;
  /** The function as Compute's SDK serialises it. */
  function_code: string;
  entry_point?: string;
  description?: string;
  metadata?: { python_version?: string; sdk_version?: string; [field: string]: unknown };
  container_uuid?: string;
  /** A Globus group whose members may use the function. */
  group?: string;
  public?: boolean;
  [field: string]: unknown;
}

/** A v3 function registration. */
export interface ComputeFunctionDocumentV3 {
  function_name: string;
  function_code: string;
  description?: string;
  /** How the function was serialised. */
  meta: { python_version: string; sdk_version: string; serde_identifier: string };
  group?: string;
  public?: boolean;
  /** Bind the function to one high-assurance endpoint (exclusive with group and public). */
  ha_endpoint_id?: string;
  [field: string]: unknown;
}

/** One task of a v2 submission: `[functionId, endpointId, serialisedArguments]`. */
export type ComputeTaskTriple = [functionId: string, endpointId: string, payload: string];

/** A v2 submission document (`POST /v2/submit`). */
export interface ComputeSubmission {
  tasks: ComputeTaskTriple[];
  /** Add the tasks to this group (created when new); a new group otherwise. */
  task_group_id?: string;
  create_websocket_queue?: boolean;
  [field: string]: unknown;
}

/** The answer to a v2 submission: one result per task, in order. */
export interface ComputeSubmitResponse {
  response: string;
  task_group_id: string;
  results: Array<{
    status: string;
    task_uuid: string;
    http_status_code: number;
    /** Why the task was refused; null when it was accepted. */
    reason: string | null;
  }>;
  [field: string]: unknown;
}

/** A v3 submission document (`POST /v3/endpoints/{id}/submit`). */
export interface ComputeSubmissionV3 {
  /** Serialised arguments by function id: one task per entry. */
  tasks: Record<string, string[]>;
  /** An existing task group to add the tasks to. */
  task_group_id?: string;
  create_queue?: boolean;
  user_endpoint_config?: Record<string, unknown>;
  resource_specification?: {
    num_nodes: number;
    ranks_per_node?: number;
    num_ranks?: number;
    launcher_options?: string;
  };
  user_runtime?: Record<string, unknown>;
  result_serializers?: string[];
  [field: string]: unknown;
}

/** The answer to a v3 submission: task ids by function id, in the order submitted. */
export interface ComputeSubmitResponseV3 {
  request_id: string;
  task_group_id: string;
  endpoint_id: string;
  tasks: Record<string, string[]>;
  ha_warning?: string;
  [field: string]: unknown;
}
