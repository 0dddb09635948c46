import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AuthClient as AuthClientFromAuth } from "../../src/auth/index.ts";
import { GlobusSDKError, GlobusSDKUsageError } from "../../src/errors.ts";
import { NativeAppAuthClient, UserApp } from "../../src/index.ts";
import { Scope } from "../../src/scopes/index.ts";
import {
  gcsCollectionScopeSet,
  gcsEndpointScopeSet,
  KNOWN_SCOPES,
  specificFlowScopeSet,
} from "../../src/scopes/known.ts";
import {
  AuthClient,
  AuthServiceClient,
  ComputeClient,
  DeleteData,
  FlowsClient,
  GCSClient,
  GroupsClient,
  type ScrollResult,
  SearchClient,
  SpecificFlowClient,
  type TaskProgress,
  TaskWaitTimeoutError,
  TimersClient,
  TransferClient,
  TransferData,
} from "../../src/services/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  COMPUTE_TASK_SECONDS,
  DEMO_COLLECTION_ID,
  DEMO_COMPUTE_ENDPOINT_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_FLOW_ID,
  DEMO_GCS_ENDPOINT_ID,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  DEMO_NATIVE_CLIENT_ID,
  DEMO_SEARCH_INDEX_ID,
  type RunningEmulator,
  SEARCH_TASK_SECONDS,
  startEmulator,
} from "../../src/testing/index.ts";
import type { Authorizer } from "../../src/transport/types.ts";
import {
  authorizerFor,
  clientCredentialsAuthorizers,
  lastRequest,
  userAuthorizers,
  withRequests,
} from "./helpers.ts";

let emulator: RunningEmulator;
let tokens: Map<string, Authorizer>;
const K = KNOWN_SCOPES;

before(async () => {
  emulator = await startEmulator();
  tokens = await userAuthorizers(emulator, [
    K.transfer.scopes.all,
    K.flows.scopes.view_flows,
    K.flows.scopes.manage_flows,
    K.flows.scopes.run_status,
    K.flows.scopes.run_manage,
    specificFlowScopeSet(DEMO_FLOW_ID).scopes.user,
    K.groups.scopes.all,
    K.groups.scopes.view_my_groups_and_memberships,
    K.search.scopes.search,
    K.search.scopes.ingest,
    K.timers.scopes.timer,
    K.compute.scopes.all,
    gcsEndpointScopeSet(DEMO_GCS_ENDPOINT_ID).scopes.manage_collections,
    K.auth.scopes.openid,
    K.auth.scopes.profile,
    K.auth.scopes.email,
  ]);
});
after(() => emulator.stop());

/** Client options for the emulator: the user's token for the service, and its URL. */
const opts = (resourceServer: string, baseUrl: string | undefined) => ({
  authorizer: authorizerFor(tokens, resourceServer),
  baseUrl,
});

describe("test helpers", () => {
  test("a client-credentials authorizer reaches Transfer as the confidential client", async () => {
    const cc = await clientCredentialsAuthorizers(emulator, [K.transfer.scopes.all]);
    const transfer = new TransferClient({
      authorizer: authorizerFor(cc, K.transfer.resourceServer),
      baseUrl: emulator.urls.transfer,
    });
    const page = await transfer.endpointSearch("Emulator", { limit: 1 }).firstPage();
    assert.equal(page.items.length, 1);
    const sent = lastRequest(emulator, "transfer", "/v0.10/endpoint_search");
    assert.equal(sent.clientId, DEMO_CONFIDENTIAL_CLIENT_ID);
    assert.equal(sent.status, 200);
    // the user's token belongs to the native client: the helpers really do differ
    await new TransferClient(opts(K.transfer.resourceServer, emulator.urls.transfer))
      .endpointSearch("Emulator", { limit: 1 })
      .firstPage();
    assert.equal(
      lastRequest(emulator, "transfer", "/v0.10/endpoint_search").clientId,
      DEMO_NATIVE_CLIENT_ID,
    );
  });
});

