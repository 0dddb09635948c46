import { GlobusSDKUsageError } from "../../errors.ts";
import {
  GCSCollectionScopes,
  type ScopeCollection,
  SpecificFlowScopes,
  TransferScopes,
} from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { FlowsAPIError } from "../../transport/errors.ts";
import {
  BaseServiceClient,
  type OperationOptions,
  type ServiceClientOptions,
} from "../base/client.ts";
import { uuidList } from "../ids.ts";
import {
  payload,
  type RunActivityNotificationPolicy,
  type RunMetadata,
  runMetadataFields,
} from "./data.ts";
import type { Run, RunActivityNotificationPolicyFields, RunValidation } from "./types.ts";

/** A run of a flow (the same document {@link FlowsClient} reads). */
export type FlowRun = Run;

/** Options of {@link SpecificFlowClient.runFlow} and {@link SpecificFlowClient.validateRun}. */
export interface RunFlowOptions extends OperationOptions, RunMetadata {
  /** When Flows mails the run's owner; its default is on INACTIVE only. */
  activityNotificationPolicy?: RunActivityNotificationPolicy | RunActivityNotificationPolicyFields;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A client for one flow. A flow is its own resource server (its id), with its own
 * `user` scope, which starting, validating and resuming its runs require; bound to an app
 * it requires that scope.
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

  #runBody(method: string, body: Record<string, unknown>, options: RunFlowOptions) {
    if (!isPlainObject(body)) {
      throw new GlobusSDKUsageError(`${method}: body must be a JSON object (the run's input).`);
    }
    return payload(
      {
        body,
        ...runMetadataFields(options),
        activity_notification_policy: options.activityNotificationPolicy,
      },
      options.additionalFields,
    );
  }

  /** Starts a run of the flow with `body` as its input (checked against the flow's input schema). */
  runFlow(body: Record<string, unknown>, options: RunFlowOptions = {}): Promise<FlowRun> {
    return this.call(
      {
        method: "POST",
        path: apiPath`/flows/${this.flowId}/run`,
        body: this.#runBody("runFlow", body, options),
      },
      options,
    );
  }

  /**
   * Checks that a run with this input and metadata would start (input schema, metadata,
   * your role and token), without starting it.
   */
  validateRun(body: Record<string, unknown>, options: RunFlowOptions = {}): Promise<RunValidation> {
    return this.call(
      {
        method: "POST",
        path: apiPath`/flows/${this.flowId}/validate_run`,
        body: this.#runBody("validateRun", body, options),
      },
      options,
    );
  }

  /**
   * Resumes an INACTIVE run of this flow. Flows acts with this call's token from now on,
   * so log in first with what the run lacks (see `runInactiveReason`).
   */
  resumeRun(runId: string, options?: OperationOptions): Promise<FlowRun> {
    return this.call({ method: "POST", path: apiPath`/runs/${runId}/resume` }, options);
  }

  /**
   * Requires, for runs of this flow, `data_access` consents on GCS collections the flow
   * moves data through: the flow's scope depending on Transfer (optionally) depending on
   * each collection's optional `data_access` scope, as the Python SDK builds it.
   */
  addAppTransferDataAccessScope(collectionIds: string | Iterable<string>): this {
    const ids = uuidList("collectionIds", collectionIds);
    const transfer = TransferScopes.all
      .withOptional(true)
      .withDependencies(ids.map((id) => GCSCollectionScopes(id).data_access.withOptional(true)));
    return this.addAppScope(this.scopes.user.withDependency(transfer));
  }
}
