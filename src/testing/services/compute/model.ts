/**
 * The state of the emulated Globus Compute service and its rules: endpoints (who owns,
 * administers, may see and may use them; locks; online or not), functions (who may read
 * and run them, what they "return"), tasks (queued, run, finished by the emulator clock)
 * and task groups. The routes in `../compute.ts` only parse requests and render documents.
 */
import { randomBytes } from "node:crypto";
import { GlobusSDKUsageError } from "../../../errors.ts";
import type { ErrorBuilder } from "../common.ts";

/** Emulator seconds a task takes on its endpoint unless its function declares otherwise. */
export const COMPUTE_TASK_SECONDS = 1;
/** Emulator seconds a lock keeps an endpoint from registering again. */
export const COMPUTE_LOCK_SECONDS = 300;

/** What an emulated endpoint reports about itself (Compute's endpoint metadata). */
export interface EndpointMetadata {
  endpoint_config: string;
  user_config_template: string;
  user_config_schema: Record<string, unknown>;
  description: string;
  ip_address: string;
  hostname?: string;
  local_user?: string;
  endpoint_version?: string;
  sdk_version?: string;
  python_version?: string;
}

export interface EndpointRecord {
  id: string;
  owner: string;
  /** Identities that administer the endpoint besides its owner. */
  admins: string[];
  name: string;
  displayName: string;
  multiUser: boolean;
  public: boolean;
  highAssurance: boolean;
  /** The functions it may run; null when it runs any. */
  allowedFunctions: string[] | null;
  authenticationPolicy: string | null;
  subscriptionId: string | null;
  metadata: EndpointMetadata;
  /** When the endpoint (re)connected; null while it is offline (after a lock). */
  onlineSince: number | null;
  lockedUntil: number | null;
}

/** What a registration sets on an endpoint. */
export type EndpointFields = Omit<EndpointRecord, "id" | "owner" | "onlineSince" | "lockedUntil">;

/** How an emulated function behaves: the body is opaque, the outcome is declared. */
export interface FunctionBehaviour {
  /** The serialised result every task returns; undefined: the task's own payload. */
  result?: string;
  /** The serialised exception every task fails with. */
  exception?: string;
  seconds: number;
}

export interface FunctionRecord {
  id: string;
  owner: string;
  name: string;
  code: string;
  description: string;
  metadata: { python_version?: string; sdk_version?: string };
  public: boolean;
  /** A Globus group the function is shared with (stored; membership is not checked). */
  group: string | null;
  /** A high-assurance endpoint the function may run on, and only there. */
  haEndpointId: string | null;
  behaviour: FunctionBehaviour;
}

export interface TaskRecord {
  id: string;
  owner: string;
  functionId: string;
  endpointId: string;
  groupId: string;
  payload: string;
  submittedAt: number;
  /** When the endpoint took the task; null while it waits for an online endpoint. */
  startedAt: number | null;
  seconds: number;
  outcome: { result: string } | { exception: string };
  /** Refused at submission: it never reached an endpoint. */
  refused: boolean;
}

export interface TaskGroupRecord {
  id: string;
  owner: string;
  createQueue: boolean;
  tasks: { id: string; createdAt: number }[];
}

/** A submitted task, before it is checked. */
export interface TaskRequest {
  functionId: string;
  endpointId: string;
  payload: string;
}

/** The emulator's declaration of a function's outcome, inside its otherwise opaque code. */
interface Declaration {
  result?: unknown;
  exception?: unknown;
  seconds?: unknown;
}

/**
 * A function body for the emulator: real Compute ships Python code serialised by its SDK,
 * which the emulator cannot run, so it reads this declaration instead. Tasks of a function
 * registered with it return `result` (or fail with `exception`) after `seconds` of emulator
 * time; tasks of any other function return their own serialised arguments.
 */
export function emulatedComputeFunction(declaration: {
  result?: string;
  exception?: string;
  seconds?: number;
}): string {
  if (declaration.result !== undefined && declaration.exception !== undefined) {
    throw new GlobusSDKUsageError("emulatedComputeFunction: give result or exception, not both.");
  }
  const seconds = declaration.seconds;
  if (seconds !== undefined && (!Number.isFinite(seconds) || seconds < 0)) {
    throw new GlobusSDKUsageError("emulatedComputeFunction: seconds must be a number >= 0.");
  }
  return JSON.stringify({ emulator: declaration });
}

