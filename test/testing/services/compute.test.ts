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
  COMPUTE_TASK_SECONDS,
  DEMO_COMPUTE_ENDPOINT_ID,
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
    assert.equal(
      transitions["execution-end"] - transitions["execution-start"],
      COMPUTE_TASK_SECONDS,
    );
    assert.equal(Number(task.body.completion_t), transitions["execution-end"]);
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

  it("a function is read and run by its owner only, unless it is public", async () => {
    const privateId = await registerFunction(alice);
    const publicId = await registerFunction(alice, { public: true });
    assert.equal((await call(`${base}v2/functions/${privateId}`, bob)).status, 403);
    assert.equal((await call(`${base}v2/functions/${publicId}`, bob)).status, 200);
  });
});
