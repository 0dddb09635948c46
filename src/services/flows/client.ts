import { GlobusSDKUsageError } from "../../errors.ts";
import { type GARE, parseGare } from "../../gare/gare.ts";
import { FlowsScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { FlowsAPIError } from "../../transport/errors.ts";
import { BaseServiceClient, type OperationOptions } from "../base/client.ts";
import { markerPaging, type Paginator } from "../base/paging.ts";
import { payload, type RunMetadata, runMetadataFields } from "./data.ts";
import type {
  DeletedFlow,
  Flow,
  FlowRole,
  FlowValidation,
  RegisteredApi,
  RegisteredApiSummary,
  Run,
  RunDefinition,
  RunLogEntry,
  RunRole,
  WebInput,
  WebInputRole,
  WebInputState,
  WebInputSummary,
} from "./types.ts";

export { RunActivityNotificationPolicy, type RunMetadata } from "./data.ts";
export type * from "./types.ts";

/** The fields of a new or updated flow (each is sent only when given). */
export interface FlowFields {
  /** A name for people (1 to 128 characters). */
  title?: string;
  definition?: Record<string, unknown>;
  /** A JSON Schema that run input must fit. */
  inputSchema?: Record<string, unknown>;
  subtitle?: string;
  description?: string;
  /** Words for discovery (`filterFulltext` matches them). */
  keywords?: string[];
  /** Identity or group URNs, or `"public"`, who may see the flow. */
  flowViewers?: string[];
  /** Identity or group URNs, or `"all_authenticated_users"`, who may start runs. */
  flowStarters?: string[];
  /** Identity or group URNs who may change or delete the flow. */
  flowAdministrators?: string[];
  /** Identity or group URNs who may manage every run of the flow. */
  runManagers?: string[];
  /** Identity or group URNs who may watch every run of the flow. */
  runMonitors?: string[];
  /** The subscription to put the flow on (`null` for none; on update also `"DEFAULT"`). */
  subscriptionId?: string | null;
  /** An authentication policy that runs' identities must meet. */
  authenticationPolicyId?: string | null;
  /** Fields sent as given, after the others (the Python SDK's `additional_fields`). */
  additionalFields?: Record<string, unknown>;
}

/** The fields of {@link FlowsClient.updateFlow}: those of a flow, and its owner. */
export interface UpdateFlowFields extends FlowFields {
  /** Take over the flow: only your own identity URN, and only as an administrator. */
  flowOwner?: string;
}

function flowBody(fields: UpdateFlowFields): Record<string, unknown> {
  return payload(
    {
      title: fields.title,
      definition: fields.definition,
      input_schema: fields.inputSchema,
      subtitle: fields.subtitle,
      description: fields.description,
      flow_owner: fields.flowOwner,
      flow_viewers: fields.flowViewers,
      flow_starters: fields.flowStarters,
      flow_administrators: fields.flowAdministrators,
      run_managers: fields.runManagers,
      run_monitors: fields.runMonitors,
      keywords: fields.keywords,
      subscription_id: fields.subscriptionId,
      authentication_policy_id: fields.authenticationPolicyId,
    },
    fields.additionalFields,
  );
}

/** Options of {@link FlowsClient.listFlows}. */
export interface ListFlowsOptions extends OperationOptions {
  /** Only flows where you hold one of these roles. */
  filterRoles?: FlowRole | FlowRole[] | string | string[];
  /** Text matched against title, subtitle, description, keywords and ids. */
  filterFulltext?: string;
  /** Same as `filterFulltext` (this SDK's earlier name). */
  query?: string;
  /** Sorts such as `"updated_at DESC"`, or several (`["title ASC", "id DESC"]`). */
  orderby?: string | string[];
  /** Same as `orderby` (this SDK's earlier name). */
  orderBy?: string;
  /**
   * Flows per page (`per_page`, which Flows' OpenAPI spec documents; the Python SDK sends it
   * only through `query_params`).
   */
  perPage?: number;
}

/** Options of {@link FlowsClient.listRuns}. */
export interface ListRunsOptions extends OperationOptions {
  /** Only runs of these flows. */
  filterFlowId?: string | string[];
  /** Only runs where you hold one of these roles. */
  filterRoles?: RunRole | RunRole[] | string | string[];
  /** Runs per page (`per_page`, documented by Flows' OpenAPI spec, not the Python SDK). */
  perPage?: number;
}

/** Options of {@link FlowsClient.getRunLogs}. */
export interface GetRunLogsOptions extends OperationOptions {
  /** Entries per page (1 to 100). */
  limit?: number;
  /** Newest entries first. */
  reverseOrder?: boolean;
}

/** Options of {@link FlowsClient.listRegisteredApis}. */
export interface ListRegisteredApisOptions extends OperationOptions {
  /** Only APIs where you hold one of these roles; Flows' default is `owner` only. */
  filterRoles?: "owner" | "administrator" | "viewer" | ("owner" | "administrator" | "viewer")[];
  /** Sorts on `id`, `name`, `created_timestamp` or `updated_timestamp`. */
  orderby?: string | string[];
  perPage?: number;
}

/** Options of {@link FlowsClient.listWebInputs}. */
export interface ListWebInputsOptions extends OperationOptions {
  /** Only web inputs where you hold one of these roles (default: either). */
  filterRoles?: WebInputRole | WebInputRole[];
  /** Only web inputs in these states; Flows' default is `open` only. */
  filterStates?: WebInputState | WebInputState[];
  /** Only web inputs of these flows (at most 10). */
  filterFlowIds?: string | string[];
  /** Only web inputs of these runs (at most 10). */
  filterRunIds?: string | string[];
  /** Sorts on `created_timestamp`, `edited_timestamp` or `closed_timestamp`. */
  orderby?: string | string[];
  perPage?: number;
}

/**
 * Why an INACTIVE run waits, as a GARE (Globus Auth Requirements Error): Flows puts it in
 * the run's `details`, for example a `ConsentRequired` naming the scope to consent to.
 * Log in with its `authorization_parameters`, then `SpecificFlowClient.resumeRun`.
 * Null when the run is not INACTIVE or waits for something else.
 */
export function runInactiveReason(run: Run): GARE | null {
  return run.status === "INACTIVE" ? parseGare(run.details) : null;
}

/**
 * A client for Globus Flows: flows, runs, web inputs and registered APIs. Bound to an app
 * it requires `view_flows` and `run_status` by default; add `manage_flows` to create and
 * change flows, `run_manage` to change runs, `web_input_view` / `web_input_respond` for
 * web inputs (or pass `appScopes`). Starting a run takes a {@link SpecificFlowClient}.
 */
export class FlowsClient extends BaseServiceClient {
  static override readonly serviceName = "flows";
  static override readonly errorClass = FlowsAPIError;
  /** Flows' scopes and resource server. */
  static readonly scopes = FlowsScopes;

  override get resourceServer(): string {
    return FlowsScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [FlowsScopes.view_flows, FlowsScopes.run_status];
  }

  // ----- flows -----

  /** Creates a flow (`POST /flows`, needs `manage_flows`). */
  createFlow(
    fields: FlowFields & { title: string; definition: Record<string, unknown> },
    options?: OperationOptions,
  ): Promise<Flow> {
    return this.call({ method: "POST", path: "/flows", body: flowBody(fields) }, options);
  }

  /** Gets one flow. */
  getFlow(flowId: string, options?: OperationOptions): Promise<Flow> {
    return this.call({ path: apiPath`/flows/${flowId}` }, options);
  }

  /** Lists the flows you hold a role on, across pages: `for await (const f of listFlows())`. */
  listFlows(options: ListFlowsOptions = {}): Paginator<Flow, string> {
    const query = {
      filter_roles: options.filterRoles,
      filter_fulltext: options.filterFulltext ?? options.query,
      orderby: options.orderby ?? options.orderBy,
      per_page: options.perPage,
    };
    return this.paged({ path: "/flows", query }, markerPaging({ itemsKey: "flows" }), options);
  }

  /** Changes the given fields of a flow (`PUT`; fields not given are left as they are). */
  updateFlow(flowId: string, fields: UpdateFlowFields, options?: OperationOptions): Promise<Flow> {
    return this.call(
      { method: "PUT", path: apiPath`/flows/${flowId}`, body: flowBody(fields) },
      options,
    );
  }

  /** Deletes a flow; Flows answers with the flow, marked `DELETED`. */
  deleteFlow(flowId: string, options?: OperationOptions): Promise<DeletedFlow> {
    return this.call({ method: "DELETE", path: apiPath`/flows/${flowId}` }, options);
  }

  /** Checks a definition (and input schema) without creating a flow; names the scopes it needs. */
  validateFlow(
    definition: Record<string, unknown>,
    inputSchema?: Record<string, unknown>,
    options?: OperationOptions,
  ): Promise<FlowValidation> {
    return this.call(
      {
        method: "POST",
        path: "/flows/validate",
        body: payload({ definition, input_schema: inputSchema }),
      },
      options,
    );
  }

  // ----- runs -----

  /** Lists the runs you hold a role on, across pages. */
  listRuns(options: ListRunsOptions = {}): Paginator<Run, string> {
    const query = {
      filter_flow_id: options.filterFlowId,
      filter_roles: options.filterRoles,
      per_page: options.perPage,
    };
    return this.paged({ path: "/runs", query }, markerPaging({ itemsKey: "runs" }), options);
  }

  /** Gets one run; with `includeFlowDescription`, a summary of its flow as well. */
  getRun(
    runId: string,
    options: OperationOptions & { includeFlowDescription?: boolean } = {},
  ): Promise<Run> {
    return this.call(
      {
        path: apiPath`/runs/${runId}`,
        query: { include_flow_description: options.includeFlowDescription },
      },
      options,
    );
  }

  /** The definition and input schema a run was started with (the flow may have changed since). */
  getRunDefinition(runId: string, options?: OperationOptions): Promise<RunDefinition> {
    return this.call({ path: apiPath`/runs/${runId}/definition` }, options);
  }

  /** A run's log entries, oldest first (or `reverseOrder`), across pages. */
  getRunLogs(runId: string, options: GetRunLogsOptions = {}): Paginator<RunLogEntry, string> {
    return this.paged(
      {
        path: apiPath`/runs/${runId}/log`,
        query: { limit: options.limit, reverse_order: options.reverseOrder },
      },
      markerPaging({ itemsKey: "entries" }),
      options,
    );
  }

  /** Cancels a run (needs `run_manage`); an ended run is answered unchanged. */
  cancelRun(runId: string, options?: OperationOptions): Promise<Run> {
    return this.call({ method: "POST", path: apiPath`/runs/${runId}/cancel` }, options);
  }

  /** Changes a run's label, tags, managers or monitors (needs `run_manage`). */
  updateRun(runId: string, fields: RunMetadata, options?: OperationOptions): Promise<Run> {
    return this.call(
      {
        method: "PUT",
        path: apiPath`/runs/${runId}`,
        body: payload(runMetadataFields(fields), fields.additionalFields),
      },
      options,
    );
  }

  /**
   * Deletes an ended run (`POST /runs/{id}/release`, needs `run_manage`); a run that has
   * not ended is a 409 `STATE_CONFLICT`.
   */
  deleteRun(runId: string, options?: OperationOptions): Promise<Run> {
    return this.call({ method: "POST", path: apiPath`/runs/${runId}/release` }, options);
  }

  // ----- registered APIs -----

  /** Gets one registered API. */
  getRegisteredApi(registeredApiId: string, options?: OperationOptions): Promise<RegisteredApi> {
    return this.call({ path: apiPath`/registered_apis/${registeredApiId}` }, options);
  }

  /** Lists registered APIs across pages (by default only those you own). */
  listRegisteredApis(
    options: ListRegisteredApisOptions = {},
  ): Paginator<RegisteredApiSummary, string> {
    const query = {
      filter_roles: options.filterRoles,
      orderby: options.orderby,
      per_page: options.perPage,
    };
    return this.paged(
      { path: "/registered_apis", query },
      markerPaging({ itemsKey: "registered_apis" }),
      options,
    );
  }

  // ----- web inputs -----

  /** Lists the web inputs you may view or answer, across pages (by default the open ones). */
  listWebInputs(options: ListWebInputsOptions = {}): Paginator<WebInputSummary, string> {
    const query = {
      filter_roles: options.filterRoles,
      filter_states: options.filterStates,
      filter_flow_ids: options.filterFlowIds,
      filter_run_ids: options.filterRunIds,
      orderby: options.orderby,
      per_page: options.perPage,
    };
    // the last page is the one whose marker is null
    return this.paged(
      { path: "/web_inputs", query },
      markerPaging({ itemsKey: "web_input_summaries", nullable: true }),
      options,
    );
  }

  /** Gets a web input: what it asks, its options, and who may answer. */
  getWebInput(webInputId: string, options?: OperationOptions): Promise<WebInput> {
    return this.call({ path: apiPath`/web_inputs/${webInputId}` }, options);
  }

  /**
   * Answers a web input (you need the `respondent` role). For a `selection` input, `value`
   * is the `option_id` of the option chosen. The run waiting on it then goes on.
   */
  respondToWebInput(
    webInputId: string,
    value: unknown,
    options?: OperationOptions,
  ): Promise<{ status?: string; [field: string]: unknown }> {
    if (value === undefined) {
      throw new GlobusSDKUsageError("respondToWebInput: value is required (an option_id).");
    }
    return this.call(
      {
        method: "POST",
        path: apiPath`/web_inputs/${webInputId}/respond`,
        body: { response: { value } },
      },
      options,
    );
  }
}
