import { ComputeScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { ComputeAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";

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

/** The answer to a function registration. */
export interface ComputeFunctionRegistration {
  function_uuid: string;
  [field: string]: unknown;
}

/** One task of a submission: `[functionId, endpointId, serialisedPayload]`. */
export type ComputeTaskTriple = [functionId: string, endpointId: string, payload: string];

/** A Compute v2 submission document. */
export interface ComputeSubmission {
  tasks: ComputeTaskTriple[];
  task_group_id?: string;
  create_queue?: boolean;
  [field: string]: unknown;
}

/** The answer to a submission: one result per task, in order. */
export interface ComputeSubmitResponse {
  response: string;
  task_group_id: string;
  results: Array<{
    status: string;
    /** The new task's id; null when the task was refused (see `reason`). */
    task_uuid: string | null;
    http_status_code: number;
    reason: string | null;
  }>;
  [field: string]: unknown;
}

/** A task's status and, once it has finished, its (serialised) result. */
export interface ComputeTask {
  task_id: string;
  /** `waiting-for-ep`, `waiting-for-launch`, `running`, `success`, `failed`, ... */
  status: string;
  result?: string;
  exception?: string;
  completion_t?: string;
  details?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A client for Globus Compute (`/v2/`). Bound to an app it requires `ComputeScopes.all`. */
export class ComputeClient extends BaseServiceClient {
  static override readonly serviceName = "compute";
  static override readonly errorClass = ComputeAPIError;
  /** Compute's scopes and resource server. */
  static readonly scopes = ComputeScopes;

  override get resourceServer(): string {
    return ComputeScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [ComputeScopes.all];
  }

  /** An endpoint's status (online or not, and its load). */
  async getEndpointStatus(
    endpointId: string,
    options: CallOptions = {},
  ): Promise<ComputeEndpointStatus> {
    const response = await this.request<ComputeEndpointStatus>({
      path: apiPath`/v2/endpoints/${endpointId}/status`,
      ...options,
    });
    return response.data;
  }

  /** Registers a function (serialised code); returns its `function_uuid`. */
  async registerFunction(
    fields: { functionName: string; functionCode: string; description?: string },
    options: CallOptions = {},
  ): Promise<ComputeFunctionRegistration> {
    const response = await this.request<ComputeFunctionRegistration>({
      method: "POST",
      path: "/v2/functions",
      body: {
        function_name: fields.functionName,
        function_code: fields.functionCode,
        description: fields.description,
      },
      ...options,
    });
    return response.data;
  }

  /** Submits tasks; each result carries its `task_uuid`, to poll with {@link getTask}. */
  async submit(
    submission: ComputeSubmission,
    options: CallOptions = {},
  ): Promise<ComputeSubmitResponse> {
    const response = await this.request<ComputeSubmitResponse>({
      method: "POST",
      path: "/v2/submit",
      body: submission,
      ...options,
    });
    return response.data;
  }

  /** A task's status and, once done, its result. */
  async getTask(taskId: string, options: CallOptions = {}): Promise<ComputeTask> {
    const response = await this.request<ComputeTask>({
      path: apiPath`/v2/tasks/${taskId}`,
      ...options,
    });
    return response.data;
  }
}
