/**
 * Search wire facts, from the Python SDK 4.9's `services/search/client.py` and `data.py`
 * and the responses recorded in `testing/data/search/`. Where Python recorded no response
 * (get_index, scroll, ingest, the deletes but batch_delete_by_subject, get_subject,
 * get_entry, the tasks), the shape is read from Globus's Search OpenAPI spec as
 * `@globus/sdk` 6.2.0 ships it (`open-api/types/search.d.ts`), and the source says so.
 */
import { SearchClient, SearchScrollQuery } from "../../../src/index.ts";
import { SearchScopes } from "../../../src/scopes/index.ts";
import {
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_SEARCH_INDEX_ID,
  SEARCH_TASK_SECONDS,
} from "../../../src/testing/index.ts";
import type { WireContext, WireFact } from "../facts.ts";
import { S } from "../shape.ts";

export const service = "search";

const PY = "services/search/client.py";
const DATA = "testing/data/search";
/** For the methods Python recorded no response of. */
const OPENAPI = "no recorded response; the OpenAPI schema (@globus/sdk open-api/types/search.d.ts)";

/** A client of the user (Alice, the demo index's owner, by default) with every Search scope. */
function search(context: WireContext, identityId?: string): SearchClient {
  return new SearchClient({
    app: context.userApp(identityId),
    appScopes: [SearchScopes.all, SearchScopes.search, SearchScopes.ingest],
  });
}

/** Ingests one public entry into the demo index and lets its task finish. */
async function ingested(context: WireContext, subject: string, entryId?: string) {
  const task = await search(context).ingest(DEMO_SEARCH_INDEX_ID, {
    ingest_type: "GMetaEntry",
    ingest_data: {
      subject,
      visible_to: ["public"],
      content: { title: `wire facts ${subject}` },
      ...(entryId ? { id: entryId } : {}),
    },
  });
  context.emulator.controls.advanceClock(SEARCH_TASK_SECONDS);
  return task;
}

/** The index documents of `create_index.py` and `update_index.py`. */
const indexFields = {
  "@datatype": S.lit("GSearchIndex"),
  "@version": S.str,
  creation_date: S.str,
  display_name: S.str,
  description: S.str,
  id: S.str,
  is_trial: S.bool,
  // null in create_index.py, a string for the subscribed index of index_list.py
  subscription_id: S.nullable(S.str),
  max_size_in_mb: S.int,
  num_entries: S.int,
  num_subjects: S.int,
  size_in_mb: S.int,
  status: S.str,
};
const searchIndex = S.obj(indexFields);
/** `index_list.py` adds the caller's `permissions`. */
const indexWithPermissions = S.obj({ ...indexFields, permissions: S.array(S.str) });

/** A subject's result, as `search.py` and `post_search.py` record it inside `gmeta`. */
const gmetaResult = S.obj({
  "@datatype": S.lit("GMetaResult"),
  "@version": S.str,
  entries: S.array(
    S.obj({
      content: S.record(S.any),
      entry_id: S.nullable(S.str),
      matched_principal_sets: S.array(S.str),
    }),
  ),
  subject: S.str,
});

const searchResult = S.obj({
  "@datatype": S.lit("GSearchResult"),
  "@version": S.str,
  count: S.int,
  gmeta: S.array(gmetaResult),
  has_next_page: S.bool,
  offset: S.int,
  total: S.int,
});

/** OpenAPI `TaskSubmitResponse`. */
const taskSubmission = S.obj({ acknowledged: S.bool, task_id: S.str });

/** OpenAPI `Task`. */
const task = S.obj({
  task_id: S.str,
  state: S.str,
  state_description: S.str,
  task_type: S.str,
  index_id: S.str,
  creation_date: S.str,
  message: S.str,
  additional_details: S.any,
  completion_date: S.nullable(S.str),
});

/** A role, as `create_role.py`, `get_role_list.py` and `delete_role.py` record it. */
const role = S.obj({
  creation_date: S.str,
  id: S.str,
  index_id: S.str,
  principal: S.str,
  principal_type: S.str,
  role_name: S.str,
});

const indexAcknowledged = S.obj({ index_id: S.str, acknowledged: S.bool });

/** The keys `SearchQueryV1` (`data.py`) writes. */
const SEARCH_QUERY_KEYS = [
  "@version",
  "q",
  "limit",
  "offset",
  "advanced",
  "filters",
  "facets",
  "post_facet_filters",
  "boosts",
  "sort",
];

