/**
 * Globus Search (`/v1/`): the index life cycle (create, get, list, update, delete, reopen),
 * roles, queries (GET and POST search with offset paging, scroll with markers), subjects
 * and entries, and the writes (ingest and the deletes), which are tasks that finish after
 * `SEARCH_TASK_SECONDS` of emulator time. Results are filtered by `visible_to` against the
 * caller's identities and groups. The state and its rules live in `search/model.ts`, the
 * query language in `search/query.ts`; this file maps the HTTP API onto them.
 * One public demo index, filled from the seeded collections and flows, exists at start.
 */
import { randomUUID } from "node:crypto";
import { KNOWN_SCOPES } from "../../scopes/known.ts";
import { EmulatorSeedError } from "../seed.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorReply,
  EmulatorRequest,
  ErrorBodyFormatter,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import {
  boolParam,
  decodeMarker,
  encodeMarker,
  identityUrn,
  intParam,
  isRecord,
  listParam,
  objectBody,
  optionalString,
} from "./common.ts";
import {
  type Caller,
  entryKey,
  GROUP_URN_PREFIX,
  type IndexRecord,
  isVisibilityPrincipal,
  principalType,
  ROLE_NAMES,
  type RoleName,
  roleDocument,
  type SearchFail,
  SearchState,
  searchDate,
  type TaskRecord,
  taskDocument,
} from "./search/model.ts";
import {
  entryMatches,
  entryMatchesBeforePostFilters,
  facetResults,
  integerField,
  type ParsedQuery,
  parseQueryDocument,
  type SearchEntry,
  sortComparator,
} from "./search/query.ts";

export {
  SEARCH_TASK_SECONDS,
  TRIAL_INDEX_RETENTION_SECONDS,
  TRIAL_OWNERSHIP_LIMIT,
} from "./search/model.ts";

/** The demo index every emulator starts with (a fixed id, so tests and docs can name it). */
export const DEMO_SEARCH_INDEX_ID = "55555555-1111-4555-8555-555555555555";
/** The subscription of the demo index, which makes it a non-trial index. */
const DEMO_SUBSCRIPTION_ID = "55555555-2222-4555-8555-555555555555";

const SEARCH = KNOWN_SCOPES.search;
const { all, search, ingest } = SEARCH.scopes;
/** The scopes each kind of operation accepts. */
const SCOPES = {
  read: [search, all],
  write: [ingest, all],
  manage: [all],
  any: [search, ingest, all],
} as const;
const MAX_RESULTS = 10000;
const INDEX_LIST_LIMIT = 100;

/** Search's error body: a `GError` document. */
function searchErrorBody(
  status: number,
  code: string,
  message: string,
  requestId: string,
  errorData?: Record<string, unknown>,
) {
  return {
    "@datatype": "GError",
    "@version": "2017-09-01",
    status,
    code,
    message,
    request_id: requestId,
    ...(errorData ? { error_data: errorData } : {}),
  };
}

function requestId(): string {
  return randomUUID().replaceAll("-", "");
}

