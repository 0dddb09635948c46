import { type Scope, SearchScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { SearchAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";
import { Paginator } from "../base/paging.ts";

/** A search result page: `gmeta` entries plus counts. */
export interface SearchResult {
  gmeta: Array<{
    subject: string;
    entries: Array<{ entry_id: string | null; content: Record<string, unknown> }>;
  }>;
  count: number;
  total: number;
  offset: number;
  has_next_page: boolean;
  [field: string]: unknown;
}

/** A client for Globus Search (`/v1/`). Bound to an app it requires `SearchScopes.search`. */
export class SearchClient extends BaseServiceClient {
  static override readonly serviceName = "search";
  static override readonly errorClass = SearchAPIError;
  /** Search's scopes and resource server. */
  static readonly scopes = SearchScopes;

  override get resourceServer(): string {
    return SearchScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [SearchScopes.search];
  }

  /** The indices you can use. */
  async listIndexes(options: CallOptions = {}): Promise<Array<Record<string, unknown>>> {
    const response = await this.request<{ index_list: Array<Record<string, unknown>> }>({
      path: "/v1/index_list",
      ...options,
    });
    return response.data.index_list;
  }

  /** A simple query (`GET .../search?q=`). */
  async search(
    indexId: string,
    q: string,
    options: CallOptions & { limit?: number; offset?: number } = {},
  ): Promise<SearchResult> {
    const response = await this.request<SearchResult>({
      path: apiPath`/v1/index/${indexId}/search`,
      query: { q, limit: options.limit, offset: options.offset },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }

  /** A simple query's results across pages of `limit` subjects (offset paging). */
  paginatedSearch(
    indexId: string,
    q: string,
    options: CallOptions & { limit?: number } = {},
  ): Paginator<SearchResult["gmeta"][number], number> {
    return new Paginator(async (offset = 0) => {
      const page = await this.search(indexId, q, { ...options, offset });
      return {
        items: page.gmeta,
        next: page.has_next_page ? offset + page.count : undefined,
        raw: page,
      };
    });
  }

  /** A structured query document (`POST .../search`): filters, facets, sort. */
  async postSearch(
    indexId: string,
    query: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<SearchResult> {
    const response = await this.request<SearchResult>({
      method: "POST",
      path: apiPath`/v1/index/${indexId}/search`,
      body: query,
      retrySafe: true,
      ...options,
    });
    return response.data;
  }

  /** Ingests a GMetaEntry or GMetaList document; returns the ingest task. */
  async ingest(
    indexId: string,
    document: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      method: "POST",
      path: apiPath`/v1/index/${indexId}/ingest`,
      body: document,
      ...options,
    });
    return response.data;
  }

  /** All entries of one subject. */
  async getSubject(
    indexId: string,
    subject: string,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      path: apiPath`/v1/index/${indexId}/subject`,
      query: { subject },
      ...options,
    });
    return response.data;
  }
}
