// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gcsEndpointScopeSet, KNOWN_SCOPES } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  DEMO_GCS_ENDPOINT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import {
  DEMO_COMPUTE_ENDPOINT_ID,
  DEMO_SEARCH_INDEX_ID,
  SEARCH_TASK_SECONDS,
} from "../../../src/testing/services/index.ts";
import { call, clientCredentials, userLogin } from "./helpers.ts";

const G = KNOWN_SCOPES.groups;
const S = KNOWN_SCOPES.search;
const T = KNOWN_SCOPES.timers;
const C = KNOWN_SCOPES.compute;
const GCS = gcsEndpointScopeSet(DEMO_GCS_ENDPOINT_ID);
const EXTRA_COLLECTIONS = [1, 2, 3].map((n) => ({
  id: `88888888-000${n}-4888-8888-888888888888`,
  display_name: `GCS Extra ${n}`,
  owner_string: "alice@globusid.org",
  gcs_endpoint_id: DEMO_GCS_ENDPOINT_ID,
}));

describe("groups, search, timers, compute and GCS services", () => {
  let emulator: RunningEmulator;
  let aliceGroups: string;
  let bobGroups: string;
  let bobReadGroups: string;

  before(async () => {
    emulator = await startEmulator({
      seed: { endpoints: [...structuredClone(DEFAULT_SEED.endpoints), ...EXTRA_COLLECTIONS] },
    });
    aliceGroups = (await userLogin(emulator, ALICE_IDENTITY_ID, G.scopes.all)).byResourceServer.get(
      G.resourceServer,
    )!;
    bobGroups = (await userLogin(emulator, BOB_IDENTITY_ID, G.scopes.all)).byResourceServer.get(
      G.resourceServer,
    )!;
    bobReadGroups = (
      await userLogin(emulator, BOB_IDENTITY_ID, G.scopes.view_my_groups_and_memberships)
    ).byResourceServer.get(G.resourceServer)!;
  });
  after(() => emulator.stop());

  it("groups: my groups with memberships, get, create, update, delete, batch actions, errors", async () => {
    const base = `${emulator.urls.groups}v2/groups`;
    const missing = await call(`${base}/my_groups`, undefined);
    assert.equal(missing.status, 401);
    assert.equal(typeof missing.body.code, "string");
    assert.equal(typeof missing.body.detail, "string");
    const transferToken = (
      await clientCredentials(emulator, KNOWN_SCOPES.transfer.scopes.all)
    ).byResourceServer.get(KNOWN_SCOPES.transfer.resourceServer);
    assert.equal((await call(`${base}/my_groups`, transferToken)).status, 401);

    const mine = await call(`${base}/my_groups`, bobReadGroups);
    assert.equal(mine.status, 200);
    assert.ok(Array.isArray(mine.body));
    assert.equal(mine.body.length, 2, "Bob owns his group and is a member of Alice's");
    for (const group of mine.body) {
      assert.equal(group.my_memberships[0].identity_id, BOB_IDENTITY_ID);
      assert.equal(group.my_memberships[0].status, "active");
    }
    const readOnlyCreate = await call(base, bobReadGroups, { method: "POST", body: { name: "x" } });
    assert.equal(readOnlyCreate.status, 403);

    const created = await call(base, aliceGroups, {
      method: "POST",
      body: { name: "Emulator Lab", description: "made in a test" },
    });
    assert.equal(created.status, 201);
    const groupId = created.body.id;
    assert.equal(created.body.my_memberships[0].role, "admin");
    assert.equal(
      (await call(`${base}/${groupId}`, bobGroups)).status,
      404,
      "private group hidden from Bob",
    );

    const batch = await call(`${base}/${groupId}`, aliceGroups, {
      method: "POST",
      body: {
        add: [
          { identity_id: BOB_IDENTITY_ID, role: "member" },
          { identity_id: "00000000-0000-4000-8000-000000000000" },
        ],
      },
    });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.add[0].identity_id, BOB_IDENTITY_ID);
    assert.equal(batch.body.add[0].status, "active");
    assert.equal(batch.body.errors.add[0].code, "IDENTITY_NOT_FOUND");

    const seen = await call(`${base}/${groupId}`, bobGroups, {
      query: { include: "memberships,my_memberships" },
    });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.my_memberships[0].role, "member");
    assert.equal(
      (await call(`${base}/${groupId}`, bobGroups, { method: "PUT", body: { name: "x" } })).status,
      403,
    );
    const bobRemoves = await call(`${base}/${groupId}`, bobGroups, {
      method: "POST",
      body: { remove: [{ identity_id: ALICE_IDENTITY_ID }] },
    });
    // a member may not remove anyone: the whole request fails, as Groups' spec says
    assert.equal(bobRemoves.status, 403);
    assert.equal(bobRemoves.body.code, "FORBIDDEN");

    const updated = await call(`${base}/${groupId}`, aliceGroups, {
      method: "PUT",
      body: { name: "Emulator Lab 2", description: "renamed" },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.name, "Emulator Lab 2");
    const removed = await call(`${base}/${groupId}`, aliceGroups, {
      method: "POST",
      body: { remove: [{ identity_id: BOB_IDENTITY_ID }] },
    });
    assert.equal(removed.body.remove[0].status, "removed");
    assert.equal((await call(`${base}/${groupId}`, bobGroups)).status, 404);

    assert.equal((await call(`${base}/${groupId}`, aliceGroups, { method: "DELETE" })).status, 200);
    assert.equal((await call(`${base}/${groupId}`, aliceGroups)).status, 404);
  });

  it("search: index list, GET and POST search with paging, ingest, task, subject, errors", async () => {
    const base = `${emulator.urls.search}v1/`;
    const token = (
      await userLogin(emulator, ALICE_IDENTITY_ID, `${S.scopes.search} ${S.scopes.ingest}`)
    ).byResourceServer.get(S.resourceServer)!;
    const searchOnly = (await clientCredentials(emulator, S.scopes.search)).byResourceServer.get(
      S.resourceServer,
    )!;

    const missing = await call(`${base}index_list`, undefined);
    assert.equal(missing.status, 401);
    assert.equal(missing.body["@datatype"], "GError");
    const indexes = await call(`${base}index_list`, token);
    assert.equal(indexes.status, 200);
    assert.ok(indexes.body.index_list.some((index: any) => index.id === DEMO_SEARCH_INDEX_ID));

    const ingestForbidden = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/ingest`, searchOnly, {
      method: "POST",
      body: {
        ingest_type: "GMetaEntry",
        ingest_data: { subject: "x", content: {}, visible_to: ["public"] },
      },
    });
    assert.equal(ingestForbidden.status, 403);

    const gmeta = [1, 2, 3, 4, 5].map((n) => ({
      subject: `https://example.org/sample/${n}`,
      visible_to: ["public"],
      content: { kind: "sample", n, title: `Sample ${n}` },
    }));
    const ingest = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/ingest`, token, {
      method: "POST",
      body: { ingest_type: "GMetaList", ingest_data: { gmeta } },
    });
    assert.equal(ingest.status, 200);
    assert.equal(ingest.body.acknowledged, true);
    assert.equal(ingest.body.num_documents_ingested, 5);
    // the ingest is a task, which applies its documents when it finishes
    const pending = await call(`${base}task/${ingest.body.task_id}`, token);
    assert.notEqual(pending.body.state, "SUCCESS");
    emulator.controls.advanceClock(SEARCH_TASK_SECONDS);
    const task = await call(`${base}task/${ingest.body.task_id}`, token);
    assert.equal(task.body.state, "SUCCESS");
    assert.equal(
      (await call(`${base}task/00000000-0000-4000-8000-000000000000`, token)).status,
      404,
    );

    const subjects: string[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const page = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/search`, searchOnly, {
        query: { q: "sample", limit: 2, offset },
      });
      assert.equal(page.status, 200);
      assert.equal(page.body["@datatype"], "GSearchResult");
      assert.equal(page.body.total, 5);
      subjects.push(...page.body.gmeta.map((result: any) => result.subject));
      pages += 1;
      if (!page.body.has_next_page) break;
      offset += 2;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(subjects).size, 5);

    const posted = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/search`, searchOnly, {
      method: "POST",
      body: {
        q: "*",
        filters: [{ type: "match_any", field_name: "n", values: ["2", "4"] }],
        limit: 10,
      },
    });
    assert.deepEqual(
      posted.body.gmeta.map((result: any) => result.entries[0].content.n).sort(),
      [2, 4],
    );
    const seededFlow = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/search`, searchOnly, {
      query: { q: "kind:flow", advanced: true },
    });
    assert.equal(seededFlow.body.total, DEFAULT_SEED.flows.length);

    // scroll: marker pages in Search's scroll shape, with bad limits and edited markers refused
    const scrolled: string[] = [];
    let marker: string | undefined;
    let scrollPages = 0;
    do {
      const page = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/scroll`, searchOnly, {
        method: "POST",
        body: { q: "sample", limit: 2, ...(marker ? { marker } : {}) },
      });
      assert.equal(page.status, 200);
      assert.deepEqual(Object.keys(page.body).sort(), [
        "count",
        "gmeta",
        "has_next_page",
        "marker",
        "total",
      ]);
      assert.equal(page.body.total, 5);
      assert.equal(page.body.count, page.body.gmeta.length);
      scrolled.push(...page.body.gmeta.map((result: any) => result.subject));
      marker = page.body.has_next_page ? page.body.marker : undefined;
      if (!marker) assert.equal(page.body.marker, null);
      scrollPages += 1;
    } while (marker);
    assert.equal(scrollPages, 3);
    assert.deepEqual(scrolled, [...new Set(subjects)].sort());
    for (const body of [
      { q: "sample", limit: 0 },
      { q: "sample", limit: 10_001 },
      { q: "sample", marker: "not-a-marker" },
      { q: "sample", marker: Buffer.from('{"offset":-1}').toString("base64url") },
    ]) {
      const refused = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/scroll`, searchOnly, {
        method: "POST",
        body,
      });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body["@datatype"], "GError");
    }

    const subject = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/subject`, token, {
      query: { subject: "https://example.org/sample/3" },
    });
    assert.equal(subject.status, 200);
    assert.equal(subject.body.entries[0].content.title, "Sample 3");
    const noSubject = await call(`${base}index/${DEMO_SEARCH_INDEX_ID}/subject`, token, {
      query: { subject: "nope" },
    });
    assert.equal(noSubject.status, 404);
    assert.equal(noSubject.body.code, "NotFound.Generic");
    const noIndex = await call(`${base}index/00000000-0000-4000-8000-000000000000/search`, token, {
      query: { q: "x" },
    });
    assert.equal(noIndex.status, 404);
  });

  it("timers: transfer and flow timers; list, get, pause, resume, delete; errors", async () => {
    const base = emulator.urls.timer!;
    const token = (
      await userLogin(emulator, ALICE_IDENTITY_ID, T.scopes.timer)
    ).byResourceServer.get(T.resourceServer)!;
    const bob = (await userLogin(emulator, BOB_IDENTITY_ID, T.scopes.timer)).byResourceServer.get(
      T.resourceServer,
    )!;
    assert.equal((await call(`${base}jobs/`, undefined)).status, 401);
    const groupsToken = (await clientCredentials(emulator, G.scopes.all)).byResourceServer.get(
      G.resourceServer,
    );
    assert.equal((await call(`${base}jobs/`, groupsToken)).status, 401);

    const start = new Date(emulator.controls.now() * 1000 + 60_000).toISOString();
    const transferTimer = await call(`${base}v2/timer`, token, {
      method: "POST",
      body: {
        timer: {
          timer_type: "transfer",
          name: "nightly copy",
          schedule: {
            type: "recurring",
            interval_seconds: 3600,
            start,
            end: { condition: "iterations", count: 3 },
          },
          body: {
            DATA_TYPE: "transfer",
            source_endpoint: DEMO_COLLECTION_ID,
            destination_endpoint: DEMO_COLLECTION_ID,
            DATA: [{ DATA_TYPE: "transfer_item", source_path: "/~/a", destination_path: "/~/b" }],
          },
        },
      },
    });
    assert.equal(transferTimer.status, 201, JSON.stringify(transferTimer.body));
    const timer = transferTimer.body.timer;
    assert.equal(timer.timer_type, "transfer");
    assert.equal(timer.status, "new");
    assert.equal(timer.number_of_runs, 0);

    const flowTimer = await call(`${base}v2/timer`, token, {
      method: "POST",
      body: {
        timer: {
          timer_type: "flow",
          flow_id: DEMO_FLOW_ID,
          name: "once",
          schedule: { type: "once", datetime: start },
          body: { body: { message: "hi" } },
        },
      },
    });
    assert.equal(flowTimer.status, 201);
    assert.match(flowTimer.body.timer.callback_url, new RegExp(`/flows/${DEMO_FLOW_ID}/run$`));
    const bad = await call(`${base}v2/timer`, token, {
      method: "POST",
      body: { timer: { timer_type: "transfer", schedule: { type: "recurring" }, body: {} } },
    });
    assert.equal(bad.status, 422);
    assert.equal(typeof bad.body.detail[0].msg, "string");

    const list = await call(`${base}jobs/`, token);
    assert.deepEqual(
      list.body.jobs.map((job: any) => job.job_id),
      [timer.job_id, flowTimer.body.timer.job_id],
    );
    assert.equal((await call(`${base}jobs/`, bob)).body.jobs.length, 0);
    assert.equal((await call(`${base}jobs/${timer.job_id}`, bob)).status, 404);
    const patch = (who: typeof token, body: unknown) =>
      call(`${base}jobs/${timer.job_id}`, who, { method: "PATCH", body });
    const renamed = await patch(token, { name: "renamed" });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "renamed");
    assert.equal(renamed.body.job_id, timer.job_id);
    assert.equal((await patch(bob, { name: "mine now" })).status, 404);
    assert.equal((await patch(token, { name: 7 })).status, 422);
    assert.equal((await patch(token, { schedule: { type: "once" } })).status, 422);

    emulator.controls.advanceClock(120);
    assert.equal((await call(`${base}jobs/${timer.job_id}`, token)).body.n_runs, 1);
    const paused = await call(`${base}jobs/${timer.job_id}/pause`, token, { method: "POST" });
    assert.equal(paused.status, 200);
    assert.match(paused.body.message, /paused/);
    emulator.controls.advanceClock(7200);
    const whilePaused = await call(`${base}jobs/${timer.job_id}`, token);
    assert.equal(whilePaused.body.status, "inactive");
    assert.equal(whilePaused.body.inactive_reason.cause, "user");
    assert.equal(whilePaused.body.n_runs, 1);
    const resumed = await call(`${base}jobs/${timer.job_id}/resume`, token, {
      method: "POST",
      body: {},
    });
    assert.match(resumed.body.message, /resumed/);
    emulator.controls.advanceClock(3600 * 5);
    const finished = await call(`${base}jobs/${timer.job_id}`, token);
    assert.equal(finished.body.n_runs, 3);
    assert.equal(finished.body.status, "ended");

    const deleted = await call(`${base}jobs/${timer.job_id}`, token, { method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.equal((await call(`${base}jobs/${timer.job_id}`, token)).status, 404);
  });

  it("compute: endpoint status, register a function, submit and read the result", async () => {
    const base = `${emulator.urls.compute}v2/`;
    // the demo endpoint is Alice's: a client identity may not read it
    const token = (await userLogin(emulator, ALICE_IDENTITY_ID, C.scopes.all)).byResourceServer.get(
      C.resourceServer,
    )!;
    assert.equal(
      (await call(`${base}endpoints/${DEMO_COMPUTE_ENDPOINT_ID}/status`, undefined)).status,
      401,
    );
    const status = await call(`${base}endpoints/${DEMO_COMPUTE_ENDPOINT_ID}/status`, token);
    assert.equal(status.status, 200);
    assert.equal(status.body.status, "online");
    const unknown = await call(
      `${base}endpoints/00000000-0000-4000-8000-000000000000/status`,
      token,
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.http_status_code, 404);

    const registered = await call(`${base}functions`, token, {
      method: "POST",
      body: { function_name: "double", function_code: "def double(x): return 2 * x" },
    });
    assert.equal(registered.status, 200);
    const functionId = registered.body.function_uuid;
    assert.equal(
      (await call(`${base}functions/${functionId}`, token)).body.function_name,
      "double",
    );

    const submitted = await call(`${base}submit`, token, {
      method: "POST",
      body: {
        tasks: [
          [functionId, DEMO_COMPUTE_ENDPOINT_ID, "payload-1"],
          ["00000000-0000-4000-8000-000000000000", DEMO_COMPUTE_ENDPOINT_ID, "x"],
        ],
      },
    });
    assert.equal(submitted.status, 200);
    assert.equal(submitted.body.results[0].status, "success");
    assert.equal(submitted.body.results[1].status, "failed");
    const taskId = submitted.body.results[0].task_uuid;
    assert.equal((await call(`${base}tasks/${taskId}`, token)).body.status, "waiting-for-ep");
    emulator.controls.advanceClock(2);
    const result = await call(`${base}tasks/${taskId}`, token);
    assert.equal(result.body.status, "success");
    assert.equal(result.body.result, "payload-1");
    assert.equal(
      (await call(`${base}tasks/00000000-0000-4000-8000-000000000000`, token)).status,
      404,
    );
  });

  it("GCS: collections with marker paging, one collection, storage gateways, roles, errors", async () => {
    const base = `${emulator.urls.gcs}${DEMO_GCS_ENDPOINT_ID}/api/`;
    const token = (
      await userLogin(emulator, ALICE_IDENTITY_ID, GCS.scopes.manage_collections)
    ).byResourceServer.get(GCS.resourceServer)!;
    const missing = await call(`${base}collections`, undefined);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.DATA_TYPE, "result#1.0.0");
    assert.equal(missing.body.http_response_code, 401);
    const transferToken = (
      await clientCredentials(emulator, KNOWN_SCOPES.transfer.scopes.all)
    ).byResourceServer.get(KNOWN_SCOPES.transfer.resourceServer);
    assert.equal((await call(`${base}collections`, transferToken)).status, 401);
    assert.equal(
      (
        await call(
          `${emulator.urls.gcs}00000000-0000-4000-8000-000000000000/api/collections`,
          token,
        )
      ).status,
      404,
    );

    const ids: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await call(`${base}collections`, token, {
        query: marker ? { marker } : { page_size: 2 },
      });
      assert.equal(page.status, 200);
      assert.equal(page.body.DATA_TYPE, "result#1.0.0");
      assert.equal(page.body.code, "success");
      ids.push(...page.body.data.map((doc: any) => doc.id));
      marker = page.body.has_next_page ? page.body.marker : undefined;
      pages += 1;
    } while (marker);
    assert.equal(pages, 3);
    assert.equal(ids.length, 5);
    assert.ok(ids.includes(DEMO_COLLECTION_ID));

    const one = await call(`${base}collections/${DEMO_COLLECTION_ID}`, token);
    assert.equal(one.body.data[0].DATA_TYPE, "collection#1.0.0");
    assert.equal(one.body.data[0].id, DEMO_COLLECTION_ID);
    const none = await call(`${base}collections/00000000-0000-4000-8000-000000000000`, token);
    assert.equal(none.status, 404);
    assert.equal(none.body.code, "not_found");

    const gateways = await call(`${base}storage_gateways`, token);
    assert.equal(gateways.body.data[0].DATA_TYPE, "storage_gateway#1.0.0");
    assert.equal(one.body.data[0].storage_gateway_id, gateways.body.data[0].id);
    const roles = await call(`${base}roles`, token);
    assert.equal(roles.body.data[0].role, "owner");
    assert.equal(roles.body.data[0].principal, `urn:globus:auth:identity:${ALICE_IDENTITY_ID}`);
    const collectionRoles = await call(`${base}roles`, token, {
      query: { collection_id: DEMO_COLLECTION_ID },
    });
    assert.equal(collectionRoles.body.data[0].collection, DEMO_COLLECTION_ID);
  });
});
