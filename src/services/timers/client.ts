import { GlobusSDKUsageError } from "../../errors.ts";
import {
  GCSCollectionScopes,
  type Scope,
  SpecificFlowScopes,
  TimersScopes,
  TransferScopes,
} from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { TimersAPIError } from "../../transport/errors.ts";
import { BaseServiceClient, type OperationOptions } from "../base/client.ts";
import { uuidList } from "../ids.ts";
import type { TransferData } from "../transfer/data.ts";
import {
  FlowTimer,
  TimerJob,
  type TimerSchedule,
  type TimerScheduleInput,
  TransferTimer,
} from "./data.ts";

export * from "./data.ts";

/** A timer's status: `new`, `loaded` (has run), `inactive`, `ended`, or while deleted `delete_in_progress`. */
export type TimerStatus =
  | "new"
  | "loaded"
  | "inactive"
  | "ended"
  | "delete_in_progress"
  | "deleted"
  | (string & {});

/** Why a timer is `inactive`: its owner paused it, or a run met a GARE (in `detail`). */
export interface TimerInactiveReason {
  cause: "user" | "globus_auth_requirements" | (string & {});
  detail: Record<string, unknown> | null;
  [field: string]: unknown;
}

/** One run of a timer: what the service it called answered (`data`), or its `errors`. */
export interface TimerRunResult {
  data: Record<string, unknown> | null;
  errors: Record<string, unknown> | null;
  /** The HTTP status of the call. */
  status: number;
  ran_at: string;
  [field: string]: unknown;
}

/** A partial timer document for {@link TimersClient.updateJob}: the name is what changes. */
export interface TimerUpdate {
  name?: string;
  [field: string]: unknown;
}

/**
 * A timer as the jobs routes (`GET /jobs/...`, list, update, delete) answer it, for every
 * kind of timer; every other field is kept.
 */
export interface Timer {
  job_id: string;
  name: string;
  status: TimerStatus;
  timer_type?: "transfer" | "flow" | "generic" | (string & {});
  schedule?: TimerSchedule;
  /** The first run's time. */
  start?: string;
  /** Seconds between runs; null for a timer that runs once. */
  interval?: number | null;
  callback_url?: string;
  callback_body?: Record<string, unknown>;
  scope?: string | null;
  stop_after?: { date: string | null; n_runs: number | null } | null;
  inactive_reason?: TimerInactiveReason | null;
  submitted_at?: string;
  last_ran_at?: string | null;
  next_run?: string | null;
  n_runs?: number;
  n_errors?: number;
  /** One page of the runs; pass `page_next` as `resultsPt` to {@link TimersClient.getJob}. */
  results?: { data: TimerRunResult[]; page_next: string | null };
  /** A flow timer's flow. */
  flow_id?: string;
  [field: string]: unknown;
}

/** A transfer timer as `createTimer` answers it: the transfer `body` with Timers' defaults. */
export interface TransferTimerDocument extends Timer {
  timer_type: "transfer";
  body: Record<string, unknown>;
  number_of_runs: number;
  number_of_errors: number;
}

/** The answer to {@link TimersClient.createTimer}. */
export interface CreateTimerResponse {
  /** A transfer timer, or (in the job fields) a flow timer. */
  timer: TransferTimerDocument | Timer;
  [field: string]: unknown;
}

/** The answer to {@link TimersClient.listJobs}. */
export interface TimerList {
  jobs: Timer[];
  [field: string]: unknown;
}

/** What pausing or resuming answers. */
export interface TimersMessage {
  message: string;
  [field: string]: unknown;
}

/** The filters of {@link TimersClient.listJobs} (Timers' `GET /jobs/` parameters). */
export interface ListJobsOptions extends OperationOptions {
  /** Only timers whose name contains this, in any case. */
  filterName?: string;
  /** Only timers in these states: `active`, `inactive`, `ended`. */
  filterStatus?: string | readonly string[];
  submittedAfter?: string | Date;
  submittedBefore?: string | Date;
  /** `FIELD [asc|desc]`, e.g. `name desc`. */
  order?: string;
  /** Results (runs) per timer in the answer. */
  resultCount?: number;
}

/** Options of {@link TimersClient.getJob}: which page of the timer's runs comes with it. */
export interface GetJobOptions extends OperationOptions {
  /** A previous answer's `results.page_next`. */
  resultsPt?: string;
  pageSize?: number;
}

/** What a flow timer's runs receive besides the input. */
export interface FlowTimerRunOptions {
  label?: string;
  tags?: string[];
  runManagers?: string[];
  runMonitors?: string[];
}

/** A timer to create, in camelCase: a transfer or a flow run on a schedule. */
export type TimerSpec =
  | { timerType: "transfer"; name?: string; schedule: TimerScheduleInput; data: TransferData }
  | ({
      timerType: "flow";
      name?: string;
      schedule: TimerScheduleInput;
      flowId: string;
      /** The flow's input. */
      input: Record<string, unknown>;
    } & FlowTimerRunOptions);

