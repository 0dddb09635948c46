/**
 * Globus Flows: flows (list with marker paging and filters, create, get, update, delete,
 * validate) and runs (start with the flow's own scope, list, get, logs, cancel). Runs
 * move from ACTIVE to SUCCEEDED as the emulator clock passes.
 */
import { randomUUID } from "node:crypto";
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  SeedFlow,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import {
  automateCode,
  decodeMarker,
  type ErrorBuilder,
  encodeMarker,
  identityUrn,
  intParam,
  isoTime,
  isRecord,
  listParam,
  matchesFulltext,
  objectBody,
  optionalString,
  optionalStringList,
  orderByComparator,
  toPrincipalUrns,
} from "./common.ts";

/** Emulator seconds a run stays ACTIVE before it succeeds. */
export const FLOW_RUN_SECONDS = 3;

const FLOWS = KNOWN_SCOPES.flows;
const VIEW = [FLOWS.scopes.view_flows, FLOWS.scopes.manage_flows, FLOWS.scopes.all];
const MANAGE = [FLOWS.scopes.manage_flows, FLOWS.scopes.all];
const RUN_STATUS = [FLOWS.scopes.run_status, FLOWS.scopes.run_manage, FLOWS.scopes.all];
const RUN_MANAGE = [FLOWS.scopes.run_manage, FLOWS.scopes.all];

const FLOW_ROLES = [
  "flow_owner",
  "flow_administrator",
  "flow_starter",
  "flow_viewer",
  "run_manager",
  "run_monitor",
] as const;
type FlowRole = (typeof FLOW_ROLES)[number];
const RUN_ROLES = [
  "run_owner",
  "run_manager",
  "run_monitor",
  "flow_run_manager",
  "flow_run_monitor",
];
const PUBLIC_PRINCIPALS = ["public", "all_authenticated_users"];

