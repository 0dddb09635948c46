/**
 * The Search emulator's state: indices with their entries and roles, and the tasks that
 * change entries. Who may do what is decided here, in `requireRole`, and nowhere else.
 *
 * - Writes (ingest and the deletes) are tasks: PENDING, then PROGRESS, then SUCCESS after
 *   `SEARCH_TASK_SECONDS` of emulator time, when their change applies.
 * - Deleting an index marks it `delete-pending` and cancels its pending tasks; only reopen
 *   works on it then. A trial index is gone `TRIAL_INDEX_RETENTION_SECONDS` later, any other
 *   after 30 days.
 * - A caller's principals are the identities of its identity set, the groups the seed puts
 *   them in (`identities[].groups`), `all_authenticated_users`, and `public`.
 */
import type { EmulatorHttpError } from "../../types.ts";
import { isoTime } from "../common.ts";
import { entryMatches, type ParsedQuery, type SearchEntry } from "./query.ts";

/** Emulator seconds a Search task takes from submission to SUCCESS. */
export const SEARCH_TASK_SECONDS = 2;
/** Emulator seconds a deleted trial index stays reopenable ("a few minutes"). */
export const TRIAL_INDEX_RETENTION_SECONDS = 300;
const NON_TRIAL_RETENTION_SECONDS = 30 * 24 * 3600;
/** How many trial indices one principal may own. */
export const TRIAL_OWNERSHIP_LIMIT = 3;
const TASK_LIST_LIMIT = 1000;

export const ROLE_NAMES = ["owner", "admin", "writer"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface RoleRecord {
  id: string;
  indexId: string;
  roleName: RoleName;
  principal: string;
  createdAt: number;
}

export interface IndexRecord {
  id: string;
  displayName: string;
  description: string;
  createdAt: number;
  subscriptionId: string | null;
  maxSizeInMb: number;
  status: "open" | "delete-pending";
  /** When it was marked for deletion. */
  deletedAt?: number;
  entries: Map<string, SearchEntry>;
  roles: Map<string, RoleRecord>;
}

/** What a task does to its index when it completes. */
export type TaskChange =
  | { kind: "ingest"; entries: SearchEntry[] }
  | { kind: "delete_by_query"; query: ParsedQuery }
  | { kind: "delete_subjects"; subjects: string[] }
  | { kind: "delete_entry"; subject: string; entryId: string | null };

const TASK_TYPES: Record<TaskChange["kind"], string> = {
  ingest: "INGEST",
  delete_by_query: "DELETE_BY_QUERY",
  delete_subjects: "DELETE_BY_SUBJECT",
  delete_entry: "DELETE_ENTRY",
};

export interface TaskRecord {
  id: string;
  indexId: string;
  createdAt: number;
  change: TaskChange;
  /** Set once the task has finished (SUCCESS) or was cancelled with its index. */
  outcome?: { state: "SUCCESS" | "CANCELLED"; at: number; message: string };
}

/** Who is calling: their principal URNs (an anonymous caller has only `public`). */
export interface Caller {
  readonly principals: ReadonlySet<string>;
  /** The principal a new index's owner role goes to (the token's identity). */
  readonly identity: string | undefined;
}

/**
 * Builds Search's error (a `GError` document), with its optional `error_data`; it also
 * serves where the shared helpers take an `ErrorBuilder`.
 */
export type SearchFail = (
  status: number,
  code: string,
  message: string,
  errorData?: Record<string, unknown>,
) => EmulatorHttpError;

export const GROUP_URN_PREFIX = "urn:globus:groups:id:";
const IDENTITY_URN_PREFIX = "urn:globus:auth:identity:";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `identity` or `group` for a role principal URN; undefined for anything else. */
export function principalType(principal: string): "identity" | "group" | undefined {
  if (principal.startsWith(IDENTITY_URN_PREFIX) && UUID.test(principal.slice(25))) {
    return "identity";
  }
  if (principal.startsWith(GROUP_URN_PREFIX) && UUID.test(principal.slice(21))) return "group";
  return undefined;
}

/** Whether a `visible_to` value is a principal Search understands. */
export function isVisibilityPrincipal(value: string): boolean {
  return value === "public" || value === "all_authenticated_users" || !!principalType(value);
}

export function entryKey(subject: string, entryId: string | null): string {
  return `${subject}\u0000${entryId ?? ""}`;
}

/** Search writes index and role dates as `2021-04-05 15:05:18`. */
export function searchDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}

/** The operations that need a role, with the roles that allow them. */
const OPERATION_ROLES = {
  index_update: ["owner", "admin"],
  index_delete: ["owner"],
  index_reopen: ["owner"],
  role_list: ["owner", "admin"],
  role_create: ["owner", "admin"],
  role_delete: ["owner", "admin"],
  ingest: ["owner", "admin", "writer"],
  delete: ["owner", "admin", "writer"],
  task_read: ["owner", "admin", "writer"],
  bypass_visible_to: ["owner", "admin"],
} as const satisfies Record<string, readonly RoleName[]>;

