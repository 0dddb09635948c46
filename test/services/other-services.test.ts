import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AuthServiceClient,
  ComputeClient,
  ConfidentialAppAuthClient,
  FlowsClient,
  GCSClient,
  GlobusAPIError,
  GroupsClient,
  KNOWN_SCOPES,
  SearchClient,
  SpecificFlowClient,
  TimersClient,
  TransferClient,
  TransferData,
  type UserApp,
} from "../../src/index.ts";
import { specificFlowScopeSet } from "../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_COMPUTE_ENDPOINT_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_CONFIDENTIAL_REDIRECT_URI,
  DEMO_FLOW_ID,
  DEMO_GCS_ENDPOINT_ID,
  DEMO_SEARCH_INDEX_ID,
  type RunningEmulator,
  SEARCH_TASK_SECONDS,
} from "../../src/testing/index.ts";
import { emulatorWithApp } from "./helpers.ts";

let emulator: RunningEmulator;
let app: UserApp;
let dispose: () => Promise<void>;
before(async () => {
  // three more collections on the demo GCS endpoint, so its listing pages three times
  ({ emulator, app, dispose } = await emulatorWithApp("other-services", "33333333-8888-4333-8333"));
});
after(() => dispose());

const last = (service: string, path: string) =>
  emulator.controls.requestLog({ service, path }).at(-1);

test("Transfer, Flows, a specific flow and Auth take their scopes from the same table", () => {
  assert.equal(new TransferClient().resourceServer, KNOWN_SCOPES.transfer.resourceServer);
  assert.deepEqual(new TransferClient().defaultScopeRequirements.map(String), [
    KNOWN_SCOPES.transfer.scopes.all,
  ]);
  assert.equal(new FlowsClient().resourceServer, KNOWN_SCOPES.flows.resourceServer);
  assert.deepEqual(new FlowsClient().defaultScopeRequirements.map(String), [
    KNOWN_SCOPES.flows.scopes.view_flows,
    KNOWN_SCOPES.flows.scopes.run_status,
  ]);
  const flow = new SpecificFlowClient(DEMO_FLOW_ID);
  assert.equal(flow.resourceServer, DEMO_FLOW_ID);
  assert.deepEqual(flow.defaultScopeRequirements.map(String), [
    specificFlowScopeSet(DEMO_FLOW_ID).scopes.user,
  ]);
  const auth = new AuthServiceClient();
  assert.equal(auth.resourceServer, KNOWN_SCOPES.auth.resourceServer);
  assert.deepEqual(auth.defaultScopeRequirements.map(String), ["openid", "profile", "email"]);
});

test("each client's resource server and default scopes come from the one scope table", () => {
  const cases: Array<
    [
      { resourceServer: string; defaultScopeRequirements: unknown[] },
      { resourceServer: string; scopes: Record<string, string> },
      string,
    ]
  > = [
    [new GroupsClient(), KNOWN_SCOPES.groups, "view_my_groups_and_memberships"],
    [new SearchClient(), KNOWN_SCOPES.search, "search"],
    [new TimersClient(), KNOWN_SCOPES.timers, "timer"],
    [new ComputeClient(), KNOWN_SCOPES.compute, "all"],
  ];
  for (const [client, known, name] of cases) {
    assert.equal(client.resourceServer, known.resourceServer);
    assert.deepEqual(client.defaultScopeRequirements.map(String), [known.scopes[name]]);
  }
  const gcs = new GCSClient("gcs.example.org", DEMO_GCS_ENDPOINT_ID);
  assert.equal(gcs.resourceServer, DEMO_GCS_ENDPOINT_ID);
  assert.deepEqual(gcs.defaultScopeRequirements.map(String), [
    `urn:globus:auth:scope:${DEMO_GCS_ENDPOINT_ID}:manage_collections`,
  ]);
  assert.equal(gcs.transport.baseUrl, "https://gcs.example.org/api/");
});

