/**
 * Every FlowsClient and SpecificFlowClient method against the emulator: the request on the
 * wire (method, path, query, body in the Python SDK 4.9's names) and the decoded answer.
 * Each paged listing is walked across at least three pages.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  FlowsAPIError,
  FlowsClient,
  GlobusSDKUsageError,
  RunActivityNotificationPolicy,
  SpecificFlowClient,
  type UserApp,
} from "../../src/index.ts";
import { KNOWN_SCOPES, specificFlowScopeSet } from "../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  DEMO_REGISTERED_API_ID,
  DEMO_REGISTERED_API_IDS,
  DEMO_TRANSFER_FLOW_ID,
  FLOW_RUN_SECONDS,
  type RunningEmulator,
  startEmulator,
  WEB_INPUT_ACTION_URL,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { lastRequest, withRequests } from "./helpers.ts";

const ALICE = `urn:globus:auth:identity:${ALICE_IDENTITY_ID}`;
const BOB = `urn:globus:auth:identity:${BOB_IDENTITY_ID}`;
const S = FlowsClient.scopes;
const ALL_SCOPES = [
  S.view_flows,
  S.manage_flows,
  S.run_status,
  S.run_manage,
  S.web_input_view,
  S.web_input_respond,
];
const PASS = { StartAt: "A", States: { A: { Type: "Pass", End: true } } };

let emulator: RunningEmulator;
let app: UserApp;
let bobApp: UserApp;
before(async () => {
  emulator = await startEmulator();
  app = emulatorUserApp(emulator, "memory", "flows-client");
  bobApp = emulatorUserApp(emulator, "memory", "flows-client-bob", BOB_IDENTITY_ID);
});
after(async () => {
  await app.close();
  await bobApp.close();
  await emulator.stop();
});

const flowsClient = (as = app) =>
  new FlowsClient({ app: as, baseUrl: emulator.urls.flows, appScopes: ALL_SCOPES });
const flowClient = (flowId: string, as = app) =>
  new SpecificFlowClient(flowId, { app: as, baseUrl: emulator.urls.flows });
const sent = (path: string, method?: string) => lastRequest(emulator, "flows", path, method);

/** Awaits a Flows error with this status and code. */
async function rejectsWith(operation: Promise<unknown>, status: number, code: string) {
  await assert.rejects(operation, (error: unknown) => {
    assert.ok(error instanceof FlowsAPIError, String(error));
    assert.equal(error.httpStatus, status);
    assert.equal(error.code, code);
    return true;
  });
}

/** Starts a run of the demo flow; with `finish`, lets it end. */
async function helloRun(label: string, finish = false) {
  const run = await flowClient(DEMO_FLOW_ID).runFlow({ message: label }, { label });
  if (finish) emulator.controls.advanceClock(FLOW_RUN_SECONDS + 1);
  return run;
}

