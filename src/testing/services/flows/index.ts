/**
 * Globus Flows: flows (list, create, get, update, delete, validate), runs (start and
 * validate with the flow's own scope, list, get, update, logs, definition, cancel, resume,
 * release), web inputs (list, get, respond) and registered APIs (list, get).
 *
 * The model: `FlowRecord`s with role lists, `RunRecord`s moved by the emulator clock
 * (`runs.ts`), `WebInputs` that runs open and people answer (`web-inputs.ts`), and fixed
 * registered APIs (`registered-apis.ts`). Who may do what is decided in one place
 * (`rolesOn`, `runRole`); documents are rendered in the keys Globus recorded.
 */
import { randomUUID } from "node:crypto";
import {
  gcsCollectionScopeSet,
  KNOWN_SCOPES,
  specificFlowScopeSet,
} from "../../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  SeedFlow,
  ServiceModule,
  ServiceRouter,
} from "../../types.ts";
import {
  automateCode,
  boolParam,
  identityUrn,
  isoTime,
  isRecord,
  listParam,
  matchesFulltext,
  objectBody,
  orderByComparator,
  toPrincipalUrns,
} from "../common.ts";
import {
  definitionProblems,
  inputProblems,
  isTransferAction,
  resolveParameters,
  scopesOf,
} from "./definitions.ts";
import { FlowsErrors, flowsErrorBody, type LocatedProblem } from "./errors.ts";
import { markerPage, type PagingOptions } from "./paging.ts";
import {
  listed,
  ownerProblem,
  PRINCIPAL_FIELDS,
  type PrincipalField,
  principalProblems,
  principalsOf,
  stringListOr,
} from "./principals.ts";
import {
  demoRegisteredApis,
  REGISTERED_API_ROLES,
  type RegisteredApiRole,
  registeredApiDoc,
  registeredApiRoles,
  registeredApiSummary,
} from "./registered-apis.ts";
import { RunEngine, type RunRecord } from "./runs.ts";
import { type WebInputRole, WebInputs } from "./web-inputs.ts";

export { WEB_INPUT_ACTION_URL } from "./definitions.ts";
export { DEMO_REGISTERED_API_ID, DEMO_REGISTERED_API_IDS } from "./registered-apis.ts";
export { FLOW_RUN_SECONDS } from "./runs.ts";

const FLOWS = KNOWN_SCOPES.flows;
const TRANSFER_ALL = KNOWN_SCOPES.transfer.scopes.all;
const VIEW = [FLOWS.scopes.view_flows, FLOWS.scopes.manage_flows, FLOWS.scopes.all];
const MANAGE = [FLOWS.scopes.manage_flows, FLOWS.scopes.all];
const RUN_STATUS = [FLOWS.scopes.run_status, FLOWS.scopes.run_manage, FLOWS.scopes.all];
const RUN_MANAGE = [FLOWS.scopes.run_manage, FLOWS.scopes.all];
const WEB_INPUT_VIEW = [FLOWS.scopes.web_input_view, FLOWS.scopes.all];
const WEB_INPUT_RESPOND = [FLOWS.scopes.web_input_respond, FLOWS.scopes.all];

