/**
 * Timers wire facts, from the Python SDK 4.9's `services/timers/client.py` and `data.py`
 * and the responses recorded in `testing/data/timer/` (`_common.py` holds the documents).
 *
 * Two document families are recorded. `POST /v2/timer` answers a transfer timer with its
 * filled-in transfer `body` and `number_of_runs` (`V2_TRANSFER_TIMER`), and a flow timer
 * in the job fields with `results` as a list (`V2_FLOW_TIMER`). Every `/jobs/` route
 * answers a job (`V1_TIMER`): `callback_url`, `callback_body`, `start`, `interval`,
 * `stop_after`, `n_runs`, `results` as a page. Where the shapes below allow a key that a
 * recording lacks, the comment beside it says which source has it.
 */
import {
  FlowTimer,
  OnceTimerSchedule,
  RecurringTimerSchedule,
  TimerJob,
  TimersClient,
  TransferData,
  TransferTimer,
} from "../../../src/index.ts";
import {
  DEFAULT_SEED,
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  type EmulatorOptions,
} from "../../../src/testing/index.ts";
import type { WireContext, WireFact } from "../facts.ts";
import { S, type Shape } from "../shape.ts";

export const service = "timer";

/** A mapped collection that demands a data_access consent, which Alice never gives here. */
const CONSENT_COLLECTION_ID = "77777777-2222-4777-8777-777777777777";

export const emulatorOptions: EmulatorOptions = {
  seed: {
    endpoints: [
      ...structuredClone(DEFAULT_SEED.endpoints),
      {
        id: CONSENT_COLLECTION_ID,
        display_name: "Wire Consent Collection",
        owner_string: "alice@globusid.org",
        entity_type: "GCSv5_mapped_collection",
        requires_data_access_consent: true,
      },
    ],
  },
};

const time = S.str;
const maybeTime = S.nullable(S.str);

/** `schedule`: `{datetime, type}` for once, `{type, interval_seconds, start, end}` recurring. */
const schedule = S.oneOf(
  S.obj({ type: S.lit("once"), datetime: time }),
  S.obj({
    type: S.lit("recurring"),
    interval_seconds: S.int,
    start: time,
    // recorded as `{"count": 2}`; a time end is the spec's EndConditionTime (unrecorded)
    end: S.optional(
      S.oneOf(S.obj({ count: S.int }), S.obj({ condition: S.lit("time"), datetime: time })),
    ),
  }),
);

/** `inactive_reason`: null, `{cause: "user", detail: null}`, or a GARE (`get_job.py`). */
const gareDetail = S.obj({
  code: S.str,
  authorization_parameters: S.obj({ session_message: S.str, required_scopes: S.array(S.str) }),
});
const inactiveReason = S.nullable(
  S.oneOf(
    S.obj({ cause: S.lit("user"), detail: S.null }),
    S.obj({ cause: S.lit("globus_auth_requirements"), detail: gareDetail }),
  ),
);

/** A run's result, as in `V1_TIMER.results.data`: the action provider's answer. */
function runResult(details: Shape): Shape {
  return S.obj({
    data: S.nullable(
      S.obj({
        action_id: S.str,
        completion_time: maybeTime,
        creator_id: S.str,
        details,
        display_status: S.str,
        label: S.nullable(S.str),
        manage_by: S.array(S.str),
        monitor_by: S.array(S.str),
        release_after: S.str,
        start_time: time,
        status: S.str,
      }),
    ),
    errors: S.nullable(S.record(S.any)),
    status: S.int,
    ran_at: time,
  });
}

/** A Transfer task as a transfer run records it: open, since the document is Transfer's. */
const taskDetails = S.open({
  DATA_TYPE: S.lit("task"),
  task_id: S.str,
  type: S.lit("TRANSFER"),
  status: S.str,
  source_endpoint_id: S.str,
  destination_endpoint_id: S.str,
  label: S.nullable(S.str),
});

const stopAfter = S.nullable(S.obj({ date: maybeTime, n_runs: S.nullable(S.int) }));

/** The job document of every `/jobs/` answer (`V1_TIMER`). */
function job(results: Shape = runResult(S.record(S.any))): Shape {
  return S.obj({
    name: S.str,
    start: time,
    stop_after: stopAfter,
    interval: S.nullable(S.num),
    callback_url: S.str,
    callback_body: S.record(S.any),
    inactive_reason: inactiveReason,
    scope: S.nullable(S.str),
    job_id: S.str,
    status: S.str,
    submitted_at: time,
    last_ran_at: maybeTime,
    next_run: maybeTime,
    n_runs: S.int,
    n_errors: S.int,
    results: S.obj({ data: S.array(results), page_next: S.nullable(S.str) }),
    // not in the 2022 recording; in the recorded flow timer (V2_FLOW_TIMER) and required
    // by the spec's JobRead
    timer_type: S.optional(S.str),
    schedule: S.optional(schedule),
    // the spec's FlowTimerRead (no recorded GET of a flow timer)
    flow_id: S.optional(S.str),
  });
}