function behaviourOf(code: string): FunctionBehaviour {
  let declared: Declaration | undefined;
  try {
    const parsed: unknown = JSON.parse(code);
    const inner = (parsed as { emulator?: unknown } | null)?.emulator;
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
      declared = inner as Declaration;
    }
  } catch {
    // an opaque (real) function body: its tasks echo their arguments
  }
  const seconds = declared?.seconds;
  return {
    ...(typeof declared?.result === "string" ? { result: declared.result } : {}),
    ...(typeof declared?.exception === "string" ? { exception: declared.exception } : {}),
    seconds:
      typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0
        ? seconds
        : COMPUTE_TASK_SECONDS,
  };
}

/** Compute's naive UTC times with microseconds: `2021-07-01T00:00:00.000000`. */
export function computeTime(epochSeconds: number): string {
  return `${new Date(Math.round(epochSeconds * 1000)).toISOString().slice(0, -1)}000`;
}

/** Credentials for an (emulated) AMQP server, fresh on every call, as Compute hands out. */
export function amqpUrl(user: string): string {
  return `amqps://${user}:${randomBytes(12).toString("hex")}@amqp.compute.emulator.invalid`;
}

/**
 * Everything the emulated Compute knows. Each rule about who may do what lives in one
 * method here; every route asks them.
 */
export class ComputeState {
  readonly endpoints = new Map<string, EndpointRecord>();
  readonly functions = new Map<string, FunctionRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly groups = new Map<string, TaskGroupRecord>();
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #fail: ErrorBuilder;

  constructor(now: () => number, newId: () => string, fail: ErrorBuilder) {
    this.#now = now;
    this.#newId = newId;
    this.#fail = fail;
  }

  // --- endpoints -------------------------------------------------------------------------

