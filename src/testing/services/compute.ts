/**
 * Globus Compute (`/v2/`), the minimal workflow: endpoint list and status, register and
 * get a function, submit a batch, and read a task's result. A task "runs" for a moment
 * of emulator time and returns its payload as the result.
 */
import { KNOWN_SCOPES } from "../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import { type ErrorBuilder, isRecord, objectBody, optionalString } from "./common.ts";

/** The compute endpoint every emulator starts with. */
export const DEMO_COMPUTE_ENDPOINT_ID = "66666666-1111-4666-8666-666666666666";
/** Emulator seconds before a submitted task reports success. */
export const COMPUTE_TASK_SECONDS = 1;

const COMPUTE = KNOWN_SCOPES.compute;

interface FunctionRecord {
  id: string;
  owner: string;
  name: string;
  code: string;
  description: string;
}

interface TaskRecord {
  id: string;
  owner: string;
  functionId: string;
  endpointId: string;
  payload: unknown;
  submittedAt: number;
}

/** Compute's error body: `{code, reason, http_status_code}`. */
function computeErrorBody(status: number, code: string, reason: string) {
  return { code, reason, http_status_code: status };
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const formatter: ErrorBodyFormatter = (status, code, message) =>
    computeErrorBody(status, code, message);
  const fail: ErrorBuilder = (status, code, message) =>
    new EmulatorHttpError(status, computeErrorBody(status, code, message));
  const functions = new Map<string, FunctionRecord>();
  const tasks = new Map<string, TaskRecord>();
  const endpoint = {
    uuid: DEMO_COMPUTE_ENDPOINT_ID,
    name: "emulator-compute-endpoint",
    display_name: "Emulator Compute Endpoint",
    owner: context.seed.identities[0]?.id ?? null,
  };

  function auth(request: EmulatorRequest): AccessTokenInfo {
    return context.authenticate(request, COMPUTE.resourceServer, {
      anyOfScopes: [COMPUTE.scopes.all],
      format: formatter,
    });
  }

  function requireEndpoint(id: string): typeof endpoint {
    if (id !== endpoint.uuid)
      throw fail(404, "ENDPOINT_NOT_FOUND", `Endpoint ${id} could not be found`);
    return endpoint;
  }

  function taskDoc(task: TaskRecord): Record<string, unknown> {
    const done = context.now() >= task.submittedAt + COMPUTE_TASK_SECONDS;
    const doc: Record<string, unknown> = {
      task_id: task.id,
      status: done ? "success" : "waiting-for-ep",
      details: { endpoint_id: task.endpointId, function_id: task.functionId },
    };
    if (done) {
      doc.result = typeof task.payload === "string" ? task.payload : JSON.stringify(task.payload);
      doc.completion_t = String(task.submittedAt + COMPUTE_TASK_SECONDS);
    }
    return doc;
  }

  router.route("GET", "/v2/endpoints", (request) => {
    auth(request);
    return { body: [endpoint] };
  });

  router.route("GET", "/v2/endpoints/:id", (request) => {
    auth(request);
    return { body: requireEndpoint(request.params.id ?? "") };
  });

  router.route("GET", "/v2/endpoints/:id/status", (request) => {
    auth(request);
    requireEndpoint(request.params.id ?? "");
    const pending = [...tasks.values()].filter(
      (task) => context.now() < task.submittedAt + COMPUTE_TASK_SECONDS,
    ).length;
    return {
      body: {
        status: "online",
        details: {
          total_workers: 1,
          idle_workers: pending > 0 ? 0 : 1,
          pending_tasks: pending,
          outstanding_tasks: pending,
          managers: 1,
        },
      },
    };
  });

  router.route("POST", "/v2/functions", (request) => {
    const token = auth(request);
    const body = objectBody(() => request.json(), fail);
    const code = optionalString(body, "function_code", fail);
    if (!code) throw fail(422, "UNPROCESSABLE_ENTITY", "'function_code' is required");
    const record: FunctionRecord = {
      id: context.newId(),
      owner: token.identityId,
      name: optionalString(body, "function_name", fail) ?? "function",
      code,
      description: optionalString(body, "description", fail) ?? "",
    };
    functions.set(record.id, record);
    return { body: { function_uuid: record.id } };
  });

  router.route("GET", "/v2/functions/:id", (request) => {
    const token = auth(request);
    const record = functions.get(request.params.id ?? "");
    if (!record || record.owner !== token.identityId) {
      throw fail(404, "FUNCTION_NOT_FOUND", `Function ${request.params.id} could not be resolved`);
    }
    return {
      body: {
        function_uuid: record.id,
        function_name: record.name,
        function_code: record.code,
        description: record.description,
      },
    };
  });

  router.route("POST", "/v2/submit", (request) => {
    const token = auth(request);
    const body = objectBody(() => request.json(), fail);
    if (!Array.isArray(body.tasks) || body.tasks.length === 0) {
      throw fail(422, "UNPROCESSABLE_ENTITY", "'tasks' must be a non-empty list");
    }
    const results = body.tasks.map((raw) => {
      // Tasks come as [function_id, endpoint_id, payload] triples or as objects.
      const [functionId, endpointId, payload] = Array.isArray(raw)
        ? raw
        : isRecord(raw)
          ? [
              raw.function_uuid ?? raw.function_id,
              raw.endpoint_uuid ?? raw.endpoint_id,
              raw.payload,
            ]
          : [];
      const record = typeof functionId === "string" ? functions.get(functionId) : undefined;
      if (!record || record.owner !== token.identityId) {
        return {
          status: "failed",
          task_uuid: null,
          http_status_code: 404,
          reason: `Function ${String(functionId)} could not be resolved`,
        };
      }
      if (endpointId !== endpoint.uuid) {
        return {
          status: "failed",
          task_uuid: null,
          http_status_code: 404,
          reason: `Endpoint ${String(endpointId)} could not be found`,
        };
      }
      const task: TaskRecord = {
        id: context.newId(),
        owner: token.identityId,
        functionId: record.id,
        endpointId: endpoint.uuid,
        payload,
        submittedAt: context.now(),
      };
      tasks.set(task.id, task);
      return { status: "success", task_uuid: task.id, http_status_code: 200, reason: null };
    });
    const taskGroupId =
      typeof body.task_group_id === "string" ? body.task_group_id : context.newId();
    return { body: { response: "success", task_group_id: taskGroupId, results } };
  });

  router.route("GET", "/v2/tasks/:id", (request) => {
    const token = auth(request);
    const task = tasks.get(request.params.id ?? "");
    if (!task || task.owner !== token.identityId) {
      throw fail(404, "TASK_NOT_FOUND", `Task ${request.params.id} could not be found`);
    }
    return { body: taskDoc(task) };
  });
}

/** Globus Compute, mounted at `/compute/`. */
export const computeService: ServiceModule = {
  name: "compute",
  errorFormat: computeErrorBody,
  register,
};
