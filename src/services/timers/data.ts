/**
 * Builders for Timers request documents, as in the Python SDK: the schedules
 * (`OnceTimerSchedule`, `RecurringTimerSchedule`), the v2 timers (`TransferTimer`,
 * `FlowTimer`, for `createTimer`) and the older jobs API's `TimerJob` (for `createJob`).
 * Each serialises with `toJSON()` to the document the service takes; plain objects in the
 * same wire form are accepted wherever a builder is.
 */
import { GlobusSDKUsageError } from "../../errors.ts";
import { uuidList } from "../ids.ts";
import { TransferData } from "../transfer/data.ts";

/** When a recurring timer stops: after `count` runs, or at a time. */
export type TimerEndCondition =
  | { condition: "iterations"; count: number }
  | { condition: "time"; datetime: string | Date };

/** A schedule in the Timers wire form (what the builders below produce). */
export type TimerSchedule =
  | { type: "once"; datetime?: string }
  | {
      type: "recurring";
      interval_seconds: number;
      start?: string;
      end?: { condition: "iterations"; count: number } | { condition: "time"; datetime: string };
    };

/** A schedule: a builder, or the wire form. */
export type TimerScheduleInput = OnceTimerSchedule | RecurringTimerSchedule | TimerSchedule;

/**
 * A time for Timers: a Date becomes ISO 8601 in whole seconds with its `+00:00` offset; a
 * string must parse as a date and is sent as given.
 */
function timersDatetime(value: string | Date, name: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new GlobusSDKUsageError(
      `${name} must be a Date or an ISO 8601 datetime, not ${JSON.stringify(String(value))}.`,
    );
  }
  return value instanceof Date
    ? date.toISOString().replace(/\.\d{3}Z$/, "+00:00")
    : (value as string);
}

function withoutUndefined<T extends Record<string, unknown>>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as T;
}

function scheduleJSON(schedule: TimerScheduleInput): TimerSchedule {
  if (schedule instanceof OnceTimerSchedule || schedule instanceof RecurringTimerSchedule) {
    return schedule.toJSON();
  }
  if (typeof schedule !== "object" || schedule === null) {
    throw new GlobusSDKUsageError(
      "schedule must be a OnceTimerSchedule, a RecurringTimerSchedule or a schedule document.",
    );
  }
  return schedule;
}

/** A timer that runs once: at `datetime`, or as soon as it is created. */
export class OnceTimerSchedule {
  readonly type = "once";
  readonly datetime: string | undefined;

  /** @param datetime when to run: a Date, or an ISO 8601 string with a time zone. */
  constructor(datetime?: string | Date) {
    this.datetime = datetime === undefined ? undefined : timersDatetime(datetime, "datetime");
  }

  toJSON(): TimerSchedule {
    return withoutUndefined({ type: this.type, datetime: this.datetime });
  }
}

/** Options of a {@link RecurringTimerSchedule}. */
export interface RecurringTimerScheduleOptions {
  /** When the first run happens (default: when the timer is created). */
  start?: string | Date;
  /** When the runs stop (default: never). */
  end?: TimerEndCondition;
}

/** A timer that runs every `intervalSeconds`, from `start` until its `end` condition. */
export class RecurringTimerSchedule {
  readonly type = "recurring";
  readonly intervalSeconds: number;
  readonly start: string | undefined;
  readonly end: NonNullable<Extract<TimerSchedule, { type: "recurring" }>["end"]> | undefined;

  constructor(intervalSeconds: number, options: RecurringTimerScheduleOptions = {}) {
    if (!Number.isInteger(intervalSeconds) || intervalSeconds <= 0) {
      throw new GlobusSDKUsageError(
        `intervalSeconds must be a positive whole number of seconds, not ${intervalSeconds}.`,
      );
    }
    this.intervalSeconds = intervalSeconds;
    this.start = options.start === undefined ? undefined : timersDatetime(options.start, "start");
    this.end = options.end === undefined ? undefined : endCondition(options.end);
  }

  toJSON(): TimerSchedule {
    return withoutUndefined({
      type: this.type,
      interval_seconds: this.intervalSeconds,
      start: this.start,
      end: this.end,
    });
  }
}

function endCondition(end: TimerEndCondition): NonNullable<RecurringTimerSchedule["end"]> {
  // read loosely: callers port Python dicts, which the types cannot vouch for
  const given = end as { condition?: unknown; count?: unknown; datetime?: unknown };
  if (given.condition === "iterations") {
    // the Python SDK's docstrings say `iterations`; the service's field is `count`
    if (!Number.isInteger(given.count) || (given.count as number) < 1) {
      throw new GlobusSDKUsageError(
        "end: an iterations condition needs count, the number of runs (a whole number from 1).",
      );
    }
    return { condition: "iterations", count: given.count as number };
  }
  if (given.condition === "time") {
    return {
      condition: "time",
      datetime: timersDatetime(given.datetime as string | Date, "end.datetime"),
    };
  }
  throw new GlobusSDKUsageError(
    `end.condition must be "iterations" or "time", not ${JSON.stringify(given.condition)}.`,
  );
}

