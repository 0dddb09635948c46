/**
 * TimersClient against the emulator: each Python SDK method (and this SDK's name for it)
 * sends the request the Python SDK sends, and decodes the answer; the builders produce
 * the documents Timers takes, and refuse what it would not.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../src/scopes/known.ts";
import {
  FlowTimer,
  OnceTimerSchedule,
  RecurringTimerSchedule,
  TimerJob,
  TimersClient,
  TransferData,
  TransferTimer,
} from "../../src/services/index.ts";
import {
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { TimersAPIError } from "../../src/transport/errors.ts";
import type { Authorizer } from "../../src/transport/types.ts";
import { authorizerFor, lastRequest, userAuthorizers, withRequests } from "./helpers.ts";
import { timersTime as at } from "./timers-time.ts";

const T = KNOWN_SCOPES.timers;
const FLOW_USER = specificFlowScopeSet(DEMO_FLOW_ID).scopes.user;
const MANAGER = "urn:globus:auth:identity:22222222-1111-4222-8222-222222222222";

let emulator: RunningEmulator;
let tokens: Map<string, Authorizer>;
before(async () => {
  emulator = await startEmulator();
  tokens = await userAuthorizers(emulator, [`${T.scopes.timer}[${FLOW_USER}]`]);
});
after(() => emulator.stop());

const client = () =>
  new TimersClient({
    authorizer: authorizerFor(tokens, T.resourceServer),
    baseUrl: emulator.urls.timer,
  });

const data = () =>
  new TransferData({
    sourceEndpoint: DEMO_COLLECTION_ID,
    destinationEndpoint: DEMO_COLLECTION_ID,
    submissionId: "8a2d5a47-8c5b-4a4e-9e57-2f0c7c0b6d10",
    label: "nightly",
    additionalFields: { skip_activation_check: true },
  }).addItem("/home/alice/notes.txt", "/home/alice/notes-copy.txt");

describe("schedule and timer builders", () => {
  test("OnceTimerSchedule and RecurringTimerSchedule write Timers' schedules", () => {
    assert.deepEqual(new OnceTimerSchedule().toJSON(), { type: "once" });
    assert.deepEqual(new OnceTimerSchedule(new Date("2030-09-22T00:00:00.250Z")).toJSON(), {
      type: "once",
      datetime: "2030-09-22T00:00:00+00:00",
    });
    assert.deepEqual(new OnceTimerSchedule("2030-09-22T00:00:00Z").toJSON(), {
      type: "once",
      datetime: "2030-09-22T00:00:00Z",
    });
    assert.deepEqual(
      new RecurringTimerSchedule(1800, { end: { condition: "iterations", count: 10 } }).toJSON(),
      { type: "recurring", interval_seconds: 1800, end: { condition: "iterations", count: 10 } },
    );
    assert.deepEqual(
      new RecurringTimerSchedule(300, {
        start: new Date("2030-01-01T00:00:00Z"),
        end: { condition: "time", datetime: new Date("2030-10-01T00:00:00Z") },
      }).toJSON(),
      {
        type: "recurring",
        interval_seconds: 300,
        start: "2030-01-01T00:00:00+00:00",
        end: { condition: "time", datetime: "2030-10-01T00:00:00+00:00" },
      },
    );
  });

  test("the builders refuse what Timers would not take, naming the argument", () => {
    const refusals: [() => unknown, RegExp][] = [
      [() => new OnceTimerSchedule("next tuesday"), /datetime must be a Date or an ISO 8601/],
      [() => new RecurringTimerSchedule(0), /intervalSeconds must be a positive whole/],
      [() => new RecurringTimerSchedule(90.5), /intervalSeconds/],
      // the Python SDK's docstrings write `iterations`; the service reads `count`
      [
        () =>
          new RecurringTimerSchedule(60, {
            end: { condition: "iterations", iterations: 3 } as never,
          }),
        /needs count/,
      ],
      [
        () => new RecurringTimerSchedule(60, { end: { condition: "runs" } as never }),
        /end.condition must be "iterations" or "time"/,
      ],
      [
        () =>
          new FlowTimer({ flowId: "nope", schedule: new OnceTimerSchedule(), body: { body: {} } }),
        /flowId is not a UUID/,
      ],
      [
        () =>
          new FlowTimer({
            flowId: DEMO_FLOW_ID,
            schedule: new OnceTimerSchedule(),
            body: {} as never,
          }),
        /body needs body/,
      ],
      [() => new TransferTimer({ schedule: undefined as never, body: data() }), /needs a schedule/],
      [() => new TimerJob("https://x.example/run", {}, "soon", 60), /start must be a Date/],
      [() => new TimerJob("https://x.example/run", {}, new Date(), -5), /interval must be/],
    ];
    for (const [build, message] of refusals) {
      assert.throws(
        build,
        (e: unknown) => e instanceof GlobusSDKUsageError && message.test(e.message),
      );
    }
  });

  test("TransferTimer drops the submission id and skip_activation_check; TimerJob writes the jobs document", () => {
    const timer = new TransferTimer({ schedule: { type: "once" }, body: data() }).toJSON();
    const body = timer.body as Record<string, unknown>;
    assert.equal("submission_id" in body, false);
    assert.equal("skip_activation_check" in body, false);
    assert.equal(body.label, "nightly");
    assert.equal("name" in timer, false);
    const job = new TimerJob(
      "https://actions.example.org/run",
      { body: {} },
      new Date("2030-01-01T00:00:00Z"),
      null,
      { stopAfterN: 1, scope: "https://auth.globus.org/scopes/x/y" },
    ).toJSON();
    assert.deepEqual(job, {
      callback_url: "https://actions.example.org/run",
      callback_body: { body: {} },
      start: "2030-01-01T00:00:00+00:00",
      interval: null,
      stop_after_n: 1,
      scope: "https://auth.globus.org/scopes/x/y",
    });
  });
});

describe("TimersClient", () => {
  let transferId: string;
  let flowId: string;

  test("createTimer(TransferTimer): POST /v2/timer; the answer has Transfer's defaults filled in", async () => {
    const start = new Date((emulator.controls.now() + 120) * 1000);
    const created = await client().createTimer(
      new TransferTimer({
        name: "nightly copy",
        schedule: new RecurringTimerSchedule(86400, {
          start,
          end: { condition: "iterations", count: 3 },
        }),
        body: data(),
      }),
    );
    const sent = lastRequest(emulator, "timer", "/v2/timer", "POST");
    assert.deepEqual(Object.keys(sent.body as object), ["timer"]);
    const timer = (sent.body as { timer: Record<string, unknown> }).timer;
    assert.equal(timer.timer_type, "transfer");
    assert.equal(timer.name, "nightly copy");
    assert.deepEqual(timer.schedule, {
      type: "recurring",
      interval_seconds: 86400,
      start: at(emulator.controls.now() + 120),
      end: { condition: "iterations", count: 3 },
    });
    assert.equal("submission_id" in (timer.body as object), false);
    assert.equal(created.timer.timer_type, "transfer");
    assert.equal(created.timer.status, "new");
    const body = (created.timer as { body: Record<string, unknown> }).body;
    assert.equal(body.notify_on_succeeded, true);
    assert.equal(body.store_base_path_info, false);
    transferId = created.timer.job_id;
  });

  test("createTimer(FlowTimer), a timer document, or a camelCase spec: the same document", async () => {
    const when = new Date((emulator.controls.now() + 3600) * 1000);
    const fromBuilder = await client().createTimer(
      new FlowTimer({
        flowId: DEMO_FLOW_ID,
        name: "hourly flow",
        schedule: new OnceTimerSchedule(when),
        body: { body: { message: "tick" }, run_managers: [MANAGER], tags: ["timer"] },
      }),
    );
    const built = (lastRequest(emulator, "timer", "/v2/timer", "POST").body as { timer: unknown })
      .timer;
    assert.deepEqual(built, {
      timer_type: "flow",
      flow_id: DEMO_FLOW_ID,
      name: "hourly flow",
      schedule: { type: "once", datetime: at(emulator.controls.now() + 3600) },
      body: { body: { message: "tick" }, run_managers: [MANAGER], tags: ["timer"] },
    });
    assert.equal(fromBuilder.timer.timer_type, "flow");
    assert.equal(fromBuilder.timer.scope, FLOW_USER);
    flowId = fromBuilder.timer.job_id;

    await client().createTimer(built as Record<string, unknown>);
    assert.deepEqual(
      (lastRequest(emulator, "timer", "/v2/timer", "POST").body as { timer: unknown }).timer,
      built,
    );
    await client().createFlowTimer(
      "hourly flow",
      new OnceTimerSchedule(when),
      DEMO_FLOW_ID,
      { message: "tick" },
      { runManagers: [MANAGER], tags: ["timer"] },
    );
    assert.deepEqual(
      (lastRequest(emulator, "timer", "/v2/timer", "POST").body as { timer: unknown }).timer,
      built,
    );
  });

  test("createTimer refuses a TimerJob, createJob a v2 timer; the service's 422 is a TimersAPIError", async () => {
    const job = new TimerJob("https://actions.example.org/run", {}, new Date(), 600);
    await assert.rejects(client().createTimer(job as never), /does not take a TimerJob/);
    await assert.rejects(
      client().createJob(new TransferTimer({ schedule: { type: "once" }, body: data() }) as never),
      (e: unknown) =>
        e instanceof GlobusSDKUsageError && /TransferTimer: use createTimer/.test(e.message),
    );
    await assert.rejects(
      client().createTimer({
        timer_type: "transfer",
        schedule: { type: "recurring", interval_seconds: 10 },
        body: new TransferTimer({ schedule: { type: "once" }, body: data() }).body,
      }),
      (e: unknown) =>
        e instanceof TimersAPIError &&
        e.httpStatus === 422 &&
        /greater than or equal to 60/.test(e.message),
    );
  });

  test("createJob(TimerJob): POST /jobs/ with the jobs document; answers the job", async () => {
    const start = new Date(emulator.controls.now() * 1000);
    const job = await client().createJob(
      new TimerJob("https://actions.example.org/run", { body: { x: 1 } }, start, 600, {
        name: "legacy",
        stopAfterN: 2,
      }),
    );
    const sent = lastRequest(emulator, "timer", "/jobs/", "POST");
    assert.deepEqual(sent.body, {
      callback_url: "https://actions.example.org/run",
      callback_body: { body: { x: 1 } },
      start: at(emulator.controls.now()),
      interval: 600,
      name: "legacy",
      stop_after_n: 2,
    });
    assert.equal(job.name, "legacy");
    assert.equal(job.interval, 600);
    assert.deepEqual(job.stop_after, { date: null, n_runs: 2 });
    assert.equal(job.callback_url, "https://actions.example.org/run");
  });

  test("listJobs sends the spec's filters; listTimers answers the same jobs as a list", async () => {
    const { result, requests } = await withRequests(
      emulator,
      { service: "timer", path: "/jobs/", method: "GET" },
      async () => [
        await client().listJobs({
          filterName: "NIGHTLY",
          filterStatus: ["active", "inactive"],
          submittedAfter: new Date(0),
          order: "name desc",
          resultCount: 1,
        }),
        await client().listTimers(),
      ],
    );
    const [filtered, all] = result as [Awaited<ReturnType<TimersClient["listJobs"]>>, unknown[]];
    assert.deepEqual(requests[0]?.query, {
      filter_name: "NIGHTLY",
      filter_status: "active,inactive",
      submitted_after: "1970-01-01T00:00:00.000Z",
      order: "name desc",
      result_count: "1",
    });
    assert.deepEqual(
      filtered.jobs.map((job) => job.job_id),
      [transferId],
    );
    assert.deepEqual(requests[1]?.query, {});
    assert.ok(all.length >= 4);
  });

  test("getJob walks a timer's runs across pages with resultsPt and pageSize", async () => {
    const start = emulator.controls.now();
    const job = await client().createJob(
      new TimerJob("https://actions.example.org/run", {}, new Date(start * 1000), 60, {
        name: "minutely",
      }),
    );
    emulator.controls.advanceClock(60 * 6);
    const ranAt: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await client().getJob(job.job_id, { pageSize: 3, resultsPt: marker });
      const sent = lastRequest(emulator, "timer", `/jobs/${job.job_id}`, "GET");
      assert.equal(sent.query.page_size, "3");
      assert.equal(sent.query.results_pt, marker);
      ranAt.push(...(page.results?.data ?? []).map((result) => result.ran_at));
      marker = page.results?.page_next ?? undefined;
      pages += 1;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(
      ranAt,
      [0, 1, 2, 3, 4, 5, 6].map((n) => at(start + 60 * n)),
    );
    const same = await client().getTimer(job.job_id);
    assert.equal(same.n_runs, 7);
  });

  test("updateJob, pauseJob, resumeJob, deleteJob: their requests and answers; the aliases send the same", async () => {
    const renamed = await client().updateJob(transferId, { name: "renamed" });
    const patch = lastRequest(emulator, "timer", `/jobs/${transferId}`, "PATCH");
    assert.deepEqual(patch.body, { name: "renamed" });
    assert.equal(renamed.name, "renamed");
    assert.equal((await client().updateTimer(transferId, { name: "again" })).name, "again");

    const paused = await client().pauseJob(transferId);
    const pause = lastRequest(emulator, "timer", `/jobs/${transferId}/pause`, "POST");
    assert.equal(pause.body, undefined);
    assert.equal(paused.message, `Successfully paused job ${transferId}.`);
    const inactive = await client().getJob(transferId);
    assert.equal(inactive.status, "inactive");
    assert.deepEqual(inactive.inactive_reason, { cause: "user", detail: null });

    const resumed = await client().resumeJob(transferId);
    assert.deepEqual(lastRequest(emulator, "timer", `/jobs/${transferId}/resume`).body, {});
    assert.equal(resumed.message, `Successfully resumed job ${transferId}.`);
    await client().pauseTimer(transferId);
    await client().resumeTimer(transferId, { updateCredentials: true });
    assert.deepEqual(lastRequest(emulator, "timer", `/jobs/${transferId}/resume`).body, {
      update_credentials: true,
    });
    // its first run came due while the clock moved on (above): it ran, and is active again
    const active = await client().getJob(transferId);
    assert.equal(active.status, "loaded");
    assert.equal(active.inactive_reason, null);

    const deleted = await client().deleteJob(flowId);
    assert.equal(lastRequest(emulator, "timer", `/jobs/${flowId}`, "DELETE").status, 200);
    assert.equal(deleted.status, "delete_in_progress");
    assert.equal(deleted.flow_id, DEMO_FLOW_ID);
    await assert.rejects(
      client().getJob(flowId),
      (e: unknown) => e instanceof TimersAPIError && e.httpStatus === 404 && e.code === "NOT_FOUND",
    );
    await client().deleteTimer(transferId);
    assert.ok(!(await client().listTimers()).some((job) => job.job_id === transferId));
  });
});
