// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Search emulator's behaviour over raw HTTP: writes as tasks that finish with the
 * clock, visibility by identity sets and seeded groups, roles, the index life cycle (delete,
 * reopen, removal, the trial limit), the query language it models, and its refusals, each
 * in Search's `GError` format.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KNOWN_SCOPES } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  DEMO_SEARCH_INDEX_ID,
  EmulatorSeedError,
  type RunningEmulator,
  SEARCH_TASK_SECONDS,
  startEmulator,
} from "../../../src/testing/index.ts";
import { call, userLogin } from "./helpers.ts";

const S = KNOWN_SCOPES.search;
const ALL = `${S.scopes.all} ${S.scopes.search} ${S.scopes.ingest}`;
const CAROL_ID = "44444444-1111-4444-8444-444444444444";
/** Alice's university identity and Carol are in the lab group; Bob is in the staff group. */
const LAB_GROUP = "66666666-1111-4666-8666-666666666666";
const STAFF_GROUP = "66666666-2222-4666-8666-666666666666";
const urn = (id: string) => `urn:globus:auth:identity:${id}`;
const groupUrn = (id: string) => `urn:globus:groups:id:${id}`;

describe("search emulator", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let bob: string;
  let carol: string;
  let aliceSearchOnly: string;

  before(async () => {
    const identities = DEFAULT_SEED.identities.map((identity) => ({
      ...identity,
      ...(identity.id === ALICE_UNIVERSITY_IDENTITY_ID ? { groups: [LAB_GROUP] } : {}),
      ...(identity.id === BOB_IDENTITY_ID ? { groups: [STAFF_GROUP] } : {}),
    }));
    identities.push({
      id: CAROL_ID,
      username: "carol@globusid.org",
      name: "Carol Example",
      email: "carol@example.org",
      account: "carol",
      groups: [LAB_GROUP],
    });
    emulator = await startEmulator({ clock: () => 1_760_000_000, seed: { identities } });
    base = `${emulator.urls.search}v1/`;
    const login = async (id: string, scope = ALL) =>
      (await userLogin(emulator, id, scope)).byResourceServer.get(S.resourceServer)!;
    alice = await login(ALICE_IDENTITY_ID);
    bob = await login(BOB_IDENTITY_ID);
    carol = await login(CAROL_ID);
    aliceSearchOnly = await login(ALICE_IDENTITY_ID, S.scopes.search);
  });
  after(() => emulator.stop());

  const finishTasks = () => emulator.controls.advanceClock(SEARCH_TASK_SECONDS);

  async function newIndex(token: string, name: string): Promise<string> {
    const created = await call(`${base}index`, token, {
      method: "POST",
      body: { display_name: name, description: "" },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body.id;
  }

  async function ingest(token: string, indexId: string, gmeta: unknown[]) {
    const answer = await call(`${base}index/${indexId}/ingest`, token, {
      method: "POST",
      body: { ingest_type: "GMetaList", ingest_data: { gmeta } },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  function assertGError(answer: { status: number; body: any }, status: number, code: string) {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body["@datatype"], "GError");
    assert.equal(answer.body.status, status);
    assert.equal(answer.body.code, code);
    assert.equal(typeof answer.body.message, "string");
    assert.match(answer.body.request_id, /^[0-9a-f]{32}$/);
  }

  it("writes are tasks: PENDING, then PROGRESS, then SUCCESS, when their change applies", async () => {
    const indexId = await newIndex(alice, "Tasks");
    const submitted = await ingest(alice, indexId, [
      { subject: "t://1", visible_to: ["public"], content: { n: 1 } },
    ]);
    const task = () => call(`${base}task/${submitted.task_id}`, alice);
    const subjects = async () =>
      (await call(`${base}index/${indexId}/search`, alice, { query: { q: "*" } })).body.total;
    assert.equal((await task()).body.state, "PENDING");
    assert.equal(await subjects(), 0, "nothing applies before the task finishes");
    emulator.controls.advanceClock(1);
    assert.equal((await task()).body.state, "PROGRESS");
    assert.equal(await subjects(), 0);
    emulator.controls.advanceClock(SEARCH_TASK_SECONDS - 1);
    const done = (await task()).body;
    assert.equal(done.state, "SUCCESS");
    assert.equal(done.state_description, "Task succeeded");
    assert.match(done.message, /1 document/);
    assert.ok(Date.parse(done.completion_date) > Date.parse(done.creation_date));
    assert.equal(await subjects(), 1);
    // a later delete is a task too, listed first
    const deleted = await call(`${base}index/${indexId}/subject`, alice, {
      method: "DELETE",
      query: { subject: "t://1" },
    });
    const list = await call(`${base}task_list/${indexId}`, alice);
    assert.deepEqual(
      list.body.tasks.map((t: any) => [t.task_id, t.task_type, t.state]),
      [
        [deleted.body.task_id, "DELETE_BY_SUBJECT", "PENDING"],
        [submitted.task_id, "INGEST", "SUCCESS"],
      ],
    );
    finishTasks();
    assert.equal(await subjects(), 0);
    // tasks belong to the index's role holders
    assertGError(await call(`${base}task/${submitted.task_id}`, bob), 403, "Forbidden.Generic");
    assertGError(await call(`${base}task_list/${indexId}`, bob), 403, "Forbidden.Generic");
    assertGError(
      await call(`${base}task/00000000-0000-4000-8000-000000000000`, alice),
      404,
      "NotFound.Generic",
    );
  });

  it("visible_to: identity sets, seeded groups, all_authenticated_users, public; bypass for admins", async () => {
    const indexId = await newIndex(alice, "Visibility");
    await ingest(alice, indexId, [
      { subject: "v://public", visible_to: ["public"], content: { tag: "v" } },
      { subject: "v://users", visible_to: ["all_authenticated_users"], content: { tag: "v" } },
      { subject: "v://bob", visible_to: [urn(BOB_IDENTITY_ID)], content: { tag: "v" } },
      // Alice's other identity: hers too, through her identity set
      {
        subject: "v://alice-uni",
        visible_to: [urn(ALICE_UNIVERSITY_IDENTITY_ID)],
        content: { tag: "v" },
      },
      { subject: "v://lab", visible_to: [groupUrn(LAB_GROUP)], content: { tag: "v" } },
      { subject: "v://staff", visible_to: [groupUrn(STAFF_GROUP)], content: { tag: "v" } },
    ]);
    finishTasks();
    const seen = async (token: string | undefined, extra: Record<string, string> = {}) => {
      const answer = await call(`${base}index/${indexId}/search`, token, {
        query: { q: "v", limit: 100, ...extra },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.gmeta.map((g: any) => g.subject.slice(4)).sort();
    };
    assert.deepEqual(await seen(alice), ["alice-uni", "lab", "public", "users"]);
    assert.deepEqual(await seen(bob), ["bob", "public", "staff", "users"]);
    assert.deepEqual(await seen(carol), ["lab", "public", "users"]);
    assert.deepEqual(await seen(undefined), ["public"], "no token: public records only");
    // the same filter applies to scroll, subjects and entries
    const scrolled = await call(`${base}index/${indexId}/scroll`, carol, {
      method: "POST",
      body: { q: "v" },
    });
    assert.equal(scrolled.body.total, 3);
    assertGError(
      await call(`${base}index/${indexId}/subject`, carol, { query: { subject: "v://bob" } }),
      404,
      "NotFound.Generic",
    );
    assert.equal(
      (await call(`${base}index/${indexId}/entry`, carol, { query: { subject: "v://lab" } }))
        .status,
      200,
    );
    // owners and admins may bypass visible_to; writers and others may not
    assert.equal((await seen(alice, { bypass_visible_to: "true" })).length, 6);
    await call(`${base}index/${indexId}/role`, alice, {
      method: "POST",
      body: { role_name: "writer", principal: urn(BOB_IDENTITY_ID) },
    });
    const refused = await call(`${base}index/${indexId}/search`, bob, {
      query: { q: "v", bypass_visible_to: "true" },
    });
    assertGError(refused, 403, "Forbidden.Generic");
    assert.equal(refused.body.message, "bypass_visible_to request denied by service");
    assert.deepEqual(Object.keys(refused.body.error_data).sort(), [
      "cause",
      "recommended_resolution",
    ]);
  });

  it("roles decide who may write and manage; group roles count; the last owner stays", async () => {
    const indexId = await newIndex(bob, "Roles");
    const roles = `${base}index/${indexId}/role`;
    const gmeta = [{ subject: "r://1", visible_to: ["public"], content: {} }];
    const ingestAs = (token: string) =>
      call(`${base}index/${indexId}/ingest`, token, {
        method: "POST",
        body: { ingest_type: "GMetaList", ingest_data: { gmeta } },
      });
    assertGError(await ingestAs(carol), 403, "Forbidden.Generic");
    // a writer role for the lab group: Carol and Alice (by her university identity) write
    const groupRole = await call(roles, bob, {
      method: "POST",
      body: { role_name: "writer", principal: groupUrn(LAB_GROUP) },
    });
    assert.equal(groupRole.body.principal_type, "group");
    assert.equal((await ingestAs(carol)).status, 200);
    assert.equal((await ingestAs(alice)).status, 200);
    const listed = await call(`${base}index_list`, carol, { query: { filter_roles: "writer" } });
    assert.deepEqual(
      listed.body.index_list.map((index: any) => [index.id, index.permissions]),
      [[indexId, ["writer"]]],
    );
    // writers cannot manage the index or its roles
    assertGError(
      await call(`${base}index/${indexId}`, carol, { method: "PATCH", body: { description: "x" } }),
      403,
      "Forbidden.Generic",
    );
    assertGError(await call(`${base}index/${indexId}/role_list`, carol), 403, "Forbidden.Generic");
    // an admin manages roles but cannot make owners; only an owner can
    const admin = await call(roles, bob, {
      method: "POST",
      body: { role_name: "admin", principal: urn(CAROL_ID) },
    });
    assert.equal(admin.status, 200);
    assert.equal(
      (
        await call(roles, carol, {
          method: "POST",
          body: { role_name: "writer", principal: urn(ALICE_IDENTITY_ID) },
        })
      ).status,
      200,
    );
    assertGError(
      await call(roles, carol, {
        method: "POST",
        body: { role_name: "owner", principal: urn(CAROL_ID) },
      }),
      403,
      "Forbidden.Generic",
    );
    assertGError(
      await call(roles, bob, {
        method: "POST",
        body: { role_name: "admin", principal: urn(CAROL_ID) },
      }),
      409,
      "Conflict.AlreadyExists",
    );
    const list = (await call(`${base}index/${indexId}/role_list`, carol)).body.role_list;
    const owner = list.find((role: any) => role.role_name === "owner");
    assert.equal(owner.principal, urn(BOB_IDENTITY_ID));
    assertGError(
      await call(`${roles}/${owner.id}`, carol, { method: "DELETE" }),
      409,
      "Conflict.LimitExceeded",
    );
    assertGError(
      await call(`${roles}/MDAwMDAw`, bob, { method: "DELETE" }),
      404,
      "NotFound.Generic",
    );
    // and the scope matters besides the role: a search-only token cannot ingest
    assertGError(await ingestAs(aliceSearchOnly), 403, "PermissionDenied");
  });

  it("a deleted index: delete-pending, refusing all but reopen, gone after the trial retention", async () => {
    const indexId = await newIndex(carol, "Doomed");
    const index = `${base}index/${indexId}`;
    const pending = await ingest(carol, indexId, [
      { subject: "d://1", visible_to: ["public"], content: {} },
    ]);
    const deleted = await call(index, carol, { method: "DELETE" });
    assert.deepEqual(deleted.body, { index_id: indexId, acknowledged: true });
    assert.equal((await call(`${base}task/${pending.task_id}`, carol)).body.state, "CANCELLED");
    const shown = await call(index, carol);
    assert.equal(shown.body.status, "delete-pending");
    assert.equal(shown.body.num_entries, 0, "the cancelled ingest never applied");
    for (const [path, init] of [
      ["/search", { query: { q: "*" } }],
      ["/scroll", { method: "POST", body: {} }],
      [
        "/ingest",
        { method: "POST", body: { ingest_type: "GMetaList", ingest_data: { gmeta: [] } } },
      ],
      ["", { method: "PATCH", body: { description: "late" } }],
      ["", { method: "DELETE" }],
    ] as const) {
      const refused = await call(`${index}${path}`, carol, init);
      assertGError(refused, 409, "Conflict.IncompatibleIndexStatus");
      assert.equal(
        refused.body.message,
        "Index status (delete_pending) did not match required status for this operation: open",
      );
    }
    assert.deepEqual((await call(`${index}/reopen`, carol, { method: "POST" })).body, {
      index_id: indexId,
      acknowledged: true,
    });
    const again = await call(`${index}/reopen`, carol, { method: "POST" });
    assertGError(again, 409, "Conflict.IncompatibleIndexStatus");
    assert.equal(
      again.body.message,
      "Index status (open) did not match required status for this operation: delete_pending",
    );
    // a trial index is removed a few minutes after its deletion
    await call(index, carol, { method: "DELETE" });
    emulator.controls.advanceClock(299);
    assert.equal((await call(index, carol)).status, 200);
    emulator.controls.advanceClock(1);
    assertGError(await call(index, carol), 404, "NotFound.NoSuchIndex");
    assertGError(
      await call(`${index}/reopen`, carol, { method: "POST" }),
      404,
      "NotFound.NoSuchIndex",
    );
    assertGError(await call(`${base}task/${pending.task_id}`, carol), 404, "NotFound.Generic");
    // only an owner deletes: Carol holds no role on the demo index
    assertGError(
      await call(`${base}index/${DEMO_SEARCH_INDEX_ID}`, carol, { method: "DELETE" }),
      403,
      "Forbidden.Generic",
    );
  });

  it("owning more than three trial indices is Conflict.LimitExceeded, with error_data", async () => {
    const owned: string[] = [];
    for (;;) {
      const created = await call(`${base}index`, bob, {
        method: "POST",
        body: { display_name: `Mine ${owned.length}`, description: "" },
      });
      if (created.status !== 200) {
        assertGError(created, 409, "Conflict.LimitExceeded");
        assert.equal(created.body.message, "Role limit exceeded");
        assert.deepEqual(Object.keys(created.body.error_data).sort(), ["cause", "constraint"]);
        break;
      }
      owned.push(created.body.id);
    }
    // Bob already owned one (the roles test), so two more fit
    const listed = await call(`${base}index_list`, bob, { query: { filter_roles: "owner" } });
    assert.equal(listed.body.index_list.filter((index: any) => index.is_trial).length, 3);
    assert.equal(owned.length, 2);
    // a subscribed index does not count: Alice owns the demo index and still creates her
    // third trial index in the next tests
    assert.equal((await call(`${base}index/${DEMO_SEARCH_INDEX_ID}`, alice)).body.is_trial, false);
  });

  it("queries: filters, sort, facets, post-facet filters, and the limits of the model", async () => {
    const indexId = await newIndex(carol, "Catalogue");
    const books = [
      { title: "Alpha", year: 1999, genre: "fiction", pages: 100, authors: [{ name: "Ann" }] },
      { title: "Beta", year: 2005, genre: "science", pages: 300, authors: [{ name: "Ben" }] },
      { title: "Gamma", year: 2012, genre: "fiction", pages: 200 },
      { title: "Delta", year: 2020, genre: "history", pages: 400, authors: [{ name: "Ann" }] },
    ];
    await ingest(
      carol,
      indexId,
      books.map((content) => ({
        subject: `b://${content.title}`,
        visible_to: ["public"],
        content,
      })),
    );
    finishTasks();
    const query = async (body: Record<string, unknown>) => {
      const answer = await call(`${base}index/${indexId}/search`, carol, { method: "POST", body });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    };
    const titles = (body: any) => body.gmeta.map((g: any) => g.entries[0].content.title);
    const range = { type: "range", field_name: "year", values: [{ from: "2000", to: "2015" }] };
    assert.deepEqual(titles(await query({ filters: [range] })), ["Beta", "Gamma"]);
    assert.deepEqual(titles(await query({ filters: [{ type: "not", filter: range }] })), [
      "Alpha",
      "Delta",
    ]);
    assert.deepEqual(
      titles(await query({ filters: [{ type: "exists", field_name: "authors.name" }] })),
      ["Alpha", "Beta", "Delta"],
    );
    const ann = { type: "match_any", field_name: "authors.name", values: ["Ann"] };
    const fiction = { type: "match_all", field_name: "genre", values: ["fiction"] };
    assert.deepEqual(titles(await query({ filters: [{ type: "and", filters: [ann, fiction] }] })), [
      "Alpha",
    ]);
    assert.deepEqual(titles(await query({ filters: [{ type: "or", filters: [ann, fiction] }] })), [
      "Alpha",
      "Delta",
      "Gamma",
    ]);
    assert.deepEqual(titles(await query({ sort: [{ field_name: "pages" }] })), [
      "Delta",
      "Beta",
      "Gamma",
      "Alpha",
    ]);
    assert.deepEqual(titles(await query({ sort: [{ field_name: "year", order: "asc" }] })), [
      "Alpha",
      "Beta",
      "Gamma",
      "Delta",
    ]);
    const faceted = await query({
      "@version": "query#1.0.0",
      q: "*",
      facets: [
        { name: "Genres", field_name: "genre" },
        { name: "Pages", field_name: "pages", type: "sum" },
        { name: "Mean year", field_name: "year", type: "avg" },
      ],
      post_facet_filters: [fiction],
    });
    assert.deepEqual(titles(faceted), ["Alpha", "Gamma"], "post-facet filters narrow the results");
    assert.deepEqual(faceted.facet_results, [
      {
        "@version": "2017-09-01",
        name: "Genres",
        buckets: [
          { "@version": "2017-09-01", value: "fiction", count: 2 },
          { "@version": "2017-09-01", value: "history", count: 1 },
          { "@version": "2017-09-01", value: "science", count: 1 },
        ],
      },
      { "@version": "2017-09-01", name: "Pages", value: 1000 },
      { "@version": "2017-09-01", name: "Mean year", value: 2009 },
    ]);
    assert.equal("facet_results" in (await query({ q: "*" })), false);
    // what the emulator does not model, and what Search refuses, are 400s naming the problem
    for (const [body, code] of [
      [{ filters: [{ type: "geo_shape", field_name: "x" }] }, "BadRequest.InvalidFilter"],
      [{ filters: [{ type: "match_any", values: ["x"] }] }, "BadRequest.InvalidFilter"],
      [{ facets: [{ field_name: "year", type: "date_histogram" }] }, "BadRequest.ValidationError"],
      [{ sort: [{ field_name: "year", order: "up" }] }, "BadRequest.ValidationError"],
      [{ "@version": "scroll#1.0.0" }, "BadRequest.ValidationError"],
      [{ advanced: "yes" }, "BadRequest.ValidationError"],
      [{ offset: 9995, limit: 10 }, "BadRequest.OffsetTooLarge"],
    ] as const) {
      const refused = await call(`${base}index/${indexId}/search`, carol, { method: "POST", body });
      assertGError(refused, 400, code);
    }
    const scrollVersion = await call(`${base}index/${indexId}/scroll`, carol, {
      method: "POST",
      body: { "@version": "query#1.0.0" },
    });
    assertGError(scrollVersion, 400, "BadRequest.ValidationError");
    assertGError(
      await call(`${base}index/${indexId}/search`, carol),
      400,
      "BadRequest.ValidationError",
    );
  });

  it("refuses bad documents and arguments in Search's GError format", async () => {
    const indexId = await newIndex(alice, "Strict");
    const post = (path: string, body: unknown, token = alice) =>
      call(`${base}${path}`, token, { method: "POST", body });
    for (const document of [
      { subject: "x", content: {}, visible_to: [] },
      { subject: "x", content: {}, visible_to: ["everyone"] },
      { subject: "", content: {}, visible_to: ["public"] },
      { subject: "x", content: [], visible_to: ["public"] },
      { subject: "x", content: {}, visible_to: ["public"], id: 7 },
    ]) {
      const refused = await post(`index/${indexId}/ingest`, {
        ingest_type: "GMetaEntry",
        ingest_data: document,
      });
      assertGError(refused, 400, "BadRequest.ValidationError");
    }
    assertGError(
      await post("index", { display_name: "no description" }),
      400,
      "BadRequest.ValidationError",
    );
    assertGError(
      await post(`index/${indexId}/batch_delete_by_subject`, { subjects: [] }),
      400,
      "BadRequest.ValidationError",
    );
    assertGError(
      await post(`index/${indexId}/role`, { role_name: "reader", principal: urn(CAROL_ID) }),
      400,
      "BadRequest.ValidationError",
    );
    assertGError(
      await call(`${base}index_list`, alice, { query: { filter_roles: "reader" } }),
      400,
      "BadRequest.ValidationError",
    );
    assertGError(
      await call(`${base}index/${indexId}/entry`, alice, {
        method: "DELETE",
        query: { subject: "none" },
      }),
      404,
      "NotFound.Generic",
    );
    assertGError(await call(`${base}index_list`, undefined), 401, "AuthenticationFailed");
    assertGError(
      await post("index", { display_name: "x", description: "" }, aliceSearchOnly),
      403,
      "PermissionDenied",
    );
  });

  it("a seed whose identities name groups that are not ids is refused at start", async () => {
    const [first, ...rest] = DEFAULT_SEED.identities;
    await assert.rejects(
      startEmulator({ seed: { identities: [{ ...first!, groups: ["staff"] }, ...rest] } }),
      (e: unknown) => e instanceof EmulatorSeedError && /identities\[0\]\.groups/.test(e.message),
    );
  });
});