describe("on the wire, against the emulator", () => {
  test("Auth: userinfo, identities by ids and by usernames, consents", async () => {
    const auth = new AuthServiceClient({ app, baseUrl: emulator.urls.auth });
    const me = await auth.userinfo();
    assert.equal(me.sub, ALICE_IDENTITY_ID);
    assert.equal(last("auth", "/v2/oauth2/userinfo")?.method, "GET");
    const byId = await auth.getIdentities({ ids: [ALICE_IDENTITY_ID, BOB_IDENTITY_ID] });
    assert.equal(
      last("auth", "/v2/api/identities")?.query["ids"],
      `${ALICE_IDENTITY_ID},${BOB_IDENTITY_ID}`,
    );
    assert.deepEqual(byId.map((i) => i.id).sort(), [ALICE_IDENTITY_ID, BOB_IDENTITY_ID].sort());
    const byName = await auth.getIdentities({ usernames: ["bob@globusid.org"] });
    assert.equal(byName[0]?.id, BOB_IDENTITY_ID);
    // session info: a confidential client logs a person in, then introspects their token
    const confidential = new ConfidentialAppAuthClient(
      DEMO_CONFIDENTIAL_CLIENT_ID,
      DEMO_CONFIDENTIAL_CLIENT_SECRET,
      {
        baseUrl: emulator.urls.auth,
      },
    );
    const flow = confidential.startFlow({
      requestedScopes: "openid profile",
      redirectUri: DEMO_CONFIDENTIAL_REDIRECT_URI,
    });
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { mfa: true, count: 1 });
    const redirect = await fetch(flow.authorizeUrl(), { redirect: "manual" });
    const code = new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const tokens = await flow.exchangeCode(code);
    const userToken = tokens.byResourceServer["auth.globus.org"]!.access_token;
    const introspector = new AuthServiceClient({
      baseUrl: emulator.urls.auth,
      confidentialClient: confidential,
    });
    const session = await introspector.sessionInfo(userToken);
    assert.equal(session["active"], true);
    assert.ok("session_info" in session && Array.isArray(session["identity_set"]));
    assert.match(
      String(
        last("auth", "/v2/oauth2/token/introspect")?.body &&
          JSON.stringify(last("auth", "/v2/oauth2/token/introspect")?.body),
      ),
      /session_info/,
    );
    assert.throws(() => auth.sessionInfo(userToken), /confidentialClient/);
    const consents = await auth.getConsents(ALICE_IDENTITY_ID);
    assert.equal(last("auth", `/v2/api/identities/${ALICE_IDENTITY_ID}/consents`)?.method, "GET");
    assert.ok(Array.isArray(consents) && consents.length > 0);
  });

  test("Groups: my groups, create, update, add and remove members, get, delete", async () => {
    const groups = new GroupsClient({
      app,
      baseUrl: emulator.urls.groups,
      appScopes: [GroupsClient.scopes.view_my_groups_and_memberships, GroupsClient.scopes.all],
    });
    const mine = await groups.getMyGroups();
    assert.equal(last("groups", "/v2/groups/my_groups")?.method, "GET");
    assert.ok(mine.length >= 1);
    const created = await groups.createGroup({ name: "Wire Group", description: "made by a test" });
    assert.deepEqual(last("groups", "/v2/groups")?.body, {
      name: "Wire Group",
      description: "made by a test",
    });
    const updated = await groups.updateGroup(created.id, { name: "Wire Group 2" });
    assert.equal(updated.name, "Wire Group 2");
    await groups.addMembers(created.id, [BOB_IDENTITY_ID]);
    assert.deepEqual(last("groups", `/v2/groups/${created.id}`)?.body, {
      add: [{ identity_id: BOB_IDENTITY_ID, role: "member" }],
    });
    const withMembers = await groups.getGroup(created.id, { include: ["memberships"] });
    assert.equal(last("groups", `/v2/groups/${created.id}`)?.query["include"], "memberships");
    assert.ok(withMembers.memberships?.some((m) => m.identity_id === BOB_IDENTITY_ID));
    await groups.removeMembers(created.id, [BOB_IDENTITY_ID]);
    assert.deepEqual(last("groups", `/v2/groups/${created.id}`)?.body, {
      remove: [{ identity_id: BOB_IDENTITY_ID }],
    });
    await groups.deleteGroup(created.id);
    assert.equal(last("groups", `/v2/groups/${created.id}`)?.method, "DELETE");
  });

  test("Search: index list, ingest, query, structured query, subject", async () => {
    const search = new SearchClient({
      app,
      baseUrl: emulator.urls.search,
      appScopes: [SearchClient.scopes.search, SearchClient.scopes.ingest],
    });
    const indexes = await search.listIndexes();
    assert.equal(last("search", "/v1/index_list")?.method, "GET");
    assert.ok(indexes.some((i) => i["id"] === DEMO_SEARCH_INDEX_ID));
    const task = await search.ingest(DEMO_SEARCH_INDEX_ID, {
      ingest_type: "GMetaEntry",
      ingest_data: {
        subject: "wire://doc",
        visible_to: ["public"],
        content: { title: "wire test document" },
      },
    });
    assert.equal(typeof task["task_id"], "string");
    assert.equal(
      (
        last("search", `/v1/index/${DEMO_SEARCH_INDEX_ID}/ingest`)?.body as
          | Record<string, unknown>
          | undefined
      )?.["ingest_type"],
      "GMetaEntry",
    );
    // the ingest is a task: its document is searchable once the task has finished
    emulator.controls.advanceClock(SEARCH_TASK_SECONDS);
    assert.equal((await search.getTask(task.task_id)).state, "SUCCESS");
    const found = await search.search(DEMO_SEARCH_INDEX_ID, "wire", { limit: 5 });
    assert.equal(last("search", `/v1/index/${DEMO_SEARCH_INDEX_ID}/search`)?.query["q"], "wire");
    assert.ok(found.gmeta.some((g) => g.subject === "wire://doc"));
    const posted = await search.postSearch(DEMO_SEARCH_INDEX_ID, { q: "wire", limit: 1 });
    assert.deepEqual(last("search", `/v1/index/${DEMO_SEARCH_INDEX_ID}/search`)?.body, {
      q: "wire",
      limit: 1,
    });
    assert.ok(posted.gmeta.length <= 1);
    for (const n of [1, 2]) {
      await search.ingest(DEMO_SEARCH_INDEX_ID, {
        ingest_type: "GMetaEntry",
        ingest_data: {
          subject: `wire://doc${n}`,
          visible_to: ["public"],
          content: { title: `wire test ${n}` },
        },
      });
    }
    emulator.controls.advanceClock(SEARCH_TASK_SECONDS);
    const pages = [];
    for await (const page of search
      .paginatedSearch(DEMO_SEARCH_INDEX_ID, "wire", { limit: 1 })
      .pages())
      pages.push(page);
    assert.ok(pages.length >= 3, `got ${pages.length} pages of results`);
    const subject = await search.getSubject(DEMO_SEARCH_INDEX_ID, "wire://doc");
    assert.equal(
      last("search", `/v1/index/${DEMO_SEARCH_INDEX_ID}/subject`)?.query["subject"],
      "wire://doc",
    );
    assert.equal(subject["subject"], "wire://doc");
  });

  test("Timers: a transfer timer and a flow timer, list, get, pause, resume, delete", async () => {
    const timers = new TimersClient({ app, baseUrl: emulator.urls.timer });
    const data = new TransferData({
      sourceEndpoint: DEMO_COLLECTION_ID,
      destinationEndpoint: DEMO_COLLECTION_ID,
    }).addItem("/home/alice/notes.txt", "/home/alice/notes-timer.txt");
    const transferTimer = await timers.createTransferTimer(
      "nightly",
      { type: "recurring", interval_seconds: 86400 },
      data,
    );
    const sent = last("timer", "/v2/timer")?.body as { timer: Record<string, unknown> };
    assert.equal(sent.timer["timer_type"], "transfer");
    assert.equal((sent.timer["body"] as Record<string, unknown>)["submission_id"], undefined);
    const flowTimer = await timers.createFlowTimer("hello", { type: "once" }, DEMO_FLOW_ID, {
      message: "hi",
    });
    const ids = [transferTimer, flowTimer].map((t) =>
      String((t["timer"] as Record<string, unknown> | undefined)?.["job_id"] ?? t["job_id"]),
    );
    const listed = await timers.listTimers();
    assert.equal(last("timer", "/jobs/")?.method, "GET");
    for (const id of ids)
      assert.ok(
        listed.some((t) => t.job_id === id),
        `timer ${id} listed`,
      );
    const one = await timers.getTimer(ids[0]!);
    assert.equal(last("timer", `/jobs/${ids[0]}`)?.method, "GET");
    assert.equal(one.name, "nightly");
    const renamed = await timers.updateTimer(ids[0]!, { name: "nightly (renamed)" });
    const patch = last("timer", `/jobs/${ids[0]}`);
    assert.equal(patch?.method, "PATCH");
    assert.deepEqual(patch?.body, { name: "nightly (renamed)" });
    assert.equal(renamed.name, "nightly (renamed)");
    assert.equal((await timers.getTimer(ids[0]!)).name, "nightly (renamed)");
    await assert.rejects(
      timers.updateTimer(ids[0]!, { name: "" }),
      (e: unknown) => e instanceof GlobusAPIError && e.httpStatus === 422,
    );
    await timers.pauseTimer(ids[0]!);
    assert.equal(last("timer", `/jobs/${ids[0]}/pause`)?.method, "POST");
    await timers.resumeTimer(ids[0]!);
    assert.equal(last("timer", `/jobs/${ids[0]}/resume`)?.method, "POST");
    await timers.deleteTimer(ids[1]!);
    assert.equal(last("timer", `/jobs/${ids[1]}`)?.method, "DELETE");
  });

  test("Compute: endpoint status, register a function, submit, get the result", async () => {
    const compute = new ComputeClient({ app, baseUrl: emulator.urls.compute });
    const status = await compute.getEndpointStatus(DEMO_COMPUTE_ENDPOINT_ID);
    assert.equal(
      last("compute", `/v2/endpoints/${DEMO_COMPUTE_ENDPOINT_ID}/status`)?.method,
      "GET",
    );
    assert.ok("status" in status);
    const fn = await compute.registerFunction({
      functionName: "double",
      functionCode: "def double(x): return 2 * x",
    });
    const functionId = String(fn["function_uuid"]);
    assert.equal(
      (last("compute", "/v2/functions")?.body as Record<string, unknown> | undefined)?.[
        "function_name"
      ],
      "double",
    );
    const submitted = await compute.submit({
      tasks: [[functionId, DEMO_COMPUTE_ENDPOINT_ID, "payload"]],
    });
    assert.deepEqual(
      (last("compute", "/v2/submit")?.body as Record<string, unknown> | undefined)?.["tasks"],
      [[functionId, DEMO_COMPUTE_ENDPOINT_ID, "payload"]],
    );
    const results = submitted["results"] as Array<{ task_uuid: string; status: string }>;
    assert.equal(results[0]?.status, "success");
    const taskId = results[0]!.task_uuid;
    const task = await compute.getTask(taskId);
    assert.equal(last("compute", `/v2/tasks/${taskId}`)?.method, "GET");
    assert.equal(task["task_id"], taskId);
  });

  test("GCS: collections across pages, one collection, storage gateways, roles", async () => {
    const gcs = new GCSClient(`${emulator.urls.gcs}${DEMO_GCS_ENDPOINT_ID}`, DEMO_GCS_ENDPOINT_ID, {
      app,
    });
    const pages = [];
    for await (const page of gcs.listCollections({ pageSize: 2 }).pages()) pages.push(page);
    assert.ok(pages.length >= 3, `got ${pages.length} pages of collections`);
    const collections = pages.flatMap((p) => p.items);
    assert.ok(collections.some((c) => c["id"] === DEMO_COLLECTION_ID));
    assert.equal(new Set(collections.map((c) => c["id"])).size, collections.length);
    assert.equal(last("gcs", `/${DEMO_GCS_ENDPOINT_ID}/api/collections`)?.query["page_size"], "2");
    const one = await gcs.getCollection(DEMO_COLLECTION_ID);
    assert.equal(
      last("gcs", `/${DEMO_GCS_ENDPOINT_ID}/api/collections/${DEMO_COLLECTION_ID}`)?.method,
      "GET",
    );
    assert.equal(one["id"], DEMO_COLLECTION_ID);
    const gatewayPages = [];
    for await (const page of gcs.listStorageGateways({ pageSize: 2 }).pages())
      gatewayPages.push(page);
    assert.ok(gatewayPages.length >= 3, `got ${gatewayPages.length} pages of storage gateways`);
    assert.equal(
      one["storage_gateway_id"],
      gatewayPages[0]?.items.find((g) =>
        String(g["display_name"]).includes(String(one["display_name"])),
      )?.["id"],
    );
    assert.equal(last("gcs", `/${DEMO_GCS_ENDPOINT_ID}/api/storage_gateways`)?.method, "GET");
    // Alice administers the collection; four more roles make three pages of two
    for (const n of [1, 2, 3, 4]) {
      await gcs.createRole({
        DATA_TYPE: "role#1.0.0",
        collection: DEMO_COLLECTION_ID,
        principal: `urn:globus:groups:id:77777777-000${n}-4777-8777-777777777777`,
        role: "activity_monitor",
      });
    }
    const rolePages = [];
    for await (const page of gcs
      .listRoles({ collectionId: DEMO_COLLECTION_ID, pageSize: 2, allRoles: true })
      .pages())
      rolePages.push(page);
    assert.ok(rolePages.length >= 3, `got ${rolePages.length} pages of roles`);
    assert.equal(last("gcs", `/${DEMO_GCS_ENDPOINT_ID}/api/roles`)?.method, "GET");
  });
});
