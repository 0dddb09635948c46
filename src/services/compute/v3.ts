import { apiPath } from "../../transport/encoding.ts";
import type { OperationOptions } from "../base/client.ts";
import { ComputeServiceClient, computeId } from "./base.ts";
import type {
  ComputeEndpointAllowlist,
  ComputeEndpointDocumentV3,
  ComputeEndpointLock,
  ComputeEndpointRegistration,
  ComputeFunctionDocumentV3,
  ComputeFunctionRegistration,
  ComputeSubmissionV3,
  ComputeSubmitResponseV3,
} from "./types.ts";

/**
 * A client for the Globus Compute API, version 3: endpoint registration and updates,
 * locks, allowlists, function registration and submission to one endpoint. Each method is
 * the Python SDK's `ComputeClientV3` method of the same name in camelCase; reads (tasks,
 * functions, endpoint documents) are on {@link ComputeClientV2}.
 */
export class ComputeClientV3 extends ComputeServiceClient {
  /** Registers a new endpoint, as an endpoint's process does when it first starts. */
  async registerEndpoint(
    data: ComputeEndpointDocumentV3,
    options?: OperationOptions,
  ): Promise<ComputeEndpointRegistration> {
    return this.call({ method: "POST", path: "/v3/endpoints", body: data }, options);
  }

  /**
   * Registers the endpoint with this id again (a restart of its process), or for the first
   * time when the id is new. For an existing endpoint the fields left out keep their
   * values; `multi_user` and `high_assurance` cannot change.
   */
  async updateEndpoint(
    endpointId: string,
    data: Partial<ComputeEndpointDocumentV3>,
    options?: OperationOptions,
  ): Promise<ComputeEndpointRegistration> {
    const id = computeId("endpointId", endpointId);
    return this.call({ method: "PUT", path: apiPath`/v3/endpoints/${id}`, body: data }, options);
  }

  /**
   * Locks an endpoint for a while: it refuses registrations, and its running process
   * loses its credentials and goes offline.
   */
  async lockEndpoint(endpointId: string, options?: OperationOptions): Promise<ComputeEndpointLock> {
    const id = computeId("endpointId", endpointId);
    return this.call({ method: "POST", path: apiPath`/v3/endpoints/${id}/lock` }, options);
  }

  /** The functions an endpoint may run (`restricted: false`: any function). */
  async getEndpointAllowlist(
    endpointId: string,
    options?: OperationOptions,
  ): Promise<ComputeEndpointAllowlist> {
    const id = computeId("endpointId", endpointId);
    return this.call({ path: apiPath`/v3/endpoints/${id}/allowed_functions` }, options);
  }

  /** Registers a function (its serialised code and how it was serialised). */
  async registerFunction(
    data: ComputeFunctionDocumentV3,
    options?: OperationOptions,
  ): Promise<ComputeFunctionRegistration> {
    return this.call({ method: "POST", path: "/v3/functions", body: data }, options);
  }

  /**
   * Submits tasks to one endpoint: serialised arguments by function id. The answer holds
   * the new task ids by function id, in the order submitted; poll them with
   * {@link ComputeClientV2.getTask} or {@link ComputeClientV2.getTaskBatch}.
   */
  async submit(
    endpointId: string,
    data: ComputeSubmissionV3,
    options?: OperationOptions,
  ): Promise<ComputeSubmitResponseV3> {
    const id = computeId("endpointId", endpointId);
    return this.call(
      { method: "POST", path: apiPath`/v3/endpoints/${id}/submit`, body: data },
      options,
    );
  }
}
