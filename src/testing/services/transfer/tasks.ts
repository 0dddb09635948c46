/**
 * Transfer and delete tasks: submission, a run that progresses with the emulator clock
 * (and stands still while a pause rule or an administrator pauses it), and, when it
 * completes, the change to the collections' trees with a record of every file copied or
 * skipped and the task's events. The owner's routes live here; the endpoint manager's
 * views of the same tasks are in `endpoint-manager.ts`.
 */
import type { EmulatorReply, EmulatorRequest, ServiceRouter } from "../../types.ts";
import {
  intParam,
  isoTime,
  isRecord,
  objectBody,
  orderByComparator,
  shortRequestId,
} from "../common.ts";
import {
  type DirNode,
  ensureDir,
  globMatcher,
  hasGlob,
  lookup,
  snapshotNode,
  sortedChildren,
  splitPath,
  type TreeNode,
} from "../file-tree.ts";
import { failFor, resultDoc } from "./errors.ts";
import {
  API,
  type Caller,
  type EndpointState,
  type PauseRule,
  type TransferState,
} from "./state.ts";

/** Emulator seconds a transfer or delete task must run (unpaused) before it completes. */
export const TRANSFER_TASK_SECONDS = 4;
/** Per-file results (successful transfers, skipped errors) per page. */
export const FILE_RESULTS_PAGE_SIZE = 100;

type TaskStatus = "ACTIVE" | "SUCCEEDED" | "FAILED";

interface TransferItem {
  source_path: string;
  destination_path: string;
  recursive: boolean;
}

interface FilterRule {
  method: "include" | "exclude";
  name: RegExp;
  type: "file" | "dir" | undefined;
}

/** One entry of a task's event list. */
export interface TaskEvent {
  code: string;
  isError: boolean;
  description: string;
  details: string;
  time: number;
}

/** A file a task copied (`successful_transfer`, as recorded). */
export interface FileSuccess {
  source_path: string;
  destination_path: string;
}

/** A path a task with `skip_source_errors` went past (`skipped_error`). */
export interface SkippedError {
  error_code: "FILE_NOT_FOUND" | "PERMISSION_DENIED";
  error_details: string;
  error_time: number;
  source_path: string;
  destination_path: string;
  is_directory: boolean;
}

/** Who stopped a task: an administrator's pause, with their message and side. */
interface AdminPause {
  message: string;
  sourceSide: boolean;
  destinationSide: boolean;
}

export interface TaskRecord {
  id: string;
  type: "TRANSFER" | "DELETE";
  owner: Caller;
  submissionId: string;
  label: string | null;
  requestTime: number;
  /** Unpaused seconds of work done so far, and the time they are counted up to. */
  work: number;
  syncedAt: number;
  completionTime: number | null;
  deadline: string;
  deadlineAt: number;
  sourceEndpointId: string;
  destinationEndpointId: string | null;
  transferItems: TransferItem[];
  deletePaths: string[];
  homeOfOwner: string[];
  files: number;
  directories: number;
  bytes: number;
  status: TaskStatus;
  settled: boolean;
  fatalError: { code: string; description: string } | null;
  /** Progress frozen when a task ends early (canceled, expired). */
  endFraction: number | null;
  options: Record<string, unknown>;
  /** Actual counts, known once the task ran. */
  filesTransferred: number;
  bytesTransferred: number;
  filesSkipped: number;
  events: TaskEvent[];
  successes: FileSuccess[];
  skipped: SkippedError[];
  adminPause: AdminPause | null;
  /** An administrator resumed it: pause rules no longer hold it. */
  resumedByAdmin: boolean;
  wasPaused: boolean;
  canceledByAdmin: "SOURCE" | "DESTINATION" | "BOTH" | null;
  canceledByAdminMessage: string | null;
}

/** Runs every task against the clock and the pause rules. */
export class TaskEngine {
  readonly state: TransferState;
  readonly tasks = new Map<string, TaskRecord>();
  readonly #bySubmission = new Map<string, TaskRecord>();

  constructor(state: TransferState) {
    this.state = state;
  }

