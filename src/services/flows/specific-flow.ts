import {
  GCSCollectionScopes,
  type ScopeCollection,
  SpecificFlowScopes,
  TransferScopes,
} from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { FlowsAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient, type ServiceClientOptions } from "../base/client.ts";
import { uuidList } from "../ids.ts";

/** A run of a flow, with the fields scripts use; every other field is kept. */
export interface FlowRun {
  run_id: string;
  flow_id: string;
  status: "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED" | "ENDED";
  label: string;
  tags: string[];
  [field: string]: unknown;
}

/** Options of {@link SpecificFlowClient.runFlow}. */
export interface RunFlowOptions extends CallOptions {
  label?: string;
  tags?: string[];
  /** Identities or groups (URNs) who may manage the run. */
  runManagers?: string[];
  /** Identities or groups (URNs) who may watch the run. */
  runMonitors?: string[];
}

/**
 * A client for one flow. A flow is its own resource server (its id), with its own
 * `user` scope, which running it requires; bound to an app it requires that scope.
 */
export class SpecificFlowClient extends BaseServiceClient {
  static override readonly serviceName = "flows";
  static override readonly errorClass = FlowsAPIError;
  readonly flowId: string;
  /** This flow's scopes and resource server. */
  readonly scopes: ScopeCollection<"user">;

  constructor(flowId: string, options: ServiceClientOptions = {}) {
    const scopes = SpecificFlowScopes(uuidList("flowId", flowId)[0] as string);
    super(options, { resourceServer: scopes.resourceServer, defaultScopes: [scopes.user] });
    this.flowId = flowId;
    this.scopes = scopes;
  }

  /** Starts a run of the flow with `body` as its input. */
  async runFlow(body: Record<string, unknown>, options: RunFlowOptions = {}): Promise<FlowRun> {
    const response = await this.request<FlowRun>({
      method: "POST",
      path: apiPath`/flows/${this.flowId}/run`,
      body: {
        body,
        label: options.label,
        tags: options.tags,
        run_managers: options.runManagers,
        run_monitors: options.runMonitors,
      },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }

  /**
   * Requires, for runs of this flow, `data_access` consents on GCS collections the flow
   * moves data through: the flow's scope depending on Transfer depending on each
   * collection's optional `data_access` scope.
   */
  addAppTransferDataAccessScope(collectionIds: string | Iterable<string>): this {
    const ids = uuidList("collectionIds", collectionIds);
    const transfer = TransferScopes.all.withDependencies(
      ids.map((id) => GCSCollectionScopes(id).data_access.withOptional(true)),
    );
    return this.addAppScope(this.scopes.user.withDependency(transfer));
  }
}
