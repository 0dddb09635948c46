/**
 * Globus Timers: transfer and flow timers (`POST /v2/timer`), jobs of the older jobs API
 * (`POST /jobs/`), and `/jobs/...` to list, read, rename, pause, resume and delete them.
 * The emulator clock drives every timer's runs (`model.ts`); what a run does and checks is
 * in `runs.ts`, the answers' shapes in `documents.ts`.
 */
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ServiceModule,
  ServiceRouter,
} from "../../types.ts";
import { EmulatorHttpError } from "../../types.ts";
import {
  automateCode,
  decodeMarker,
  type ErrorBuilder,
  encodeMarker,
  orderByComparator,
} from "../common.ts";
import {
  type Callback,
  jobDocument,
  TRANSFER_ACTION_URL,
  v2FlowTimer,
  v2TransferTimer,
} from "./documents.ts";
import { type TimerAction, TimerRecord } from "./model.ts";
import { runExecutor } from "./runs.ts";
import { readJobPlan, readSchedule } from "./schedule.ts";
import { Fields, invalid, parseDatetime } from "./validation.ts";

const TIMERS = KNOWN_SCOPES.timers;
/** Results per page of a job document, when the request names no size. */
const RESULTS_PAGE_SIZE = 10;

/** Timers' error body for everything but validation: `{error: {code, detail, status}}`. */
function timersErrorBody(status: number, code: string, detail: string) {
  return { error: { code: automateCode(code), detail, status } };
}

const fail: ErrorBuilder = (status, code, message) =>
  new EmulatorHttpError(status, timersErrorBody(status, code, message));

/** The keys of a transfer timer's `body`, and the defaults Timers fills in. */
const TRANSFER_DEFAULTS = {
  DATA_TYPE: "transfer",
  delete_destination_extra: false,
  encrypt_data: false,
  fail_on_quota_errors: false,
  notify_on_failed: true,
  notify_on_inactive: true,
  notify_on_succeeded: true,
  preserve_timestamp: false,
  skip_source_errors: false,
  store_base_path_info: false,
  verify_checksum: true,
} as const;
const TRANSFER_OPTIONAL_STRINGS = [
  "deadline",
  "destination_local_user",
  "label",
  "source_local_user",
] as const;
const TRANSFER_KEYS = [
  ...Object.keys(TRANSFER_DEFAULTS),
  ...TRANSFER_OPTIONAL_STRINGS,
  "source_endpoint",
  "destination_endpoint",
  "DATA",
  "filter_rules",
  "sync_level",
];

/** A transfer timer's task document, checked and filled in with Transfer's defaults. */
function readTransferBody(body: Fields): Record<string, unknown> {
  body.only(TRANSFER_KEYS);
  body.literal("DATA_TYPE", ["transfer"], "transfer");
  const doc: Record<string, unknown> = {
    source_endpoint: body.string("source_endpoint"),
    destination_endpoint: body.string("destination_endpoint"),
    DATA: body.list(
      "DATA",
      (item) => {
        item.only([
          "DATA_TYPE",
          "source_path",
          "destination_path",
          "recursive",
          "external_checksum",
          "checksum_algorithm",
        ]);
        item.literal("DATA_TYPE", ["transfer_item"], "transfer_item");
        const out: Record<string, unknown> = {
          DATA_TYPE: "transfer_item",
          source_path: item.string("source_path"),
          destination_path: item.string("destination_path"),
        };
        if (item.has("recursive")) out.recursive = item.boolean("recursive", false);
        for (const key of ["external_checksum", "checksum_algorithm"]) {
          if (item.has(key)) out[key] = item.string(key);
        }
        return out;
      },
      1,
    ),
  };
  for (const [key, fallback] of Object.entries(TRANSFER_DEFAULTS)) {
    doc[key] = typeof fallback === "boolean" ? body.boolean(key, fallback) : fallback;
  }
  for (const key of TRANSFER_OPTIONAL_STRINGS) {
    if (body.has(key)) doc[key] = body.string(key);
  }
  if (body.has("deadline")) parseDatetime(doc.deadline, body.at("deadline"));
  if (body.has("sync_level")) doc.sync_level = body.integer("sync_level", { min: 0, max: 3 });
  if (body.has("filter_rules")) {
    doc.filter_rules = body.list("filter_rules", (rule) => {
      rule.only(["DATA_TYPE", "name", "method", "type"]);
      const out: Record<string, unknown> = {
        DATA_TYPE: rule.literal("DATA_TYPE", ["filter_rule"], "filter_rule"),
        name: rule.string("name"),
        method: rule.literal("method", ["include", "exclude"], "exclude"),
      };
      if (rule.has("type")) out.type = rule.literal("type", ["file", "dir"]);
      return out;
    });
  }
  return doc;
}