/** The groups a seed gives its identities, checked (they are principals' ids). */
function seededGroups(context: EmulatorContext): void {
  context.seed.identities.forEach((identity, index) => {
    const groups: unknown = identity.groups;
    if (groups === undefined) return;
    const ok =
      Array.isArray(groups) &&
      groups.every((id) => typeof id === "string" && !!principalType(GROUP_URN_PREFIX + id));
    if (!ok) {
      throw new EmulatorSeedError(
        `Invalid emulator seed: identities[${index}].groups must be a list of group ids (UUIDs).`,
      );
    }
  });
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const formatter: ErrorBodyFormatter = (status, code, message) =>
    searchErrorBody(status, code, message, requestId());
  const fail: SearchFail = (status, code, message, errorData) =>
    new EmulatorHttpError(status, searchErrorBody(status, code, message, requestId(), errorData));
  seededGroups(context);
  const state = new SearchState(fail, () => context.newId());
  seedDemoIndex(state, context);

  /** The caller's principals: its identity set, their seeded groups, and the public ones. */
  function callerOf(token: AccessTokenInfo | undefined): Caller {
    if (!token) return { principals: new Set(["public"]), identity: undefined };
    const ids = new Set([token.identityId, ...token.sessionIdentities]);
    const account = context.identity(token.identityId)?.account;
    for (const identity of context.seed.identities) {
      if (account !== undefined && identity.account === account) ids.add(identity.id);
    }
    const principals = new Set(["public", "all_authenticated_users"]);
    for (const id of ids) {
      principals.add(identityUrn(id));
      for (const group of context.identity(id)?.groups ?? []) {
        principals.add(GROUP_URN_PREFIX + group);
      }
    }
    return { principals, identity: identityUrn(token.identityId) };
  }

  type Access = keyof typeof SCOPES | "read-or-anonymous";
  type Handler = (request: EmulatorRequest, caller: Caller) => EmulatorReply;

  /**
   * Registers a route: the emulator clock settles tasks and deletions first, then the token
   * is checked for the access kind (reads of public data need none).
   */
  function route(method: string, pattern: string, access: Access, handler: Handler): void {
    router.route(method, pattern, (request) => {
      state.settle(context.now());
      const anonymous = access === "read-or-anonymous" && !request.headers.authorization;
      const scopes = SCOPES[access === "read-or-anonymous" ? "read" : access];
      const token = anonymous
        ? undefined
        : context.authenticate(request, SEARCH.resourceServer, {
            anyOfScopes: scopes,
            format: formatter,
          });
      return handler(request, callerOf(token));
    });
  }

  const body = (request: EmulatorRequest) => objectBody(() => request.json(), fail);
  const indexParam = (request: EmulatorRequest) => request.params.id ?? "";

  function indexDocument(index: IndexRecord, permissions?: RoleName[]): Record<string, unknown> {
    const entries = [...index.entries.values()];
    const bytes = Buffer.byteLength(JSON.stringify(entries.map((entry) => entry.content)));
    return {
      "@datatype": "GSearchIndex",
      "@version": "2017-09-01",
      id: index.id,
      display_name: index.displayName,
      description: index.description,
      creation_date: searchDate(index.createdAt),
      is_trial: index.subscriptionId === null,
      subscription_id: index.subscriptionId,
      max_size_in_mb: index.maxSizeInMb,
      size_in_mb: Math.floor(bytes / (1024 * 1024)),
      num_subjects: new Set(entries.map((entry) => entry.subject)).size,
      num_entries: entries.length,
      status: index.status,
      ...(permissions ? { permissions } : {}),
    };
  }

  function gmetaResult(subject: string, entries: SearchEntry[]): Record<string, unknown> {
    return {
      "@datatype": "GMetaResult",
      "@version": "2019-08-27",
      subject,
      entries: entries.map((entry) => ({
        content: entry.content,
        entry_id: entry.entryId,
        matched_principal_sets: [],
      })),
    };
  }

  /** Whether the caller may see an entry (owners and admins may bypass `visible_to`). */
  function visibleEntries(index: IndexRecord, caller: Caller, bypass: boolean): SearchEntry[] {
    if (bypass) state.requireRole(index, caller, "bypass_visible_to");
    return [...index.entries.values()].filter(
      (entry) => bypass || entry.visibleTo.some((principal) => caller.principals.has(principal)),
    );
  }

  /** The matching subjects the caller may see, ordered, each with its matching entries. */
  function matchingSubjects(index: IndexRecord, caller: Caller, query: ParsedQuery) {
    const visible = visibleEntries(index, caller, query.bypassVisibleTo);
    const bySubject = new Map<string, SearchEntry[]>();
    for (const entry of visible) {
      if (!entryMatches(entry, query)) continue;
      bySubject.set(entry.subject, [...(bySubject.get(entry.subject) ?? []), entry]);
    }
    const order = sortComparator(query.sort, fail);
    const groups = [...bySubject.values()].sort(order);
    const facets =
      query.facets.length > 0
        ? facetResults(
            query.facets,
            visible.filter((entry) => entryMatchesBeforePostFilters(entry, query)),
          )
        : undefined;
    return { groups, facets };
  }

  function searchResult(
    index: IndexRecord,
    caller: Caller,
    query: ParsedQuery,
    offset: number,
    limit: number,
  ) {
    if (offset + limit > MAX_RESULTS) {
      throw fail(400, "BadRequest.OffsetTooLarge", `offset + limit must not exceed ${MAX_RESULTS}`);
    }
    const { groups, facets } = matchingSubjects(index, caller, query);
    const page = groups.slice(offset, offset + limit);
    return {
      "@datatype": "GSearchResult",
      "@version": "2017-09-01",
      count: page.length,
      offset,
      total: groups.length,
      has_next_page: offset + limit < groups.length,
      gmeta: page.map((entries) => gmetaResult(entries[0]?.subject ?? "", entries)),
      ...(facets ? { facet_results: facets } : {}),
    };
  }

  /** The answer to a write: the task that will apply it. */
  function submitted(task: TaskRecord, extra: Record<string, unknown> = {}) {
    return { body: { acknowledged: true, task_id: task.id, ...extra } };
  }

  function requiredQuery(request: EmulatorRequest, name: string): string {
    const value = request.query.get(name);
    if (!value) throw fail(400, "BadRequest.ValidationError", `'${name}' is required`);
    return value;
  }

  function roleName(value: string, name: string): RoleName {
    if (!(ROLE_NAMES as readonly string[]).includes(value)) {
      throw fail(
        400,
        "BadRequest.ValidationError",
        `'${name}' must be one of ${ROLE_NAMES.join(", ")}; got '${value}'`,
      );
    }
    return value as RoleName;
  }

  // ---- indices ----

  route("GET", "/v1/index_list", "any", (request, caller) => {
    const wanted = listParam(request.query, "filter_roles").map((value) =>
      roleName(value, "filter_roles"),
    );
    const listed = [...state.indexes.values()]
      .map((index) => ({ index, roles: state.rolesOf(index, caller) }))
      .filter(({ roles }) =>
        wanted.length === 0 ? roles.length > 0 : roles.some((role) => wanted.includes(role)),
      )
      .slice(0, INDEX_LIST_LIMIT);
    return { body: { index_list: listed.map(({ index, roles }) => indexDocument(index, roles)) } };
  });

  route("POST", "/v1/index", "manage", (request, caller) => {
    const fields = body(request);
    const displayName = optionalString(fields, "display_name", fail);
    const description = optionalString(fields, "description", fail);
    if (!displayName || description === undefined) {
      throw fail(
        400,
        "BadRequest.ValidationError",
        "'display_name' and 'description' are required",
      );
    }
    const index = state.createIndex(caller, { displayName, description }, context.now());
    return { body: indexDocument(index) };
  });

  route("GET", "/v1/index/:id", "read-or-anonymous", (request, caller) => {
    const index = state.index(indexParam(request));
    return { body: indexDocument(index, state.rolesOf(index, caller)) };
  });

  route("PATCH", "/v1/index/:id", "manage", (request, caller) => {
    const index = state.index(indexParam(request));
    state.requireRole(index, caller, "index_update");
    state.requireOpen(index);
    const fields = body(request);
    const displayName = optionalString(fields, "display_name", fail);
    const description = optionalString(fields, "description", fail);
    if (displayName === "") {
      throw fail(400, "BadRequest.ValidationError", "'display_name' must not be empty");
    }
    if (displayName !== undefined) index.displayName = displayName;
    if (description !== undefined) index.description = description;
    return { body: indexDocument(index) };
  });

  route("DELETE", "/v1/index/:id", "manage", (request, caller) => {
    const index = state.index(indexParam(request));
    state.requireRole(index, caller, "index_delete");
    state.deleteIndex(index, context.now());
    return { body: { index_id: index.id, acknowledged: true } };
  });

  route("POST", "/v1/index/:id/reopen", "manage", (request, caller) => {
    const index = state.index(indexParam(request));
    state.requireRole(index, caller, "index_reopen");
    state.reopenIndex(index);
    return { body: { index_id: index.id, acknowledged: true } };
  });

  // ---- roles ----

  route("POST", "/v1/index/:id/role", "manage", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    state.requireRole(index, caller, "role_create");
    const fields = body(request);
    const name = roleName(optionalString(fields, "role_name", fail) ?? "", "role_name");
    const principal = optionalString(fields, "principal", fail) ?? "";
    if (!principalType(principal)) {
      throw fail(
        400,
        "BadRequest.ValidationError",
        "'principal' must be an identity or group URN (urn:globus:auth:identity:... or urn:globus:groups:id:...)",
      );
    }
    if (name === "owner" && !state.rolesOf(index, caller).includes("owner")) {
      throw fail(403, "Forbidden.Generic", "Only owners can create owner roles");
    }
    return { body: roleDocument(state.addRole(index, name, principal, context.now())) };
  });

  route("GET", "/v1/index/:id/role_list", "manage", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    state.requireRole(index, caller, "role_list");
    return { body: { role_list: [...index.roles.values()].map(roleDocument) } };
  });

  route("DELETE", "/v1/index/:id/role/:role_id", "manage", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    state.requireRole(index, caller, "role_delete");
    const role = state.deleteRole(index, request.params.role_id ?? "");
    return { body: { deleted: roleDocument(role), success: true } };
  });

  // ---- queries ----

  route("GET", "/v1/index/:id/search", "read-or-anonymous", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    const query: ParsedQuery = {
      q: requiredQuery(request, "q"),
      advanced: boolParam(request.query, "advanced", false),
      bypassVisibleTo: boolParam(request.query, "bypass_visible_to", false),
      filters: [],
      postFacetFilters: [],
      facets: [],
      sort: [],
    };
    const offset = intParam(
      request.query,
      "offset",
      { default: 0, min: 0, max: MAX_RESULTS },
      fail,
    );
    const limit = intParam(request.query, "limit", { default: 10, min: 0, max: MAX_RESULTS }, fail);
    return { body: searchResult(index, caller, query, offset, limit) };
  });

  route("POST", "/v1/index/:id/search", "read-or-anonymous", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    const document = body(request);
    const query = parseQueryDocument(document, "search", fail);
    const offset = integerField(document, "offset", 0, fail);
    const limit = integerField(document, "limit", 10, fail);
    return { body: searchResult(index, caller, query, offset, limit) };
  });

  // Scroll pages by marker, past the offset limit of search; the marker carries the position.
  route("POST", "/v1/index/:id/scroll", "read-or-anonymous", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    const document = body(request);
    const query = parseQueryDocument(document, "scroll", fail);
    const limit = integerField(document, "limit", 10, fail);
    if (limit < 1 || limit > MAX_RESULTS) {
      throw fail(400, "BadRequest.ValidationError", `'limit' must be 1 to ${MAX_RESULTS}`);
    }
    let offset = 0;
    const marker = optionalString(document, "marker", fail);
    if (marker) {
      const position = decodeMarker(marker, fail).offset;
      if (typeof position !== "number" || !Number.isSafeInteger(position) || position < 0) {
        throw fail(400, "BadRequest.InvalidMarker", `Invalid marker '${marker}'`);
      }
      offset = position;
    }
    const { groups } = matchingSubjects(index, caller, query);
    const page = groups.slice(offset, offset + limit);
    const hasNext = offset + limit < groups.length;
    return {
      body: {
        gmeta: page.map((entries) => gmetaResult(entries[0]?.subject ?? "", entries)),
        count: page.length,
        total: groups.length,
        has_next_page: hasNext,
        marker: hasNext ? encodeMarker({ offset: offset + limit }) : null,
      },
    };
  });

  route("GET", "/v1/index/:id/subject", "read-or-anonymous", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    const subject = requiredQuery(request, "subject");
    const bypass = boolParam(request.query, "bypass_visible_to", false);
    const entries = visibleEntries(index, caller, bypass).filter(
      (entry) => entry.subject === subject,
    );
    if (entries.length === 0) {
      throw fail(404, "NotFound.Generic", `No entries visible for subject '${subject}'`);
    }
    return { body: gmetaResult(subject, entries) };
  });

  route("GET", "/v1/index/:id/entry", "read-or-anonymous", (request, caller) => {
    const index = state.openIndex(indexParam(request));
    const subject = requiredQuery(request, "subject");
    const entryId = request.query.get("entry_id") || null;
    const bypass = boolParam(request.query, "bypass_visible_to", false);
    const entry = visibleEntries(index, caller, bypass).find(
      (candidate) => candidate.subject === subject && candidate.entryId === entryId,
    );
    if (!entry) {
      throw fail(404, "NotFound.Generic", `No entry visible for subject '${subject}' with this id`);
    }
    return { body: gmetaResult(subject, [entry]) };
  });

  // ---- writes: each is a task ----

  /** An open index the caller may write. */
  function writableIndex(request: EmulatorRequest, caller: Caller, operation: "ingest" | "delete") {
    const index = state.openIndex(indexParam(request));
    state.requireRole(index, caller, operation);
    return index;
  }

  route("POST", "/v1/index/:id/ingest", "write", (request, caller) => {
    const index = writableIndex(request, caller, "ingest");
    const entries = ingestEntries(body(request), fail);
    const task = state.submitTask(index, { kind: "ingest", entries }, context.now());
    return submitted(task, {
      success: true,
      num_documents_ingested: entries.length,
      as_identity: caller.identity,
    });
  });

  route("POST", "/v1/index/:id/delete_by_query", "write", (request, caller) => {
    const index = writableIndex(request, caller, "delete");
    const query = parseQueryDocument(body(request), "delete_by_query", fail);
    return submitted(state.submitTask(index, { kind: "delete_by_query", query }, context.now()));
  });

  route("POST", "/v1/index/:id/batch_delete_by_subject", "write", (request, caller) => {
    const index = writableIndex(request, caller, "delete");
    const subjects = body(request).subjects;
    if (
      !Array.isArray(subjects) ||
      subjects.length === 0 ||
      !subjects.every((subject) => typeof subject === "string" && subject !== "")
    ) {
      throw fail(
        400,
        "BadRequest.ValidationError",
        "'subjects' must be a non-empty list of strings",
      );
    }
    const task = state.submitTask(index, { kind: "delete_subjects", subjects }, context.now());
    // the recorded answer of this operation has the task id alone
    return { body: { task_id: task.id } };
  });

  route("DELETE", "/v1/index/:id/subject", "write", (request, caller) => {
    const index = writableIndex(request, caller, "delete");
    const subject = requiredQuery(request, "subject");
    if (![...index.entries.values()].some((entry) => entry.subject === subject)) {
      throw fail(404, "NotFound.Generic", `There is no subject '${subject}' in this index`);
    }
    return submitted(
      state.submitTask(index, { kind: "delete_subjects", subjects: [subject] }, context.now()),
    );
  });

  route("DELETE", "/v1/index/:id/entry", "write", (request, caller) => {
    const index = writableIndex(request, caller, "delete");
    const subject = requiredQuery(request, "subject");
    const entryId = request.query.get("entry_id") || null;
    if (!index.entries.has(entryKey(subject, entryId))) {
      throw fail(404, "NotFound.Generic", `No entry for subject '${subject}' with this id`);
    }
    const task = state.submitTask(index, { kind: "delete_entry", subject, entryId }, context.now());
    return submitted(task);
  });

  // ---- tasks ----

  route("GET", "/v1/task/:id", "any", (request, caller) => {
    const task = state.tasks.get(request.params.id ?? "");
    if (!task) {
      throw fail(404, "NotFound.Generic", `There is no task with id '${request.params.id}'`);
    }
    state.requireRole(state.index(task.indexId), caller, "task_read");
    return { body: taskDocument(task, context.now()) };
  });

  route("GET", "/v1/task_list/:id", "any", (request, caller) => {
    const index = state.index(indexParam(request));
    state.requireRole(index, caller, "task_read");
    const tasks = state.tasksOf(index).map((task) => taskDocument(task, context.now()));
    return { body: { index_id: index.id, tasks } };
  });
}

