/**
 * Globus Search (`/v1/`): index list and create, GET and POST search with offset paging,
 * ingest (answers a task id; documents are searchable at once), task status, get subject.
 * One public demo index, filled from the seeded collections and flows, exists at start.
 */
import { randomUUID } from "node:crypto";
import { KNOWN_SCOPES } from "../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import {
  decodeMarker,
  type ErrorBuilder,
  encodeMarker,
  identityUrn,
  intParam,
  isoTime,
  isRecord,
  objectBody,
  optionalString,
} from "./common.ts";

/** The demo index every emulator starts with (a fixed id, so tests and docs can name it). */
export const DEMO_SEARCH_INDEX_ID = "55555555-1111-4555-8555-555555555555";

const SEARCH = KNOWN_SCOPES.search;
const READ = [SEARCH.scopes.search, SEARCH.scopes.all];
const WRITE = [SEARCH.scopes.ingest, SEARCH.scopes.all];
const MAX_RESULTS = 10000;

interface Entry {
  subject: string;
  entryId: string | null;
  content: Record<string, unknown>;
  visibleTo: string[];
}

interface IndexRecord {
  id: string;
  displayName: string;
  description: string;
  owner: string;
  createdAt: number;
  entries: Map<string, Entry>;
}

interface TaskRecord {
  task_id: string;
  index_id: string;
  created: number;
  count: number;
  owner: string;
}

/** Search's error body: a `GError` document. */
function searchErrorBody(status: number, code: string, message: string, requestId: string) {
  return {
    "@datatype": "GError",
    "@version": "2017-09-01",
    status,
    code,
    message,
    request_id: requestId,
  };
}