describe("Transfer", () => {
  const transfer = () =>
    new TransferClient(opts(K.transfer.resourceServer, emulator.urls.transfer));

  test("TransferData: every option reaches the wire, with a fetched submission id", async () => {
    const client = transfer();
    const deadline = new Date(Date.now() + 3_600_000);
    const data = new TransferData({
      sourceEndpoint: DEMO_COLLECTION_ID,
      destinationEndpoint: DEMO_COLLECTION_ID,
      label: "all options",
      syncLevel: "mtime",
      verifyChecksum: true,
      preserveTimestamp: true,
      encryptData: false,
      deadline,
      notifyOnSucceeded: false,
      notifyOnFailed: true,
      notifyOnInactive: false,
      skipSourceErrors: true,
      failOnQuotaErrors: true,
    })
      .addItem("/home/alice/notes.txt", "/home/alice/notes-sum.txt", {
        checksumAlgorithm: "MD5",
        externalChecksum: "0123456789abcdef0123456789abcdef",
      })
      .addItem("/home/alice/results/", "/home/alice/results-copy/", { recursive: true });
    assert.equal(data.itemCount, 2);
    const { result, requests } = await withRequests(
      emulator,
      { service: "transfer", path: "/v0.10/submission_id" },
      () => client.submitTransfer(data),
    );
    assert.equal(requests.length, 1, "one submission id fetched");
    assert.equal(requests[0]?.method, "GET");
    const body = lastRequest(emulator, "transfer", "/v0.10/transfer", "POST").body;
    assert.deepEqual(body, {
      DATA_TYPE: "transfer",
      submission_id: data.submissionId,
      source_endpoint: DEMO_COLLECTION_ID,
      destination_endpoint: DEMO_COLLECTION_ID,
      label: "all options",
      sync_level: 2,
      verify_checksum: true,
      preserve_timestamp: true,
      encrypt_data: false,
      deadline: deadline.toISOString(),
      notify_on_succeeded: false,
      notify_on_failed: true,
      notify_on_inactive: false,
      skip_source_errors: true,
      fail_on_quota_errors: true,
      DATA: [
        {
          DATA_TYPE: "transfer_item",
          source_path: "/home/alice/notes.txt",
          destination_path: "/home/alice/notes-sum.txt",
          external_checksum: "0123456789abcdef0123456789abcdef",
          checksum_algorithm: "MD5",
        },
        {
          DATA_TYPE: "transfer_item",
          source_path: "/home/alice/results/",
          destination_path: "/home/alice/results-copy/",
          recursive: true,
        },
      ],
    });
    assert.equal(result.submission_id, data.submissionId);
    assert.match(result.task_id, /^[0-9a-f-]{36}$/);
    const task = await client.getTask(result.task_id);
    assert.equal(lastRequest(emulator, "transfer", `/v0.10/task/${result.task_id}`).method, "GET");
    assert.equal(task.task_id, result.task_id);
    assert.equal(task.label, "all options");
    assert.equal(task.type, "TRANSFER");
    await client.cancelTask(result.task_id);
  });

  test("a submission id given up front is used as is (no fetch)", async () => {
    const client = transfer();
    const submissionId = await client.getSubmissionId();
    assert.match(submissionId, /^[0-9a-f-]{36}$/);
    const { result, requests } = await withRequests(
      emulator,
      { service: "transfer", path: "/v0.10/submission_id" },
      () =>
        client.submitDelete(
          new DeleteData({
            endpoint: DEMO_COLLECTION_ID,
            submissionId,
            label: "preset id",
            ignoreMissing: true,
            notifyOnSucceeded: false,
          }).addItem("/home/alice/does-not-exist"),
        ),
    );
    assert.equal(requests.length, 0);
    assert.equal(result.submission_id, submissionId);
    assert.deepEqual(lastRequest(emulator, "transfer", "/v0.10/delete", "POST").body, {
      DATA_TYPE: "delete",
      submission_id: submissionId,
      endpoint: DEMO_COLLECTION_ID,
      label: "preset id",
      ignore_missing: true,
      notify_on_succeeded: false,
      DATA: [{ DATA_TYPE: "delete_item", path: "/home/alice/does-not-exist" }],
    });
  });

  test("taskWait reports files and bytes after each poll and resolves with the final task", async () => {
    const client = transfer();
    const submitted = await client.submitTransfer(
      new TransferData({
        sourceEndpoint: DEMO_COLLECTION_ID,
        destinationEndpoint: DEMO_COLLECTION_ID,
      }).addItem("/home/alice/results/", "/home/alice/progress/", { recursive: true }),
    );
    const reports: TaskProgress[] = [];
    const { result: done, requests } = await withRequests(
      emulator,
      { service: "transfer", path: `/v0.10/task/${submitted.task_id}` },
      () =>
        client.taskWait(submitted.task_id, {
          pollInterval: 20,
          timeout: 30_000,
          onProgress: (task, progress) => {
            assert.equal(progress.taskId, task.task_id);
            reports.push(progress);
            emulator.controls.advanceClock(1); // the emulated task moves on between polls
          },
        }),
    );
    assert.equal(done.status, "SUCCEEDED");
    assert.equal(requests.length, reports.length, "one GET task per report");
    assert.ok(reports.length >= 3, `got ${reports.length} reports`);
    assert.equal(reports[0]?.status, "ACTIVE");
    const final = reports.at(-1);
    assert.equal(final?.status, "SUCCEEDED");
    assert.ok((final?.files ?? 0) > 0);
    assert.equal(final?.filesTransferred, done.files_transferred);
    assert.equal(final?.bytesTransferred, done.bytes_transferred);
    assert.ok((final?.bytesTransferred ?? 0) > 0);
    const bytes = reports.map((r) => r.bytesTransferred);
    assert.deepEqual(
      bytes,
      [...bytes].sort((a, b) => a - b),
      "progress never goes backwards",
    );
    assert.ok((bytes[0] ?? 0) < (bytes.at(-1) ?? 0), "progress was reported before the end");
  });

  test("taskWait throws a typed error at its timeout, carrying the last polled task", async () => {
    const client = transfer();
    const submitted = await client.submitTransfer(
      new TransferData({
        sourceEndpoint: DEMO_COLLECTION_ID,
        destinationEndpoint: DEMO_COLLECTION_ID,
      }).addItem("/home/alice/notes.txt", "/home/alice/notes-wait.txt"),
    );
    const started = Date.now();
    let polls = 0;
    const error = await client
      .taskWait(submitted.task_id, { timeout: 300, pollInterval: 100, onProgress: () => polls++ })
      .then(
        () => assert.fail("taskWait resolved"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof TaskWaitTimeoutError);
    assert.ok(error instanceof GlobusSDKError);
    assert.equal(error.task.task_id, submitted.task_id);
    assert.equal(error.task.status, "ACTIVE");
    assert.equal(error.timeoutMs, 300);
    assert.match(error.message, new RegExp(submitted.task_id));
    assert.ok(Date.now() - started < 2_000);
    assert.ok(polls >= 3, `polled ${polls} times within the timeout`);
    await assert.rejects(
      client.taskWait(submitted.task_id, { pollInterval: 0 }),
      (e: unknown) => e instanceof GlobusSDKUsageError && /pollInterval/.test(e.message),
    );
    const cancelled = await client.cancelTask(submitted.task_id);
    assert.equal(typeof cancelled.code, "string");
    // an abort ends a wait between polls too
    const controller = new AbortController();
    const waiting = client.taskWait(submitted.task_id, {
      pollInterval: 60_000,
      signal: controller.signal,
      onProgress: (task) => {
        if (task.status === "ACTIVE") controller.abort();
      },
    });
    // the cancelled task may already have finished, which resolves instead
    await waiting.then(
      (task) => assert.notEqual(task.status, "ACTIVE"),
      (e: unknown) => assert.equal((e as Error).name, "AbortError"),
    );
  });

  test("bad task documents fail at once with usage errors that name the problem", () => {
    const endpoints = {
      sourceEndpoint: DEMO_COLLECTION_ID,
      destinationEndpoint: DEMO_COLLECTION_ID,
    };
    assert.throws(
      () => new TransferData({ ...endpoints, syncLevel: "fuzzy" as "size" }),
      (e: unknown) => e instanceof GlobusSDKUsageError && /syncLevel "fuzzy"/.test(e.message),
    );
    assert.throws(
      () => new TransferData({ ...endpoints, deadline: "next tuesday" }),
      (e: unknown) => e instanceof GlobusSDKUsageError && /deadline/.test(e.message),
    );
    assert.throws(
      () => new TransferData(endpoints).addItem("", "/dst"),
      (e: unknown) =>
        e instanceof GlobusSDKUsageError && /source and a destination/.test(e.message),
    );
    assert.throws(
      () => new DeleteData({ endpoint: "" }),
      (e: unknown) => e instanceof GlobusSDKUsageError && /endpoint/.test(e.message),
    );
    assert.equal(new TransferData({ ...endpoints, syncLevel: 0 }).toJSON()["sync_level"], 0);
  });

  test("taskList and endpointSearch send their filters", async () => {
    const client = transfer();
    const tasks = await client
      .taskList({
        filter: "type:TRANSFER/status:SUCCEEDED",
        orderBy: "request_time DESC",
        limit: 5,
      })
      .firstPage();
    const sent = lastRequest(emulator, "transfer", "/v0.10/task_list");
    assert.deepEqual(sent.query, {
      filter: "type:TRANSFER/status:SUCCEEDED",
      orderby: "request_time DESC",
      limit: "5",
      offset: "0",
    });
    assert.ok(tasks.items.length >= 1);
    assert.ok(tasks.items.every((t) => t.type === "TRANSFER" && t.status === "SUCCEEDED"));
    await client.endpointSearch(undefined, { filterScope: "my-endpoints", limit: 3 }).firstPage();
    assert.deepEqual(lastRequest(emulator, "transfer", "/v0.10/endpoint_search").query, {
      filter_scope: "my-endpoints",
      limit: "3",
      offset: "0",
    });
  });
});

describe("Flows", () => {
  test("listFlows sends role and text filters; getFlow decodes the flow", async () => {
    const flows = new FlowsClient(opts(K.flows.resourceServer, emulator.urls.flows));
    const page = await flows
      .listFlows({ filterRoles: ["flow_owner", "flow_starter"], query: "hello" })
      .firstPage();
    const sent = lastRequest(emulator, "flows", "/flows", "GET");
    assert.equal(sent.query["filter_roles"], "flow_owner,flow_starter");
    assert.equal(sent.query["filter_fulltext"], "hello");
    assert.ok(page.items.length >= 1);
    assert.ok(page.items.every((f) => /hello/i.test(JSON.stringify(f))));
    const flow = await flows.getFlow(DEMO_FLOW_ID);
    assert.equal(lastRequest(emulator, "flows", `/flows/${DEMO_FLOW_ID}`).method, "GET");
    assert.equal(flow.id, DEMO_FLOW_ID);
    assert.equal(typeof flow.definition, "object");
    // a single role as a string
    await flows.listFlows({ filterRoles: "flow_owner" }).firstPage();
    assert.equal(
      lastRequest(emulator, "flows", "/flows", "GET").query["filter_roles"],
      "flow_owner",
    );
  });

  test("runFlow sends label, tags, run managers and monitors", async () => {
    const flow = new SpecificFlowClient(DEMO_FLOW_ID, {
      authorizer: authorizerFor(tokens, DEMO_FLOW_ID),
      baseUrl: emulator.urls.flows,
    });
    const managers = [`urn:globus:auth:identity:${BOB_IDENTITY_ID}`];
    const monitors = [`urn:globus:auth:identity:${ALICE_IDENTITY_ID}`];
    const run = await flow.runFlow(
      { message: "hi" },
      { label: "managed", tags: ["a", "b"], runManagers: managers, runMonitors: monitors },
    );
    assert.deepEqual(lastRequest(emulator, "flows", `/flows/${DEMO_FLOW_ID}/run`).body, {
      body: { message: "hi" },
      label: "managed",
      tags: ["a", "b"],
      run_managers: managers,
      run_monitors: monitors,
    });
    assert.equal(run.flow_id, DEMO_FLOW_ID);
    assert.equal(run.label, "managed");
    assert.deepEqual(run.tags, ["a", "b"]);
    assert.throws(
      () => new SpecificFlowClient("not-a-flow"),
      (e: unknown) => e instanceof GlobusSDKUsageError && /flowId/.test(e.message),
    );
  });
});

describe("Groups", () => {
  test("my groups with memberships; add and remove one member; refusals come back as errors", async () => {
    const groups = new GroupsClient(opts(K.groups.resourceServer, emulator.urls.groups));
    const group = await groups.createGroup({ name: "Coverage Group" });
    const mine = await groups.getMyGroups();
    const listed = mine.find((g) => g.id === group.id);
    assert.ok(listed, "a new group is among my groups");
    assert.deepEqual(
      listed.my_memberships?.map((m) => [m.identity_id, m.role, m.status]),
      [[ALICE_IDENTITY_ID, "admin", "active"]],
    );
    const added = await groups.addMember(group.id, BOB_IDENTITY_ID, "manager");
    assert.deepEqual(lastRequest(emulator, "groups", `/v2/groups/${group.id}`, "POST").body, {
      add: [{ identity_id: BOB_IDENTITY_ID, role: "manager" }],
    });
    assert.equal(added.add?.[0]?.identity_id, BOB_IDENTITY_ID);
    assert.equal(added.add?.[0]?.role, "manager");
    const again = await groups.addMember(group.id, BOB_IDENTITY_ID);
    assert.equal(again.add?.length ?? 0, 0);
    assert.equal(again.errors?.add?.[0]?.identity_id, BOB_IDENTITY_ID);
    const changed = await groups.batchMembershipAction(group.id, {
      change_role: [{ identity_id: BOB_IDENTITY_ID, role: "member" }],
    });
    assert.equal(changed.change_role?.[0]?.role, "member");
    const removed = await groups.removeMember(group.id, BOB_IDENTITY_ID);
    assert.deepEqual(lastRequest(emulator, "groups", `/v2/groups/${group.id}`, "POST").body, {
      remove: [{ identity_id: BOB_IDENTITY_ID }],
    });
    assert.equal(removed.remove?.[0]?.status, "removed");
    const after = await groups.getGroup(group.id, { include: ["memberships"] });
    assert.equal(
      after.memberships?.find((m) => m.identity_id === BOB_IDENTITY_ID)?.status,
      "removed",
    );
    await groups.deleteGroup(group.id);
  });
});

describe("Timers", () => {
  const timers = () => new TimersClient(opts(K.timers.resourceServer, emulator.urls.timer));

  test("createTimer: a flow timer with run options; pause, resume and delete change its status", async () => {
    const client = timers();
    const managers = [`urn:globus:auth:identity:${BOB_IDENTITY_ID}`];
    const created = await client.createTimer({
      timerType: "flow",
      name: "every hour",
      schedule: {
        type: "recurring",
        interval_seconds: 3600,
        end: { condition: "iterations", count: 3 },
      },
      flowId: DEMO_FLOW_ID,
      input: { message: "tick" },
      label: "ticks",
      runManagers: managers,
    });
    assert.deepEqual(lastRequest(emulator, "timer", "/v2/timer").body, {
      timer: {
        timer_type: "flow",
        name: "every hour",
        schedule: {
          type: "recurring",
          interval_seconds: 3600,
          end: { condition: "iterations", count: 3 },
        },
        flow_id: DEMO_FLOW_ID,
        body: { body: { message: "tick" }, label: "ticks", run_managers: managers },
      },
    });
    const id = created.timer.job_id;
    assert.equal(created.timer.timer_type, "flow");
    assert.equal(created.timer.name, "every hour");
    await client.pauseTimer(id);
    assert.equal((await client.getTimer(id)).status, "inactive");
    await client.resumeTimer(id);
    assert.notEqual((await client.getTimer(id)).inactive_reason?.cause, "user");
    const listed = await client.listTimers();
    assert.ok(listed.some((t) => t.job_id === id && t.timer_type === "flow"));
    const deleted = await client.deleteTimer(id);
    assert.equal(deleted.status, "delete_in_progress");
    assert.equal(lastRequest(emulator, "timer", `/jobs/${id}`, "DELETE").status, 200);
    assert.ok(!(await client.listTimers()).some((t) => t.job_id === id));
  });

  test("createTimer: a transfer timer drops the submission id; bad specs are usage errors", async () => {
    const client = timers();
    const data = new TransferData({
      sourceEndpoint: DEMO_COLLECTION_ID,
      destinationEndpoint: DEMO_COLLECTION_ID,
      submissionId: "8a2d5a47-8c5b-4a4e-9e57-2f0c7c0b6d10",
    }).addItem("/home/alice/notes.txt", "/home/alice/notes-daily.txt");
    const created = await client.createTimer({
      timerType: "transfer",
      name: "daily",
      schedule: { type: "once" },
      data,
    });
    const sent = lastRequest(emulator, "timer", "/v2/timer").body as {
      timer: { body: Record<string, unknown> };
    };
    assert.equal("submission_id" in sent.timer.body, false);
    assert.equal(sent.timer.body["source_endpoint"], DEMO_COLLECTION_ID);
    assert.equal(created.timer.timer_type, "transfer");
    await assert.rejects(
      client.createTimer({ timerType: "cron" } as never),
      (e: unknown) => e instanceof GlobusSDKUsageError && /timerType "cron"/.test(e.message),
    );
  });
});

describe("Search", () => {
  test("paginatedPostSearch walks 3 pages, advancing the body's offset", async () => {
    const search = new SearchClient(opts(K.search.resourceServer, emulator.urls.search));
    for (const n of [1, 2, 3]) {
      const task = await search.ingest(DEMO_SEARCH_INDEX_ID, {
        ingest_type: "GMetaEntry",
        ingest_data: { subject: `cov://${n}`, visible_to: ["public"], content: { tag: "cov" } },
      });
      assert.equal(task.acknowledged, true);
      assert.match(task.task_id, /^[0-9a-f-]{36}$/);
    }
    // ingests are tasks: their documents are searchable once the tasks have finished
    emulator.controls.advanceClock(SEARCH_TASK_SECONDS);
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "search", path: `/v1/index/${DEMO_SEARCH_INDEX_ID}/search`, method: "POST" },
      async () => {
        const out = [];
        for await (const page of search
          .paginatedPostSearch(DEMO_SEARCH_INDEX_ID, { q: "cov", limit: 1 })
          .pages())
          out.push(page);
        return out;
      },
    );
    assert.equal(pages.length, 3);
    assert.deepEqual(
      requests.map((r) => r.body),
      [0, 1, 2].map((offset) => ({ q: "cov", limit: 1, offset })),
    );
    assert.deepEqual(pages.flatMap((p) => p.items.map((g) => g.subject)).sort(), [
      "cov://1",
      "cov://2",
      "cov://3",
    ]);
    const subject = await search.getSubject(DEMO_SEARCH_INDEX_ID, "cov://2");
    assert.equal(subject.entries[0]?.content["tag"], "cov");
    const indexes = await search.listIndexes();
    assert.ok(
      indexes.some((i) => i.id === DEMO_SEARCH_INDEX_ID && typeof i.display_name === "string"),
    );
  });

  test("scroll pages by marker, the filters and query travelling in every request", async () => {
    const search = new SearchClient(opts(K.search.resourceServer, emulator.urls.search));
    const subjects = [1, 2, 3, 4, 5].map((n) => `scroll://${n}`);
    for (const subject of subjects) {
      await search.ingest(DEMO_SEARCH_INDEX_ID, {
        ingest_type: "GMetaEntry",
        ingest_data: { subject, visible_to: ["public"], content: { kind: "scrolled" } },
      });
    }
    emulator.controls.advanceClock(SEARCH_TASK_SECONDS);
    const filters = [{ type: "match_any", field_name: "kind", values: ["scrolled"] }];
    const path = `/v1/index/${DEMO_SEARCH_INDEX_ID}/scroll`;
    const { result: pages, requests } = await withRequests(
      emulator,
      { service: "search", path, method: "POST" },
      async () => {
        const out = [];
        for await (const page of search
          .scroll(DEMO_SEARCH_INDEX_ID, { q: "*", limit: 2, filters })
          .pages())
          out.push(page);
        return out;
      },
    );
    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.flatMap((p) => p.items.map((g) => g.subject)),
      subjects,
    );
    assert.equal(requests.length, 3);
    const raw = pages.map((page) => page.raw as ScrollResult);
    const bodies = requests.map((r) => r.body as Record<string, unknown>);
    assert.equal(bodies[0]?.["marker"], undefined);
    for (const [i, body] of bodies.entries()) {
      assert.deepEqual(body["filters"], filters);
      assert.equal(body["limit"], 2);
      if (i > 0) assert.equal(body["marker"], raw[i - 1]?.marker);
    }
    assert.equal(raw[2]?.has_next_page, false);
    assert.equal(raw[2]?.marker, null);
    assert.equal(raw[0]?.total, 5);
  });
});