  #isAdmin(caller: string, endpoint: EndpointRecord): boolean {
    return endpoint.owner === caller || endpoint.admins.includes(caller);
  }

  #found(id: string): EndpointRecord {
    const endpoint = this.endpoints.get(id);
    if (!endpoint) throw this.#fail(404, "ENDPOINT_NOT_FOUND", `Endpoint ${id} not found`);
    return endpoint;
  }

  /** An endpoint the caller may read: administered by them, or public. */
  visibleEndpoint(caller: string, id: string): EndpointRecord {
    const endpoint = this.#found(id);
    if (!this.#isAdmin(caller, endpoint) && !endpoint.public) {
      throw this.#fail(403, "FORBIDDEN", `You do not have access to endpoint ${id}`);
    }
    return endpoint;
  }

  /** An endpoint the caller may change, lock or delete: its owner or an admin. */
  managedEndpoint(caller: string, id: string): EndpointRecord {
    const endpoint = this.#found(id);
    if (!this.#isAdmin(caller, endpoint)) {
      throw this.#fail(403, "FORBIDDEN", `You are not an administrator of endpoint ${id}`);
    }
    return endpoint;
  }

  /**
   * An endpoint the caller may send tasks to: theirs, or a multi-user endpoint (whose host
   * maps identities to local accounts; the emulator maps every identity).
   */
  #usableEndpoint(caller: string, id: string): EndpointRecord {
    const endpoint = this.#found(id);
    if (!this.#isAdmin(caller, endpoint) && !endpoint.multiUser) {
      throw this.#fail(403, "FORBIDDEN", `You may not submit tasks to endpoint ${id}`);
    }
    return endpoint;
  }

  /** `owner`: the caller's endpoints (owned or administered); `any`: public ones too. */
  listEndpoints(caller: string, role: "owner" | "any"): EndpointRecord[] {
    return [...this.endpoints.values()].filter(
      (endpoint) => this.#isAdmin(caller, endpoint) || (role === "any" && endpoint.public),
    );
  }

  /**
   * Registers an endpoint, or re-registers one (a restart of its process): that needs
   * its administrator, no lock in force, and unchanged immutable flags. A registered
   * endpoint is online at once: the emulator plays its process.
   */
  registerEndpoint(caller: string, id: string | undefined, fields: EndpointFields): EndpointRecord {
    const now = this.#now();
    const existing = id === undefined ? undefined : this.endpoints.get(id);
    if (existing) {
      this.managedEndpoint(caller, existing.id);
      if (existing.lockedUntil !== null && now < existing.lockedUntil) {
        throw this.#fail(
          423,
          "ENDPOINT_LOCKED",
          `Endpoint ${existing.id} is locked until ${computeTime(existing.lockedUntil)}`,
        );
      }
      for (const [flag, key] of [
        ["multi_user", "multiUser"],
        ["high_assurance", "highAssurance"],
      ] as const) {
        if (existing[key] !== fields[key]) {
          throw this.#fail(409, "CONFLICT", `'${flag}' of endpoint ${existing.id} cannot change`);
        }
      }
      this.#settle(existing);
      Object.assign(existing, fields, { onlineSince: existing.onlineSince ?? now });
      existing.lockedUntil = null;
      return existing;
    }
    const endpoint: EndpointRecord = {
      ...fields,
      id: id ?? this.#newId(),
      owner: caller,
      onlineSince: now,
      lockedUntil: null,
    };
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  /** Locks an endpoint: it drops offline and may not register again for a while. */
  lockEndpoint(caller: string, id: string): EndpointRecord {
    const endpoint = this.managedEndpoint(caller, id);
    this.#settle(endpoint);
    endpoint.onlineSince = null;
    endpoint.lockedUntil = this.#now() + COMPUTE_LOCK_SECONDS;
    return endpoint;
  }

  deleteEndpoint(caller: string, id: string): void {
    this.managedEndpoint(caller, id);
    this.endpoints.delete(id);
  }

  /** Tasks of the endpoint that have not finished yet. */
  outstandingTasks(endpoint: EndpointRecord): TaskRecord[] {
    this.#settle(endpoint);
    return [...this.tasks.values()].filter(
      (task) => task.endpointId === endpoint.id && !this.isDone(task),
    );
  }

  // --- functions -------------------------------------------------------------------------

  registerFunction(
    caller: string,
    fields: Omit<FunctionRecord, "id" | "owner" | "behaviour">,
  ): FunctionRecord {
    if (fields.haEndpointId !== null) {
      const endpoint = this.managedEndpoint(caller, fields.haEndpointId);
      if (!endpoint.highAssurance) {
        throw this.#fail(
          400,
          "BAD_REQUEST",
          `Endpoint ${endpoint.id} is not a high-assurance endpoint`,
        );
      }
    }
    const record: FunctionRecord = {
      ...fields,
      id: this.#newId(),
      owner: caller,
      behaviour: behaviourOf(fields.code),
    };
    this.functions.set(record.id, record);
    return record;
  }

  /** A function the caller may read and run: theirs, or public. */
  readableFunction(caller: string, id: string): FunctionRecord {
    const record = this.functions.get(id);
    if (!record) throw this.#fail(404, "FUNCTION_NOT_FOUND", `Function ${id} not found`);
    if (record.owner !== caller && !record.public) {
      throw this.#fail(403, "FORBIDDEN", `You do not have access to function ${id}`);
    }
    return record;
  }

  deleteFunction(caller: string, id: string): void {
    const record = this.readableFunction(caller, id);
    if (record.owner !== caller) {
      throw this.#fail(403, "FORBIDDEN", `Only the owner may delete function ${id}`);
    }
    this.functions.delete(id);
  }

  // --- tasks -----------------------------------------------------------------------------

  /**
   * Checks that the caller may run `request` (the function on the endpoint) and throws the
   * error the service answers otherwise.
   */
  checkRunnable(caller: string, request: TaskRequest): void {
    const endpoint = this.#usableEndpoint(caller, request.endpointId);
    const record = this.readableFunction(caller, request.functionId);
    if (endpoint.allowedFunctions !== null && !endpoint.allowedFunctions.includes(record.id)) {
      throw this.#fail(
        403,
        "FUNCTION_NOT_PERMITTED",
        `Function ${record.id} is not on the allowlist of endpoint ${endpoint.id}`,
      );
    }
    if (record.haEndpointId !== null && record.haEndpointId !== endpoint.id) {
      throw this.#fail(
        403,
        "FUNCTION_NOT_PERMITTED",
        `Function ${record.id} may only run on endpoint ${record.haEndpointId}`,
      );
    }
  }

  /**
   * The caller's task group: `id` when given (it must exist when `mustExist`, else it is
   * created with that id), a new one otherwise.
   */
  taskGroup(
    caller: string,
    id: string | undefined,
    options: { mustExist: boolean; createQueue: boolean },
  ): TaskGroupRecord {
    if (id !== undefined && (this.groups.has(id) || options.mustExist)) {
      return this.readTaskGroup(caller, id);
    }
    const group: TaskGroupRecord = {
      id: id ?? this.#newId(),
      owner: caller,
      createQueue: options.createQueue,
      tasks: [],
    };
    this.groups.set(group.id, group);
    return group;
  }

  /** The caller's task group (another's is as unknown as a missing one). */
  readTaskGroup(caller: string, id: string): TaskGroupRecord {
    const group = this.groups.get(id);
    if (!group || group.owner !== caller) {
      throw this.#fail(404, "TASK_GROUP_NOT_FOUND", `Task group ${id} not found`);
    }
    return group;
  }

  /** Queues a checked task; an online endpoint takes it at once. */
  addTask(caller: string, group: TaskGroupRecord, request: TaskRequest): TaskRecord {
    const now = this.#now();
    const behaviour = this.functions.get(request.functionId)?.behaviour ?? behaviourOf("");
    const endpoint = this.endpoints.get(request.endpointId);
    const task: TaskRecord = {
      id: this.#newId(),
      owner: caller,
      functionId: request.functionId,
      endpointId: request.endpointId,
      groupId: group.id,
      payload: request.payload,
      submittedAt: now,
      startedAt: endpoint?.onlineSince != null ? now : null,
      seconds: behaviour.seconds,
      outcome:
        behaviour.exception !== undefined
          ? { exception: behaviour.exception }
          : { result: behaviour.result ?? request.payload },
      refused: false,
    };
    this.tasks.set(task.id, task);
    group.tasks.push({ id: task.id, createdAt: now });
    return task;
  }

  /** A task that was refused at submission: it exists, already failed with the reason. */
  addRefusedTask(caller: string, group: TaskGroupRecord, request: TaskRequest, reason: string) {
    const now = this.#now();
    const task: TaskRecord = {
      id: this.#newId(),
      owner: caller,
      functionId: request.functionId,
      endpointId: request.endpointId,
      groupId: group.id,
      payload: request.payload,
      submittedAt: now,
      startedAt: now,
      seconds: 0,
      outcome: { exception: reason },
      refused: true,
    };
    this.tasks.set(task.id, task);
    group.tasks.push({ id: task.id, createdAt: now });
    return task;
  }

  /** The caller's task, settled to the emulator clock; undefined when unknown or not theirs. */
  findTask(caller: string, id: string): TaskRecord | undefined {
    const task = this.tasks.get(id);
    if (!task || task.owner !== caller) return undefined;
    const endpoint = this.endpoints.get(task.endpointId);
    if (endpoint) this.#settle(endpoint);
    return task;
  }

  task(caller: string, id: string): TaskRecord {
    const task = this.findTask(caller, id);
    if (!task) throw this.#fail(404, "TASK_NOT_FOUND", `Task ${id} not found`);
    return task;
  }

  isDone(task: TaskRecord): boolean {
    return task.startedAt !== null && this.#now() >= task.startedAt + task.seconds;
  }

  /**
   * Hands the endpoint's queued tasks to it while it is online. Called before the endpoint
   * changes state and before a task is read, so a task starts when it would have.
   */
  #settle(endpoint: EndpointRecord): void {
    if (endpoint.onlineSince === null) return;
    for (const task of this.tasks.values()) {
      if (task.endpointId === endpoint.id && task.startedAt === null) {
        task.startedAt = Math.max(task.submittedAt, endpoint.onlineSince);
      }
    }
  }
}
