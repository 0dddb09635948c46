// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Timers emulator over plain HTTP: the documents it answers (with the keys and values
 * the Python SDK's recorded responses show), validation in Timers' FastAPI format, and the
 * emulator clock driving runs, pauses, resumes and consent failures.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  gcsCollectionScopeSet,
  KNOWN_SCOPES,
  specificFlowScopeSet,
} from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { timersTime as at } from "../../services/timers-time.ts";
import { call, userLogin } from "./helpers.ts";

const T = KNOWN_SCOPES.timers;
const TRANSFER_ALL = KNOWN_SCOPES.transfer.scopes.all;
/** A mapped collection that wants a data_access consent (not high assurance). */
const CONSENT_COLLECTION_ID = "77777777-1111-4777-8777-777777777777";
const DATA_ACCESS = gcsCollectionScopeSet(CONSENT_COLLECTION_ID).scopes.data_access;
const FLOW_USER = specificFlowScopeSet(DEMO_FLOW_ID).scopes.user;

function transferBody(destination = DEMO_COLLECTION_ID) {
  return {
    source_endpoint: DEMO_COLLECTION_ID,
    destination_endpoint: destination,
    DATA: [{ source_path: "/~/a.txt", destination_path: "/~/b.txt" }],
  };
}

describe("Timers emulator", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let aliceFlow: string;
  let bob: string;

  const token = async (identityId: string, scope: string) =>
    (await userLogin(emulator, identityId, scope)).byResourceServer.get(T.resourceServer)!;

  before(async () => {
    emulator = await startEmulator({
      seed: {
        endpoints: [
          ...structuredClone(DEFAULT_SEED.endpoints),
          {
            id: CONSENT_COLLECTION_ID,
            display_name: "Consent Collection",
            owner_string: "alice@globusid.org",
            entity_type: "GCSv5_mapped_collection",
            requires_data_access_consent: true,
          },
        ],
      },
    });
    base = emulator.urls.timer!;
    alice = await token(ALICE_IDENTITY_ID, T.scopes.timer);
    aliceFlow = await token(ALICE_IDENTITY_ID, `${T.scopes.timer}[${FLOW_USER}]`);
    bob = await token(BOB_IDENTITY_ID, T.scopes.timer);
  });
  after(() => emulator.stop());

  const create = (who: string, timer: Record<string, unknown>) =>
    call(`${base}v2/timer`, who, { method: "POST", body: { timer } });
  const get = (who: string, id: string, query?: Record<string, string | number>) =>
    call(`${base}jobs/${id}`, who, { query });
  const post = (who: string, path: string, body?: unknown) =>
    call(`${base}${path}`, who, { method: "POST", body });

  it("answers auth failures in Timers' error format", async () => {
    const missing = await call(`${base}jobs/`, undefined);
    assert.equal(missing.status, 401);
    assert.deepEqual(Object.keys(missing.body.error).sort(), ["code", "detail", "status"]);
    assert.equal(missing.body.error.status, 401);
    const unknown = await get(alice, "00000000-0000-4000-8000-000000000000");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, "NOT_FOUND");
  });

  it("a transfer timer's body is filled in with Transfer's defaults and its start is echoed", async () => {
    const before = emulator.controls.now();
    const created = await create(alice, {
      timer_type: "transfer",
      name: "weekly",
      schedule: { type: "recurring", interval_seconds: 604800, end: { count: 2 } },
      body: { ...transferBody(), label: "weekly copy", verify_checksum: false },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // the emulator's clock is wall time: the timer starts at its second of creation, which
    // the clock read before the request may be just short of
    const after = emulator.controls.now();
    const timer = created.body.timer;
    const now = [before, after].find((t) => at(t) === timer.schedule.start) ?? before;
    assert.deepEqual(timer.body, {
      source_endpoint: DEMO_COLLECTION_ID,
      destination_endpoint: DEMO_COLLECTION_ID,
      DATA: [{ DATA_TYPE: "transfer_item", source_path: "/~/a.txt", destination_path: "/~/b.txt" }],
      DATA_TYPE: "transfer",
      delete_destination_extra: false,
      encrypt_data: false,
      fail_on_quota_errors: false,
      notify_on_failed: true,
      notify_on_inactive: true,
      notify_on_succeeded: true,
      preserve_timestamp: false,
      skip_source_errors: false,
      store_base_path_info: false,
      verify_checksum: false,
      label: "weekly copy",
    });
    assert.deepEqual(timer.schedule, {
      type: "recurring",
      interval_seconds: 604800,
      start: at(now),
      end: { count: 2 },
    });
    assert.equal(timer.status, "new");
    assert.equal(timer.next_run, at(now));
    assert.equal(timer.number_of_runs, 0);
    assert.equal(timer.inactive_reason, null);
  });

  it("refuses bad timers with FastAPI validation details", async () => {
    const cases: [Record<string, unknown>, (string | number)[], string][] = [
      [
        {
          timer_type: "transfer",
          schedule: { type: "recurring", interval_seconds: 3600, end: { iterations: 3 } },
          body: transferBody(),
        },
        ["body", "timer", "schedule", "end", "iterations"],
        "value_error.extra",
      ],
      [
        {
          timer_type: "transfer",
          schedule: { type: "once" },
          body: { ...transferBody(), submission_id: "x" },
        },
        ["body", "timer", "body", "submission_id"],
        "value_error.extra",
      ],
      [
        {
          timer_type: "transfer",
          schedule: { type: "recurring", interval_seconds: 30 },
          body: transferBody(),
        },
        ["body", "timer", "schedule", "interval_seconds"],
        "value_error.number.not_ge",
      ],
      [
        {
          timer_type: "transfer",
          schedule: { type: "once" },
          body: { ...transferBody(), DATA: [] },
        },
        ["body", "timer", "body", "DATA"],
        "value_error.list.min_items",
      ],
      [
        { timer_type: "cron", schedule: { type: "once" }, body: {} },
        ["body", "timer", "timer_type"],
        "value_error.discriminated_union.invalid_discriminator",
      ],
      [
        {
          timer_type: "flow",
          flow_id: "not-a-uuid",
          schedule: { type: "once" },
          body: { body: {} },
        },
        ["body", "timer", "flow_id"],
        "type_error.uuid",
      ],
      [
        {
          timer_type: "flow",
          flow_id: DEMO_FLOW_ID,
          schedule: { type: "once", datetime: at(emulator.controls.now() - 86400) },
          body: { body: {} },
        },
        ["body", "timer", "schedule", "datetime"],
        "value_error",
      ],
    ];
    for (const [timer, loc, type] of cases) {
      const answer = await create(alice, timer);
      assert.equal(answer.status, 422, JSON.stringify(timer));
      assert.equal(answer.body.detail.length, 1);
      assert.deepEqual(answer.body.detail[0].loc, loc);
      assert.equal(answer.body.detail[0].type, type);
      assert.equal(typeof answer.body.detail[0].msg, "string");
    }
  });

  it("a once flow timer keeps its datetime, stays new until it runs, then ends", async () => {
    const when = emulator.controls.now() + 600;
    const created = await create(aliceFlow, {
      timer_type: "flow",
      flow_id: DEMO_FLOW_ID,
      name: "once",
      schedule: { type: "once", datetime: new Date(when * 1000).toISOString() },
      body: {
        body: { message: "hi" },
        run_managers: [`urn:globus:auth:identity:${BOB_IDENTITY_ID}`],
      },
    });
    assert.equal(created.status, 201);
    const timer = created.body.timer;
    assert.deepEqual(timer.schedule, { type: "once", datetime: at(when) });
    assert.equal(timer.next_run, at(when));
    assert.equal(timer.status, "new");
    assert.deepEqual(timer.stop_after, { date: null, n_runs: 1 });
    assert.equal(timer.interval, null);
    assert.deepEqual(timer.results, []);
    assert.equal(timer.scope, FLOW_USER);
    assert.match(timer.callback_url, new RegExp(`/flows/${DEMO_FLOW_ID}/run$`));

    emulator.controls.advanceClock(300);
    const waiting = (await get(aliceFlow, timer.job_id)).body;
    assert.equal(waiting.status, "new");
    assert.equal(waiting.n_runs, 0);
    assert.equal(waiting.schedule.datetime, at(when));

    emulator.controls.advanceClock(301);
    const ran = (await get(aliceFlow, timer.job_id)).body;
    assert.equal(ran.status, "ended");
    assert.equal(ran.n_runs, 1);
    assert.equal(ran.last_ran_at, at(when));
    assert.equal(ran.next_run, null);
    assert.equal(ran.flow_id, DEMO_FLOW_ID);
    assert.equal(ran.results.data.length, 1);
    assert.equal(ran.results.data[0].ran_at, at(when));
    assert.equal(ran.results.data[0].data.details.flow_id, DEMO_FLOW_ID);

    // without a datetime it runs now: the datetime is filled in, and it has not run yet
    const now = emulator.controls.now();
    const immediate = await create(aliceFlow, {
      timer_type: "flow",
      flow_id: DEMO_FLOW_ID,
      schedule: { type: "once" },
      body: { body: {} },
    });
    assert.deepEqual(immediate.body.timer.schedule, { type: "once", datetime: at(now) });
    assert.equal(immediate.body.timer.status, "new");
    assert.equal(immediate.body.timer.next_run, at(now));
    assert.equal(immediate.body.timer.n_runs, 0);
  });

  it("the clock runs a recurring timer on its schedule; a pause skips runs and a resume catches up once", async () => {
    const start = emulator.controls.now() + 60;
    const created = await create(alice, {
      timer_type: "transfer",
      name: "hourly",
      schedule: { type: "recurring", interval_seconds: 3600, start: at(start), end: { count: 4 } },
      body: transferBody(),
    });
    const id = created.body.timer.job_id;
    const runs = async () => (await get(alice, id)).body;
    assert.equal((await runs()).n_runs, 0);
    emulator.controls.advanceClock(60 + 2 * 3600);
    let job = await runs();
    assert.equal(job.n_runs, 3);
    assert.equal(job.status, "loaded");
    assert.deepEqual(
      job.results.data.map((result: any) => result.ran_at),
      [at(start), at(start + 3600), at(start + 7200)],
    );
    assert.equal(job.results.data[0].status, 202);
    assert.equal(job.results.data[0].data.details.source_endpoint_id, DEMO_COLLECTION_ID);
    assert.equal(job.next_run, at(start + 3 * 3600));

    const paused = await post(alice, `jobs/${id}/pause`);
    assert.deepEqual(paused.body, { message: `Successfully paused job ${id}.` });
    emulator.controls.advanceClock(2 * 3600);
    job = await runs();
    assert.equal(job.status, "inactive");
    assert.deepEqual(job.inactive_reason, { cause: "user", detail: null });
    assert.equal(job.n_runs, 3);

    const resumed = await post(alice, `jobs/${id}/resume`, {});
    assert.deepEqual(resumed.body, { message: `Successfully resumed job ${id}.` });
    job = await runs();
    // the missed runs come to one run at the resume, the last of its four
    assert.equal(job.n_runs, 4);
    assert.equal(job.status, "ended");
    assert.equal(job.last_ran_at, at(emulator.controls.now()));
    assert.equal(job.next_run, null);
  });

  it("a transfer run without the collection's data_access consent makes the timer inactive with a GARE", async () => {
    const created = await create(bob, {
      timer_type: "transfer",
      name: "needs consent",
      schedule: { type: "recurring", interval_seconds: 600 },
      body: transferBody(CONSENT_COLLECTION_ID),
    });
    const id = created.body.timer.job_id;
    emulator.controls.advanceClock(1);
    const job = (await get(bob, id)).body;
    assert.equal(job.status, "inactive");
    assert.equal(job.n_runs, 0);
    assert.deepEqual(job.inactive_reason, {
      cause: "globus_auth_requirements",
      detail: {
        code: "ConsentRequired",
        authorization_parameters: {
          session_message: "Missing required data_access consent",
          required_scopes: [`${T.scopes.timer}[${TRANSFER_ALL}[*${DATA_ACCESS}]]`],
        },
      },
    });
    // without the consent, a resume runs the missed run, which stops the timer again
    await post(bob, `jobs/${id}/resume`, {});
    assert.equal((await get(bob, id)).body.status, "inactive");
    // consents belong to the identity and client: once given, the resumed run goes through
    const consented = await token(
      BOB_IDENTITY_ID,
      `${T.scopes.timer}[${TRANSFER_ALL}[*${DATA_ACCESS}]]`,
    );
    await post(consented, `jobs/${id}/resume`, {});
    const resumed = (await get(consented, id)).body;
    assert.equal(resumed.status, "loaded");
    assert.equal(resumed.n_runs, 1);
    assert.equal(resumed.inactive_reason, null);
  });

  it("a flow run without the flow's user consent makes the timer inactive; resume takes the query flag", async () => {
    const created = await create(bob, {
      timer_type: "flow",
      flow_id: DEMO_FLOW_ID,
      schedule: { type: "once" },
      body: { body: {} },
    });
    const id = created.body.timer.job_id;
    assert.equal(created.body.timer.name, "");
    const job = (await get(bob, id)).body;
    assert.equal(job.status, "inactive");
    assert.equal(
      job.inactive_reason.detail.authorization_parameters.required_scopes[0],
      `${T.scopes.timer}[${FLOW_USER}]`,
    );
    const consented = await token(BOB_IDENTITY_ID, `${T.scopes.timer}[${FLOW_USER}]`);
    const resumed = await call(`${base}jobs/${id}/resume`, consented, {
      method: "POST",
      query: { update_credentials: true },
    });
    assert.equal(resumed.status, 200);
    const ran = (await get(consented, id)).body;
    assert.equal(ran.status, "ended");
    assert.equal(ran.n_runs, 1);
    const badFlag = await call(`${base}jobs/${id}/resume`, consented, {
      method: "POST",
      query: { update_credentials: "yes" },
    });
    assert.equal(badFlag.status, 422);
  });

  it("a run on a collection that does not exist fails and is counted; the timer goes on", async () => {
    const created = await create(alice, {
      timer_type: "transfer",
      schedule: {
        type: "recurring",
        interval_seconds: 60,
        end: { condition: "time", datetime: at(emulator.controls.now() + 90) },
      },
      body: transferBody("00000000-0000-4000-8000-000000000000"),
    });
    assert.equal(created.body.timer.schedule.end.condition, "time");
    emulator.controls.advanceClock(200);
    const job = (await get(alice, created.body.timer.job_id)).body;
    assert.equal(job.n_runs, 2);
    assert.equal(job.n_errors, 2);
    assert.equal(job.status, "ended");
    assert.equal(job.results.data[0].status, 404);
    assert.equal(job.results.data[0].data, null);
    assert.equal(job.results.data[0].errors.code, "EndpointNotFound");
  });

  it("jobs API: create a job, and its validation errors as recorded", async () => {
    const missing = await post(alice, "jobs/", { callback_body: {}, interval: 600 });
    assert.equal(missing.status, 422);
    assert.deepEqual(
      missing.body.detail.map((entry: any) => [entry.loc, entry.msg, entry.type]),
      [[["body", "callback_url"], "field required", "value_error.missing"]],
    );
    const start = emulator.controls.now() + 30;
    const created = await post(alice, "jobs/", {
      callback_url: "https://actions.example.org/run",
      callback_body: { body: { x: 1 } },
      start: new Date(start * 1000).toISOString().replace("Z", ""),
      interval: 864000,
      name: "legacy job",
      stop_after_n: 3,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const job = created.body;
    assert.equal(job.start, at(start));
    assert.equal(job.interval, 864000);
    assert.deepEqual(job.stop_after, { date: null, n_runs: 3 });
    assert.deepEqual(job.schedule, {
      type: "recurring",
      interval_seconds: 864000,
      start: at(start),
      end: { count: 3 },
    });
    assert.equal(job.timer_type, "generic");
    assert.equal(job.scope, null);
    assert.deepEqual(job.results, { data: [], page_next: null });
    const once = await post(alice, "jobs/", {
      callback_url: "https://actions.example.org/run",
      callback_body: {},
      start: at(start),
      interval: 600,
      stop_after_n: 1,
    });
    assert.equal(once.status, 422);
    assert.deepEqual(once.body.detail[0].loc, ["body", "interval"]);
    // stop_after: a datetime, or the spec's object of a date and a count
    const byDate = await post(alice, "jobs/", {
      callback_url: "https://actions.example.org/run",
      callback_body: {},
      start: at(start),
      interval: 600,
      stop_after: at(start + 3600),
    });
    assert.deepEqual(byDate.body.stop_after, { date: at(start + 3600), n_runs: null });
    assert.deepEqual(byDate.body.schedule.end, { condition: "time", datetime: at(start + 3600) });
    const byObject = await post(alice, "jobs/", {
      callback_url: "https://actions.example.org/run",
      callback_body: {},
      start: at(start),
      interval: 600,
      stop_after: { n_runs: 2 },
    });
    assert.deepEqual(byObject.body.stop_after, { date: null, n_runs: 2 });
  });

  it("job results come in pages that results_pt walks", async () => {
    const created = await post(alice, "jobs/", {
      callback_url: "https://actions.example.org/run",
      callback_body: {},
      start: at(emulator.controls.now()),
      interval: 60,
      name: "paged results",
    });
    const id = created.body.job_id;
    emulator.controls.advanceClock(60 * 6);
    const seen: string[] = [];
    let marker: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { page_size: 3 };
      if (marker) query.results_pt = marker;
      const page: any = (await get(alice, id, query)).body;
      seen.push(...page.results.data.map((result: any) => result.ran_at));
      marker = page.results.page_next;
      pages += 1;
    } while (marker);
    assert.equal(pages, 3);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    const foreign = await get(alice, id, { results_pt: "garbage" });
    assert.equal(foreign.status, 422);
  });

  it("lists only the caller's timers, filtered and ordered; renames; deletes", async () => {
    const mine = (await call(`${base}jobs/`, alice)).body.jobs;
    assert.ok(mine.length >= 5);
    const mineIds = new Set(mine.map((job: any) => job.job_id));
    const bobs = (await call(`${base}jobs/`, bob)).body.jobs;
    assert.ok(bobs.length > 0 && bobs.every((job: any) => !mineIds.has(job.job_id)));
    const byName = await call(`${base}jobs/`, alice, { query: { filter_name: "HOURLY" } });
    assert.deepEqual(
      byName.body.jobs.map((job: any) => job.name),
      ["hourly"],
    );
    const ended = await call(`${base}jobs/`, alice, { query: { filter_status: "ended" } });
    assert.ok(ended.body.jobs.length > 0);
    assert.ok(ended.body.jobs.every((job: any) => job.status === "ended"));
    const inactive = await call(`${base}jobs/`, alice, { query: { filter_status: "inactive" } });
    assert.ok(inactive.body.jobs.every((job: any) => job.status === "inactive"));
    const ordered = await call(`${base}jobs/`, alice, { query: { order: "name desc" } });
    const names = ordered.body.jobs.map((job: any) => job.name);
    assert.deepEqual(names, [...names].sort().reverse());
    assert.equal(
      (await call(`${base}jobs/`, alice, { query: { filter_status: "paused" } })).status,
      422,
    );
    assert.equal((await call(`${base}jobs/`, alice, { query: { order: "color" } })).status, 422);

    const id = byName.body.jobs[0].job_id;
    const patch = (who: string, body: unknown) =>
      call(`${base}jobs/${id}`, who, { method: "PATCH", body });
    const renamed = await patch(alice, { name: "hourly, renamed" });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "hourly, renamed");
    assert.equal((await patch(bob, { name: "mine" })).status, 404);
    assert.equal((await patch(alice, { name: 7 })).body.detail[0].type, "type_error.str");
    assert.equal((await patch(alice, { schedule: {} })).body.detail[0].type, "value_error.extra");

    const deleted = await call(`${base}jobs/${id}`, alice, { method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.status, "delete_in_progress");
    assert.equal(deleted.body.job_id, id);
    assert.equal((await get(alice, id)).status, 404);
  });
});
