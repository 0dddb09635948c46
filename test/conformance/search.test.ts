/**
 * The official `@globus/sdk` drives the Search emulator at its own origin: every Search
 * operation the JavaScript SDK 6.2.0 has (indices, roles, ingest, GET and POST queries,
 * subjects, entries). It has no scroll, task or delete operations, so nothing else is
 * skipped. Each answer must fit the Search OpenAPI schema shipped in the SDK
 * (`open-api/types/search.d.ts`, generated from Globus's published spec).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { search } from "@globus/sdk";
import { SearchScopes } from "../../src/scopes/index.ts";
import {
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_SEARCH_INDEX_ID,
  type RunningEmulator,
  SEARCH_TASK_SECONDS,
} from "../../src/testing/index.ts";
import {
  type Allowances,
  conformanceEmulator,
  expectConforming,
  tokenFor,
  withToken,
} from "./helpers.ts";
import { TypeFacts } from "./type-facts.ts";

/** The 200 answer of an OpenAPI operation. */
const ok = (path: string, method: string) =>
  `api.paths["${path}"]["${method}"]["responses"][200]["content"]["application/json"]`;

const facts = new TypeFacts(
  { api: "open-api/types/search" },
  {
    indexList: ok("/v1/index_list", "get"),
    getIndex: ok("/v1/index/{index_id}", "get"),
    createIndex: ok("/v1/index", "post"),
    deleteIndex: ok("/v1/index/{index_id}", "delete"),
    reopenIndex: ok("/v1/index/{index_id}/reopen", "post"),
    ingest: ok("/v1/index/{index_id}/ingest", "post"),
    roleList: ok("/v1/index/{index_id}/role_list", "get"),
    createRole: ok("/v1/index/{index_id}/role", "post"),
    deleteRole: ok("/v1/index/{index_id}/role/{role_id}", "delete"),
    getSearch: ok("/v1/index/{index_id}/search", "get"),
    postSearch: ok("/v1/index/{index_id}/search", "post"),
    getSubject: ok("/v1/index/{index_id}/subject", "get"),
    getEntry: ok("/v1/index/{index_id}/entry", "get"),
  },
);

// Where the spec and the responses the Python SDK recorded from the real service differ,
// the recorded responses win; each allowance says which.
const TRIAL_SUBSCRIPTION =
  "a trial index has subscription_id null (create_index.py, index_list.py); the spec says string";
const UNRECORDED_INDEX_FIELDS = {
  content_last_modified_date: "not in any recorded index document (create_index.py, index_list.py)",
  entry_schema: "not in any recorded index document (create_index.py, index_list.py)",
  available: "not in any recorded index document (create_index.py, index_list.py)",
};
const INDEX_DATATYPE = { "@datatype": "the recorded index documents carry it (create_index.py)" };
const NULL_ENTRY_ID =
  "an entry without an id has entry_id null (search.py, post_search.py); the spec says string";
const RESULT_DATATYPE = { "@datatype": "the recorded results carry it (search.py)" };
const NO_FACETS = {
  facet_results: "only sent when the query asks for facets (search.py has none)",
};

/** The demo index is subscribed; a created one is a trial index. */
const subscribedIndexAllowances: Allowances = {
  absent: UNRECORDED_INDEX_FIELDS,
  undeclared: INDEX_DATATYPE,
};
const trialIndexAllowances: Allowances = {
  ...subscribedIndexAllowances,
  mismatches: { "$.subscription_id": TRIAL_SUBSCRIPTION },
};
const resultAllowances: Allowances = {
  absent: NO_FACETS,
  undeclared: RESULT_DATATYPE,
  mismatches: { "$.gmeta[].entries[].entry_id": NULL_ENTRY_ID },
};
const subjectAllowances: Allowances = {
  undeclared: { "@datatype": "the recorded gmeta results carry it (search.py)" },
  mismatches: { "$.entries[].entry_id": NULL_ENTRY_ID },
};