/** Reads the documents of an ingest (`GMetaEntry` or `GMetaList`), checked. */
function ingestEntries(document: Record<string, unknown>, fail: SearchFail): SearchEntry[] {
  const data = document.ingest_data;
  let documents: unknown[];
  if (document.ingest_type === "GMetaEntry") documents = [data];
  else if (document.ingest_type === "GMetaList" && isRecord(data) && Array.isArray(data.gmeta)) {
    documents = data.gmeta;
  } else {
    throw fail(
      400,
      "BadRequest.ValidationError",
      "ingest_type must be GMetaEntry or GMetaList, with matching ingest_data",
    );
  }
  if (document.field_mapping !== undefined && !isRecord(document.field_mapping)) {
    throw fail(400, "BadRequest.ValidationError", "'field_mapping' must be an object");
  }
  return documents.map((entry, position) => {
    const visibleTo = isRecord(entry) ? entry.visible_to : undefined;
    if (
      !isRecord(entry) ||
      typeof entry.subject !== "string" ||
      entry.subject === "" ||
      !isRecord(entry.content) ||
      !Array.isArray(visibleTo) ||
      visibleTo.length === 0
    ) {
      throw fail(
        400,
        "BadRequest.ValidationError",
        `Document ${position} needs subject, content (an object) and visible_to (a non-empty list)`,
      );
    }
    const bad = visibleTo.find(
      (value) => typeof value !== "string" || !isVisibilityPrincipal(value),
    );
    if (bad !== undefined) {
      throw fail(
        400,
        "BadRequest.ValidationError",
        `Document ${position}: ${JSON.stringify(bad)} is not a principal (public, all_authenticated_users or a URN)`,
      );
    }
    if (entry.id !== undefined && entry.id !== null && typeof entry.id !== "string") {
      throw fail(400, "BadRequest.ValidationError", `Document ${position}: 'id' must be a string`);
    }
    return {
      subject: entry.subject,
      entryId: typeof entry.id === "string" ? entry.id : null,
      content: entry.content,
      visibleTo: visibleTo as string[],
    };
  });
}