/** What {@link TimersClient.createTimer} takes: a builder, a timer document, or a spec. */
export type CreateTimerInput = TransferTimer | FlowTimer | TimerSpec | Record<string, unknown>;

function flowTimerOf(
  spec: {
    name?: string;
    schedule: TimerScheduleInput;
    flowId: string;
    input: Record<string, unknown>;
  } & FlowTimerRunOptions,
): FlowTimer {
  const body = Object.fromEntries(
    Object.entries({
      body: spec.input,
      label: spec.label,
      tags: spec.tags,
      run_managers: spec.runManagers,
      run_monitors: spec.runMonitors,
    }).filter(([, value]) => value !== undefined),
  ) as FlowTimer["body"];
  return new FlowTimer({ flowId: spec.flowId, name: spec.name, schedule: spec.schedule, body });
}

/** The `timer` document of `POST /v2/timer`. */
function timerDocument(timer: CreateTimerInput): Record<string, unknown> {
  if (timer instanceof TimerJob) {
    throw new GlobusSDKUsageError(
      "createTimer() does not take a TimerJob: use createJob(), or a TransferTimer or FlowTimer.",
    );
  }
  if (timer instanceof TransferTimer || timer instanceof FlowTimer) return timer.toJSON();
  if (typeof timer !== "object" || timer === null) {
    throw new GlobusSDKUsageError(
      "createTimer() takes a TransferTimer, a FlowTimer or a timer document.",
    );
  }
  if (!("timerType" in timer)) return timer;
  const spec = timer as TimerSpec;
  if (spec.timerType === "transfer") {
    return new TransferTimer({
      name: spec.name,
      schedule: spec.schedule,
      body: spec.data,
    }).toJSON();
  }
  if (spec.timerType === "flow") return flowTimerOf(spec).toJSON();
  throw new GlobusSDKUsageError(
    `Unknown timerType ${JSON.stringify((spec as { timerType?: unknown }).timerType)}: use "transfer" or "flow".`,
  );
}

