import { FlowsScopes, type Scope } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { FlowsAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
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

interface FlowsPage {
  flows: Flow[];
  has_next_page: boolean;
  marker?: string;
}

/** Options of {@link FlowsClient.listFlows}. */
export interface ListFlowsOptions extends CallOptions {
  /** Only flows where you hold one of these roles (`flow_owner`, `flow_viewer`, ...). */
  filterRoles?: string | string[];
  /** Full-text filter on title, subtitle, description and keywords. */
  query?: string;
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
    return new Paginator(async (marker) => {
      const response = await this.request<FlowsPage>({
        path: "/flows",
        query: {
          filter_roles: options.filterRoles,
          filter_fulltext: options.query,
          orderby: options.orderBy,
          marker,
        },
        signal: options.signal,
        timeout: options.timeout,
      });
      const page = response.data;
      return { items: page.flows, next: page.has_next_page ? page.marker : undefined, raw: page };
    });
  }

  /** Gets one flow. */
  async getFlow(flowId: string, options: CallOptions = {}): Promise<Flow> {
    const response = await this.request<Flow>({ path: apiPath`/flows/${flowId}`, ...options });
    return response.data;
  }
}