function entryKey(subject: string, entryId: string | null): string {
  return `${subject}\u0000${entryId ?? ""}`;
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const formatter: ErrorBodyFormatter = (status, code, message) =>
    searchErrorBody(status, code, message, context.newId());
  const fail: ErrorBuilder = (status, code, message) =>
    new EmulatorHttpError(status, searchErrorBody(status, code, message, context.newId()));
  const indexes = new Map<string, IndexRecord>();
  const tasks = new Map<string, TaskRecord>();

  const demo: IndexRecord = {
    id: DEMO_SEARCH_INDEX_ID,
    displayName: "Emulator Demo Index",
    description: "Records for the emulator's seeded collections and flows",
    owner: context.seed.identities[0]?.id ?? "",
    createdAt: context.now(),
    entries: new Map(),
  };
  for (const endpoint of context.seed.endpoints) {
    const subject = `globus://collection/${endpoint.id}`;
    demo.entries.set(entryKey(subject, null), {
      subject,
      entryId: null,
      content: { kind: "collection", title: endpoint.display_name, id: endpoint.id },
      visibleTo: ["public"],
    });
  }
  for (const flow of context.seed.flows) {
    const subject = `globus://flow/${flow.id}`;
    demo.entries.set(entryKey(subject, null), {
      subject,
      entryId: null,
      content: {
        kind: "flow",
        title: flow.title,
        description: flow.description ?? "",
        keywords: flow.keywords ?? [],
      },
      visibleTo: ["public"],
    });
  }
  indexes.set(demo.id, demo);

  function auth(request: EmulatorRequest, scopes: readonly string[]): AccessTokenInfo {
    return context.authenticate(request, SEARCH.resourceServer, {
      anyOfScopes: scopes,
      format: formatter,
    });
  }

  function principals(token: AccessTokenInfo): Set<string> {
    return new Set([
      "public",
      "all_authenticated_users",
      identityUrn(token.identityId),
      ...token.sessionIdentities.map(identityUrn),
    ]);
  }

  /** The demo index is open to every caller; other indexes to their creator. */
  function permissionsOn(index: IndexRecord, token: AccessTokenInfo): string[] {
    if (index.owner === token.identityId) return ["owner"];
    return index.id === DEMO_SEARCH_INDEX_ID ? ["writer"] : [];
  }

  function requireIndex(id: string, token: AccessTokenInfo, write: boolean): IndexRecord {
    const index = indexes.get(id);
    if (!index) throw fail(404, "NotFound.NoSuchIndex", `There is no index with id '${id}'`);
    if (write && permissionsOn(index, token).length === 0) {
      throw fail(403, "Forbidden.Generic", `You do not have write access to index '${id}'`);
    }
    return index;
  }

  function indexDoc(index: IndexRecord, token: AccessTokenInfo): Record<string, unknown> {
    const subjects = new Set([...index.entries.values()].map((entry) => entry.subject));
    return {
      "@datatype": "GSearchIndex",
      "@version": "2017-09-01",
      id: index.id,
      display_name: index.displayName,
      description: index.description,
      creation_date: isoTime(index.createdAt).replace("T", " ").slice(0, 19),
      is_trial: true,
      subscription_id: null,
      max_size_in_mb: 1,
      size_in_mb: 0,
      num_subjects: subjects.size,
      num_entries: index.entries.size,
      permissions: permissionsOn(index, token),
      status: "open",
    };
  }

  function matches(entry: Entry, query: string, advanced: boolean): boolean {
    const trimmed = query.trim();
    if (trimmed === "" || trimmed === "*") return true;
    const field = advanced ? /^([\w.]+)\s*:\s*"?([^"]*)"?$/.exec(trimmed) : null;
    if (field) {
      const value = field[1]
        ?.split(".")
        .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), entry.content);
      return JSON.stringify(value ?? "")
        .toLowerCase()
        .includes((field[2] ?? "").toLowerCase());
    }
    const haystack = `${entry.subject} ${JSON.stringify(entry.content)}`.toLowerCase();
    return trimmed
      .toLowerCase()
      .split(/\s+/)
      .every((word) => haystack.includes(word));
  }

  function passesFilters(entry: Entry, filters: unknown[]): boolean {
    return filters.every((filter) => {
      if (
        !isRecord(filter) ||
        typeof filter.field_name !== "string" ||
        !Array.isArray(filter.values)
      ) {
        throw fail(400, "BadRequest.InvalidFilter", "Each filter needs field_name and values");
      }
      const value = entry.content[filter.field_name];
      const have = Array.isArray(value) ? value.map(String) : [String(value)];
      const wanted = filter.values.map(String);
      return filter.type === "match_all"
        ? wanted.every((item) => have.includes(item))
        : wanted.some((item) => have.includes(item));
    });
  }

  /** The subjects `token` may see that match, sorted, each with its matching entries. */
  function matchingSubjects(
    index: IndexRecord,
    token: AccessTokenInfo,
    options: { q: string; advanced: boolean; filters: unknown[] },
  ) {
    const allowed = principals(token);
    const bySubject = new Map<string, Entry[]>();
    for (const entry of index.entries.values()) {
      if (!entry.visibleTo.some((principal) => allowed.has(principal))) continue;
      if (!matches(entry, options.q, options.advanced) || !passesFilters(entry, options.filters))
        continue;
      const list = bySubject.get(entry.subject) ?? [];
      list.push(entry);
      bySubject.set(entry.subject, list);
    }
    const subjects = [...bySubject.keys()].sort();
    const results = (page: string[]) =>
      page.map((subject) => gmetaResult(subject, bySubject.get(subject) ?? []));
    return { subjects, results };
  }

  function runSearch(
    index: IndexRecord,
    token: AccessTokenInfo,
    options: { q: string; offset: number; limit: number; advanced: boolean; filters: unknown[] },
  ) {
    if (options.offset + options.limit > MAX_RESULTS) {
      throw fail(400, "BadRequest.OffsetTooLarge", `offset + limit must not exceed ${MAX_RESULTS}`);
    }
    const { subjects, results } = matchingSubjects(index, token, options);
    const page = subjects.slice(options.offset, options.offset + options.limit);
    return {
      "@datatype": "GSearchResult",
      "@version": "2017-09-01",
      count: page.length,
      offset: options.offset,
      total: subjects.length,
      has_next_page: options.offset + options.limit < subjects.length,
      gmeta: results(page),
    };
  }

  /** The query fields a POSTed search or scroll document carries, checked. */
  function queryDocument(body: Record<string, unknown>) {
    if (body.filters !== undefined && !Array.isArray(body.filters)) {
      throw fail(400, "BadRequest.ValidationError", "'filters' must be a list");
    }
    const number = (name: string, fallback: number) => {
      const value = body[name];
      if (value === undefined || value === null) return fallback;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        throw fail(400, "BadRequest.ValidationError", `'${name}' must be a non-negative integer`);
      }
      return value;
    };
    return {
      q: optionalString(body, "q", fail) ?? "",
      advanced: body.advanced === true,
      filters: (body.filters as unknown[] | undefined) ?? [],
      number,
    };
  }

  function gmetaResult(subject: string, entries: Entry[]): Record<string, unknown> {
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

  router.route("GET", "/v1/index_list", (request) => {
    const token = auth(request, READ);
    const visible = [...indexes.values()].filter((index) => permissionsOn(index, token).length > 0);
    return { body: { index_list: visible.map((index) => indexDoc(index, token)) } };
  });

  router.route("POST", "/v1/index", (request) => {
    const token = auth(request, [SEARCH.scopes.all]);
    const body = objectBody(() => request.json(), fail);
    const displayName = optionalString(body, "display_name", fail);
    if (!displayName) throw fail(400, "BadRequest.ValidationError", "'display_name' is required");
    const index: IndexRecord = {
      id: context.newId(),
      displayName,
      description: optionalString(body, "description", fail) ?? "",
      owner: token.identityId,
      createdAt: context.now(),
      entries: new Map(),
    };
    indexes.set(index.id, index);
    return { body: indexDoc(index, token) };
  });

  router.route("GET", "/v1/index/:id", (request) => {
    const token = auth(request, READ);
    return { body: indexDoc(requireIndex(request.params.id ?? "", token, false), token) };
  });

  router.route("GET", "/v1/index/:id/search", (request) => {
    const token = auth(request, READ);
    const index = requireIndex(request.params.id ?? "", token, false);
    const advanced = ["true", "1"].includes((request.query.get("advanced") ?? "").toLowerCase());
    return {
      body: runSearch(index, token, {
        q: request.query.get("q") ?? "",
        offset: intParam(request.query, "offset", { default: 0, min: 0, max: MAX_RESULTS }, fail),
        limit: intParam(request.query, "limit", { default: 10, min: 0, max: MAX_RESULTS }, fail),
        advanced,
        filters: [],
      }),
    };
  });

  router.route("POST", "/v1/index/:id/search", (request) => {
    const token = auth(request, READ);
    const index = requireIndex(request.params.id ?? "", token, false);
    const { number, ...query } = queryDocument(objectBody(() => request.json(), fail));
    return {
      body: runSearch(index, token, {
        ...query,
        offset: number("offset", 0),
        limit: number("limit", 10),
      }),
    };
  });

  // Scroll pages by marker, past the offset limit of search; the marker carries the position.
  router.route("POST", "/v1/index/:id/scroll", (request) => {
    const token = auth(request, READ);
    const index = requireIndex(request.params.id ?? "", token, false);
    const body = objectBody(() => request.json(), fail);
    const { number, ...query } = queryDocument(body);
    const limit = number("limit", 10);
    if (limit < 1 || limit > MAX_RESULTS) {
      throw fail(400, "BadRequest.ValidationError", `'limit' must be 1 to ${MAX_RESULTS}`);
    }
    let offset = 0;
    const marker = optionalString(body, "marker", fail);
    if (marker) {
      const position = decodeMarker(marker, fail).offset;
      if (typeof position !== "number" || !Number.isSafeInteger(position) || position < 0) {
        throw fail(400, "BadRequest.InvalidMarker", `Invalid marker '${marker}'`);
      }
      offset = position;
    }
    const { subjects, results } = matchingSubjects(index, token, query);
    const page = subjects.slice(offset, offset + limit);
    const hasNext = offset + limit < subjects.length;
    return {
      body: {
        gmeta: results(page),
        count: page.length,
        total: subjects.length,
        has_next_page: hasNext,
        marker: hasNext ? encodeMarker({ offset: offset + limit }) : null,
      },
    };
  });

  router.route("POST", "/v1/index/:id/ingest", (request) => {
    const token = auth(request, WRITE);
    const index = requireIndex(request.params.id ?? "", token, true);
    const body = objectBody(() => request.json(), fail);
    const data = body.ingest_data;
    let documents: unknown[];
    if (body.ingest_type === "GMetaEntry") documents = [data];
    else if (body.ingest_type === "GMetaList" && isRecord(data) && Array.isArray(data.gmeta)) {
      documents = data.gmeta;
    } else {
      throw fail(
        400,
        "BadRequest.ValidationError",
        "ingest_type must be GMetaEntry or GMetaList, with matching ingest_data",
      );
    }
    const parsed = documents.map((document, position) => {
      if (
        !isRecord(document) ||
        typeof document.subject !== "string" ||
        !isRecord(document.content) ||
        !Array.isArray(document.visible_to)
      ) {
        throw fail(
          400,
          "BadRequest.ValidationError",
          `Document ${position} needs subject, content (an object) and visible_to`,
        );
      }
      const entryId = typeof document.id === "string" ? document.id : null;
      return {
        subject: document.subject,
        entryId,
        content: document.content,
        visibleTo: document.visible_to.map(String),
      } satisfies Entry;
    });
    for (const entry of parsed) index.entries.set(entryKey(entry.subject, entry.entryId), entry);
    const task: TaskRecord = {
      task_id: context.newId(),
      index_id: index.id,
      created: context.now(),
      count: parsed.length,
      owner: token.identityId,
    };
    tasks.set(task.task_id, task);
    return {
      body: {
        acknowledged: true,
        success: true,
        task_id: task.task_id,
        num_documents_ingested: parsed.length,
        as_identity: identityUrn(token.identityId),
      },
    };
  });

  router.route("GET", "/v1/task/:id", (request) => {
    const token = auth(request, READ);
    const task = tasks.get(request.params.id ?? "");
    if (!task || task.owner !== token.identityId) {
      throw fail(404, "NotFound.Generic", `There is no task with id '${request.params.id}'`);
    }
    return {
      body: {
        task_id: task.task_id,
        index_id: task.index_id,
        task_type: "INGEST",
        state: "SUCCESS",
        state_description: "Task succeeded",
        message: `Ingested ${task.count} document(s)`,
        creation_date: isoTime(task.created),
        completion_date: isoTime(task.created),
        additional_details: null,
      },
    };
  });

  router.route("GET", "/v1/index/:id/subject", (request) => {
    const token = auth(request, READ);
    const index = requireIndex(request.params.id ?? "", token, false);
    const subject = request.query.get("subject");
    if (!subject) throw fail(400, "BadRequest.ValidationError", "'subject' is required");
    const allowed = principals(token);
    const entries = [...index.entries.values()].filter(
      (entry) =>
        entry.subject === subject && entry.visibleTo.some((principal) => allowed.has(principal)),
    );
    if (entries.length === 0) {
      throw fail(404, "NotFound.Generic", `No entries visible for subject '${subject}'`);
    }
    return { body: gmetaResult(subject, entries) };
  });
}

/** Globus Search, mounted at `/search/`. */
export const searchService: ServiceModule = {
  name: "search",
  errorFormat: (status, code, message) => searchErrorBody(status, code, message, randomUUID()),
  register,
};
