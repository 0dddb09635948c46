import { FlowsScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { FlowsAPIError } from "../../transport/errors.ts";
import type { CallOptions, RequestOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";
import { Paginator } from "../base/paging.ts";

/** A flow, with the fields scripts use; every other field is kept. */
export interface Flow {
  id: string;
  title: string;
  subtitle?: string;
  description?: string;
  definition: Record<string, unknown>;
  flow_owner: string;
  [field: string]: unknown;
}

/** A run of a flow, as listed or fetched. */
export interface Run {
  run_id: string;
  flow_id: string;
  status: string;
  label: string;
  [field: string]: unknown;
}

/** One entry of a run's log. */
export interface RunLogEntry {
  code: string;
  description: string;
  time: string;
  details?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The fields of a new or updated flow. */
export interface FlowFields {
  title?: string;
  definition?: Record<string, unknown>;
  inputSchema?: Record<string, unknown>;
  subtitle?: string;
  description?: string;
  keywords?: string[];
  flowViewers?: string[];
  flowStarters?: string[];
  flowAdministrators?: string[];
  runManagers?: string[];
  runMonitors?: string[];
}

function flowBody(fields: FlowFields): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: fields.title,
    definition: fields.definition,
    input_schema: fields.inputSchema,
    subtitle: fields.subtitle,
    description: fields.description,
    keywords: fields.keywords,
    flow_viewers: fields.flowViewers,
    flow_starters: fields.flowStarters,
    flow_administrators: fields.flowAdministrators,
    run_managers: fields.runManagers,
    run_monitors: fields.runMonitors,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/** A marker-paged Flows listing: the items under `key`, and the next marker. */
interface MarkerPage {
  has_next_page: boolean;
  marker?: string | null;
  [key: string]: unknown;
}

/** Options of {@link FlowsClient.listFlows}. */
export interface ListFlowsOptions extends CallOptions {
  /** Only flows where you hold one of these roles (`flow_owner`, `flow_viewer`, ...). */
  filterRoles?: string | string[];
  /** Full-text filter on title, subtitle, description and keywords. */
  query?: string;
  /** Flows per page (Flows' `per_page`). */
  perPage?: number;
  /** A sort such as `"updated_at DESC"`. */
  orderBy?: string;
}

/**
 * A client for Globus Flows. Bound to an app it requires `view_flows` and `run_status`
 * by default, as the GlobusApp documents describe; add `manage_flows` to create flows.
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

  /** Lists flows across pages: `for await (const flow of flows.listFlows())`. */
  listFlows(options: ListFlowsOptions = {}): Paginator<Flow, string> {
    return this.#markerPaged<Flow>(
      "/flows",
      "flows",
      {
        filter_roles: options.filterRoles,
        filter_fulltext: options.query,
        orderby: options.orderBy,
        per_page: options.perPage,
      },
      options,
    );
  }

  /** Creates a flow (needs `manage_flows`). */
  async createFlow(
    fields: FlowFields & { title: string; definition: Record<string, unknown> },
    options: CallOptions = {},
  ): Promise<Flow> {
    const response = await this.request<Flow>({
      method: "POST",
      path: "/flows",
      body: flowBody(fields),
      ...options,
    });
    return response.data;
  }

  /** Updates the given fields of a flow. */
  async updateFlow(flowId: string, fields: FlowFields, options: CallOptions = {}): Promise<Flow> {
    const response = await this.request<Flow>({
      method: "PUT",
      path: apiPath`/flows/${flowId}`,
      body: flowBody(fields),
      ...options,
    });
    return response.data;
  }

  /** Deletes a flow. */
  async deleteFlow(flowId: string, options: CallOptions = {}): Promise<Flow> {
    const response = await this.request<Flow>({
      method: "DELETE",
      path: apiPath`/flows/${flowId}`,
      ...options,
    });
    return response.data;
  }

  /** Validates a definition (and input schema) without creating a flow. */
  async validateFlow(
    definition: Record<string, unknown>,
    inputSchema?: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      method: "POST",
      path: "/flows/validate",
      body: inputSchema ? { definition, input_schema: inputSchema } : { definition },
      ...options,
    });
    return response.data;
  }

  /** Lists runs across pages. */
  listRuns(
    options: CallOptions & {
      filterFlowId?: string | string[];
      filterRoles?: string | string[];
      /** Runs per page (Flows' `per_page`). */
      perPage?: number;
    } = {},
  ): Paginator<Run, string> {
    return this.#markerPaged<Run>(
      "/runs",
      "runs",
      {
        filter_flow_id: options.filterFlowId,
        filter_roles: options.filterRoles,
        per_page: options.perPage,
      },
      options,
    );
  }

  /** Gets one run. */
  async getRun(runId: string, options: CallOptions = {}): Promise<Run> {
    const response = await this.request<Run>({ path: apiPath`/runs/${runId}`, ...options });
    return response.data;
  }

  /** A run's log entries across pages. */
  getRunLogs(
    runId: string,
    options: CallOptions & { limit?: number } = {},
  ): Paginator<RunLogEntry, string> {
    return this.#markerPaged<RunLogEntry>(
      apiPath`/runs/${runId}/log`,
      "entries",
      { limit: options.limit },
      options,
    );
  }

  /** Cancels a run. */
  async cancelRun(runId: string, options: CallOptions = {}): Promise<Run> {
    const response = await this.request<Run>({
      method: "POST",
      path: apiPath`/runs/${runId}/cancel`,
      ...options,
    });
    return response.data;
  }

  /** Flows pages by an opaque marker, sent with the original query as the Python SDK does. */
  #markerPaged<T>(
    path: string,
    key: string,
    query: RequestOptions["query"],
    options: CallOptions,
  ): Paginator<T, string> {
    return new Paginator(async (marker) => {
      const response = await this.request<MarkerPage>({
        path,
        query: { ...query, marker },
        signal: options.signal,
        timeout: options.timeout,
      });
      const page = response.data;
      return {
        items: (page[key] as T[] | undefined) ?? [],
        next: page.has_next_page && page.marker ? page.marker : undefined,
        raw: page,
      };
    });
  }

  /** Gets one flow. */
  async getFlow(flowId: string, options: CallOptions = {}): Promise<Flow> {
    const response = await this.request<Flow>({ path: apiPath`/flows/${flowId}`, ...options });
    return response.data;
  }
}