/** A flow timer's start document: the flow input and the runs' options. */
function readFlowBody(body: Fields): Record<string, unknown> {
  // `label` is not in the spec's FlowStartDocument, but Flows runs take one
  body.only(["body", "run_managers", "run_monitors", "tags", "label"]);
  const doc: Record<string, unknown> = { body: body.object("body").doc };
  for (const key of ["run_managers", "run_monitors", "tags"]) {
    const list = body.strings(key);
    if (list !== undefined) doc[key] = list;
  }
  if (body.has("label")) doc.label = body.string("label");
  return doc;
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const timers = new Map<string, TimerRecord>();
  const execute = runExecutor(context);

  function auth(request: EmulatorRequest): AccessTokenInfo {
    return context.authenticate(request, TIMERS.resourceServer, {
      anyOfScopes: [TIMERS.scopes.timer],
      format: timersErrorBody,
    });
  }

  /** The caller's timer, with its runs brought up to the emulator clock. */
  function ownTimer(request: EmulatorRequest, token: AccessTokenInfo): TimerRecord {
    const id = request.params.id ?? "";
    const timer = timers.get(id.toLowerCase());
    if (!timer || timer.owner !== token.identityId) {
      throw fail(404, "NOT_FOUND", `No timer with id '${id}' was found`);
    }
    timer.catchUp(context.now(), execute);
    return timer;
  }

  function callbackOf(timer: TimerRecord): Callback {
    const action = timer.action;
    if (action.kind === "transfer") {
      return { url: TRANSFER_ACTION_URL, body: { body: action.body }, scope: null };
    }
    if (action.kind === "flow") {
      return {
        url: `${context.serviceUrl("flows")}flows/${action.flowId}/run`,
        body: action.body,
        scope: specificFlowScopeSet(action.flowId).scopes.user,
      };
    }
    return { url: action.callbackUrl, body: action.callbackBody, scope: action.scope };
  }

  /** The job document, with the page of results the query asks for. */
  function jobDoc(timer: TimerRecord, query?: URLSearchParams, pageSize = RESULTS_PAGE_SIZE) {
    let offset = 0;
    let size = pageSize;
    const marker = query?.get("results_pt");
    if (marker) {
      const state = decodeMarker(marker, (_s, _c, message) =>
        invalid(["query", "results_pt"], message, "value_error"),
      );
      if (state.job !== timer.id || typeof state.offset !== "number") {
        throw invalid(["query", "results_pt"], "invalid page token", "value_error");
      }
      offset = state.offset;
    }
    const requested = query?.get("page_size");
    if (requested) {
      size = new Fields({ page_size: Number(requested) }, ["query"]).integer("page_size", {
        min: 1,
        max: 1000,
      });
    }
    return jobDocument(timer, callbackOf(timer), {
      offset,
      size,
      nextMarker: (next) => encodeMarker({ job: timer.id, offset: next }),
    });
  }

  function add(init: ConstructorParameters<typeof TimerRecord>[0]): TimerRecord {
    const timer = new TimerRecord(init);
    timers.set(timer.id, timer);
    return timer;
  }

  router.route("POST", "/v2/timer", (request) => {
    const token = auth(request);
    const outer = new Fields(request.json(), ["body"]).only(["timer"]);
    const spec = outer.object("timer");
    const type = spec.doc.timer_type;
    if (type !== "transfer" && type !== "flow") {
      throw type === undefined
        ? invalid(spec.at("timer_type"), "field required", "value_error.missing")
        : invalid(
            spec.at("timer_type"),
            `No match for discriminator 'timer_type' and value ${JSON.stringify(type)} (allowed values: 'transfer', 'flow')`,
            "value_error.discriminated_union.invalid_discriminator",
          );
    }
    const now = context.now();
    let action: TimerAction;
    if (type === "transfer") {
      spec.only(["timer_type", "name", "schedule", "body", "resource_server"]);
      spec.literal("resource_server", ["transfer.api.globus.org"], "transfer.api.globus.org");
      action = { kind: "transfer", body: readTransferBody(spec.object("body")) };
    } else {
      spec.only(["timer_type", "name", "schedule", "body", "flow_id"]);
      action = {
        kind: "flow",
        flowId: spec.uuid("flow_id"),
        body: readFlowBody(spec.object("body")),
      };
    }
    const { plan, echo } = readSchedule(spec.required("schedule"), spec.at("schedule"), now);
    const timer = add({
      id: context.newId(),
      owner: token.identityId,
      name: spec.string("name", ""),
      submittedAt: now,
      plan,
      schedule: echo,
      action,
      credentials: token,
    });
    // the answer shows the timer as submitted: its first run happens after this request
    const doc =
      type === "transfer" ? v2TransferTimer(timer) : v2FlowTimer(timer, callbackOf(timer));
    return { status: 201, body: { timer: doc } };
  });

  router.route("POST", "/jobs/", (request) => {
    const token = auth(request);
    const job = new Fields(request.json(), ["body"]).only([
      "name",
      "interval",
      "scope",
      "stop_after",
      "stop_after_n",
      "refresh_token",
      "callback_url",
      "callback_body",
      "start",
    ]);
    const callbackUrl = job.string("callback_url");
    if (!/^https?:\/\/[^/\s]+/.test(callbackUrl)) {
      throw invalid(
        job.at("callback_url"),
        "invalid or missing URL scheme",
        "value_error.url.scheme",
      );
    }
    const callbackBody = job.object("callback_body").doc;
    const now = context.now();
    const { plan, echo } = readJobPlan(job, now);
    const timer = add({
      id: context.newId(),
      owner: token.identityId,
      name: job.string("name", ""),
      submittedAt: now,
      plan,
      schedule: echo,
      action: { kind: "generic", callbackUrl, callbackBody, scope: job.string("scope", null) },
      credentials: token,
    });
    return { status: 201, body: jobDoc(timer) };
  });

  router.route("GET", "/jobs/", (request) => {
    const token = auth(request);
    const query = request.query;
    const now = context.now();
    const queryField = (name: string) => ["query", name];
    const statuses = (query.get("filter_status") ?? "").split(",").filter(Boolean);
    for (const status of statuses) {
      if (!["active", "inactive", "ended"].includes(status)) {
        throw invalid(
          queryField("filter_status"),
          "Valid statuses are 'active', 'inactive', and 'ended'",
          "value_error",
        );
      }
    }
    // the deprecated flags stand for one status each
    if (query.get("filter_active") === "true") statuses.push("active");
    if (query.get("filter_stopped") === "true") statuses.push("ended");
    const nameFilter = query.get("filter_name")?.toLowerCase();
    const after = query.get("submitted_after");
    const before = query.get("submitted_before");
    const afterTime = after ? parseDatetime(after, queryField("submitted_after")) : null;
    const beforeTime = before ? parseDatetime(before, queryField("submitted_before")) : null;
    const resultCount = query.get("result_count");
    const pageSize = resultCount
      ? new Fields({ result_count: Number(resultCount) }, ["query"]).integer("result_count", {
          min: 0,
        })
      : RESULTS_PAGE_SIZE;
    let mine = [...timers.values()].filter((timer) => timer.owner === token.identityId);
    for (const timer of mine) timer.catchUp(now, execute);
    mine = mine.filter(
      (timer) =>
        (statuses.length === 0 || statuses.includes(timer.phase)) &&
        (nameFilter === undefined || timer.name.toLowerCase().includes(nameFilter)) &&
        (afterTime === null || timer.submittedAt > afterTime) &&
        (beforeTime === null || timer.submittedAt < beforeTime),
    );
    const order = query.get("order");
    const compare = orderByComparator(
      order ? [order] : ["submitted_at asc"],
      ["name", "submitted_at", "last_ran_at", "next_run", "status", "job_id"],
      (timer: TimerRecord, field) =>
        ({
          name: timer.name,
          submitted_at: timer.submittedAt,
          last_ran_at: timer.lastRanAt,
          next_run: timer.nextRun,
          status: timer.status,
          job_id: timer.id,
        })[field],
      (_s, _c, message) => invalid(queryField("order"), message, "value_error"),
    );
    mine.sort(compare);
    return { body: { jobs: mine.map((timer) => jobDoc(timer, undefined, pageSize)) } };
  });

  router.route("GET", "/jobs/:id", (request) => {
    const token = auth(request);
    return { body: jobDoc(ownTimer(request, token), request.query) };
  });

  router.route("PATCH", "/jobs/:id", (request) => {
    const token = auth(request);
    const timer = ownTimer(request, token);
    const changes = new Fields(request.json(), ["body"]).only(["name"]);
    if (changes.has("name")) {
      const name = changes.string("name");
      if (name.trim() === "") {
        throw invalid(
          changes.at("name"),
          "ensure this value has at least 1 characters",
          "value_error.any_str.min_length",
        );
      }
      timer.name = name;
    }
    return { body: jobDoc(timer) };
  });

  router.route("POST", "/jobs/:id/pause", (request) => {
    const token = auth(request);
    const timer = ownTimer(request, token);
    timer.pause();
    return { body: { message: `Successfully paused job ${timer.id}.` } };
  });

  router.route("POST", "/jobs/:id/resume", (request) => {
    const token = auth(request);
    const timer = ownTimer(request, token);
    // the Python SDK sends update_credentials in the body; the spec names a query parameter
    const body = request.rawBody.length > 0 ? new Fields(request.json(), ["body"]) : undefined;
    body?.only(["update_credentials"]);
    let update: boolean | undefined =
      body?.has("update_credentials") === true
        ? body.boolean("update_credentials", false)
        : undefined;
    const fromQuery = request.query.get("update_credentials");
    if (fromQuery !== null) {
      if (fromQuery !== "true" && fromQuery !== "false") {
        throw invalid(
          ["query", "update_credentials"],
          "value could not be parsed to a boolean",
          "type_error.bool",
        );
      }
      update = fromQuery === "true";
    }
    // unasked, Timers replaces the credentials when they were what stopped the timer
    const replace = update ?? timer.inactiveReason?.cause === "globus_auth_requirements";
    timer.resume(context.now(), execute, replace ? token : undefined);
    return { body: { message: `Successfully resumed job ${timer.id}.` } };
  });

  router.route("DELETE", "/jobs/:id", (request) => {
    const token = auth(request);
    const timer = ownTimer(request, token);
    timers.delete(timer.id);
    // deletion finishes in the background at Globus; the answer shows it under way
    return { body: { ...jobDoc(timer), status: "delete_in_progress" } };
  });
}

/** Globus Timers, mounted at `/timer/` (`GLOBUS_SDK_SERVICE_URL_TIMER`). */
export const timersService: ServiceModule = {
  name: "timer",
  envName: "timer",
  errorFormat: timersErrorBody,
  register,
};
