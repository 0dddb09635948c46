import { ComputeScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { ComputeAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";

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
  getEndpointStatus(endpointId: string, options: CallOptions = {}) {
    return this.#get(apiPath`/v2/endpoints/${endpointId}/status`, options);
  }

  /** Registers a function (serialised code); returns its `function_uuid`. */
  async registerFunction(
    fields: { functionName: string; functionCode: string; description?: string },
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
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

  /** Submits tasks: a Compute submission document (`tasks`, `task_group_id`, ...). */
  async submit(
    document: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      method: "POST",
      path: "/v2/submit",
      body: document,
      ...options,
    });
    return response.data;
  }

  /** A task's status and, once done, its result. */
  getTask(taskId: string, options: CallOptions = {}) {
    return this.#get(apiPath`/v2/tasks/${taskId}`, options);
  }

  async #get(path: string, options: CallOptions): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({ path, ...options });
    return response.data;
  }
}
