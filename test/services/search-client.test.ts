/**
 * Every SearchClient method against the emulator: the request it puts on the wire (as the
 * Python SDK 4.9 sends it) and the answer it decodes. The emulator clock is frozen, so
 * tests finish tasks by advancing it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  type Page,
  type Paginator,
  type ScrollResult,
  SearchAPIError,
  SearchClient,
  SearchQuery,
  SearchQueryV1,
  SearchScrollQuery,
} from "../../src/index.ts";
import { KNOWN_SCOPES } from "../../src/scopes/known.ts";
import {
  BOB_IDENTITY_ID,
  DEMO_SEARCH_INDEX_ID,
  type RunningEmulator,
  SEARCH_TASK_SECONDS,
  startEmulator,
} from "../../src/testing/index.ts";
import type { Authorizer } from "../../src/transport/types.ts";
import { authorizerFor, lastRequest, userAuthorizers, withRequests } from "./helpers.ts";

const S = KNOWN_SCOPES.search;
const BOB_URN = `urn:globus:auth:identity:${BOB_IDENTITY_ID}`;

let emulator: RunningEmulator;
let alice: SearchClient;
let bob: SearchClient;

before(async () => {
  emulator = await startEmulator({ clock: () => 1_750_000_000 });
  const scopes = [S.scopes.all, S.scopes.search, S.scopes.ingest];
  const client = (tokens: Map<string, Authorizer>) =>
    new SearchClient({
      authorizer: authorizerFor(tokens, S.resourceServer),
      baseUrl: emulator.urls.search,
    });
  alice = client(await userAuthorizers(emulator, scopes));
  bob = client(await userAuthorizers(emulator, scopes, { identityId: BOB_IDENTITY_ID }));
});
after(() => emulator.stop());

const finishTasks = () => emulator.controls.advanceClock(SEARCH_TASK_SECONDS);
const sent = (path: string, method?: string) => lastRequest(emulator, "search", path, method);

/** A fresh index of Bob's: each test that needs one owns it (three, Search's trial limit). */
async function bobsIndex(name: string): Promise<string> {
  return (await bob.createIndex(name, `${name} (test)`)).id;
}

/** Every page of a listing, in order. */
async function allPages<T, C>(paginator: Paginator<T, C>): Promise<Page<T, C>[]> {
  const pages: Page<T, C>[] = [];
  for await (const page of paginator.pages()) pages.push(page);
  return pages;
}

/** Ingests documents into an index and lets the task finish. */
async function fill(
  client: SearchClient,
  indexId: string,
  documents: Array<Record<string, unknown>>,
) {
  const task = await client.ingest(indexId, {
    ingest_type: "GMetaList",
    ingest_data: {
      gmeta: documents.map((content, n) => ({
        subject: String(content.subject ?? `doc://${n}`),
        visible_to: ["public"],
        content,
      })),
    },
  });
  finishTasks();
  return task;
}

