// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_FLOW_ID,
  DEMO_SHARED_FLOW_ID,
  DEMO_TRANSFER_FLOW_ID,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { FLOW_RUN_SECONDS } from "../../../src/testing/services/index.ts";
import { call, clientCredentials, userLogin } from "./helpers.ts";

const FLOWS = KNOWN_SCOPES.flows;
const RS = FLOWS.resourceServer;
const ALL_FLOWS_SCOPES = [
  FLOWS.scopes.view_flows,
  FLOWS.scopes.manage_flows,
  FLOWS.scopes.run_status,
  FLOWS.scopes.run_manage,
].join(" ");
const HELLO = {
  StartAt: "A",
  States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", End: true } },
};

describe("flows service", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let bob: string;
  let aliceRunToken: string;

  before(async () => {
    emulator = await startEmulator();
    base = emulator.urls.flows!;
    const helloScope = specificFlowScopeSet(DEMO_FLOW_ID).scopes.user;
    const aliceTokens = await userLogin(
      emulator,
      ALICE_IDENTITY_ID,
      `${ALL_FLOWS_SCOPES} ${helloScope}`,
    );
    alice = aliceTokens.byResourceServer.get(RS)!;
    aliceRunToken = aliceTokens.byResourceServer.get(DEMO_FLOW_ID)!;
    assert.ok(aliceRunToken, "a token for the flow's own resource server");
    bob = (await userLogin(emulator, BOB_IDENTITY_ID, ALL_FLOWS_SCOPES)).byResourceServer.get(RS)!;
  });
  after(() => emulator.stop());

  async function createFlow(token: string, title: string, extra: Record<string, unknown> = {}) {
    const created = await call(`${base}flows`, token, {
      method: "POST",
      body: { title, definition: HELLO, input_schema: {}, ...extra },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  it("answers 401 and 403 in Flows's error format", async () => {
    const missing = await call(`${base}flows`, undefined);
    assert.equal(missing.status, 401);
    assert.equal(typeof missing.body.error.code, "string");
    assert.equal(typeof missing.body.error.detail, "string");
    assert.equal(typeof missing.body.debug_id, "string");
    const statusOnly = (
      await clientCredentials(emulator, FLOWS.scopes.run_status)
    ).byResourceServer.get(RS);
    const forbidden = await call(`${base}flows`, statusOnly);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, "MISSING_SCOPE");
    const createForbidden = await call(`${base}flows`, statusOnly, {
      method: "POST",
      body: { title: "x", definition: HELLO },
    });
    assert.equal(createForbidden.status, 403);
  });

  it("lists visible flows with marker paging across three pages, filters and ordering", async () => {
    for (const n of [1, 2, 3, 4])
      await createFlow(alice, `Paging flow ${n}`, { keywords: ["paging"] });
    await createFlow(bob, "Bob's private flow");
    const titles: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await call(`${base}flows`, alice, {
        query: marker
          ? { marker }
          : { per_page: 2, filter_roles: "flow_owner", orderby: "title ASC" },
      });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(page.body.limit, 2);
      titles.push(...page.body.flows.map((flow: any) => flow.title));
      marker = page.body.has_next_page ? page.body.marker : undefined;
      if (!page.body.has_next_page) assert.equal(page.body.marker, null);
      pages += 1;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(titles, [...titles].sort());
    assert.equal(titles.length, 6);
    assert.ok(titles.includes("Hello World") && titles.includes("Move Results"));

    const all = await call(`${base}flows`, alice);
    const ids = all.body.flows.map((flow: any) => flow.id);
    assert.ok(ids.includes(DEMO_SHARED_FLOW_ID), "Bob's flow shared with Alice is visible");
    assert.ok(!all.body.flows.some((flow: any) => flow.title === "Bob's private flow"));
    const shared = all.body.flows.find((flow: any) => flow.id === DEMO_SHARED_FLOW_ID);
    assert.equal(shared.user_role, "flow_starter");

    const viewer = await call(`${base}flows`, alice, { query: { filter_roles: "flow_viewer" } });
    assert.ok(viewer.body.flows.every((flow: any) => flow.id !== DEMO_TRANSFER_FLOW_ID));
    const search = await call(`${base}flows`, alice, {
      query: { filter_fulltext: "transfer a directory" },
    });
    assert.deepEqual(
      search.body.flows.map((flow: any) => flow.id),
      [DEMO_TRANSFER_FLOW_ID],
    );
    const q = await call(`${base}flows`, alice, { query: { q: "paging" } });
    assert.equal(q.body.flows.length, 4);
    assert.equal(
      (await call(`${base}flows`, alice, { query: { filter_roles: "king" } })).status,
      400,
    );
    assert.equal((await call(`${base}flows`, alice, { query: { marker: "%%%" } })).status, 400);
  });

  it("creates, gets, updates and deletes a flow, with role checks and 404s", async () => {
    const flow = await createFlow(alice, "Lifecycle", {
      flow_viewers: [`urn:globus:auth:identity:${BOB_IDENTITY_ID}`],
    });
    assert.equal(flow.flow_owner, `urn:globus:auth:identity:${ALICE_IDENTITY_ID}`);
    assert.equal(flow.globus_auth_scope, specificFlowScopeSet(flow.id).scopes.user);
    assert.deepEqual(flow.flow_viewers, [`urn:globus:auth:identity:${BOB_IDENTITY_ID}`]);

    const got = await call(`${base}flows/${flow.id}`, bob);
    assert.equal(got.status, 200);
    assert.equal(got.body.user_role, "flow_viewer");
    const bobUpdate = await call(`${base}flows/${flow.id}`, bob, {
      method: "PUT",
      body: { title: "hijack" },
    });
    assert.equal(bobUpdate.status, 403);
    assert.equal(bobUpdate.body.error.code, "FORBIDDEN");

    const updated = await call(`${base}flows/${flow.id}`, alice, {
      method: "PUT",
      body: { title: "Lifecycle v2", keywords: ["v2"] },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.title, "Lifecycle v2");
    assert.deepEqual(updated.body.keywords, ["v2"]);
    assert.notEqual(updated.body.updated_at, undefined);
    const badUpdate = await call(`${base}flows/${flow.id}`, alice, {
      method: "PUT",
      body: { definition: { StartAt: "Nope", States: {} } },
    });
    assert.equal(badUpdate.status, 422);

    assert.equal((await call(`${base}flows/${flow.id}`, bob, { method: "DELETE" })).status, 403);
    const deleted = await call(`${base}flows/${flow.id}`, alice, { method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, flow.id);
    const gone = await call(`${base}flows/${flow.id}`, alice);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, "NOT_FOUND");
  });

  it("validates definitions on create and through /flows/validate", async () => {
    const invalid = {
      StartAt: "Step1",
      States: { Step1: { Type: "Action", ActionUrl: "https://x" } },
    };
    const rejected = await call(`${base}flows`, alice, {
      method: "POST",
      body: { title: "bad", definition: invalid },
    });
    assert.equal(rejected.status, 422);
    assert.equal(rejected.body.error.code, "UNPROCESSABLE_ENTITY");
    assert.deepEqual(rejected.body.error.detail[0].loc, ["definition", "States", "Step1"]);
    const noTitle = await call(`${base}flows`, alice, {
      method: "POST",
      body: { definition: HELLO },
    });
    assert.equal(noTitle.status, 422);

    const valid = await call(`${base}flows/validate`, alice, {
      method: "POST",
      body: {
        definition: {
          StartAt: "T",
          States: {
            T: {
              Type: "Action",
              ActionUrl: "https://transfer.actions.globus.org/transfer",
              End: true,
            },
          },
        },
      },
    });
    assert.equal(valid.status, 200);
    assert.deepEqual(valid.body.scopes.User, [KNOWN_SCOPES.transfer.scopes.all]);
    const invalidCheck = await call(`${base}flows/validate`, alice, {
      method: "POST",
      body: { definition: invalid },
    });
    assert.equal(invalidCheck.status, 422);
  });

  it("runs a flow only with that flow's own scope; the run succeeds as the clock passes", async () => {
    const wrongServer = await call(`${base}flows/${DEMO_FLOW_ID}/run`, alice, {
      method: "POST",
      body: { body: { message: "hi" } },
    });
    assert.equal(wrongServer.status, 401);
    const noToken = await call(`${base}flows/${DEMO_FLOW_ID}/run`, undefined, {
      method: "POST",
      body: {},
    });
    assert.equal(noToken.status, 401);

    const started = await call(`${base}flows/${DEMO_FLOW_ID}/run`, aliceRunToken, {
      method: "POST",
      body: { body: { message: "hi" }, label: "first run", tags: ["t1"] },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.status, "ACTIVE");
    assert.equal(started.body.flow_id, DEMO_FLOW_ID);
    assert.equal(started.body.label, "first run");
    const runId = started.body.run_id;

    const active = await call(`${base}runs/${runId}`, alice);
    assert.equal(active.body.status, "ACTIVE");
    // an unfinished run has no completion_time at all, as Globus recorded it
    assert.equal("completion_time" in active.body, false);
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    const done = await call(`${base}runs/${runId}`, alice);
    assert.equal(done.body.status, "SUCCEEDED");
    assert.equal(done.body.details.code, "FlowSucceeded");
    assert.ok(done.body.completion_time);
    assert.equal((await call(`${base}runs/${runId}`, bob)).status, 404);

    const codes: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await call(`${base}runs/${runId}/log`, alice, {
        query: marker ? { marker } : { limit: 1 },
      });
      assert.equal(page.status, 200);
      codes.push(...page.body.entries.map((entry: any) => entry.code));
      marker = page.body.has_next_page ? page.body.marker : undefined;
      pages += 1;
    } while (marker);
    assert.ok(pages >= 3);
    assert.equal(codes[0], "FlowStarted");
    assert.equal(codes.at(-1), "FlowSucceeded");
    const reversed = await call(`${base}runs/${runId}/log`, alice, {
      query: { reverse_order: true, limit: 100 },
    });
    assert.equal(reversed.body.entries[0].code, "FlowSucceeded");
    // a marker the client edited is refused, not served as an empty last page
    for (const forged of [{ limit: [1], offset: 0 }, { limit: 1, offset: "2" }, { limit: 0.5 }]) {
      const edited = Buffer.from(JSON.stringify(forged)).toString("base64url");
      const refused = await call(`${base}runs/${runId}/log`, alice, { query: { marker: edited } });
      assert.equal(refused.status, 400, JSON.stringify(forged));
    }
  });

  it("checks run input against the flow's schema and the caller's starter role", async () => {
    const transferScope = specificFlowScopeSet(DEMO_TRANSFER_FLOW_ID).scopes.user;
    const aliceTransfer = (
      await userLogin(emulator, ALICE_IDENTITY_ID, transferScope)
    ).byResourceServer.get(DEMO_TRANSFER_FLOW_ID)!;
    const missing = await call(`${base}flows/${DEMO_TRANSFER_FLOW_ID}/run`, aliceTransfer, {
      method: "POST",
      body: { body: { source: "a" } },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, "FLOW_INPUT_ERROR");
    const bobTransfer = (
      await userLogin(emulator, BOB_IDENTITY_ID, transferScope)
    ).byResourceServer.get(DEMO_TRANSFER_FLOW_ID)!;
    const notStarter = await call(`${base}flows/${DEMO_TRANSFER_FLOW_ID}/run`, bobTransfer, {
      method: "POST",
      body: { body: { source: "a", dest: "b" } },
    });
    assert.equal(notStarter.status, 404);
  });

  it("lists runs with marker paging and filters, and cancels with run_manage", async () => {
    const runIds: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const run = await call(`${base}flows/${DEMO_FLOW_ID}/run`, aliceRunToken, {
        method: "POST",
        body: { body: { n } },
      });
      runIds.push(run.body.run_id);
    }
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await call(`${base}runs`, alice, {
        query: marker ? { marker } : { per_page: 2, filter_flow_id: DEMO_FLOW_ID },
      });
      assert.equal(page.status, 200);
      seen.push(...page.body.runs.map((run: any) => run.run_id));
      marker = page.body.has_next_page ? page.body.marker : undefined;
      pages += 1;
    } while (marker);
    assert.ok(pages >= 3);
    for (const id of runIds) assert.ok(seen.includes(id));
    assert.equal((await call(`${base}runs`, bob)).body.runs.length, 0);
    const owned = await call(`${base}runs`, alice, { query: { filter_roles: "run_owner" } });
    assert.ok(owned.body.runs.every((run: any) => run.user_role === "run_owner"));

    const statusOnly = (
      await userLogin(emulator, ALICE_IDENTITY_ID, FLOWS.scopes.run_status)
    ).byResourceServer.get(RS);
    const target = runIds.at(-1)!;
    const forbidden = await call(`${base}runs/${target}/cancel`, statusOnly, { method: "POST" });
    assert.equal(forbidden.status, 403);
    const canceled = await call(`${base}runs/${target}/cancel`, alice, { method: "POST" });
    assert.equal(canceled.status, 200);
    assert.equal(canceled.body.status, "FAILED");
    // Globus recorded a canceled run as FAILED in both fields, the log entry in details
    assert.equal(canceled.body.display_status, "FAILED");
    assert.equal(canceled.body.details.code, "FlowCanceled");
    emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
    assert.equal((await call(`${base}runs/${target}`, alice)).body.status, "FAILED");
    assert.equal((await call(`${base}runs/${runIds[0]}`, alice)).body.status, "SUCCEEDED");
    assert.equal((await call(`${base}runs/${target}/cancel`, bob, { method: "POST" })).status, 404);
  });
});
