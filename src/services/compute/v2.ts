import { apiPath } from "../../transport/encoding.ts";
import type { OperationOptions } from "../base/client.ts";
import { ComputeServiceClient, computeId } from "./base.ts";
import type {
  ComputeEndpoint,
  ComputeEndpointStatus,
  ComputeEndpointSummary,
  ComputeFunction,
  ComputeFunctionDocumentV2,
  ComputeFunctionRegistration,
  ComputeSubmission,
  ComputeSubmitResponse,
  ComputeTask,
} from "./types.ts";

/**
 * A client for the Globus Compute API, version 2: endpoints, functions, task submission
 * and results. Each method is the Python SDK's `ComputeClientV2` method of the same name in
 * camelCase; registration and submission take the API's own documents, as Python's `data`.
 */
export class ComputeClientV2 extends ComputeServiceClient {
  /** The endpoints of the caller (`role: "owner"`, the default), or also public ones (`"any"`). */
  getEndpoints(
    options: OperationOptions & { role?: "owner" | "any" } = {},
  ): Promise<ComputeEndpointSummary[]> {
    return this.call({ path: "/v2/endpoints", query: { role: options.role } }, options);
  }

  /** One endpoint, with what its process reported when it registered. */
  getEndpoint(endpointId: string, options?: OperationOptions): Promise<ComputeEndpoint> {
    const id = computeId("endpointId", endpointId);
    return this.call({ path: apiPath`/v2/endpoints/${id}` }, options);
  }

  /** An endpoint's status (online or not, and its load). */
  getEndpointStatus(
    endpointId: string,
    options?: OperationOptions,
  ): Promise<ComputeEndpointStatus> {
    const id = computeId("endpointId", endpointId);
    return this.call({ path: apiPath`/v2/endpoints/${id}/status` }, options);
  }

  /** Registers a function (its serialised code); answers its `function_uuid`. */
  registerFunction(
    data: ComputeFunctionDocumentV2,
    options?: OperationOptions,
  ): Promise<ComputeFunctionRegistration> {
    return this.call({ method: "POST", path: "/v2/functions", body: data }, options);
  }

  /** A registered function: its name, serialised code and metadata. */
  getFunction(functionId: string, options?: OperationOptions): Promise<ComputeFunction> {
    const id = computeId("functionId", functionId);
    return this.call({ path: apiPath`/v2/functions/${id}` }, options);
  }

  /**
   * Submits tasks (`[functionId, endpointId, serialisedArguments]` each); each result
   * carries its `task_uuid`, to poll with {@link getTask}, in the order submitted.
   */
  submit(data: ComputeSubmission, options?: OperationOptions): Promise<ComputeSubmitResponse> {
    return this.call({ method: "POST", path: "/v2/submit", body: data }, options);
  }

  /** A task's status and, once it has finished, its result or exception. */
  getTask(taskId: string, options?: OperationOptions): Promise<ComputeTask> {
    const id = computeId("taskId", taskId);
    return this.call({ path: apiPath`/v2/tasks/${id}` }, options);
  }
}