const transferItem = S.obj({
  DATA_TYPE: S.lit("transfer_item"),
  source_path: S.str,
  destination_path: S.str,
  // TransferTaskItem's optional fields, echoed when sent
  recursive: S.optional(S.bool),
  external_checksum: S.optional(S.str),
  checksum_algorithm: S.optional(S.str),
});

/** `V2_TRANSFER_TIMER.body`: the task document with every default filled in. */
const transferBody = S.obj({
  DATA: S.array(transferItem),
  DATA_TYPE: S.lit("transfer"),
  delete_destination_extra: S.bool,
  destination_endpoint: S.str,
  encrypt_data: S.bool,
  fail_on_quota_errors: S.bool,
  notify_on_failed: S.bool,
  notify_on_inactive: S.bool,
  notify_on_succeeded: S.bool,
  preserve_timestamp: S.bool,
  skip_source_errors: S.bool,
  source_endpoint: S.str,
  store_base_path_info: S.bool,
  verify_checksum: S.bool,
  // TransferTaskDocument's optional fields, echoed when sent
  label: S.optional(S.str),
  deadline: S.optional(S.str),
  sync_level: S.optional(S.int),
  source_local_user: S.optional(S.str),
  destination_local_user: S.optional(S.str),
  filter_rules: S.optional(S.array(S.record(S.any))),
});

const v2TransferTimer = S.obj({
  body: transferBody,
  inactive_reason: inactiveReason,
  job_id: S.str,
  last_ran_at: maybeTime,
  name: S.str,
  next_run: maybeTime,
  number_of_errors: S.int,
  number_of_runs: S.int,
  schedule,
  status: S.str,
  submitted_at: time,
  timer_type: S.lit("transfer"),
});

const v2FlowTimer = S.obj({
  callback_body: S.obj({
    body: S.record(S.any),
    run_managers: S.optional(S.array(S.str)),
    // FlowStartDocument's other fields, echoed when sent
    run_monitors: S.optional(S.array(S.str)),
    tags: S.optional(S.array(S.str)),
  }),
  callback_url: S.str,
  inactive_reason: inactiveReason,
  interval: S.nullable(S.num),
  job_id: S.str,
  last_ran_at: maybeTime,
  n_errors: S.int,
  n_runs: S.int,
  name: S.str,
  next_run: maybeTime,
  results: S.array(S.any),
  schedule,
  scope: S.str,
  status: S.str,
  stop_after: stopAfter,
  submitted_at: time,
  timer_type: S.lit("flow"),
});

const message = S.obj({ message: S.str });

function timers(context: WireContext): TimersClient {
  return new TimersClient({ app: context.userApp() });
}

function copyData(destination = DEMO_COLLECTION_ID): TransferData {
  return new TransferData({
    sourceEndpoint: DEMO_COLLECTION_ID,
    destinationEndpoint: destination,
  }).addItem("/home/alice/notes.txt", "/home/alice/notes-copy.txt");
}

/** A recurring transfer timer of Alice's, created now; answers its id. */
async function transferTimer(context: WireContext, destination?: string): Promise<string> {
  const timer = new TransferTimer({
    name: "wire timer",
    schedule: new RecurringTimerSchedule(3600, { end: { condition: "iterations", count: 2 } }),
    body: copyData(destination),
  });
  return (await timers(context).createTimer(timer)).timer.job_id;
}

const CLIENT = "services/timers/client.py";