/** A caller's roles on a flow, strongest first (the first held is its `user_role`). */
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
/** The run roles that may change, cancel, resume or release a run. */
const RUN_MANAGERS = ["run_owner", "run_manager", "flow_run_manager"];
const ROLE_LISTS = Object.keys(PRINCIPAL_FIELDS) as PrincipalField[];
const RUN_ROLE_LISTS: PrincipalField[] = ["run_managers", "run_monitors"];
const NOTIFY_STATUSES = ["INACTIVE", "SUCCEEDED", "FAILED"];
const MAX_ID_FILTERS = 10;

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
  /** Set once deleted: the flow answers 404, but its runs still describe it. */
  deleted_at: number | null;
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const errors = new FlowsErrors(() => context.newId());
  const { fail } = errors;
  const flows = new Map<string, FlowRecord>();
  const runs = new Map<string, RunRecord>();
  const webInputs = new WebInputs(
    () => context.now(),
    () => context.newId(),
  );
  const startedAt = context.now();
  const registeredApis = new Map(demoRegisteredApis(startedAt).map((api) => [api.id, api]));
  for (const seed of context.seed.flows) flows.set(seed.id, fromSeed(seed, startedAt));

  const engine = new RunEngine(
    () => context.now(),
    () => context.newId(),
    {
      consentRequired,
      openWebInput: (run, stateName, parameters) => webInputs.open(run, stateName, parameters).id,
      closeWebInput: (id) => webInputs.close(id),
    },
  );

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
      // a seed file may name identities by bare id; the API itself only takes URNs
      flow_viewers: toPrincipalUrns(seed.flow_viewers),
      flow_starters: toPrincipalUrns(seed.flow_starters),
      flow_administrators: toPrincipalUrns(seed.flow_administrators),
      run_managers: toPrincipalUrns(seed.run_managers),
      run_monitors: toPrincipalUrns(seed.run_monitors),
      subscription_id: null,
      created_by: identityUrn(seed.owner),
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
  }

  const formatter: ErrorBodyFormatter = (_status, code, message) =>
    flowsErrorBody(automateCode(code), message, context.newId());

  function auth(request: EmulatorRequest, scopes: readonly string[]): AccessTokenInfo {
    return context.authenticate(request, FLOWS.resourceServer, {
      anyOfScopes: scopes,
      format: formatter,
    });
  }

  /** A token for one flow's own resource server, with its `user` scope. */
  function flowAuth(request: EmulatorRequest, flowId: string): AccessTokenInfo {
    return context.authenticate(request, flowId, {
      anyOfScopes: [specificFlowScopeSet(flowId).scopes.user],
      format: formatter,
    });
  }

  // ----- who may do what -----

  function rolesOn(flow: FlowRecord, principals: ReadonlySet<string>): Set<FlowRole> {
    const roles = new Set<FlowRole>();
    if (principals.has(flow.flow_owner)) roles.add("flow_owner");
    if (listed(flow.flow_administrators, principals)) roles.add("flow_administrator");
    if (listed(flow.flow_starters, principals, ["all_authenticated_users"]))
      roles.add("flow_starter");
    if (listed(flow.flow_viewers, principals, ["public"])) roles.add("flow_viewer");
    if (listed(flow.run_managers, principals)) roles.add("run_manager");
    if (listed(flow.run_monitors, principals)) roles.add("run_monitor");
    return roles;
  }

  const canAdminister = (roles: Set<FlowRole>) =>
    roles.has("flow_owner") || roles.has("flow_administrator");
  const canStart = (roles: Set<FlowRole>) => roles.has("flow_starter") || canAdminister(roles);

  function requireVisibleFlow(id: string, token: AccessTokenInfo) {
    const flow = flows.get(id);
    const roles =
      flow && flow.deleted_at === null
        ? rolesOn(flow, principalsOf(context, token))
        : new Set<FlowRole>();
    if (!flow || roles.size === 0) throw errors.notFound("Flow", id);
    return { flow, roles };
  }

  function runRole(run: RunRecord, principals: ReadonlySet<string>): string | undefined {
    if (principals.has(run.run_owner)) return "run_owner";
    if (listed(run.run_managers, principals)) return "run_manager";
    if (listed(run.run_monitors, principals)) return "run_monitor";
    const flow = flows.get(run.flow_id);
    if (flow && flow.deleted_at === null) {
      const roles = rolesOn(flow, principals);
      if (roles.has("run_manager") || canAdminister(roles)) return "flow_run_manager";
      if (roles.has("run_monitor")) return "flow_run_monitor";
    }
    return undefined;
  }

  function requireRun(id: string, token: AccessTokenInfo) {
    const run = runs.get(id);
    const role = run ? runRole(run, principalsOf(context, token)) : undefined;
    if (!run || !role) throw errors.notFound("Run", id);
    return { run, role };
  }

  function requireRunManager(id: string, token: AccessTokenInfo) {
    const found = requireRun(id, token);
    if (!RUN_MANAGERS.includes(found.role)) {
      throw fail(403, "FORBIDDEN", `You are not allowed to manage run ${id} (role ${found.role})`);
    }
    return found;
  }

  // ----- documents -----

  function flowDoc(flow: FlowRecord, roles: Set<FlowRole>): Record<string, unknown> {
    const flowUrl = `${context.serviceUrl("flows")}flows/${flow.id}`;
    return {
      ...flowCore(flow, roles),
      action_url: flowUrl,
      flow_url: flowUrl,
      run_managers: flow.run_managers,
      run_monitors: flow.run_monitors,
      ...(flow.subscription_id !== null ? { subscription_id: flow.subscription_id } : {}),
    };
  }

  /** The keys every flow document has, the deleted one included. */
  function flowCore(flow: FlowRecord, roles: Set<FlowRole>): Record<string, unknown> {
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
      // legacy role lists: the real service still sends them, and sends them empty
      visible_to: [],
      runnable_by: [],
      administered_by: [],
      created_by: flow.created_by,
      created_at: isoTime(flow.created_at),
      updated_at: isoTime(flow.updated_at),
      user_role: FLOW_ROLES.find((role) => roles.has(role)) ?? "flow_viewer",
      synchronous: false,
      log_supported: true,
      types: ["Action"],
      api_version: "1.0",
    };
  }

  /** A run document; with `include_flow_description`, the flow's summary as well. */
  function runDoc(run: RunRecord, role: string, withFlow = false): Record<string, unknown> {
    const doc = engine.doc(engine.advance(run), role);
    const flow = flows.get(run.flow_id);
    if (!withFlow || !flow) return doc;
    return {
      ...doc,
      flow_description: {
        id: flow.id,
        title: flow.title,
        subtitle: flow.subtitle,
        description: flow.description,
        keywords: flow.keywords,
        flow_owner: flow.flow_owner,
        created_by: flow.created_by,
        globus_auth_scope: specificFlowScopeSet(flow.id).scopes.user,
        created_at: isoTime(flow.created_at),
        updated_at: isoTime(flow.updated_at),
        ...(flow.deleted_at !== null ? { deleted_at: isoTime(flow.deleted_at) } : {}),
      },
    };
  }

  // ----- request bodies -----

  function requireValid(problems: LocatedProblem[]): void {
    if (problems.length > 0) throw errors.validation(problems);
  }

  /** Checks the fields a flow body may carry (every field optional). */
  function flowFieldProblems(body: Record<string, unknown>): LocatedProblem[] {
    const problems: LocatedProblem[] = [];
    if (body.definition !== undefined) problems.push(...definitionProblems(body.definition));
    if (body.input_schema !== undefined && !isRecord(body.input_schema)) {
      problems.push({
        loc: ["input_schema"],
        msg: "value is not a valid dict",
        type: "type_error.dict",
      });
    }
    for (const key of [
      "title",
      "subtitle",
      "description",
      "subscription_id",
      "authentication_policy_id",
    ]) {
      const value = body[key];
      if (value !== undefined && value !== null && typeof value !== "string") {
        problems.push({ loc: [key], msg: "str type expected", type: "type_error.str" });
      }
    }
    if (body.title === "") {
      problems.push({
        loc: ["title"],
        msg: "ensure this value has at least 1 characters",
        type: "value_error.any_str.min_length",
      });
    }
    if (body.keywords !== undefined && stringListOr(body, "keywords") === undefined) {
      problems.push({
        loc: ["keywords"],
        msg: "value is not a valid list",
        type: "type_error.list",
      });
    }
    problems.push(...principalProblems(body, ROLE_LISTS));
    return problems;
  }

  /** Applies a checked flow body's fields to a record. */
  function applyFlowFields(flow: FlowRecord, body: Record<string, unknown>): void {
    if (typeof body.title === "string") flow.title = body.title;
    if (typeof body.subtitle === "string") flow.subtitle = body.subtitle;
    if (typeof body.description === "string") flow.description = body.description;
    if (isRecord(body.definition)) flow.definition = body.definition;
    if (isRecord(body.input_schema)) flow.input_schema = body.input_schema;
    flow.keywords = stringListOr(body, "keywords") ?? flow.keywords;
    for (const key of ROLE_LISTS) flow[key] = stringListOr(body, key) ?? flow[key];
    if (body.subscription_id !== undefined) {
      flow.subscription_id =
        typeof body.subscription_id === "string" && body.subscription_id !== "DEFAULT"
          ? body.subscription_id
          : null;
    }
  }

  /** Tags as Flows stores them: trimmed, with inner whitespace collapsed. */
  const normaliseTags = (tags: string[]) => tags.map((tag) => tag.trim().replace(/\s+/g, " "));

  /** Checks the run metadata a run, a run validation or a run update may carry. */
  function runFieldProblems(body: Record<string, unknown>): LocatedProblem[] {
    const problems = principalProblems(body, RUN_ROLE_LISTS);
    if (body.label !== undefined && typeof body.label !== "string") {
      problems.push({ loc: ["label"], msg: "str type expected", type: "type_error.str" });
    }
    if (body.tags !== undefined && stringListOr(body, "tags") === undefined) {
      problems.push({ loc: ["tags"], msg: "value is not a valid list", type: "type_error.list" });
    }
    const policy = body.activity_notification_policy;
    if (policy !== undefined) {
      const statuses = isRecord(policy) && Array.isArray(policy.status) ? policy.status : null;
      if (statuses === null) {
        problems.push({
          loc: ["activity_notification_policy", "status"],
          msg: "field required",
          type: "value_error.missing",
        });
      } else {
        statuses.forEach((status, index) => {
          if (!NOTIFY_STATUSES.includes(status as string)) {
            problems.push({
              loc: ["activity_notification_policy", "status", index],
              msg: `value is not a valid enumeration member; permitted: ${NOTIFY_STATUSES.map((s) => `'${s}'`).join(", ")}`,
              type: "type_error.enum",
            });
          }
        });
      }
    }
    return problems;
  }

  /** Checks a run (or run validation) request against the flow; returns its input. */
  function checkRunRequest(
    flow: FlowRecord,
    roles: Set<FlowRole>,
    body: Record<string, unknown>,
  ): Record<string, unknown> {
    if (!canStart(roles)) throw errors.missingPermission(flow.id, "RUN");
    const input = body.body;
    const problems = runFieldProblems(body);
    if (!isRecord(input)) {
      problems.unshift({
        loc: ["body"],
        msg: "value is not a valid dict",
        type: "type_error.dict",
      });
    }
    requireValid(problems);
    const inputIssues = inputProblems(input as Record<string, unknown>, flow.input_schema);
    if (inputIssues.length > 0) throw errors.input(inputIssues);
    return input as Record<string, unknown>;
  }

  // ----- consents a run's actions need -----

  const COLLECTION_KEY = /^(source|destination)_endpoint(_id)?$/;

  /**
   * A Transfer action on a collection that needs a `data_access` consent (mapped and
   * high-assurance collections) stops the run when the flow's token lacks the Transfer
   * consent beneath the flow's scope. The ConsentRequired details name the scope that
   * fixes it, as Flows words them.
   */
  function consentRequired(
    run: RunRecord,
    stateName: string,
    state: Record<string, unknown>,
  ): Record<string, unknown> | undefined {
    if (!isTransferAction(state)) return undefined;
    const parameters = resolveParameters(state.Parameters ?? {}, run.data);
    const ids = Object.entries(isRecord(parameters) ? parameters : {})
      .filter(([key, value]) => COLLECTION_KEY.test(key) && typeof value === "string")
      .map(([, value]) => value as string)
      .filter((id) => {
        const collection = context.collections.get(id);
        return (
          collection?.high_assurance === true || collection?.requires_data_access_consent === true
        );
      });
    if (ids.length === 0) return undefined;
    const flowScope = specificFlowScopeSet(run.flow_id).scopes.user;
    if (context.hasDependentConsent(run.token, flowScope, TRANSFER_ALL)) return undefined;
    const unique = [...new Set(ids)];
    const transferScope = `${TRANSFER_ALL}[${unique
      .map((id) => `*${gcsCollectionScopeSet(id).scopes.data_access}`)
      .join(" ")}]`;
    const description = "Missing required data_access consent";
    return {
      code: "ConsentRequired",
      description,
      required_scope: `${flowScope}[${transferScope}]`,
      state_name: stateName,
      action_statuses: [
        {
          action_id: context.newId(),
          creator_id: run.run_owner,
          details: {
            code: "ConsentRequired",
            description,
            required_scope: transferScope,
            resolution_url: null,
          },
          display_status: "INACTIVE",
          label: null,
          manage_by: [],
          monitor_by: [],
          release_after: "P30D",
          start_time: isoTime(context.now()),
          state_name: stateName,
          status: "INACTIVE",
        },
      ],
    };
  }

  // ----- listings -----

  /** Role and state filters, checked against the values the service knows. */
  function filterValues(
    query: URLSearchParams,
    name: string,
    allowed: readonly string[],
    ...aliases: string[]
  ) {
    // the Python SDK documents role filters singular (`flow_viewer`), the OpenAPI spec
    // plural (`flow_viewers`); both are read as the singular role
    const values = listParam(query, name, ...aliases).map((value) =>
      !allowed.includes(value) && allowed.includes(value.replace(/s$/, ""))
        ? value.replace(/s$/, "")
        : value,
    );
    for (const value of values) {
      if (!allowed.includes(value)) {
        throw fail(
          400,
          "BAD_REQUEST",
          `Invalid value '${value}' for '${name}'; allowed: ${allowed.join(", ")}`,
        );
      }
    }
    return values;
  }

  function idFilter(query: URLSearchParams, name: string): string[] {
    const ids = listParam(query, name);
    if (ids.length > MAX_ID_FILTERS) {
      throw errors.validation([
        { loc: ["query", name], msg: `at most ${MAX_ID_FILTERS} ids`, type: "value_error" },
      ]);
    }
    return ids;
  }

  /** Paging by `per_page` (20 by default, at most 50), as Flows' listings page. */
  const perPage = (read: PagingOptions["read"]): PagingOptions => ({
    sizeParam: "per_page",
    defaultSize: 20,
    maxSize: 50,
    read,
  });

  /** A marker page in the shape of Flows' own listings: items, then the paging keys. */
  function listing<T>(
    key: string,
    page: ReturnType<typeof markerPage<T>>,
    render: (item: T) => unknown,
  ) {
    return {
      [key]: page.items.map(render),
      limit: page.size,
      has_next_page: page.hasNext,
      marker: page.marker,
    };
  }

  // ----- flows -----

  router.route("GET", "/flows", (request) => {
    const principals = principalsOf(context, auth(request, VIEW));
    const page = markerPage(
      request,
      perPage((query) => ({
        filter_roles: filterValues(query, "filter_roles", FLOW_ROLES, "filter_role"),
        filter_fulltext: query.get("filter_fulltext") ?? query.get("q") ?? "",
        orderby: listParam(query, "orderby"),
      })),
      fail,
      (params) => {
        const wanted = (params.filter_roles as string[]) ?? [];
        const fulltext = String(params.filter_fulltext ?? "");
        const matches = [...flows.values()]
          .filter((flow) => flow.deleted_at === null)
          .map((flow) => ({ flow, roles: rolesOn(flow, principals) }))
          .filter(({ roles }) => roles.size > 0)
          .filter(
            ({ roles }) =>
              wanted.length === 0 || wanted.some((role) => roles.has(role as FlowRole)),
          )
          .filter(
            ({ flow }) =>
              !fulltext ||
              matchesFulltext(
                fulltext,
                flow.title,
                flow.subtitle,
                flow.description,
                flow.keywords,
                flow.id,
              ),
          );
        const comparator =
          orderByComparator<{ flow: FlowRecord }>(
            (params.orderby as string[]) ?? [],
            [
              "id",
              "title",
              "created_at",
              "updated_at",
              "scope_string",
              "flow_owner",
              "flow_owners",
              "flow_administrators",
            ],
            ({ flow }, field) =>
              field === "flow_owners" || field === "flow_owner"
                ? flow.flow_owner
                : field === "scope_string"
                  ? specificFlowScopeSet(flow.id).scopes.user
                  : field === "flow_administrators"
                    ? flow.flow_administrators.join(",")
                    : flow[field as "id" | "title" | "created_at" | "updated_at"],
            fail,
          ) ??
          ((a, b) => b.flow.updated_at - a.flow.updated_at || a.flow.id.localeCompare(b.flow.id));
        return matches.sort(comparator);
      },
    );
    return { body: listing("flows", page, ({ flow, roles }) => flowDoc(flow, roles)) };
  });

  router.route("POST", "/flows", (request) => {
    const token = auth(request, MANAGE);
    const body = objectBody(() => request.json(), fail);
    const problems = flowFieldProblems(body);
    if (body.title === undefined) {
      problems.unshift({ loc: ["title"], msg: "field required", type: "value_error.missing" });
    }
    if (body.definition === undefined) {
      problems.unshift({ loc: ["definition"], msg: "field required", type: "value_error.missing" });
    }
    requireValid(problems);
    const now = context.now();
    const owner = identityUrn(token.identityId);
    const flow: FlowRecord = {
      id: context.newId(),
      title: "",
      subtitle: "",
      description: "",
      keywords: [],
      definition: {},
      input_schema: {},
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
      deleted_at: null,
    };
    applyFlowFields(flow, body);
    flows.set(flow.id, flow);
    return { status: 201, body: flowDoc(flow, rolesOn(flow, principalsOf(context, token))) };
  });

  router.route("POST", "/flows/validate", (request) => {
    auth(request, MANAGE);
    const body = objectBody(() => request.json(), fail);
    const problems = definitionProblems(body.definition);
    if (body.input_schema !== undefined && !isRecord(body.input_schema)) {
      problems.push({
        loc: ["input_schema"],
        msg: "value is not a valid dict",
        type: "type_error.dict",
      });
    }
    requireValid(problems);
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
    if (!canAdminister(roles)) throw errors.missingPermission(flow.id, "UPDATE");
    const body = objectBody(() => request.json(), fail);
    const problems = flowFieldProblems(body);
    if (body.flow_owner !== undefined) {
      const problem = ownerProblem(body.flow_owner);
      if (problem) problems.push(problem);
    }
    requireValid(problems);
    if (typeof body.flow_owner === "string" && body.flow_owner !== flow.flow_owner) {
      // Flows lets an administrator take ownership, and only for themselves
      if (!principalsOf(context, token).has(body.flow_owner)) {
        throw fail(403, "FORBIDDEN", "A flow's new owner must be the caller's own identity");
      }
      flow.flow_owner = body.flow_owner;
    }
    applyFlowFields(flow, body);
    flow.updated_at = context.now();
    return { body: flowDoc(flow, rolesOn(flow, principalsOf(context, token))) };
  });

  router.route("DELETE", "/flows/:id", (request) => {
    const token = auth(request, MANAGE);
    const { flow, roles } = requireVisibleFlow(request.params.id ?? "", token);
    if (!canAdminister(roles)) throw errors.missingPermission(flow.id, "DELETE");
    const now = context.now();
    flow.deleted_at = now;
    flow.updated_at = now;
    // the deleted document as Globus recorded it: the flow's keys, marked and dated
    return { body: { ...flowCore(flow, roles), DELETED: true, deleted_at: isoTime(now) } };
  });

  // ----- starting runs -----

  router.route("POST", "/flows/:id/run", (request) => {
    const flowId = request.params.id ?? "";
    const token = flowAuth(request, flowId);
    const { flow, roles } = requireVisibleFlow(flowId, token);
    const body = objectBody(() => request.json(), fail);
    const input = checkRunRequest(flow, roles, body);
    const run = engine.start({
      run_id: context.newId(),
      flow_id: flow.id,
      flow_title: flow.title,
      flow_last_updated: flow.updated_at,
      definition: structuredClone(flow.definition),
      input_schema: structuredClone(flow.input_schema),
      input,
      label: typeof body.label === "string" ? body.label : `Run of ${flow.title}`,
      tags: normaliseTags(stringListOr(body, "tags") ?? []),
      run_owner: identityUrn(token.identityId),
      run_managers: stringListOr(body, "run_managers") ?? [],
      run_monitors: stringListOr(body, "run_monitors") ?? [],
      activity_notification_policy: isRecord(body.activity_notification_policy)
        ? body.activity_notification_policy
        : { status: ["INACTIVE"] },
      token,
    });
    runs.set(run.run_id, run);
    // the answer describes the run as Flows accepted it, before its first state starts
    return { status: 201, body: engine.doc(run, "run_owner") };
  });

  router.route("POST", "/flows/:id/validate_run", (request) => {
    const flowId = request.params.id ?? "";
    const token = flowAuth(request, flowId);
    const { flow, roles } = requireVisibleFlow(flowId, token);
    checkRunRequest(
      flow,
      roles,
      objectBody(() => request.json(), fail),
    );
    return { body: { message: "validation successful" } };
  });

  // ----- runs -----

  router.route("GET", "/runs", (request) => {
    const principals = principalsOf(context, auth(request, RUN_STATUS));
    const page = markerPage(
      request,
      perPage((query) => ({
        filter_flow_id: listParam(query, "filter_flow_id"),
        filter_roles: filterValues(query, "filter_roles", RUN_ROLES, "filter_role"),
      })),
      fail,
      (params) => {
        const flowIds = (params.filter_flow_id as string[]) ?? [];
        const wanted = (params.filter_roles as string[]) ?? [];
        return [...runs.values()]
          .map((run) => ({ run, role: runRole(run, principals) }))
          .filter(
            (entry): entry is { run: RunRecord; role: string } =>
              entry.role !== undefined &&
              (flowIds.length === 0 || flowIds.includes(entry.run.flow_id)) &&
              (wanted.length === 0 || wanted.includes(entry.role)),
          )
          .sort(
            (a, b) =>
              b.run.start_time - a.run.start_time || a.run.run_id.localeCompare(b.run.run_id),
          );
      },
    );
    return { body: listing("runs", page, ({ run, role }) => runDoc(run, role)) };
  });

  router.route("GET", "/runs/:id", (request) => {
    const { run, role } = requireRun(request.params.id ?? "", auth(request, RUN_STATUS));
    return { body: runDoc(run, role, boolParam(request.query, "include_flow_description", false)) };
  });

  router.route("PUT", "/runs/:id", (request) => {
    const { run, role } = requireRunManager(request.params.id ?? "", auth(request, RUN_MANAGE));
    const body = objectBody(() => request.json(), fail);
    requireValid(runFieldProblems(body));
    if (typeof body.label === "string") run.label = body.label;
    const tags = stringListOr(body, "tags");
    if (tags) run.tags = normaliseTags(tags);
    run.run_managers = stringListOr(body, "run_managers") ?? run.run_managers;
    run.run_monitors = stringListOr(body, "run_monitors") ?? run.run_monitors;
    // Flows re-indexes the changed run in Search
    run.searchTaskId = context.newId();
    return { body: runDoc(run, role) };
  });

  router.route("GET", "/runs/:id/definition", (request) => {
    const { run } = requireRun(request.params.id ?? "", auth(request, RUN_STATUS));
    return {
      body: { flow_id: run.flow_id, definition: run.definition, input_schema: run.input_schema },
    };
  });

  router.route("GET", "/runs/:id/log", (request) => {
    const { run } = requireRun(request.params.id ?? "", auth(request, RUN_STATUS));
    engine.advance(run);
    const page = markerPage(
      request,
      {
        sizeParam: "limit",
        defaultSize: 10,
        maxSize: 100,
        read: (query) => ({ reverse: boolParam(query, "reverse_order", false) }),
      },
      fail,
      (params) => {
        const entries = engine.logOf(run);
        return params.reverse === true ? entries.reverse() : entries;
      },
    );
    // the last page has no marker at all, as Globus recorded it
    return {
      body: {
        limit: page.size,
        has_next_page: page.hasNext,
        ...(page.marker !== null ? { marker: page.marker } : {}),
        entries: page.items,
      },
    };
  });

  router.route("POST", "/runs/:id/cancel", (request) => {
    const { run, role } = requireRunManager(request.params.id ?? "", auth(request, RUN_MANAGE));
    engine.cancel(run);
    return { body: runDoc(run, role) };
  });

  router.route("POST", "/runs/:id/release", (request) => {
    const id = request.params.id ?? "";
    const { run, role } = requireRunManager(id, auth(request, RUN_MANAGE));
    engine.advance(run);
    if (!engine.ended(run)) {
      throw fail(
        409,
        "STATE_CONFLICT",
        `Run ${id} has status '${run.status}' but must have status in {'ENDED', 'SUCCEEDED', 'FAILED'} for requested operation`,
      );
    }
    runs.delete(id);
    return { body: runDoc(run, role) };
  });

  router.route("POST", "/runs/:id/resume", (request) => {
    const id = request.params.id ?? "";
    const found = runs.get(id);
    if (!found) throw errors.notFound("Run", id);
    // resuming hands Flows a token for the flow's own scope, to act with from now on
    const token = flowAuth(request, found.flow_id);
    const { run, role } = requireRunManager(id, token);
    engine.resume(run, token);
    return { body: runDoc(run, role) };
  });

  // ----- web inputs -----

  /** Runs move on their own in Flows; here they move when read, so web inputs read them all. */
  function advanceAllRuns(): void {
    for (const run of runs.values()) engine.advance(run);
  }

  function requireWebInput(id: string, token: AccessTokenInfo) {
    advanceAllRuns();
    const record = webInputs.records.get(id);
    const roles = record ? webInputs.rolesOf(record, principalsOf(context, token)) : [];
    if (!record || roles.length === 0) throw errors.notFound("Web Input", id);
    return { record, roles };
  }

  router.route("GET", "/web_inputs", (request) => {
    const principals = principalsOf(context, auth(request, WEB_INPUT_VIEW));
    advanceAllRuns();
    const page = markerPage(
      request,
      perPage((query) => ({
        filter_roles: filterValues(query, "filter_roles", ["viewer", "respondent"]),
        filter_states: filterValues(query, "filter_states", ["open", "closed"]),
        filter_flow_ids: idFilter(query, "filter_flow_ids"),
        filter_run_ids: idFilter(query, "filter_run_ids"),
        orderby: listParam(query, "orderby"),
      })),
      fail,
      (params) => {
        const wanted = (params.filter_roles as WebInputRole[]) ?? [];
        const states = (params.filter_states as string[])?.length
          ? (params.filter_states as string[])
          : ["open"];
        const flowIds = (params.filter_flow_ids as string[]) ?? [];
        const runIds = (params.filter_run_ids as string[]) ?? [];
        const comparator =
          orderByComparator<{ record: { created: number; edited: number; closed: number | null } }>(
            (params.orderby as string[]) ?? [],
            ["created_timestamp", "edited_timestamp", "closed_timestamp"],
            ({ record }, field) =>
              field === "created_timestamp"
                ? record.created
                : field === "edited_timestamp"
                  ? record.edited
                  : record.closed,
            fail,
          ) ?? ((a, b) => b.record.created - a.record.created);
        return [...webInputs.records.values()]
          .map((record) => ({ record, roles: webInputs.rolesOf(record, principals) }))
          .filter(
            ({ record, roles }) =>
              roles.length > 0 &&
              (wanted.length === 0 || wanted.some((role) => roles.includes(role))) &&
              states.includes(record.status) &&
              (flowIds.length === 0 || flowIds.includes(record.flowId)) &&
              (runIds.length === 0 || runIds.includes(record.runId)),
          )
          .sort(comparator);
      },
    );
    // web input listings end with a null marker and carry no limit or has_next_page
    return {
      body: {
        web_input_summaries: page.items.map(({ record, roles }) =>
          webInputs.summary(record, roles),
        ),
        marker: page.marker,
      },
    };
  });

  router.route("GET", "/web_inputs/:id", (request) => {
    const { record, roles } = requireWebInput(
      request.params.id ?? "",
      auth(request, WEB_INPUT_VIEW),
    );
    return { body: webInputs.doc(record, roles) };
  });

  router.route("POST", "/web_inputs/:id/respond", (request) => {
    const id = request.params.id ?? "";
    const token = auth(request, WEB_INPUT_RESPOND);
    const { record, roles } = requireWebInput(id, token);
    if (!roles.includes("respondent")) {
      throw fail(403, "FORBIDDEN", `User does not have respondent role on web input ${id}`);
    }
    if (record.status === "closed") {
      throw fail(409, "STATE_CONFLICT", `Web Input ${id} is already closed.`);
    }
    const body = objectBody(() => request.json(), fail);
    if (!isRecord(body.response) || !("value" in body.response)) {
      throw errors.validation([
        { loc: ["response", "value"], msg: "field required", type: "value_error.missing" },
      ]);
    }
    const value = body.response.value;
    const option = record.options.find((candidate) => candidate.option_id === value);
    if (!option) {
      throw fail(
        422,
        "UNPROCESSABLE_ENTITY",
        `${JSON.stringify(value).replaceAll('"', "'")} is not a registered option id for this input.`,
      );
    }
    webInputs.close(id);
    const run = runs.get(record.runId);
    if (run) {
      engine.answer(run, id, {
        value: option.option_id,
        label: option.label,
        respondent: identityUrn(token.identityId),
      });
    }
    return { body: { status: "ok" } };
  });

  // ----- registered APIs -----

  router.route("GET", "/registered_apis", (request) => {
    const principals = principalsOf(context, auth(request, VIEW));
    const page = markerPage(
      request,
      perPage((query) => ({
        filter_roles: filterValues(query, "filter_roles", REGISTERED_API_ROLES),
        orderby: listParam(query, "orderby"),
      })),
      fail,
      (params) => {
        // without a role filter, Flows lists only the APIs the caller owns
        const wanted = (params.filter_roles as RegisteredApiRole[])?.length
          ? (params.filter_roles as RegisteredApiRole[])
          : (["owner"] as RegisteredApiRole[]);
        const comparator =
          orderByComparator<{ id: string; name: string; created: number; updated: number }>(
            (params.orderby as string[]) ?? [],
            ["id", "name", "created_timestamp", "updated_timestamp"],
            (api, field) =>
              field === "created_timestamp"
                ? api.created
                : field === "updated_timestamp"
                  ? api.updated
                  : api[field as "id" | "name"],
            fail,
          ) ?? ((a, b) => a.created - b.created);
        return [...registeredApis.values()]
          .filter((api) =>
            registeredApiRoles(api, principals).some((role) => wanted.includes(role)),
          )
          .sort(comparator);
      },
    );
    return { body: listing("registered_apis", page, registeredApiSummary) };
  });

  router.route("GET", "/registered_apis/:id", (request) => {
    const principals = principalsOf(context, auth(request, VIEW));
    const id = request.params.id ?? "";
    const api = registeredApis.get(id);
    if (!api || registeredApiRoles(api, principals).length === 0) {
      throw errors.notFound("Registered API", id);
    }
    return { body: registeredApiDoc(api) };
  });
}

/** Globus Flows, mounted at `/flows/`. */
export const flowsService: ServiceModule = {
  name: "flows",
  errorFormat: (_status, code, message) =>
    flowsErrorBody(automateCode(code), message, randomUUID()),
  register,
};
