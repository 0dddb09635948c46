/**
 * The official `@globus/sdk` drives the Timers emulator at its own origin: every Timers
 * operation the JavaScript SDK has (`timers.timer.create` and `timers.jobs.*`; it has no
 * `POST /jobs/`). Each answer must fit the SDK's OpenAPI types for it.
 *
 * The allowances below are where the responses Globus recorded (the Python SDK 4.9's
 * `testing/data/timer/`, which the emulator follows) differ from the published spec: the
 * recordings send `null` for unset optional fields, a `{count}` end condition without its
 * `condition`, run results without `run_status` and `start_timestamp`, and no `activity`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timers } from "@globus/sdk";
import { TimersScopes } from "../../src/scopes/index.ts";
import { DEMO_COLLECTION_ID, DEMO_FLOW_ID, type RunningEmulator } from "../../src/testing/index.ts";
import {
  type Allowances,
  assertConforming,
  conformanceEmulator,
  expectConforming,
  tokenFor,
  withToken,
} from "./helpers.ts";
import { TypeFacts } from "./type-facts.ts";

const facts = new TypeFacts(
  { sdk: "index", spec: "open-api/types/timers" },
  {
    createTimer: 'spec.paths["/v2/timer"]["post"]["responses"][201]["content"]["application/json"]',
    listJobs: "JsonOf<typeof sdk.timers.jobs.getAll>",
    getJob: "JsonOf<typeof sdk.timers.jobs.get>",
    patchJob: "JsonOf<typeof sdk.timers.jobs.patch>",
    pauseJob: "JsonOf<typeof sdk.timers.jobs.pause>",
    resumeJob: "JsonOf<typeof sdk.timers.jobs.resume>",
    removeJob: "JsonOf<typeof sdk.timers.jobs.remove>",
    // the union members, so that missing and undeclared fields are checked too
    transferTimerRead: 'spec.components["schemas"]["V2TransferTimerRead"]',
    jobRead: 'spec.components["schemas"]["JobRead"]',
    flowTimerCreated: 'spec.components["schemas"]["V2FlowTimerRead"]',
    flowJobRead: 'spec.components["schemas"]["FlowTimerRead"]',
  },
);

const RECORDED_NULL = "the recorded responses (testing/data/timer/_common.py) send null here";
const RECORDED_COUNT =
  'the recorded schedule ends as {"count": 2}, without the spec\'s condition (_common.py)';
const RECORDED_RESULT =
  "the recorded run results (V1_TIMER.results.data) have data, errors, status and ran_at only";
const NO_ACTIVITY = "no recorded timer carries activity";
const RECORDED_FLOW =
  "the recorded flow timer creation (create_timer.py, flow_timer_success) answers the job fields, not V2FlowTimerRead";

/** What a job document (JobRead) may differ in, at `prefix` (`$` or `$.jobs[]`). */
function jobAllowances(prefix: string): Required<Pick<Allowances, "mismatches">> {
  const mismatches: Record<string, string> = {};
  for (const field of ["inactive_reason", "last_ran_at", "next_run", "interval", "scope"]) {
    mismatches[`${prefix}.${field}`] = RECORDED_NULL;
  }
  mismatches[`${prefix}.stop_after`] = RECORDED_NULL;
  mismatches[`${prefix}.stop_after.date`] = RECORDED_NULL;
  mismatches[`${prefix}.stop_after.n_runs`] = RECORDED_NULL;
  mismatches[`${prefix}.schedule.end.condition`] = RECORDED_COUNT;
  mismatches[`${prefix}.results.page_next`] = RECORDED_NULL;
  mismatches[`${prefix}.results.data[].run_status`] = RECORDED_RESULT;
  mismatches[`${prefix}.results.data[].start_timestamp`] = RECORDED_RESULT;
  mismatches[`${prefix}.results.data[].data`] = RECORDED_NULL;
  mismatches[`${prefix}.results.data[].errors`] = RECORDED_NULL;
  return { mismatches };
}

const JOB: Allowances = { ...jobAllowances("$"), absent: { activity: NO_ACTIVITY } };

/**
 * Checks an answer against the SDK's type for the call, then the job in it against
 * JobRead alone: against a union the checker cannot tell missing or undeclared fields.
 */
async function expectJob(typeName: string, response: Response): Promise<Record<string, unknown>> {
  const body = await expectConforming(facts, typeName, response, JOB);
  assertConforming(facts.check("jobRead", body), JOB);
  return body;
}

function transferTimerPayload(name: string) {
  return {
    timer: {
      timer_type: "transfer" as const,
      name,
      schedule: {
        type: "recurring" as const,
        interval_seconds: 3600,
        end: { condition: "iterations" as const, count: 2 },
      },
      body: {
        source_endpoint: DEMO_COLLECTION_ID,
        destination_endpoint: DEMO_COLLECTION_ID,
        DATA: [
          {
            DATA_TYPE: "transfer_item" as const,
            source_path: "/home/alice/notes.txt",
            destination_path: "/home/alice/notes-copy.txt",
          },
        ],
      },
    },
  };
}

