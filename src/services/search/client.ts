import { GlobusSDKUsageError } from "../../errors.ts";
import { type Scope, SearchScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { SearchAPIError } from "../../transport/errors.ts";
import { BaseServiceClient, type OperationOptions } from "../base/client.ts";
import { markerPaging, offsetPaging, type Paginator, type PagingStyle } from "../base/paging.ts";
import { uuidList } from "../ids.ts";
import type {
  SearchFilter,
  SearchQueryDocument,
  SearchQueryV1,
  SearchScrollQuery,
  SearchScrollQueryDocument,
} from "./data.ts";

/** One entry of a result: its content, its id (null by default), and why you may see it. */
export interface GMetaResultEntry {
  entry_id: string | null;
  content: Record<string, unknown>;
  matched_principal_sets?: string[];
  [field: string]: unknown;
}

/** One subject's entries, as search results, `getSubject` and `getEntry` return them. */
export interface GMetaResult {
  subject: string;
  entries: GMetaResultEntry[];
  [field: string]: unknown;
}

/** A search result page: `gmeta` entries plus counts (and facet results when asked for). */
export interface SearchResult {
  gmeta: GMetaResult[];
  count: number;
  total: number;
  offset: number;
  has_next_page: boolean;
  facet_results?: Array<Record<string, unknown>>;
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

/** A role on an index; `owner`, `admin` and `writer` are the names Search knows. */
export type SearchRoleName = "owner" | "admin" | "writer";

/** A search index, with the fields scripts use; every other field is kept. */
export interface SearchIndex {
  id: string;
  display_name: string;
  description: string;
  creation_date?: string;
  is_trial?: boolean;
  subscription_id?: string | null;
  max_size_in_mb?: number;
  size_in_mb?: number;
  num_subjects?: number;
  num_entries?: number;
  /** `open`, or `delete-pending` after `deleteIndex` (until `reopenIndex` or removal). */
  status?: "open" | "delete-pending" | (string & {});
  /** Your roles on it (`getIndex`, `indexList`). */
  permissions?: SearchRoleName[];
  [field: string]: unknown;
}

/** The answer to `indexList`. */
export interface IndexListResponse {
  index_list: SearchIndex[];
  [field: string]: unknown;
}

/** The answer to `deleteIndex` and `reopenIndex`. */
export interface IndexStatusResponse {
  index_id: string;
  acknowledged: boolean;
  [field: string]: unknown;
}

/** The answer to a write (ingest, the deletes): the task that applies it. */
export interface SearchTaskSubmission {
  task_id: string;
  acknowledged?: boolean;
  [field: string]: unknown;
}

/** The answer to an ingest: the task that applies it. */
export interface IngestResponse extends SearchTaskSubmission {
  success?: boolean;
  num_documents_ingested?: number;
  as_identity?: string;
}

/** A Search task: a write, from PENDING through PROGRESS to SUCCESS (or FAILED, CANCELLED). */
export interface SearchTask {
  task_id: string;
  index_id: string;
  task_type: string;
  state: "PENDING" | "PROGRESS" | "SUCCESS" | "FAILED" | "CANCELLED" | (string & {});
  state_description?: string;
  message?: string;
  creation_date: string;
  completion_date: string | null;
  additional_details?: unknown;
  [field: string]: unknown;
}

/** The answer to `getTaskList`: an index's recent tasks. */
export interface SearchTaskList {
  index_id: string;
  tasks: SearchTask[];
  [field: string]: unknown;
}

/** A role: a principal URN granted a role name on an index. */
export interface SearchRole {
  id: string;
  index_id: string;
  role_name: SearchRoleName;
  principal: string;
  principal_type: "identity" | "group";
  creation_date: string;
  [field: string]: unknown;
}

/** The document `createRole` takes. */
export interface SearchRoleCreate {
  role_name: SearchRoleName;
  /** `urn:globus:auth:identity:<id>` or `urn:globus:groups:id:<id>`. */
  principal: string;
  [field: string]: unknown;
}

/** The answer to `getRoleList`. */
export interface SearchRoleList {
  role_list: SearchRole[];
  [field: string]: unknown;
}

/** The answer to `deleteRole`. */
export interface DeletedRoleResponse {
  deleted: SearchRole;
  success: boolean;
  [field: string]: unknown;
}

/** One document to ingest: a subject's entry, who may see it, and its content. */
export interface GMetaEntry {
  subject: string;
  /** Principal URNs, `public` or `all_authenticated_users`. */
  visible_to: string[];
  content: Record<string, unknown>;
  /** The entry id; a subject's entries differ by it (null by default). */
  id?: string | null;
  principal_sets?: Record<string, string[]>;
  [field: string]: unknown;
}

/** An ingest document: one entry (`GMetaEntry`) or several (`GMetaList`). */
export type IngestDocument =
  | { ingest_type: "GMetaEntry"; ingest_data: GMetaEntry; field_mapping?: Record<string, string> }
  | {
      ingest_type: "GMetaList";
      ingest_data: { gmeta: GMetaEntry[] };
      field_mapping?: Record<string, string>;
    };

/** A delete-by-query document: a query without paging, facets, boosts or sort. */
export interface DeleteByQueryDocument {
  "@version"?: string;
  q?: string;
  advanced?: boolean;
  filters?: SearchFilter[];
  [field: string]: unknown;
}

/** Options of `search` and `paginatedSearch`. */
export interface SearchOptions extends OperationOptions {
  /** Results per page (`paginatedSearch` asks for 100 unless told). */
  limit?: number;
  offset?: number;
  /** Parse `q` with the advanced syntax. */
  advanced?: boolean;
}

/** Options of `postSearch` and `paginatedPostSearch`: they win over the document's. */
export interface PostSearchOptions extends OperationOptions {
  limit?: number;
  offset?: number;
}

/** Options of the operations that name one entry: its id (null by default). */
export interface EntryOptions extends OperationOptions {
  entryId?: string;
}

/** Search's results cannot be paged by offset past this many. */
const MAX_OFFSET_RESULTS = 10000;
/** The page size the Python SDK's paginated searches ask for. */
const PAGED_SEARCH_LIMIT = 100;

/** Search ids (indices, tasks) are UUIDs: a typo fails here, naming the argument. */
function checkId(name: string, value: string): string {
  uuidList(name, value);
  return value;
}

/**
 * A client for Globus Search (`/v1/`): every method of the Python SDK's `SearchClient`,
 * named in camelCase. Bound to an app it requires `SearchScopes.search`; writes need
 * `ingest`, and index and role management `all`.
 */
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

  // ---- index management ----

  /** Creates an index (a trial index), with you as its owner. */
  createIndex(
    displayName: string,
    description: string,
    options?: OperationOptions,
  ): Promise<SearchIndex> {
    return this.call(
      { method: "POST", path: "/v1/index", body: { display_name: displayName, description } },
      options,
    );
  }

  /** Changes an index's name or description (owners and admins). */
  updateIndex(
    indexId: string,
    options: OperationOptions & { displayName?: string; description?: string } = {},
  ): Promise<SearchIndex> {
    // unset fields are left out (JSON drops undefined), so they stay as they are
    const body = { display_name: options.displayName, description: options.description };
    return this.call(
      { method: "PATCH", path: apiPath`/v1/index/${checkId("indexId", indexId)}`, body },
      options,
    );
  }

  /**
   * Marks an index for deletion (`status: "delete-pending"`): its pending tasks are cancelled,
   * and it can be reopened until Search removes it (minutes for a trial index, 30 days
   * otherwise).
   */
  deleteIndex(indexId: string, options?: OperationOptions): Promise<IndexStatusResponse> {
    return this.call(
      { method: "DELETE", path: apiPath`/v1/index/${checkId("indexId", indexId)}` },
      options,
    );
  }

  /** Reopens an index marked for deletion, cancelling the deletion. */
  reopenIndex(indexId: string, options?: OperationOptions): Promise<IndexStatusResponse> {
    return this.call(
      { method: "POST", path: apiPath`/v1/index/${checkId("indexId", indexId)}/reopen` },
      options,
    );
  }

  /** An index's description, size and status, with your roles on it. */
  getIndex(indexId: string, options?: OperationOptions): Promise<SearchIndex> {
    return this.call({ path: apiPath`/v1/index/${checkId("indexId", indexId)}` }, options);
  }

  /** The indices you hold a role on, optionally only those where you hold `filterRoles`. */
  indexList(
    options: OperationOptions & { filterRoles?: SearchRoleName | Iterable<SearchRoleName> } = {},
  ): Promise<IndexListResponse> {
    const roles = options.filterRoles;
    const query = {
      filter_roles: roles === undefined || typeof roles === "string" ? roles : [...roles].join(","),
    };
    return this.call({ path: "/v1/index_list", query }, options);
  }

  /** The indices you hold a role on, as a list: `indexList(...).index_list`. */
  async listIndexes(
    options?: OperationOptions & { filterRoles?: SearchRoleName | Iterable<SearchRoleName> },
  ): Promise<SearchIndex[]> {
    return (await this.indexList(options)).index_list;
  }

  // ---- queries ----

  /** A simple query (`GET .../search?q=`), one page. */
  search(indexId: string, q: string, options: SearchOptions = {}): Promise<SearchResult> {
    return this.call(this.#searchSpec(indexId, q, options), options);
  }

  /**
   * A simple query's results across pages of `limit` (100 by default) subjects, by offset
   * up to Search's 10,000 results.
   */
  paginatedSearch(
    indexId: string,
    q: string,
    options: SearchOptions = {},
  ): Paginator<GMetaResult, number> {
    const { offset, limit, ...rest } = options;
    return this.paged(
      this.#searchSpec(indexId, q, rest),
      searchPaging({ limit: limit ?? PAGED_SEARCH_LIMIT, offset, cursorIn: "query" }),
      options,
    );
  }

  #searchSpec(indexId: string, q: string, options: SearchOptions) {
    return {
      path: apiPath`/v1/index/${checkId("indexId", indexId)}/search`,
      query: { q, offset: options.offset, limit: options.limit, advanced: options.advanced },
    };
  }

  /**
   * A structured query (`POST .../search`, a {@link SearchQueryV1} or a plain document),
   * one page; `offset` and `limit` win over the document's.
   */
  postSearch(
    indexId: string,
    query: SearchQueryDocument | SearchQueryV1,
    options: PostSearchOptions = {},
  ): Promise<SearchResult> {
    const body: SearchQueryDocument = { ...queryDocument<SearchQueryDocument>(query) };
    if (options.offset !== undefined) body.offset = options.offset;
    if (options.limit !== undefined) body.limit = options.limit;
    return this.call(this.#postSearchSpec(indexId, body), options);
  }

  /**
   * A structured query's results across pages, by offset up to Search's 10,000 results:
   * pages of `limit` (the document's, else 100) from `offset` (the document's, else 0).
   */
  paginatedPostSearch(
    indexId: string,
    query: SearchQueryDocument | SearchQueryV1,
    options: PostSearchOptions = {},
  ): Paginator<GMetaResult, number> {
    const document = queryDocument<SearchQueryDocument>(query);
    const limit = options.limit ?? document.limit ?? PAGED_SEARCH_LIMIT;
    const offset = options.offset ?? document.offset;
    return this.paged(
      this.#postSearchSpec(indexId, document),
      searchPaging({ limit, offset, cursorIn: "body" }),
      options,
    );
  }

  #postSearchSpec(indexId: string, body: SearchQueryDocument) {
    return {
      method: "POST" as const,
      path: apiPath`/v1/index/${checkId("indexId", indexId)}/search`,
      body,
      // a query changes nothing, so resending it is safe
      retrySafe: true,
    };
  }

  /**
   * Every matching subject, past the 10,000 results that offset paging reaches, by marker
   * (`POST .../scroll`). Iterate it for every page; `firstPage()` is one request, as the
   * Python SDK's `scroll` is. `marker` (or the document's) resumes a scroll.
   */
  scroll(
    indexId: string,
    query: SearchScrollQueryDocument | SearchScrollQuery,
    options: OperationOptions & { marker?: string } = {},
  ): Paginator<GMetaResult, string> {
    const { marker: fromDocument, ...document } = queryDocument<SearchScrollQueryDocument>(query);
    const start = options.marker ?? fromDocument;
    const style = markerPaging({ itemsKey: "gmeta", cursorIn: "body" });
    const resuming: PagingStyle<string> = {
      ...style,
      params: (marker) => style.params(marker ?? start),
    };
    return this.paged(
      {
        method: "POST",
        path: apiPath`/v1/index/${checkId("indexId", indexId)}/scroll`,
        body: document,
        retrySafe: true,
      },
      resuming,
      options,
    );
  }

  /** The paged scroll, by the name the other paged queries have: see {@link scroll}. */
  paginatedScroll(
    indexId: string,
    query: SearchScrollQueryDocument | SearchScrollQuery,
    options: OperationOptions & { marker?: string } = {},
  ): Paginator<GMetaResult, string> {
    return this.scroll(indexId, query, options);
  }

  // ---- writes (each answers a task) ----

  /** Ingests a `GMetaEntry` or `GMetaList` document; the task applies it. */
  ingest(
    indexId: string,
    document: IngestDocument | Record<string, unknown>,
    options?: OperationOptions,
  ): Promise<IngestResponse> {
    return this.call(
      {
        method: "POST",
        path: apiPath`/v1/index/${checkId("indexId", indexId)}/ingest`,
        body: document,
      },
      options,
    );
  }

  /** Deletes every entry matching a query (`q`, `filters`); the task applies it. */
  deleteByQuery(
    indexId: string,
    query: DeleteByQueryDocument,
    options?: OperationOptions,
  ): Promise<SearchTaskSubmission> {
    return this.call(
      {
        method: "POST",
        path: apiPath`/v1/index/${checkId("indexId", indexId)}/delete_by_query`,
        body: query,
      },
      options,
    );
  }

  /**
   * Deletes every entry of these subjects (a single string is one subject);
   * `additionalParams` go into the body as given.
   */
  batchDeleteBySubject(
    indexId: string,
    subjects: string | Iterable<string>,
    additionalParams?: Record<string, unknown>,
    options?: OperationOptions,
  ): Promise<SearchTaskSubmission> {
    const list = typeof subjects === "string" ? [subjects] : [...subjects];
    if (list.length === 0)
      throw new GlobusSDKUsageError("subjects must name at least one subject.");
    list.forEach((subject, i) => {
      if (typeof subject !== "string" || subject === "") {
        throw new GlobusSDKUsageError(
          `subjects[${i}] is not a subject: ${JSON.stringify(subject)}.`,
        );
      }
    });
    return this.call(
      {
        method: "POST",
        path: apiPath`/v1/index/${checkId("indexId", indexId)}/batch_delete_by_subject`,
        body: { subjects: list, ...additionalParams },
      },
      options,
    );
  }

  // ---- subjects and entries ----

  /** Every entry of one subject that you may see. */
  getSubject(indexId: string, subject: string, options?: OperationOptions): Promise<GMetaResult> {
    return this.call(this.#subjectSpec("GET", indexId, subject), options);
  }

  /** Deletes every entry of one subject, even those you cannot see; the task applies it. */
  deleteSubject(
    indexId: string,
    subject: string,
    options?: OperationOptions,
  ): Promise<SearchTaskSubmission> {
    return this.call(this.#subjectSpec("DELETE", indexId, subject), options);
  }

  #subjectSpec(method: "GET" | "DELETE", indexId: string, subject: string) {
    return {
      method,
      path: apiPath`/v1/index/${checkId("indexId", indexId)}/subject`,
      query: { subject },
    };
  }

  /** One entry of a subject, by its entry id (null unless `entryId` is given). */
  getEntry(indexId: string, subject: string, options: EntryOptions = {}): Promise<GMetaResult> {
    return this.call(this.#entrySpec("GET", indexId, subject, options), options);
  }

  /** Deletes one entry of a subject (entry id null unless given); the task applies it. */
  deleteEntry(
    indexId: string,
    subject: string,
    options: EntryOptions = {},
  ): Promise<SearchTaskSubmission> {
    return this.call(this.#entrySpec("DELETE", indexId, subject, options), options);
  }

  #entrySpec(method: "GET" | "DELETE", indexId: string, subject: string, options: EntryOptions) {
    return {
      method,
      path: apiPath`/v1/index/${checkId("indexId", indexId)}/entry`,
      query: { entry_id: options.entryId, subject },
    };
  }

  // ---- tasks ----

  /** One task's state: poll it until SUCCESS to know a write has applied. */
  getTask(taskId: string, options?: OperationOptions): Promise<SearchTask> {
    return this.call({ path: apiPath`/v1/task/${checkId("taskId", taskId)}` }, options);
  }

  /** An index's most recent tasks (up to 1,000), newest first. */
  getTaskList(indexId: string, options?: OperationOptions): Promise<SearchTaskList> {
    return this.call({ path: apiPath`/v1/task_list/${checkId("indexId", indexId)}` }, options);
  }

  // ---- roles ----

  /** Grants a role on an index (owners and admins; only owners grant `owner`). */
  createRole(
    indexId: string,
    data: SearchRoleCreate,
    options?: OperationOptions,
  ): Promise<SearchRole> {
    return this.call(
      {
        method: "POST",
        path: apiPath`/v1/index/${checkId("indexId", indexId)}/role`,
        body: data,
      },
      options,
    );
  }

  /** Every role on an index (owners and admins). */
  getRoleList(indexId: string, options?: OperationOptions): Promise<SearchRoleList> {
    return this.call(
      { path: apiPath`/v1/index/${checkId("indexId", indexId)}/role_list` },
      options,
    );
  }

  /** Removes a role from an index (owners and admins); the last owner cannot be removed. */
  deleteRole(
    indexId: string,
    roleId: string,
    options?: OperationOptions,
  ): Promise<DeletedRoleResponse> {
    if (!roleId) throw new GlobusSDKUsageError("roleId must name a role.");
    return this.call(
      {
        method: "DELETE",
        path: apiPath`/v1/index/${checkId("indexId", indexId)}/role/${roleId}`,
      },
      options,
    );
  }
}

/**
 * Search's offset paging (the Python SDK's `HasNextPaginator` over `gmeta`): the page size
 * is the answer's `count`, the end is `has_next_page: false` or 10,000 results.
 */
function searchPaging(options: {
  limit: number;
  offset: number | undefined;
  cursorIn: "query" | "body";
}): PagingStyle<number> {
  return offsetPaging({
    itemsKey: "gmeta",
    end: "has-next",
    maxTotal: MAX_OFFSET_RESULTS,
    limit: options.limit,
    startOffset: options.offset,
    cursorIn: options.cursorIn,
    countKey: "count",
  });
}

/** A query document from a builder or as given (copied, never changed). */
function queryDocument<T extends Record<string, unknown>>(query: T | { toJSON(): T }): T {
  const document = typeof query.toJSON === "function" ? (query.toJSON as () => T)() : query;
  return { ...(document as T) };
}
