// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Compute emulator over plain HTTP: the documents it answers carry the fields Globus
 * recorded (the Python SDK 4.9's `testing/data/compute/`), and its rules (who may read,
 * run, lock, delete; locks; task life cycle) hold.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { KNOWN_SCOPES } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  COMPUTE_LOCK_SECONDS,
  COMPUTE_TASK_SECONDS,
  DEMO_COMPUTE_ENDPOINT_ID,
  emulatedComputeFunction,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { call, userLogin } from "./helpers.ts";

const C = KNOWN_SCOPES.compute;

describe("compute emulator", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let bob: string;
  before(async () => {
    emulator = await startEmulator();
    base = emulator.urls.compute!;
    const token = async (identity: string) =>
      (await userLogin(emulator, identity, C.scopes.all)).byResourceServer.get(C.resourceServer)!;
    alice = await token(ALICE_IDENTITY_ID);
    bob = await token(BOB_IDENTITY_ID);
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.controls.clearRequestLog());

  async function registerFunction(token: string, extra: Record<string, unknown> = {}) {
    const registered = await call(`${base}v2/functions`, token, {
      method: "POST",
      body: {
        function_name: "howdy",
        function_code: "opaque",
        metadata: { python_version: "3.12.3", sdk_version: "2.30.0" },
        ...extra,
      },
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    return registered.body.function_uuid as string;
  }

  it("get_endpoint, get_function and get_task carry the fields Globus recorded", async () => {
    const endpoint = await call(`${base}v2/endpoints/${DEMO_COMPUTE_ENDPOINT_ID}`, alice);
    assert.equal(endpoint.status, 200);
    assert.equal(endpoint.body.multi_user, false);
    assert.equal(endpoint.body.public, false);
    for (const key of [
      "hostname",
      "endpoint_version",
      "endpoint_config",
      "local_user",
      "ip_address",
      "sdk_version",
      "description",
      "user_config_template",
    ]) {
      assert.equal(typeof endpoint.body[key], "string", key);
    }
    assert.deepEqual(endpoint.body.user_config_schema, {});

    const functionId = await registerFunction(alice);
    const fn = await call(`${base}v2/functions/${functionId}`, alice);
    assert.deepEqual(fn.body.metadata, { python_version: "3.12.3", sdk_version: "2.30.0" });
    assert.equal(fn.body.description, "");

    const submitted = await call(`${base}v2/submit`, alice, {
      method: "POST",
      body: { tasks: [[functionId, DEMO_COMPUTE_ENDPOINT_ID, "args"]] },
    });
    const taskId = submitted.body.results[0].task_uuid;
    const started = emulator.controls.now();
    emulator.controls.advanceClock(COMPUTE_TASK_SECONDS);
    const task = await call(`${base}v2/tasks/${taskId}`, alice);
    assert.equal(task.body.status, "success");
    assert.equal(task.body.result, "args");
    assert.equal(typeof task.body.details.os, "string");
    assert.equal(typeof task.body.details.python_version, "string");
    assert.equal(typeof task.body.details.dill_version, "string");
    assert.equal(typeof task.body.details.globus_compute_sdk_version, "string");
    const transitions = task.body.details.task_transitions;
    assert.ok(Math.abs(transitions["execution-start"] - started) < 1);
    // epoch seconds as floats: compare to the microsecond
    const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;
    assert.ok(
      close(transitions["execution-end"] - transitions["execution-start"], COMPUTE_TASK_SECONDS),
    );
    assert.ok(close(Number(task.body.completion_t), transitions["execution-end"]));
  });

  it("errors are Compute's ErrorResponse documents; schema problems are 422s", async () => {
    const missing = await call(`${base}v2/endpoints/00000000-0000-4000-8000-000000000000`, alice);
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.body).sort(), [
      "code",
      "detail",
      "error_args",
      "http_status_code",
      "reason",
      "status",
    ]);
    assert.equal(missing.body.code, "ENDPOINT_NOT_FOUND");
    assert.equal(missing.body.http_status_code, 404);

    const notYours = await call(`${base}v2/endpoints/${DEMO_COMPUTE_ENDPOINT_ID}`, bob);
    assert.equal(notYours.status, 403);

    const badId = await call(`${base}v2/tasks/not-a-uuid`, alice);
    assert.equal(badId.status, 422);
    assert.deepEqual(badId.body.detail[0].loc, ["path", "task_uuid"]);

    const noCode = await call(`${base}v2/functions`, alice, {
      method: "POST",
      body: { function_name: "x" },
    });
    assert.equal(noCode.status, 422);
    assert.deepEqual(
      noCode.body.detail.map((problem: any) => problem.loc),
      [["body", "function_code"]],
    );

    const badRole = await call(`${base}v2/endpoints`, alice, { query: { role: "admin" } });
    assert.equal(badRole.status, 422);

    const noToken = await call(`${base}v2/endpoints`, undefined);
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.http_status_code, 401);
  });

  async function registerEndpoint(token: string, extra: Record<string, unknown> = {}) {
    const registered = await call(`${base}v3/endpoints`, token, {
      method: "POST",
      body: { endpoint_name: "ep", metadata: {}, ...extra },
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    return registered.body.endpoint_id as string;
  }

  async function submit(token: string, endpointId: string, functionId: string, args: string[]) {
    const submitted = await call(`${base}v3/endpoints/${endpointId}/submit`, token, {
      method: "POST",
      body: { tasks: { [functionId]: args } },
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    return submitted.body.tasks[functionId] as string[];
  }

  it("a locked endpoint is offline: its tasks wait until it registers again", async () => {
    const endpointId = await registerEndpoint(alice);
    const functionId = await registerFunction(alice);
    const lock = await call(`${base}v2/endpoints/${endpointId}/lock`, alice, { method: "POST" });
    assert.equal(lock.status, 200);
    const [taskId] = await submit(alice, endpointId, functionId, ["queued"]);
    emulator.controls.advanceClock(COMPUTE_TASK_SECONDS * 10);
    assert.equal((await call(`${base}v2/tasks/${taskId}`, alice)).body.status, "waiting-for-ep");
    const status = await call(`${base}v2/endpoints/${endpointId}/status`, alice);
    assert.equal(status.body.status, "offline");
    assert.equal(status.body.details.pending_tasks, 1);

    const early = await call(`${base}v3/endpoints/${endpointId}`, alice, {
      method: "PUT",
      body: {},
    });
    assert.equal(early.status, 423);
    emulator.controls.advanceClock(COMPUTE_LOCK_SECONDS);
    const restarted = emulator.controls.now();
    const again = await call(`${base}v3/endpoints/${endpointId}`, alice, {
      method: "PUT",
      body: {},
    });
    assert.equal(again.status, 200);
    emulator.controls.advanceClock(COMPUTE_TASK_SECONDS);
    const task = await call(`${base}v2/tasks/${taskId}`, alice);
    assert.equal(task.body.status, "success");
    assert.ok(Math.abs(task.body.details.task_transitions["execution-start"] - restarted) < 1);
  });

  it("a function declared to raise fails its tasks with that exception", async () => {
    const functionId = await registerFunction(alice, {
      function_code: emulatedComputeFunction({ exception: "ZeroDivisionError", seconds: 2 }),
    });
    const [taskId] = await submit(alice, DEMO_COMPUTE_ENDPOINT_ID, functionId, ["x"]);
    emulator.controls.advanceClock(2);
    const task = await call(`${base}v2/tasks/${taskId}`, alice);
    assert.equal(task.body.status, "failed");
    assert.equal(task.body.exception, "ZeroDivisionError");
    assert.equal(task.body.result, undefined);
    assert.throws(() => emulatedComputeFunction({ result: "a", exception: "b" }), /not both/);
  });

  it("only an endpoint's owner and admins manage it; admins need a subscription", async () => {
    const noSubscription = await call(`${base}v3/endpoints`, alice, {
      method: "POST",
      body: { endpoint_name: "ep", metadata: {}, admins: [BOB_IDENTITY_ID] },
    });
    assert.equal(noSubscription.status, 400);
    const endpointId = await registerEndpoint(alice, {
      admins: [BOB_IDENTITY_ID],
      subscription_uuid: "99999999-0000-4999-8999-000000000002",
    });
    const privateId = await registerEndpoint(alice);
    const allow = (id: string, token: string) =>
      call(`${base}v3/endpoints/${id}/allowed_functions`, token);
    assert.equal((await allow(endpointId, bob)).status, 200);
    assert.equal((await allow(privateId, bob)).status, 403);
    const bobsView = await call(`${base}v2/endpoints`, bob);
    assert.ok(bobsView.body.some((entry: any) => entry.uuid === endpointId));
    assert.equal(
      (await call(`${base}v2/endpoints/${privateId}/lock`, bob, { method: "POST" })).status,
      403,
    );
    assert.equal(
      (await call(`${base}v2/endpoints/${privateId}`, bob, { method: "DELETE" })).status,
      403,
    );
    assert.equal(
      (await call(`${base}v2/endpoints/${privateId}`, alice, { method: "DELETE" })).body.result,
      302,
    );
    assert.equal((await call(`${base}v2/endpoints/${privateId}`, alice)).status, 404);
  });

  it("batch status answers unknown or others' tasks as failed; task groups are their owner's", async () => {
    const functionId = await registerFunction(alice);
    const submitted = await call(`${base}v2/submit`, alice, {
      method: "POST",
      body: { tasks: [[functionId, DEMO_COMPUTE_ENDPOINT_ID, "mine"]] },
    });
    const taskId = submitted.body.results[0].task_uuid;
    const unknown = "00000000-0000-4000-8000-000000000001";
    const batch = await call(`${base}v2/batch_status`, bob, {
      method: "POST",
      body: { task_ids: [taskId, unknown] },
    });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.results[unknown], {
      task_id: unknown,
      status: "failed",
      reason: "Unknown task id",
    });
    assert.equal(batch.body.results[taskId].status, "failed");
    const group = submitted.body.task_group_id;
    assert.equal((await call(`${base}v2/taskgroup/${group}`, bob)).status, 404);
    assert.equal((await call(`${base}v2/taskgroup/${group}`, alice)).status, 200);
    const noIds = await call(`${base}v2/batch_status`, alice, { method: "POST", body: {} });
    assert.equal(noIds.status, 422);
  });

  it("v3 schema problems are ErrorResponse documents listing each problem", async () => {
    const bad = await call(`${base}v3/functions`, alice, {
      method: "POST",
      body: { function_name: 5, function_code: "x", meta: { python_version: "3.12" } },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.http_status_code, 422);
    assert.deepEqual(
      bad.body.detail.map((problem: any) => problem.loc),
      [
        ["body", "function_name"],
        ["body", "meta", "sdk_version"],
        ["body", "meta", "serde_identifier"],
      ],
    );
    const shared = await call(`${base}v3/functions`, alice, {
      method: "POST",
      body: {
        function_name: "ha",
        function_code: "x",
        meta: { python_version: "3", sdk_version: "2", serde_identifier: "01" },
        public: true,
        ha_endpoint_id: DEMO_COMPUTE_ENDPOINT_ID,
      },
    });
    assert.equal(shared.status, 422);
    const tasks = await call(`${base}v3/endpoints/${DEMO_COMPUTE_ENDPOINT_ID}/submit`, alice, {
      method: "POST",
      body: { tasks: [["not", "a", "map"]] },
    });
    assert.equal(tasks.status, 422);
  });

  it("the version needs no token; AMQP credentials do", async () => {
    const version = await call(`${base}v2/version`, undefined);
    assert.equal(version.status, 200);
    assert.equal(typeof version.body, "string");
    assert.equal(
      (await call(`${base}v2/version`, undefined, { query: { service: "x" } })).status,
      422,
    );
    assert.equal((await call(`${base}v2/get_amqp_result_connection_url`, undefined)).status, 401);
  });

  it("a function is read and run by its owner only, unless it is public", async () => {
    const privateId = await registerFunction(alice);
    const publicId = await registerFunction(alice, { public: true });
    assert.equal((await call(`${base}v2/functions/${privateId}`, bob)).status, 403);
    assert.equal((await call(`${base}v2/functions/${publicId}`, bob)).status, 200);
    assert.equal(
      (await call(`${base}v2/functions/${publicId}`, bob, { method: "DELETE" })).status,
      403,
    );
    const bobOnAlice = await call(`${base}v2/submit`, bob, {
      method: "POST",
      body: { tasks: [[privateId, DEMO_COMPUTE_ENDPOINT_ID, "x"]] },
    });
    assert.deepEqual(
      bobOnAlice.body.results.map((result: any) => [result.status, result.http_status_code]),
      [["failed", 403]],
    );
  });
});