describe("Compute", () => {
  test("typed status, registration, submission and task result", async () => {
    const compute = new ComputeClient(opts(K.compute.resourceServer, emulator.urls.compute));
    const status = await compute.getEndpointStatus(DEMO_COMPUTE_ENDPOINT_ID);
    assert.equal(status.status, "online");
    assert.equal(typeof status.details?.idle_workers, "number");
    const fn = await compute.registerFunction({
      functionName: "triple",
      functionCode: "def triple(x): return 3 * x",
      description: "triples",
    });
    assert.deepEqual(lastRequest(emulator, "compute", "/v2/functions").body, {
      function_name: "triple",
      function_code: "def triple(x): return 3 * x",
      description: "triples",
    });
    const submitted = await compute.submit({
      tasks: [[fn.function_uuid, DEMO_COMPUTE_ENDPOINT_ID, "7"]],
    });
    const taskId = submitted.results[0]?.task_uuid;
    assert.ok(taskId);
    assert.equal(typeof submitted.task_group_id, "string");
    const waiting = await compute.getTask(taskId);
    assert.notEqual(waiting.status, "success");
    assert.equal(waiting.result, undefined);
    emulator.controls.advanceClock(COMPUTE_TASK_SECONDS + 1);
    const done = await compute.getTask(taskId);
    assert.equal(lastRequest(emulator, "compute", `/v2/tasks/${taskId}`).method, "GET");
    assert.equal(done.status, "success");
    assert.equal(done.result, "7");
  });
});