interface FlowRecord {
  id: string;
  title: string;
  subtitle: string;
  description: string;
  keywords: string[];
  definition: Record<string, unknown>;
  input_schema: Record<string, unknown>;
  flow_owner: string;
  flow_viewers: string[];
  flow_starters: string[];
  flow_administrators: string[];
  run_managers: string[];
  run_monitors: string[];
  subscription_id: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

interface RunRecord {
  run_id: string;
  flow_id: string;
  flow_title: string;
  flow_last_updated: number;
  input: unknown;
  label: string;
  tags: string[];
  run_owner: string;
  run_managers: string[];
  run_monitors: string[];
  start_time: number;
  endsAt: number;
  canceledAt: number | null;
  stateNames: string[];
}

/** Flows's error body: `{error: {code, detail}, debug_id}`. */
function flowsErrorBody(code: string, detail: unknown, debugId: string) {
  return { error: { code, detail }, debug_id: debugId };
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const flows = new Map<string, FlowRecord>();
  const runs = new Map<string, RunRecord>();
  const startedAt = context.now();
  for (const seed of context.seed.flows) flows.set(seed.id, fromSeed(seed, startedAt));

  function fromSeed(seed: SeedFlow, now: number): FlowRecord {
    return {
      id: seed.id,
      title: seed.title,
      subtitle: seed.subtitle ?? "",
      description: seed.description ?? "",
      keywords: seed.keywords ?? [],
      definition: seed.definition,
      input_schema: seed.input_schema ?? {},
      flow_owner: identityUrn(seed.owner),
      flow_viewers: toPrincipalUrns(seed.flow_viewers),
      flow_starters: toPrincipalUrns(seed.flow_starters),
      flow_administrators: toPrincipalUrns(seed.flow_administrators),
      run_managers: toPrincipalUrns(seed.run_managers),
      run_monitors: toPrincipalUrns(seed.run_monitors),
      subscription_id: null,
      created_by: identityUrn(seed.owner),
      created_at: now,
      updated_at: now,
    };
  }

  const formatter: ErrorBodyFormatter = (_status, code, message) =>
    flowsErrorBody(automateCode(code), message, context.newId());
  const fail: ErrorBuilder = (status, code, message) =>
    new EmulatorHttpError(status, flowsErrorBody(automateCode(code), message, context.newId()));

  function auth(request: EmulatorRequest, scopes: readonly string[]): AccessTokenInfo {
    return context.authenticate(request, FLOWS.resourceServer, {
      anyOfScopes: scopes,
      format: formatter,
    });
  }

  /** The caller's principals: every identity linked to the token's identity. */
  function principalsOf(token: AccessTokenInfo): Set<string> {
    const principals = new Set([identityUrn(token.identityId)]);
    for (const id of token.sessionIdentities) principals.add(identityUrn(id));
    const account = context.identity(token.identityId)?.account;
    if (account !== undefined) {
      for (const identity of context.seed.identities) {
        if (identity.account === account) principals.add(identityUrn(identity.id));
      }
    }
    return principals;
  }

  function rolesOn(flow: FlowRecord, principals: Set<string>): Set<FlowRole> {
    const has = (list: string[], includePublic: boolean) =>
      list.some(
        (principal) =>
          principals.has(principal) || (includePublic && PUBLIC_PRINCIPALS.includes(principal)),
      );
    const roles = new Set<FlowRole>();
    if (principals.has(flow.flow_owner)) roles.add("flow_owner");
    if (has(flow.flow_administrators, false)) roles.add("flow_administrator");
    if (has(flow.flow_starters, true)) roles.add("flow_starter");
    if (has(flow.flow_viewers, true)) roles.add("flow_viewer");
    if (has(flow.run_managers, false)) roles.add("run_manager");
    if (has(flow.run_monitors, false)) roles.add("run_monitor");
    return roles;
  }

  function canAdminister(roles: Set<FlowRole>): boolean {
    return roles.has("flow_owner") || roles.has("flow_administrator");
  }

  function requireVisibleFlow(id: string, token: AccessTokenInfo) {
    const flow = flows.get(id);
    const roles = flow ? rolesOn(flow, principalsOf(token)) : new Set<FlowRole>();
    if (!flow || roles.size === 0)
      throw fail(404, "NOT_FOUND", `No flow with id '${id}' was found`);
    return { flow, roles };
  }

  function flowDoc(flow: FlowRecord, roles: Set<FlowRole>): Record<string, unknown> {
    const userRole = FLOW_ROLES.find((role) => roles.has(role)) ?? "flow_viewer";
    const flowUrl = `${context.serviceUrl("flows")}flows/${flow.id}`;
    return {
      id: flow.id,
      title: flow.title,
      subtitle: flow.subtitle,
      description: flow.description,
      keywords: flow.keywords,
      definition: flow.definition,
      input_schema: flow.input_schema,
      globus_auth_scope: specificFlowScopeSet(flow.id).scopes.user,
      globus_auth_username: `${flow.id}@clients.auth.globus.org`,
      principal_urn: identityUrn(flow.id),
      flow_owner: flow.flow_owner,
      flow_viewers: flow.flow_viewers,
      flow_starters: flow.flow_starters,
      flow_administrators: flow.flow_administrators,
      run_managers: flow.run_managers,
      run_monitors: flow.run_monitors,
      subscription_id: flow.subscription_id,
      created_by: flow.created_by,
      created_at: isoTime(flow.created_at),
      updated_at: isoTime(flow.updated_at),
      user_role: userRole,
      flow_url: flowUrl,
      action_url: flowUrl,
      synchronous: false,
      log_supported: true,
      types: ["Action"],
      api_version: "1.0",
    };
  }

  /** Checks a definition's shape; returns FastAPI-style details for a 422. */
  function definitionProblems(definition: unknown): { loc: string[]; msg: string; type: string }[] {
    if (!isRecord(definition)) {
      return [{ loc: ["definition"], msg: "definition must be an object", type: "type_error" }];
    }
    const states = definition.States;
    if (!isRecord(states) || Object.keys(states).length === 0) {
      return [
        {
          loc: ["definition", "States"],
          msg: "States must be a non-empty object",
          type: "value_error",
        },
      ];
    }
    const problems: { loc: string[]; msg: string; type: string }[] = [];
    if (typeof definition.StartAt !== "string" || !(definition.StartAt in states)) {
      problems.push({
        loc: ["definition", "StartAt"],
        msg: "StartAt must name a state in States",
        type: "value_error",
      });
    }
    for (const [name, state] of Object.entries(states)) {
      const loc = ["definition", "States", name];
      if (!isRecord(state) || typeof state.Type !== "string") {
        problems.push({
          loc,
          msg: "Each state must be an object with a Type",
          type: "value_error",
        });
        continue;
      }
      if (["Succeed", "Fail", "Choice"].includes(state.Type)) continue;
      const next = state.Next;
      if (state.End !== true && (typeof next !== "string" || !(next in states))) {
        problems.push({
          loc,
          msg: `A state of type '${state.Type}' must be defined as either terminal ("End": true) or transitional ("Next": "NextStateId")`,
          type: "value_error",
        });
      }
    }
    return problems;
  }

  function validateDefinition(definition: unknown): void {
    const problems = definitionProblems(definition);
    if (problems.length > 0) {
      throw new EmulatorHttpError(
        422,
        flowsErrorBody("UNPROCESSABLE_ENTITY", problems, context.newId()),
      );
    }
  }

  /** The scopes a definition needs, in the shape of `POST /flows/validate`. */
  function scopesOf(definition: Record<string, unknown>): string[] {
    const scopes = new Set<string>();
    const states = isRecord(definition.States) ? definition.States : {};
    for (const state of Object.values(states)) {
      if (!isRecord(state)) continue;
      if (typeof state.ActionScope === "string") scopes.add(state.ActionScope);
      else if (typeof state.ActionUrl === "string" && state.ActionUrl.includes("transfer")) {
        scopes.add(KNOWN_SCOPES.transfer.scopes.all);
      }
    }
    return [...scopes];
  }

  /** States visited from StartAt, following Next, so logs show a plausible path. */
  function statePath(definition: Record<string, unknown>): string[] {
    const states = isRecord(definition.States) ? definition.States : {};
    const path: string[] = [];
    let current = definition.StartAt;
    while (typeof current === "string" && !path.includes(current) && isRecord(states[current])) {
      path.push(current);
      current = (states[current] as Record<string, unknown>).Next;
    }
    return path;
  }

  function runStatus(run: RunRecord): "ACTIVE" | "SUCCEEDED" | "FAILED" {
    if (run.canceledAt !== null) return "FAILED";
    return context.now() >= run.endsAt ? "SUCCEEDED" : "ACTIVE";
  }

  function runRole(run: RunRecord, principals: Set<string>): string | undefined {
    if (principals.has(run.run_owner)) return "run_owner";
    if (run.run_managers.some((principal) => principals.has(principal))) return "run_manager";
    if (run.run_monitors.some((principal) => principals.has(principal))) return "run_monitor";
    const flow = flows.get(run.flow_id);
    if (flow) {
      const roles = rolesOn(flow, principals);
      if (roles.has("run_manager") || canAdminister(roles)) return "flow_run_manager";
      if (roles.has("run_monitor")) return "flow_run_monitor";
    }
    return undefined;
  }

  function runDoc(run: RunRecord, role: string): Record<string, unknown> {
    const status = runStatus(run);
    const output = { ...(isRecord(run.input) ? run.input : { input: run.input }) };
    const details =
      status === "ACTIVE"
        ? {
            code: "ActionStarted",
            description: "State started",
            details: { input: run.input },
          }
        : status === "SUCCEEDED"
          ? {
              code: "FlowSucceeded",
              description: "The Flow run reached a successful completion state",
              output,
            }
          : {
              code: "FlowCanceled",
              description: "The Flow run was canceled",
              output,
            };
    const completion =
      status === "ACTIVE" ? null : isoTime(run.canceledAt !== null ? run.canceledAt : run.endsAt);
    return {
      run_id: run.run_id,
      action_id: run.run_id,
      flow_id: run.flow_id,
      flow_title: run.flow_title,
      flow_last_updated: isoTime(run.flow_last_updated),
      start_time: isoTime(run.start_time),
      completion_time: completion,
      status,
      display_status: run.canceledAt !== null ? "CANCELED" : status,
      details,
      label: run.label,
      tags: run.tags,
      run_owner: run.run_owner,
      created_by: run.run_owner,
      run_managers: run.run_managers,
      run_monitors: run.run_monitors,
      manage_by: run.run_managers,
      monitor_by: run.run_monitors,
      user_role: role,
    };
  }

  function requireRun(id: string, token: AccessTokenInfo) {
    const run = runs.get(id);
    const role = run ? runRole(run, principalsOf(token)) : undefined;
    if (!run || !role) throw fail(404, "NOT_FOUND", `No run with id '${id}' was found`);
    return { run, role };
  }

  function runLog(run: RunRecord): Record<string, unknown>[] {
    const now = context.now();
    const end = run.canceledAt ?? run.endsAt;
    const entries: { at: number; entry: Record<string, unknown> }[] = [
      {
        at: run.start_time,
        entry: {
          code: "FlowStarted",
          description: "The Flow Instance started execution",
          details: { input: run.input },
        },
      },
    ];
    const step = (run.endsAt - run.start_time) / (run.stateNames.length * 2 + 1);
    run.stateNames.forEach((name, index) => {
      entries.push({
        at: run.start_time + step * (index * 2 + 1),
        entry: {
          code: "ActionStarted",
          description: `State ${name} started`,
          details: { state_name: name, input: run.input },
        },
      });
      entries.push({
        at: run.start_time + step * (index * 2 + 2),
        entry: {
          code: "ActionCompleted",
          description: `State ${name} completed`,
          details: { state_name: name, output: run.input },
        },
      });
    });
    entries.push({
      at: end,
      entry:
        run.canceledAt !== null
          ? { code: "FlowCanceled", description: "The Flow run was canceled", details: {} }
          : {
              code: "FlowSucceeded",
              description: "The Flow Instance completed successfully",
              details: { output: run.input },
            },
    });
    return entries
      .filter(({ at }) => at <= Math.min(now, end) || (run.canceledAt !== null && at === end))
      .filter(({ at }) => at <= end)
      .map(({ at, entry }) => ({ time: isoTime(at), ...entry }));
  }

  /** Marker paging: the first call's parameters travel inside the marker. */
  function pageOf<T>(
    request: EmulatorRequest,
    list: (params: Record<string, unknown>) => T[],
    defaults: { perPage: number; maxPerPage: number },
    read: (query: URLSearchParams) => Record<string, unknown>,
  ) {
    const marker = request.query.get("marker");
    const params = marker ? decodeMarker(marker, fail) : read(request.query);
    const perPage =
      typeof params.per_page === "number"
        ? params.per_page
        : intParam(
            request.query,
            "per_page",
            { default: defaults.perPage, min: 1, max: defaults.maxPerPage },
            fail,
          );
    const offset = typeof params.offset === "number" ? params.offset : 0;
    const items = list(params);
    const page = items.slice(offset, offset + perPage);
    const hasNext = offset + perPage < items.length;
    return {
      page,
      perPage,
      hasNext,
      marker: hasNext
        ? encodeMarker({ ...params, per_page: perPage, offset: offset + perPage })
        : null,
    };
  }

  /** A marker page as Flows sends it: the items under `key`, then the paging fields. */
  function markerPage<T>(
    key: string,
    result: ReturnType<typeof pageOf<T>>,
    render: (item: T) => unknown,
  ) {
    return {
      [key]: result.page.map(render),
      limit: result.perPage,
      has_next_page: result.hasNext,
      marker: result.marker,
    };
  }

  function applyRoleFields(target: FlowRecord, body: Record<string, unknown>): void {
    for (const key of [
      "flow_viewers",
      "flow_starters",
      "flow_administrators",
      "run_managers",
      "run_monitors",
    ] as const) {
      const value = optionalStringList(body, key, fail);
      if (value !== undefined) target[key] = toPrincipalUrns(value);
    }
    const keywords = optionalStringList(body, "keywords", fail);
    if (keywords !== undefined) target.keywords = keywords;
    for (const key of ["subtitle", "description"] as const) {
      const value = optionalString(body, key, fail);
      if (value !== undefined) target[key] = value;
    }
    const subscription = optionalString(body, "subscription_id", fail);
    if (subscription !== undefined) target.subscription_id = subscription;
  }

  router.route("GET", "/flows", (request) => {
    const token = auth(request, VIEW);
    const principals = principalsOf(token);
    const result = pageOf(
      request,
      (params) => {
        const roles = (params.filter_roles as string[]) ?? [];
        const fulltext = typeof params.filter_fulltext === "string" ? params.filter_fulltext : "";
        let matches = [...flows.values()]
          .map((flow) => ({ flow, roles: rolesOn(flow, principals) }))
          .filter(({ roles: held }) => held.size > 0);
        if (roles.length > 0) {
          matches = matches.filter(({ roles: held }) =>
            roles.some((role) => held.has(role as FlowRole)),
          );
        }
        if (fulltext) {
          matches = matches.filter(({ flow }) =>
            matchesFulltext(
              fulltext,
              flow.title,
              flow.subtitle,
              flow.description,
              flow.keywords,
              flow.id,
            ),
          );
        }
        const comparator =
          orderByComparator<{ flow: FlowRecord }>(
            (params.orderby as string[]) ?? [],
            [
              "id",
              "title",
              "created_at",
              "updated_at",
              "scope_string",
              "flow_owners",
              "flow_administrators",
            ],
            ({ flow }, field) =>
              field === "flow_owners"
                ? flow.flow_owner
                : field === "scope_string"
                  ? specificFlowScopeSet(flow.id).scopes.user
                  : field === "flow_administrators"
                    ? flow.flow_administrators.join(",")
                    : flow[field as "id" | "title" | "created_at" | "updated_at"],
            fail,
          ) ??
          ((a, b) => b.flow.updated_at - a.flow.updated_at || a.flow.id.localeCompare(b.flow.id));
        matches.sort(comparator);
        return matches;
      },
      { perPage: 20, maxPerPage: 50 },
      (query) => {
        const roles = listParam(query, "filter_roles", "filter_role");
        for (const role of roles) {
          if (!(FLOW_ROLES as readonly string[]).includes(role)) {
            throw fail(
              400,
              "BAD_REQUEST",
              `Invalid role filter '${role}'; allowed: ${FLOW_ROLES.join(", ")}`,
            );
          }
        }
        return {
          filter_roles: roles,
          filter_fulltext: query.get("filter_fulltext") ?? query.get("q") ?? "",
          orderby: listParam(query, "orderby"),
        };
      },
    );
    return { body: markerPage("flows", result, ({ flow, roles }) => flowDoc(flow, roles)) };
  });

  router.route("POST", "/flows", (request) => {
    const token = auth(request, MANAGE);
    const body = objectBody(() => request.json(), fail);
    const title = optionalString(body, "title", fail);
    if (!title) {
      throw new EmulatorHttpError(
        422,
        flowsErrorBody(
          "UNPROCESSABLE_ENTITY",
          [{ loc: ["title"], msg: "field required", type: "value_error.missing" }],
          context.newId(),
        ),
      );
    }
    validateDefinition(body.definition);
    if (body.input_schema !== undefined && !isRecord(body.input_schema)) {
      throw fail(400, "BAD_REQUEST", "'input_schema' must be an object");
    }
    const now = context.now();
    const owner = identityUrn(token.identityId);
    const flow: FlowRecord = {
      id: context.newId(),
      title,
      subtitle: "",
      description: "",
      keywords: [],
      definition: body.definition as Record<string, unknown>,
      input_schema: (body.input_schema as Record<string, unknown> | undefined) ?? {},
      flow_owner: owner,
      flow_viewers: [],
      flow_starters: [],
      flow_administrators: [],
      run_managers: [],
      run_monitors: [],
      subscription_id: null,
      created_by: owner,
      created_at: now,
      updated_at: now,
    };
    applyRoleFields(flow, body);
    flows.set(flow.id, flow);
    return { status: 201, body: flowDoc(flow, rolesOn(flow, principalsOf(token))) };
  });

  router.route("POST", "/flows/validate", (request) => {
    auth(request, MANAGE);
    const body = objectBody(() => request.json(), fail);
    validateDefinition(body.definition);
    return { body: { scopes: { User: scopesOf(body.definition as Record<string, unknown>) } } };
  });

  router.route("GET", "/flows/:id", (request) => {
    const token = auth(request, VIEW);
    const { flow, roles } = requireVisibleFlow(request.params.id ?? "", token);
    return { body: flowDoc(flow, roles) };
  });

  router.route("PUT", "/flows/:id", (request) => {
    const token = auth(request, MANAGE);
    const { flow, roles } = requireVisibleFlow(request.params.id ?? "", token);
    if (!canAdminister(roles)) {
      throw fail(403, "FORBIDDEN", "Only a flow's owner or administrators may update it");
    }
    const body = objectBody(() => request.json(), fail);
    if (body.definition !== undefined) validateDefinition(body.definition);
    if (body.input_schema !== undefined && !isRecord(body.input_schema)) {
      throw fail(400, "BAD_REQUEST", "'input_schema' must be an object");
    }
    const title = optionalString(body, "title", fail);
    const newOwner = optionalString(body, "flow_owner", fail);
    if (newOwner !== undefined && !roles.has("flow_owner")) {
      throw fail(403, "FORBIDDEN", "Only a flow's owner may change its owner");
    }
    if (title !== undefined) flow.title = title;
    if (body.definition !== undefined) flow.definition = body.definition as Record<string, unknown>;
    if (body.input_schema !== undefined)
      flow.input_schema = body.input_schema as Record<string, unknown>;
    if (newOwner !== undefined) flow.flow_owner = toPrincipalUrns([newOwner])[0] ?? newOwner;
    applyRoleFields(flow, body);
    flow.updated_at = context.now();
    return { body: flowDoc(flow, rolesOn(flow, principalsOf(token))) };
  });

  router.route("DELETE", "/flows/:id", (request) => {
    const token = auth(request, MANAGE);
    const { flow, roles } = requireVisibleFlow(request.params.id ?? "", token);
    if (!canAdminister(roles)) {
      throw fail(403, "FORBIDDEN", "Only a flow's owner or administrators may delete it");
    }
    flows.delete(flow.id);
    return { body: { ...flowDoc(flow, roles), deleted: true } };
  });

  router.route("POST", "/flows/:id/run", (request) => {
    const flowId = request.params.id ?? "";
    const token = context.authenticate(request, flowId, {
      anyOfScopes: [specificFlowScopeSet(flowId).scopes.user],
      format: formatter,
    });
    const { flow, roles } = requireVisibleFlow(flowId, token);
    if (!roles.has("flow_starter") && !canAdminister(roles)) {
      throw fail(
        403,
        "FORBIDDEN",
        "You are not allowed to run this flow (flow_starter role required)",
      );
    }
    const body = objectBody(() => request.json(), fail);
    const input = body.body ?? {};
    if (!isRecord(input)) throw fail(400, "FLOW_INPUT_ERROR", "The run 'body' must be an object");
    const required = Array.isArray(flow.input_schema.required) ? flow.input_schema.required : [];
    const missing = required.filter((key) => typeof key === "string" && !(key in input));
    if (missing.length > 0) {
      throw fail(400, "FLOW_INPUT_ERROR", `'${missing.join("', '")}' is a required property`);
    }
    const tags = optionalStringList(body, "tags", fail) ?? [];
    const now = context.now();
    const run: RunRecord = {
      run_id: context.newId(),
      flow_id: flow.id,
      flow_title: flow.title,
      flow_last_updated: flow.updated_at,
      input,
      label: optionalString(body, "label", fail) ?? `Run of ${flow.title}`,
      tags,
      run_owner: identityUrn(token.identityId),
      run_managers: toPrincipalUrns(optionalStringList(body, "run_managers", fail)),
      run_monitors: toPrincipalUrns(optionalStringList(body, "run_monitors", fail)),
      start_time: now,
      endsAt: now + FLOW_RUN_SECONDS,
      canceledAt: null,
      stateNames: statePath(flow.definition),
    };
    runs.set(run.run_id, run);
    return { status: 201, body: runDoc(run, "run_owner") };
  });

  router.route("GET", "/runs", (request) => {
    const token = auth(request, RUN_STATUS);
    const principals = principalsOf(token);
    const result = pageOf(
      request,
      (params) => {
        const flowIds = (params.filter_flow_id as string[]) ?? [];
        const roleFilter = (params.filter_roles as string[]) ?? [];
        return [...runs.values()]
          .map((run) => ({ run, role: runRole(run, principals) }))
          .filter(
            (entry): entry is { run: RunRecord; role: string } =>
              entry.role !== undefined &&
              (flowIds.length === 0 || flowIds.includes(entry.run.flow_id)) &&
              (roleFilter.length === 0 || roleFilter.includes(entry.role)),
          )
          .sort(
            (a, b) =>
              b.run.start_time - a.run.start_time || a.run.run_id.localeCompare(b.run.run_id),
          );
      },
      { perPage: 20, maxPerPage: 50 },
      (query) => {
        const roles = listParam(query, "filter_roles", "filter_role");
        for (const role of roles) {
          if (!RUN_ROLES.includes(role))
            throw fail(400, "BAD_REQUEST", `Invalid role filter '${role}'`);
        }
        return { filter_flow_id: listParam(query, "filter_flow_id"), filter_roles: roles };
      },
    );
    return { body: markerPage("runs", result, ({ run, role }) => runDoc(run, role)) };
  });

  router.route("GET", "/runs/:id", (request) => {
    const token = auth(request, RUN_STATUS);
    const { run, role } = requireRun(request.params.id ?? "", token);
    return { body: runDoc(run, role) };
  });

  router.route("GET", "/runs/:id/log", (request) => {
    const token = auth(request, RUN_STATUS);
    const { run } = requireRun(request.params.id ?? "", token);
    const marker = request.query.get("marker");
    const params = marker
      ? decodeMarker(marker, fail)
      : {
          limit: intParam(request.query, "limit", { default: 10, min: 1, max: 100 }, fail),
          reverse: ["true", "1"].includes((request.query.get("reverse_order") ?? "").toLowerCase()),
          offset: 0,
        };
    const { limit, offset } = params;
    // a marker is opaque to clients; one they edited is refused, as Flows refuses it
    if (!isCount(limit, 1) || !isCount(offset, 0)) {
      throw fail(400, "BAD_REQUEST", `Invalid marker '${marker}'`);
    }
    let entries = runLog(run);
    if (params.reverse === true) entries = entries.reverse();
    const page = entries.slice(offset, offset + limit);
    const hasNext = offset + limit < entries.length;
    return {
      body: {
        limit,
        has_next_page: hasNext,
        marker: hasNext ? encodeMarker({ ...params, offset: offset + limit }) : null,
        entries: page,
      },
    };
  });

  router.route("POST", "/runs/:id/cancel", (request) => {
    const token = auth(request, RUN_MANAGE);
    const { run, role } = requireRun(request.params.id ?? "", token);
    if (!["run_owner", "run_manager", "flow_run_manager"].includes(role)) {
      throw fail(403, "FORBIDDEN", "Only the run's owner or managers may cancel it");
    }
    if (runStatus(run) === "ACTIVE") run.canceledAt = context.now();
    return { body: runDoc(run, role) };
  });
}

/** A whole number of at least `min`. */
function isCount(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

/** Globus Flows, mounted at `/flows/`. */
export const flowsService: ServiceModule = {
  name: "flows",
  errorFormat: (_status, code, message) =>
    flowsErrorBody(automateCode(code), message, randomUUID()),
  register,
};
