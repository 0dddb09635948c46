import { GlobusSDKError, GlobusSDKUsageError } from "../../errors.ts";
import { GCSCollectionScopes, type Scope, TransferScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { TransferAPIError } from "../../transport/errors.ts";
import { sleep } from "../../transport/transport.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient, type OperationOptions } from "../base/client.ts";
import { offsetPaging, type Paginator } from "../base/paging.ts";
import { uuidList } from "../ids.ts";
import type { DeleteData, TransferData } from "./data.ts";
import { definedFields } from "./fields.ts";

/** An endpoint or collection, with the fields scripts use; every other field is kept. */
export interface TransferEndpoint {
  DATA_TYPE: "endpoint";
  id: string;
  display_name: string;
  owner_string?: string;
  entity_type?: string;
  [field: string]: unknown;
}

/** A Transfer task, with the fields scripts use; every other field is kept. */
export interface TransferTask {
  DATA_TYPE: "task";
  task_id: string;
  type: "TRANSFER" | "DELETE";
  status: "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED";
  label: string | null;
  files?: number;
  files_transferred?: number;
  files_skipped?: number;
  bytes_transferred?: number;
  subtasks_total?: number;
  subtasks_pending?: number;
  [field: string]: unknown;
}

/** The answer to an operation (`mkdir`, `rename`) or a cancel: a code and a message. */
export interface TransferResult {
  code: string;
  message?: string;
  [field: string]: unknown;
}

/** A task's progress, as `taskWait` reports it after each poll. */
export interface TaskProgress {
  taskId: string;
  status: TransferTask["status"];
  /** Files in the task (known once Transfer has expanded directories). */
  files: number;
  filesTransferred: number;
  filesSkipped: number;
  bytesTransferred: number;
  /** Time since `taskWait` started, in ms. */
  elapsedMs: number;
}

/** The answer to a task submission. */
export interface TransferSubmitResponse {
  task_id: string;
  submission_id: string;
  code: string;
  message?: string;
  [field: string]: unknown;
}

/** Options of {@link TransferClient.taskWait}. */
export interface TaskWaitOptions extends CallOptions {
  /** Give up after this many ms (default 10 minutes). */
  timeout?: number;
  /** Time between polls in ms (default 1 s). */
  pollInterval?: number;
  /** Called after every poll with the task and its progress in files and bytes. */
  onProgress?: (task: TransferTask, progress: TaskProgress) => void;
}

/** A task did not finish within `taskWait`'s timeout. */
export class TaskWaitTimeoutError extends GlobusSDKError {
  override name = "TaskWaitTimeoutError";
  /** The task as last polled. */
  readonly task: TransferTask;
  readonly timeoutMs: number;
  constructor(task: TransferTask, timeoutMs: number) {
    super(`Task ${task.task_id} is still ${task.status} after ${timeoutMs} ms.`);
    this.task = task;
    this.timeoutMs = timeoutMs;
  }
}

function progressOf(task: TransferTask, startedAt: number): TaskProgress {
  return {
    taskId: task.task_id,
    status: task.status,
    files: task.files ?? 0,
    filesTransferred: task.files_transferred ?? 0,
    filesSkipped: task.files_skipped ?? 0,
    bytesTransferred: task.bytes_transferred ?? 0,
    elapsedMs: Date.now() - startedAt,
  };
}

/** One entry of a directory listing. */
export interface TransferFileEntry {
  DATA_TYPE: "file";
  name: string;
  type: "file" | "dir" | "invalid_symlink" | "chardev" | "blockdev" | "pipe" | "other";
  size: number;
  last_modified: string | null;
  permissions?: string;
  [field: string]: unknown;
}

/** The body of an `ls` response. */
export interface TransferLsResponse {
  DATA_TYPE: "file_list";
  path: string;
  endpoint: string;
  DATA: TransferFileEntry[];
  [field: string]: unknown;
}

/**
 * A Transfer `filter`: a string as given, an object of clauses (`{ type: ["file", "dir"] }`
 * → `type:file,dir`), or a list of either, whose clauses must all match.
 */
export type TransferFilter =
  | string
  | Record<string, string | readonly string[]>
  | readonly (string | Record<string, string | readonly string[]>)[];

/** Options of {@link TransferClient.operationLs}. */
export interface LsOptions extends OperationOptions {
  path?: string;
  /** List names that begin with a dot (Transfer's default: true). */
  showHidden?: boolean;
  /** Sort clauses: `"name"`, `"size DESC"`, or a list of them. */
  orderBy?: string | readonly string[];
  /** Only entries matching these clauses (`type`, `name`, `size`, `last_modified`, ...). */
  filter?: TransferFilter;
  /** The local account the collection's identity mapping should choose (GCSv5 mapped collections). */
  localUser?: string;
  limit?: number;
  offset?: number;
}

/**
 * A client for Globus Transfer (`/v0.10/`). Bound to an app it requires
 * `TransferScopes.all` by default.
 */
export class TransferClient extends BaseServiceClient {
  static override readonly serviceName = "transfer";
  static override readonly errorClass = TransferAPIError;
  /** Transfer's scopes and resource server. */
  static readonly scopes = TransferScopes;

  override get resourceServer(): string {
    return TransferScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [TransferScopes.all];
  }

  /**
   * Requires `data_access` consents for GCS collections (optional dependent scopes of
   * `transfer:all`), which mapped and high-assurance collections demand before access.
   */
  addAppDataAccessScope(collectionIds: string | Iterable<string>): this {
    const ids = uuidList("collectionIds", collectionIds);
    return this.addAppScope(
      TransferScopes.all.withDependencies(
        ids.map((id) => GCSCollectionScopes(id).data_access.withOptional(true)),
      ),
    );
  }

  /**
   * Searches endpoints and collections across pages (`GET /endpoint_search`, offset paging
   * up to Transfer's 1,000 results).
   */
  endpointSearch(
    filterFulltext?: string,
    options: OperationOptions & {
      filterScope?: string;
      filterOwnerId?: string;
      filterHostEndpoint?: string;
      filterNonFunctional?: boolean;
      filterEntityType?: string;
      limit?: number;
      offset?: number;
    } = {},
  ): Paginator<TransferEndpoint, number> {
    const query = {
      filter_fulltext: filterFulltext,
      filter_scope: options.filterScope,
      filter_owner_id: options.filterOwnerId,
      filter_host_endpoint: options.filterHostEndpoint,
      filter_non_functional: options.filterNonFunctional,
      filter_entity_type: options.filterEntityType,
    };
    return this.paged(
      { path: "/v0.10/endpoint_search", query },
      transferOffsetPaging("has-next", options),
      options,
    );
  }

  /** Gets one endpoint or collection. */
  getEndpoint(endpointId: string, options?: OperationOptions): Promise<TransferEndpoint> {
    return this.call({ path: apiPath`/v0.10/endpoint/${endpointId}` }, options);
  }

  /** Renames (moves) a path on a collection. */
  operationRename(
    endpointId: string,
    oldPath: string,
    newPath: string,
    options: OperationOptions & { localUser?: string } = {},
  ): Promise<TransferResult> {
    return this.call(
      {
        method: "POST",
        path: apiPath`/v0.10/operation/endpoint/${endpointId}/rename`,
        body: {
          DATA_TYPE: "rename",
          old_path: oldPath,
          new_path: newPath,
          ...definedFields({ local_user: options.localUser }),
        },
      },
      options,
    );
  }

  /** Submits a delete task, fetching a submission id first when it has none. */
  async submitDelete(
    data: DeleteData,
    options: OperationOptions = {},
  ): Promise<TransferSubmitResponse> {
    data.submissionId ??= await this.getSubmissionId(options);
    // the submission id makes a resend harmless: Transfer answers Duplicate
    return this.call(
      { method: "POST", path: "/v0.10/delete", body: data.toJSON(), retrySafe: true },
      options,
    );
  }

  /**
   * Lists your tasks across pages (`GET /task_list`, offset paging up to 1,000 results);
   * `filter` is Transfer's `key:value/key:value` syntax.
   */
  taskList(
    options: OperationOptions & {
      filter?: string | Record<string, string | readonly string[]>;
      orderBy?: string | readonly string[];
      limit?: number;
      offset?: number;
    } = {},
  ): Paginator<TransferTask, number> {
    const query = { filter: transferFilter(options.filter), orderby: options.orderBy };
    return this.paged(
      { path: "/v0.10/task_list", query },
      transferOffsetPaging("total", options),
      options,
    );
  }

  /** Cancels a task. */
  cancelTask(taskId: string, options?: OperationOptions): Promise<TransferResult> {
    return this.call({ method: "POST", path: apiPath`/v0.10/task/${taskId}/cancel` }, options);
  }

  /** Creates a directory on a collection. */
  operationMkdir(
    endpointId: string,
    path: string,
    options: OperationOptions & { localUser?: string } = {},
  ): Promise<TransferResult> {
    return this.call(
      {
        method: "POST",
        path: apiPath`/v0.10/operation/endpoint/${endpointId}/mkdir`,
        body: { DATA_TYPE: "mkdir", path, ...definedFields({ local_user: options.localUser }) },
      },
      options,
    );
  }

  /** A fresh submission id, which makes a task submission safe to retry. */
  async getSubmissionId(options?: OperationOptions): Promise<string> {
    const body = await this.call<{ value: string }>({ path: "/v0.10/submission_id" }, options);
    return body.value;
  }

  /** Submits a transfer task, fetching a submission id first when it has none. */
  async submitTransfer(
    data: TransferData,
    options: OperationOptions = {},
  ): Promise<TransferSubmitResponse> {
    data.submissionId ??= await this.getSubmissionId(options);
    // the submission id makes a resend harmless: Transfer answers Duplicate
    return this.call(
      { method: "POST", path: "/v0.10/transfer", body: data.toJSON(), retrySafe: true },
      options,
    );
  }

  /** Gets one task. */
  getTask(taskId: string, options?: OperationOptions): Promise<TransferTask> {
    return this.call({ path: apiPath`/v0.10/task/${taskId}` }, options);
  }

  /**
   * Polls a task until it succeeds or fails, reporting each poll to `onProgress`, and
   * resolves with the finished task. `timeout` bounds the whole wait (each poll keeps the
   * client's own request timeout); the last poll happens at the deadline.
   * @throws TaskWaitTimeoutError when the task is still running at the deadline
   */
  async taskWait(taskId: string, options: TaskWaitOptions = {}): Promise<TransferTask> {
    const timeout = options.timeout ?? 600_000;
    const interval = options.pollInterval ?? 1_000;
    for (const [name, value] of [
      ["timeout", timeout],
      ["pollInterval", interval],
    ] as const) {
      if (!Number.isFinite(value) || value <= 0) {
        throw new GlobusSDKUsageError(`taskWait: ${name} must be a positive number of ms.`);
      }
    }
    const startedAt = Date.now();
    const deadline = startedAt + timeout;
    for (;;) {
      const task = await this.getTask(taskId, options.signal ? { signal: options.signal } : {});
      options.onProgress?.(task, progressOf(task, startedAt));
      if (task.status === "SUCCEEDED" || task.status === "FAILED") return task;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new TaskWaitTimeoutError(task, timeout);
      await sleep(Math.min(interval, remaining), options.signal);
    }
  }

  /** Lists a directory across pages of `limit` entries: the paged form of `operationLs`. */
  listDirectory(
    endpointId: string,
    options: OperationOptions & { path?: string; showHidden?: boolean; limit?: number } = {},
  ): Paginator<TransferFileEntry, number> {
    const query = { path: options.path, show_hidden: options.showHidden };
    return this.paged(
      { path: apiPath`/v0.10/operation/endpoint/${endpointId}/ls`, query },
      offsetPaging({
        itemsKey: "DATA",
        end: "total",
        maxTotal: Number.POSITIVE_INFINITY,
        limit: options.limit,
      }),
      options,
    );
  }

  /**
   * Lists a directory on a collection (one page). The path may be given on its own, as
   * Python's `operation_ls(endpoint_id, path)` takes it, or in the options.
   */
  operationLs(endpointId: string, options?: LsOptions): Promise<TransferLsResponse>;
  operationLs(endpointId: string, path: string, options?: LsOptions): Promise<TransferLsResponse>;
  operationLs(
    endpointId: string,
    pathOrOptions: string | LsOptions = {},
    more: LsOptions = {},
  ): Promise<TransferLsResponse> {
    const options =
      typeof pathOrOptions === "string" ? { ...more, path: pathOrOptions } : pathOrOptions;
    const query = {
      path: options.path,
      limit: options.limit,
      offset: options.offset,
      show_hidden: zeroOne(options.showHidden),
      orderby: options.orderBy,
      filter: transferFilter(options.filter),
      local_user: options.localUser,
    };
    return this.call({ path: apiPath`/v0.10/operation/endpoint/${endpointId}/ls`, query }, options);
  }

  /**
   * One file's or directory's entry, as a listing would show it (`GET .../stat`). A missing
   * path is a {@link TransferAPIError} with HTTP status 404 and code `NotFound`.
   */
  operationStat(
    endpointId: string,
    path: string,
    options: OperationOptions & { localUser?: string } = {},
  ): Promise<TransferFileEntry> {
    const query = { path, local_user: options.localUser };
    return this.call(
      { path: apiPath`/v0.10/operation/endpoint/${endpointId}/stat`, query },
      options,
    );
  }
}

/** Transfer's offset paging, which stops at 1,000 results as the service does. */
function transferOffsetPaging(
  end: "has-next" | "total",
  options: { limit?: number | undefined; offset?: number | undefined },
) {
  return offsetPaging({
    itemsKey: "DATA",
    end,
    maxTotal: 1000,
    limit: options.limit,
    startOffset: options.offset,
  });
}

/**
 * Transfer's `filter` syntax from a string as given, or from an object:
 * `{ status: ["ACTIVE", "INACTIVE"], type: "TRANSFER" }` → `status:ACTIVE,INACTIVE/type:TRANSFER`.
 */
export function transferFilter(filter: TransferFilter | undefined): string | undefined {
  if (filter === undefined || typeof filter === "string") return filter;
  // Python sends a list as repeated `filter` parameters; their clauses must all match, as
  // clauses joined by `/` must, so one parameter says the same
  if (isFilterList(filter)) return filter.map((item) => transferFilter(item)).join("/");
  return Object.entries(filter)
    .map(([key, value]) => `${key}:${typeof value === "string" ? value : value.join(",")}`)
    .join("/");
}

function isFilterList(
  filter: TransferFilter,
): filter is readonly (string | Record<string, string | readonly string[]>)[] {
  return Array.isArray(filter);
}

/** Python sends these booleans as `1`/`0`. */
function zeroOne(value: boolean | undefined): number | undefined {
  return value === undefined ? undefined : value ? 1 : 0;
}
