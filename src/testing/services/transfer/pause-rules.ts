/**
 * Pause rules: an activity manager's rules that stop operations and tasks on an endpoint
 * (for everyone, or one identity), from now or from a start time. The task engine holds
 * matching tasks (`TaskEngine.rulesPausing`) and file operations refuse with
 * `OperationPaused` (`TransferState.checkNotPaused`); owners see the rules that hold their
 * tasks in `pause_info` and the rules that apply to them on an endpoint.
 */
import type { EmulatorRequest, ServiceRouter } from "../../types.ts";
import { isoTime, objectBody } from "../common.ts";
import { failFor, resultDoc } from "./errors.ts";
import {
  API,
  type Caller,
  PAUSE_FLAGS,
  type PauseFlag,
  type PauseRule,
  type TransferState,
} from "./state.ts";
import type { TaskEngine } from "./tasks.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields every view of a rule shows. */
function ruleFields(rule: PauseRule, state: TransferState): Record<string, unknown> {
  return {
    id: rule.id,
    message: rule.message,
    start_time: rule.startTime === null ? null : isoTime(Math.floor(rule.startTime)),
    endpoint_id: rule.endpointId,
    endpoint_display_name: state.endpoint(rule.endpointId)?.seed.display_name ?? null,
    identity_id: rule.identityId,
    ...rule.flags,
  };
}

/** Whether the caller may change or delete a rule: an activity manager of its endpoint (or host). */
export function mayEdit(state: TransferState, caller: Caller, rule: PauseRule): boolean {
  return state.holdsRole(caller, rule.endpointId, "activity_manager");
}

/** The full `pause_rule` document, as activity monitors and managers see it. */
export function pauseRuleDoc(
  rule: PauseRule,
  state: TransferState,
  viewer: Caller,
): Record<string, unknown> {
  return {
    DATA_TYPE: "pause_rule",
    ...ruleFields(rule, state),
    modified_by_id: rule.modifiedById,
    created_by_host_manager: rule.createdByHostManager,
    editable: mayEdit(state, viewer, rule),
  };
}

/** The `pause_rule_limited` document that the owners of paused tasks see. */
export function limitedPauseRuleDoc(rule: PauseRule, state: TransferState) {
  return { DATA_TYPE: "pause_rule_limited", ...ruleFields(rule, state) };
}

