/**
 * The endpoint manager (activity monitor) API: what administrators see of the endpoints
 * they watch and of everyone's tasks on them, and how they steer those tasks (pause,
 * resume, cancel). Reading needs the `activity_monitor` effective role on a task's source
 * or destination (or their host), steering `activity_manager`; administrators have both.
 */
import type { EmulatorRequest, ServiceRouter } from "../../types.ts";
import { decodeMarker, encodeMarker, intParam, listParam, objectBody } from "../common.ts";
import { accessListDoc } from "./access.ts";
import type { EndpointDocuments } from "./endpoints.ts";
import { failFor } from "./errors.ts";
import { pauseRuleDoc } from "./pause-rules.ts";
import {
  API,
  type Caller,
  type EndpointRole,
  type EndpointState,
  type TransferState,
} from "./state.ts";
import { eventListReply, type TaskEngine, type TaskRecord } from "./tasks.ts";

const EM = `${API}/endpoint_manager`;

interface AdminCancel {
  id: number;
  message: string;
  taskIds: string[];
  done: boolean;
}

export function registerEndpointManagerRoutes(
  router: ServiceRouter,
  state: TransferState,
  engine: TaskEngine,
  docs: EndpointDocuments,
): void {
  const cancels = new Map<number, AdminCancel & { ownerId: string }>();
  let nextCancelId = 1;

  const holds = (caller: Caller, endpointId: string | null, role: EndpointRole) =>
    state.holdsRole(caller, endpointId, role);

  /** Which sides of a task the caller holds the role on. */
  function sides(caller: Caller, task: TaskRecord, role: EndpointRole) {
    return {
      source: holds(caller, task.sourceEndpointId, role),
      destination: holds(caller, task.destinationEndpointId, role),
    };
  }

  function visible(caller: Caller, task: TaskRecord, role: EndpointRole = "activity_monitor") {
    const side = sides(caller, task, role);
    return side.source || side.destination;
  }

  /** A task the caller may see as an activity monitor; others' tasks are unknown. */
  function requireVisibleTask(request: EmulatorRequest, caller: Caller): TaskRecord {
    const id = request.params.id ?? "";
    const task = engine.tasks.get(id);
    if (!task) throw failFor(request)(404, "TaskNotFound", `Task ${id} not found`);
    if (!visible(caller, task)) {
      throw failFor(request)(
        403,
        "PermissionDenied",
        `Task ${id} needs the activity_monitor role on its source or destination endpoint`,
      );
    }
    return task;
  }

  function monitoredEndpoint(request: EmulatorRequest, caller: Caller): EndpointState {
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    if (!holds(caller, endpoint.seed.id, "activity_monitor")) {
      state.requireRole(
        request,
        caller,
        endpoint,
        ["activity_monitor"],
        "use the endpoint manager",
      );
    }
    return endpoint;
  }

  /** A task as an activity monitor sees it: `endpoint_manager_task_list.py`'s keys. */
  function adminTaskDoc(task: TaskRecord, viewer: Caller): Record<string, unknown> {
    const side = sides(viewer, task, "activity_monitor");
    const hostFields = (
      prefix: "source" | "destination",
      endpointId: string | null,
      mine: boolean,
    ) => {
      const endpoint = endpointId ? state.endpoint(endpointId) : undefined;
      const host = endpoint && state.hostOf(endpoint);
      const gcsGuest = endpoint && host && !state.isPersonal(endpoint);
      const localUser = task.options[`${prefix}_local_user`];
      const status = !endpointId ? "NO_ENDPOINT" : mine ? "OK" : "NO_PERMISSION";
      return {
        [`${prefix}_host_endpoint`]: host
          ? `${host.seed.owner_string ?? "unknown"}#${host.seed.id}`
          : null,
        [`${prefix}_host_endpoint_id`]: host?.seed.id ?? null,
        [`${prefix}_host_endpoint_display_name`]: host?.seed.display_name ?? null,
        [`${prefix}_host_path`]: endpoint?.seed.host_path ?? null,
        [`${prefix}_mapped_collection_id`]: gcsGuest ? host.seed.id : null,
        [`${prefix}_mapped_collection_display_name`]: gcsGuest ? host.seed.display_name : null,
        [`${prefix}_local_user`]:
          status === "OK"
            ? typeof localUser === "string"
              ? localUser
              : state.fileOwner(task.owner)
            : null,
        [`${prefix}_local_user_status`]: status,
        [`${prefix}_base_path`]: null,
      };
    };
    return {
      DATA_TYPE: "task",
      ...engine.taskDoc(task),
      owner_string: task.owner.username,
      ...hostFields("source", task.sourceEndpointId, side.source),
      ...hostFields("destination", task.destinationEndpointId, side.destination),
    };
  }

  // --- endpoints -----------------------------------------------------------------------

  router.route("GET", `${EM}/monitored_endpoints`, (request) => {
    const caller = state.caller(request);
    const watched = state
      .endpoints()
      .filter((endpoint) => state.hasRole(caller, endpoint, "activity_monitor"));
    return {
      body: {
        DATA_TYPE: "monitored_endpoints",
        DATA: watched.map((endpoint) => docs.doc(endpoint, caller)),
        length: watched.length,
        limit: Math.max(watched.length, 1),
        offset: 0,
        has_next_page: false,
      },
    };
  });

  router.route("GET", `${EM}/endpoint/:id/hosted_endpoint_list`, (request) => {
    const caller = state.caller(request);
    const host = monitoredEndpoint(request, caller);
    const guests = state.guestsOf(host);
    return {
      body: {
        DATA_TYPE: "endpoint_list",
        DATA: guests.map((guest) => docs.doc(guest, caller)),
        length: guests.length,
        limit: Math.max(guests.length, 1),
        offset: 0,
        has_next_page: false,
      },
    };
  });

  router.route("GET", `${EM}/endpoint/:id`, (request) => {
    const caller = state.caller(request);
    return { body: docs.doc(monitoredEndpoint(request, caller), caller) };
  });

  router.route("GET", `${EM}/endpoint/:id/access_list`, (request) => {
    const caller = state.caller(request);
    const endpoint = monitoredEndpoint(request, caller);
    if (!state.isGuest(endpoint)) {
      throw failFor(request)(
        400,
        "BadRequest",
        `Endpoint '${endpoint.seed.id}' is not a guest collection: access rules apply to guest collections`,
      );
    }
    return { body: accessListDoc(endpoint) };
  });

  // --- tasks ---------------------------------------------------------------------------

  router.route("GET", `${EM}/task_list`, (request) => {
    const caller = state.caller(request);
    const fail = failFor(request);
    const query = request.query;
    const statuses = listParam(query, "filter_status");
    const taskIds = listParam(query, "filter_task_id");
    const endpointFilter = query.get("filter_endpoint");
    const runningOnly =
      statuses.length > 0 &&
      statuses.every((status) => status === "ACTIVE" || status === "INACTIVE");
    const others = [
      "filter_status",
      "filter_owner_id",
      "filter_endpoint",
      "filter_endpoint_use",
      "filter_is_paused",
      "filter_completion_time",
      "filter_min_faults",
      "filter_local_user",
    ].filter((name) => query.has(name));
    if (taskIds.length > 0 && others.length > 0) {
      throw fail(400, "BadRequest", "filter_task_id cannot be combined with other filters");
    }
    if (taskIds.length > 50) throw fail(400, "BadRequest", "filter_task_id takes at most 50 ids");
    if (!runningOnly && taskIds.length === 0 && !endpointFilter) {
      throw fail(
        400,
        "BadRequest",
        "Give filter_task_id or filter_endpoint unless filter_status is ACTIVE and/or INACTIVE",
      );
    }
    if (query.has("filter_endpoint_use") && !endpointFilter) {
      throw fail(400, "BadRequest", "filter_endpoint_use needs filter_endpoint");
    }
    if (query.has("filter_local_user") && !endpointFilter) {
      throw fail(400, "BadRequest", "filter_local_user needs filter_endpoint");
    }
    if (query.has("filter_is_paused") && !runningOnly) {
      throw fail(
        400,
        "BadRequest",
        "filter_is_paused needs filter_status of ACTIVE and/or INACTIVE",
      );
    }
    if (endpointFilter) {
      const endpoint = state.requireEndpoint(request, endpointFilter);
      if (!holds(caller, endpoint.seed.id, "activity_monitor")) {
        state.requireRole(request, caller, endpoint, ["activity_monitor"], "list its tasks");
      }
    }
    let matches = [...engine.tasks.values()].filter((task) => visible(caller, task));
    if (taskIds.length > 0) {
      const hidden = taskIds.filter((id) => {
        const task = engine.tasks.get(id);
        return task !== undefined && !visible(caller, task);
      });
      if (hidden.length > 0) {
        throw fail(
          403,
          "PermissionDenied",
          `No activity_monitor role for task(s) ${hidden.join(", ")}`,
        );
      }
      matches = matches.filter((task) => taskIds.includes(task.id));
    }
    if (statuses.length > 0) matches = matches.filter((task) => statuses.includes(task.status));
    const ownerId = query.get("filter_owner_id");
    if (ownerId) matches = matches.filter((task) => task.owner.identities.has(ownerId));
    if (endpointFilter) {
      const use = query.get("filter_endpoint_use");
      const onEndpoint = (id: string | null) =>
        id !== null &&
        (id === endpointFilter || state.endpoint(id)?.seed.host_endpoint_id === endpointFilter);
      matches = matches.filter((task) =>
        use === "source"
          ? onEndpoint(task.sourceEndpointId)
          : use === "destination"
            ? onEndpoint(task.destinationEndpointId)
            : onEndpoint(task.sourceEndpointId) || onEndpoint(task.destinationEndpointId),
      );
    }
    if (query.has("filter_is_paused")) {
      const paused = !["0", "false", "False"].includes(query.get("filter_is_paused") ?? "");
      matches = matches.filter((task) => engine.isPaused(task) === paused);
    }
    const completion = query.get("filter_completion_time");
    if (completion) {
      const [start = "", end = ""] = completion.split(",");
      const from = start ? Date.parse(start) / 1000 : Number.NEGATIVE_INFINITY;
      const to = end ? Date.parse(end) / 1000 : Number.POSITIVE_INFINITY;
      if (Number.isNaN(from) || Number.isNaN(to) || (!start && !end)) {
        throw fail(400, "BadRequest", `Invalid filter_completion_time '${completion}'`);
      }
      matches = matches.filter((task) =>
        task.completionTime === null
          ? !end // an open end includes the tasks still running
          : task.completionTime >= from && task.completionTime <= to,
      );
    }
    const minFaults = query.get("filter_min_faults");
    if (minFaults) {
      const min = intParam(query, "filter_min_faults", { default: 0, min: 0, max: 1e9 }, fail);
      matches = matches.filter((task) => task.events.filter((e) => e.isError).length >= min);
    }
    const localUser = query.get("filter_local_user");
    if (localUser) {
      matches = matches.filter(
        (task) =>
          task.options.source_local_user === localUser ||
          task.options.destination_local_user === localUser ||
          state.fileOwner(task.owner) === localUser,
      );
    }
    matches.sort((a, b) => b.requestTime - a.requestTime || a.id.localeCompare(b.id));
    const limit = intParam(query, "limit", { default: 100, min: 1, max: 1000 }, fail);
    const lastKey = query.get("last_key");
    const start = lastKey ? Number(decodeMarker(lastKey, fail).position ?? 0) : 0;
    const page = matches.slice(start, start + limit);
    const next = start + page.length;
    return {
      body: {
        DATA: page.map((task) => adminTaskDoc(task, caller)),
        DATA_TYPE: "task_list",
        has_next_page: next < matches.length,
        last_key: encodeMarker({ position: next }),
      },
    };
  });

  router.route("GET", `${EM}/task/:id`, (request) => {
    const caller = state.caller(request);
    return { body: adminTaskDoc(requireVisibleTask(request, caller), caller) };
  });

  router.route("GET", `${EM}/task/:id/event_list`, (request) => {
    const caller = state.caller(request);
    const task = requireVisibleTask(request, caller);
    const errorsOnly = request.query.get("filter_is_error");
    if (errorsOnly !== null && ["0", "false", "False"].includes(errorsOnly)) {
      throw failFor(request)(400, "BadRequest", "filter_is_error supports only 1 (errors only)");
    }
    return eventListReply(request, engine, task, errorsOnly !== null);
  });

  router.route("GET", `${EM}/task/:id/pause_info`, (request) => {
    const caller = state.caller(request);
    const task = requireVisibleTask(request, caller);
    return {
      body: engine.pauseInfo(task, "pause_info", (rule) => pauseRuleDoc(rule, state, caller)),
    };
  });

  router.route("GET", `${EM}/task/:id/successful_transfers`, (request) => {
    const caller = state.caller(request);
    const task = requireVisibleTask(request, caller);
    // a side the monitor has no role on shows no paths
    const side = sides(caller, task, "activity_monitor");
    return engine.fileResultsPage(
      request,
      "successful_transfers",
      task.successes.map((success) => engine.successDoc(success, side)),
    );
  });

  router.route("GET", `${EM}/task/:id/skipped_errors`, (request) => {
    const caller = state.caller(request);
    const task = requireVisibleTask(request, caller);
    const side = sides(caller, task, "activity_monitor");
    return engine.fileResultsPage(
      request,
      "skipped_errors",
      task.skipped.map((skipped) => engine.skippedDoc(skipped, side)),
    );
  });

  /** The tasks an admin action names: each must exist and be the caller's to manage. */
  function managedTasks(request: EmulatorRequest, caller: Caller, withMessage: boolean) {
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    const ids = body.task_id_list;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string")) {
      throw fail(400, "BadRequest", "'task_id_list' must be a non-empty list of task ids");
    }
    if (withMessage && (typeof body.message !== "string" || body.message === "")) {
      throw fail(400, "BadRequest", "'message' is required: it tells the owners why");
    }
    const tasks = (ids as string[]).map((id) => {
      const task = engine.tasks.get(id);
      if (!task) throw fail(404, "TaskNotFound", `Task ${id} not found`);
      if (!visible(caller, task, "activity_manager")) {
        throw fail(
          403,
          "PermissionDenied",
          `Task ${id} needs the activity_manager role on its source or destination endpoint`,
        );
      }
      return task;
    });
    return { tasks, ids: ids as string[], message: String(body.message ?? "") };
  }

  router.route("POST", `${EM}/admin_cancel`, (request) => {
    const caller = state.caller(request);
    const { tasks, ids, message } = managedTasks(request, caller, true);
    for (const task of tasks) {
      if (task.settled) continue;
      const side = sides(caller, task, "activity_manager");
      engine.cancel(task, {
        side: side.source && side.destination ? "BOTH" : side.source ? "SOURCE" : "DESTINATION",
        message,
      });
    }
    const cancel = { id: nextCancelId++, message, taskIds: ids, done: true, ownerId: caller.id };
    cancels.set(cancel.id, cancel);
    return { status: 202, body: adminCancelDoc(cancel) };
  });

  router.route("GET", `${EM}/admin_cancel/:id`, (request) => {
    const caller = state.caller(request);
    const cancel = cancels.get(Number(request.params.id));
    if (!cancel || !caller.identities.has(cancel.ownerId)) {
      throw failFor(request)(
        404,
        "AdminCancelNotFound",
        `Admin cancel '${request.params.id}' not found`,
      );
    }
    return { body: adminCancelDoc(cancel) };
  });

  router.route("POST", `${EM}/admin_pause`, (request) => {
    const caller = state.caller(request);
    const { tasks, ids, message } = managedTasks(request, caller, true);
    for (const task of tasks) {
      if (task.settled) continue;
      const side = sides(caller, task, "activity_manager");
      task.adminPause = { message, sourceSide: side.source, destinationSide: side.destination };
      task.resumedByAdmin = false;
    }
    engine.sync();
    return { body: { DATA_TYPE: "admin_pause", task_id_list: ids, message } };
  });

  router.route("POST", `${EM}/admin_resume`, (request) => {
    const caller = state.caller(request);
    const { tasks, ids } = managedTasks(request, caller, false);
    // resuming frees a task from an administrator's pause and from the pause rules
    for (const task of tasks) {
      if (task.settled) continue;
      task.adminPause = null;
      task.resumedByAdmin = true;
    }
    engine.sync();
    return { body: { task_id_list: ids } };
  });
}

function adminCancelDoc(cancel: AdminCancel): Record<string, unknown> {
  return {
    DATA_TYPE: "admin_cancel",
    id: cancel.id,
    message: cancel.message,
    task_id_list: cancel.taskIds,
    done: cancel.done,
  };
}
