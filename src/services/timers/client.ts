import { type Scope, TimersScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { TimersAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";
import type { TransferData } from "../transfer/data.ts";

/** When a timer runs: once, or every `interval_seconds` from `start` (until `end`). */
export type TimerSchedule =
  | { type: "once"; datetime?: string }
  | { type: "recurring"; interval_seconds: number; start?: string; end?: Record<string, unknown> };

/** A timer (job), with the fields scripts use; every other field is kept. */
export interface Timer {
  job_id: string;
  name: string;
  status: string;
  [field: string]: unknown;
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

  /** Creates a timer that submits a transfer on a schedule. */
  createTransferTimer(
    name: string,
    schedule: TimerSchedule,
    data: TransferData,
    options: CallOptions = {},
  ) {
    const body = { ...data.toJSON() };
    delete body["submission_id"]; // each run gets its own
    return this.#create({ timer_type: "transfer", name, schedule, body }, options);
  }

  /** Creates a timer that runs a flow on a schedule. */
  createFlowTimer(
    name: string,
    schedule: TimerSchedule,
    flowId: string,
    input: Record<string, unknown>,
    options: CallOptions = {},
  ) {
    return this.#create(
      { timer_type: "flow", name, schedule, flow_id: flowId, body: { body: input } },
      options,
    );
  }

  async #create(
    timer: Record<string, unknown>,
    options: CallOptions,
  ): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      method: "POST",
      path: "/v2/timer",
      body: { timer },
      ...options,
    });
    return response.data;
  }

  /** Your timers. */
  async listTimers(options: CallOptions = {}): Promise<Timer[]> {
    const response = await this.request<{ jobs: Timer[] }>({ path: "/jobs/", ...options });
    return response.data.jobs;
  }

  /** One timer. */
  async getTimer(timerId: string, options: CallOptions = {}): Promise<Timer> {
    const response = await this.request<Timer>({ path: apiPath`/jobs/${timerId}`, ...options });
    return response.data;
  }

  /** Pauses a timer. */
  pauseTimer(timerId: string, options: CallOptions = {}) {
    return this.#post(apiPath`/jobs/${timerId}/pause`, options);
  }

  /** Resumes a paused timer. */
  resumeTimer(timerId: string, options: CallOptions = {}) {
    return this.#post(apiPath`/jobs/${timerId}/resume`, options);
  }

  /** Deletes a timer. */
  async deleteTimer(timerId: string, options: CallOptions = {}): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      method: "DELETE",
      path: apiPath`/jobs/${timerId}`,
      ...options,
    });
    return response.data;
  }

  async #post(path: string, options: CallOptions): Promise<Record<string, unknown>> {
    const response = await this.request<Record<string, unknown>>({
      method: "POST",
      path,
      ...options,
    });
    return response.data;
  }
}
