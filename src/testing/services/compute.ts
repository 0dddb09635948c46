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
import { isRecord } from "./common.ts";
import {
  allowlistDocument,
  endpointDocument,
  endpointListEntry,
  endpointStatusDocument,
  functionDocument,
  lockDocument,
  registrationDocument,
  taskDocument,
  taskGroupDocument,
} from "./compute/documents.ts";
import { amqpUrl, ComputeState, type EndpointFields, type TaskRequest } from "./compute/model.ts";
import {
  BodyReader,
  computeErrorBody,
  computeFail,
  enumQuery,
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

/** Where the emulated API's version comes from (`GET /v2/version`). */
const VERSION = {
  api: "2.30.0",
  min_sdk_version: "2.0.0",
  min_endpoint_version: "2.0.0",
  git_sha: "0000000000000000000000000000000000e1a7ed",
};

/** A new endpoint's fields before its registration document is read. */
function newEndpointFields(ipAddress: string): EndpointFields {
  return {
    admins: [],
    name: "",
    displayName: "",
    multiUser: false,
    public: false,
    highAssurance: false,
    allowedFunctions: null,
    authenticationPolicy: null,
    subscriptionId: null,
    metadata: {
      endpoint_config: "",
      user_config_template: "",
      user_config_schema: {},
      description: "",
      ip_address: ipAddress,
    },
  };
}

/**
 * Reads an endpoint registration document over `base` (a new endpoint's defaults, or the
 * endpoint a v3 update changes: there, absent fields keep their values). A new endpoint
 * needs its name (and on v3 its metadata), as the route's schema requires.
 */
function readEndpointFields(
  body: BodyReader,
  version: 2 | 3,
  base: EndpointFields,
  isNew: boolean,
): EndpointFields {
  const fields = structuredClone(base);
  const name = body.string("endpoint_name", isNew);
  if (name !== undefined) fields.name = name;
  fields.displayName = body.string("display_name") ?? (isNew ? fields.name : fields.displayName);
  fields.multiUser = body.boolean("multi_user", fields.multiUser);
  fields.allowedFunctions = body.uuidList("allowed_functions") ?? fields.allowedFunctions;
  fields.authenticationPolicy = body.uuid("authentication_policy") ?? fields.authenticationPolicy;
  const reportedVersion = body.string("version");
  if (version === 3) {
    fields.highAssurance = body.boolean("high_assurance", fields.highAssurance);
    fields.public = body.boolean("public", fields.public);
    fields.subscriptionId = body.uuid("subscription_uuid") ?? fields.subscriptionId;
    fields.admins = body.uuidList("admins") ?? fields.admins;
  }
  const metadata = body.object("metadata", version === 3 && isNew);
  if (metadata) {
    const m = fields.metadata;
    for (const key of [
      "endpoint_config",
      "user_config_template",
      "description",
      "ip_address",
    ] as const) {
      m[key] = metadata.string(key) ?? m[key];
    }
    for (const key of [
      "hostname",
      "local_user",
      "endpoint_version",
      "sdk_version",
      "python_version",
    ] as const) {
      const value = metadata.string(key);
      if (value !== undefined) m[key] = value;
    }
    m.user_config_schema = metadata.record("user_config_schema") ?? m.user_config_schema;
    metadata.record("config");
  }
  if (reportedVersion !== undefined && fields.metadata.endpoint_version === undefined) {
    fields.metadata.endpoint_version = reportedVersion;
  }
  return fields;
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

  const idParam = (request: EmulatorRequest, version: 2 | 3, name: string) =>
    uuidParam(version, "path", name, request.params[name]);

  /** The registering process's address, as Compute reads it from the request. */
  const clientAddress = (request: EmulatorRequest) =>
    String(request.headers["x-forwarded-for"] ?? "127.0.0.1")
      .split(",")[0]!
      .trim();

  // --- the API ---------------------------------------------------------------------------

  router.route("GET", "/v2/version", (request) => {
    const service = enumQuery(2, request.query, "service", ["api", "all"], "api");
    return { body: service === "all" ? VERSION : VERSION.api };
  });

  router.route("GET", "/v2/get_amqp_result_connection_url", (request) => {
    const who = caller(request);
    return { body: { queue_prefix: who, connection_url: amqpUrl(who) } };
  });

  // --- endpoints -------------------------------------------------------------------------

  router.route("GET", "/v2/endpoints", (request) => {
    const who = caller(request);
    const role = enumQuery(2, request.query, "role", ["owner", "any"], "owner");
    return { body: state.listEndpoints(who, role).map(endpointListEntry) };
  });

  router.route("POST", "/v2/endpoints", (request) => {
    const who = caller(request);
    const body = new BodyReader(request.json(), 2);
    const id = body.uuid("endpoint_uuid", true);
    const existing = id === undefined ? undefined : state.endpoints.get(id);
    const fields = readEndpointFields(body, 2, newEndpointFields(clientAddress(request)), true);
    if (existing) {
      // v2 keeps what only v3 documents set
      Object.assign(fields, {
        public: existing.public,
        highAssurance: existing.highAssurance,
        subscriptionId: existing.subscriptionId,
        admins: existing.admins,
      });
    }
    body.done();
    const endpoint = state.registerEndpoint(who, id, fields);
    return { body: registrationDocument(endpoint, { warnings: true }) };
  });

  router.route("POST", "/v3/endpoints", (request) => {
    const who = caller(request);
    const body = new BodyReader(request.json(), 3);
    const fields = readEndpointFields(body, 3, newEndpointFields(clientAddress(request)), true);
    body.done();
    const endpoint = state.registerEndpoint(who, undefined, checkedV3(fields));
    return { body: registrationDocument(endpoint, { warnings: false }) };
  });

  router.route("PUT", "/v3/endpoints/:endpoint_uuid", (request) => {
    const who = caller(request);
    const id = idParam(request, 3, "endpoint_uuid");
    const existing = state.endpoints.get(id);
    const body = new BodyReader(request.json(), 3);
    const fields = existing
      ? readEndpointFields(body, 3, state.managedEndpoint(who, id), false)
      : readEndpointFields(body, 3, newEndpointFields(clientAddress(request)), true);
    body.done();
    const endpoint = state.registerEndpoint(who, id, checkedV3(fields));
    return { body: registrationDocument(endpoint, { warnings: false }) };
  });

  /** Admins other than the owner need a subscription, as Compute's v3 schema says. */
  function checkedV3(fields: EndpointFields): EndpointFields {
    if (fields.admins.length > 0 && fields.subscriptionId === null) {
      throw computeFail(400, "BAD_REQUEST", "'admins' requires a 'subscription_uuid'");
    }
    return fields;
  }

  router.route("GET", "/v2/endpoints/:endpoint_uuid", (request) => {
    const who = caller(request);
    const id = idParam(request, 2, "endpoint_uuid");
    return { body: endpointDocument(state.visibleEndpoint(who, id)) };
  });

  router.route("DELETE", "/v2/endpoints/:endpoint_uuid", (request) => {
    const who = caller(request);
    state.deleteEndpoint(who, idParam(request, 2, "endpoint_uuid"));
    return { body: { result: 302 } };
  });

  router.route("GET", "/v2/endpoints/:endpoint_uuid/status", (request) => {
    const who = caller(request);
    const endpoint = state.visibleEndpoint(who, idParam(request, 2, "endpoint_uuid"));
    return { body: endpointStatusDocument(state, endpoint) };
  });

  for (const version of [2, 3] as const) {
    router.route("POST", `/v${version}/endpoints/:endpoint_uuid/lock`, (request) => {
      const who = caller(request);
      const endpoint = state.lockEndpoint(who, idParam(request, version, "endpoint_uuid"));
      return { body: lockDocument(endpoint) };
    });
  }

  router.route("GET", "/v3/endpoints/:endpoint_uuid/allowed_functions", (request) => {
    const who = caller(request);
    const endpoint = state.managedEndpoint(who, idParam(request, 3, "endpoint_uuid"));
    return { body: allowlistDocument(endpoint) };
  });

  // --- functions -------------------------------------------------------------------------

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

  router.route("POST", "/v3/functions", (request) => {
    const who = caller(request);
    const body = new BodyReader(request.json(), 3);
    const name = body.string("function_name", true);
    const code = body.string("function_code", true);
    const description = body.string("description");
    const meta = body.object("meta", true);
    const python = meta?.string("python_version", true);
    const sdk = meta?.string("sdk_version", true);
    meta?.string("serde_identifier", true);
    const group = body.uuid("group");
    const isPublic = body.boolean("public", false);
    const haEndpointId = body.uuid("ha_endpoint_id");
    body.done();
    if (haEndpointId !== undefined && (group !== undefined || isPublic)) {
      throw validationError(3, [
        {
          loc: ["body", "ha_endpoint_id"],
          msg: "A high-assurance function cannot be shared (with 'group' or 'public')",
          type: "value_error",
        },
      ]);
    }
    const record = state.registerFunction(who, {
      name,
      code,
      description: description ?? "",
      metadata: { python_version: python ?? "", sdk_version: sdk ?? "" },
      public: isPublic,
      group: group ?? null,
      haEndpointId: haEndpointId ?? null,
    });
    return {
      body: {
        function_uuid: record.id,
        ...(haEndpointId !== undefined ? { ha_warning: HA_WARNING } : {}),
      },
    };
  });

  router.route("GET", "/v2/functions/:function_uuid", (request) => {
    const who = caller(request);
    const id = idParam(request, 2, "function_uuid");
    return { body: functionDocument(state.readableFunction(who, id)) };
  });

  router.route("DELETE", "/v2/functions/:function_uuid", (request) => {
    const who = caller(request);
    state.deleteFunction(who, idParam(request, 2, "function_uuid"));
    return { body: { result: 302 } };
  });

  // --- tasks -----------------------------------------------------------------------------

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
    // each task is accepted or refused on its own, with its own status code
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

  router.route("POST", "/v3/endpoints/:endpoint_uuid/submit", (request) => {
    const who = caller(request);
    const endpointId = idParam(request, 3, "endpoint_uuid");
    const body = new BodyReader(request.json(), 3);
    const tasks = body.raw("tasks", true, (value) =>
      isRecord(value) &&
      Object.values(value).every(
        (args) => Array.isArray(args) && args.every((arg) => typeof arg === "string"),
      )
        ? undefined
        : "Tasks must map function ids to lists of serialized arguments",
    ) as Record<string, string[]> | undefined;
    const groupId = body.uuid("task_group_id");
    const createQueue = body.boolean("create_queue", false);
    body.record("user_endpoint_config");
    body.object("resource_specification")?.integer("num_nodes", true);
    body.record("user_runtime");
    body.stringList("result_serializers");
    body.done();
    // the whole batch is accepted, or refused with the first problem
    const requests = Object.entries(tasks ?? {}).flatMap(([functionId, args]) =>
      args.map((payload): TaskRequest => ({ functionId, endpointId, payload })),
    );
    for (const task of requests) state.checkRunnable(who, task);
    const group = state.taskGroup(who, groupId, { mustExist: true, createQueue });
    const ids: Record<string, string[]> = {};
    for (const task of requests) {
      const queued = state.addTask(who, group, task);
      ids[task.functionId] = [...(ids[task.functionId] ?? []), queued.id];
    }
    const endpoint = state.endpoints.get(endpointId);
    return {
      body: {
        request_id: context.newId(),
        task_group_id: group.id,
        endpoint_id: endpointId,
        tasks: ids,
        ...(endpoint?.highAssurance ? { ha_warning: HA_WARNING } : {}),
      },
    };
  });

  router.route("GET", "/v2/tasks/:task_uuid", (request) => {
    const who = caller(request);
    const id = idParam(request, 2, "task_uuid");
    return { body: taskDocument(state, state.task(who, id)) };
  });

  router.route("POST", "/v2/batch_status", (request) => {
    const who = caller(request);
    const body = new BodyReader(request.json(), 2);
    const ids = body.uuidList("task_ids");
    if (!body.has("task_ids")) body.string("task_ids", true);
    body.done();
    const results: Record<string, unknown> = {};
    for (const id of ids ?? []) {
      const task = state.findTask(who, id);
      results[id] = task
        ? taskDocument(state, task)
        : { task_id: id, status: "failed", reason: "Unknown task id" };
    }
    return { body: { response: "batch", results } };
  });

  router.route("GET", "/v2/taskgroup/:task_group_uuid", (request) => {
    const who = caller(request);
    const group = state.readTaskGroup(who, idParam(request, 2, "task_group_uuid"));
    return { body: taskGroupDocument(group) };
  });
}

/** What Compute says when a function or a task is bound to a high-assurance endpoint. */
const HA_WARNING =
  "This is a high-assurance endpoint: its functions may only run on it, and its results are kept only briefly.";

/** Globus Compute, mounted at `/compute/`. */
export const computeService: ServiceModule = {
  name: "compute",
  errorFormat: computeErrorBody,
  register,
};
