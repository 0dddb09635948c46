import { type Scope, SearchScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { SearchAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";
import { Paginator } from "../base/paging.ts";

/** One subject's entries, as search results and `getSubject` return them. */
export interface GMetaResult {
  subject: string;
  entries: Array<{
    entry_id: string | null;
    content: Record<string, unknown>;
    [field: string]: unknown;
  }>;
  [field: string]: unknown;
}

/** A search result page: `gmeta` entries plus counts. */
export interface SearchResult {
  gmeta: GMetaResult[];
  count: number;
  total: number;
  offset: number;
  has_next_page: boolean;
  [field: string]: unknown;
}

/** A scroll page: like a search page, with the marker of the next one. */
export interface ScrollResult {
  gmeta: GMetaResult[];
  count: number;
  total: number;
  has_next_page: boolean;
  marker?: string | null;
  [field: string]: unknown;
}

/** A search index, with the fields scripts use; every other field is kept. */
export interface SearchIndex {
  id: string;
  display_name: string;
  description?: string;
  /** Your permissions on it: `owner`, `admin`, `writer`. */
  permissions?: string[];
  status?: string;
  num_subjects?: number;
  num_entries?: number;
  [field: string]: unknown;
}

/** The answer to an ingest: the task that applies it. */
export interface IngestResponse {
  acknowledged: boolean;
  success?: boolean;
  task_id: string;
  [field: string]: unknown;
}

/** A structured query (`POST .../search`): `q`, `filters`, `facets`, `sort`, ... */
export type SearchQuery = Record<string, unknown> & { q?: string; limit?: number; offset?: number };

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
  async listIndexes(options: CallOptions = {}): Promise<SearchIndex[]> {
    const response = await this.request<{ index_list: SearchIndex[] }>({
      path: "/v1/index_list",
      ...options,
    });
    return response.data.index_list;
  }

  /** A simple query (`GET .../search?q=`), one page. */
  async search(
    indexId: string,
    q: string,
    options: CallOptions & { limit?: number; offset?: number; advanced?: boolean } = {},
  ): Promise<SearchResult> {
    const response = await this.request<SearchResult>({
      path: apiPath`/v1/index/${indexId}/search`,
      query: { q, limit: options.limit, offset: options.offset, advanced: options.advanced },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }

  /** A simple query's results across pages of `limit` subjects (offset paging). */
  paginatedSearch(
    indexId: string,
    q: string,
    options: CallOptions & { limit?: number; advanced?: boolean } = {},
  ): Paginator<GMetaResult, number> {
    return offsetPaged((offset) => this.search(indexId, q, { ...options, offset }));
  }

  /** A structured query document (`POST .../search`), one page. */
  async postSearch(
    indexId: string,
    query: SearchQuery,
    options: CallOptions = {},
  ): Promise<SearchResult> {
    const response = await this.request<SearchResult>({
      method: "POST",
      path: apiPath`/v1/index/${indexId}/search`,
      body: query,
      // a query changes nothing, so resending it is safe
      retrySafe: true,
      ...options,
    });
    return response.data;
  }

  /** A structured query's results across pages (its `offset` advances; `limit` per page). */
  paginatedPostSearch(
    indexId: string,
    query: SearchQuery,
    options: CallOptions = {},
  ): Paginator<GMetaResult, number> {
    return offsetPaged(
      (offset) => this.postSearch(indexId, { ...query, offset }, options),
      query.offset ?? 0,
    );
  }

  /**
   * Every matching subject, past Search's 10,000-result limit of offset paging, by marker
   * (`POST .../scroll`).
   */
  scroll(
    indexId: string,
    query: SearchQuery,
    options: CallOptions = {},
  ): Paginator<GMetaResult, string> {
    return new Paginator(async (marker) => {
      const response = await this.request<ScrollResult>({
        method: "POST",
        path: apiPath`/v1/index/${indexId}/scroll`,
        body: marker === undefined ? query : { ...query, marker },
        retrySafe: true,
        signal: options.signal,
        timeout: options.timeout,
      });
      const page = response.data;
      return {
        items: page.gmeta,
        next: page.has_next_page && page.marker ? page.marker : undefined,
        raw: page,
      };
    });
  }

  /** Ingests a GMetaEntry or GMetaList document; returns the ingest task. */
  async ingest(
    indexId: string,
    document: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<IngestResponse> {
    const response = await this.request<IngestResponse>({
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
  ): Promise<GMetaResult> {
    const response = await this.request<GMetaResult>({
      path: apiPath`/v1/index/${indexId}/subject`,
      query: { subject },
      ...options,
    });
    return response.data;
  }
}

/** Search's offset paging: the next offset is this one plus the results it returned. */
function offsetPaged(
  fetchPage: (offset: number) => Promise<SearchResult>,
  start = 0,
): Paginator<GMetaResult, number> {
  return new Paginator(async (offset = start) => {
    const page = await fetchPage(offset);
    // an empty page that claims more would loop forever; stop instead
    const more = page.has_next_page && page.count > 0;
    return { items: page.gmeta, next: more ? offset + page.count : undefined, raw: page };
  });
}
