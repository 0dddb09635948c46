/**
 * ComputeClientV3 against the emulator: each method's request on the wire and its decoded
 * answer, the service's refusals as ComputeAPIErrors, and the scenario of a Compute task
 * from submission to result.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ComputeAPIError,
  ComputeClientV2,
  ComputeClientV3,
  type ComputeFunctionDocumentV3,
  GlobusSDKUsageError,
  type UserApp,
} from "../../src/index.ts";
import {
  BOB_IDENTITY_ID,
  COMPUTE_LOCK_SECONDS,
  COMPUTE_TASK_SECONDS,
  DEMO_COMPUTE_ENDPOINT_ID,
  DEMO_COMPUTE_PUBLIC_ENDPOINT_ID,
  emulatedComputeFunction,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { lastRequest } from "./helpers.ts";

const META = { python_version: "3.12.3", sdk_version: "2.30.0", serde_identifier: "01" };

/** A service refusal with this status and code. */
function refusal(status: number, code?: string) {
  return (error: unknown) =>
    error instanceof ComputeAPIError &&
    error.httpStatus === status &&
    (code === undefined || error.code === code);
}

describe("ComputeClientV3", () => {
  let emulator: RunningEmulator;
  let app: UserApp;
  let bobApp: UserApp;
  let v3: ComputeClientV3;
  let v2: ComputeClientV2;
  before(async () => {
    emulator = await startEmulator();
    app = emulatorUserApp(emulator, "memory", "compute-v3");
    bobApp = emulatorUserApp(emulator, "memory", "compute-v3-bob", BOB_IDENTITY_ID);
    v3 = new ComputeClientV3({ app, baseUrl: emulator.urls.compute });
    v2 = new ComputeClientV2({ app, baseUrl: emulator.urls.compute });
  });
  after(async () => {
    await app.close();
    await bobApp.close();
    await emulator.stop();
  });

  const last = (path: string, method?: string) => lastRequest(emulator, "compute", path, method);

  async function newFunction(extra: Partial<ComputeFunctionDocumentV3> = {}): Promise<string> {
    const registered = await v3.registerFunction({
      function_name: "fn",
      function_code: "serialised code",
      meta: META,
      ...extra,
    });
    return registered.function_uuid;
  }

  test("registerEndpoint: a new endpoint, online, with what it reported", async () => {
    const document = {
      endpoint_name: "cluster",
      display_name: "The Cluster",
      version: "2.30.0",
      public: true,
      subscription_uuid: "99999999-0000-4999-8999-000000000001",
      metadata: {
        endpoint_config: "engine:\n  type: GlobusComputeEngine",
        hostname: "login.cluster.example.org",
        local_user: "alice",
        sdk_version: "2.30.0",
      },
    };
    const registered = await v3.registerEndpoint(document);
    assert.deepEqual(last("/v3/endpoints", "POST").body, document);
    assert.equal(registered.warnings, undefined);
    assert.match(registered.result_queue_info.connection_url, /^amqps:\/\//);
    assert.deepEqual(registered.result_queue_info.queue_publish_kwargs, {});
    const endpoint = await v2.getEndpoint(registered.endpoint_id);
    assert.equal(endpoint.display_name, "The Cluster");
    assert.equal(endpoint.public, true);
    assert.equal(endpoint.subscription_uuid, document.subscription_uuid);
    assert.equal(endpoint.endpoint_version, "2.30.0");
    assert.equal(endpoint.hostname, "login.cluster.example.org");
    assert.equal(endpoint.ip_address, "127.0.0.1");
    assert.equal((await v2.getEndpointStatus(registered.endpoint_id)).status, "online");
    await assert.rejects(
      v3.registerEndpoint({ endpoint_name: "no metadata" } as never),
      refusal(422),
    );
  });

  test("updateEndpoint: changes the given fields, keeps the others, or registers a new id", async () => {
    const { endpoint_id: id } = await v3.registerEndpoint({
      endpoint_name: "to-update",
      metadata: { hostname: "old.example.org", description: "before" },
    });
    const answer = await v3.updateEndpoint(id, { display_name: "Updated" });
    const request = last(`/v3/endpoints/${id}`, "PUT");
    assert.deepEqual(request.body, { display_name: "Updated" });
    assert.equal(answer.endpoint_id, id);
    const endpoint = await v2.getEndpoint(id);
    assert.equal(endpoint.display_name, "Updated");
    assert.equal(endpoint.name, "to-update");
    assert.equal(endpoint.hostname, "old.example.org");

    await assert.rejects(v3.updateEndpoint(id, { multi_user: true }), refusal(409));
    const bob = new ComputeClientV3({ app: bobApp, baseUrl: emulator.urls.compute });
    await assert.rejects(bob.updateEndpoint(id, { display_name: "Bob's" }), refusal(403));

    const newId = "77777777-0000-4777-8777-000000000003";
    await v3.updateEndpoint(newId, { endpoint_name: "brand-new", metadata: {} });
    assert.equal((await v2.getEndpoint(newId)).name, "brand-new");
    await assert.rejects(
      v3.updateEndpoint("77777777-0000-4777-8777-000000000004", { display_name: "x" }),
      refusal(422),
    );
  });

  test("lockEndpoint: offline and refusing registrations until the lock ends", async () => {
    const { endpoint_id: id } = await v3.registerEndpoint({
      endpoint_name: "locked",
      metadata: {},
    });
    const locked = await v3.lockEndpoint(id);
    const request = last(`/v3/endpoints/${id}/lock`);
    assert.equal(request.method, "POST");
    assert.equal(request.body, undefined);
    assert.equal(locked.endpoint_id, id);
    assert.equal((await v2.getEndpointStatus(id)).status, "offline");
    await assert.rejects(v3.updateEndpoint(id, {}), refusal(423, "ENDPOINT_LOCKED"));
    emulator.controls.advanceClock(COMPUTE_LOCK_SECONDS);
    await v3.updateEndpoint(id, {});
    assert.equal((await v2.getEndpointStatus(id)).status, "online");
  });

  test("getEndpointAllowlist: restricted to the listed functions, or not at all", async () => {
    const allowed = await newFunction();
    const { endpoint_id: id } = await v3.registerEndpoint({
      endpoint_name: "restricted",
      metadata: {},
      allowed_functions: [allowed],
    });
    const allowlist = await v3.getEndpointAllowlist(id);
    assert.equal(last(`/v3/endpoints/${id}/allowed_functions`).method, "GET");
    assert.deepEqual(allowlist, { endpoint_id: id, restricted: true, functions: [allowed] });
    assert.deepEqual(await v3.getEndpointAllowlist(DEMO_COMPUTE_ENDPOINT_ID), {
      endpoint_id: DEMO_COMPUTE_ENDPOINT_ID,
      restricted: false,
      functions: [],
    });
    const other = await newFunction();
    await assert.rejects(
      v3.submit(id, { tasks: { [other]: ["args"] } }),
      refusal(403, "FUNCTION_NOT_PERMITTED"),
    );
    await v3.submit(id, { tasks: { [allowed]: ["args"] } });
  });

  test("registerFunction: its document, and the metadata Compute keeps", async () => {
    const document = {
      function_name: "dot",
      function_code: "serialised code",
      description: "dot product",
      meta: META,
      public: true,
    };
    const registered = await v3.registerFunction(document);
    assert.deepEqual(last("/v3/functions", "POST").body, document);
    const fn = await v2.getFunction(registered.function_uuid);
    assert.equal(fn.function_name, "dot");
    assert.deepEqual(fn.metadata, { python_version: "3.12.3", sdk_version: "2.30.0" });
    await assert.rejects(
      v3.registerFunction({ function_name: "x", function_code: "y" } as never),
      (error: unknown) =>
        refusal(422)(error) && JSON.stringify((error as ComputeAPIError).data).includes('"meta"'),
    );
  });

  test("submit: task ids by function, in order; unknown groups and endpoints refused", async () => {
    const first = await newFunction();
    const second = await newFunction();
    const document = { tasks: { [first]: ["a", "b"], [second]: ["c"] }, create_queue: true };
    const submitted = await v3.submit(DEMO_COMPUTE_ENDPOINT_ID, document);
    assert.deepEqual(last(`/v3/endpoints/${DEMO_COMPUTE_ENDPOINT_ID}/submit`).body, document);
    assert.equal(submitted.endpoint_id, DEMO_COMPUTE_ENDPOINT_ID);
    assert.equal(submitted.tasks[first]?.length, 2);
    assert.equal(submitted.tasks[second]?.length, 1);
    emulator.controls.advanceClock(COMPUTE_TASK_SECONDS);
    const results = await v2.getTaskBatch([
      ...submitted.tasks[first]!,
      ...submitted.tasks[second]!,
    ]);
    assert.deepEqual(
      Object.values(results.results).map((task) => task.result),
      ["a", "b", "c"],
    );
    const group = await v2.getTaskGroup(submitted.task_group_id);
    assert.equal(group.create_websockets_queue, true);

    const again = await v3.submit(DEMO_COMPUTE_ENDPOINT_ID, {
      tasks: { [first]: ["d"] },
      task_group_id: submitted.task_group_id,
    });
    assert.equal(again.task_group_id, submitted.task_group_id);
    assert.equal((await v2.getTaskGroup(submitted.task_group_id)).tasks.length, 4);
    await assert.rejects(
      v3.submit(DEMO_COMPUTE_ENDPOINT_ID, {
        tasks: { [first]: ["e"] },
        task_group_id: "77777777-0000-4777-8777-00000000ffff",
      }),
      refusal(404, "TASK_GROUP_NOT_FOUND"),
    );
    await assert.rejects(
      v3.submit("77777777-0000-4777-8777-00000000eeee", { tasks: { [first]: ["e"] } }),
      refusal(404, "ENDPOINT_NOT_FOUND"),
    );
    await assert.rejects(v3.submit("nope", { tasks: {} }), GlobusSDKUsageError);
  });

  test("another user may run a public function on a public multi-user endpoint, not on mine", async () => {
    const shared = await newFunction({ public: true });
    const bob = new ComputeClientV3({ app: bobApp, baseUrl: emulator.urls.compute });
    await assert.rejects(
      bob.submit(DEMO_COMPUTE_ENDPOINT_ID, { tasks: { [shared]: ["x"] } }),
      refusal(403),
    );
    const submitted = await bob.submit(DEMO_COMPUTE_PUBLIC_ENDPOINT_ID, {
      tasks: { [shared]: ["from bob"] },
    });
    assert.equal(submitted.tasks[shared]?.length, 1);
    const mine = await newFunction();
    await assert.rejects(
      bob.submit(DEMO_COMPUTE_PUBLIC_ENDPOINT_ID, { tasks: { [mine]: ["x"] } }),
      refusal(403),
    );
  });
});

describe("scenario: a Compute task from submission to result", () => {
  let emulator: RunningEmulator;
  let app: UserApp;
  before(async () => {
    emulator = await startEmulator();
    app = emulatorUserApp(emulator, "memory", "compute-scenario");
  });
  after(async () => {
    await app.close();
    await emulator.stop();
  });

  test("register an endpoint and a function, submit, poll, and read the declared result", async () => {
    const v3 = new ComputeClientV3({ app, baseUrl: emulator.urls.compute });
    const v2 = new ComputeClientV2({ app, baseUrl: emulator.urls.compute });
    const { endpoint_id: endpointId } = await v3.registerEndpoint({
      endpoint_name: "laptop",
      metadata: { hostname: "laptop.example.org" },
    });
    const { function_uuid: functionId } = await v3.registerFunction({
      function_name: "answer",
      function_code: emulatedComputeFunction({ result: "42", seconds: 30 }),
      meta: META,
    });
    const submitted = await v3.submit(endpointId, { tasks: { [functionId]: ["ignored"] } });
    const taskId = submitted.tasks[functionId]![0]!;

    const queued = await v2.getTask(taskId);
    assert.equal(queued.status, "waiting-for-ep");
    assert.equal(queued.result, undefined);
    const status = await v2.getEndpointStatus(endpointId);
    assert.equal(status.details?.outstanding_tasks, 1);

    emulator.controls.advanceClock(29);
    assert.equal((await v2.getTask(taskId)).status, "waiting-for-ep");
    emulator.controls.advanceClock(1);
    const done = await v2.getTask(taskId);
    assert.equal(done.status, "success");
    assert.equal(done.result, "42");
    const transitions = done.details?.task_transitions ?? {};
    const ran = (transitions["execution-end"] ?? 0) - (transitions["execution-start"] ?? 0);
    assert.ok(Math.abs(ran - 30) < 1e-6, `ran ${ran} s`);
    assert.equal((await v2.getEndpointStatus(endpointId)).details?.outstanding_tasks, 0);

    const group = await v2.getTaskGroup(submitted.task_group_id);
    assert.deepEqual(
      group.tasks.map((task) => task.id),
      [taskId],
    );
    const batch = await v2.getTaskBatch(taskId);
    assert.equal(batch.results[taskId]?.result, "42");
  });
});