describe("FlowsClient: flows", () => {
  test("createFlow sends every field under its Python name; getFlow reads the flow back", async () => {
    const flows = flowsClient();
    const created = await flows.createFlow({
      title: "Every field",
      definition: PASS,
      inputSchema: { type: "object" },
      subtitle: "sub",
      description: "desc",
      keywords: ["k1"],
      flowViewers: ["public"],
      flowStarters: ["all_authenticated_users"],
      flowAdministrators: [BOB],
      runManagers: [BOB],
      runMonitors: [ALICE],
      subscriptionId: null,
      additionalFields: { extra_field: 1 },
    });
    assert.deepEqual(sent("/flows", "POST").body, {
      title: "Every field",
      definition: PASS,
      input_schema: { type: "object" },
      subtitle: "sub",
      description: "desc",
      flow_viewers: ["public"],
      flow_starters: ["all_authenticated_users"],
      flow_administrators: [BOB],
      run_managers: [BOB],
      run_monitors: [ALICE],
      keywords: ["k1"],
      subscription_id: null,
      extra_field: 1,
    });
    assert.equal(created.flow_owner, ALICE);
    assert.equal(created.globus_auth_scope, specificFlowScopeSet(created.id).scopes.user);
    assert.equal(created.user_role, "flow_owner");
    const got = await flows.getFlow(created.id, { queryParams: { extra: "x" } });
    assert.equal(sent(`/flows/${created.id}`, "GET").query.extra, "x");
    assert.deepEqual(got.flow_administrators, [BOB]);
    assert.deepEqual(got.keywords, ["k1"]);
  });

  test("updateFlow sends only the fields given; deleteFlow answers the flow marked DELETED", async () => {
    const flows = flowsClient();
    const { id } = await flows.createFlow({ title: "To change", definition: PASS });
    const updated = await flows.updateFlow(id, {
      subtitle: "changed",
      subscriptionId: "00000000-3ba7-456e-9df7-fc40028f3331",
      flowOwner: ALICE,
    });
    assert.deepEqual(sent(`/flows/${id}`, "PUT").body, {
      subtitle: "changed",
      flow_owner: ALICE,
      subscription_id: "00000000-3ba7-456e-9df7-fc40028f3331",
    });
    assert.equal(updated.title, "To change");
    assert.equal(updated.subtitle, "changed");
    assert.equal(updated.subscription_id, "00000000-3ba7-456e-9df7-fc40028f3331");
    // only your own identity may become the owner
    await rejectsWith(flows.updateFlow(id, { flowOwner: BOB }), 403, "FORBIDDEN");
    await rejectsWith(
      flows.updateFlow(id, { flowOwner: BOB_IDENTITY_ID }),
      422,
      "UNPROCESSABLE_ENTITY",
    );

    const deleted = await flows.deleteFlow(id);
    assert.equal(sent(`/flows/${id}`, "DELETE").body, undefined);
    assert.equal(deleted.DELETED, true);
    assert.equal(typeof deleted.deleted_at, "string");
    await rejectsWith(flows.getFlow(id), 404, "NOT_FOUND");
  });

  test("listFlows pages by marker across 3 pages with its filters in every request", async () => {
    const flows = flowsClient();
    for (const n of [1, 2, 3]) {
      await flows.createFlow({
        title: `Paged ${n}`,
        definition: PASS,
        keywords: ["paged-listing"],
      });
    }
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "flows", path: "/flows", method: "GET" },
      async () => {
        const all = [];
        const listing = flows.listFlows({
          filterFulltext: "paged-listing",
          filterRoles: ["flow_owner", "flow_administrator"],
          orderby: ["title DESC", "id ASC"],
          perPage: 1,
        });
        for await (const page of listing.pages()) all.push(page);
        return all;
      },
    );
    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.map((page) => page.items[0]?.title),
      ["Paged 3", "Paged 2", "Paged 1"],
    );
    assert.deepEqual(requests[0]?.query, {
      filter_roles: "flow_owner,flow_administrator",
      filter_fulltext: "paged-listing",
      orderby: "title DESC,id ASC",
      per_page: "1",
    });
    assert.ok(requests.slice(1).every((request) => typeof request.query.marker === "string"));
    // the earlier option names still work
    const old = await flows.listFlows({ query: "paged-listing", orderBy: "title ASC" }).toArray();
    assert.deepEqual(
      old.map((flow) => flow.title),
      ["Paged 1", "Paged 2", "Paged 3"],
    );
  });

  test("validateFlow sends the definition and input schema; a bad one is a typed 422", async () => {
    const flows = flowsClient();
    const transfer = {
      StartAt: "T",
      States: {
        T: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer", End: true },
      },
    };
    const checked = await flows.validateFlow(transfer, { type: "object" });
    assert.deepEqual(sent("/flows/validate").body, {
      definition: transfer,
      input_schema: { type: "object" },
    });
    assert.deepEqual(checked.scopes, { User: [KNOWN_SCOPES.transfer.scopes.all] });
    await flows.validateFlow(PASS);
    assert.deepEqual(sent("/flows/validate").body, { definition: PASS });
    await assert.rejects(
      flows.validateFlow({ StartAt: "Nowhere", States: PASS.States }),
      (error) => {
        assert.ok(error instanceof FlowsAPIError);
        assert.equal(error.httpStatus, 422);
        assert.match(error.errorMessage, /StartAt must name a state/);
        return true;
      },
    );
  });
});

