/**
 * Runs of flows, moved forward by the emulator clock. A run walks its definition one state
 * at a time (`FLOW_RUN_SECONDS` spread over the definition's states); each state logs
 * `<Type>Started` and `<Type>Completed` entries as Flows does. A run stops early where real
 * runs do: INACTIVE on a Transfer action that lacks a consent (until `resume` with a token
 * that carries it), or ACTIVE on a web input until someone answers it. Runs are advanced
 * lazily, whenever they are read.
 */
import type { AccessTokenInfo } from "../../types.ts";
import { isoTime, isRecord } from "../common.ts";
import { choose, resolveParameters, WEB_INPUT_ACTION_URL, writePath } from "./definitions.ts";

/** Emulator seconds a run takes, spread evenly over its definition's states. */
export const FLOW_RUN_SECONDS = 3;

export type RunStatus = "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED";

interface LogEntry {
  time: number;
  code: string;
  description: string;
  details: Record<string, unknown>;
}

/** Why a run is waiting: a consent it lacks, or a web input nobody has answered yet. */
export type RunBlocker =
  | { kind: "consent"; details: Record<string, unknown> }
  | { kind: "web_input"; webInputId: string };

export interface RunRecord {
  run_id: string;
  flow_id: string;
  flow_title: string;
  flow_last_updated: number;
  /** The definition and input schema as they were when the run started. */
  definition: Record<string, unknown>;
  input_schema: Record<string, unknown>;
  input: Record<string, unknown>;
  label: string;
  tags: string[];
  run_owner: string;
  run_managers: string[];
  run_monitors: string[];
  activity_notification_policy: Record<string, unknown>;
  start_time: number;
  /** The Search ingest task that indexed the run's latest change (Flows' run listing). */
  searchTaskId: string;
  /** The credentials the run acts with: the start's token, replaced by a resume's. */
  token: AccessTokenInfo;
  status: RunStatus;
  canceled: boolean;
  /** The state being run; undefined once the run has left its last state. */
  current: string | undefined;
  /** When the current state started (or, until `entered`, when it starts). */
  since: number;
  entered: boolean;
  blocker: RunBlocker | undefined;
  /** The run's payload: its input, with each state's result at its `ResultPath`. */
  data: Record<string, unknown>;
  log: LogEntry[];
  completion_time: number | undefined;
}

/** What the engine asks of the rest of the Flows emulator when a state needs it. */
export interface RunHooks {
  /** The ConsentRequired details when an Action state lacks a consent, else undefined. */
  consentRequired(
    run: RunRecord,
    stateName: string,
    state: Record<string, unknown>,
  ): Record<string, unknown> | undefined;
  /** Opens a web input for a state of a run; returns its id. */
  openWebInput(run: RunRecord, stateName: string, parameters: Record<string, unknown>): string;
  /** Closes a run's open web input (the run ended without an answer). */
  closeWebInput(webInputId: string): void;
}

function statesOf(run: RunRecord): Record<string, unknown> {
  return isRecord(run.definition.States) ? run.definition.States : {};
}

function stateAt(run: RunRecord, name: string): Record<string, unknown> {
  const state = statesOf(run)[name];
  return isRecord(state) ? state : { Type: "Pass", End: true };
}

/** Moves runs forward to the emulator's present and renders them as Flows does. */
export class RunEngine {
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #hooks: RunHooks;

  constructor(now: () => number, newId: () => string, hooks: RunHooks) {
    this.#now = now;
    this.#newId = newId;
    this.#hooks = hooks;
  }

  /** A new run, ACTIVE, about to enter its first state. */
  start(fields: Omit<RunRecord, keyof RunProgress | "searchTaskId" | "start_time">): RunRecord {
    const now = this.#now();
    const run: RunRecord = {
      ...fields,
      start_time: now,
      searchTaskId: this.#newId(),
      status: "ACTIVE",
      canceled: false,
      current:
        typeof fields.definition.StartAt === "string" ? fields.definition.StartAt : undefined,
      since: now,
      entered: false,
      blocker: undefined,
      data: structuredClone(fields.input),
      log: [
        {
          time: now,
          code: "FlowStarted",
          description: "The Flow Instance started execution",
          details: { input: fields.input },
        },
      ],
      completion_time: undefined,
    };
    return run;
  }

