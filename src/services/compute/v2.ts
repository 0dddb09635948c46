import { apiPath } from "../../transport/encoding.ts";
import type { OperationOptions } from "../base/client.ts";
import { uuidList } from "../ids.ts";
import { ComputeServiceClient, computeId } from "./base.ts";
import type {
  ComputeDeleteResult,
  ComputeEndpoint,
  ComputeEndpointDocumentV2,
  ComputeEndpointLock,
  ComputeEndpointRegistration,
  ComputeEndpointStatus,
  ComputeEndpointSummary,
  ComputeFunction,
  ComputeFunctionDocumentV2,
  ComputeFunctionRegistration,
  ComputeResultAmqpUrl,
  ComputeSubmission,
  ComputeSubmitResponse,
  ComputeTask,
  ComputeTaskBatch,
  ComputeTaskGroup,
  ComputeVersionInfo,
} from "./types.ts";

/**
 * A client for the Globus Compute API, version 2: endpoints, functions, task submission
 * and results. Each method is the Python SDK's `ComputeClientV2` method of the same name in
 * camelCase; registration and submission take the API's own documents, as Python's `data`.
 */
export class ComputeClientV2 extends ComputeServiceClient {
  /** The API's version string; with `service: "all"`, also the versions it requires. */
  getVersion(options?: OperationOptions & { service?: "api" }): Promise<string>;
  getVersion(options: OperationOptions & { service: "all" }): Promise<ComputeVersionInfo>;
  async getVersion(
    options: OperationOptions & { service?: "api" | "all" } = {},
  ): Promise<string | ComputeVersionInfo> {
    return this.call({ path: "/v2/version", query: { service: options.service } }, options);
  }

  /**
   * New credentials (an `amqps://` URL) for reading one's task results from Compute's
   * AMQP service. Each call issues a fresh password.
   */
  async getResultAmqpUrl(options?: OperationOptions): Promise<ComputeResultAmqpUrl> {
    return this.call({ path: "/v2/get_amqp_result_connection_url" }, options);
  }

  /**
   * Registers an endpoint (`data.endpoint_uuid` names it; the same id registers it again),
   * as an endpoint's process does when it starts. Compute deprecates this route for
   * {@link ComputeClientV3.registerEndpoint}.
   */
  async registerEndpoint(
    data: ComputeEndpointDocumentV2,
    options?: OperationOptions,
  ): Promise<ComputeEndpointRegistration> {
    return this.call({ method: "POST", path: "/v2/endpoints", body: data }, options);
  }

  /** The endpoints of the caller (`role: "owner"`, the default), or also public ones (`"any"`). */
  async getEndpoints(
    options: OperationOptions & { role?: "owner" | "any" } = {},
  ): Promise<ComputeEndpointSummary[]> {
    return this.call({ path: "/v2/endpoints", query: { role: options.role } }, options);
  }

  /** One endpoint, with what its process reported when it registered. */
  async getEndpoint(endpointId: string, options?: OperationOptions): Promise<ComputeEndpoint> {
    const id = computeId("endpointId", endpointId);
    return this.call({ path: apiPath`/v2/endpoints/${id}` }, options);
  }

  /** An endpoint's status (online or not, and its load). */
  async getEndpointStatus(
    endpointId: string,
    options?: OperationOptions,
  ): Promise<ComputeEndpointStatus> {
    const id = computeId("endpointId", endpointId);
    return this.call({ path: apiPath`/v2/endpoints/${id}/status` }, options);
  }

  /** Deletes an endpoint (its owner or an administrator). */
  async deleteEndpoint(
    endpointId: string,
    options?: OperationOptions,
  ): Promise<ComputeDeleteResult> {
    const id = computeId("endpointId", endpointId);
    return this.call({ method: "DELETE", path: apiPath`/v2/endpoints/${id}` }, options);
  }

  /**
   * Locks an endpoint for a while: it refuses registrations, and its running process
   * loses its credentials and goes offline (for a compromised endpoint, say).
   */
  async lockEndpoint(endpointId: string, options?: OperationOptions): Promise<ComputeEndpointLock> {
    const id = computeId("endpointId", endpointId);
    return this.call({ method: "POST", path: apiPath`/v2/endpoints/${id}/lock` }, options);
  }

  /** Registers a function (its serialised code); answers its `function_uuid`. */
  async registerFunction(
    data: ComputeFunctionDocumentV2,
    options?: OperationOptions,
  ): Promise<ComputeFunctionRegistration> {
    return this.call({ method: "POST", path: "/v2/functions", body: data }, options);
  }

  /** A registered function: its name, serialised code and metadata. */
  async getFunction(functionId: string, options?: OperationOptions): Promise<ComputeFunction> {
    const id = computeId("functionId", functionId);
    return this.call({ path: apiPath`/v2/functions/${id}` }, options);
  }

  /** Deletes a function (its owner). */
  async deleteFunction(
    functionId: string,
    options?: OperationOptions,
  ): Promise<ComputeDeleteResult> {
    const id = computeId("functionId", functionId);
    return this.call({ method: "DELETE", path: apiPath`/v2/functions/${id}` }, options);
  }

  /**
   * Submits tasks (`[functionId, endpointId, serialisedArguments]` each); each result
   * carries its `task_uuid`, to poll with {@link getTask}, in the order submitted.
   */
  async submit(
    data: ComputeSubmission,
    options?: OperationOptions,
  ): Promise<ComputeSubmitResponse> {
    return this.call({ method: "POST", path: "/v2/submit", body: data }, options);
  }

  /** A task's status and, once it has finished, its result or exception. */
  async getTask(taskId: string, options?: OperationOptions): Promise<ComputeTask> {
    const id = computeId("taskId", taskId);
    return this.call({ path: apiPath`/v2/tasks/${id}` }, options);
  }

  /** The status (and results) of several tasks in one call, by task id. */
  async getTaskBatch(
    taskIds: string | Iterable<string>,
    options?: OperationOptions,
  ): Promise<ComputeTaskBatch> {
    const ids = uuidList("taskIds", taskIds);
    return this.call(
      { method: "POST", path: "/v2/batch_status", body: { task_ids: ids } },
      options,
    );
  }

  /** A task group and the ids of its tasks. */
  async getTaskGroup(taskGroupId: string, options?: OperationOptions): Promise<ComputeTaskGroup> {
    const id = computeId("taskGroupId", taskGroupId);
    return this.call({ path: apiPath`/v2/taskgroup/${id}` }, options);
  }
}