describe("index life cycle", () => {
  test("createIndex, getIndex, updateIndex: requests and decoded indices", async () => {
    const created = await alice.createIndex("Client tests", "An index of the client tests");
    assert.deepEqual(sent("/v1/index", "POST").body, {
      display_name: "Client tests",
      description: "An index of the client tests",
    });
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.is_trial, true);
    assert.equal(created.subscription_id, null);
    assert.equal(created.status, "open");
    assert.equal(created.num_entries, 0);
    assert.equal("permissions" in created, false, "create answers the index without roles");

    const read = await alice.getIndex(created.id);
    assert.equal(sent(`/v1/index/${created.id}`, "GET").query["filter_roles"], undefined);
    assert.deepEqual(read.permissions, ["owner"]);
    assert.equal(read.display_name, "Client tests");

    const updated = await alice.updateIndex(created.id, { description: "Renamed nothing" });
    assert.deepEqual(sent(`/v1/index/${created.id}`, "PATCH").body, {
      description: "Renamed nothing",
    });
    assert.equal(updated.description, "Renamed nothing");
    assert.equal(updated.display_name, "Client tests");
    const renamed = await alice.updateIndex(created.id, { displayName: "Client tests 2" });
    assert.deepEqual(sent(`/v1/index/${created.id}`, "PATCH").body, {
      display_name: "Client tests 2",
    });
    assert.equal(renamed.description, "Renamed nothing");
  });

  test("indexList sends filter_roles comma-joined; listIndexes is its list", async () => {
    const both = await alice.indexList({ filterRoles: ["owner", "writer"] });
    assert.equal(sent("/v1/index_list").query["filter_roles"], "owner,writer");
    assert.ok(both.index_list.some((index) => index.id === DEMO_SEARCH_INDEX_ID));
    const admin = await alice.indexList({ filterRoles: "admin" });
    assert.equal(sent("/v1/index_list").query["filter_roles"], "admin");
    assert.deepEqual(admin.index_list, []);
    const all = await alice.listIndexes();
    assert.deepEqual(sent("/v1/index_list").query, {});
    assert.ok(all.every((index) => index.permissions?.includes("owner")));
    assert.deepEqual(
      all.map((index) => index.id),
      both.index_list.map((index) => index.id),
    );
  });

  test("deleteIndex marks it delete-pending, reopenIndex opens it again", async () => {
    const { id } = await alice.createIndex("Life cycle", "Deleted and reopened");
    const deleted = await alice.deleteIndex(id);
    assert.equal(sent(`/v1/index/${id}`, "DELETE").body, undefined);
    assert.deepEqual(deleted, { index_id: id, acknowledged: true });
    assert.equal((await alice.getIndex(id)).status, "delete-pending");
    const again = await alice.deleteIndex(id).catch((e: unknown) => e);
    assert.ok(again instanceof SearchAPIError);
    assert.equal(again.httpStatus, 409);
    assert.equal(again.code, "Conflict.IncompatibleIndexStatus");
    const reopened = await alice.reopenIndex(id);
    assert.equal(sent(`/v1/index/${id}/reopen`, "POST").body, undefined);
    assert.deepEqual(reopened, { index_id: id, acknowledged: true });
    assert.equal((await alice.getIndex(id)).status, "open");
  });
});

describe("queries", () => {
  let indexId: string;
  before(async () => {
    indexId = await bobsIndex("Queries");
    await fill(
      bob,
      indexId,
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({ subject: `q://${n}`, n, kind: n % 2 ? "odd" : "even" })),
    );
  });

  test("search sends q, offset, limit and advanced; decodes a page", async () => {
    const page = await bob.search(indexId, "kind:odd", { limit: 2, offset: 1, advanced: true });
    assert.deepEqual(sent(`/v1/index/${indexId}/search`, "GET").query, {
      q: "kind:odd",
      limit: "2",
      offset: "1",
      advanced: "true",
    });
    assert.equal(page.total, 4);
    assert.equal(page.count, 2);
    assert.equal(page.offset, 1);
    assert.equal(page.has_next_page, true);
    assert.deepEqual(
      page.gmeta.map((result) => result.subject),
      ["q://3", "q://5"],
    );
    assert.equal(page.gmeta[0]?.entries[0]?.entry_id, null);
    assert.equal(page.gmeta[0]?.entries[0]?.content["n"], 3);
  });

  test("paginatedSearch walks 3 pages of `limit`, the offset advancing by each page's count", async () => {
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "search", path: `/v1/index/${indexId}/search`, method: "GET" },
      () => allPages(bob.paginatedSearch(indexId, "q", { limit: 3 })),
    );
    assert.deepEqual(
      requests.map((r) => [r.query["offset"], r.query["limit"]]),
      [
        ["0", "3"],
        ["3", "3"],
        ["6", "3"],
      ],
    );
    assert.deepEqual(
      pages.flatMap((p) => p.items.map((g) => g.subject)),
      [1, 2, 3, 4, 5, 6, 7].map((n) => `q://${n}`),
    );
    // like the Python SDK's paginator, it asks for pages of 100 unless told
    await bob.paginatedSearch(indexId, "q").firstPage();
    assert.equal(sent(`/v1/index/${indexId}/search`, "GET").query["limit"], "100");
  });

  test("postSearch sends a SearchQueryV1 document, offset and limit winning", async () => {
    const query = new SearchQueryV1({ q: "*", limit: 50, advanced: false })
      .addFilter("kind", ["even"])
      .addSort("n", "desc");
    const page = await bob.postSearch(indexId, query, { limit: 2 });
    assert.deepEqual(sent(`/v1/index/${indexId}/search`, "POST").body, {
      "@version": "query#1.0.0",
      q: "*",
      limit: 2,
      advanced: false,
      filters: [{ type: "match_any", field_name: "kind", values: ["even"] }],
      sort: [{ field_name: "n", order: "desc" }],
    });
    assert.deepEqual(
      page.gmeta.map((result) => result.subject),
      ["q://6", "q://4"],
    );
    assert.equal(page.total, 3);
    // a plain document works as well, and the caller's object is left alone
    const plain = { q: "q", offset: 5 };
    await bob.postSearch(indexId, plain);
    assert.deepEqual(sent(`/v1/index/${indexId}/search`, "POST").body, { q: "q", offset: 5 });
    assert.deepEqual(plain, { q: "q", offset: 5 });
  });

  test("paginatedPostSearch walks 3 pages, the body's offset advancing", async () => {
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "search", path: `/v1/index/${indexId}/search`, method: "POST" },
      () => allPages(bob.paginatedPostSearch(indexId, new SearchQuery({ q: "q", limit: 3 }))),
    );
    assert.deepEqual(
      requests.map((r) => r.body),
      [0, 3, 6].map((offset) => ({ "@version": "query#1.0.0", q: "q", limit: 3, offset })),
    );
    assert.equal(pages.length, 3);
    assert.equal(pages.flatMap((p) => p.items).length, 7);
  });

  test("scroll follows markers across 3 pages and resumes from a marker", async () => {
    const path = `/v1/index/${indexId}/scroll`;
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "search", path, method: "POST" },
      () => allPages(bob.scroll(indexId, new SearchScrollQuery("q", { limit: 3 }))),
    );
    assert.equal(pages.length, 3);
    assert.deepEqual(requests[0]?.body, { q: "q", limit: 3 });
    const markers = pages.map((page) => (page.raw as ScrollResult).marker);
    const second = markers[0];
    assert.ok(second);
    assert.deepEqual(requests[1]?.body, { q: "q", limit: 3, marker: second });
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [3, 3, 1],
    );
    const resumed = await bob
      .paginatedScroll(indexId, { q: "q", limit: 3 }, { marker: second })
      .toArray();
    assert.deepEqual(sent(path, "POST").body, {
      q: "q",
      limit: 3,
      marker: markers[1],
    });
    assert.deepEqual(
      resumed.map((g) => g.subject),
      ["q://4", "q://5", "q://6", "q://7"],
    );
  });
});

