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
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";
import { uuidList } from "../ids.ts";
import type { TransferData } from "../transfer/data.ts";

/** When a recurring timer stops: after a number of runs, or at a time. */
export type TimerScheduleEnd =
  | { condition: "iterations"; count: number }
  | { condition: "time"; datetime: string };

/**
 * When a timer runs: once (now, or at `datetime`), or every `interval_seconds` (at least
 * 60) from `start` until `end`. Times are ISO 8601 strings.
 */
export type TimerSchedule =
  | { type: "once"; datetime?: string }
  | { type: "recurring"; interval_seconds: number; start?: string; end?: TimerScheduleEnd };

/** A partial timer document for {@link TimersClient.updateTimer}. */
export interface TimerUpdate {
  name?: string;
  [field: string]: unknown;
}

/** A timer (job), with the fields scripts use; every other field is kept. */
export interface Timer {
  job_id: string;
  name: string;
  timer_type?: "transfer" | "flow";
  /** `new`, `loaded`, `user_paused`, `done`, ... */
  status: string;
  schedule?: TimerSchedule;
  submitted_at?: string;
  next_run?: string | null;
  last_ran_at?: string | null;
  /** Why the timer is `inactive`: paused by its owner, or a GARE its run met. */
  inactive_reason?: { cause: string; detail: Record<string, unknown> | null } | null;
  [field: string]: unknown;
}

/** The answer to a timer creation. */
export interface CreateTimerResponse {
  timer: Timer;
  [field: string]: unknown;
}

/** What a flow timer's runs receive: the flow input, plus run options. */
export interface FlowTimerRunOptions {
  label?: string;
  tags?: string[];
  runManagers?: string[];
  runMonitors?: string[];
}

/** A timer to create: a transfer on a schedule, or a flow run on a schedule. */
export type TimerSpec =
  | { timerType: "transfer"; name?: string; schedule: TimerSchedule; data: TransferData }
  | ({
      timerType: "flow";
      name?: string;
      schedule: TimerSchedule;
      flowId: string;
      /** The flow's input. */
      input: Record<string, unknown>;
    } & FlowTimerRunOptions);

/** The `timer` document of `POST /v2/timer` for a spec. */
function timerDocument(spec: TimerSpec): Record<string, unknown> {
  const common = { name: spec.name, schedule: spec.schedule };
  if (spec.timerType === "transfer") {
    const body = { ...spec.data.toJSON() };
    // every run is its own task, so a submission id would make the second run a duplicate
    delete body["submission_id"];
    return { timer_type: "transfer", ...common, body };
  }
  if (spec.timerType === "flow") {
    if (!spec.flowId) throw new GlobusSDKUsageError("A flow timer needs the flowId to run.");
    const body: Record<string, unknown> = {
      body: spec.input,
      label: spec.label,
      tags: spec.tags,
      run_managers: spec.runManagers,
      run_monitors: spec.runMonitors,
    };
    return { timer_type: "flow", ...common, flow_id: spec.flowId, body };
  }
  throw new GlobusSDKUsageError(
    `Unknown timerType ${JSON.stringify((spec as { timerType?: unknown }).timerType)}: use "transfer" or "flow".`,
  );
}

/** A client for Globus Timers. Bound to an app it requires `TimersScopes.timer`. */
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
   * `data_access` scope. Without it, creating a timer on such a collection fails with
   * ConsentRequired. Needs a client bound to an app.
   */
  addAppTransferDataAccessScope(collectionIds: string | Iterable<string>): this {
    const transfer = TransferScopes.all.withDependencies(
      uuidList("collectionIds", collectionIds).map((id) =>
        GCSCollectionScopes(id).data_access.withOptional(true),
      ),
    );
    return this.addAppScope(TimersScopes.timer.withDependency(transfer));
  }

  /** Requires, for flow timers, each flow's `user` scope under the `timer` scope. */
  addAppFlowUserScope(flowIds: string | Iterable<string>): this {
    return this.addAppScope(
      TimersScopes.timer.withDependencies(
        uuidList("flowIds", flowIds).map((id) => SpecificFlowScopes(id).user),
      ),
    );
  }

  /** Creates a transfer timer or a flow timer (`POST /v2/timer`). */
  async createTimer(spec: TimerSpec, options: CallOptions = {}): Promise<CreateTimerResponse> {
    const response = await this.request<CreateTimerResponse>({
      method: "POST",
      path: "/v2/timer",
      body: { timer: timerDocument(spec) },
      ...options,
    });
    return response.data;
  }

  /** Creates a timer that submits a transfer on a schedule. */
  createTransferTimer(
    name: string,
    schedule: TimerSchedule,
    data: TransferData,
    options: CallOptions = {},
  ): Promise<CreateTimerResponse> {
    return this.createTimer({ timerType: "transfer", name, schedule, data }, options);
  }

  /** Creates a timer that runs a flow with `input` on a schedule. */
  createFlowTimer(
    name: string,
    schedule: TimerSchedule,
    flowId: string,
    input: Record<string, unknown>,
    options: CallOptions & FlowTimerRunOptions = {},
  ): Promise<CreateTimerResponse> {
    const { signal, timeout, ...run } = options;
    return this.createTimer(
      { timerType: "flow", name, schedule, flowId, input, ...run },
      { signal, timeout },
    );
  }

  /** Your timers (Timers answers them in one page). */
  async listTimers(options: CallOptions = {}): Promise<Timer[]> {
    const response = await this.request<{ jobs: Timer[] }>({ path: "/jobs/", ...options });
    return response.data.jobs;
  }

  /** One timer. */
  async getTimer(timerId: string, options: CallOptions = {}): Promise<Timer> {
    const response = await this.request<Timer>({ path: apiPath`/jobs/${timerId}`, ...options });
    return response.data;
  }

  /** Changes fields of a timer (`PATCH /jobs/{id}`), e.g. `{ name }`; answers the timer. */
  async updateTimer(
    timerId: string,
    changes: TimerUpdate,
    options: CallOptions = {},
  ): Promise<Timer> {
    const response = await this.request<Timer>({
      method: "PATCH",
      path: apiPath`/jobs/${timerId}`,
      body: changes,
      ...options,
    });
    return response.data;
  }

  /** Pauses a timer: it skips its runs until resumed. */
  pauseTimer(timerId: string, options: CallOptions = {}): Promise<{ message?: string }> {
    return this.#post(apiPath`/jobs/${timerId}/pause`, options);
  }

  /** Resumes a paused timer. */
  resumeTimer(timerId: string, options: CallOptions = {}): Promise<{ message?: string }> {
    return this.#post(apiPath`/jobs/${timerId}/resume`, options);
  }

  /** Deletes a timer; answers the timer as it was, with status `deleted`. */
  async deleteTimer(timerId: string, options: CallOptions = {}): Promise<Timer> {
    const response = await this.request<Timer>({
      method: "DELETE",
      path: apiPath`/jobs/${timerId}`,
      ...options,
    });
    return response.data;
  }

  async #post(path: string, options: CallOptions): Promise<{ message?: string }> {
    const response = await this.request<{ message?: string }>({
      method: "POST",
      path,
      ...options,
    });
    return response.data;
  }
}
