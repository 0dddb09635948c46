/**
 * The official `@globus/sdk` drives the Transfer emulator at its own origin: every Transfer
 * operation the JavaScript SDK has and the emulator serves. Each answer must fit the SDK's
 * types for it (`services/transfer/service/*.d.ts`, and the OpenAPI-generated
 * `open-api/types/transfer.d.ts` for tunnels and stream access points).
 *
 * Where the Python SDK's recorded responses (what the real service sent) disagree with
 * those types, the emulator follows the recording, and the allowance says so.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { transfer } from "@globus/sdk";
import { TransferScopes } from "../../src/scopes/index.ts";
import {
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
  DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
  type RunningEmulator,
  TUNNEL_TRANSITION_SECONDS,
} from "../../src/testing/index.ts";
import {
  ALICE_GCP_ID,
  BOB_GCP_ID,
  runTasks,
  transferTestSeed,
} from "../services/transfer-helpers.ts";
import {
  type Allowances,
  conformanceEmulator,
  expectConforming,
  tokenFor,
  withToken,
} from "./helpers.ts";
import { TypeFacts } from "./type-facts.ts";

const facts = new TypeFacts(
  { sdk: "index" },
  {
    endpointSearch: "JsonOf<typeof sdk.transfer.endpointSearch>",
    getEndpoint: "JsonOf<typeof sdk.transfer.endpoint.get>",
    ls: "JsonOf<typeof sdk.transfer.fileOperations.ls>",
    stat: "JsonOf<typeof sdk.transfer.fileOperations.stat>",
    submissionId: "JsonOf<typeof sdk.transfer.taskSubmission.submissionId>",
    submitTransfer: "JsonOf<typeof sdk.transfer.taskSubmission.submitTransfer>",
    submitDelete: "JsonOf<typeof sdk.transfer.taskSubmission.submitDelete>",
    taskList: "JsonOf<typeof sdk.transfer.task.getAll>",
    getTask: "JsonOf<typeof sdk.transfer.task.get>",
    updateTask: "JsonOf<typeof sdk.transfer.task.update>",
    taskEvents: "JsonOf<typeof sdk.transfer.task.getEventList>",
    taskSuccesses: "JsonOf<typeof sdk.transfer.task.getSuccessfulTransfers>",
    taskSkipped: "JsonOf<typeof sdk.transfer.task.getSkippedErrors>",
    taskPauseInfo: "JsonOf<typeof sdk.transfer.task.getPauseInfo>",
    createEndpoint: "JsonOf<typeof sdk.transfer.endpoint.create>",
    updateEndpoint: "JsonOf<typeof sdk.transfer.endpoint.update>",
    removeEndpoint: "JsonOf<typeof sdk.transfer.endpoint.remove>",
    accessList: "JsonOf<typeof sdk.transfer.access.getAll>",
    accessGet: "JsonOf<typeof sdk.transfer.access.get>",
    accessUpdate: "JsonOf<typeof sdk.transfer.access.update>",
    accessRemove: "JsonOf<typeof sdk.transfer.access.remove>",
    roleList: "JsonOf<typeof sdk.transfer.roles.getAll>",
    roleGet: "JsonOf<typeof sdk.transfer.roles.get>",
    roleCreate: "JsonOf<typeof sdk.transfer.roles.create>",
    roleRemove: "JsonOf<typeof sdk.transfer.roles.remove>",
    bookmarkList: "JsonOf<typeof sdk.transfer.collectionBookmarks.getAll>",
    bookmarkCreate: "JsonOf<typeof sdk.transfer.collectionBookmarks.create>",
    bookmarkGet: "JsonOf<typeof sdk.transfer.collectionBookmarks.get>",
    bookmarkUpdate: "JsonOf<typeof sdk.transfer.collectionBookmarks.update>",
    bookmarkRemove: "JsonOf<typeof sdk.transfer.collectionBookmarks.remove>",
    tunnelList: "JsonOf<typeof sdk.transfer.tunnel.getAll>",
    tunnelGet: "JsonOf<typeof sdk.transfer.tunnel.get>",
    tunnelCreate: "JsonOf<typeof sdk.transfer.tunnel.create>",
    tunnelRemove: "JsonOf<typeof sdk.transfer.tunnel.remove>",
    tunnelStart: "JsonOf<typeof sdk.transfer.tunnel.start>",
    tunnelStop: "JsonOf<typeof sdk.transfer.tunnel.stop>",
    tunnelEvents: "JsonOf<typeof sdk.transfer.tunnel.getEventList>",
    accessPointList: "JsonOf<typeof sdk.transfer.streamAccessPoint.getAll>",
    accessPointGet: "JsonOf<typeof sdk.transfer.streamAccessPoint.get>",
    emEndpoint: "JsonOf<typeof sdk.transfer.endpointManager.endpoint.get>",
    emHosted: "JsonOf<typeof sdk.transfer.endpointManager.endpoint.getHostedEndpoints>",
    emAccessList: "JsonOf<typeof sdk.transfer.endpointManager.endpoint.getAccessList>",
    emMonitored: "JsonOf<typeof sdk.transfer.endpointManager.endpoint.getMonitoredEndpoints>",
    pauseRuleList: "JsonOf<typeof sdk.transfer.endpointManager.pauseRule.getAll>",
    pauseRuleCreate: "JsonOf<typeof sdk.transfer.endpointManager.pauseRule.create>",
    pauseRuleGet: "JsonOf<typeof sdk.transfer.endpointManager.pauseRule.get>",
    pauseRuleUpdate: "JsonOf<typeof sdk.transfer.endpointManager.pauseRule.update>",
    pauseRuleRemove: "JsonOf<typeof sdk.transfer.endpointManager.pauseRule.remove>",
    emTask: "JsonOf<typeof sdk.transfer.endpointManager.task.get>",
    emCancel: "JsonOf<typeof sdk.transfer.endpointManager.task.cancel>",
    emEvents: "JsonOf<typeof sdk.transfer.endpointManager.task.getEventList>",
    emSuccesses: "JsonOf<typeof sdk.transfer.endpointManager.task.getSuccessfulTransfers>",
    emSkipped: "JsonOf<typeof sdk.transfer.endpointManager.task.getSkippedErrors>",
    emPause: "JsonOf<typeof sdk.transfer.endpointManager.task.pause>",
    emResume: "JsonOf<typeof sdk.transfer.endpointManager.task.resume>",
  },
);

/** The task document keys the recordings have and `TaskDocument` lacks. */
const TASK_EXTRAS = {
  filter_rules: "task_list.py records filter_rules on every task",
  is_ok: "task_list.py records is_ok on every task",
};