export const facts: WireFact[] = [
  {
    python: "TimersClient.create_timer",
    source: `${CLIENT}; services/timers/data.py (TransferTimer); testing/data/timer/create_timer.py (default)`,
    service,
    method: "POST",
    path: "/v2/timer",
    body: ["timer"],
    status: 201,
    response: S.obj({ timer: v2TransferTimer }),
    drive: (context) => transferTimer(context),
  },
  {
    python: "TimersClient.create_timer",
    source: `${CLIENT}; services/timers/data.py (FlowTimer); testing/data/timer/create_timer.py (flow_timer_success)`,
    service,
    method: "POST",
    path: "/v2/timer",
    body: ["timer"],
    status: 201,
    response: S.obj({ timer: v2FlowTimer }),
    drive: (context) =>
      timers(context).createTimer(
        new FlowTimer({
          flowId: DEMO_FLOW_ID,
          name: "wire flow timer",
          schedule: new OnceTimerSchedule(new Date(Date.now() + 3_600_000)),
          body: {
            body: { input_key: "input_value" },
            run_managers: ["urn:globus:auth:identity:11111111-1111-4111-8111-111111111111"],
          },
        }),
      ),
  },
  {
    python: "TimersClient.create_job",
    source: `${CLIENT}; services/timers/data.py (TimerJob); testing/data/timer/create_job.py`,
    service,
    method: "POST",
    path: "/jobs/",
    body: [
      "callback_url",
      "callback_body",
      "start",
      "interval",
      "name",
      "stop_after",
      "stop_after_n",
      "scope",
    ],
    status: 201,
    response: job(),
    drive: (context) =>
      timers(context).createJob(
        new TimerJob(
          "https://actions.automate.globus.org/transfer/transfer/run",
          { body: { label: "wire job" } },
          new Date(context.emulator.controls.now() * 1000),
          864000,
          { name: "wire job", stopAfterN: 5 },
        ),
      ),
  },
  {
    python: "TimersClient.list_jobs",
    source: `${CLIENT}; testing/data/timer/list_jobs.py`,
    service,
    method: "GET",
    path: "/jobs/",
    response: S.obj({ jobs: S.array(job()) }),
    drive: async (context) => {
      await transferTimer(context);
      return timers(context).listJobs();
    },
  },
  {
    python: "TimersClient.get_job",
    source: `${CLIENT}; testing/data/timer/get_job.py (default)`,
    service,
    method: "GET",
    path: "/jobs/{job_id}",
    response: job(runResult(taskDetails)),
    drive: async (context) => {
      const id = await transferTimer(context);
      // the timer's first run is due now: it happens before the read
      context.emulator.controls.advanceClock(1);
      return timers(context).getJob(id);
    },
  },
  {
    python: "TimersClient.get_job",
    source: `${CLIENT}; testing/data/timer/get_job.py (inactive_gare)`,
    service,
    method: "GET",
    path: "/jobs/{job_id}",
    response: job(),
    drive: async (context) => {
      const id = await transferTimer(context, CONSENT_COLLECTION_ID);
      context.emulator.controls.advanceClock(1);
      const timer = await timers(context).getJob(id);
      if (timer.inactive_reason?.cause !== "globus_auth_requirements") {
        throw new Error(`expected a timer inactive on a GARE, got ${JSON.stringify(timer)}`);
      }
    },
  },
  {
    python: "TimersClient.get_job",
    source: `${CLIENT}; testing/data/timer/get_job.py (inactive_user)`,
    service,
    method: "GET",
    path: "/jobs/{job_id}",
    response: job(),
    drive: async (context) => {
      const id = await transferTimer(context);
      await timers(context).pauseJob(id);
      const timer = await timers(context).getJob(id);
      if (timer.inactive_reason?.cause !== "user") throw new Error("expected a paused timer");
    },
  },
  {
    python: "TimersClient.update_job",
    source: `${CLIENT}; testing/data/timer/update_job.py`,
    service,
    method: "PATCH",
    path: "/jobs/{job_id}",
    // the spec's JobUpdate: Python sends any partial document
    body: ["name"],
    response: job(),
    drive: async (context) =>
      timers(context).updateJob(await transferTimer(context), { name: "updated name" }),
  },
  {
    python: "TimersClient.pause_job",
    source: `${CLIENT}; testing/data/timer/pause_job.py`,
    service,
    method: "POST",
    path: "/jobs/{job_id}/pause",
    response: message,
    drive: async (context) => timers(context).pauseJob(await transferTimer(context)),
  },
  {
    python: "TimersClient.resume_job",
    source: `${CLIENT}; testing/data/timer/resume_job.py`,
    service,
    method: "POST",
    path: "/jobs/{job_id}/resume",
    body: ["update_credentials"],
    response: message,
    drive: async (context) => {
      const id = await transferTimer(context);
      await timers(context).pauseJob(id);
      return timers(context).resumeJob(id, { updateCredentials: true });
    },
  },
  {
    python: "TimersClient.delete_job",
    source: `${CLIENT}; testing/data/timer/delete_job.py`,
    service,
    method: "DELETE",
    path: "/jobs/{job_id}",
    response: job(),
    drive: async (context) => timers(context).deleteJob(await transferTimer(context)),
  },
];
