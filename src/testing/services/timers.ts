/**
 * Globus Timers: create a transfer or flow timer (`POST /v2/timer`), list, get, pause,
 * resume and delete (`/jobs/...`). Runs are counted from the schedule and the emulator
 * clock; the emulator does not fire the callbacks.
 */
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import { automateCode, type ErrorBuilder, isoTime, isRecord, objectBody } from "./common.ts";

const TIMERS = KNOWN_SCOPES.timers;

interface TimerRecord {
  id: string;
  owner: string;
  type: "transfer" | "flow";
  name: string;
  schedule: Record<string, unknown>;
  body: Record<string, unknown>;
  flowId: string | null;
  submittedAt: number;
  /** Scheduled run times, computed when the timer is created. */
  start: number;
  interval: number | null;
  maxRuns: number | null;
  endAt: number | null;
  status: "new" | "loaded" | "user_paused" | "done";
  pausedRuns: number;
  pausedAt: number | null;
  /** Seconds the timer spent paused, which shift its later runs. */
  pausedSeconds: number;
}

/** Timers's error body: `{error: {code, detail}}`. */
function timersErrorBody(code: string, detail: unknown) {
  return { error: { code, detail } };
}

function parseTime(value: unknown, fail: ErrorBuilder, field: string): number {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
    throw fail(422, "UNPROCESSABLE_ENTITY", `'${field}' must be an ISO 8601 datetime`);
  }
  return Date.parse(value) / 1000;
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const timers = new Map<string, TimerRecord>();
  const formatter: ErrorBodyFormatter = (_status, code, message) =>
    timersErrorBody(automateCode(code), message);
  const fail: ErrorBuilder = (status, code, message) =>
    new EmulatorHttpError(status, timersErrorBody(automateCode(code), message));

  function auth(request: EmulatorRequest): AccessTokenInfo {
    return context.authenticate(request, TIMERS.resourceServer, {
      anyOfScopes: [TIMERS.scopes.timer],
      format: formatter,
    });
  }

  /** How many runs have happened by `at`, given the schedule and pauses. */
  function runsBy(timer: TimerRecord, at: number): number {
    const effective = at - timer.pausedSeconds;
    if (effective < timer.start) return 0;
    let count =
      timer.interval === null ? 1 : Math.floor((effective - timer.start) / timer.interval) + 1;
    if (timer.endAt !== null && timer.interval !== null) {
      count = Math.min(count, Math.floor((timer.endAt - timer.start) / timer.interval) + 1);
    }
    if (timer.maxRuns !== null) count = Math.min(count, timer.maxRuns);
    return Math.max(0, count);
  }

  function currentRuns(timer: TimerRecord): number {
    return timer.status === "user_paused" ? timer.pausedRuns : runsBy(timer, context.now());
  }

  function nextRun(timer: TimerRecord, runs: number): number | null {
    if (timer.status === "user_paused") return null;
    if (timer.interval === null) return runs >= 1 ? null : timer.start + timer.pausedSeconds;
    if (timer.maxRuns !== null && runs >= timer.maxRuns) return null;
    const next = timer.start + runs * timer.interval;
    if (timer.endAt !== null && next > timer.endAt) return null;
    return next + timer.pausedSeconds;
  }

  function timerDoc(timer: TimerRecord): Record<string, unknown> {
    const runs = currentRuns(timer);
    const next = nextRun(timer, runs);
    const status =
      timer.status === "user_paused"
        ? "user_paused"
        : next === null
          ? "done"
          : runs > 0
            ? "loaded"
            : "new";
    const lastRan =
      runs === 0
        ? null
        : isoTime(timer.start + (timer.interval ?? 0) * (runs - 1) + timer.pausedSeconds);
    const common = {
      job_id: timer.id,
      name: timer.name,
      timer_type: timer.type,
      status,
      schedule: timer.schedule,
      submitted_at: isoTime(timer.submittedAt),
      next_run: next === null ? null : isoTime(next),
      last_ran_at: lastRan,
      inactive_reason: timer.status === "user_paused" ? { cause: "user", detail: null } : null,
    };
    if (timer.type === "transfer") {
      return { ...common, body: timer.body, number_of_runs: runs, number_of_errors: 0 };
    }
    const flowId = timer.flowId ?? "";
    return {
      ...common,
      callback_url: `${context.serviceUrl("flows")}flows/${flowId}/run`,
      callback_body: timer.body,
      scope: specificFlowScopeSet(flowId).scopes.user,
      interval: timer.interval,
      stop_after: {
        date: timer.endAt === null ? null : isoTime(timer.endAt),
        n_runs: timer.maxRuns,
      },
      n_runs: runs,
      n_errors: 0,
      results: [],
    };
  }

  function requireTimer(id: string, token: AccessTokenInfo): TimerRecord {
    const timer = timers.get(id);
    if (!timer || timer.owner !== token.identityId) {
      throw fail(404, "NOT_FOUND", `Timer '${id}' was not found`);
    }
    return timer;
  }

  function readSchedule(raw: unknown) {
    if (!isRecord(raw)) throw fail(422, "UNPROCESSABLE_ENTITY", "'schedule' is required");
    const now = context.now();
    if (raw.type === "once") {
      const start =
        raw.datetime === undefined ? now : parseTime(raw.datetime, fail, "schedule.datetime");
      return { start, interval: null, maxRuns: 1, endAt: null };
    }
    if (raw.type !== "recurring") {
      throw fail(422, "UNPROCESSABLE_ENTITY", "'schedule.type' must be 'once' or 'recurring'");
    }
    const interval = raw.interval_seconds;
    if (typeof interval !== "number" || !Number.isInteger(interval) || interval < 60) {
      throw fail(
        422,
        "UNPROCESSABLE_ENTITY",
        "'schedule.interval_seconds' must be an integer of at least 60",
      );
    }
    const start = raw.start === undefined ? now : parseTime(raw.start, fail, "schedule.start");
    let maxRuns: number | null = null;
    let endAt: number | null = null;
    if (isRecord(raw.end)) {
      if (raw.end.condition === "iterations" && typeof raw.end.iterations === "number") {
        maxRuns = raw.end.iterations;
      } else if (raw.end.condition === "time") {
        endAt = parseTime(raw.end.datetime, fail, "schedule.end.datetime");
      } else {
        throw fail(
          422,
          "UNPROCESSABLE_ENTITY",
          "'schedule.end' must be an iterations or time condition",
        );
      }
    }
    return { start, interval, maxRuns, endAt };
  }

  router.route("POST", "/v2/timer", (request) => {
    const token = auth(request);
    const outer = objectBody(() => request.json(), fail);
    const timer = outer.timer;
    if (!isRecord(timer))
      throw fail(422, "UNPROCESSABLE_ENTITY", "The request needs a 'timer' object");
    if (timer.timer_type !== "transfer" && timer.timer_type !== "flow") {
      throw fail(422, "UNPROCESSABLE_ENTITY", "'timer.timer_type' must be 'transfer' or 'flow'");
    }
    if (!isRecord(timer.body))
      throw fail(422, "UNPROCESSABLE_ENTITY", "'timer.body' must be an object");
    let flowId: string | null = null;
    if (timer.timer_type === "transfer") {
      const body = timer.body;
      if (
        typeof body.source_endpoint !== "string" ||
        typeof body.destination_endpoint !== "string" ||
        !Array.isArray(body.DATA) ||
        body.DATA.length === 0
      ) {
        throw fail(
          422,
          "UNPROCESSABLE_ENTITY",
          "A transfer timer's body needs source_endpoint, destination_endpoint and DATA items",
        );
      }
    } else {
      if (typeof timer.flow_id !== "string" || !/^[0-9a-f-]{36}$/i.test(timer.flow_id)) {
        throw fail(422, "UNPROCESSABLE_ENTITY", "A flow timer needs a 'flow_id'");
      }
      flowId = timer.flow_id;
    }
    const schedule = readSchedule(timer.schedule);
    const record: TimerRecord = {
      id: context.newId(),
      owner: token.identityId,
      type: timer.timer_type,
      name: typeof timer.name === "string" ? timer.name : `Timer ${timers.size + 1}`,
      schedule: timer.schedule as Record<string, unknown>,
      body: timer.body,
      flowId,
      submittedAt: context.now(),
      ...schedule,
      status: "new",
      pausedRuns: 0,
      pausedAt: null,
      pausedSeconds: 0,
    };
    timers.set(record.id, record);
    return { status: 201, body: { timer: timerDoc(record) } };
  });

  const listJobs = (request: EmulatorRequest) => {
    const token = auth(request);
    const mine = [...timers.values()]
      .filter((timer) => timer.owner === token.identityId)
      .sort((a, b) => a.submittedAt - b.submittedAt);
    return { body: { jobs: mine.map(timerDoc) } };
  };
  router.route("GET", "/jobs/", listJobs);

  router.route("GET", "/jobs/:id", (request) => {
    const token = auth(request);
    return { body: timerDoc(requireTimer(request.params.id ?? "", token)) };
  });

  // Only the name is emulated as changeable; other fields are refused rather than ignored.
  router.route("PATCH", "/jobs/:id", (request) => {
    const token = auth(request);
    const timer = requireTimer(request.params.id ?? "", token);
    const body = objectBody(() => request.json(), fail);
    for (const key of Object.keys(body)) {
      if (key !== "name") {
        throw fail(422, "UNPROCESSABLE_ENTITY", `The emulator cannot update '${key}' of a timer`);
      }
    }
    if (body.name !== undefined) {
      if (typeof body.name !== "string" || body.name.trim() === "") {
        throw fail(422, "UNPROCESSABLE_ENTITY", "'name' must be a non-empty string");
      }
      timer.name = body.name;
    }
    return { body: timerDoc(timer) };
  });

  router.route("POST", "/jobs/:id/pause", (request) => {
    const token = auth(request);
    const timer = requireTimer(request.params.id ?? "", token);
    if (timer.status !== "user_paused") {
      timer.pausedRuns = runsBy(timer, context.now());
      timer.pausedAt = context.now();
      timer.status = "user_paused";
    }
    return { body: { message: `Successfully paused job ${timer.id}.` } };
  });

  router.route("POST", "/jobs/:id/resume", (request) => {
    const token = auth(request);
    const timer = requireTimer(request.params.id ?? "", token);
    if (timer.status === "user_paused" && timer.pausedAt !== null) {
      timer.pausedSeconds += context.now() - timer.pausedAt;
      timer.pausedAt = null;
      timer.status = "loaded";
    }
    return { body: { message: `Successfully resumed job ${timer.id}.` } };
  });

  router.route("DELETE", "/jobs/:id", (request) => {
    const token = auth(request);
    const timer = requireTimer(request.params.id ?? "", token);
    const doc = timerDoc(timer);
    timers.delete(timer.id);
    return { body: { ...doc, status: "deleted" } };
  });
}

/** Globus Timers, mounted at `/timer/` (`GLOBUS_SDK_SERVICE_URL_TIMER`). */
export const timersService: ServiceModule = {
  name: "timer",
  envName: "timer",
  errorFormat: (_status, code, message) => timersErrorBody(automateCode(code), message),
  register,
};