export const facts: WireFact[] = [
  {
    python: "SearchClient.index_list",
    source: `${PY}; ${DATA}/index_list.py`,
    service,
    method: "GET",
    path: "/v1/index_list",
    query: ["filter_roles"],
    response: S.obj({ index_list: S.array(indexWithPermissions) }),
    drive: (context) => search(context).indexList({ filterRoles: ["owner", "writer"] }),
  },
  {
    python: "SearchClient.create_index",
    source: `${PY}; ${DATA}/create_index.py`,
    service,
    method: "POST",
    path: "/v1/index",
    body: ["display_name", "description"],
    response: searchIndex,
    drive: (context) => search(context).createIndex("Wire facts", "Created by a wire fact"),
  },
  {
    python: "SearchClient.get_index",
    source: `${PY}; ${OPENAPI} IndexWithPermissions, as the index documents of ${DATA}/index_list.py`,
    service,
    method: "GET",
    path: "/v1/index/{index_id}",
    response: indexWithPermissions,
    drive: (context) => search(context).getIndex(DEMO_SEARCH_INDEX_ID),
  },
  {
    python: "SearchClient.update_index",
    source: `${PY}; ${DATA}/update_index.py`,
    service,
    method: "PATCH",
    path: "/v1/index/{index_id}",
    body: ["display_name", "description"],
    response: searchIndex,
    drive: (context) =>
      search(context).updateIndex(DEMO_SEARCH_INDEX_ID, { description: "Updated by a wire fact" }),
  },
  {
    python: "SearchClient.delete_index",
    source: `${PY}; ${DATA}/delete_index.py`,
    service,
    method: "DELETE",
    path: "/v1/index/{index_id}",
    response: indexAcknowledged,
    async drive(context) {
      const client = search(context, BOB_IDENTITY_ID);
      const index = await client.createIndex("To delete", "Deleted by a wire fact");
      return client.deleteIndex(index.id);
    },
  },
  {
    python: "SearchClient.reopen_index",
    source: `${PY}; ${DATA}/reopen_index.py`,
    service,
    method: "POST",
    path: "/v1/index/{index_id}/reopen",
    response: indexAcknowledged,
    async drive(context) {
      const client = search(context, BOB_IDENTITY_ID);
      const index = await client.createIndex("To reopen", "Reopened by a wire fact");
      await client.deleteIndex(index.id);
      return client.reopenIndex(index.id);
    },
  },
  {
    python: "SearchClient.search",
    source: `${PY}; ${DATA}/search.py`,
    service,
    method: "GET",
    path: "/v1/index/{index_id}/search",
    query: ["q", "offset", "limit", "advanced"],
    response: searchResult,
    drive: (context) =>
      search(context).search(DEMO_SEARCH_INDEX_ID, "collection", {
        limit: 2,
        offset: 0,
        advanced: false,
      }),
  },
  {
    python: "SearchClient.post_search",
    source: `${PY}; data.py (SearchQueryV1); ${DATA}/post_search.py`,
    service,
    method: "POST",
    path: "/v1/index/{index_id}/search",
    body: SEARCH_QUERY_KEYS,
    response: searchResult,
    drive: (context) =>
      search(context).postSearch(
        DEMO_SEARCH_INDEX_ID,
        { q: "*", filters: [{ type: "match_any", field_name: "kind", values: ["flow"] }] },
        { limit: 1 },
      ),
  },
  {
    python: "SearchClient.scroll",
    source: `${PY}; data.py (SearchScrollQuery, which may carry filters); ${OPENAPI} GScrollResponse`,
    service,
    method: "POST",
    path: "/v1/index/{index_id}/scroll",
    body: ["q", "limit", "advanced", "marker", "filters"],
    response: S.obj({
      gmeta: S.array(gmetaResult),
      count: S.int,
      total: S.int,
      has_next_page: S.bool,
      marker: S.nullable(S.str),
    }),
    async drive(context) {
      const pages = search(context).scroll(
        DEMO_SEARCH_INDEX_ID,
        new SearchScrollQuery("*", { limit: 1 }),
      );
      let count = 0;
      for await (const page of pages.pages()) if (++count === 2) return page;
      return undefined;
    },
  },
  {
    python: "SearchClient.ingest",
    source: `${PY}; ${OPENAPI} TaskSubmitResponse (acknowledged, task_id) and @globus/sdk's IngestResponse (success, num_documents_ingested, as_identity)`,
    service,
    method: "POST",
    path: "/v1/index/{index_id}/ingest",
    body: ["ingest_type", "ingest_data", "field_mapping"],
    response: S.obj({
      acknowledged: S.bool,
      task_id: S.str,
      success: S.bool,
      num_documents_ingested: S.int,
      as_identity: S.str,
    }),
    drive: (context) => ingested(context, "wire://ingest"),
  },
  {
    python: "SearchClient.delete_by_query",
    source: `${PY}; ${OPENAPI} TaskSubmitResponse`,
    service,
    method: "POST",
    path: "/v1/index/{index_id}/delete_by_query",
    body: ["@version", "q", "advanced", "filters"],
    response: taskSubmission,
    async drive(context) {
      await ingested(context, "wire://delete-by-query");
      return search(context).deleteByQuery(DEMO_SEARCH_INDEX_ID, { q: "delete-by-query" });
    },
  },
  {
    python: "SearchClient.batch_delete_by_subject",
    source: `${PY}; ${DATA}/batch_delete_by_subject.py (the task id alone)`,
    service,
    method: "POST",
    path: "/v1/index/{index_id}/batch_delete_by_subject",
    body: ["subjects"],
    response: S.obj({ task_id: S.str }),
    async drive(context) {
      await ingested(context, "wire://batch-1");
      return search(context).batchDeleteBySubject(DEMO_SEARCH_INDEX_ID, [
        "wire://batch-1",
        "wire://batch-2",
      ]);
    },
  },
  {
    python: "SearchClient.get_subject",
    source: `${PY}; ${OPENAPI} GMetaResult, as a gmeta result of ${DATA}/search.py`,
    service,
    method: "GET",
    path: "/v1/index/{index_id}/subject",
    query: ["subject"],
    response: gmetaResult,
    drive: (context) =>
      search(context).getSubject(DEMO_SEARCH_INDEX_ID, `globus://collection/${DEMO_COLLECTION_ID}`),
  },
  {
    python: "SearchClient.delete_subject",
    source: `${PY}; ${OPENAPI} TaskSubmitResponse`,
    service,
    method: "DELETE",
    path: "/v1/index/{index_id}/subject",
    query: ["subject"],
    response: taskSubmission,
    async drive(context) {
      await ingested(context, "wire://delete-subject");
      return search(context).deleteSubject(DEMO_SEARCH_INDEX_ID, "wire://delete-subject");
    },
  },
  {
    python: "SearchClient.get_entry",
    source: `${PY}; ${OPENAPI} GMetaResult, as a gmeta result of ${DATA}/search.py`,
    service,
    method: "GET",
    path: "/v1/index/{index_id}/entry",
    query: ["entry_id", "subject"],
    response: gmetaResult,
    async drive(context) {
      await ingested(context, "wire://entry", "first");
      return search(context).getEntry(DEMO_SEARCH_INDEX_ID, "wire://entry", { entryId: "first" });
    },
  },
  {
    python: "SearchClient.delete_entry",
    source: `${PY}; ${OPENAPI} TaskSubmitResponse`,
    service,
    method: "DELETE",
    path: "/v1/index/{index_id}/entry",
    query: ["entry_id", "subject"],
    response: taskSubmission,
    async drive(context) {
      await ingested(context, "wire://delete-entry", "second");
      return search(context).deleteEntry(DEMO_SEARCH_INDEX_ID, "wire://delete-entry", {
        entryId: "second",
      });
    },
  },
  {
    python: "SearchClient.get_task",
    source: `${PY}; ${OPENAPI} Task`,
    service,
    method: "GET",
    path: "/v1/task/{task_id}",
    response: task,
    async drive(context) {
      const submitted = await ingested(context, "wire://task");
      return search(context).getTask(submitted.task_id);
    },
  },
  {
    python: "SearchClient.get_task_list",
    source: `${PY}; ${OPENAPI} TaskList`,
    service,
    method: "GET",
    path: "/v1/task_list/{index_id}",
    response: S.obj({ index_id: S.str, tasks: S.array(task) }),
    async drive(context) {
      await ingested(context, "wire://task-list");
      return search(context).getTaskList(DEMO_SEARCH_INDEX_ID);
    },
  },
  {
    python: "SearchClient.create_role",
    source: `${PY}; ${DATA}/create_role.py`,
    service,
    method: "POST",
    path: "/v1/index/{index_id}/role",
    body: ["role_name", "principal"],
    response: role,
    drive: (context) =>
      search(context).createRole(DEMO_SEARCH_INDEX_ID, {
        role_name: "writer",
        principal: `urn:globus:auth:identity:${BOB_IDENTITY_ID}`,
      }),
  },
  {
    python: "SearchClient.get_role_list",
    source: `${PY}; ${DATA}/get_role_list.py`,
    service,
    method: "GET",
    path: "/v1/index/{index_id}/role_list",
    response: S.obj({ role_list: S.array(role) }),
    drive: (context) => search(context).getRoleList(DEMO_SEARCH_INDEX_ID),
  },
  {
    python: "SearchClient.delete_role",
    source: `${PY}; ${DATA}/delete_role.py`,
    service,
    method: "DELETE",
    path: "/v1/index/{index_id}/role/{role_id}",
    response: S.obj({ deleted: role, success: S.bool }),
    async drive(context) {
      const client = search(context);
      const created = await client.createRole(DEMO_SEARCH_INDEX_ID, {
        role_name: "admin",
        principal: `urn:globus:auth:identity:${BOB_IDENTITY_ID}`,
      });
      return client.deleteRole(DEMO_SEARCH_INDEX_ID, created.id);
    },
  },
];