export function registerPauseRuleRoutes(
  router: ServiceRouter,
  state: TransferState,
  engine: TaskEngine,
): void {
  const monitors = (caller: Caller, endpointId: string) =>
    state.holdsRole(caller, endpointId, "activity_monitor");

  function requireRule(request: EmulatorRequest, caller: Caller): PauseRule {
    const id = request.params.id ?? "";
    const rule = state.pauseRules.get(id);
    if (!rule || !monitors(caller, rule.endpointId)) {
      throw failFor(request)(404, "PauseRuleNotFound", `Pause rule '${id}' not found`);
    }
    if (!mayEdit(state, caller, rule)) {
      throw failFor(request)(
        403,
        "PermissionDenied",
        `Pause rule '${id}' needs the activity_manager role on endpoint '${rule.endpointId}'`,
      );
    }
    return rule;
  }

  /** Reads the rule fields a create or update may set; unknown fields are ignored, as Transfer does. */
  function ruleChanges(request: EmulatorRequest, body: Record<string, unknown>) {
    const fail = failFor(request);
    const changes: Partial<Omit<PauseRule, "flags">> & {
      flags: Partial<Record<PauseFlag, boolean>>;
    } = { flags: {} };
    if (body.message !== undefined) {
      if (typeof body.message !== "string")
        throw fail(400, "BadRequest", "'message' must be a string");
      changes.message = body.message;
    }
    if (body.start_time !== undefined) {
      if (body.start_time === null) changes.startTime = null;
      else {
        const at =
          typeof body.start_time === "string" ? Date.parse(body.start_time) / 1000 : Number.NaN;
        if (Number.isNaN(at)) {
          throw fail(400, "BadRequest", `Invalid start_time '${String(body.start_time)}'`);
        }
        changes.startTime = at;
      }
    }
    if (body.identity_id !== undefined) {
      if (
        body.identity_id !== null &&
        (typeof body.identity_id !== "string" || !UUID.test(body.identity_id))
      ) {
        throw fail(400, "BadRequest", "'identity_id' must be an identity id (a UUID) or null");
      }
      changes.identityId = body.identity_id;
    }
    for (const flag of PAUSE_FLAGS) {
      if (body[flag] === undefined) continue;
      if (typeof body[flag] !== "boolean")
        throw fail(400, "BadRequest", `'${flag}' must be true or false`);
      changes.flags[flag] = body[flag];
    }
    return changes;
  }

  router.route("GET", `${API}/endpoint_manager/pause_rule_list`, (request) => {
    const caller = state.caller(request);
    const filter = request.query.get("filter_endpoint");
    if (filter) {
      const host = state.requireEndpoint(request, filter);
      state.requireRole(request, caller, host, ["activity_monitor"], "list pause rules");
    }
    const rules = [...state.pauseRules.values()].filter((rule) => {
      if (!monitors(caller, rule.endpointId)) return false;
      if (!filter) return true;
      return (
        rule.endpointId === filter ||
        state.endpoint(rule.endpointId)?.seed.host_endpoint_id === filter
      );
    });
    return {
      body: {
        DATA_TYPE: "pause_rule_list",
        DATA: rules.map((rule) => pauseRuleDoc(rule, state, caller)),
      },
    };
  });

  router.route("POST", `${API}/endpoint_manager/pause_rule`, (request) => {
    const caller = state.caller(request);
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    if (body.DATA_TYPE !== undefined && body.DATA_TYPE !== "pause_rule") {
      throw fail(400, "BadRequest", "DATA_TYPE must be 'pause_rule'");
    }
    if (typeof body.endpoint_id !== "string")
      throw fail(400, "BadRequest", "'endpoint_id' is required");
    const endpoint = state.requireEndpoint(request, body.endpoint_id);
    const host = state.hostOf(endpoint);
    const byHostManager =
      !state.hasRole(caller, endpoint, "activity_manager") &&
      host !== undefined &&
      state.hasRole(caller, host, "activity_manager");
    if (!byHostManager) {
      state.requireRole(request, caller, endpoint, ["activity_manager"], "create pause rules");
    }
    const changes = ruleChanges(request, body);
    if (typeof changes.message !== "string" || changes.message === "") {
      throw fail(400, "BadRequest", "'message' is required: it tells users why they are paused");
    }
    const flags = Object.fromEntries(
      PAUSE_FLAGS.map((flag) => [flag, changes.flags[flag] ?? false]),
    ) as Record<PauseFlag, boolean>;
    if (!PAUSE_FLAGS.some((flag) => flags[flag])) {
      throw fail(400, "BadRequest", "A pause rule must pause at least one operation");
    }
    const rule: PauseRule = {
      id: state.context.newId(),
      endpointId: endpoint.seed.id,
      message: changes.message,
      startTime: changes.startTime ?? null,
      identityId: changes.identityId ?? null,
      modifiedById: caller.id,
      createdByHostManager: byHostManager,
      flags,
    };
    state.pauseRules.set(rule.id, rule);
    return { status: 201, body: pauseRuleDoc(rule, state, caller) };
  });

  router.route("GET", `${API}/endpoint_manager/pause_rule/:id`, (request) => {
    const caller = state.caller(request);
    return { body: pauseRuleDoc(requireRule(request, caller), state, caller) };
  });

  router.route("PUT", `${API}/endpoint_manager/pause_rule/:id`, (request) => {
    const caller = state.caller(request);
    const rule = requireRule(request, caller);
    const body = objectBody(() => request.json(), failFor(request));
    const { flags, ...fields } = ruleChanges(request, body);
    Object.assign(rule, fields, { modifiedById: caller.id });
    Object.assign(rule.flags, flags);
    return { body: pauseRuleDoc(rule, state, caller) };
  });

  router.route("DELETE", `${API}/endpoint_manager/pause_rule/:id`, (request) => {
    const caller = state.caller(request);
    const rule = requireRule(request, caller);
    state.pauseRules.delete(rule.id);
    return { body: resultDoc(request, "result", "Deleted", "Pause rule deleted successfully") };
  });

  router.route("GET", `${API}/endpoint/:id/my_effective_pause_rule_list`, (request) => {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    const ids = [endpoint.seed.id, endpoint.seed.host_endpoint_id].filter(Boolean);
    const rules = [...state.pauseRules.values()].filter(
      (rule) =>
        ids.includes(rule.endpointId) &&
        (rule.identityId === null || caller.identities.has(rule.identityId)),
    );
    return {
      body: {
        DATA_TYPE: "pause_rule_list",
        DATA: rules.map((rule) => limitedPauseRuleDoc(rule, state)),
      },
    };
  });

  router.route("GET", `${API}/task/:id/pause_info`, (request) => {
    const caller = state.caller(request);
    const id = request.params.id ?? "";
    const task = engine.tasks.get(id);
    if (!task || task.owner.id !== caller.id) {
      throw failFor(request)(404, "TaskNotFound", `Task ${id} not found`);
    }
    return {
      body: engine.pauseInfo(task, "pause_info_limited", (rule) =>
        limitedPauseRuleDoc(rule, state),
      ),
    };
  });
}