  /** Seconds each state takes. */
  #stepSeconds(run: RunRecord): number {
    return FLOW_RUN_SECONDS / Math.max(1, Object.keys(statesOf(run)).length);
  }

  /** Runs every state whose time has come, stopping at a blocker or the end. */
  advance(run: RunRecord): RunRecord {
    const now = this.#now();
    while (run.status === "ACTIVE" && run.blocker === undefined) {
      const name = run.current;
      if (name === undefined) {
        this.#finish(run, "SUCCEEDED", run.since);
        break;
      }
      const state = stateAt(run, name);
      if (!run.entered) {
        if (run.since > now) break;
        this.#enter(run, name, state);
        continue;
      }
      const doneAt = run.since + this.#stepSeconds(run);
      if (doneAt > now) break;
      this.#complete(run, name, state, doneAt, this.#resultOf(state, run));
    }
    return run;
  }

  #enter(run: RunRecord, name: string, state: Record<string, unknown>): void {
    const type = String(state.Type);
    run.entered = true;
    this.#log(run, run.since, `${type}Started`, `State ${name} of type ${type} started`, {
      state_name: name,
      state_type: type,
      input: run.data,
    });
    if (type !== "Action") return;
    if (state.ActionUrl === WEB_INPUT_ACTION_URL) {
      const parameters = resolveParameters(state.Parameters ?? {}, run.data);
      const webInputId = this.#hooks.openWebInput(
        run,
        name,
        isRecord(parameters) ? parameters : {},
      );
      run.blocker = { kind: "web_input", webInputId };
      return;
    }
    const consent = this.#hooks.consentRequired(run, name, state);
    if (consent) {
      run.status = "INACTIVE";
      run.blocker = { kind: "consent", details: consent };
    }
  }

  #resultOf(state: Record<string, unknown>, run: RunRecord): unknown {
    const parameters = resolveParameters(state.Parameters ?? {}, run.data);
    if (state.Type !== "Action") return parameters;
    return { action_id: this.#newId(), status: "SUCCEEDED", details: parameters };
  }

  #complete(
    run: RunRecord,
    name: string,
    state: Record<string, unknown>,
    at: number,
    output: unknown,
  ): void {
    const type = String(state.Type);
    if (type === "Fail") {
      this.#finish(run, "FAILED", at, {
        code: "FlowFailed",
        description: `State ${name} of type Fail ended the run`,
        details: { error: state.Error ?? null, cause: state.Cause ?? null },
      });
      return;
    }
    if (state.ResultPath !== undefined) run.data = writePath(run.data, state.ResultPath, output);
    this.#log(run, at, `${type}Completed`, `State ${name} of type ${type} completed`, {
      state_name: name,
      state_type: type,
      output: state.ResultPath !== undefined ? output : run.data,
    });
    run.since = at;
    run.entered = false;
    if (type === "Succeed") {
      run.current = undefined;
      this.#finish(run, "SUCCEEDED", at);
      return;
    }
    run.current =
      type === "Choice"
        ? choose(state, run.data)
        : state.End === true
          ? undefined
          : typeof state.Next === "string"
            ? state.Next
            : undefined;
  }

  #finish(
    run: RunRecord,
    status: "SUCCEEDED" | "FAILED",
    at: number,
    entry?: Omit<LogEntry, "time">,
  ): void {
    run.status = status;
    run.current = undefined;
    run.completion_time = at;
    if (entry) this.#log(run, at, entry.code, entry.description, entry.details);
    else
      this.#log(run, at, "FlowSucceeded", "The Flow Instance completed successfully", {
        output: run.data,
      });
  }

  #log(
    run: RunRecord,
    time: number,
    code: string,
    description: string,
    details: Record<string, unknown>,
  ) {
    run.log.push({ time, code, description, details: structuredClone(details) });
  }

  /** A web input of the run was answered: its state completes with the answer now. */
  answer(run: RunRecord, webInputId: string, output: Record<string, unknown>): void {
    this.advance(run);
    if (run.blocker?.kind !== "web_input" || run.blocker.webInputId !== webInputId) return;
    run.blocker = undefined;
    const name = run.current as string;
    this.#complete(run, name, stateAt(run, name), this.#now(), output);
    this.advance(run);
  }

  /**
   * Resumes an INACTIVE run with a new token: if it now carries the consent, the state
   * runs on from now; otherwise the run stays INACTIVE with the same reason.
   */
  resume(run: RunRecord, token: AccessTokenInfo): void {
    this.advance(run);
    run.token = token;
    if (run.status !== "INACTIVE" || run.current === undefined) return;
    const consent = this.#hooks.consentRequired(run, run.current, stateAt(run, run.current));
    if (consent) {
      run.blocker = { kind: "consent", details: consent };
      return;
    }
    run.status = "ACTIVE";
    run.blocker = undefined;
    run.since = this.#now();
    this.advance(run);
  }

  /** Cancels a run that has not ended; an ended run is left as it is. */
  cancel(run: RunRecord): void {
    this.advance(run);
    if (run.status === "SUCCEEDED" || run.status === "FAILED") return;
    if (run.blocker?.kind === "web_input") this.#hooks.closeWebInput(run.blocker.webInputId);
    run.blocker = undefined;
    run.canceled = true;
    this.#finish(run, "FAILED", this.#now(), {
      code: "FlowCanceled",
      description: "The Flow Instance was canceled by the user",
      details: {},
    });
  }

  /** Whether the run has ended (only ended runs may be released). */
  ended(run: RunRecord): boolean {
    return run.status === "SUCCEEDED" || run.status === "FAILED";
  }

  /** The run's log entries, with their times rendered. */
  logOf(run: RunRecord): Record<string, unknown>[] {
    return run.log.map((entry) => ({ ...entry, time: isoTime(entry.time) }));
  }

  /** The run's `details`, in the form Flows gives each status (as Globus recorded them). */
  #details(run: RunRecord): Record<string, unknown> {
    if (run.blocker?.kind === "consent") return run.blocker.details;
    const last = run.log.at(-1) as LogEntry;
    if (run.status === "SUCCEEDED") {
      return {
        code: "FlowSucceeded",
        description: "The Flow run reached a successful completion state",
        output: run.data,
      };
    }
    if (run.status === "FAILED") return { ...last, time: isoTime(last.time) };
    if (run.log.length === 1) {
      return {
        code: "FlowStarting",
        description: "The Flow is starting execution",
        details: { input: run.input },
      };
    }
    return { code: last.code, description: last.description, details: last.details };
  }

  /** A run document as it stands (callers advance the run first), seen with `role`. */
  doc(run: RunRecord, role: string): Record<string, unknown> {
    return {
      run_id: run.run_id,
      action_id: run.run_id,
      flow_id: run.flow_id,
      flow_title: run.flow_title,
      flow_last_updated: isoTime(run.flow_last_updated),
      start_time: isoTime(run.start_time),
      ...(run.completion_time !== undefined
        ? { completion_time: isoTime(run.completion_time) }
        : {}),
      status: run.status,
      display_status: run.status,
      details: this.#details(run),
      run_owner: run.run_owner,
      created_by: run.run_owner,
      run_managers: run.run_managers,
      run_monitors: run.run_monitors,
      manage_by: run.run_managers,
      monitor_by: run.run_monitors,
      user_role: role,
      label: run.label,
      tags: run.tags,
      search: { task_id: run.searchTaskId },
    };
  }
}

/** The fields the engine owns (set by `start`, changed as the run moves). */
type RunProgress = Pick<
  RunRecord,
  | "status"
  | "canceled"
  | "current"
  | "since"
  | "entered"
  | "blocker"
  | "data"
  | "log"
  | "completion_time"
>;
