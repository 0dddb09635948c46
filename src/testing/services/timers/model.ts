/**
 * A timer and its life: the emulator clock drives its runs. Whenever a timer is looked at,
 * every run that has come due since is carried out in order, each at its scheduled time,
 * so advancing the clock by three intervals runs a recurring timer three times.
 *
 * Statuses are those Globus writes: `new` (no run yet), `loaded` (has run), `inactive`
 * (paused by its owner, or stopped by a run that lacked consent: see `inactive_reason`),
 * and `ended` (its schedule is over). While inactive a timer skips its runs; on resume, if
 * a run was missed, it runs once at once and then follows its schedule again.
 */
import type { AccessTokenInfo } from "../../types.ts";
import { nextRunAfter, type Plan } from "./schedule.ts";

export type TimerKind = "transfer" | "flow" | "generic";
export type TimerStatus = "new" | "loaded" | "inactive" | "ended";

/** Why a timer is inactive: its owner paused it, or a run met an authorization requirement. */
export interface InactiveReason {
  cause: "user" | "globus_auth_requirements";
  detail: Record<string, unknown> | null;
}

/** One run: the HTTP status and answer of the service it called, or its errors. */
export interface RunResult {
  ranAt: number;
  status: number;
  data: Record<string, unknown> | null;
  errors: Record<string, unknown> | null;
}

/** What carrying out one run came to. */
export type RunOutcome =
  | { kind: "ran"; result: RunResult }
  | { kind: "failed"; result: RunResult }
  | { kind: "blocked"; reason: InactiveReason };

/** Carries out a timer's run at `at` with the timer's credentials. */
export type RunExecutor = (timer: TimerRecord, at: number) => RunOutcome;

/** What a timer does when it runs: the document it was created with, by kind. */
export type TimerAction =
  | { kind: "transfer"; body: Record<string, unknown> }
  | { kind: "flow"; flowId: string; body: Record<string, unknown> }
  | {
      kind: "generic";
      callbackUrl: string;
      callbackBody: Record<string, unknown>;
      scope: string | null;
    };

export class TimerRecord {
  readonly id: string;
  readonly owner: string;
  readonly submittedAt: number;
  readonly plan: Plan;
  /** The v2 schedule, as Timers echoes it. */
  readonly schedule: Record<string, unknown>;
  readonly action: TimerAction;
  name: string;
  /** The token the timer acts with; replaced on a resume that updates credentials. */
  credentials: AccessTokenInfo;
  status: TimerStatus;
  inactiveReason: InactiveReason | null = null;
  /** When the next run is due (a missed one, while inactive); null once ended. */
  nextRun: number | null;
  runs = 0;
  errors = 0;
  lastRanAt: number | null = null;
  readonly results: RunResult[] = [];

  constructor(init: {
    id: string;
    owner: string;
    name: string;
    submittedAt: number;
    plan: Plan;
    schedule: Record<string, unknown>;
    action: TimerAction;
    credentials: AccessTokenInfo;
  }) {
    this.id = init.id;
    this.owner = init.owner;
    this.name = init.name;
    this.submittedAt = init.submittedAt;
    this.plan = init.plan;
    this.schedule = init.schedule;
    this.action = init.action;
    this.credentials = init.credentials;
    this.status = "new";
    this.nextRun = init.plan.start;
  }

  get kind(): TimerKind {
    return this.action.kind;
  }

  /** Whether the timer counts as `active`, `inactive` or `ended` (list filters use these). */
  get phase(): "active" | "inactive" | "ended" {
    return this.status === "inactive" ? "inactive" : this.status === "ended" ? "ended" : "active";
  }

  /** Carries out every run due by `now`, in order. */
  catchUp(now: number, execute: RunExecutor): void {
    while (this.phase === "active" && this.nextRun !== null && this.nextRun <= now) {
      this.#run(this.nextRun, execute);
    }
  }

  /**
   * Stops the timer's runs until it is resumed. An ended timer stays ended, and one already
   * inactive keeps its reason (a GARE says what the owner must do).
   */
  pause(): void {
    if (this.status === "ended" || this.status === "inactive") return;
    this.status = "inactive";
    this.inactiveReason = { cause: "user", detail: null };
  }

  /**
   * Makes an inactive timer active again. `credentials` replace the timer's when given
   * (the caller decides, from `update_credentials` and the inactive reason). A run missed
   * while inactive happens now, once.
   */
  resume(now: number, execute: RunExecutor, credentials?: AccessTokenInfo): void {
    if (this.status !== "inactive") return;
    if (credentials) this.credentials = credentials;
    this.status = this.runs > 0 ? "loaded" : "new";
    this.inactiveReason = null;
    if (this.nextRun !== null && this.nextRun <= now) this.#run(now, execute);
  }

  #run(at: number, execute: RunExecutor): void {
    const outcome = execute(this, at);
    if (outcome.kind === "blocked") {
      // the run did not start: it stays due, and runs on resume
      this.status = "inactive";
      this.inactiveReason = outcome.reason;
      return;
    }
    this.runs += 1;
    if (outcome.kind === "failed") this.errors += 1;
    this.results.push(outcome.result);
    this.lastRanAt = at;
    this.nextRun = nextRunAfter(this.plan, at, this.runs);
    this.status = this.nextRun === null ? "ended" : "loaded";
  }
}