describe("GCS", () => {
  test("collection filters and a collection's roles reach the wire", async () => {
    const gcs = new GCSClient(`${emulator.urls.gcs}${DEMO_GCS_ENDPOINT_ID}`, DEMO_GCS_ENDPOINT_ID, {
      authorizer: authorizerFor(tokens, DEMO_GCS_ENDPOINT_ID),
    });
    const page = await gcs
      .listCollections({ filter: ["mapped_collections", "managed_by_me"], pageSize: 10 })
      .firstPage();
    assert.deepEqual(
      lastRequest(emulator, "gcs", `/${DEMO_GCS_ENDPOINT_ID}/api/collections`).query,
      {
        filter: "mapped_collections,managed_by_me",
        page_size: "10",
      },
    );
    assert.ok(
      page.items.some((c) => c.id === DEMO_COLLECTION_ID && c.collection_type === "mapped"),
    );
    const roles = await gcs.listRoles({ collectionId: DEMO_COLLECTION_ID }).toArray();
    assert.equal(
      lastRequest(emulator, "gcs", `/${DEMO_GCS_ENDPOINT_ID}/api/roles`).query["collection_id"],
      DEMO_COLLECTION_ID,
    );
    assert.ok(roles.length >= 1);
    assert.ok(
      roles.every((r) => r.collection === DEMO_COLLECTION_ID && r.principal.startsWith("urn:")),
    );
    const gateways = await gcs.listStorageGateways().toArray();
    assert.ok(gateways.every((g) => typeof g.connector_id === "string"));
  });
});