  get #now(): number {
    return this.state.context.now();
  }

  // --- pausing -------------------------------------------------------------------------

  /** The pause rules that hold a task at a time (none once an administrator resumed it). */
  rulesPausing(task: TaskRecord, at = this.#now): PauseRule[] {
    if (task.resumedByAdmin || task.settled) return [];
    const owner = task.owner.id;
    const rulesOn = (endpointId: string | null, flag: Parameters<TransferState["pausing"]>[1]) => {
      if (!endpointId) return [];
      const endpoint = this.state.endpoint(endpointId);
      const hostId = endpoint?.seed.host_endpoint_id;
      return [
        ...this.state.pausing(endpointId, flag, owner, at),
        ...(hostId ? this.state.pausing(hostId, flag, owner, at) : []),
      ];
    };
    if (task.type === "DELETE") return rulesOn(task.sourceEndpointId, "pause_task_delete");
    return [
      ...rulesOn(task.sourceEndpointId, "pause_task_transfer_read"),
      ...(task.options.delete_destination_extra === true
        ? rulesOn(task.destinationEndpointId, "pause_task_transfer_delete")
        : []),
    ];
  }

  isPaused(task: TaskRecord, at = this.#now): boolean {
    if (task.settled) return false;
    return task.adminPause !== null || this.rulesPausing(task, at).length > 0;
  }

  // --- the clock -------------------------------------------------------------------------

  /**
   * Brings every task up to now: work accrues while a task is not paused (pause states
   * change only at requests and at pause rules' start times), tasks past their deadline
   * expire, and finished tasks complete in completion order, changing the trees.
   */
  sync(): void {
    const now = this.#now;
    const due: { task: TaskRecord; at: number }[] = [];
    for (const task of this.tasks.values()) {
      if (task.settled) continue;
      const at = this.#advance(task, now);
      if (at !== undefined) due.push({ task, at });
    }
    due.sort((a, b) => a.at - b.at);
    for (const { task, at } of due) this.#complete(task, at);
  }

  /** Accrues a task's work up to `until`; the time it completes or expires, if it does. */
  #advance(task: TaskRecord, until: number): number | undefined {
    const breaks = new Set([until]);
    for (const rule of this.state.pauseRules.values()) {
      if (rule.startTime !== null && rule.startTime > task.syncedAt && rule.startTime < until) {
        breaks.add(rule.startTime);
      }
    }
    if (task.deadlineAt > task.syncedAt && task.deadlineAt < until) breaks.add(task.deadlineAt);
    let t = task.syncedAt;
    for (const next of [...breaks].sort((a, b) => a - b)) {
      this.#notePause(task, t);
      if (!this.isPaused(task, t)) {
        const needed = TRANSFER_TASK_SECONDS - task.work;
        if (next - t >= needed && t + needed <= task.deadlineAt) {
          task.work = TRANSFER_TASK_SECONDS;
          task.syncedAt = t + needed;
          return t + needed;
        }
        task.work += next - t;
      }
      t = next;
      if (t >= task.deadlineAt) {
        task.syncedAt = t;
        return t;
      }
    }
    task.syncedAt = until;
    this.#notePause(task, until);
    return undefined;
  }

  /** Records a PAUSED or RESUMED event when a task's pause state changed. */
  #notePause(task: TaskRecord, at: number): void {
    const paused = this.isPaused(task, at);
    if (paused === task.wasPaused) return;
    task.wasPaused = paused;
    const reason = task.adminPause?.message ?? this.rulesPausing(task, at)[0]?.message ?? "";
    this.#event(task, at, {
      code: paused ? "PAUSED" : "RESUMED",
      isError: false,
      description: paused ? "paused" : "resumed",
      details: paused ? reason : "The task is running again",
    });
  }

  #event(task: TaskRecord, time: number, event: Omit<TaskEvent, "time">): void {
    task.events.push({ ...event, time });
  }

  #complete(task: TaskRecord, at: number): void {
    task.settled = true;
    task.completionTime = at;
    if (at >= task.deadlineAt && task.work < TRANSFER_TASK_SECONDS) {
      task.status = "FAILED";
      task.endFraction = task.work / TRANSFER_TASK_SECONDS;
      task.fatalError = { code: "EXPIRED", description: "The task reached its deadline" };
      this.#event(task, at, {
        code: "EXPIRED",
        isError: true,
        description: "deadline expired",
        details: `The task did not finish by its deadline, ${task.deadline}`,
      });
      return;
    }
    const error =
      task.type === "TRANSFER" ? this.#runTransfer(task, at) : this.#runDelete(task, at);
    task.status = error ? "FAILED" : "SUCCEEDED";
    task.fatalError = error;
    this.#event(
      task,
      at,
      error
        ? { code: error.code, isError: true, description: "error", details: error.description }
        : {
            code: "SUCCEEDED",
            isError: false,
            description: "succeeded",
            details: "The task completed",
          },
    );
  }

  /** Ends an active task at once, its trees untouched (cancel, admin cancel). */
  cancel(task: TaskRecord, byAdmin?: { side: "SOURCE" | "DESTINATION" | "BOTH"; message: string }) {
    const now = this.#now;
    task.endFraction = Math.min(1, task.work / TRANSFER_TASK_SECONDS);
    task.settled = true;
    task.status = "FAILED";
    task.completionTime = now;
    task.fatalError = { code: "CANCELED", description: "canceled" };
    if (byAdmin) {
      task.canceledByAdmin = byAdmin.side;
      task.canceledByAdminMessage = byAdmin.message;
    }
    this.#event(task, now, {
      code: "CANCELED",
      isError: false,
      description: "canceled",
      details: byAdmin
        ? `Canceled by an administrator: ${byAdmin.message}`
        : "Canceled by its owner",
    });
  }

  // --- running ---------------------------------------------------------------------------

  #runTransfer(task: TaskRecord, at: number): TaskRecord["fatalError"] {
    const prepared = this.#copyRun(task, at, false);
    if (!prepared) {
      return { code: "ENDPOINT_ERROR", description: "An endpoint of this task no longer exists" };
    }
    for (const item of task.transferItems) {
      const error = this.#copyItem(prepared.run, item, prepared.sourceRoot);
      if (error) return error;
    }
    return null;
  }

  /** Files, directories and bytes a transfer would copy, counted at submission. */
  measure(task: TaskRecord): void {
    const prepared = this.#copyRun(task, this.#now, true);
    if (!prepared) return;
    const { run, sourceRoot } = prepared;
    for (const item of task.transferItems) this.#copyItem(run, item, sourceRoot);
    task.files = run.counts.files + run.counts.skipped;
    task.directories = run.counts.directories;
    task.bytes = run.counts.bytes;
  }

  /** A copy of the task's items (or a dry run), when both its endpoints still exist. */
  #copyRun(
    task: TaskRecord,
    at: number,
    dryRun: boolean,
  ): { run: CopyRun; sourceRoot: DirNode } | undefined {
    const state = this.state;
    const source = state.endpoint(task.sourceEndpointId);
    const destination = task.destinationEndpointId
      ? state.endpoint(task.destinationEndpointId)
      : undefined;
    const sourceRoot = source && state.rootOf(source);
    const destinationRoot = destination && state.rootOf(destination);
    if (!source || !destination || !sourceRoot || !destinationRoot) return undefined;
    const run: CopyRun = {
      task,
      at,
      filters: filterRulesOf(task.options),
      source,
      destination,
      destinationRoot,
      dryRun,
      counts: { files: 0, directories: 0, bytes: 0, skipped: 0 },
    };
    return { run, sourceRoot };
  }

  #copyItem(run: CopyRun, item: TransferItem, sourceRoot: DirNode): TaskRecord["fatalError"] {
    const { task, state } = { task: run.task, state: this.state };
    const sourceSegments = splitPath(item.source_path, task.homeOfOwner);
    const destinationSegments = splitPath(item.destination_path, task.homeOfOwner);
    const node = sourceSegments ? lookup(sourceRoot, sourceSegments) : undefined;
    const skipOrFail = (
      code: SkippedError["error_code"],
      details: string,
      isDirectory: boolean,
    ) => {
      if (task.options.skip_source_errors === true) {
        if (!run.dryRun) {
          task.skipped.push({
            error_code: code,
            error_details: details,
            error_time: run.at,
            source_path: item.source_path,
            destination_path: item.destination_path,
            is_directory: isDirectory,
          });
          this.#event(task, run.at, { code, isError: true, description: "skipped", details });
        }
        return null;
      }
      return { code, description: details };
    };
    if (!sourceSegments || !node) {
      return skipOrFail("FILE_NOT_FOUND", `No such file or directory: ${item.source_path}`, false);
    }
    if (!state.filePermission(task.owner, run.source, sourceSegments)) {
      return skipOrFail(
        "PERMISSION_DENIED",
        `Permission denied reading ${item.source_path}`,
        node.type === "dir",
      );
    }
    if (
      !destinationSegments ||
      state.filePermission(task.owner, run.destination, destinationSegments) !== "rw"
    ) {
      return {
        code: "PERMISSION_DENIED",
        description: `Permission denied writing ${item.destination_path}`,
      };
    }
    if (node.type === "dir" && !item.recursive) {
      return {
        code: "NOT_A_FILE",
        description: `Source path '${item.source_path}' is a directory; submit it with recursive=true`,
      };
    }
    // a snapshot first, so that copying a directory into itself cannot loop
    const snapshot = snapshotNode(node);
    const written = this.#copyNode(
      run,
      snapshot,
      trimSlash(item.source_path),
      trimSlash(item.destination_path),
      destinationSegments,
    );
    return written
      ? null
      : {
          code: "FILE_EXISTS",
          description: `Cannot write '${item.destination_path}': a file is in the way`,
        };
  }

  /** Copies one node, applying filter rules, the sync level and delete_destination_extra. */
  #copyNode(
    run: CopyRun,
    node: TreeNode,
    sourcePath: string,
    destinationPath: string,
    segments: readonly string[],
  ): boolean {
    const { task, counts } = run;
    const name = segments.at(-1);
    const parentSegments = segments.slice(0, -1);
    const parent = run.dryRun
      ? lookup(run.destinationRoot, parentSegments)
      : ensureDir(run.destinationRoot, parentSegments, run.at);
    if (!run.dryRun && !parent) return false;
    const existing =
      parent?.type === "dir" && name !== undefined ? parent.children.get(name) : undefined;
    if (node.type === "file") {
      if (existing?.type === "dir") return false;
      if (existing?.type === "file" && upToDate(existing, node, task.options.sync_level)) {
        counts.skipped += 1;
        if (!run.dryRun) task.filesSkipped += 1;
        return true;
      }
      counts.files += 1;
      counts.bytes += node.size;
      if (run.dryRun) return true;
      const mtime = task.options.preserve_timestamp === true ? node.mtime : run.at;
      (parent as DirNode).children.set(name ?? node.name, {
        type: "file",
        name: name ?? node.name,
        size: node.size,
        mtime,
      });
      (parent as DirNode).mtime = run.at;
      task.successes.push({ source_path: sourcePath, destination_path: destinationPath });
      task.filesTransferred += 1;
      task.bytesTransferred += node.size;
      return true;
    }
    if (existing?.type === "file") return false;
    counts.directories += 1;
    let target: DirNode | undefined = existing?.type === "dir" ? existing : undefined;
    if (!run.dryRun) {
      target =
        name === undefined ? run.destinationRoot : ensureDir(run.destinationRoot, segments, run.at);
      if (!target) return false;
    }
    const kept = new Set<string>();
    for (const child of sortedChildren(node)) {
      if (!passesFilters(run.filters, child)) continue;
      kept.add(child.name);
      const ok = this.#copyNode(
        run,
        child,
        `${sourcePath}/${child.name}`,
        `${destinationPath}/${child.name}`,
        [...segments, child.name],
      );
      if (!ok) return false;
    }
    if (!run.dryRun && target && task.options.delete_destination_extra === true) {
      for (const childName of [...target.children.keys()]) {
        if (!kept.has(childName)) target.children.delete(childName);
      }
    }
    return true;
  }

  #runDelete(task: TaskRecord, at: number): TaskRecord["fatalError"] {
    const endpoint = this.state.endpoint(task.sourceEndpointId);
    const root = endpoint && this.state.rootOf(endpoint);
    if (!endpoint || !root) {
      return { code: "ENDPOINT_ERROR", description: "The endpoint no longer exists" };
    }
    for (const path of task.deletePaths) {
      const segments = splitPath(path, task.homeOfOwner);
      if (!segments || segments.length === 0) {
        return { code: "PERMISSION_DENIED", description: `Refusing to delete '${path}'` };
      }
      if (this.state.filePermission(task.owner, endpoint, segments) !== "rw") {
        return { code: "PERMISSION_DENIED", description: `Permission denied deleting ${path}` };
      }
      const parent = lookup(root, segments.slice(0, -1));
      const last = segments.at(-1) ?? "";
      const names =
        task.options.interpret_globs === true && hasGlob(last) && parent?.type === "dir"
          ? [...parent.children.keys()].filter((name) => globMatcher(last).test(name))
          : [last.replace(/\\(.)/g, "$1")];
      const nodes = names.flatMap((name) =>
        parent?.type === "dir" && parent.children.has(name)
          ? [parent.children.get(name) as TreeNode]
          : [],
      );
      if (nodes.length === 0) {
        if (task.options.ignore_missing === true) continue;
        return { code: "FILE_NOT_FOUND", description: `No such file or directory: ${path}` };
      }
      for (const node of nodes) {
        if (node.type === "dir" && task.options.recursive !== true) {
          return {
            code: "NOT_A_FILE",
            description: `'${path}' is a directory; submit the delete with recursive=true`,
          };
        }
        (parent as DirNode).children.delete(node.name);
        (parent as DirNode).mtime = at;
        task.filesTransferred += node.type === "file" ? 1 : 0;
      }
    }
    return null;
  }

  // --- submission ------------------------------------------------------------------------

  duplicateOf(body: Record<string, unknown>, caller: Caller): TaskRecord | undefined {
    if (typeof body.submission_id !== "string") return undefined;
    const task = this.#bySubmission.get(body.submission_id);
    return task && task.owner.id === caller.id ? task : undefined;
  }

  newTask(
    caller: Caller,
    body: Record<string, unknown>,
    fields: Pick<TaskRecord, "type" | "sourceEndpointId" | "homeOfOwner"> & Partial<TaskRecord>,
  ): TaskRecord {
    const now = this.#now;
    const submissionId =
      typeof body.submission_id === "string" ? body.submission_id : this.state.context.newId();
    const deadline =
      typeof body.deadline === "string" ? body.deadline : isoTime(Math.floor(now) + 86400);
    const parsedDeadline = Date.parse(deadline) / 1000;
    const task: TaskRecord = {
      id: this.state.context.newId(),
      owner: caller,
      submissionId,
      label: typeof body.label === "string" ? body.label : null,
      requestTime: now,
      work: 0,
      syncedAt: now,
      completionTime: null,
      deadline,
      deadlineAt: Number.isNaN(parsedDeadline) ? now + 86400 : parsedDeadline,
      destinationEndpointId: null,
      transferItems: [],
      deletePaths: [],
      files: 0,
      directories: 0,
      bytes: 0,
      status: "ACTIVE",
      settled: false,
      fatalError: null,
      endFraction: null,
      options: body,
      filesTransferred: 0,
      bytesTransferred: 0,
      filesSkipped: 0,
      events: [],
      successes: [],
      skipped: [],
      adminPause: null,
      resumedByAdmin: false,
      wasPaused: false,
      canceledByAdmin: null,
      canceledByAdminMessage: null,
      ...fields,
    };
    this.tasks.set(task.id, task);
    this.#bySubmission.set(submissionId, task);
    this.#event(task, now, {
      code: "STARTED",
      isError: false,
      description: "started",
      details: `The ${task.type.toLowerCase()} task was accepted`,
    });
    this.#notePause(task, now);
    return task;
  }

  // --- documents -------------------------------------------------------------------------

  /** How far a task has got: 0 to 1. */
  fraction(task: TaskRecord): number {
    if (task.status === "SUCCEEDED") return 1;
    if (task.settled) return task.endFraction ?? 0;
    return Math.min(1, Math.max(0, task.work / TRANSFER_TASK_SECONDS));
  }

  /** A task as its owner sees it: exactly the keys `task_list.py` records. */
  taskDoc(task: TaskRecord): Record<string, unknown> {
    const now = this.#now;
    const active = task.status === "ACTIVE";
    const paused = this.isPaused(task);
    const fraction = this.fraction(task);
    const source = this.state.endpoint(task.sourceEndpointId);
    const destination = task.destinationEndpointId
      ? this.state.endpoint(task.destinationEndpointId)
      : undefined;
    const done = task.status === "SUCCEEDED";
    const filesDone = done ? task.filesTransferred : Math.floor(task.files * fraction);
    const bytesDone = done ? task.bytesTransferred : Math.floor(task.bytes * fraction);
    const isTransfer = task.type === "TRANSFER";
    const elapsed = Math.max(1, (task.completionTime ?? now) - task.requestTime);
    const canonical = (endpoint: EndpointState | undefined, id: string | null) =>
      id === null ? null : `${endpoint?.seed.owner_string ?? "unknown"}#${id}`;
    const skippedErrors = task.skipped.length;
    return {
      task_id: task.id,
      type: task.type,
      status: task.status,
      label: task.label,
      owner_id: task.owner.id,
      username: task.owner.username.split("@")[0] ?? task.owner.username,
      command: "API 0.10",
      request_time: isoTime(Math.floor(task.requestTime)),
      completion_time:
        task.completionTime === null ? null : isoTime(Math.floor(task.completionTime)),
      deadline: task.deadline,
      source_endpoint: canonical(source, task.sourceEndpointId),
      source_endpoint_id: task.sourceEndpointId,
      source_endpoint_display_name: source?.seed.display_name ?? null,
      destination_endpoint: canonical(destination, task.destinationEndpointId),
      destination_endpoint_id: task.destinationEndpointId,
      destination_endpoint_display_name: destination?.seed.display_name ?? null,
      files: task.files,
      directories: task.directories,
      symlinks: 0,
      files_transferred: isTransfer ? filesDone : 0,
      files_skipped: task.filesSkipped,
      bytes_transferred: isTransfer ? bytesDone : 0,
      bytes_checksummed: 0,
      effective_bytes_per_second: isTransfer ? Math.floor(bytesDone / elapsed) : 0,
      delete_destination_extra: task.options.delete_destination_extra === true,
      encrypt_data: task.options.encrypt_data === true,
      verify_checksum: task.options.verify_checksum !== false,
      preserve_timestamp: task.options.preserve_timestamp === true,
      skip_source_errors: task.options.skip_source_errors === true,
      fail_on_quota_errors: task.options.fail_on_quota_errors === true,
      sync_level: typeof task.options.sync_level === "number" ? task.options.sync_level : null,
      recursive_symlinks:
        typeof task.options.recursive_symlinks === "string"
          ? task.options.recursive_symlinks
          : "ignore",
      filter_rules: Array.isArray(task.options.filter_rules) ? task.options.filter_rules : null,
      fatal_error: task.fatalError,
      canceled_by_admin: task.canceledByAdmin,
      canceled_by_admin_message: task.canceledByAdminMessage,
      faults: task.events.filter((event) => event.isError).length,
      history_deleted: false,
      is_ok: active ? !paused : null,
      is_paused: paused,
      nice_status: active ? (paused ? "PAUSED" : "Queued") : null,
      nice_status_details: null,
      nice_status_expires_in: active ? -1 : null,
      nice_status_short_description: active ? (paused ? "Paused" : "Queued") : null,
      subtasks_total: task.files + (task.type === "DELETE" ? task.deletePaths.length : 0),
      subtasks_succeeded: done ? task.filesTransferred : filesDone,
      subtasks_pending: active ? Math.max(0, task.files - filesDone) : 0,
      subtasks_failed: task.status === "FAILED" && task.fatalError?.code !== "CANCELED" ? 1 : 0,
      subtasks_canceled:
        task.fatalError?.code === "CANCELED" ? Math.max(0, task.files - filesDone) : 0,
      subtasks_expired: task.fatalError?.code === "EXPIRED" ? 1 : 0,
      subtasks_retrying: 0,
      subtasks_skipped_errors: skippedErrors,
    };
  }

  eventDoc(event: TaskEvent): Record<string, unknown> {
    return {
      DATA_TYPE: "event",
      code: event.code,
      is_error: event.isError,
      description: event.description,
      details: event.details,
      time: isoTime(Math.floor(event.time)),
    };
  }

  /** Pages of per-file results: the marker is the offset, `next_marker` null at the end. */
  fileResultsPage(
    request: EmulatorRequest,
    dataType: "successful_transfers" | "skipped_errors",
    items: Record<string, unknown>[],
  ): EmulatorReply {
    const fail = failFor(request);
    const marker = intParam(
      request.query,
      "marker",
      { default: 0, min: 0, max: Number.MAX_SAFE_INTEGER },
      fail,
    );
    const page = items.slice(marker, marker + FILE_RESULTS_PAGE_SIZE);
    const next = marker + FILE_RESULTS_PAGE_SIZE;
    return {
      body: {
        DATA_TYPE: dataType,
        marker,
        next_marker: next < items.length ? next : null,
        DATA: page,
      },
    };
  }

  successDoc(success: FileSuccess, sides = { source: true, destination: true }) {
    return {
      DATA_TYPE: "successful_transfer",
      source_path: sides.source ? success.source_path : null,
      destination_path: sides.destination ? success.destination_path : null,
    };
  }

  skippedDoc(skipped: SkippedError, sides = { source: true, destination: true }) {
    return {
      DATA_TYPE: "skipped_error",
      error_code: skipped.error_code,
      error_details: skipped.error_details,
      error_time: isoTime(Math.floor(skipped.error_time)),
      source_path: sides.source ? skipped.source_path : null,
      destination_path: sides.destination ? skipped.destination_path : null,
      is_directory: skipped.is_directory,
      is_symlink: false,
      is_delete_destination_extra: false,
      external_checksum: "",
      checksum_algorithm: "",
    };
  }

  /**
   * Why a task is paused: the rules holding it (rendered by `ruleDoc`) and any
   * administrator's message, on the side (source or destination, guest collection or not)
   * it came from.
   */
  pauseInfo(
    task: TaskRecord,
    dataType: string,
    ruleDoc: (rule: PauseRule) => Record<string, unknown>,
  ): Record<string, unknown> {
    const messages = {
      source_pause_message: null as string | null,
      destination_pause_message: null as string | null,
      source_pause_message_share: null as string | null,
      destination_pause_message_share: null as string | null,
    };
    const pause = task.settled ? null : task.adminPause;
    if (pause) {
      const sideKey = (side: "source" | "destination", endpointId: string | null) => {
        const endpoint = endpointId ? this.state.endpoint(endpointId) : undefined;
        const share = endpoint && this.state.isGuest(endpoint);
        return `${side}_pause_message${share ? "_share" : ""}` as keyof typeof messages;
      };
      if (pause.sourceSide) messages[sideKey("source", task.sourceEndpointId)] = pause.message;
      if (pause.destinationSide)
        messages[sideKey("destination", task.destinationEndpointId)] = pause.message;
    }
    return {
      DATA_TYPE: dataType,
      pause_rules: this.rulesPausing(task).map(ruleDoc),
      ...messages,
    };
  }
}

