import { GlobusSDKError, GlobusSDKUsageError } from "../../errors.ts";
import { GCSCollectionScopes, type Scope, TransferScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { TransferAPIError } from "../../transport/errors.ts";
import { sleep } from "../../transport/transport.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";
import { Paginator } from "../base/paging.ts";
import { uuidList } from "../ids.ts";
import type { DeleteData, TransferData } from "./data.ts";

/** An endpoint or collection, with the fields scripts use; every other field is kept. */
export interface TransferEndpoint {
  DATA_TYPE: "endpoint";
  id: string;
  display_name: string;
  owner_string?: string;
  entity_type?: string;
  [field: string]: unknown;
}

/** Transfer's offset-paged lists: `DATA`, `offset`, `limit`, and `has_next_page` or `total`. */
interface OffsetPage<T> {
  DATA: T[];
  offset: number;
  limit: number;
  has_next_page?: boolean;
  total?: number;
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

/** Options of {@link TransferClient.operationLs}. */
export interface LsOptions extends CallOptions {
  path?: string;
  showHidden?: boolean;
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

  /** Searches endpoints and collections across pages (`filter_fulltext`, `filter_scope`). */
  endpointSearch(
    filterFulltext?: string,
    options: CallOptions & { filterScope?: string; filterEntityType?: string; limit?: number } = {},
  ): Paginator<TransferEndpoint, number> {
    return this.#offsetPaged<TransferEndpoint>("/v0.10/endpoint_search", options, {
      filter_fulltext: filterFulltext,
      filter_scope: options.filterScope,
      filter_entity_type: options.filterEntityType,
    });
  }

  /** Gets one endpoint or collection. */
  async getEndpoint(endpointId: string, options: CallOptions = {}): Promise<TransferEndpoint> {
    const response = await this.request<TransferEndpoint>({
      path: apiPath`/v0.10/endpoint/${endpointId}`,
      ...options,
    });
    return response.data;
  }

  /** Renames (moves) a path on a collection. */
  async operationRename(
    endpointId: string,
    oldPath: string,
    newPath: string,
    options: CallOptions = {},
  ): Promise<TransferResult> {
    const response = await this.request<TransferResult>({
      method: "POST",
      path: apiPath`/v0.10/operation/endpoint/${endpointId}/rename`,
      body: { DATA_TYPE: "rename", old_path: oldPath, new_path: newPath },
      ...options,
    });
    return response.data;
  }

  /** Submits a delete task, fetching a submission id first when it has none. */
  async submitDelete(data: DeleteData, options: CallOptions = {}): Promise<TransferSubmitResponse> {
    data.submissionId ??= await this.getSubmissionId(options);
    const response = await this.request<TransferSubmitResponse>({
      method: "POST",
      path: "/v0.10/delete",
      body: data.toJSON(),
      retrySafe: true,
      ...options,
    });
    return response.data;
  }

  /** Lists your tasks across pages; `filter` is Transfer's `key:value/key:value` syntax. */
  taskList(
    options: CallOptions & { filter?: string; orderBy?: string; limit?: number } = {},
  ): Paginator<TransferTask, number> {
    return this.#offsetPaged<TransferTask>("/v0.10/task_list", options, {
      filter: options.filter,
      orderby: options.orderBy,
    });
  }

  /** Cancels a task. */
  async cancelTask(taskId: string, options: CallOptions = {}): Promise<TransferResult> {
    const response = await this.request<TransferResult>({
      method: "POST",
      path: apiPath`/v0.10/task/${taskId}/cancel`,
      ...options,
    });
    return response.data;
  }

  /** Transfer pages by offset and limit; the end is `has_next_page: false` or `total`. */
  #offsetPaged<T>(
    path: string,
    options: CallOptions & { limit?: number },
    query: Record<string, string | undefined>,
  ): Paginator<T, number> {
    return new Paginator(async (offset = 0) => {
      const response = await this.request<OffsetPage<T>>({
        path,
        query: { ...query, limit: options.limit, offset },
        signal: options.signal,
        timeout: options.timeout,
      });
      const page = response.data;
      const nextOffset = page.offset + page.limit;
      const more = page.has_next_page ?? (page.total !== undefined && nextOffset < page.total);
      return { items: page.DATA, next: more ? nextOffset : undefined, raw: page };
    });
  }

  /** Creates a directory on a collection. */
  async operationMkdir(
    endpointId: string,
    path: string,
    options: CallOptions = {},
  ): Promise<TransferResult> {
    const response = await this.request<TransferResult>({
      method: "POST",
      path: apiPath`/v0.10/operation/endpoint/${endpointId}/mkdir`,
      body: { DATA_TYPE: "mkdir", path },
      ...options,
    });
    return response.data;
  }

  /** A fresh submission id, which makes a task submission safe to retry. */
  async getSubmissionId(options: CallOptions = {}): Promise<string> {
    const response = await this.request<{ value: string }>({
      path: "/v0.10/submission_id",
      ...options,
    });
    return response.data.value;
  }

  /** Submits a transfer task, fetching a submission id first when it has none. */
  async submitTransfer(
    data: TransferData,
    options: CallOptions = {},
  ): Promise<TransferSubmitResponse> {
    data.submissionId ??= await this.getSubmissionId(options);
    const response = await this.request<TransferSubmitResponse>({
      method: "POST",
      path: "/v0.10/transfer",
      body: data.toJSON(),
      // the submission id makes a resend harmless: Transfer answers Duplicate
      retrySafe: true,
      ...options,
    });
    return response.data;
  }

  /** Gets one task. */
  async getTask(taskId: string, options: CallOptions = {}): Promise<TransferTask> {
    const response = await this.request<TransferTask>({
      path: apiPath`/v0.10/task/${taskId}`,
      ...options,
    });
    return response.data;
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
    options: CallOptions & { path?: string; showHidden?: boolean; limit?: number } = {},
  ): Paginator<TransferFileEntry, number> {
    return this.#offsetPaged<TransferFileEntry>(
      apiPath`/v0.10/operation/endpoint/${endpointId}/ls`,
      options,
      {
        path: options.path,
        show_hidden: options.showHidden === undefined ? undefined : String(options.showHidden),
      },
    );
  }

  /** Lists a directory on a collection (one page). */
  async operationLs(endpointId: string, options: LsOptions = {}): Promise<TransferLsResponse> {
    const response = await this.request<TransferLsResponse>({
      path: apiPath`/v0.10/operation/endpoint/${endpointId}/ls`,
      query: {
        path: options.path,
        show_hidden: options.showHidden,
        limit: options.limit,
        offset: options.offset,
      },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }

  /**
   * One file's or directory's entry, as a listing would show it (`GET .../stat`). A missing
   * path is a {@link TransferAPIError} with HTTP status 404.
   */
  async operationStat(
    endpointId: string,
    path: string,
    options: CallOptions = {},
  ): Promise<TransferFileEntry> {
    const response = await this.request<TransferFileEntry>({
      path: apiPath`/v0.10/operation/endpoint/${endpointId}/stat`,
      query: { path },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }
}