function timeParam(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * A client for Globus Timers. Bound to an app it requires `TimersScopes.timer`. The
 * Python SDK's names (`listJobs`, `getJob`, `createJob`, ...) and this SDK's
 * (`listTimers`, `getTimer`, ...) are the same operations.
 */
export class TimersClient extends BaseServiceClient {
  static override readonly serviceName = "timer";
  static override readonly errorClass = TimersAPIError;
  /** Timers' scopes and resource server. */
  static readonly scopes = TimersScopes;

  override get resourceServer(): string {
    return TimersScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [TimersScopes.timer];
  }

  /**
   * Requires, for transfer timers, `data_access` consents on these GCS collections: the
   * `timer` scope depending on `transfer:all`, depending on each collection's optional
   * `data_access` scope. Without it, the timer's runs cannot use such a collection: the
   * timer goes inactive with a ConsentRequired GARE in its `inactive_reason`. Only for
   * mapped collections that are not high assurance. Needs a client bound to an app.
   */
  addAppTransferDataAccessScope(collectionIds: string | Iterable<string>): this {
    const transfer = TransferScopes.all.withDependencies(
      uuidList("collectionIds", collectionIds).map((id) =>
        GCSCollectionScopes(id).data_access.withOptional(true),
      ),
    );
    return this.addAppScope(TimersScopes.timer.withDependency(transfer));
  }

  /**
   * Requires, for flow timers, each flow's `user` scope under the `timer` scope, without
   * which the timer's runs cannot start the flow. Needs a client bound to an app.
   */
  addAppFlowUserScope(flowIds: string | Iterable<string>): this {
    return this.addAppScope(
      TimersScopes.timer.withDependencies(
        uuidList("flowIds", flowIds).map((id) => SpecificFlowScopes(id).user),
      ),
    );
  }

  /** Your timers, ended ones included, in one answer (`GET /jobs/`). */
  listJobs(options: ListJobsOptions = {}): Promise<TimerList> {
    const status = options.filterStatus;
    const query = {
      filter_name: options.filterName,
      filter_status: typeof status === "string" ? status : status?.join(","),
      submitted_after: timeParam(options.submittedAfter),
      submitted_before: timeParam(options.submittedBefore),
      order: options.order,
      result_count: options.resultCount,
    };
    return this.call({ path: "/jobs/", query }, options);
  }

  /** One timer, with a page of its runs in `results` (`GET /jobs/{id}`). */
  getJob(jobId: string, options: GetJobOptions = {}): Promise<Timer> {
    const query = { results_pt: options.resultsPt, page_size: options.pageSize };
    return this.call({ path: apiPath`/jobs/${jobId}`, query }, options);
  }

  // the builders check their arguments: as async methods these reject, never throw

  /**
   * Creates a transfer or flow timer (`POST /v2/timer`) from a {@link TransferTimer}, a
   * {@link FlowTimer}, a timer document, or a {@link TimerSpec}.
   */
  async createTimer(
    timer: CreateTimerInput,
    options?: OperationOptions,
  ): Promise<CreateTimerResponse> {
    return this.call(
      { method: "POST", path: "/v2/timer", body: { timer: timerDocument(timer) } },
      options,
    );
  }

  /**
   * Creates a job of the older jobs API (`POST /jobs/`) from a {@link TimerJob} or its
   * document: a callback to an action provider on a schedule.
   */
  async createJob(
    data: TimerJob | Record<string, unknown>,
    options?: OperationOptions,
  ): Promise<Timer> {
    if (data instanceof TransferTimer || data instanceof FlowTimer) {
      throw new GlobusSDKUsageError(
        `createJob() does not take a ${data.constructor.name}: use createTimer().`,
      );
    }
    const body = data instanceof TimerJob ? data.toJSON() : data;
    return this.call({ method: "POST", path: "/jobs/", body }, options);
  }

  /** Changes fields of a timer (`PATCH /jobs/{id}`), e.g. `{ name }`; answers the timer. */
  updateJob(jobId: string, data: TimerUpdate, options?: OperationOptions): Promise<Timer> {
    return this.call({ method: "PATCH", path: apiPath`/jobs/${jobId}`, body: data }, options);
  }

  /** Deletes a timer; answers it, with status `delete_in_progress`. */
  deleteJob(jobId: string, options?: OperationOptions): Promise<Timer> {
    return this.call({ method: "DELETE", path: apiPath`/jobs/${jobId}` }, options);
  }

  /** Pauses a timer: it becomes `inactive` and skips its runs until resumed. */
  pauseJob(jobId: string, options?: OperationOptions): Promise<TimersMessage> {
    return this.call({ method: "POST", path: apiPath`/jobs/${jobId}/pause` }, options);
  }

  /**
   * Resumes an inactive timer; a run it missed happens at once. `updateCredentials: true`
   * gives the timer this call's credentials (to clear a consent or session problem);
   * unset, Timers decides from why the timer became inactive.
   */
  resumeJob(
    jobId: string,
    options: OperationOptions & { updateCredentials?: boolean } = {},
  ): Promise<TimersMessage> {
    const body =
      options.updateCredentials === undefined
        ? {}
        : { update_credentials: options.updateCredentials };
    return this.call({ method: "POST", path: apiPath`/jobs/${jobId}/resume`, body }, options);
  }

  // ----- this SDK's names for the same operations -----

  /** The timers of {@link listJobs}, as a list. */
  async listTimers(options?: ListJobsOptions): Promise<Timer[]> {
    return (await this.listJobs(options)).jobs;
  }

  /** {@link getJob}. */
  getTimer(timerId: string, options?: GetJobOptions): Promise<Timer> {
    return this.getJob(timerId, options);
  }

  /** {@link updateJob}. */
  updateTimer(timerId: string, changes: TimerUpdate, options?: OperationOptions): Promise<Timer> {
    return this.updateJob(timerId, changes, options);
  }

  /** {@link pauseJob}. */
  pauseTimer(timerId: string, options?: OperationOptions): Promise<TimersMessage> {
    return this.pauseJob(timerId, options);
  }

  /** {@link resumeJob}. */
  resumeTimer(
    timerId: string,
    options?: OperationOptions & { updateCredentials?: boolean },
  ): Promise<TimersMessage> {
    return this.resumeJob(timerId, options);
  }

  /** {@link deleteJob}. */
  deleteTimer(timerId: string, options?: OperationOptions): Promise<Timer> {
    return this.deleteJob(timerId, options);
  }

  /** Creates a timer that submits `data` on a schedule: a {@link TransferTimer}. */
  async createTransferTimer(
    name: string,
    schedule: TimerScheduleInput,
    data: TransferData,
    options?: OperationOptions,
  ): Promise<CreateTimerResponse> {
    return this.createTimer(new TransferTimer({ name, schedule, body: data }), options);
  }

  /** Creates a timer that runs a flow with `input` on a schedule: a {@link FlowTimer}. */
  async createFlowTimer(
    name: string,
    schedule: TimerScheduleInput,
    flowId: string,
    input: Record<string, unknown>,
    options: OperationOptions & FlowTimerRunOptions = {},
  ): Promise<CreateTimerResponse> {
    const { label, tags, runManagers, runMonitors, ...call } = options;
    return this.createTimer(
      flowTimerOf({ name, schedule, flowId, input, label, tags, runManagers, runMonitors }),
      call,
    );
  }
}