describe("FlowsClient: runs", () => {
  test("listRuns pages across 3 pages; getRun reads one, with its flow's description if asked", async () => {
    const flows = flowsClient();
    const started = [];
    for (const n of [1, 2, 3]) started.push(await helloRun(`listed ${n}`));
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "flows", path: "/runs", method: "GET" },
      async () => {
        const all = [];
        const listing = flows.listRuns({
          filterFlowId: DEMO_FLOW_ID,
          filterRoles: ["run_owner"],
          perPage: 1,
        });
        for await (const page of listing.pages()) all.push(page);
        return all;
      },
    );
    assert.ok(pages.length >= 3, `${pages.length} pages`);
    assert.deepEqual(requests[0]?.query, {
      filter_flow_id: DEMO_FLOW_ID,
      filter_roles: "run_owner",
      per_page: "1",
    });
    const ids = pages.flatMap((page) => page.items.map((run) => run.run_id));
    for (const run of started) assert.ok(ids.includes(run.run_id));

    const plain = await flows.getRun(started[0]!.run_id);
    assert.deepEqual(sent(`/runs/${started[0]!.run_id}`).query, {});
    assert.equal(plain.flow_description, undefined);
    const described = await flows.getRun(started[0]!.run_id, { includeFlowDescription: true });
    assert.deepEqual(sent(`/runs/${started[0]!.run_id}`).query, {
      include_flow_description: "true",
    });
    assert.equal(described.flow_description?.id, DEMO_FLOW_ID);
    assert.equal(described.flow_description?.title, "Hello World");
  });

  test("getRunLogs pages across 3 pages, and reverseOrder puts the end first", async () => {
    const flows = flowsClient();
    const run = await helloRun("logged", true);
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "flows", path: `/runs/${run.run_id}/log` },
      async () => {
        const all = [];
        for await (const page of flows.getRunLogs(run.run_id, { limit: 1 }).pages()) all.push(page);
        return all;
      },
    );
    // FlowStarted, PassStarted, PassCompleted, FlowSucceeded
    assert.deepEqual(
      pages.map((page) => page.items[0]?.code),
      ["FlowStarted", "PassStarted", "PassCompleted", "FlowSucceeded"],
    );
    assert.deepEqual(requests[0]?.query, { limit: "1" });
    const reversed = await flows.getRunLogs(run.run_id, { reverseOrder: true }).firstPage();
    assert.deepEqual(sent(`/runs/${run.run_id}/log`).query, { reverse_order: "true" });
    assert.equal(reversed.items[0]?.code, "FlowSucceeded");
  });

  test("getRunDefinition gives the definition the run started with, not the flow's latest", async () => {
    const flows = flowsClient();
    const { id } = await flows.createFlow({ title: "Changing", definition: PASS });
    const run = await flowClient(id).runFlow({});
    const changed = { StartAt: "B", States: { B: { Type: "Pass", End: true } } };
    await flows.updateFlow(id, { definition: changed });
    const started = await flows.getRunDefinition(run.run_id);
    assert.equal(sent(`/runs/${run.run_id}/definition`).method, "GET");
    assert.deepEqual(started, { flow_id: id, definition: PASS, input_schema: {} });
  });

  test("updateRun sends the run metadata; cancelRun and deleteRun manage its end", async () => {
    const flows = flowsClient();
    const run = await helloRun("to update");
    const updated = await flows.updateRun(run.run_id, {
      label: "updated",
      tags: ["  spaced   tag "],
      runManagers: [BOB],
      runMonitors: [],
      additionalFields: { note: "x" },
    });
    assert.deepEqual(sent(`/runs/${run.run_id}`, "PUT").body, {
      tags: ["  spaced   tag "],
      label: "updated",
      run_monitors: [],
      run_managers: [BOB],
      note: "x",
    });
    assert.equal(updated.label, "updated");
    assert.deepEqual(updated.tags, ["spaced tag"]);
    assert.deepEqual(updated.run_managers, [BOB]);
    // Bob manages the run now, so he sees it
    assert.equal((await flowsClient(bobApp).getRun(run.run_id)).user_role, "run_manager");

    await rejectsWith(flows.deleteRun(run.run_id), 409, "STATE_CONFLICT");
    const canceled = await flows.cancelRun(run.run_id);
    assert.equal(sent(`/runs/${run.run_id}/cancel`).body, undefined);
    assert.equal(canceled.status, "FAILED");
    assert.equal(canceled.details?.code, "FlowCanceled");
    const released = await flows.deleteRun(run.run_id);
    assert.equal(sent(`/runs/${run.run_id}/release`).method, "POST");
    assert.equal(released.run_id, run.run_id);
    await rejectsWith(flows.getRun(run.run_id), 404, "NOT_FOUND");
  });
});