describe("writes, subjects and entries", () => {
  let indexId: string;
  before(async () => {
    indexId = await bobsIndex("Writes");
  });

  test("ingest sends the document and answers its task, which finishes with the clock", async () => {
    const document = {
      ingest_type: "GMetaEntry" as const,
      ingest_data: { subject: "w://a", id: "one", visible_to: ["public"], content: { v: 1 } },
    };
    const task = await bob.ingest(indexId, document);
    assert.deepEqual(sent(`/v1/index/${indexId}/ingest`, "POST").body, document);
    assert.equal(task.acknowledged, true);
    assert.equal(task.num_documents_ingested, 1);
    assert.equal(task.as_identity, BOB_URN);
    const pending = await bob.getTask(task.task_id);
    assert.equal(sent(`/v1/task/${task.task_id}`).method, "GET");
    assert.equal(pending.state, "PENDING");
    assert.equal(pending.task_type, "INGEST");
    assert.equal(pending.index_id, indexId);
    assert.equal(pending.completion_date, null);
    finishTasks();
    const done = await bob.getTask(task.task_id);
    assert.equal(done.state, "SUCCESS");
    assert.equal(typeof done.completion_date, "string");
    const list = await bob.getTaskList(indexId);
    assert.equal(sent(`/v1/task_list/${indexId}`).method, "GET");
    assert.equal(list.index_id, indexId);
    assert.equal(list.tasks[0]?.task_id, task.task_id);
  });

  test("getEntry and getSubject send subject (and entry_id); decode one subject", async () => {
    await fill(bob, indexId, [{ subject: "w://a", v: 0 }]);
    const entry = await bob.getEntry(indexId, "w://a", { entryId: "one" });
    assert.deepEqual(sent(`/v1/index/${indexId}/entry`, "GET").query, {
      entry_id: "one",
      subject: "w://a",
    });
    assert.deepEqual(
      entry.entries.map((e) => [e.entry_id, e.content]),
      [["one", { v: 1 }]],
    );
    const nullEntry = await bob.getEntry(indexId, "w://a");
    assert.deepEqual(sent(`/v1/index/${indexId}/entry`, "GET").query, { subject: "w://a" });
    assert.equal(nullEntry.entries[0]?.entry_id, null);
    const subject = await bob.getSubject(indexId, "w://a");
    assert.deepEqual(sent(`/v1/index/${indexId}/subject`, "GET").query, { subject: "w://a" });
    assert.equal(subject.subject, "w://a");
    assert.equal(subject.entries.length, 2);
  });

  test("deleteEntry and deleteSubject are tasks; the entries go when they finish", async () => {
    await fill(bob, indexId, [{ subject: "w://b" }, { subject: "w://c" }]);
    const entry = await bob.deleteEntry(indexId, "w://a", { entryId: "one" });
    assert.deepEqual(sent(`/v1/index/${indexId}/entry`, "DELETE").query, {
      entry_id: "one",
      subject: "w://a",
    });
    assert.equal(entry.acknowledged, true);
    assert.equal((await bob.getTask(entry.task_id)).task_type, "DELETE_ENTRY");
    assert.equal((await bob.getSubject(indexId, "w://a")).entries.length, 2, "not yet");
    finishTasks();
    assert.equal((await bob.getSubject(indexId, "w://a")).entries.length, 1);
    const subject = await bob.deleteSubject(indexId, "w://b");
    assert.deepEqual(sent(`/v1/index/${indexId}/subject`, "DELETE").query, { subject: "w://b" });
    finishTasks();
    assert.equal((await bob.getTask(subject.task_id)).state, "SUCCESS");
    const gone = await bob.getSubject(indexId, "w://b").catch((e: unknown) => e);
    assert.ok(gone instanceof SearchAPIError);
    assert.equal(gone.httpStatus, 404);
  });

  test("batchDeleteBySubject sends subjects (one string is one subject) and extra params", async () => {
    await fill(bob, indexId, [{ subject: "w://d" }, { subject: "w://e" }, { subject: "w://f" }]);
    const task = await bob.batchDeleteBySubject(indexId, ["w://d", "w://e"]);
    assert.deepEqual(sent(`/v1/index/${indexId}/batch_delete_by_subject`, "POST").body, {
      subjects: ["w://d", "w://e"],
    });
    assert.deepEqual(Object.keys(task), ["task_id"]);
    await bob.batchDeleteBySubject(indexId, "w://f", { note: "extra" });
    assert.deepEqual(sent(`/v1/index/${indexId}/batch_delete_by_subject`, "POST").body, {
      subjects: ["w://f"],
      note: "extra",
    });
    finishTasks();
    const left = await bob.search(indexId, "*", { limit: 100 });
    assert.deepEqual(
      left.gmeta.map((g) => g.subject).filter((s) => /w:\/\/[def]/.test(s)),
      [],
    );
  });

  test("deleteByQuery sends the query document; matching entries go when it finishes", async () => {
    await fill(bob, indexId, [
      { subject: "w://old-1", year: 2001 },
      { subject: "w://old-2", year: 2005 },
      { subject: "w://new", year: 2024 },
    ]);
    const query = {
      q: "*",
      filters: [{ type: "range", field_name: "year", values: [{ from: "*", to: "2010" }] }],
    };
    const task = await bob.deleteByQuery(indexId, query);
    assert.deepEqual(sent(`/v1/index/${indexId}/delete_by_query`, "POST").body, query);
    assert.equal((await bob.getTask(task.task_id)).task_type, "DELETE_BY_QUERY");
    finishTasks();
    const years = (
      await bob.postSearch(indexId, { q: "*", filters: [{ type: "exists", field_name: "year" }] })
    ).gmeta.map((g) => g.entries[0]?.content["year"]);
    assert.deepEqual(years, [2024]);
  });
});