/** A delete task has no destination, which `TaskDocument` types as a string. */
const DELETE_TASK = {
  "$.DATA[].destination_endpoint": "a delete task has no destination: null",
  "$.DATA[].destination_endpoint_display_name": "a delete task has no destination: null",
};

/** Where the submission types and `submit_transfer.py`/`submit_delete.py` disagree. */
const SUBMISSION: Allowances = {
  mismatches: {
    "$.resource":
      "the type says '/transfer' ('/delete'); the recordings say '/v0.10/transfer' ('/v0.10/delete')",
  },
};

describe("conformance: Transfer through @globus/sdk", () => {
  let emulator: RunningEmulator;
  let token: string;
  const headers = () => withToken(token);
  before(async () => {
    emulator = await conformanceEmulator({ seed: transferTestSeed() });
    token = await tokenFor(emulator, TransferScopes.resourceServer, [String(TransferScopes.all)]);
  });
  after(() => emulator.stop());

  async function submissionId(): Promise<string> {
    const response = await transfer.taskSubmission.submissionId(headers());
    const recorded =
      "the type declares DATA_TYPE 'submission_id'; get_submission_id.py records only `value`";
    const body = await expectConforming(facts, "submissionId", response, {
      absent: { DATA_TYPE: recorded },
      mismatches: { "$.DATA_TYPE": recorded },
    });
    assert.match(String(body.value), /^[0-9a-f-]{36}$/);
    return String(body.value);
  }

  async function submitCopy(label: string): Promise<string> {
    const response = await transfer.taskSubmission.submitTransfer({
      ...headers(),
      payload: {
        submission_id: await submissionId(),
        label,
        source_endpoint: DEMO_COLLECTION_ID,
        destination_endpoint: DEMO_COLLECTION_ID,
        DATA: [
          {
            DATA_TYPE: "transfer_item",
            source_path: "/home/alice/notes.txt",
            destination_path: `/home/alice/${label}.txt`,
          },
        ],
      },
    });
    const body = await expectConforming(facts, "submitTransfer", response, SUBMISSION);
    assert.equal(body.code, "Accepted");
    return String(body.task_id);
  }

  it("transfer.endpointSearch finds the demo collection", async () => {
    const body = await expectConforming(
      facts,
      "endpointSearch",
      await transfer.endpointSearch(withToken(token, { query: { filter_fulltext: "Emulator" } })),
    );
    assert.ok((body.DATA as { id: string }[]).some((e) => e.id === DEMO_COLLECTION_ID));
  });

  it("transfer.endpoint.get reads one collection, legacy fields and all", async () => {
    const body = await expectConforming(
      facts,
      "getEndpoint",
      await transfer.endpoint.get(DEMO_COLLECTION_ID, headers()),
    );
    assert.equal(body.id, DEMO_COLLECTION_ID);
    assert.equal(body.acl_available, false);
  });

  it("transfer.fileOperations: ls, mkdir, rename, stat", async () => {
    const listing = await expectConforming(
      facts,
      "ls",
      await transfer.fileOperations.ls(
        DEMO_COLLECTION_ID,
        withToken(token, { query: { path: "/home/alice/" } }),
      ),
    );
    assert.ok((listing.DATA as { name: string }[]).some((e) => e.name === "notes.txt"));
    // mkdir and rename are typed as a bare Response: only success can be checked
    const made = await transfer.fileOperations.mkdir(DEMO_COLLECTION_ID, {
      ...headers(),
      payload: { path: "/home/alice/conformance" },
    });
    assert.equal(made.status, 200, await made.clone().text());
    assert.equal(((await made.json()) as { code: string }).code, "DirectoryCreated");
    const renamed = await transfer.fileOperations.rename(DEMO_COLLECTION_ID, {
      ...headers(),
      payload: { old_path: "/home/alice/conformance", new_path: "/home/alice/conformance-2" },
    });
    assert.equal(((await renamed.json()) as { code: string }).code, "FileRenamed");
    const stat = await expectConforming(
      facts,
      "stat",
      await transfer.fileOperations.stat(
        DEMO_COLLECTION_ID,
        withToken(token, { query: { path: "/home/alice/conformance-2" } }),
      ),
    );
    assert.equal(stat.type, "dir");
    const missing = await transfer.fileOperations.stat(
      DEMO_COLLECTION_ID,
      withToken(token, { query: { path: "/home/alice/missing" } }),
    );
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as unknown as { code: string }).code, "NotFound");
  });

  it("transfer.taskSubmission: submissionId, submitTransfer, submitDelete", async () => {
    await submitCopy("conformance-copy");
    const response = await transfer.taskSubmission.submitDelete({
      ...headers(),
      payload: {
        submission_id: await submissionId(),
        endpoint: DEMO_COLLECTION_ID,
        ignore_missing: true,
        DATA: [{ DATA_TYPE: "delete_item", path: "/home/alice/never-there" }],
      },
    });
    await expectConforming(facts, "submitDelete", response, SUBMISSION);
  });

  it("transfer.task: getAll, get, cancel", async () => {
    const taskId = await submitCopy("conformance-task");
    const list = await expectConforming(
      facts,
      "taskList",
      await transfer.task.getAll(withToken(token, { query: { limit: 5 } })),
      {
        absent: {
          has_next_page: "task_list.py records total, length, limit and offset, not has_next_page",
        },
        undeclared: {
          length: "task_list.py records length",
          total: "task_list.py records total (Python's LimitOffsetTotalPaginator reads it)",
        },
        mismatches: {
          "$.DATA[].DATA_TYPE": "task_list.py records its tasks without DATA_TYPE",
          "$.has_next_page": "task_list.py records total instead",
          ...DELETE_TASK,
        },
      },
    );
    assert.ok((list.DATA as { task_id: string }[]).some((t) => t.task_id === taskId));
    const task = await expectConforming(
      facts,
      "getTask",
      await transfer.task.get(taskId, headers()),
      {
        absent: {
          source_base_path: "sent only for tasks submitted with store_base_path_info",
          destination_base_path: "sent only for tasks submitted with store_base_path_info",
        },
        undeclared: TASK_EXTRAS,
      },
    );
    assert.equal(task.task_id, taskId);
    // the type says cancel answers a task document; cancel_task.py records a result
    const canceled = await transfer.task.cancel(taskId, headers());
    assert.equal(canceled.status, 200);
    assert.equal(((await canceled.json()) as unknown as { code: string }).code, "Canceled");
  });
  /** A success's JSON, for operations whose type the emulator cannot be checked against. */
  async function ok<T>(response: Response): Promise<T> {
    const text = await response.text();
    assert.ok(response.ok, `HTTP ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** A finished copy on Alice's laptop, with one missing source skipped. */
  async function finishedCopy(label: string): Promise<string> {
    const response = await transfer.taskSubmission.submitTransfer({
      ...headers(),
      payload: {
        submission_id: await submissionId(),
        label,
        skip_source_errors: true,
        source_endpoint: ALICE_GCP_ID,
        destination_endpoint: ALICE_GCP_ID,
        DATA: [
          {
            DATA_TYPE: "transfer_item",
            source_path: "/home/alice/project/",
            destination_path: `/home/alice/${label}/`,
            recursive: true,
          },
          {
            DATA_TYPE: "transfer_item",
            source_path: "/home/alice/missing.txt",
            destination_path: `/home/alice/${label}.txt`,
          },
        ],
      },
    });
    const taskId = String((await ok<{ task_id: string }>(response)).task_id);
    runTasks(emulator);
    return taskId;
  }

  /** A guest collection on Alice's laptop, made with transfer.endpoint.create. */
  async function guestCollection(name: string): Promise<string> {
    const body = await expectConforming(
      facts,
      "createEndpoint",
      await transfer.endpoint.create({
        ...headers(),
        payload: {
          DATA_TYPE: "shared_endpoint",
          host_endpoint_id: ALICE_GCP_ID,
          host_path: "/home/alice/project/",
          display_name: name,
        },
      }),
    );
    assert.equal(body.code, "Created");
    return String(body.id);
  }

  const IDENTITY_ID_FOR_ALL = {
    "$.pause_rules[].identity_id":
      "the type says string; a rule for every user has identity_id null (Python's example sends None)",
    "$.DATA[].identity_id":
      "the type says string; a rule for every user has identity_id null (Python's example sends None)",
    "$.identity_id":
      "the type says string; a rule for every user has identity_id null (Python's example sends None)",
  };

  const EVENT_PAGE: Allowances = {
    absent: { has_next_page: "offset pages carry total, as task_list.py records them" },
    undeclared: {
      length: "offset pages carry length, as task_list.py records them",
      total: "Python's LimitOffsetTotalPaginator reads total for event lists",
    },
    mismatches: { "$.has_next_page": "offset pages carry total, as task_list.py records them" },
  };

  const RECORDED_SUCCESS = Object.fromEntries(
    ["checksum", "checksum_algorithm", "dynamic", "size"].map((key) => [
      `$.DATA[].${key}`,
      "endpoint_manager_task_successful_transfers.py records only DATA_TYPE, source_path and destination_path",
    ]),
  );

  it("transfer.task: update, getEventList, getSuccessfulTransfers, getSkippedErrors, getPauseInfo", async () => {
    const running = await submitCopy("conformance-update");
    const updated = await expectConforming(
      facts,
      "updateTask",
      await transfer.task.update(running, { ...headers(), payload: { label: "renamed" } }),
    );
    assert.equal(updated.code, "Updated");

    const taskId = await finishedCopy("conformance-results");
    const events = await expectConforming(
      facts,
      "taskEvents",
      await transfer.task.getEventList(taskId, headers()),
      EVENT_PAGE,
    );
    assert.ok((events.DATA as unknown[]).length >= 3);
    const successes = await expectConforming(
      facts,
      "taskSuccesses",
      await transfer.task.getSuccessfulTransfers(taskId, headers()),
      { mismatches: RECORDED_SUCCESS },
    );
    assert.equal((successes.DATA as unknown[]).length, 3);
    const skipped = await expectConforming(
      facts,
      "taskSkipped",
      await transfer.task.getSkippedErrors(taskId, headers()),
    );
    assert.equal((skipped.DATA as { error_code: string }[])[0]?.error_code, "FILE_NOT_FOUND");

    const rule = await ok<{ id: string }>(
      await transfer.endpointManager.pauseRule.create({
        ...headers(),
        payload: {
          DATA_TYPE: "pause_rule",
          endpoint_id: ALICE_GCP_ID,
          message: "conformance pause",
          pause_task_transfer_read: true,
        },
      }),
    );
    const paused = await finishedCopy("conformance-paused");
    const info = await expectConforming(
      facts,
      "taskPauseInfo",
      await transfer.task.getPauseInfo(paused, headers()),
      { mismatches: IDENTITY_ID_FOR_ALL },
    );
    assert.equal((info.pause_rules as unknown[]).length, 1);
    await ok(await transfer.endpointManager.pauseRule.remove(rule.id, headers()));
    // task.remove (POST /task/{id}/remove) has no Python SDK method: not emulated
  });

  it("transfer.endpoint: create (a guest collection), update, remove", async () => {
    const guestId = await guestCollection("conformance share");
    const updated = await expectConforming(
      facts,
      "updateEndpoint",
      await transfer.endpoint.update(guestId, {
        ...headers(),
        payload: { description: "shared for the conformance suite" },
      }),
    );
    assert.equal(updated.code, "Updated");
    const bob = await tokenFor(
      emulator,
      TransferScopes.resourceServer,
      [String(TransferScopes.all)],
      {
        identityId: BOB_IDENTITY_ID,
      },
    );
    const removed = await expectConforming(
      facts,
      "removeEndpoint",
      await transfer.endpoint.remove(BOB_GCP_ID, withToken(bob)),
    );
    assert.equal(removed.code, "Deleted");
  });

  it("transfer.access and transfer.roles on a guest collection", async () => {
    const guestId = await guestCollection("conformance access");
    // the type says create answers an access document; the Python SDK reads `access_id`
    // from a result, which the emulator answers
    const created = await ok<{ code: string; access_id: string }>(
      await transfer.access.create(guestId, {
        ...headers(),
        payload: {
          DATA_TYPE: "access",
          principal_type: "identity",
          principal: BOB_IDENTITY_ID,
          path: "/",
          permissions: "r",
        },
      }),
    );
    assert.equal(created.code, "Created");
    const list = await expectConforming(
      facts,
      "accessList",
      await transfer.access.getAll(guestId, headers()),
    );
    assert.equal((list.DATA as unknown[]).length, 2);
    const ids = { endpoint_xid: guestId, id: created.access_id };
    const notified = "sent back only for a rule created with a notification (none here)";
    const rule = await expectConforming(
      facts,
      "accessGet",
      await transfer.access.get(ids, headers()),
      { absent: { notify_email: notified, notify_message: notified } },
    );
    assert.equal(rule.principal, BOB_IDENTITY_ID);
    await expectConforming(
      facts,
      "accessUpdate",
      await transfer.access.update(ids, { ...headers(), payload: { permissions: "rw" } }),
    );
    await expectConforming(facts, "accessRemove", await transfer.access.remove(ids, headers()));

    const role = await expectConforming(
      facts,
      "roleCreate",
      await transfer.roles.create(guestId, {
        ...headers(),
        payload: {
          DATA_TYPE: "role",
          principal_type: "identity",
          principal: BOB_IDENTITY_ID,
          role: "access_manager",
        },
      }),
    );
    const roles = await expectConforming(
      facts,
      "roleList",
      await transfer.roles.getAll(guestId, headers()),
    );
    assert.equal((roles.DATA as unknown[]).length, 2);
    await expectConforming(
      facts,
      "roleGet",
      await transfer.roles.get({ endpoint_id: guestId, role_id: String(role.id) }, headers()),
    );
    await expectConforming(
      facts,
      "roleRemove",
      await transfer.roles.remove({ collection_id: guestId, role_id: String(role.id) }, headers()),
    );
  });

  it("transfer.collectionBookmarks: getAll, create, get, update, remove", async () => {
    const created = await expectConforming(
      facts,
      "bookmarkCreate",
      await transfer.collectionBookmarks.create({
        ...headers(),
        payload: { name: "conformance", endpoint_id: DEMO_COLLECTION_ID, path: "/home/alice/" },
      }),
    );
    const id = String(created.id);
    const list = await expectConforming(
      facts,
      "bookmarkList",
      await transfer.collectionBookmarks.getAll(headers()),
    );
    assert.ok((list.DATA as { id: string }[]).some((b) => b.id === id));
    await expectConforming(
      facts,
      "bookmarkGet",
      await transfer.collectionBookmarks.get(id, headers()),
    );
    const renamed = await expectConforming(
      facts,
      "bookmarkUpdate",
      await transfer.collectionBookmarks.update(id, { ...headers(), payload: { name: "renamed" } }),
    );
    assert.equal(renamed.name, "renamed");
    await expectConforming(
      facts,
      "bookmarkRemove",
      await transfer.collectionBookmarks.remove(id, headers()),
    );
  });

  it("transfer.tunnel and transfer.streamAccessPoint", async () => {
    const points = await expectConforming(
      facts,
      "accessPointList",
      await transfer.streamAccessPoint.getAll(headers()),
    );
    assert.equal((points.data as unknown[]).length, 2);
    await expectConforming(
      facts,
      "accessPointGet",
      await transfer.streamAccessPoint.get(DEMO_LISTENER_STREAM_ACCESS_POINT_ID, headers()),
    );
    const created = await expectConforming(
      facts,
      "tunnelCreate",
      await transfer.tunnel.create({
        ...headers(),
        payload: {
          data: {
            type: "Tunnel",
            attributes: {
              submission_id: "0b6d8a7e-5c4f-4e3d-9a2b-1c0d9e8f7a6b",
              label: "conformance",
              lifetime_mins: 30,
              restartable: false,
            },
            relationships: {
              listener: {
                data: { type: "StreamAccessPoint", id: DEMO_LISTENER_STREAM_ACCESS_POINT_ID },
              },
              initiator: {
                data: { type: "StreamAccessPoint", id: DEMO_INITIATOR_STREAM_ACCESS_POINT_ID },
              },
            },
          },
        },
      }),
    );
    const id = String((created.data as { id: string }).id);
    await expectConforming(facts, "tunnelList", await transfer.tunnel.getAll(headers()));
    // tunnel.start and tunnel.stop send their whole options object as the tunnel's
    // attributes (not its `payload`, as the type says), so the token travels in the SDK
    // options and start's options are the attributes themselves
    const sdkOptions = { fetch: { options: { headers: headers().headers } } };
    const startAttributes = { listener_ip_address: "127.0.0.1", listener_port: 9100 };
    await expectConforming(
      facts,
      "tunnelStart",
      await transfer.tunnel.start(
        id,
        startAttributes as unknown as Parameters<typeof transfer.tunnel.start>[1],
        sdkOptions,
      ),
    );
    emulator.controls.advanceClock(TUNNEL_TRANSITION_SECONDS);
    const active = await expectConforming(
      facts,
      "tunnelGet",
      await transfer.tunnel.get(id, headers()),
    );
    assert.equal((active.data as { attributes: { state: string } }).attributes.state, "ACTIVE");
    await expectConforming(
      facts,
      "tunnelStop",
      await transfer.tunnel.stop(id, undefined, sdkOptions),
    );
    emulator.controls.advanceClock(TUNNEL_TRANSITION_SECONDS);
    const events = await expectConforming(
      facts,
      "tunnelEvents",
      await transfer.tunnel.getEventList(id, headers()),
    );
    assert.equal((events.data as unknown[]).length, 3);
    await expectConforming(facts, "tunnelRemove", await transfer.tunnel.remove(id, headers()));
  });

  it("transfer.endpointManager.endpoint: get, getHostedEndpoints, getAccessList, getMonitoredEndpoints", async () => {
    const guestId = await guestCollection("conformance hosted");
    await expectConforming(
      facts,
      "emEndpoint",
      await transfer.endpointManager.endpoint.get(ALICE_GCP_ID, headers()),
    );
    const hosted = await expectConforming(
      facts,
      "emHosted",
      await transfer.endpointManager.endpoint.getHostedEndpoints(ALICE_GCP_ID, headers()),
    );
    assert.ok((hosted.DATA as { id: string }[]).some((e) => e.id === guestId));
    await expectConforming(
      facts,
      "emAccessList",
      await transfer.endpointManager.endpoint.getAccessList(guestId, headers()),
    );
    const monitored = await expectConforming(
      facts,
      "emMonitored",
      await transfer.endpointManager.endpoint.getMonitoredEndpoints(headers()),
    );
    assert.ok((monitored.DATA as { id: string }[]).some((e) => e.id === ALICE_GCP_ID));
  });

  it("transfer.endpointManager.pauseRule: getAll, create, get, update, remove", async () => {
    const created = await expectConforming(
      facts,
      "pauseRuleCreate",
      await transfer.endpointManager.pauseRule.create({
        ...headers(),
        payload: {
          DATA_TYPE: "pause_rule",
          endpoint_id: ALICE_GCP_ID,
          message: "conformance rule",
          pause_mkdir: true,
        },
      }),
      { mismatches: IDENTITY_ID_FOR_ALL },
    );
    const id = String(created.id);
    const list = await expectConforming(
      facts,
      "pauseRuleList",
      await transfer.endpointManager.pauseRule.getAll(headers()),
      { mismatches: IDENTITY_ID_FOR_ALL },
    );
    assert.ok((list.DATA as { id: string }[]).some((rule) => rule.id === id));
    await expectConforming(
      facts,
      "pauseRuleGet",
      await transfer.endpointManager.pauseRule.get(id, headers()),
      { mismatches: IDENTITY_ID_FOR_ALL },
    );
    const updated = await expectConforming(
      facts,
      "pauseRuleUpdate",
      await transfer.endpointManager.pauseRule.update(id, {
        ...headers(),
        payload: { message: "changed" },
      }),
      { mismatches: IDENTITY_ID_FOR_ALL },
    );
    assert.equal(updated.message, "changed");
    await expectConforming(
      facts,
      "pauseRuleRemove",
      await transfer.endpointManager.pauseRule.remove(id, headers()),
    );
  });

  it("transfer.endpointManager.task: get, getEventList, per-file results, pause, resume, cancel, getPauseInfo", async () => {
    const EM_TASK: Allowances = {
      undeclared: {
        filter_rules: "endpoint_manager_task_list.py records filter_rules on every task",
      },
      mismatches: {
        "$.source_local_user":
          "the type says null; the recording has null where the viewer lacks a role on the side, and a user name (as destination_local_user) where it has one",
      },
    };
    const taskId = await finishedCopy("conformance-em");
    const task = await expectConforming(
      facts,
      "emTask",
      await transfer.endpointManager.task.get(taskId, headers()),
      EM_TASK,
    );
    assert.equal(task.owner_string, "alice@globusid.org");
    await expectConforming(
      facts,
      "emEvents",
      await transfer.endpointManager.task.getEventList(taskId, headers()),
      EVENT_PAGE,
    );
    // the type gives the items no fields at all: it says the page is one SuccessfulTransferDocument
    const successes = await ok<{ DATA: unknown[] }>(
      await transfer.endpointManager.task.getSuccessfulTransfers(taskId, headers()),
    );
    assert.equal(successes.DATA.length, 3);
    await expectConforming(
      facts,
      "emSkipped",
      await transfer.endpointManager.task.getSkippedErrors(taskId, headers()),
    );

    const running = await submitCopy("conformance-em-steer");
    const paused = await expectConforming(
      facts,
      "emPause",
      await transfer.endpointManager.task.pause({
        ...headers(),
        payload: { DATA_TYPE: "admin_pause", task_id_list: [running], message: "hold" },
      }),
    );
    assert.deepEqual(paused.task_id_list, [running]);
    // the type says pause info is a pause rule document; the emulator answers the
    // pause_info document (full rules), as the owners' pause_info_limited is
    const info = await ok<{ DATA_TYPE: string; destination_pause_message: string }>(
      await transfer.endpointManager.task.getPauseInfo(running, headers()),
    );
    assert.equal(info.DATA_TYPE, "pause_info");
    assert.equal(info.destination_pause_message, "hold");
    await expectConforming(
      facts,
      "emResume",
      await transfer.endpointManager.task.resume({
        ...headers(),
        payload: { task_id_list: [running] },
      }),
    );
    const canceled = await expectConforming(
      facts,
      "emCancel",
      await transfer.endpointManager.task.cancel({
        ...headers(),
        payload: { DATA_TYPE: "admin_cancel", task_id_list: [running], message: "stop" },
      }),
      {
        undeclared: {
          message: "the admin_cancel document (AdminCancelDocument) carries the message",
          task_id_list: "the admin_cancel document (AdminCancelDocument) carries the task ids",
        },
      },
    );
    assert.equal(canceled.done, true);
    // endpointManager.task.getAdminCancel POSTs to /endpoint_manager/admin_cancel/{id},
    // which the Python SDK (endpoint_manager_cancel_status) GETs: the emulator answers 405
    const status = await transfer.endpointManager.task.getAdminCancel(
      String(canceled.id),
      headers(),
    );
    assert.equal(status.status, 405);
    // endpointManager.task.getAll requests /v0.10/task_list (the caller's own tasks), not
    // /v0.10/endpoint_manager/task_list as endpoint_manager_task_list does
    const list = await ok<{ DATA: { task_id: string }[] }>(
      await transfer.endpointManager.task.getAll(headers()),
    );
    assert.ok(list.DATA.some((t) => t.task_id === running));
    // fileOperations.symlink has no Python SDK method: not emulated
  });
});
