/**
 * The documents Timers answers with, in the keys Globus recorded
 * (the Python SDK's `testing/data/timer/`):
 * - a v2 transfer timer (`POST /v2/timer`): the filled-in transfer `body` and
 *   `number_of_runs`/`number_of_errors`;
 * - a v2 flow timer as created: the job fields (`callback_url`, `callback_body`, `scope`,
 *   `interval`, `stop_after`, `n_runs`, ...) with `results` as a list;
 * - a job (`GET /jobs/...`, list, update, delete), for every kind of timer: the job fields
 *   with `start` and a page of `results`, plus `timer_type` and `schedule`, and a flow
 *   timer's `flow_id`.
 */
import type { RunResult, TimerRecord } from "./model.ts";
import { timersTime } from "./schedule.ts";

/** The Transfer action provider that transfer jobs call, as recorded. */
export const TRANSFER_ACTION_URL = "https://actions.automate.globus.org/transfer/transfer/run";

function time(value: number | null): string | null {
  return value === null ? null : timersTime(value);
}

/** The fields every view shares. */
function common(timer: TimerRecord) {
  return {
    job_id: timer.id,
    name: timer.name,
    status: timer.status,
    inactive_reason: timer.inactiveReason,
    submitted_at: timersTime(timer.submittedAt),
    last_ran_at: time(timer.lastRanAt),
    next_run: time(timer.nextRun),
  };
}

/** Where a timer's runs go, with what, and under which scope. */
export interface Callback {
  url: string;
  body: Record<string, unknown>;
  scope: string | null;
}

/** A job's fields that describe its schedule the jobs-API way. */
function jobFields(timer: TimerRecord, callback: Callback) {
  const { maxRuns, endAt, interval } = timer.plan;
  return {
    callback_url: callback.url,
    callback_body: callback.body,
    scope: callback.scope,
    interval,
    stop_after: maxRuns === null && endAt === null ? null : { date: time(endAt), n_runs: maxRuns },
    n_runs: timer.runs,
    n_errors: timer.errors,
  };
}

/** The answer of `POST /v2/timer` for a transfer timer. */
export function v2TransferTimer(timer: TimerRecord): Record<string, unknown> {
  if (timer.action.kind !== "transfer") throw new Error("not a transfer timer");
  return {
    ...common(timer),
    timer_type: "transfer",
    schedule: timer.schedule,
    body: timer.action.body,
    number_of_runs: timer.runs,
    number_of_errors: timer.errors,
  };
}

/** The answer of `POST /v2/timer` for a flow timer: job fields, `results` as a list. */
export function v2FlowTimer(timer: TimerRecord, callback: Callback): Record<string, unknown> {
  return {
    ...common(timer),
    timer_type: "flow",
    schedule: timer.schedule,
    ...jobFields(timer, callback),
    results: timer.results.map(resultDoc),
  };
}

function resultDoc(result: RunResult): Record<string, unknown> {
  return {
    data: result.data,
    errors: result.errors,
    status: result.status,
    ran_at: timersTime(result.ranAt),
  };
}

/** A job document, with one page of its results. */
export function jobDocument(
  timer: TimerRecord,
  callback: Callback,
  results: { offset: number; size: number; nextMarker: (offset: number) => string },
): Record<string, unknown> {
  const page = timer.results.slice(results.offset, results.offset + results.size);
  const end = results.offset + page.length;
  return {
    ...common(timer),
    timer_type: timer.kind,
    schedule: timer.schedule,
    start: timersTime(timer.plan.start),
    ...jobFields(timer, callback),
    results: {
      data: page.map(resultDoc),
      page_next: end < timer.results.length ? results.nextMarker(end) : null,
    },
    ...(timer.action.kind === "flow" ? { flow_id: timer.action.flowId } : {}),
  };
}