describe("SpecificFlowClient", () => {
  test("runFlow sends the input and every run option under its Python name", async () => {
    const run = await flowClient(DEMO_FLOW_ID).runFlow(
      { message: "hi" },
      {
        label: "all options",
        tags: ["t"],
        runManagers: [BOB],
        runMonitors: [ALICE],
        activityNotificationPolicy: new RunActivityNotificationPolicy({
          status: ["SUCCEEDED", "FAILED"],
        }),
        additionalFields: { extra: true },
      },
    );
    assert.deepEqual(sent(`/flows/${DEMO_FLOW_ID}/run`).body, {
      body: { message: "hi" },
      tags: ["t"],
      label: "all options",
      run_monitors: [ALICE],
      run_managers: [BOB],
      activity_notification_policy: { status: ["SUCCEEDED", "FAILED"] },
      extra: true,
    });
    assert.equal(run.status, "ACTIVE");
    assert.equal(run.label, "all options");
    assert.throws(
      () => flowClient(DEMO_FLOW_ID).runFlow([] as never),
      (error: unknown) =>
        error instanceof GlobusSDKUsageError && /runFlow: body/.test(error.message),
    );
  });

  test("validateRun checks input, metadata and role without starting a run", async () => {
    const transfer = flowClient(DEMO_TRANSFER_FLOW_ID);
    const before = emulator.controls.requestLog({
      service: "flows",
      path: "/flows/",
      method: "POST",
    }).length;
    const ok = await transfer.validateRun(
      { source: DEMO_COLLECTION_ID, dest: DEMO_COLLECTION_ID },
      { label: "check", activityNotificationPolicy: { status: ["INACTIVE"] } },
    );
    assert.deepEqual(sent(`/flows/${DEMO_TRANSFER_FLOW_ID}/validate_run`).body, {
      body: { source: DEMO_COLLECTION_ID, dest: DEMO_COLLECTION_ID },
      label: "check",
      activity_notification_policy: { status: ["INACTIVE"] },
    });
    assert.equal(ok.message, "validation successful");
    assert.equal(
      emulator.controls.requestLog({ service: "flows", path: "/flows/", method: "POST" }).length,
      before + 1,
    );
    await assert.rejects(transfer.validateRun({ source: 1 }), (error: unknown) => {
      assert.ok(error instanceof FlowsAPIError);
      assert.equal(error.httpStatus, 400);
      assert.equal(error.code, "FLOW_INPUT_ERROR");
      assert.match(error.errorMessage, /'dest' is a required property/);
      assert.match(error.errorMessage, /1 is not of type 'string'/);
      return true;
    });
    await rejectsWith(
      transfer.validateRun(
        { source: "a", dest: "b" },
        { activityNotificationPolicy: { status: ["LATER" as never] } },
      ),
      422,
      "UNPROCESSABLE_ENTITY",
    );
    // Bob may see this flow but not run it
    const { id } = await flowsClient().createFlow({
      title: "Look only",
      definition: PASS,
      flowViewers: [BOB],
    });
    await assert.rejects(flowClient(id, bobApp).validateRun({}), (error: unknown) => {
      assert.ok(error instanceof FlowsAPIError);
      assert.equal(error.httpStatus, 403);
      assert.match(error.errorMessage, /Missing permissions: RUN\./);
      return true;
    });
  });

  test("resumeRun posts to the run with the flow's own token", async () => {
    const hello = flowClient(DEMO_FLOW_ID);
    const run = await helloRun("resume me");
    const resumed = await hello.resumeRun(run.run_id);
    const request = sent(`/runs/${run.run_id}/resume`);
    assert.equal(request.method, "POST");
    assert.equal(request.body, undefined);
    assert.equal(resumed.run_id, run.run_id);
    assert.equal(resumed.status, "ACTIVE", "an ACTIVE run goes on as it was");
  });

  test("addAppTransferDataAccessScope marks transfer:all optional inside the flow scope", async () => {
    const fresh = emulatorUserApp(emulator, "memory", "scope-check");
    try {
      new SpecificFlowClient(DEMO_FLOW_ID, { app: fresh }).addAppTransferDataAccessScope(
        DEMO_COLLECTION_ID,
      );
      const flowScope = specificFlowScopeSet(DEMO_FLOW_ID).scopes.user;
      const dataAccess = `https://auth.globus.org/scopes/${DEMO_COLLECTION_ID}/data_access`;
      assert.ok(
        fresh.scopeRequirements[DEMO_FLOW_ID]?.some(
          (scope) =>
            String(scope) === `${flowScope}[*${KNOWN_SCOPES.transfer.scopes.all}[*${dataAccess}]]`,
        ),
        String(fresh.scopeRequirements[DEMO_FLOW_ID]),
      );
    } finally {
      await fresh.close();
    }
  });
});

