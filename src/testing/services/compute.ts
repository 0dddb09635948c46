/**
 * Globus Compute (`/v2/`, `/v3/`): endpoints, functions, task submission and results.
 * The state and its rules are in `compute/model.ts`, the documents in
 * `compute/documents.ts`; this module parses each route's request and answers.
 *
 * The emulator cannot run the Python that real Compute ships (serialised by its SDK), so a
 * function's body is opaque: a task returns its own serialised arguments, unless its
 * function was registered with an `emulatedComputeFunction(...)` body that declares the
 * result (or exception) and run time. An online endpoint takes a task at once; the result
 * is there when its run time has passed on the emulator clock.
 */
import { KNOWN_SCOPES } from "../../scopes/known.ts";
import type {
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import {
  endpointDocument,
  endpointListEntry,
  endpointStatusDocument,
  functionDocument,
  taskDocument,
} from "./compute/documents.ts";
import { ComputeState, type EndpointRecord, type TaskRequest } from "./compute/model.ts";
import {
  BodyReader,
  computeErrorBody,
  computeFail,
  uuidParam,
  validationError,
} from "./compute/validation.ts";

export {
  COMPUTE_LOCK_SECONDS,
  COMPUTE_TASK_SECONDS,
  emulatedComputeFunction,
} from "./compute/model.ts";

/** The compute endpoint every emulator starts with, owned by the seed's first identity. */
export const DEMO_COMPUTE_ENDPOINT_ID = "66666666-1111-4666-8666-666666666666";
/** A public multi-user endpoint of another identity (Bob in the default seed). */
export const DEMO_COMPUTE_PUBLIC_ENDPOINT_ID = "66666666-2222-4666-8666-666666666666";

const COMPUTE = KNOWN_SCOPES.compute;

/** The seeded endpoints, as their processes would register them. */
function seedEndpoints(state: ComputeState, context: EmulatorContext): void {
  const [first, ...rest] = context.seed.identities;
  const owner = first?.id ?? "";
  const other = rest.find((identity) => identity.account !== first?.account)?.id ?? owner;
  const common = {
    admins: [],
    highAssurance: false,
    allowedFunctions: null,
    authenticationPolicy: null,
  };
  state.registerEndpoint(owner, DEMO_COMPUTE_ENDPOINT_ID, {
    ...common,
    name: "emulator-compute-endpoint",
    displayName: "Emulator Compute Endpoint",
    multiUser: false,
    public: false,
    subscriptionId: "66666666-0000-4666-8666-666666666666",
    metadata: {
      endpoint_config: "engine:\n  type: ThreadPoolEngine\n  max_workers: 4",
      user_config_template: "",
      user_config_schema: {},
      description: "The emulator's own compute endpoint",
      hostname: "compute.emulator.invalid",
      local_user: "emulator",
      ip_address: "127.0.0.1",
      endpoint_version: "2.30.0",
      sdk_version: "2.30.0",
    },
  });
  state.registerEndpoint(other, DEMO_COMPUTE_PUBLIC_ENDPOINT_ID, {
    ...common,
    name: "emulator-public-endpoint",
    displayName: "Emulator Public Multi-User Endpoint",
    multiUser: true,
    public: true,
    subscriptionId: null,
    metadata: {
      endpoint_config: "",
      user_config_template: "engine:\n  type: ThreadPoolEngine",
      user_config_schema: {},
      description: "A public multi-user endpoint anyone may send tasks to",
      hostname: "shared.compute.emulator.invalid",
      local_user: "root",
      ip_address: "127.0.0.1",
      endpoint_version: "2.30.0",
      sdk_version: "2.30.0",
    },
  });
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const state = new ComputeState(() => context.now(), context.newId, computeFail);
  seedEndpoints(state, context);
  const formatter: ErrorBodyFormatter = (status, code, message) =>
    computeErrorBody(status, code, message);

  /** The caller's identity: every Compute route needs a token with Compute's `all` scope. */
  function caller(request: EmulatorRequest): string {
    return context.authenticate(request, COMPUTE.resourceServer, {
      anyOfScopes: [COMPUTE.scopes.all],
      format: formatter,
    }).identityId;
  }

  const endpointParam = (request: EmulatorRequest, version: 2 | 3 = 2) =>
    uuidParam(version, "path", "endpoint_uuid", request.params.endpoint_uuid);

  router.route("GET", "/v2/endpoints", (request) => {
    const who = caller(request);
    const role = request.query.get("role") ?? "owner";
    if (role !== "owner" && role !== "any") {
      throw validationError(2, [
        { loc: ["query", "role"], msg: "Input should be 'owner' or 'any'", type: "enum" },
      ]);
    }
    return { body: state.listEndpoints(who, role).map(endpointListEntry) };
  });

  router.route("GET", "/v2/endpoints/:endpoint_uuid", (request) => {
    const who = caller(request);
    return { body: endpointDocument(state.visibleEndpoint(who, endpointParam(request))) };
  });

  router.route("GET", "/v2/endpoints/:endpoint_uuid/status", (request) => {
    const who = caller(request);
    const endpoint: EndpointRecord = state.visibleEndpoint(who, endpointParam(request));
    return { body: endpointStatusDocument(state, endpoint) };
  });

  router.route("POST", "/v2/functions", (request) => {
    const who = caller(request);
    const body = new BodyReader(request.json(), 2);
    const name = body.string("function_name", true);
    const code = body.string("function_code", true);
    body.string("entry_point");
    const description = body.string("description");
    const metadata = body.object("metadata");
    const python = metadata?.string("python_version");
    const sdk = metadata?.string("sdk_version");
    body.uuid("container_uuid");
    const group = body.uuid("group");
    const isPublic = body.boolean("public", false);
    body.done();
    const record = state.registerFunction(who, {
      name,
      code,
      description: description ?? "",
      metadata: {
        ...(python !== undefined ? { python_version: python } : {}),
        ...(sdk !== undefined ? { sdk_version: sdk } : {}),
      },
      public: isPublic,
      group: group ?? null,
      haEndpointId: null,
    });
    return { body: { function_uuid: record.id } };
  });

  router.route("GET", "/v2/functions/:function_uuid", (request) => {
    const who = caller(request);
    const id = uuidParam(2, "path", "function_uuid", request.params.function_uuid);
    return { body: functionDocument(state.readableFunction(who, id)) };
  });

  router.route("POST", "/v2/submit", (request) => {
    const who = caller(request);
    const body = new BodyReader(request.json(), 2);
    const tasks = body.raw("tasks", true, (value) =>
      Array.isArray(value) &&
      value.every(
        (task) =>
          Array.isArray(task) &&
          task.length === 3 &&
          task.every((part) => typeof part === "string"),
      )
        ? undefined
        : "Tasks must be [function_id, endpoint_id, serialized_arguments] triples",
    ) as [string, string, string][] | undefined;
    const groupId = body.uuid("task_group_id");
    const createQueue = body.boolean("create_websocket_queue", true);
    body.done();
    const group = state.taskGroup(who, groupId, { mustExist: false, createQueue });
    const results = (tasks ?? []).map(([functionId, endpointId, payload]) => {
      const task: TaskRequest = { functionId, endpointId, payload };
      try {
        state.checkRunnable(who, task);
      } catch (error) {
        if (!(error instanceof EmulatorHttpError)) throw error;
        const reason = String((error.body as { detail?: unknown }).detail);
        const refused = state.addRefusedTask(who, group, task, reason);
        return {
          status: "failed",
          task_uuid: refused.id,
          http_status_code: error.status,
          reason,
        };
      }
      const queued = state.addTask(who, group, task);
      return { status: "success", task_uuid: queued.id, http_status_code: 200, reason: null };
    });
    return { body: { response: "success", task_group_id: group.id, results } };
  });

  router.route("GET", "/v2/tasks/:task_uuid", (request) => {
    const who = caller(request);
    const id = uuidParam(2, "path", "task_uuid", request.params.task_uuid);
    return { body: taskDocument(state, state.task(who, id)) };
  });
}

/** Globus Compute, mounted at `/compute/`. */
export const computeService: ServiceModule = {
  name: "compute",
  errorFormat: computeErrorBody,
  register,
};