interface CopyRun {
  task: TaskRecord;
  at: number;
  filters: FilterRule[];
  source: EndpointState;
  destination: EndpointState;
  destinationRoot: DirNode;
  /** Count what would be copied without writing (at submission). */
  dryRun: boolean;
  counts: { files: number; directories: number; bytes: number; skipped: number };
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function filterRulesOf(options: Record<string, unknown>): FilterRule[] {
  if (!Array.isArray(options.filter_rules)) return [];
  return options.filter_rules.filter(isRecord).map((rule) => ({
    method: rule.method === "include" ? "include" : "exclude",
    name: globMatcher(typeof rule.name === "string" ? rule.name : "*"),
    type: rule.type === "file" || rule.type === "dir" ? rule.type : undefined,
  }));
}

/** The first rule whose name (and type) matches decides; no match: included. */
function passesFilters(rules: readonly FilterRule[], node: TreeNode): boolean {
  for (const rule of rules) {
    if (rule.type && rule.type !== node.type) continue;
    if (rule.name.test(node.name)) return rule.method === "include";
  }
  return true;
}

/** Whether the destination file already satisfies the task's sync level. */
function upToDate(existing: TreeNode, source: TreeNode, syncLevel: unknown): boolean {
  if (typeof syncLevel !== "number" || existing.type !== "file" || source.type !== "file") {
    return false;
  }
  if (syncLevel === 0) return true;
  if (syncLevel === 1) return existing.size === source.size;
  if (syncLevel === 2) return source.mtime <= existing.mtime;
  // checksum: contents are not modelled; a same-size file at least as new is taken as equal
  return existing.size === source.size && source.mtime <= existing.mtime;
}

/** Parses Transfer's `filter` syntax: `key:v1,v2/key2:v3`. */
export function parseFilter(raw: string | null): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  if (!raw) return filters;
  for (const clause of raw.split("/")) {
    const colon = clause.indexOf(":");
    if (colon <= 0) continue;
    filters.set(clause.slice(0, colon), clause.slice(colon + 1).split(","));
  }
  return filters;
}

