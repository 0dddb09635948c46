/**
 * ComputeClientV2 against the emulator: each method's request on the wire (method, path,
 * query, body, from the emulator's request log) and its decoded answer; bad arguments are
 * usage errors naming the argument; service errors are ComputeAPIErrors with their code.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ComputeAPIError,
  ComputeClient,
  ComputeClientV2,
  GlobusSDKUsageError,
  type UserApp,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  COMPUTE_LOCK_SECONDS,
  COMPUTE_TASK_SECONDS,
  DEMO_COMPUTE_ENDPOINT_ID,
  DEMO_COMPUTE_PUBLIC_ENDPOINT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { lastRequest } from "./helpers.ts";

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

describe("ComputeClientV2", () => {
  let emulator: RunningEmulator;
  let app: UserApp;
  let compute: ComputeClientV2;
  before(async () => {
    emulator = await startEmulator();
    app = emulatorUserApp(emulator, "memory", "compute-v2");
    compute = new ComputeClientV2({ app, baseUrl: emulator.urls.compute });
  });
  after(async () => {
    await app.close();
    await emulator.stop();
  });

  const last = (path: string, method?: string) => lastRequest(emulator, "compute", path, method);

  async function newFunction(name = "triple"): Promise<string> {
    const registered = await compute.registerFunction({
      function_name: name,
      function_code: "serialised code",
      metadata: { python_version: "3.12.3", sdk_version: "2.30.0" },
    });
    return registered.function_uuid;
  }

  test("getVersion: the bare version, and with service=all the required versions", async () => {
    const version = await compute.getVersion();
    assert.equal(typeof version, "string");
    assert.deepEqual(last("/v2/version").query, {});
    const all = await compute.getVersion({ service: "all" });
    assert.deepEqual(last("/v2/version").query, { service: "all" });
    assert.equal(all.api, version);
    assert.equal(typeof all.min_endpoint_version, "string");
  });

  test("getResultAmqpUrl: fresh credentials on every call", async () => {
    const first = await compute.getResultAmqpUrl();
    assert.equal(last("/v2/get_amqp_result_connection_url").method, "GET");
    const second = await compute.getResultAmqpUrl();
    assert.match(first.connection_url, /^amqps:\/\//);
    assert.notEqual(first.connection_url, second.connection_url);
    assert.equal(first.queue_prefix, ALICE_IDENTITY_ID);
  });

  test("getEndpoints: the caller's endpoints; role any adds public ones", async () => {
    const mine = await compute.getEndpoints();
    assert.deepEqual(last("/v2/endpoints", "GET").query, {});
    assert.deepEqual(
      mine.map((endpoint) => [endpoint.uuid, endpoint.owner]),
      [[DEMO_COMPUTE_ENDPOINT_ID, ALICE_IDENTITY_ID]],
    );
    const any = await compute.getEndpoints({ role: "any" });
    assert.deepEqual(last("/v2/endpoints", "GET").query, { role: "any" });
    assert.deepEqual(
      any.map((endpoint) => endpoint.uuid),
      [DEMO_COMPUTE_ENDPOINT_ID, DEMO_COMPUTE_PUBLIC_ENDPOINT_ID],
    );
  });

  test("getEndpoint and getEndpointStatus", async () => {
    const endpoint = await compute.getEndpoint(DEMO_COMPUTE_ENDPOINT_ID);
    assert.equal(last(`/v2/endpoints/${DEMO_COMPUTE_ENDPOINT_ID}`).method, "GET");
    assert.equal(endpoint.uuid, DEMO_COMPUTE_ENDPOINT_ID);
    assert.equal(endpoint.multi_user, false);
    assert.equal(typeof endpoint.endpoint_version, "string");
    const status = await compute.getEndpointStatus(DEMO_COMPUTE_ENDPOINT_ID);
    assert.equal(last(`/v2/endpoints/${DEMO_COMPUTE_ENDPOINT_ID}/status`).method, "GET");
    assert.equal(status.status, "online");
    assert.equal(typeof status.details?.idle_workers, "number");
  });

  test("registerEndpoint, lockEndpoint and deleteEndpoint", async () => {
    const endpointId = "77777777-0000-4777-8777-000000000001";
    const document = {
      endpoint_name: "my-v2-endpoint",
      endpoint_uuid: endpointId,
      version: "2.30.0",
      metadata: { hostname: "v2.example.org", local_user: "alice" },
    };
    const registered = await compute.registerEndpoint(document);
    assert.deepEqual(last("/v2/endpoints", "POST").body, document);
    assert.equal(registered.endpoint_id, endpointId);
    assert.match(registered.task_queue_info.connection_url, /^amqps:\/\//);
    assert.deepEqual(registered.warnings, []);
    const endpoint = await compute.getEndpoint(endpointId);
    assert.equal(endpoint.hostname, "v2.example.org");
    assert.equal(endpoint.endpoint_version, "2.30.0");
    assert.equal(endpoint.display_name, "my-v2-endpoint");

    const locked = await compute.lockEndpoint(endpointId);
    const lockRequest = last(`/v2/endpoints/${endpointId}/lock`);
    assert.equal(lockRequest.method, "POST");
    assert.equal(lockRequest.body, undefined);
    assert.equal(locked.endpoint_id, endpointId);
    const expires = Date.parse(`${locked.lock_expiration_timestamp}Z`) / 1000;
    assert.ok(Math.abs(expires - (emulator.controls.now() + COMPUTE_LOCK_SECONDS)) < 1);
    assert.equal((await compute.getEndpointStatus(endpointId)).status, "offline");

    const deleted = await compute.deleteEndpoint(endpointId);
    assert.equal(last(`/v2/endpoints/${endpointId}`, "DELETE").method, "DELETE");
    assert.deepEqual(deleted, { result: 302 });
    await assert.rejects(
      compute.getEndpoint(endpointId),
      (error: unknown) =>
        error instanceof ComputeAPIError &&
        error.httpStatus === 404 &&
        error.code === "ENDPOINT_NOT_FOUND",
    );
  });

  test("registerFunction, getFunction and deleteFunction", async () => {
    const document = {
      function_name: "triple",
      function_code: "serialised code",
      description: "triples",
      metadata: { python_version: "3.12.3", sdk_version: "2.30.0" },
    };
    const registered = await compute.registerFunction(document);
    assert.deepEqual(last("/v2/functions", "POST").body, document);
    const functionId = registered.function_uuid;
    const fn = await compute.getFunction(functionId);
    assert.equal(last(`/v2/functions/${functionId}`, "GET").method, "GET");
    assert.deepEqual(fn, {
      function_uuid: functionId,
      function_name: "triple",
      function_code: "serialised code",
      description: "triples",
      metadata: { python_version: "3.12.3", sdk_version: "2.30.0" },
    });
    assert.deepEqual(await compute.deleteFunction(functionId), { result: 302 });
    assert.equal(last(`/v2/functions/${functionId}`, "DELETE").method, "DELETE");
    await assert.rejects(
      compute.getFunction(functionId),
      (error: unknown) => error instanceof ComputeAPIError && error.code === "FUNCTION_NOT_FOUND",
    );
  });

  test("submit, getTask, getTaskBatch and getTaskGroup", async () => {
    const functionId = await newFunction();
    const document = {
      tasks: [
        [functionId, DEMO_COMPUTE_ENDPOINT_ID, "first"],
        [functionId, DEMO_COMPUTE_ENDPOINT_ID, "second"],
      ] as [string, string, string][],
      create_websocket_queue: false,
    };
    const submitted = await compute.submit(document);
    assert.deepEqual(last("/v2/submit").body, document);
    assert.equal(submitted.response, "success");
    assert.deepEqual(
      submitted.results.map((result) => [result.status, result.http_status_code, result.reason]),
      [
        ["success", 200, null],
        ["success", 200, null],
      ],
    );
    const [first, second] = submitted.results.map((result) => result.task_uuid);

    const waiting = await compute.getTask(first!);
    assert.equal(last(`/v2/tasks/${first}`).method, "GET");
    assert.deepEqual(waiting, { task_id: first, status: "waiting-for-ep" });
    emulator.controls.advanceClock(COMPUTE_TASK_SECONDS);
    const done = await compute.getTask(first!);
    assert.equal(done.status, "success");
    assert.equal(done.result, "first");
    assert.equal(typeof done.details?.task_transitions?.["execution-end"], "number");

    const batch = await compute.getTaskBatch([first!, second!]);
    assert.deepEqual(last("/v2/batch_status").body, { task_ids: [first, second] });
    assert.equal(batch.response, "batch");
    assert.equal(batch.results[second!]?.result, "second");
    const single = await compute.getTaskBatch(first!);
    assert.deepEqual(last("/v2/batch_status").body, { task_ids: [first] });
    assert.deepEqual(Object.keys(single.results), [first]);

    const group = await compute.getTaskGroup(submitted.task_group_id);
    assert.equal(last(`/v2/taskgroup/${submitted.task_group_id}`).method, "GET");
    assert.equal(group.taskgroup_id, submitted.task_group_id);
    assert.equal(group.create_websockets_queue, false);
    assert.deepEqual(
      group.tasks.map((task) => task.id),
      [first, second],
    );
    assert.match(group.tasks[0]!.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  test("a submission refuses the tasks the caller may not run, each on its own", async () => {
    const functionId = await newFunction();
    const submitted = await compute.submit({
      tasks: [
        [functionId, DEMO_COMPUTE_ENDPOINT_ID, "fine"],
        [UNKNOWN_ID, DEMO_COMPUTE_ENDPOINT_ID, "no such function"],
        [functionId, UNKNOWN_ID, "no such endpoint"],
      ],
    });
    assert.deepEqual(
      submitted.results.map((result) => [result.status, result.http_status_code]),
      [
        ["success", 200],
        ["failed", 404],
        ["failed", 404],
      ],
    );
    assert.match(submitted.results[1]!.reason ?? "", /Function/);
    const refused = await compute.getTask(submitted.results[2]!.task_uuid);
    assert.equal(refused.status, "failed");
    assert.match(refused.exception ?? "", /Endpoint/);
    assert.equal(refused.details, undefined);
  });

  test("ids are checked before the call; the error names the argument", async () => {
    const before = emulator.controls.requestLog({ service: "compute" }).length;
    await assert.rejects(compute.getEndpoint("not-a-uuid"), GlobusSDKUsageError);
    await assert.rejects(compute.getTask("x"), /taskId is not a UUID/);
    await assert.rejects(compute.getTaskBatch(["x"]), /taskIds\[0\] is not a UUID/);
    await assert.rejects(compute.getTaskBatch([]), /taskIds must name at least one id/);
    await assert.rejects(compute.deleteFunction(""), /functionId is not a UUID/);
    await assert.rejects(compute.getTaskGroup("group"), /taskGroupId is not a UUID/);
    assert.equal(emulator.controls.requestLog({ service: "compute" }).length, before);
  });

  test("ComputeClient (the first client) is a ComputeClientV2 taking camelCase fields too", async () => {
    const legacy = new ComputeClient({ app, baseUrl: emulator.urls.compute });
    assert.ok(legacy instanceof ComputeClientV2);
    const registered = await legacy.registerFunction({
      functionName: "double",
      functionCode: "serialised code",
    });
    assert.deepEqual(last("/v2/functions", "POST").body, {
      function_name: "double",
      function_code: "serialised code",
    });
    const fn = await legacy.getFunction(registered.function_uuid);
    assert.equal(fn.function_name, "double");
    await legacy.registerFunction({ function_name: "wire", function_code: "code" });
    assert.deepEqual(last("/v2/functions", "POST").body, {
      function_name: "wire",
      function_code: "code",
    });
  });
});