/** The demo index: non-trial, owned by the first seeded identity, public records. */
function seedDemoIndex(state: SearchState, context: EmulatorContext): void {
  const index: IndexRecord = {
    id: DEMO_SEARCH_INDEX_ID,
    displayName: "Emulator Demo Index",
    description: "Records for the emulator's seeded collections and flows",
    createdAt: context.now(),
    subscriptionId: DEMO_SUBSCRIPTION_ID,
    maxSizeInMb: 100,
    status: "open",
    entries: new Map(),
    roles: new Map(),
  };
  state.indexes.set(index.id, index);
  const owner = context.seed.identities[0];
  if (owner) state.addRole(index, "owner", identityUrn(owner.id), context.now());
  const add = (subject: string, content: Record<string, unknown>) =>
    index.entries.set(entryKey(subject, null), {
      subject,
      entryId: null,
      content,
      visibleTo: ["public"],
    });
  for (const endpoint of context.seed.endpoints) {
    add(`globus://collection/${endpoint.id}`, {
      kind: "collection",
      title: endpoint.display_name,
      id: endpoint.id,
    });
  }
  for (const flow of context.seed.flows) {
    add(`globus://flow/${flow.id}`, {
      kind: "flow",
      title: flow.title,
      description: flow.description ?? "",
      keywords: flow.keywords ?? [],
    });
  }
}

/** Globus Search, mounted at `/search/`. */
export const searchService: ServiceModule = {
  name: "search",
  errorFormat: (status, code, message) => searchErrorBody(status, code, message, requestId()),
  register,
};