describe("conformance: Search through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let token: string;
  let bob: string;
  before(async () => {
    emulator = await conformanceEmulator();
    const scopes = [SearchScopes.all, SearchScopes.search, SearchScopes.ingest].map(String);
    token = await tokenFor(emulator, SearchScopes.resourceServer, scopes);
    bob = await tokenFor(emulator, SearchScopes.resourceServer, scopes, {
      identityId: BOB_IDENTITY_ID,
    });
  });
  after(() => emulator.stop());

  it("search.index.getAll lists the indices you hold a role on", async () => {
    await search.index.create(
      withToken(token, { payload: { display_name: "Listed", description: "a trial index" } }),
    );
    const body = await expectConforming(
      facts,
      "indexList",
      await search.index.getAll(withToken(token)),
      { mismatches: { "$.index_list[].subscription_id": TRIAL_SUBSCRIPTION } },
    );
    const listed = body.index_list as Array<Record<string, unknown>>;
    assert.deepEqual(listed.find((index) => index.id === DEMO_SEARCH_INDEX_ID)?.permissions, [
      "owner",
    ]);
  });

  it("search.index.get reads one index, with your roles", async () => {
    const body = await expectConforming(
      facts,
      "getIndex",
      await search.index.get(DEMO_SEARCH_INDEX_ID, withToken(token)),
      subscribedIndexAllowances,
    );
    assert.equal(body.id, DEMO_SEARCH_INDEX_ID);
    assert.deepEqual(body.permissions, ["owner"]);
  });

  it("search.index.create, remove and reopen: the life cycle of a trial index", async () => {
    const created = await expectConforming(
      facts,
      "createIndex",
      await search.index.create(
        withToken(bob, {
          payload: { display_name: "Conformance", description: "via @globus/sdk" },
        }),
      ),
      trialIndexAllowances,
    );
    const id = String(created.id);
    assert.equal(created.is_trial, true);
    assert.equal(created.status, "open");
    const removed = await expectConforming(
      facts,
      "deleteIndex",
      await search.index.remove(id, withToken(bob)),
    );
    assert.deepEqual(removed, { index_id: id, acknowledged: true });
    const pending = (await (await search.index.get(id, withToken(bob))).json()) as {
      status: string;
    };
    assert.equal(pending.status, "delete-pending");
    const reopened = await expectConforming(
      facts,
      "reopenIndex",
      await search.index.reopen(id, withToken(bob)),
    );
    assert.deepEqual(reopened, { index_id: id, acknowledged: true });
  });

  it("search.index.roles: create, list and remove a role", async () => {
    const principal = `urn:globus:auth:identity:${BOB_IDENTITY_ID}`;
    const role = await expectConforming(
      facts,
      "createRole",
      await search.index.roles.create(
        DEMO_SEARCH_INDEX_ID,
        withToken(token, { payload: { role_name: "writer", principal } }),
      ),
    );
    assert.equal(role.principal_type, "identity");
    const list = await expectConforming(
      facts,
      "roleList",
      await search.index.roles.getAll(DEMO_SEARCH_INDEX_ID, withToken(token)),
    );
    assert.ok((list.role_list as Array<{ id: string }>).some((item) => item.id === role.id));
    const removed = await expectConforming(
      facts,
      "deleteRole",
      await search.index.roles.remove(
        { index_id: DEMO_SEARCH_INDEX_ID, role_id: String(role.id) },
        withToken(token),
      ),
    );
    assert.equal(removed.success, true);
  });

  it("search.index.ingest, then query.get, query.post, subject.get and entry.get find it", async () => {
    const ingested = await expectConforming(
      facts,
      "ingest",
      await search.index.ingest(
        DEMO_SEARCH_INDEX_ID,
        withToken(token, {
          payload: {
            ingest_type: "GMetaList",
            ingest_data: {
              gmeta: [
                {
                  subject: "conformance://a",
                  visible_to: ["public"],
                  principal_sets: {},
                  content: { kind: "conformance", size: 3 },
                },
                {
                  subject: "conformance://a",
                  id: "second",
                  visible_to: ["public"],
                  principal_sets: {},
                  content: { kind: "conformance", size: 5 },
                },
              ],
            },
          },
        }),
      ),
      {
        undeclared: {
          success: "@globus/sdk's own IngestResponse type declares it",
          num_documents_ingested: "@globus/sdk's own IngestResponse type declares it",
          as_identity: "@globus/sdk's own IngestResponse type declares it",
        },
      },
    );
    assert.equal(ingested.num_documents_ingested, 2);
    emulator.controls.advanceClock(SEARCH_TASK_SECONDS);

    const found = await expectConforming(
      facts,
      "getSearch",
      await search.query.get(
        DEMO_SEARCH_INDEX_ID,
        withToken(token, { query: { q: "conformance" } }),
      ),
      resultAllowances,
    );
    assert.equal(found.total, 1);
    const posted = await expectConforming(
      facts,
      "postSearch",
      await search.query.post(
        DEMO_SEARCH_INDEX_ID,
        withToken(token, {
          payload: {
            q: "*",
            filters: [{ type: "match_any", field_name: "kind", values: ["conformance"] }],
            facets: [{ name: "sizes", field_name: "size", type: "terms" }],
          },
        }),
      ),
      { undeclared: RESULT_DATATYPE, mismatches: resultAllowances.mismatches },
    );
    assert.deepEqual(
      (posted.facet_results as Array<{ buckets: Array<{ value: string }> }>)[0]?.buckets.map(
        (bucket) => bucket.value,
      ),
      ["3", "5"],
    );
    const subject = await expectConforming(
      facts,
      "getSubject",
      await search.subject.get(
        DEMO_SEARCH_INDEX_ID,
        withToken(token, { query: { subject: "conformance://a" } }),
      ),
      subjectAllowances,
    );
    assert.equal((subject.entries as unknown[]).length, 2);
    const entry = await expectConforming(
      facts,
      "getEntry",
      await search.entry.get(
        DEMO_SEARCH_INDEX_ID,
        withToken(token, { query: { subject: "conformance://a", entry_id: "second" } }),
      ),
      { undeclared: subjectAllowances.undeclared },
    );
    assert.deepEqual(entry.entries, [
      { content: { kind: "conformance", size: 5 }, entry_id: "second", matched_principal_sets: [] },
    ]);
    // the seeded public records are found without a token too
    const anonymous = await search.subject.get(DEMO_SEARCH_INDEX_ID, {
      query: { subject: `globus://collection/${DEMO_COLLECTION_ID}` },
    });
    assert.equal(anonymous.status, 200);
  });
});
