/**
 * The endpoint manager (activity monitor) API against the emulator: the issue-16 scenario
 * (a pause rule pauses Alice's task, taskPauseInfo shows it, resuming completes it), the
 * roles every call needs, and each of the 19 endpoint-manager methods on the wire.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GlobusSDKUsageError, type TransferClient, TransferData } from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  FILE_RESULTS_PAGE_SIZE,
  type RunningEmulator,
  TRANSFER_TASK_SECONDS,
} from "../../src/testing/index.ts";
import {
  ALICE_GCP_ID,
  aliceGuestCollection,
  BOB_GCP_ID,
  MANY_FILES,
  refused,
  runTasks,
  sent,
  submitProjectCopy,
  transferWorld,
} from "./transfer-helpers.ts";

let emulator: RunningEmulator;
let alice: TransferClient;
let bob: TransferClient;
let stop: () => Promise<void>;
let bobRoleId: string;
before(async () => {
  ({ emulator, alice, bob, stop } = await transferWorld());
  // Bob steers the activity on Alice's laptop; he owns nothing there
  bobRoleId = (
    await alice.addEndpointRole(ALICE_GCP_ID, {
      principal_type: "identity",
      principal: BOB_IDENTITY_ID,
      role: "activity_manager",
    })
  ).id;
});
after(() => stop());

async function pagesOf<T>(paginator: { pages(): AsyncIterable<{ items: readonly T[] }> }) {
  const pages: T[][] = [];
  for await (const page of paginator.pages()) pages.push([...page.items]);
  return pages;
}

describe("endpoint-manager scenario", () => {
  test("a pause rule pauses Alice's task, taskPauseInfo shows it, resuming it completes the task", async () => {
    const rule = await bob.endpointManagerCreatePauseRule({
      DATA_TYPE: "pause_rule",
      endpoint_id: ALICE_GCP_ID,
      message: "Replacing the laptop's disk",
      identity_id: null,
      start_time: null,
      pause_task_transfer_read: true,
    });
    assert.equal(rule.DATA_TYPE, "pause_rule");
    assert.equal(rule.editable, true);
    assert.equal(rule.modified_by_id, BOB_IDENTITY_ID);

    const submitted = await submitProjectCopy(alice, "/home/alice/scenario/");
    emulator.controls.advanceClock(TRANSFER_TASK_SECONDS * 10);
    const paused = await alice.getTask(submitted.task_id);
    assert.equal(paused.status, "ACTIVE", "a paused task does not finish");
    assert.equal(paused.is_paused, true);
    assert.equal(paused.files_transferred, 0);

    const info = await alice.taskPauseInfo(submitted.task_id);
    assert.deepEqual(
      info.pause_rules.map((held) => [held.id, held.message]),
      [[rule.id, "Replacing the laptop's disk"]],
    );
    const pausedTasks = await bob
      .endpointManagerTaskList({ filterStatus: "ACTIVE", filterIsPaused: true })
      .toArray();
    assert.ok(pausedTasks.some((task) => task.task_id === submitted.task_id));

    const resumed = await bob.endpointManagerResumeTasks([submitted.task_id]);
    assert.deepEqual(resumed.task_id_list, [submitted.task_id]);
    assert.deepEqual(sent(emulator, "POST", "/v0.10/endpoint_manager/admin_resume").body, {
      task_id_list: [submitted.task_id],
    });
    runTasks(emulator);
    const done = await alice.getTask(submitted.task_id);
    assert.equal(done.status, "SUCCEEDED");
    assert.equal(done.is_paused, false);
    assert.deepEqual(
      (await alice.operationLs(ALICE_GCP_ID, "/home/alice/scenario/")).DATA.map((e) => e.name),
      ["a.txt", "b.log", "sub"],
    );
    const events = (await alice.taskEventList(submitted.task_id).toArray()).map((e) => e.code);
    assert.deepEqual(events, ["STARTED", "PAUSED", "RESUMED", "SUCCEEDED"]);
    await bob.endpointManagerDeletePauseRule(rule.id);
  });
});

describe("who may use the endpoint manager", () => {
  test("calls need the activity_monitor role on a task's endpoint; steering needs activity_manager", async () => {
    const task = await submitProjectCopy(alice, "/home/alice/private-ish/");
    const monitored = await bob.endpointManagerMonitoredEndpoints();
    assert.equal(
      sent(emulator, "GET", "/v0.10/endpoint_manager/monitored_endpoints").method,
      "GET",
    );
    assert.equal(monitored.DATA_TYPE, "monitored_endpoints");
    // his role on Alice's laptop, and his own laptop
    assert.deepEqual(
      monitored.DATA.map((e) => e.id),
      [ALICE_GCP_ID, BOB_GCP_ID],
    );
    const aliceWatches = (await alice.endpointManagerMonitoredEndpoints()).DATA.map((e) => e.id);
    assert.ok(aliceWatches.includes(ALICE_GCP_ID) && aliceWatches.includes(DEMO_COLLECTION_ID));

    // Bob's task on the demo collection (Alice's) is hers to see, not his to steer there
    const bobsTask = await bob.submitTransfer(
      new TransferData({
        sourceEndpoint: DEMO_COLLECTION_ID,
        destinationEndpoint: DEMO_COLLECTION_ID,
      }).addItem("/home/bob/", "/home/bob/copy/", { recursive: true }),
    );
    assert.equal((await alice.endpointManagerGetTask(bobsTask.task_id)).owner_id, BOB_IDENTITY_ID);
    await assert.rejects(
      bob.endpointManagerGetTask(bobsTask.task_id),
      refused("PermissionDenied", 403),
    );
    await assert.rejects(
      bob.endpointManagerTaskList({ filterEndpoint: DEMO_COLLECTION_ID }).firstPage(),
      refused("PermissionDenied", 403),
    );
    await assert.rejects(
      bob.endpointManagerCreatePauseRule({
        endpoint_id: DEMO_COLLECTION_ID,
        message: "no",
        pause_ls: true,
      }),
      refused("PermissionDenied", 403),
    );
    // a monitor who is no manager may look but not steer
    await alice.deleteEndpointRole(ALICE_GCP_ID, bobRoleId);
    const monitor = await alice.addEndpointRole(ALICE_GCP_ID, {
      principal_type: "identity",
      principal: BOB_IDENTITY_ID,
      role: "activity_monitor",
    });
    assert.equal((await bob.endpointManagerGetTask(task.task_id)).task_id, task.task_id);
    await assert.rejects(
      bob.endpointManagerPauseTasks([task.task_id], "mine now"),
      refused("PermissionDenied", 403),
    );
    await alice.deleteEndpointRole(ALICE_GCP_ID, monitor.id);
    bobRoleId = (
      await alice.addEndpointRole(ALICE_GCP_ID, {
        principal_type: "identity",
        principal: BOB_IDENTITY_ID,
        role: "activity_manager",
      })
    ).id;
    runTasks(emulator);
  });
});

describe("endpoints as their monitors see them", () => {
  test("endpointManagerGetEndpoint, endpointManagerHostedEndpointList, endpointManagerAclList", async () => {
    const endpoint = await bob.endpointManagerGetEndpoint(ALICE_GCP_ID);
    assert.equal(
      sent(emulator, "GET", `/v0.10/endpoint_manager/endpoint/${ALICE_GCP_ID}`).method,
      "GET",
    );
    assert.equal(endpoint.id, ALICE_GCP_ID);
    assert.deepEqual(endpoint.my_effective_roles, ["activity_manager", "activity_monitor"]);

    const guestId = await aliceGuestCollection(alice, "monitored share");
    await alice.share(guestId, { identityId: BOB_IDENTITY_ID });
    const hosted = await bob.endpointManagerHostedEndpointList(ALICE_GCP_ID);
    assert.ok(
      sent(
        emulator,
        "GET",
        `/v0.10/endpoint_manager/endpoint/${ALICE_GCP_ID}/hosted_endpoint_list`,
      ),
    );
    assert.ok(hosted.DATA.some((e) => e.id === guestId));
    // the host's monitor sees a guest collection's rules without any role on the guest
    const rules = await bob.endpointManagerAclList(guestId);
    assert.ok(sent(emulator, "GET", `/v0.10/endpoint_manager/endpoint/${guestId}/access_list`));
    assert.deepEqual(
      rules.DATA.map((rule) => rule.principal),
      [ALICE_IDENTITY_ID, BOB_IDENTITY_ID],
    );
    await assert.rejects(
      bob.endpointManagerGetEndpoint(DEMO_COLLECTION_ID),
      refused("PermissionDenied", 403),
    );
  });
});

describe("tasks as their monitors see them", () => {
  let copyTaskId: string;
  before(async () => {
    const copy = await alice.submitTransfer(
      new TransferData({
        sourceEndpoint: ALICE_GCP_ID,
        destinationEndpoint: DEMO_COLLECTION_ID,
        skipSourceErrors: true,
      })
        .addItem("/home/alice/many/", "/home/alice/from-laptop/", { recursive: true })
        .addItem("/home/alice/nowhere.txt", "/home/alice/nowhere.txt"),
    );
    copyTaskId = copy.task_id;
    runTasks(emulator);
  });

  test("endpointManagerTaskList pages by last_key across 3 pages, with Python's filters", async () => {
    for (let i = 0; i < 3; i++) await submitProjectCopy(alice, `/home/alice/listed-${i}/`);
    runTasks(emulator);
    const pages = await pagesOf(
      bob.endpointManagerTaskList({
        filterEndpoint: ALICE_GCP_ID,
        filterStatus: ["SUCCEEDED"],
        queryParams: { limit: 2 },
      }),
    );
    assert.ok(pages.length >= 3, `got ${pages.length} pages`);
    const log = emulator.controls
      .requestLog({ service: "transfer", path: "/v0.10/endpoint_manager/task_list" })
      .slice(-pages.length);
    assert.equal(log[0]?.query.last_key, undefined);
    assert.ok(log.slice(1).every((entry) => typeof entry.query.last_key === "string"));
    assert.deepEqual(log[0]?.query, {
      filter_status: "SUCCEEDED",
      filter_endpoint: ALICE_GCP_ID,
      limit: "2",
    });
    const tasks = pages.flat();
    assert.equal(new Set(tasks.map((t) => t.task_id)).size, tasks.length);
    assert.ok(tasks.every((t) => t.status === "SUCCEEDED" && t.DATA_TYPE === "task"));
    assert.ok(tasks.some((t) => t.task_id === copyTaskId));

    const byId = await bob.endpointManagerTaskList({ filterTaskId: [copyTaskId] }).toArray();
    assert.deepEqual(
      byId.map((t) => t.task_id),
      [copyTaskId],
    );
    const sinceEpoch = await bob
      .endpointManagerTaskList({
        filterEndpoint: ALICE_GCP_ID,
        filterEndpointUse: "destination",
        filterCompletionTime: [new Date(0), ""],
      })
      .toArray();
    assert.ok(!sinceEpoch.some((t) => t.task_id === copyTaskId), "its destination is elsewhere");
    assert.match(
      sent(emulator, "GET", "/v0.10/endpoint_manager/task_list").query.filter_completion_time ?? "",
      /^1970-01-01T00:00:00\+00:00,$/,
    );
    await assert.rejects(
      bob.endpointManagerTaskList({ filterStatus: "SUCCEEDED" }).firstPage(),
      refused("BadRequest", 400),
    );
    await assert.rejects(
      bob.endpointManagerTaskList({ filterTaskId: copyTaskId, filterStatus: "ACTIVE" }).firstPage(),
      refused("BadRequest", 400),
    );
    assert.throws(
      () => bob.endpointManagerTaskList({ filterEndpointUse: "source" }),
      GlobusSDKUsageError,
    );
  });

  test("endpointManagerGetTask shows the owner and each side's local user", async () => {
    const task = await bob.endpointManagerGetTask(copyTaskId);
    assert.ok(sent(emulator, "GET", `/v0.10/endpoint_manager/task/${copyTaskId}`));
    assert.equal(task.owner_string, "alice@globusid.org");
    assert.equal(task.source_local_user, "alice");
    assert.equal(task.source_local_user_status, "OK");
    // Bob has no role on the destination (the demo collection)
    assert.equal(task.destination_local_user, null);
    assert.equal(task.destination_local_user_status, "NO_PERMISSION");
  });

  test("endpointManagerTaskEventList pages across 3 pages; filterIsError keeps the errors", async () => {
    const pages = await pagesOf(bob.endpointManagerTaskEventList(copyTaskId, { limit: 1 }));
    assert.equal(pages.length, 3);
    const errors = await bob
      .endpointManagerTaskEventList(copyTaskId, { filterIsError: true })
      .toArray();
    assert.deepEqual(
      sent(emulator, "GET", `/v0.10/endpoint_manager/task/${copyTaskId}/event_list`).query,
      {
        filter_is_error: "1",
        offset: "0",
      },
    );
    assert.deepEqual(
      errors.map((e) => e.code),
      ["FILE_NOT_FOUND"],
    );
    assert.throws(
      () => bob.endpointManagerTaskEventList(copyTaskId, { filterIsError: false }),
      GlobusSDKUsageError,
    );
  });

  test("per-file results page across 3 pages; a side without a role shows null paths", async () => {
    const pages = await pagesOf(bob.endpointManagerTaskSuccessfulTransfers(copyTaskId));
    assert.deepEqual(
      pages.map((page) => page.length),
      [FILE_RESULTS_PAGE_SIZE, FILE_RESULTS_PAGE_SIZE, MANY_FILES - 2 * FILE_RESULTS_PAGE_SIZE],
    );
    assert.deepEqual(pages[0]?.[0], {
      DATA_TYPE: "successful_transfer",
      source_path: "/home/alice/many/f000.dat",
      destination_path: null,
    });
    const full = await alice.endpointManagerTaskSuccessfulTransfers(copyTaskId).firstPage();
    assert.equal(full.items[0]?.destination_path, "/home/alice/from-laptop/f000.dat");

    const skipped = await bob.endpointManagerTaskSkippedErrors(copyTaskId).toArray();
    assert.ok(sent(emulator, "GET", `/v0.10/endpoint_manager/task/${copyTaskId}/skipped_errors`));
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]?.source_path, "/home/alice/nowhere.txt");
    assert.equal(skipped[0]?.destination_path, null);
  });

  test("skipped errors page by marker across 3 pages", async () => {
    const data = new TransferData({
      sourceEndpoint: ALICE_GCP_ID,
      destinationEndpoint: ALICE_GCP_ID,
      skipSourceErrors: true,
    });
    for (let i = 0; i < MANY_FILES; i++)
      data.addItem(`/home/alice/lost-${i}`, `/home/alice/y-${i}`);
    const submitted = await alice.submitTransfer(data);
    runTasks(emulator);
    const pages = await pagesOf(bob.endpointManagerTaskSkippedErrors(submitted.task_id));
    assert.equal(pages.length, 3);
    assert.equal(pages.flat().length, MANY_FILES);
  });
});

describe("steering tasks", () => {
  test("endpointManagerPauseTasks holds a task with a message; resume lets it finish", async () => {
    const submitted = await submitProjectCopy(alice, "/home/alice/admin-paused/");
    const paused = await bob.endpointManagerPauseTasks([submitted.task_id], "Out of hours");
    assert.deepEqual(sent(emulator, "POST", "/v0.10/endpoint_manager/admin_pause").body, {
      message: "Out of hours",
      task_id_list: [submitted.task_id],
    });
    assert.equal(paused.DATA_TYPE, "admin_pause");
    emulator.controls.advanceClock(TRANSFER_TASK_SECONDS * 5);
    assert.equal((await alice.getTask(submitted.task_id)).status, "ACTIVE");
    const info = await alice.taskPauseInfo(submitted.task_id);
    assert.equal(info.source_pause_message, "Out of hours");
    assert.equal(info.destination_pause_message, "Out of hours");
    const adminInfo = await bob.endpointManagerTaskPauseInfo(submitted.task_id);
    assert.ok(
      sent(emulator, "GET", `/v0.10/endpoint_manager/task/${submitted.task_id}/pause_info`),
    );
    assert.equal(adminInfo.DATA_TYPE, "pause_info");
    await bob.endpointManagerResumeTasks(submitted.task_id);
    runTasks(emulator);
    assert.equal((await alice.getTask(submitted.task_id)).status, "SUCCEEDED");
  });

  test("endpointManagerCancelTasks cancels as an administrator; endpointManagerCancelStatus reports it", async () => {
    const submitted = await submitProjectCopy(alice, "/home/alice/admin-canceled/");
    const cancel = await bob.endpointManagerCancelTasks([submitted.task_id], "Disk full");
    assert.deepEqual(sent(emulator, "POST", "/v0.10/endpoint_manager/admin_cancel").body, {
      message: "Disk full",
      task_id_list: [submitted.task_id],
    });
    assert.equal(cancel.DATA_TYPE, "admin_cancel");
    assert.equal(typeof cancel.id, "number");
    const status = await bob.endpointManagerCancelStatus(cancel.id);
    assert.ok(sent(emulator, "GET", `/v0.10/endpoint_manager/admin_cancel/${cancel.id}`));
    assert.deepEqual(status, { ...cancel });
    assert.equal(status.done, true);
    const task = await alice.getTask(submitted.task_id);
    assert.equal(task.status, "FAILED");
    assert.equal(task.canceled_by_admin, "BOTH");
    assert.equal(task.canceled_by_admin_message, "Disk full");
    await assert.rejects(
      alice.endpointManagerCancelStatus(cancel.id),
      refused("AdminCancelNotFound", 404),
    );
    assert.throws(() => bob.endpointManagerCancelTasks(["not-a-task"], "x"), GlobusSDKUsageError);
  });
});

describe("pause rules", () => {
  test("create, list, get, update, delete; a rule can wait for its start time", async () => {
    const start = new Date((emulator.controls.now() + 2) * 1000).toISOString();
    const created = await bob.endpointManagerCreatePauseRule({
      DATA_TYPE: "pause_rule",
      endpoint_id: ALICE_GCP_ID,
      message: "Starting soon",
      start_time: start,
      identity_id: ALICE_IDENTITY_ID,
      pause_task_transfer_read: true,
      pause_ls: true,
    });
    assert.deepEqual(sent(emulator, "POST", "/v0.10/endpoint_manager/pause_rule").body, {
      DATA_TYPE: "pause_rule",
      endpoint_id: ALICE_GCP_ID,
      message: "Starting soon",
      start_time: start,
      identity_id: ALICE_IDENTITY_ID,
      pause_task_transfer_read: true,
      pause_ls: true,
    });
    assert.equal(created.pause_mkdir, false);
    // the task runs two seconds, is then held, and stays unfinished
    const submitted = await submitProjectCopy(alice, "/home/alice/started-late/");
    emulator.controls.advanceClock(TRANSFER_TASK_SECONDS * 3);
    assert.equal((await alice.getTask(submitted.task_id)).status, "ACTIVE");
    await assert.rejects(
      alice.operationLs(ALICE_GCP_ID, "/home/alice/"),
      refused("OperationPaused", 409),
    );

    const list = await bob.endpointManagerPauseRuleList({ filterEndpoint: ALICE_GCP_ID });
    assert.deepEqual(sent(emulator, "GET", "/v0.10/endpoint_manager/pause_rule_list").query, {
      filter_endpoint: ALICE_GCP_ID,
    });
    assert.deepEqual(
      list.DATA.map((rule) => rule.id),
      [created.id],
    );
    const effective = await alice.myEffectivePauseRuleList(ALICE_GCP_ID);
    assert.ok(
      sent(emulator, "GET", `/v0.10/endpoint/${ALICE_GCP_ID}/my_effective_pause_rule_list`),
    );
    assert.deepEqual(
      effective.DATA.map((rule) => [rule.id, rule.DATA_TYPE]),
      [[created.id, "pause_rule_limited"]],
    );
    assert.deepEqual((await bob.myEffectivePauseRuleList(ALICE_GCP_ID)).DATA, []);

    assert.deepEqual(await bob.endpointManagerGetPauseRule(created.id), created);
    assert.ok(sent(emulator, "GET", `/v0.10/endpoint_manager/pause_rule/${created.id}`));

    const updated = await bob.endpointManagerUpdatePauseRule(created.id, {
      message: "Reads are allowed again",
      pause_task_transfer_read: false,
      pause_ls: false,
      endpoint_id: DEMO_COLLECTION_ID,
    });
    assert.deepEqual(
      sent(emulator, "PUT", `/v0.10/endpoint_manager/pause_rule/${created.id}`).body,
      {
        message: "Reads are allowed again",
        pause_task_transfer_read: false,
        pause_ls: false,
        endpoint_id: DEMO_COLLECTION_ID,
      },
    );
    assert.equal(updated.message, "Reads are allowed again");
    assert.equal(updated.endpoint_id, ALICE_GCP_ID, "a rule's endpoint does not change");
    assert.ok((await alice.operationLs(ALICE_GCP_ID, "/home/alice/")).DATA.length > 0);
    runTasks(emulator);
    assert.equal((await alice.getTask(submitted.task_id)).status, "SUCCEEDED");

    const deleted = await bob.endpointManagerDeletePauseRule(created.id);
    assert.equal(deleted.code, "Deleted");
    assert.ok(sent(emulator, "DELETE", `/v0.10/endpoint_manager/pause_rule/${created.id}`));
    await assert.rejects(
      bob.endpointManagerGetPauseRule(created.id),
      refused("PauseRuleNotFound", 404),
    );
  });

  test("a host's activity manager pauses a guest collection; bad rules are refused", async () => {
    const guestId = await aliceGuestCollection(alice, "paused share");
    const rule = await bob.endpointManagerCreatePauseRule({
      endpoint_id: guestId,
      message: "Share paused",
      pause_mkdir: true,
    });
    assert.equal(rule.created_by_host_manager, true);
    await assert.rejects(alice.operationMkdir(guestId, "/new"), refused("OperationPaused", 409));
    await bob.endpointManagerDeletePauseRule(rule.id);
    await alice.operationMkdir(guestId, "/new");
    // a rule on the host holds its guest collections as well
    const hostRule = await bob.endpointManagerCreatePauseRule({
      endpoint_id: ALICE_GCP_ID,
      message: "Host paused",
      pause_ls: true,
    });
    await assert.rejects(alice.operationLs(guestId, "/"), refused("OperationPaused", 409));
    await bob.endpointManagerDeletePauseRule(hostRule.id);
    await assert.rejects(
      bob.endpointManagerCreatePauseRule({ endpoint_id: ALICE_GCP_ID, message: "nothing" }),
      refused("BadRequest", 400),
    );
    await assert.rejects(
      bob.endpointManagerCreatePauseRule({ endpoint_id: ALICE_GCP_ID, pause_ls: true }),
      refused("BadRequest", 400),
    );
  });
});