export type Operation = keyof typeof OPERATION_ROLES;

export class SearchState {
  readonly indexes = new Map<string, IndexRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly #fail: SearchFail;
  readonly #newId: () => string;
  #roleCounter = 30_000;

  constructor(fail: SearchFail, newId: () => string) {
    this.#fail = fail;
    this.#newId = newId;
  }

  /** Finishes the tasks and removes the deleted indices whose time has come. */
  settle(now: number): void {
    for (const task of this.tasks.values()) {
      const due = task.createdAt + SEARCH_TASK_SECONDS;
      if (task.outcome || now < due) continue;
      const index = this.indexes.get(task.indexId);
      if (!index) continue;
      task.outcome = { state: "SUCCESS", at: due, message: applyChange(index, task.change) };
    }
    for (const index of this.indexes.values()) {
      if (index.deletedAt === undefined) continue;
      const retention = index.subscriptionId
        ? NON_TRIAL_RETENTION_SECONDS
        : TRIAL_INDEX_RETENTION_SECONDS;
      if (now < index.deletedAt + retention) continue;
      this.indexes.delete(index.id);
      for (const task of this.tasks.values()) {
        if (task.indexId === index.id) this.tasks.delete(task.id);
      }
    }
  }

  /** An index by id, or Search's 404. */
  index(id: string): IndexRecord {
    const index = this.indexes.get(id);
    if (!index) throw this.#fail(404, "NotFound.NoSuchIndex", `There is no index with id '${id}'`);
    return index;
  }

  /** An index that is open, or Search's 409 naming its status. */
  openIndex(id: string): IndexRecord {
    const index = this.index(id);
    this.requireOpen(index);
    return index;
  }

