/**
 * When a timer runs. Both APIs come down to one plan: a first run at `start`, then every
 * `interval` seconds (none for a single run), until `maxRuns` runs or the time `endAt`.
 * The v2 API writes it as a `schedule` (`once` or `recurring`), the jobs API as `start`,
 * `interval`, `stop_after` and `stop_after_n`; each timer answers with both views.
 */
import { Fields, invalid } from "./validation.ts";

export interface Plan {
  start: number;
  /** Seconds between runs; null for a timer that runs once. */
  interval: number | null;
  maxRuns: number | null;
  endAt: number | null;
}

const MIN_INTERVAL = 60;
const MAX_INTERVAL = 365 * 24 * 3600;
/** How far in the past a start may be ("a time in the future or close to the current time"). */
const START_TOLERANCE = 300;

/** Globus Timers' time format: whole seconds with a `+00:00` offset. */
export function timersTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

function checkStart(start: number, now: number, fields: Fields, key: string): number {
  if (start < now - START_TOLERANCE) {
    throw invalid(
      fields.at(key),
      "must be in the future or close to the current time",
      "value_error",
    );
  }
  if (start > now + MAX_INTERVAL) {
    throw invalid(fields.at(key), "must be within one year of submission", "value_error");
  }
  return start;
}

/**
 * Reads a v2 `schedule`; answers the plan and the schedule as Timers echoes it, with the
 * start (or a once timer's datetime) filled in when the request left it out.
 */
export function readSchedule(
  value: unknown,
  loc: readonly (string | number)[],
  now: number,
): { plan: Plan; echo: Record<string, unknown> } {
  const schedule = new Fields(value, loc);
  const type = schedule.literal("type", ["once", "recurring"] as const);
  if (type === "once") {
    schedule.only(["type", "datetime"]);
    const start = schedule.has("datetime")
      ? checkStart(schedule.datetime("datetime"), now, schedule, "datetime")
      : now;
    return {
      plan: { start, interval: null, maxRuns: 1, endAt: null },
      echo: { type, datetime: timersTime(start) },
    };
  }
  schedule.only(["type", "interval_seconds", "start", "end"]);
  const interval = schedule.integer("interval_seconds", { min: MIN_INTERVAL, max: MAX_INTERVAL });
  const start = schedule.has("start")
    ? checkStart(schedule.datetime("start"), now, schedule, "start")
    : now;
  const echo: Record<string, unknown> = {
    type,
    interval_seconds: interval,
    start: timersTime(start),
  };
  const plan: Plan = { start, interval, maxRuns: null, endAt: null };
  if (schedule.has("end")) {
    const end = schedule.object("end");
    // the spec's discriminator defaults to "iterations" when only a count is given
    const condition = end.literal("condition", ["iterations", "time"] as const, "iterations");
    if (condition === "iterations") {
      end.only(["condition", "count"]);
      plan.maxRuns = end.integer("count", { min: 1 });
      // as recorded (testing/data/timer/_common.py): the count alone
      echo.end = { count: plan.maxRuns };
    } else {
      end.only(["condition", "datetime"]);
      plan.endAt = end.datetime("datetime");
      echo.end = { condition, datetime: timersTime(plan.endAt) };
    }
  }
  return { plan, echo };
}

/** Reads the schedule fields of a jobs-API document (`POST /jobs/`). */
export function readJobPlan(
  job: Fields,
  now: number,
): { plan: Plan; echo: Record<string, unknown> } {
  const start = checkStart(job.datetime("start"), now, job, "start");
  let maxRuns = job.optionalInteger("stop_after_n", { min: 1 });
  let endAt: number | null = null;
  // `stop_after` is a datetime, or (in the spec) a StopAfter object of a date and a count
  if (typeof job.doc.stop_after === "string") endAt = job.datetime("stop_after");
  else if (job.has("stop_after") && job.doc.stop_after !== null) {
    const stop = job.object("stop_after").only(["date", "n_runs"]);
    if (stop.has("date")) endAt = stop.datetime("date");
    maxRuns ??= stop.optionalInteger("n_runs", { min: 1 });
  }
  const rawInterval = job.doc.interval;
  let interval: number | null = null;
  if (maxRuns === 1) {
    if (rawInterval !== undefined && rawInterval !== null) {
      throw invalid(job.at("interval"), "must be null for a job that runs once", "value_error");
    }
  } else {
    interval = job.integer("interval", { min: MIN_INTERVAL, max: MAX_INTERVAL });
  }
  const plan: Plan = { start, interval, maxRuns, endAt };
  return { plan, echo: scheduleOf(plan) };
}

/** The v2 schedule equivalent to a plan (for jobs created through the jobs API). */
function scheduleOf(plan: Plan): Record<string, unknown> {
  if (plan.interval === null) return { type: "once", datetime: timersTime(plan.start) };
  const echo: Record<string, unknown> = {
    type: "recurring",
    interval_seconds: plan.interval,
    start: timersTime(plan.start),
  };
  if (plan.maxRuns !== null) echo.end = { count: plan.maxRuns };
  else if (plan.endAt !== null) echo.end = { condition: "time", datetime: timersTime(plan.endAt) };
  return echo;
}

/**
 * The time of the first scheduled run after `after`, given `runs` runs so far; null when
 * the plan has ended.
 */
export function nextRunAfter(plan: Plan, after: number, runs: number): number | null {
  if (plan.maxRuns !== null && runs >= plan.maxRuns) return null;
  if (plan.interval === null) return runs === 0 ? plan.start : null;
  const slot = after < plan.start ? 0 : Math.floor((after - plan.start) / plan.interval) + 1;
  const at = plan.start + slot * plan.interval;
  return plan.endAt !== null && at > plan.endAt ? null : at;
}
