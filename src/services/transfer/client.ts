import { randomUUID } from "node:crypto";
import { GlobusSDKError, GlobusSDKUsageError } from "../../errors.ts";
import { GCSCollectionScopes, type Scope, TransferScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { TransferAPIError } from "../../transport/errors.ts";
import { sleep } from "../../transport/transport.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient, type OperationOptions } from "../base/client.ts";
import {
  lastKeyPaging,
  markerPaging,
  nextTokenPaging,
  offsetPaging,
  type Paginator,
  type PagingStyle,
} from "../base/paging.ts";
import { uuidList } from "../ids.ts";
import type { CreateTunnelData, DeleteData, TransferData } from "./data.ts";
import { definedFields } from "./fields.ts";
import type {
  AccessRule,
  AccessRuleCreateResult,
  AccessRuleDocument,
  AccessRuleList,
  AdminCancel,
  AdminTaskAction,
  Bookmark,
  BookmarkDocument,
  BookmarkList,
  EndpointManagerTask,
  EndpointRole,
  EndpointRoleDocument,
  EndpointRoleList,
  EndpointUpdateDocument,
  PauseRule,
  PauseRuleDocument,
  PauseRuleList,
  SharedEndpointCreateResult,
  SharedEndpointDocument,
  SkippedError,
  StreamAccessPointResponse,
  SuccessfulTransfer,
  TaskPauseInfo,
  TransferEndpoint,
  TransferEndpointList,
  TransferResult,
  TransferServer,
  TransferServerList,
  TransferTask,
  TransferTaskEvent,
  TunnelDeleteResponse,
  TunnelEventList,
  TunnelList,
  TunnelResponse,
} from "./types.ts";

export type * from "./types.ts";

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
      filter_non_functional: zeroOne(options.filterNonFunctional),
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

  // --- endpoints ---------------------------------------------------------------------

  /**
   * Updates a Globus Connect Personal collection with a partial endpoint document
   * (`PUT /endpoint/{id}`; GCSv5 collections are updated through their GCS Manager).
   */
  updateEndpoint(
    endpointId: string,
    data: EndpointUpdateDocument,
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call(
      { method: "PUT", path: apiPath`/v0.10/endpoint/${endpointId}`, body: data },
      options,
    );
  }

  /**
   * Sets a mapped collection's subscription: an id, `"DEFAULT"` (your only subscription),
   * or null to clear it.
   */
  setSubscriptionId(
    collectionId: string,
    subscriptionId: string | "DEFAULT" | null,
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v0.10/endpoint/${collectionId}/subscription`,
        body: { subscription_id: subscriptionId },
      },
      options,
    );
  }

  /**
   * Grants (true) or revokes (false) a Globus Connect Personal collection's verified
   * status; granting needs an administrator of its subscription.
   */
  setSubscriptionAdminVerified(
    collectionId: string,
    subscriptionAdminVerified: boolean,
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v0.10/endpoint/${collectionId}/subscription_admin_verified`,
        body: { subscription_admin_verified: subscriptionAdminVerified },
      },
      options,
    );
  }

  /** Deletes a Globus Connect Personal collection (and the guest collections on it). */
  deleteEndpoint(endpointId: string, options?: OperationOptions): Promise<TransferResult> {
    return this.call({ method: "DELETE", path: apiPath`/v0.10/endpoint/${endpointId}` }, options);
  }

  /** The pause rules on an endpoint that apply to you. */
  myEffectivePauseRuleList(endpointId: string, options?: OperationOptions): Promise<PauseRuleList> {
    return this.call(
      { path: apiPath`/v0.10/endpoint/${endpointId}/my_effective_pause_rule_list` },
      options,
    );
  }

  // --- shared endpoints (guest collections) and servers --------------------------------

  /** The guest collections on a host that you administer or manage access to. */
  mySharedEndpointList(
    endpointId: string,
    options?: OperationOptions,
  ): Promise<TransferEndpointList> {
    return this.call(
      { path: apiPath`/v0.10/endpoint/${endpointId}/my_shared_endpoint_list` },
      options,
    );
  }

  /** Every guest collection on a host, across pages (`next_token` paging). */
  getSharedEndpointList(
    endpointId: string,
    options: OperationOptions & { maxResults?: number; nextToken?: string } = {},
  ): Paginator<TransferEndpoint, string> {
    const query = {
      max_results: options.maxResults === undefined ? undefined : String(options.maxResults),
    };
    const style = nextTokenPaging({ itemsKey: "shared_endpoints" });
    return this.paged(
      { path: apiPath`/v0.10/endpoint/${endpointId}/shared_endpoint_list`, query },
      startingAt(style, options.nextToken),
      options,
    );
  }

  /**
   * Creates a guest collection on a Globus Connect Personal collection from a
   * `shared_endpoint` document (host, host path, display name); its id is `result.id`.
   */
  createSharedEndpoint(
    data: SharedEndpointDocument,
    options?: OperationOptions,
  ): Promise<SharedEndpointCreateResult> {
    return this.call({ method: "POST", path: "/v0.10/shared_endpoint", body: data }, options);
  }

  /** An endpoint's servers. */
  endpointServerList(endpointId: string, options?: OperationOptions): Promise<TransferServerList> {
    return this.call({ path: apiPath`/v0.10/endpoint/${endpointId}/server_list` }, options);
  }

  /** One server of an endpoint. */
  getEndpointServer(
    endpointId: string,
    serverId: number | string,
    options?: OperationOptions,
  ): Promise<TransferServer> {
    return this.call(
      { path: apiPath`/v0.10/endpoint/${endpointId}/server/${String(serverId)}` },
      options,
    );
  }

  // --- roles ---------------------------------------------------------------------------

  /** The role assignments on an endpoint. */
  endpointRoleList(endpointId: string, options?: OperationOptions): Promise<EndpointRoleList> {
    return this.call({ path: apiPath`/v0.10/endpoint/${endpointId}/role_list` }, options);
  }

  /** Assigns a role on a Globus Connect Personal collection to an identity or group. */
  addEndpointRole(
    endpointId: string,
    roleData: EndpointRoleDocument,
    options?: OperationOptions,
  ): Promise<EndpointRole> {
    return this.call(
      { method: "POST", path: apiPath`/v0.10/endpoint/${endpointId}/role`, body: roleData },
      options,
    );
  }

  /** One role assignment. */
  getEndpointRole(
    endpointId: string,
    roleId: string,
    options?: OperationOptions,
  ): Promise<EndpointRole> {
    return this.call({ path: apiPath`/v0.10/endpoint/${endpointId}/role/${roleId}` }, options);
  }

  /** Removes a role assignment. */
  deleteEndpointRole(
    endpointId: string,
    roleId: string,
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call(
      { method: "DELETE", path: apiPath`/v0.10/endpoint/${endpointId}/role/${roleId}` },
      options,
    );
  }

  // --- access rules (sharing) ------------------------------------------------------------

  /** A guest collection's access rules (those its roles imply included). */
  endpointAclList(endpointId: string, options?: OperationOptions): Promise<AccessRuleList> {
    return this.call({ path: apiPath`/v0.10/endpoint/${endpointId}/access_list` }, options);
  }

  /** One access rule. */
  getEndpointAclRule(
    endpointId: string,
    ruleId: string,
    options?: OperationOptions,
  ): Promise<AccessRule> {
    return this.call({ path: apiPath`/v0.10/endpoint/${endpointId}/access/${ruleId}` }, options);
  }

  /**
   * Adds an access rule to a guest collection from an `access` document; the new rule's id
   * is `result.access_id`. Paths are relative to the guest collection's root.
   */
  addEndpointAclRule(
    endpointId: string,
    ruleData: AccessRuleDocument,
    options?: OperationOptions,
  ): Promise<AccessRuleCreateResult> {
    return this.call(
      { method: "POST", path: apiPath`/v0.10/endpoint/${endpointId}/access`, body: ruleData },
      options,
    );
  }

  /** Changes an access rule's permissions or expiration date. */
  updateEndpointAclRule(
    endpointId: string,
    ruleId: string,
    ruleData: AccessRuleDocument,
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v0.10/endpoint/${endpointId}/access/${ruleId}`,
        body: ruleData,
      },
      options,
    );
  }

  /** Removes an access rule. */
  deleteEndpointAclRule(
    endpointId: string,
    ruleId: string,
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call(
      { method: "DELETE", path: apiPath`/v0.10/endpoint/${endpointId}/access/${ruleId}` },
      options,
    );
  }

  /**
   * Shares a guest collection's directory with one identity, one group, or every
   * authenticated user: an access rule, read-only unless `permissions` is `"rw"`. Beyond
   * the Python SDK: it builds the `access` document `addEndpointAclRule` takes, and checks
   * the path and the principal first.
   */
  share(
    collectionId: string,
    options: OperationOptions & {
      /** An identity id, a group id, or neither for all authenticated users. */
      identityId?: string;
      groupId?: string;
      /** The directory, relative to the collection's root (default `/`). */
      path?: string;
      permissions?: "r" | "rw";
      /** When the rule lapses: an ISO 8601 time or a Date. */
      expirationDate?: string | Date;
      notifyEmail?: string;
      notifyMessage?: string;
    } = {},
  ): Promise<AccessRuleCreateResult> {
    if (options.identityId !== undefined && options.groupId !== undefined) {
      throw new GlobusSDKUsageError("share: give identityId or groupId, not both.");
    }
    const principalId = options.identityId ?? options.groupId;
    if (principalId !== undefined) {
      uuidList(options.identityId !== undefined ? "identityId" : "groupId", principalId);
    }
    const path = options.path ?? "/";
    if (!path.startsWith("/")) {
      throw new GlobusSDKUsageError(`share: path must be absolute, got ${JSON.stringify(path)}.`);
    }
    const expiration = options.expirationDate;
    const rule: AccessRuleDocument = {
      DATA_TYPE: "access",
      principal_type:
        options.identityId !== undefined
          ? "identity"
          : options.groupId !== undefined
            ? "group"
            : "all_authenticated_users",
      principal: principalId ?? "",
      path: path.endsWith("/") ? path : `${path}/`,
      permissions: options.permissions ?? "r",
      ...definedFields({
        expiration_date: expiration instanceof Date ? expiration.toISOString() : expiration,
        notify_email: options.notifyEmail,
        notify_message: options.notifyMessage,
      }),
    };
    return this.addEndpointAclRule(collectionId, rule, options);
  }

  // --- bookmarks -----------------------------------------------------------------------

  /** Your bookmarks. */
  bookmarkList(options?: OperationOptions): Promise<BookmarkList> {
    return this.call({ path: "/v0.10/bookmark_list" }, options);
  }

  /** Bookmarks a path on a collection (`name`, `endpoint_id`, `path`). */
  createBookmark(bookmarkData: BookmarkDocument, options?: OperationOptions): Promise<Bookmark> {
    return this.call({ method: "POST", path: "/v0.10/bookmark", body: bookmarkData }, options);
  }

  /** One bookmark. */
  getBookmark(bookmarkId: string, options?: OperationOptions): Promise<Bookmark> {
    return this.call({ path: apiPath`/v0.10/bookmark/${bookmarkId}` }, options);
  }

  /** Renames a bookmark (its name is the one field that can change). */
  updateBookmark(
    bookmarkId: string,
    bookmarkData: BookmarkDocument,
    options?: OperationOptions,
  ): Promise<Bookmark> {
    return this.call(
      { method: "PUT", path: apiPath`/v0.10/bookmark/${bookmarkId}`, body: bookmarkData },
      options,
    );
  }

  /** Deletes a bookmark. */
  deleteBookmark(bookmarkId: string, options?: OperationOptions): Promise<TransferResult> {
    return this.call({ method: "DELETE", path: apiPath`/v0.10/bookmark/${bookmarkId}` }, options);
  }

  // --- tasks -----------------------------------------------------------------------------

  /** A task's events (progress, pauses, faults), across pages (offset paging). */
  taskEventList(
    taskId: string,
    options: OperationOptions & { limit?: number; offset?: number } = {},
  ): Paginator<TransferTaskEvent, number> {
    return this.paged(
      { path: apiPath`/v0.10/task/${taskId}/event_list` },
      transferOffsetPaging("total", options),
      options,
    );
  }

  /** Changes a running task's label or deadline. */
  updateTask(
    taskId: string,
    data: { label?: string | null; deadline?: string; [field: string]: unknown },
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call({ method: "PUT", path: apiPath`/v0.10/task/${taskId}`, body: data }, options);
  }

  /** Why a task is paused (or is about to be): the rules holding it, and messages. */
  taskPauseInfo(taskId: string, options?: OperationOptions): Promise<TaskPauseInfo> {
    return this.call({ path: apiPath`/v0.10/task/${taskId}/pause_info` }, options);
  }

  /** The files a task copied (not those a sync skipped), across pages (marker paging). */
  taskSuccessfulTransfers(
    taskId: string,
    options: OperationOptions & { marker?: string | number } = {},
  ): Paginator<SuccessfulTransfer, string> {
    return this.paged(
      { path: apiPath`/v0.10/task/${taskId}/successful_transfers` },
      fileResultsPaging(options.marker),
      options,
    );
  }

  /** The paths a task with `skipSourceErrors` went past, across pages (marker paging). */
  taskSkippedErrors(
    taskId: string,
    options: OperationOptions & { marker?: string | number } = {},
  ): Paginator<SkippedError, string> {
    return this.paged(
      { path: apiPath`/v0.10/task/${taskId}/skipped_errors` },
      fileResultsPaging(options.marker),
      options,
    );
  }

  // --- the endpoint manager (activity monitor) API ---------------------------------------

  /** The endpoints you are an activity monitor or manager of. */
  endpointManagerMonitoredEndpoints(options?: OperationOptions): Promise<TransferEndpointList> {
    return this.call({ path: "/v0.10/endpoint_manager/monitored_endpoints" }, options);
  }

  /** The guest collections on a host endpoint you monitor. */
  endpointManagerHostedEndpointList(
    endpointId: string,
    options?: OperationOptions,
  ): Promise<TransferEndpointList> {
    return this.call(
      { path: apiPath`/v0.10/endpoint_manager/endpoint/${endpointId}/hosted_endpoint_list` },
      options,
    );
  }

  /** An endpoint, as its activity monitor sees it. */
  endpointManagerGetEndpoint(
    endpointId: string,
    options?: OperationOptions,
  ): Promise<TransferEndpoint> {
    return this.call({ path: apiPath`/v0.10/endpoint_manager/endpoint/${endpointId}` }, options);
  }

  /** A guest collection's access rules, as its (or its host's) activity monitor sees them. */
  endpointManagerAclList(endpointId: string, options?: OperationOptions): Promise<AccessRuleList> {
    return this.call(
      { path: apiPath`/v0.10/endpoint_manager/endpoint/${endpointId}/access_list` },
      options,
    );
  }

  /**
   * Everyone's tasks on the endpoints you monitor, across pages (`last_key` paging).
   * Unless `filterStatus` is only ACTIVE and/or INACTIVE, give `filterTaskId` or
   * `filterEndpoint`.
   */
  endpointManagerTaskList(
    options: OperationOptions & {
      filterStatus?: string | readonly string[];
      /** At most 50 ids; not combinable with other filters. */
      filterTaskId?: string | readonly string[];
      filterOwnerId?: string;
      filterEndpoint?: string;
      /** With `filterEndpoint`: only tasks using it as their source or destination. */
      filterEndpointUse?: "source" | "destination";
      filterIsPaused?: boolean;
      /** `"start,end"`, or a pair of times (an empty side is open). */
      filterCompletionTime?: string | readonly [string | Date, string | Date];
      filterMinFaults?: number;
      filterLocalUser?: string;
      lastKey?: string;
    } = {},
  ): Paginator<EndpointManagerTask, string> {
    if (options.filterEndpointUse !== undefined && options.filterEndpoint === undefined) {
      throw new GlobusSDKUsageError(
        "endpointManagerTaskList: filterEndpointUse is only valid together with filterEndpoint.",
      );
    }
    const completion = options.filterCompletionTime;
    const query = {
      filter_status: options.filterStatus,
      filter_task_id: options.filterTaskId,
      filter_owner_id: options.filterOwnerId,
      filter_endpoint: options.filterEndpoint,
      filter_endpoint_use: options.filterEndpointUse,
      filter_is_paused: options.filterIsPaused,
      filter_completion_time:
        completion === undefined || typeof completion === "string"
          ? completion
          : completion.map(timeString).join(","),
      filter_min_faults: options.filterMinFaults,
      filter_local_user: options.filterLocalUser,
    };
    return this.paged(
      { path: "/v0.10/endpoint_manager/task_list", query },
      startingAt(lastKeyPaging({ itemsKey: "DATA" }), options.lastKey),
      options,
    );
  }

  /** A task, as an activity monitor of its source or destination sees it. */
  endpointManagerGetTask(taskId: string, options?: OperationOptions): Promise<EndpointManagerTask> {
    return this.call({ path: apiPath`/v0.10/endpoint_manager/task/${taskId}` }, options);
  }

  /** A task's events as an activity monitor sees them; `filterIsError` keeps only errors. */
  endpointManagerTaskEventList(
    taskId: string,
    options: OperationOptions & { limit?: number; offset?: number; filterIsError?: boolean } = {},
  ): Paginator<TransferTaskEvent, number> {
    if (options.filterIsError === false) {
      throw new GlobusSDKUsageError(
        "endpointManagerTaskEventList: filterIsError: false is not supported; leave it out for every event.",
      );
    }
    return this.paged(
      {
        path: apiPath`/v0.10/endpoint_manager/task/${taskId}/event_list`,
        query: { filter_is_error: zeroOne(options.filterIsError) },
      },
      transferOffsetPaging("total", options),
      options,
    );
  }

  /** Why a task is paused, as an activity monitor sees it (full pause rules). */
  endpointManagerTaskPauseInfo(taskId: string, options?: OperationOptions): Promise<TaskPauseInfo> {
    return this.call({ path: apiPath`/v0.10/endpoint_manager/task/${taskId}/pause_info` }, options);
  }

  /** The files a task copied, as an activity monitor sees them (a side you lack is null). */
  endpointManagerTaskSuccessfulTransfers(
    taskId: string,
    options: OperationOptions & { marker?: string | number } = {},
  ): Paginator<SuccessfulTransfer, string> {
    return this.paged(
      { path: apiPath`/v0.10/endpoint_manager/task/${taskId}/successful_transfers` },
      fileResultsPaging(options.marker),
      options,
    );
  }

  /** The paths a task went past, as an activity monitor sees them. */
  endpointManagerTaskSkippedErrors(
    taskId: string,
    options: OperationOptions & { marker?: string | number } = {},
  ): Paginator<SkippedError, string> {
    return this.paged(
      { path: apiPath`/v0.10/endpoint_manager/task/${taskId}/skipped_errors` },
      fileResultsPaging(options.marker),
      options,
    );
  }

  /** Cancels tasks as their endpoints' activity manager, telling the owners why. */
  endpointManagerCancelTasks(
    taskIds: string | Iterable<string>,
    message: string,
    options?: OperationOptions,
  ): Promise<AdminCancel> {
    return this.call(
      {
        method: "POST",
        path: "/v0.10/endpoint_manager/admin_cancel",
        body: { message, task_id_list: uuidList("taskIds", taskIds) },
      },
      options,
    );
  }

  /** The state of an administrator's cancel (`endpointManagerCancelTasks`'s `id`). */
  endpointManagerCancelStatus(
    adminCancelId: string | number,
    options?: OperationOptions,
  ): Promise<AdminCancel> {
    return this.call(
      { path: apiPath`/v0.10/endpoint_manager/admin_cancel/${String(adminCancelId)}` },
      options,
    );
  }

  /** Pauses tasks as their endpoints' activity manager, telling the owners why. */
  endpointManagerPauseTasks(
    taskIds: string | Iterable<string>,
    message: string,
    options?: OperationOptions,
  ): Promise<AdminTaskAction> {
    return this.call(
      {
        method: "POST",
        path: "/v0.10/endpoint_manager/admin_pause",
        body: { message, task_id_list: uuidList("taskIds", taskIds) },
      },
      options,
    );
  }

  /** Resumes tasks paused by an administrator or held by pause rules. */
  endpointManagerResumeTasks(
    taskIds: string | Iterable<string>,
    options?: OperationOptions,
  ): Promise<AdminTaskAction> {
    return this.call(
      {
        method: "POST",
        path: "/v0.10/endpoint_manager/admin_resume",
        body: { task_id_list: uuidList("taskIds", taskIds) },
      },
      options,
    );
  }

  /** The pause rules on endpoints you monitor (`filterEndpoint`: one host and its guests). */
  endpointManagerPauseRuleList(
    options: OperationOptions & { filterEndpoint?: string } = {},
  ): Promise<PauseRuleList> {
    return this.call(
      {
        path: "/v0.10/endpoint_manager/pause_rule_list",
        query: { filter_endpoint: options.filterEndpoint },
      },
      options,
    );
  }

  /** Creates a pause rule on an endpoint you are an activity manager of. */
  endpointManagerCreatePauseRule(
    data: PauseRuleDocument,
    options?: OperationOptions,
  ): Promise<PauseRule> {
    return this.call(
      { method: "POST", path: "/v0.10/endpoint_manager/pause_rule", body: data },
      options,
    );
  }

  /** One pause rule. */
  endpointManagerGetPauseRule(pauseRuleId: string, options?: OperationOptions): Promise<PauseRule> {
    return this.call({ path: apiPath`/v0.10/endpoint_manager/pause_rule/${pauseRuleId}` }, options);
  }

  /** Changes a pause rule (its endpoint cannot change). */
  endpointManagerUpdatePauseRule(
    pauseRuleId: string,
    data: PauseRuleDocument,
    options?: OperationOptions,
  ): Promise<PauseRule> {
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v0.10/endpoint_manager/pause_rule/${pauseRuleId}`,
        body: data,
      },
      options,
    );
  }

  /** Deletes a pause rule; the tasks it held run again. */
  endpointManagerDeletePauseRule(
    pauseRuleId: string,
    options?: OperationOptions,
  ): Promise<TransferResult> {
    return this.call(
      { method: "DELETE", path: apiPath`/v0.10/endpoint_manager/pause_rule/${pauseRuleId}` },
      options,
    );
  }

  // --- tunnels and stream access points (v2, beta) ---------------------------------------

  /**
   * Creates a tunnel between two stream access points. A document without a submission id
   * gets a fresh one, as the Python SDK does, so that a retried create is harmless.
   */
  createTunnel(
    data: CreateTunnelData | { data: Record<string, unknown> },
    options?: OperationOptions,
  ): Promise<TunnelResponse> {
    const document = structuredClone("toJSON" in data ? data.toJSON() : data) as {
      data?: Record<string, unknown>;
    };
    if (!document.data || typeof document.data !== "object") {
      throw new GlobusSDKUsageError(
        "createTunnel: the document has no 'data' key; build it with CreateTunnelData.",
      );
    }
    document.data.attributes ??= {};
    const attributes = document.data.attributes as Record<string, unknown>;
    attributes.submission_id ??= randomUUID();
    if ("toJSON" in data) data.submissionId = String(attributes.submission_id);
    return this.call(
      { method: "POST", path: "/v2/tunnels", body: document, retrySafe: true },
      options,
    );
  }

  /** Changes a tunnel (its label, the listener's contact, or `state: "STOPPING"`). */
  updateTunnel(
    tunnelId: string,
    updateDoc: { data: Record<string, unknown> },
    options?: OperationOptions,
  ): Promise<TunnelResponse> {
    return this.call(
      { method: "PATCH", path: apiPath`/v2/tunnels/${tunnelId}`, body: updateDoc },
      options,
    );
  }

  /** One tunnel. */
  getTunnel(tunnelId: string, options?: OperationOptions): Promise<TunnelResponse> {
    return this.call({ path: apiPath`/v2/tunnels/${tunnelId}` }, options);
  }

  /** Deletes a stopped tunnel and everything about it. */
  deleteTunnel(tunnelId: string, options?: OperationOptions): Promise<TunnelDeleteResponse> {
    return this.call({ method: "DELETE", path: apiPath`/v2/tunnels/${tunnelId}` }, options);
  }

  /** Your tunnels. */
  listTunnels(options?: OperationOptions): Promise<TunnelList> {
    return this.call({ path: "/v2/tunnels" }, options);
  }

  /** One stream access point. */
  getStreamAccessPoint(
    streamApId: string,
    options?: OperationOptions,
  ): Promise<StreamAccessPointResponse> {
    return this.call({ path: apiPath`/v2/stream_access_points/${streamApId}` }, options);
  }

  /** A tunnel's events (started, active, stopped, ...). */
  getTunnelEvents(tunnelId: string, options?: OperationOptions): Promise<TunnelEventList> {
    return this.call({ path: apiPath`/v2/tunnels/${tunnelId}/events` }, options);
  }
}

/** Transfer's per-file results: `marker` in, `next_marker` out, null at the end. */
function fileResultsPaging(marker: string | number | undefined) {
  return startingAt(
    markerPaging({ itemsKey: "DATA", markerKey: "next_marker", nullable: true }),
    marker === undefined ? undefined : String(marker),
  );
}

/** A paging style whose first page starts at a cursor the caller gave (a marker, a token). */
function startingAt<T>(style: PagingStyle<T>, first: T | undefined): PagingStyle<T> {
  if (first === undefined) return style;
  return { ...style, params: (cursor) => style.params(cursor ?? first) };
}

/** A Date as Python's `isoformat(timespec="seconds")` writes an aware UTC time; strings as given. */
function timeString(value: string | Date): string {
  return typeof value === "string" ? value : value.toISOString().replace(/\.\d{3}Z$/, "+00:00");
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