describe("conformance: Timers through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let token: string;
  let jobId: string;
  before(async () => {
    emulator = await conformanceEmulator();
    token = await tokenFor(emulator, TimersScopes.resourceServer, [String(TimersScopes.timer)]);
  });
  after(() => emulator.stop());

  it("timers.timer.create creates a transfer timer", async () => {
    const body = await expectConforming(
      facts,
      "createTimer",
      await timers.timer.create(withToken(token, { payload: transferTimerPayload("conformance") })),
      {
        mismatches: {
          "$.timer.inactive_reason": RECORDED_NULL,
          "$.timer.last_ran_at": RECORDED_NULL,
          "$.timer.schedule.end.condition": RECORDED_COUNT,
        },
      },
    );
    const timer = body.timer as Record<string, unknown>;
    assertConforming(facts.check("transferTimerRead", timer), {
      absent: { activity: NO_ACTIVITY },
      mismatches: {
        "$.inactive_reason": RECORDED_NULL,
        "$.last_ran_at": RECORDED_NULL,
        "$.schedule.end.condition": RECORDED_COUNT,
      },
    });
    assert.equal(timer.timer_type, "transfer");
    assert.equal(timer.status, "new");
    assert.equal((timer.body as Record<string, unknown>).verify_checksum, true);
    jobId = String(timer.job_id);
  });

  it("timers.jobs.get reads the timer as a job, with its first run", async () => {
    emulator.controls.advanceClock(1);
    const body = await expectJob(
      "getJob",
      await timers.jobs.get(jobId, withToken(token, { query: { page_size: 5 } })),
    );
    assert.equal(body.job_id, jobId);
    assert.equal(body.n_runs, 1);
    assert.equal((body.results as { data: unknown[] }).data.length, 1);
  });

  it("timers.jobs.getAll lists the caller's timers with the spec's filters", async () => {
    await timers.timer.create(withToken(token, { payload: transferTimerPayload("second") }));
    const body = await expectConforming(
      facts,
      "listJobs",
      await timers.jobs.getAll(
        withToken(token, {
          query: { filter_status: "active", order: "name asc", result_count: 1 },
        }),
      ),
      jobAllowances("$.jobs[]"),
    );
    const jobs = body.jobs as { name: string }[];
    for (const job of jobs) assertConforming(facts.check("jobRead", job), JOB);
    assert.deepEqual(
      jobs.map((job) => job.name),
      ["conformance", "second"],
    );
  });

  it("timers.timer.create with a flow timer; timers.jobs.get reads it as a FlowTimerRead", async () => {
    // the SDK types its payload as a transfer timer only; the service takes either
    const payload = {
      timer: {
        timer_type: "flow",
        flow_id: DEMO_FLOW_ID,
        name: "flow",
        schedule: { type: "once" },
        body: { body: { input_key: "input_value" } },
      },
    } as unknown as ReturnType<typeof transferTimerPayload>;
    // against the union the closest member is the transfer timer: check the flow member
    const response = await timers.timer.create(withToken(token, { payload }));
    assert.equal(response.status, 201);
    const created = (await response.json()) as Record<string, unknown>;
    const timer = created.timer as Record<string, unknown>;
    // the recorded answer (create_timer.py, flow_timer_success) is in the job fields
    assertConforming(facts.check("flowTimerCreated", timer), {
      absent: {
        body: RECORDED_FLOW,
        flow_id: RECORDED_FLOW,
        number_of_runs: RECORDED_FLOW,
        number_of_errors: RECORDED_FLOW,
        activity: NO_ACTIVITY,
      },
      undeclared: {
        callback_body: RECORDED_FLOW,
        callback_url: RECORDED_FLOW,
        interval: RECORDED_FLOW,
        n_errors: RECORDED_FLOW,
        n_runs: RECORDED_FLOW,
        results: RECORDED_FLOW,
        scope: RECORDED_FLOW,
        stop_after: RECORDED_FLOW,
      },
      mismatches: {
        "$.body": RECORDED_FLOW,
        "$.flow_id": RECORDED_FLOW,
        "$.number_of_runs": RECORDED_FLOW,
        "$.number_of_errors": RECORDED_FLOW,
        "$.inactive_reason": RECORDED_NULL,
        "$.last_ran_at": RECORDED_NULL,
      },
    });
    const id = String(timer.job_id);
    const read = await expectConforming(
      facts,
      "getJob",
      await timers.jobs.get(id, withToken(token)),
      JOB,
    );
    assertConforming(facts.check("flowJobRead", read), JOB);
    assert.equal(read.flow_id, DEMO_FLOW_ID);
    // Alice gave no consent to run the flow: the run made the timer inactive with a GARE
    assert.equal(read.status, "inactive");
  });

  it("timers.jobs.patch renames the timer", async () => {
    const body = await expectJob(
      "patchJob",
      await timers.jobs.patch(jobId, withToken(token, { payload: { name: "renamed" } })),
    );
    assert.equal(body.name, "renamed");
  });

  it("timers.jobs.pause and timers.jobs.resume (with update_credentials in the query)", async () => {
    const paused = await expectConforming(
      facts,
      "pauseJob",
      await timers.jobs.pause(jobId, withToken(token)),
    );
    assert.match(String(paused.message), /paused/);
    const resumed = await expectConforming(
      facts,
      "resumeJob",
      await timers.jobs.resume(jobId, withToken(token, { query: { update_credentials: true } })),
    );
    assert.match(String(resumed.message), /resumed/);
  });

  it("timers.jobs.remove deletes the timer", async () => {
    const body = await expectJob("removeJob", await timers.jobs.remove(jobId, withToken(token)));
    assert.equal(body.status, "delete_in_progress");
    assert.equal((await timers.jobs.get(jobId, withToken(token))).status, 404);
  });
});