describe("FlowsClient: registered APIs and web inputs", () => {
  test("getRegisteredApi reads one; listRegisteredApis pages across 3 pages, owner-only by default", async () => {
    const flows = flowsClient();
    const api = await flows.getRegisteredApi(DEMO_REGISTERED_API_ID);
    assert.equal(sent(`/registered_apis/${DEMO_REGISTERED_API_ID}`).method, "GET");
    assert.equal(api.id, DEMO_REGISTERED_API_ID);
    assert.deepEqual(api.roles.owners, [ALICE]);
    assert.equal(typeof api.target.destination, "object");

    const owned = await flows.listRegisteredApis().toArray();
    assert.equal(owned.length, 2, "Alice owns two; she only administers the third");
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "flows", path: "/registered_apis", method: "GET" },
      async () => {
        const all = [];
        const listing = flows.listRegisteredApis({
          filterRoles: ["owner", "administrator", "viewer"],
          orderby: "created_timestamp ASC",
          perPage: 1,
        });
        for await (const page of listing.pages()) all.push(page);
        return all;
      },
    );
    assert.deepEqual(
      pages.map((page) => page.items[0]?.id),
      [...DEMO_REGISTERED_API_IDS],
    );
    assert.deepEqual(requests[0]?.query, {
      filter_roles: "owner,administrator,viewer",
      orderby: "created_timestamp ASC",
      per_page: "1",
    });
    // Bob only views the first and owns the third
    await rejectsWith(
      flowsClient(bobApp).getRegisteredApi(DEMO_REGISTERED_API_IDS[1]),
      404,
      "NOT_FOUND",
    );
  });

  test("listWebInputs pages across 3 pages; getWebInput and respondToWebInput answer one", async () => {
    const flows = flowsClient();
    const { id: flowId } = await flows.createFlow({
      title: "Ask three times",
      definition: {
        StartAt: "Ask",
        States: {
          Ask: {
            Type: "Action",
            ActionUrl: WEB_INPUT_ACTION_URL,
            Parameters: {
              "title.$": "$.question",
              options: [{ label: "Yes", description: "Go on" }, { label: "No" }],
            },
            ResultPath: "$.answer",
            End: true,
          },
        },
      },
    });
    const runs = [];
    for (const n of [1, 2, 3])
      runs.push(await flowClient(flowId).runFlow({ question: `Question ${n}?` }));
    const runIds = runs.map((run) => run.run_id);
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "flows", path: "/web_inputs", method: "GET" },
      async () => {
        const all = [];
        const listing = flows.listWebInputs({
          filterRoles: "respondent",
          filterStates: ["open"],
          filterFlowIds: flowId,
          filterRunIds: runIds,
          orderby: "created_timestamp ASC",
          perPage: 1,
        });
        for await (const page of listing.pages()) all.push(page);
        return all;
      },
    );
    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.map((page) => page.items[0]?.title),
      ["Question 1?", "Question 2?", "Question 3?"],
    );
    assert.deepEqual(requests[0]?.query, {
      filter_roles: "respondent",
      filter_states: "open",
      filter_flow_ids: flowId,
      filter_run_ids: runIds.join(","),
      orderby: "created_timestamp ASC",
      per_page: "1",
    });
    assert.equal(pages.at(-1)?.next, undefined, "the null marker ends the listing");

    const summary = pages[0]!.items[0]!;
    assert.deepEqual(summary.user_roles, ["viewer", "respondent"]);
    const webInput = await flows.getWebInput(summary.id);
    assert.equal(sent(`/web_inputs/${summary.id}`).method, "GET");
    assert.equal(webInput.context.title, "Question 1?");
    assert.deepEqual(
      webInput.options?.map((option) => option.label),
      ["Yes", "No"],
    );
    assert.deepEqual(webInput.roles.respondent_urns, [ALICE], "the run's owner by default");
    const yes = webInput.options?.[0]?.option_id;
    const answered = await flows.respondToWebInput(summary.id, yes);
    assert.deepEqual(sent(`/web_inputs/${summary.id}/respond`).body, { response: { value: yes } });
    assert.deepEqual(answered, { status: "ok" });
    assert.equal((await flows.getWebInput(summary.id)).status, "closed");
    await rejectsWith(flows.respondToWebInput(summary.id, yes), 409, "STATE_CONFLICT");
    assert.throws(() => flows.respondToWebInput(summary.id, undefined), GlobusSDKUsageError);
  });
});