/** Options of a {@link TransferTimer}. */
export interface TransferTimerOptions {
  /** A name to find the timer by. */
  name?: string;
  schedule: TimerScheduleInput;
  /** The transfer each run submits. */
  body: TransferData | Record<string, unknown>;
}

/**
 * A timer that submits a transfer on a schedule, for `createTimer`. A `submission_id` or
 * `skip_activation_check` in the body is dropped: each run is a task of its own, and
 * Timers takes neither.
 */
export class TransferTimer {
  readonly timerType = "transfer";
  readonly name: string | undefined;
  readonly schedule: TimerSchedule;
  readonly body: Record<string, unknown>;

  constructor(options: TransferTimerOptions) {
    if (!options?.schedule) throw new GlobusSDKUsageError("A TransferTimer needs a schedule.");
    if (!options.body || typeof options.body !== "object") {
      throw new GlobusSDKUsageError(
        "A TransferTimer needs a body: a TransferData or its document.",
      );
    }
    this.name = options.name;
    this.schedule = scheduleJSON(options.schedule);
    const body = {
      ...(options.body instanceof TransferData ? options.body.toJSON() : options.body),
    };
    delete body.submission_id;
    delete body.skip_activation_check;
    this.body = body;
  }

  toJSON(): Record<string, unknown> {
    return withoutUndefined({
      timer_type: this.timerType,
      name: this.name,
      schedule: this.schedule,
      body: this.body,
    });
  }
}

/** What each run of a flow timer starts the flow with: its input, and the runs' options. */
export interface FlowTimerBody {
  /** The flow's input. */
  body: Record<string, unknown>;
  run_managers?: string[];
  run_monitors?: string[];
  tags?: string[];
  label?: string;
  [field: string]: unknown;
}

/** Options of a {@link FlowTimer}. */
export interface FlowTimerOptions {
  /** The flow each run starts. */
  flowId: string;
  name?: string;
  schedule: TimerScheduleInput;
  body: FlowTimerBody;
}

/** A timer that runs a flow on a schedule, for `createTimer`. */
export class FlowTimer {
  readonly timerType = "flow";
  readonly flowId: string;
  readonly name: string | undefined;
  readonly schedule: TimerSchedule;
  readonly body: FlowTimerBody;

  constructor(options: FlowTimerOptions) {
    if (!options?.flowId) throw new GlobusSDKUsageError("A FlowTimer needs the flowId to run.");
    [this.flowId] = uuidList("flowId", options.flowId) as [string];
    if (!options.schedule) throw new GlobusSDKUsageError("A FlowTimer needs a schedule.");
    if (typeof options.body?.body !== "object" || options.body.body === null) {
      throw new GlobusSDKUsageError("A FlowTimer's body needs body: the flow's input object.");
    }
    this.name = options.name;
    this.schedule = scheduleJSON(options.schedule);
    this.body = { ...options.body };
  }

  toJSON(): Record<string, unknown> {
    return withoutUndefined({
      timer_type: this.timerType,
      flow_id: this.flowId,
      name: this.name,
      schedule: this.schedule,
      body: this.body,
    });
  }
}

/** Options of a {@link TimerJob}. */
export interface TimerJobOptions {
  name?: string;
  /** No runs after this time. */
  stopAfter?: string | Date;
  /** No more than this many runs. */
  stopAfterN?: number;
  /** The scope Timers calls the callback with (default: the Transfer action provider's). */
  scope?: string;
}

/**
 * A job of the older jobs API, for `createJob`: Timers POSTs `callbackBody` to the action
 * provider at `callbackUrl` from `start`, every `interval` seconds (null when it runs
 * once, with `stopAfterN: 1`). For transfers and flows prefer {@link TransferTimer} and
 * {@link FlowTimer} with `createTimer`.
 */
export class TimerJob {
  readonly callbackUrl: string;
  readonly callbackBody: Record<string, unknown>;
  readonly start: string;
  readonly interval: number | null;
  readonly options: Readonly<TimerJobOptions>;

  constructor(
    callbackUrl: string,
    callbackBody: Record<string, unknown>,
    start: string | Date,
    interval: number | null,
    options: TimerJobOptions = {},
  ) {
    if (!callbackUrl) throw new GlobusSDKUsageError("A TimerJob needs its callbackUrl.");
    if (interval !== null && (!Number.isFinite(interval) || interval <= 0)) {
      throw new GlobusSDKUsageError(
        `interval must be a number of seconds or null, not ${interval}.`,
      );
    }
    this.callbackUrl = callbackUrl;
    this.callbackBody = callbackBody;
    this.start = timersDatetime(start, "start");
    this.interval = interval === null ? null : Math.floor(interval);
    this.options = { ...options };
  }

  toJSON(): Record<string, unknown> {
    const { name, stopAfter, stopAfterN, scope } = this.options;
    return withoutUndefined({
      callback_url: this.callbackUrl,
      callback_body: this.callbackBody,
      start: this.start,
      interval: this.interval,
      name,
      stop_after: stopAfter === undefined ? undefined : timersDatetime(stopAfter, "stopAfter"),
      stop_after_n: stopAfterN,
      scope,
    });
  }
}