/** The owner's task routes. */
export function registerTaskRoutes(router: ServiceRouter, engine: TaskEngine): void {
  const state = engine.state;

  function requireOwnTask(request: EmulatorRequest, caller: Caller): TaskRecord {
    const id = request.params.id ?? "";
    const task = engine.tasks.get(id);
    if (!task || task.owner.id !== caller.id) {
      throw failFor(request)(404, "TaskNotFound", `Task ${id} not found`);
    }
    return task;
  }

  function acceptedReply(task: TaskRecord, kind: "transfer" | "delete", duplicate: boolean) {
    return {
      status: duplicate ? 200 : 202,
      body: {
        DATA_TYPE: `${kind}_result`,
        code: duplicate ? "Duplicate" : "Accepted",
        message: duplicate
          ? `A ${kind} request with submission_id '${task.submissionId}' was already submitted`
          : `The ${kind} has been accepted and a task has been created and queued for execution`,
        request_id: shortRequestId(),
        resource: `${API}/${kind}`,
        submission_id: task.submissionId,
        task_id: task.id,
        task_link: {
          DATA_TYPE: "link",
          href: `${API}/task/${task.id}?format=json`,
          rel: "related",
          resource: "task",
          title: "related task",
        },
      },
    };
  }

  /**
   * What a submission (transfer or delete) does first: authenticate, parse the body,
   * answer a resubmitted submission_id with the original task, and check DATA_TYPE.
   */
  function startSubmission(request: EmulatorRequest, kind: "transfer" | "delete") {
    const caller = state.caller(request);
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    const duplicate = engine.duplicateOf(body, caller);
    if (duplicate) return { duplicate: true, reply: acceptedReply(duplicate, kind, true) } as const;
    if (body.DATA_TYPE !== undefined && body.DATA_TYPE !== kind) {
      throw fail(400, "ClientError.BadRequest", `DATA_TYPE must be '${kind}'`);
    }
    if (body.deadline !== undefined && Number.isNaN(Date.parse(String(body.deadline)))) {
      throw fail(400, "ClientError.BadRequest", `Invalid deadline '${String(body.deadline)}'`);
    }
    return { duplicate: false, caller, fail, body } as const;
  }

  /** The collection a task uses, which the caller must be able to reach now. */
  function taskEndpoint(request: EmulatorRequest, caller: Caller, id: string): EndpointState {
    const endpoint = state.requireEndpoint(request, id);
    state.checkCollectionAccess(request, caller, endpoint);
    state.requireRoot(request, endpoint);
    return endpoint;
  }

  router.route("GET", `${API}/submission_id`, (request) => {
    state.caller(request);
    return { body: { value: state.context.newId() } };
  });

  router.route("POST", `${API}/transfer`, (request) => {
    const started = startSubmission(request, "transfer");
    if (started.duplicate) return started.reply;
    const { caller, fail, body } = started;
    const sourceId = body.source_endpoint;
    const destinationId = body.destination_endpoint;
    if (typeof sourceId !== "string" || typeof destinationId !== "string") {
      throw fail(
        400,
        "ClientError.BadRequest",
        "'source_endpoint' and 'destination_endpoint' are required",
      );
    }
    const rawItems = Array.isArray(body.DATA) ? body.DATA : [];
    if (rawItems.length === 0) {
      throw fail(
        400,
        "ClientError.BadRequest.NoTransferItems",
        "A transfer requires at least one item",
      );
    }
    const items: TransferItem[] = rawItems.map((raw, index) => {
      if (
        !isRecord(raw) ||
        typeof raw.source_path !== "string" ||
        typeof raw.destination_path !== "string" ||
        (raw.DATA_TYPE !== undefined && raw.DATA_TYPE !== "transfer_item")
      ) {
        throw fail(
          400,
          "ClientError.BadRequest",
          `DATA[${index}] must be a transfer_item with source_path and destination_path`,
        );
      }
      return {
        source_path: raw.source_path,
        destination_path: raw.destination_path,
        recursive: raw.recursive === true,
      };
    });
    if (body.filter_rules !== undefined) {
      const rules = body.filter_rules;
      if (
        !Array.isArray(rules) ||
        !rules.every(
          (rule) =>
            isRecord(rule) &&
            typeof rule.name === "string" &&
            (rule.method === "include" || rule.method === "exclude") &&
            (rule.type === undefined ||
              rule.type === null ||
              rule.type === "file" ||
              rule.type === "dir"),
        )
      ) {
        throw fail(
          400,
          "ClientError.BadRequest",
          "filter_rules must be filter_rule documents with a name and a method of include or exclude",
        );
      }
    }
    if (body.sync_level !== undefined && ![0, 1, 2, 3].includes(body.sync_level as number)) {
      throw fail(400, "ClientError.BadRequest", "sync_level must be 0, 1, 2 or 3");
    }
    const source = taskEndpoint(request, caller, sourceId);
    const destination = taskEndpoint(request, caller, destinationId);
    const task = engine.newTask(caller, body, {
      type: "TRANSFER",
      sourceEndpointId: source.seed.id,
      destinationEndpointId: destination.seed.id,
      transferItems: items,
      homeOfOwner: state.homeOf(caller, state.rootOf(source)),
    });
    engine.measure(task);
    return acceptedReply(task, "transfer", false);
  });

  router.route("POST", `${API}/delete`, (request) => {
    const started = startSubmission(request, "delete");
    if (started.duplicate) return started.reply;
    const { caller, fail, body } = started;
    if (typeof body.endpoint !== "string") {
      throw fail(400, "ClientError.BadRequest", "'endpoint' is required");
    }
    const rawItems = Array.isArray(body.DATA) ? body.DATA : [];
    if (rawItems.length === 0) {
      throw fail(
        400,
        "ClientError.BadRequest.NoDeleteItems",
        "A delete requires at least one item",
      );
    }
    const paths = rawItems.map((raw, index) => {
      if (!isRecord(raw) || typeof raw.path !== "string") {
        throw fail(
          400,
          "ClientError.BadRequest",
          `DATA[${index}] must be a delete_item with a path`,
        );
      }
      return raw.path;
    });
    const endpoint = taskEndpoint(request, caller, body.endpoint);
    const task = engine.newTask(caller, body, {
      type: "DELETE",
      sourceEndpointId: endpoint.seed.id,
      deletePaths: paths,
      homeOfOwner: state.homeOf(caller, state.rootOf(endpoint)),
    });
    return acceptedReply(task, "delete", false);
  });

  router.route("GET", `${API}/task/:id`, (request) => {
    const task = requireOwnTask(request, state.caller(request));
    // one task carries DATA_TYPE (TaskDocument); task_list.py records its items without it
    return { body: { DATA_TYPE: "task", ...engine.taskDoc(task) } };
  });

  router.route("PUT", `${API}/task/:id`, (request) => {
    const task = requireOwnTask(request, state.caller(request));
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    const unknown = Object.keys(body).filter(
      (key) => !["DATA_TYPE", "label", "deadline"].includes(key),
    );
    if (unknown.length > 0) {
      throw fail(
        400,
        "BadRequest",
        `Only label and deadline can be updated, not ${unknown.join(", ")}`,
      );
    }
    if (task.settled) {
      throw fail(409, "Conflict", `Task ${task.id} is ${task.status} and can no longer be updated`);
    }
    if (body.label !== undefined) {
      if (body.label !== null && typeof body.label !== "string") {
        throw fail(400, "BadRequest", "'label' must be a string");
      }
      task.label = body.label;
    }
    if (body.deadline !== undefined) {
      const at = Date.parse(String(body.deadline)) / 1000;
      if (typeof body.deadline !== "string" || Number.isNaN(at)) {
        throw fail(400, "BadRequest", `Invalid deadline '${String(body.deadline)}'`);
      }
      task.deadline = body.deadline;
      task.deadlineAt = at;
    }
    return { body: resultDoc(request, "result", "Updated", "Task updated successfully") };
  });

  router.route("POST", `${API}/task/:id/cancel`, (request) => {
    const task = requireOwnTask(request, state.caller(request));
    const resource = `/task/${task.id}/cancel`;
    if (task.settled) {
      return {
        body: resultDoc(
          request,
          "result",
          "TaskComplete",
          "The task completed before the cancel request was processed.",
          resource,
        ),
      };
    }
    engine.cancel(task);
    return {
      body: resultDoc(
        request,
        "result",
        "Canceled",
        "The task has been cancelled successfully.",
        resource,
      ),
    };
  });

  router.route("GET", `${API}/task_list`, (request) => {
    const caller = state.caller(request);
    const fail = failFor(request);
    const limit = intParam(request.query, "limit", { default: 10, min: 1, max: 1000 }, fail);
    const offset = intParam(request.query, "offset", { default: 0, min: 0, max: 999 }, fail);
    if (offset + limit > 1000) throw fail(400, "BadRequest", "offset + limit must not exceed 1000");
    let matches = [...engine.tasks.values()].filter((task) => task.owner.id === caller.id);
    for (const [key, values] of parseFilter(request.query.get("filter"))) {
      if (key === "status") matches = matches.filter((task) => values.includes(task.status));
      else if (key === "type") matches = matches.filter((task) => values.includes(task.type));
      else if (key === "task_id") matches = matches.filter((task) => values.includes(task.id));
      else if (key === "label")
        matches = matches.filter((task) => task.label !== null && values.includes(task.label));
      else throw fail(400, "BadRequest", `Unsupported filter field '${key}'`);
    }
    const comparator =
      orderByComparator<TaskRecord>(
        (request.query.get("orderby") ?? "").split(",").filter((clause) => clause.trim() !== ""),
        ["request_time", "completion_time", "label", "status", "type"],
        (task, field) =>
          field === "request_time"
            ? task.requestTime
            : field === "completion_time"
              ? task.completionTime
              : task[field as "label" | "status" | "type"],
        fail,
      ) ?? ((a: TaskRecord, b: TaskRecord) => b.requestTime - a.requestTime);
    matches.sort(comparator);
    const page = matches.slice(offset, offset + limit);
    return {
      body: {
        DATA_TYPE: "task_list",
        DATA: page.map((task) => engine.taskDoc(task)),
        length: page.length,
        limit,
        offset,
        total: matches.length,
      },
    };
  });

  router.route("GET", `${API}/task/:id/event_list`, (request) => {
    const task = requireOwnTask(request, state.caller(request));
    return eventListReply(request, engine, task, false);
  });

  router.route("GET", `${API}/task/:id/successful_transfers`, (request) => {
    const task = requireOwnTask(request, state.caller(request));
    return engine.fileResultsPage(
      request,
      "successful_transfers",
      task.successes.map((success) => engine.successDoc(success)),
    );
  });

  router.route("GET", `${API}/task/:id/skipped_errors`, (request) => {
    const task = requireOwnTask(request, state.caller(request));
    return engine.fileResultsPage(
      request,
      "skipped_errors",
      task.skipped.map((skipped) => engine.skippedDoc(skipped)),
    );
  });
}

/**
 * A page of a task's events (offset paging, as Python's LimitOffsetTotalPaginator reads
 * it: `total` ends it). `errorsOnly` is the endpoint manager's `filter_is_error`.
 */
export function eventListReply(
  request: EmulatorRequest,
  engine: TaskEngine,
  task: TaskRecord,
  errorsOnly: boolean,
): EmulatorReply {
  const fail = failFor(request);
  const limit = intParam(request.query, "limit", { default: 10, min: 1, max: 1000 }, fail);
  const offset = intParam(request.query, "offset", { default: 0, min: 0, max: 999 }, fail);
  const events = task.events.filter((event) => !errorsOnly || event.isError);
  const page = events.slice(offset, offset + limit);
  return {
    body: {
      DATA_TYPE: "task_event_list",
      DATA: page.map((event) => engine.eventDoc(event)),
      length: page.length,
      limit,
      offset,
      total: events.length,
    },
  };
}