  requireOpen(index: IndexRecord): void {
    requireStatus(index, "open", this.#fail);
  }

  /** The caller's roles on an index, strongest first. */
  rolesOf(index: IndexRecord, caller: Caller): RoleName[] {
    const held = new Set(
      [...index.roles.values()]
        .filter((role) => caller.principals.has(role.principal))
        .map((role) => role.roleName),
    );
    return ROLE_NAMES.filter((name) => held.has(name));
  }

  /** Refuses (403, in Search's words) an operation the caller's roles do not allow. */
  requireRole(index: IndexRecord, caller: Caller, operation: Operation): void {
    const allowed: readonly RoleName[] = OPERATION_ROLES[operation];
    if (this.rolesOf(index, caller).some((role) => allowed.includes(role))) return;
    throw this.#fail(403, "Forbidden.Generic", `${operation} request denied by service`, {
      cause: `The caller holds none of the roles the ${operation} operation needs (${allowed.join(", ")}).`,
      recommended_resolution:
        "Call with a Search token of an identity (or a group member) that has one of those roles on the index.",
    });
  }

  /** Creates an index with the caller as its owner; trial indices count against a limit. */
  createIndex(
    caller: Caller,
    fields: { displayName: string; description: string },
    now: number,
  ): IndexRecord {
    const owner = caller.identity;
    if (!owner) throw this.#fail(401, "AuthenticationFailed", "Creating an index needs a token");
    this.#checkOwnershipLimit(owner);
    const index: IndexRecord = {
      id: this.#newId(),
      ...fields,
      createdAt: now,
      subscriptionId: null,
      maxSizeInMb: 1,
      status: "open",
      entries: new Map(),
      roles: new Map(),
    };
    this.indexes.set(index.id, index);
    this.addRole(index, "owner", owner, now);
    return index;
  }

  #checkOwnershipLimit(principal: string): void {
    const owned = [...this.indexes.values()].filter(
      (index) =>
        index.subscriptionId === null &&
        [...index.roles.values()].some(
          (role) => role.roleName === "owner" && role.principal === principal,
        ),
    ).length;
    if (owned >= TRIAL_OWNERSHIP_LIMIT) {
      throw this.#fail(409, "Conflict.LimitExceeded", "Role limit exceeded", {
        cause:
          "Creating an index makes its creator an owner; this principal already owns the most trial indices allowed.",
        constraint: `At most ${TRIAL_OWNERSHIP_LIMIT} ownership roles on trial indices`,
      });
    }
  }

  addRole(index: IndexRecord, roleName: RoleName, principal: string, now: number): RoleRecord {
    const duplicate = [...index.roles.values()].some(
      (role) => role.roleName === roleName && role.principal === principal,
    );
    if (duplicate) {
      throw this.#fail(
        409,
        "Conflict.AlreadyExists",
        `'${principal}' already has the role '${roleName}' on this index`,
      );
    }
    if (roleName === "owner" && index.roles.size > 0 && index.subscriptionId === null) {
      this.#checkOwnershipLimit(principal);
    }
    // role ids are short opaque strings (base64 of a number), not UUIDs
    const id = Buffer.from(String(++this.#roleCounter).padStart(6, "0")).toString("base64");
    const role: RoleRecord = { id, indexId: index.id, roleName, principal, createdAt: now };
    index.roles.set(id, role);
    return role;
  }

  deleteRole(index: IndexRecord, roleId: string): RoleRecord {
    const role = index.roles.get(roleId);
    if (!role) throw this.#fail(404, "NotFound.Generic", `There is no role with id '${roleId}'`);
    const owners = [...index.roles.values()].filter((other) => other.roleName === "owner");
    if (role.roleName === "owner" && owners.length === 1) {
      throw this.#fail(409, "Conflict.LimitExceeded", "An index must keep at least one owner");
    }
    index.roles.delete(roleId);
    return role;
  }

  /** Marks an index for deletion and cancels its pending tasks. */
  deleteIndex(index: IndexRecord, now: number): void {
    requireStatus(index, "open", this.#fail);
    index.status = "delete-pending";
    index.deletedAt = now;
    for (const task of this.tasks.values()) {
      if (task.indexId === index.id && !task.outcome) {
        task.outcome = { state: "CANCELLED", at: now, message: "Cancelled: index deleted" };
      }
    }
  }

  reopenIndex(index: IndexRecord): void {
    requireStatus(index, "delete-pending", this.#fail);
    index.status = "open";
    delete index.deletedAt;
  }

  submitTask(index: IndexRecord, change: TaskChange, now: number): TaskRecord {
    const task: TaskRecord = { id: this.#newId(), indexId: index.id, createdAt: now, change };
    this.tasks.set(task.id, task);
    return task;
  }

  /** An index's most recent tasks, newest first. */
  tasksOf(index: IndexRecord): TaskRecord[] {
    return [...this.tasks.values()]
      .filter((task) => task.indexId === index.id)
      .reverse()
      .slice(0, TASK_LIST_LIMIT);
  }
}

function requireStatus(index: IndexRecord, status: IndexRecord["status"], fail: SearchFail): void {
  if (index.status === status) return;
  // Search names statuses with underscores in this message, unlike the status field
  const name = (value: string) => value.replace("-", "_");
  throw fail(
    409,
    "Conflict.IncompatibleIndexStatus",
    `Index status (${name(index.status)}) did not match required status for this operation: ${name(status)}`,
  );
}

/** Applies a finished task's change; answers the task's message. */
function applyChange(index: IndexRecord, change: TaskChange): string {
  switch (change.kind) {
    case "ingest":
      for (const entry of change.entries) {
        index.entries.set(entryKey(entry.subject, entry.entryId), entry);
      }
      return `Ingested ${change.entries.length} document(s)`;
    case "delete_by_query":
      return deleteWhere(index, (entry) => entryMatches(entry, change.query));
    case "delete_subjects": {
      const subjects = new Set(change.subjects);
      return deleteWhere(index, (entry) => subjects.has(entry.subject));
    }
    case "delete_entry":
      return deleteWhere(
        index,
        (entry) => entry.subject === change.subject && entry.entryId === change.entryId,
      );
  }
}

function deleteWhere(index: IndexRecord, test: (entry: SearchEntry) => boolean): string {
  let count = 0;
  for (const [key, entry] of index.entries) {
    if (!test(entry)) continue;
    index.entries.delete(key);
    count += 1;
  }
  return `Deleted ${count} entries`;
}

/** A task as Search answers it. */
export function taskDocument(task: TaskRecord, now: number): Record<string, unknown> {
  const elapsed = now - task.createdAt;
  const state = task.outcome?.state ?? (elapsed >= 1 ? "PROGRESS" : "PENDING");
  const descriptions: Record<string, string> = {
    PENDING: "Task is waiting to be processed",
    PROGRESS: "Task is in progress",
    SUCCESS: "Task succeeded",
    CANCELLED: "Task was cancelled",
  };
  return {
    task_id: task.id,
    state,
    state_description: descriptions[state],
    task_type: TASK_TYPES[task.change.kind],
    index_id: task.indexId,
    creation_date: isoTime(task.createdAt),
    completion_date: task.outcome ? isoTime(task.outcome.at) : null,
    message: task.outcome?.message ?? "",
    additional_details: null,
  };
}

/** A role as Search answers it. */
export function roleDocument(role: RoleRecord): Record<string, unknown> {
  return {
    creation_date: searchDate(role.createdAt),
    id: role.id,
    index_id: role.indexId,
    principal: role.principal,
    principal_type: principalType(role.principal),
    role_name: role.roleName,
  };
}