describe("Auth", () => {
  test("AuthClient from services is src/auth's (AuthServiceClient is its deprecated alias), with an authorizer", async () => {
    assert.equal(AuthClient, AuthClientFromAuth);
    assert.equal(AuthServiceClient, AuthClient);
    const auth = new AuthClient(opts(K.auth.resourceServer, emulator.urls.auth));
    const me = await auth.userinfo();
    assert.equal(me.sub, ALICE_IDENTITY_ID);
    const ids = await auth.getIdentities({ ids: [BOB_IDENTITY_ID] });
    assert.equal(ids[0]?.id, BOB_IDENTITY_ID);
    assert.equal(lastRequest(emulator, "auth", "/v2/api/identities").query["ids"], BOB_IDENTITY_ID);
  });
});

describe("scopes from the one table (src/scopes/known.ts)", () => {
  const app = () =>
    new UserApp("coverage-scopes", {
      loginClient: new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { baseUrl: emulator.urls.auth }),
      config: { tokenStorage: "memory" },
    });
  const dataAccess = (id: string) =>
    new Scope(gcsCollectionScopeSet(id).scopes.data_access, { optional: true });

  test("GCS and Timers: resource servers and default scopes", () => {
    const gcs = new GCSClient("gcs.example.org", DEMO_GCS_ENDPOINT_ID);
    const known = gcsEndpointScopeSet(DEMO_GCS_ENDPOINT_ID);
    assert.equal(gcs.resourceServer, known.resourceServer);
    assert.deepEqual(gcs.defaultScopeRequirements.map(String), [known.scopes.manage_collections]);
    assert.equal(new TimersClient().resourceServer, K.timers.resourceServer);
    assert.equal(new ComputeClient().resourceServer, K.compute.resourceServer);
  });

  test("data_access and flow-user helpers build the dependent scopes Globus expects", async () => {
    await using a = app();
    const collections = [DEMO_COLLECTION_ID, DEMO_HIGH_ASSURANCE_COLLECTION_ID];
    new TransferClient({ app: a }).addAppDataAccessScope(collections);
    const transferAll = new Scope(K.transfer.scopes.all, {
      dependencies: collections.map(dataAccess),
    });
    assert.ok(
      a.scopeRequirements[K.transfer.resourceServer]?.some((s) => s.equals(transferAll)),
      String(a.scopeRequirements[K.transfer.resourceServer]),
    );
    new SpecificFlowClient(DEMO_FLOW_ID, { app: a }).addAppTransferDataAccessScope(
      DEMO_COLLECTION_ID,
    );
    // as the Python SDK builds it, transfer:all is optional inside the flow's scope
    const flowUser = new Scope(specificFlowScopeSet(DEMO_FLOW_ID).scopes.user, {
      dependencies: [
        new Scope(K.transfer.scopes.all, {
          optional: true,
          dependencies: [dataAccess(DEMO_COLLECTION_ID)],
        }),
      ],
    });
    assert.ok(a.scopeRequirements[DEMO_FLOW_ID]?.some((s) => s.equals(flowUser)));
    const timers = new TimersClient({ app: a });
    timers.addAppTransferDataAccessScope(DEMO_COLLECTION_ID).addAppFlowUserScope(DEMO_FLOW_ID);
    // the app merges both requirements on the timer scope into one, with both dependencies
    const timerRequirements = a.scopeRequirements[K.timers.resourceServer] ?? [];
    const timer = new Scope(K.timers.scopes.timer, {
      dependencies: [
        new Scope(K.transfer.scopes.all, { dependencies: [dataAccess(DEMO_COLLECTION_ID)] }),
        specificFlowScopeSet(DEMO_FLOW_ID).scopes.user,
      ],
    });
    assert.ok(
      timerRequirements.some((s) => s.equals(timer)),
      String(timerRequirements),
    );
    for (const bad of [
      () => timers.addAppFlowUserScope("nope"),
      () => timers.addAppTransferDataAccessScope([]),
    ])
      assert.throws(bad, GlobusSDKUsageError);
    assert.throws(
      () => new TransferClient({ app: a }).addAppDataAccessScope([DEMO_COLLECTION_ID, "x"]),
      (e: unknown) => e instanceof GlobusSDKUsageError && /collectionIds\[1\]/.test(e.message),
    );
  });
});