describe("roles", () => {
  test("createRole, getRoleList and deleteRole: requests and decoded roles", async () => {
    const indexId = await bobsIndex("Roles");
    const aliceUrn = "urn:globus:auth:identity:11111111-1111-4111-8111-111111111111";
    const role = await bob.createRole(indexId, { role_name: "writer", principal: aliceUrn });
    assert.deepEqual(sent(`/v1/index/${indexId}/role`, "POST").body, {
      role_name: "writer",
      principal: aliceUrn,
    });
    assert.equal(role.index_id, indexId);
    assert.equal(role.principal_type, "identity");
    assert.match(role.creation_date, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // the new writer may now ingest, and the index appears in her list
    assert.deepEqual((await alice.getIndex(indexId)).permissions, ["writer"]);
    const list = await bob.getRoleList(indexId);
    assert.equal(sent(`/v1/index/${indexId}/role_list`).method, "GET");
    assert.deepEqual(list.role_list.map((r) => [r.role_name, r.principal]).sort(), [
      ["owner", BOB_URN],
      ["writer", aliceUrn],
    ]);
    const deleted = await bob.deleteRole(indexId, role.id);
    assert.equal(sent(`/v1/index/${indexId}/role/${role.id}`, "DELETE").body, undefined);
    assert.equal(deleted.success, true);
    assert.deepEqual(deleted.deleted, role);
    assert.deepEqual((await alice.getIndex(indexId)).permissions, []);
  });
});

describe("builders and bad arguments", () => {
  test("SearchQueryV1 writes only the options given, in Python's keys", () => {
    assert.deepEqual(new SearchQueryV1().toJSON(), { "@version": "query#1.0.0" });
    const query = new SearchQueryV1({
      q: "x",
      offset: 10,
      limit: 5,
      advanced: true,
      filters: [{ type: "exists", field_name: "a" }],
      facets: [{ field_name: "b" }],
      postFacetFilters: [{ type: "match_all", field_name: "c", values: ["1"] }],
      boosts: [{ field_name: "d", factor: 2 }],
      sort: [{ field_name: "e" }],
      additionalFields: { bypass_visible_to: true },
    })
      .addFacet("Years", "year", { type: "terms", size: 3 })
      .addBoost("title", 5);
    assert.deepEqual(query.toJSON(), {
      "@version": "query#1.0.0",
      q: "x",
      limit: 5,
      offset: 10,
      advanced: true,
      filters: [{ type: "exists", field_name: "a" }],
      facets: [{ field_name: "b" }, { type: "terms", size: 3, name: "Years", field_name: "year" }],
      post_facet_filters: [{ type: "match_all", field_name: "c", values: ["1"] }],
      boosts: [
        { field_name: "d", factor: 2 },
        { field_name: "title", factor: 5 },
      ],
      sort: [{ field_name: "e" }],
      bypass_visible_to: true,
    });
    assert.equal(SearchQuery, SearchQueryV1);
    assert.deepEqual(new SearchScrollQuery().toJSON(), {});
    assert.deepEqual(
      new SearchScrollQuery("y", { limit: 2, advanced: false, marker: "m" }).toJSON(),
      {
        q: "y",
        limit: 2,
        advanced: false,
        marker: "m",
      },
    );
  });

  test("bad arguments fail at once, naming the argument", async () => {
    const usage = (pattern: RegExp) => (e: unknown) =>
      e instanceof GlobusSDKUsageError && pattern.test(e.message);
    assert.throws(() => new SearchQueryV1({ limit: -1 }), usage(/limit/));
    assert.throws(() => new SearchQueryV1({ offset: 1.5 }), usage(/offset/));
    assert.throws(() => new SearchScrollQuery("q", { limit: 0.5 }), usage(/limit/));
    assert.throws(() => alice.getIndex("not-an-index"), usage(/indexId/));
    assert.throws(() => alice.getTask(""), usage(/taskId/));
    assert.throws(() => alice.batchDeleteBySubject(DEMO_SEARCH_INDEX_ID, []), usage(/subjects/));
    assert.throws(
      () => alice.batchDeleteBySubject(DEMO_SEARCH_INDEX_ID, ["ok", ""]),
      usage(/subjects\[1\]/),
    );
    assert.throws(() => alice.deleteRole(DEMO_SEARCH_INDEX_ID, ""), usage(/roleId/));
    // and what only the service can judge comes back as Search's own error, with its
    // error_data where Search sends one
    const denied = await bob
      .updateIndex(DEMO_SEARCH_INDEX_ID, { description: "not his" })
      .catch((e: unknown) => e);
    assert.ok(denied instanceof SearchAPIError);
    assert.equal(denied.httpStatus, 403);
    assert.equal(denied.code, "Forbidden.Generic");
    assert.equal(denied.errorMessage, "index_update request denied by service");
    assert.deepEqual(Object.keys(denied.errorData ?? {}).sort(), [
      "cause",
      "recommended_resolution",
    ]);
    const refused = await alice
      .createRole(DEMO_SEARCH_INDEX_ID, { role_name: "writer", principal: "bob" })
      .catch((e: unknown) => e);
    assert.ok(refused instanceof SearchAPIError);
    assert.equal(refused.httpStatus, 400);
    assert.equal(refused.code, "BadRequest.ValidationError");
    assert.equal(refused.errorData, undefined);
  });
});
