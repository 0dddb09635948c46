/**
 * Transfer tasks beyond submission: events, updates, pause info, and the per-file results,
 * all of which come from what the emulator's task engine actually did with the files; and
 * the TransferData/DeleteData options whose effect the engine models (filter rules, sync
 * levels, timestamps, extra-file deletion, skipped errors, deadlines, globs).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DeleteData, type TransferClient, TransferData } from "../../src/index.ts";
import { FILE_RESULTS_PAGE_SIZE, type RunningEmulator } from "../../src/testing/index.ts";
import {
  ALICE_GCP_ID,
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
before(async () => {
  ({ emulator, alice, bob, stop } = await transferWorld());
});
after(() => stop());

const names = async (path: string) =>
  (await alice.operationLs(ALICE_GCP_ID, path)).DATA.map((entry) => entry.name);

async function pagesOf<T>(paginator: { pages(): AsyncIterable<{ items: readonly T[] }> }) {
  const pages: T[][] = [];
  for await (const page of paginator.pages()) pages.push([...page.items]);
  return pages;
}

describe("task inspection", () => {
  test("taskEventList pages the events of what the task did across 3 pages", async () => {
    const submitted = await alice.submitTransfer(
      new TransferData({
        sourceEndpoint: ALICE_GCP_ID,
        destinationEndpoint: ALICE_GCP_ID,
        skipSourceErrors: true,
      })
        .addItem("/home/alice/notes.txt", "/home/alice/events/notes.txt")
        .addItem("/home/alice/ghost.txt", "/home/alice/events/ghost.txt"),
    );
    runTasks(emulator);
    const pages = await pagesOf(alice.taskEventList(submitted.task_id, { limit: 1 }));
    assert.equal(pages.length, 3);
    const log = emulator.controls
      .requestLog({ service: "transfer", path: `/v0.10/task/${submitted.task_id}/event_list` })
      .slice(-3);
    assert.deepEqual(
      log.map((entry) => entry.query),
      [0, 1, 2].map((offset) => ({ limit: "1", offset: String(offset) })),
    );
    const events = pages.flat();
    assert.deepEqual(
      events.map((event) => [event.code, event.is_error]),
      [
        ["STARTED", false],
        ["FILE_NOT_FOUND", true],
        ["SUCCEEDED", false],
      ],
    );
    assert.ok(
      events.every((event) => event.DATA_TYPE === "event" && typeof event.time === "string"),
    );
    await assert.rejects(
      bob.taskEventList(submitted.task_id).firstPage(),
      refused("TaskNotFound", 404),
    );
  });

  test("updateTask changes a running task's label and deadline, and nothing else", async () => {
    const submitted = await submitProjectCopy(alice, "/home/alice/updated/");
    const deadline = new Date((emulator.controls.now() + 7200) * 1000).toISOString();
    const result = await alice.updateTask(submitted.task_id, { label: "renamed", deadline });
    assert.equal(result.code, "Updated");
    const request = sent(emulator, "PUT", `/v0.10/task/${submitted.task_id}`);
    assert.deepEqual(request.body, { label: "renamed", deadline });
    const task = await alice.getTask(submitted.task_id);
    assert.equal(task.label, "renamed");
    assert.equal(task.deadline, deadline);
    await assert.rejects(
      alice.updateTask(submitted.task_id, { sync_level: 3 }),
      refused("BadRequest", 400),
    );
    runTasks(emulator);
    await assert.rejects(
      alice.updateTask(submitted.task_id, { label: "too late" }),
      refused("Conflict", 409),
    );
  });

  test("taskPauseInfo names the pause rules holding a task", async () => {
    const free = await submitProjectCopy(alice, "/home/alice/free/");
    const none = await alice.taskPauseInfo(free.task_id);
    assert.equal(sent(emulator, "GET", `/v0.10/task/${free.task_id}/pause_info`).method, "GET");
    assert.equal(none.DATA_TYPE, "pause_info_limited");
    assert.deepEqual(none.pause_rules, []);
    const rule = await alice.endpointManagerCreatePauseRule({
      endpoint_id: ALICE_GCP_ID,
      message: "disk swap",
      pause_task_transfer_read: true,
    });
    const held = await alice.taskPauseInfo(free.task_id);
    assert.equal(held.pause_rules.length, 1);
    assert.equal(held.pause_rules[0]?.DATA_TYPE, "pause_rule_limited");
    assert.equal(held.pause_rules[0]?.message, "disk swap");
    assert.equal(held.pause_rules[0]?.editable, undefined, "owners see the limited document");
    await alice.endpointManagerDeletePauseRule(rule.id);
    runTasks(emulator);
    assert.equal((await alice.getTask(free.task_id)).status, "SUCCEEDED");
  });

  test("taskSuccessfulTransfers pages every copied file by marker across 3 pages", async () => {
    const submitted = await alice.submitTransfer(
      new TransferData({ sourceEndpoint: ALICE_GCP_ID, destinationEndpoint: ALICE_GCP_ID }).addItem(
        "/home/alice/many/",
        "/home/alice/many-copy/",
        { recursive: true },
      ),
    );
    runTasks(emulator);
    const task = await alice.getTask(submitted.task_id);
    assert.equal(task.files_transferred, MANY_FILES);
    const pages = await pagesOf(alice.taskSuccessfulTransfers(submitted.task_id));
    assert.deepEqual(
      pages.map((page) => page.length),
      [FILE_RESULTS_PAGE_SIZE, FILE_RESULTS_PAGE_SIZE, MANY_FILES - 2 * FILE_RESULTS_PAGE_SIZE],
    );
    const log = emulator.controls
      .requestLog({
        service: "transfer",
        path: `/v0.10/task/${submitted.task_id}/successful_transfers`,
      })
      .slice(-3);
    assert.deepEqual(
      log.map((entry) => entry.query.marker),
      [undefined, "100", "200"],
    );
    const first = pages[0]?.[0];
    assert.deepEqual(first, {
      DATA_TYPE: "successful_transfer",
      source_path: "/home/alice/many/f000.dat",
      destination_path: "/home/alice/many-copy/f000.dat",
    });
    assert.equal((await names("/home/alice/many-copy/")).length, MANY_FILES);
  });

  test("taskSkippedErrors pages the paths skip_source_errors went past, across 3 pages", async () => {
    const data = new TransferData({
      sourceEndpoint: ALICE_GCP_ID,
      destinationEndpoint: ALICE_GCP_ID,
      skipSourceErrors: true,
    });
    for (let i = 0; i < MANY_FILES; i++)
      data.addItem(`/home/alice/gone-${i}`, `/home/alice/x-${i}`);
    const submitted = await alice.submitTransfer(data);
    runTasks(emulator);
    const task = await alice.getTask(submitted.task_id);
    assert.equal(task.status, "SUCCEEDED");
    assert.equal(task.subtasks_skipped_errors, MANY_FILES);
    const pages = await pagesOf(alice.taskSkippedErrors(submitted.task_id));
    assert.equal(pages.length, 3);
    const skipped = pages.flat();
    assert.equal(skipped.length, MANY_FILES);
    assert.equal(skipped[0]?.error_code, "FILE_NOT_FOUND");
    assert.equal(skipped[0]?.source_path, "/home/alice/gone-0");
    assert.equal(skipped[0]?.is_directory, false);
    assert.ok(
      sent(emulator, "GET", `/v0.10/task/${submitted.task_id}/skipped_errors`).query.marker,
      "later pages send the marker",
    );
  });
});

describe("what task options do", () => {
  test("filter rules: the first matching rule decides, unmatched names are copied", async () => {
    const submitted = await submitProjectCopy(alice, "/home/alice/filtered/", {});
    runTasks(emulator);
    assert.deepEqual(await names("/home/alice/filtered/"), ["a.txt", "b.log", "sub"]);
    const filtered = await alice.submitTransfer(
      new TransferData({ sourceEndpoint: ALICE_GCP_ID, destinationEndpoint: ALICE_GCP_ID })
        .addItem("/home/alice/project/", "/home/alice/only-txt/", { recursive: true })
        .addFilterRule("*.txt", { method: "include", type: "file" })
        .addFilterRule("*", { type: "file" })
        .addFilterRule("s[!x]b", { type: "dir" }),
    );
    assert.deepEqual(
      (sent(emulator, "POST", "/v0.10/transfer").body as Record<string, unknown>).filter_rules,
      [
        { DATA_TYPE: "filter_rule", method: "include", name: "*.txt", type: "file" },
        { DATA_TYPE: "filter_rule", method: "exclude", name: "*", type: "file" },
        { DATA_TYPE: "filter_rule", method: "exclude", name: "s[!x]b", type: "dir" },
      ],
    );
    runTasks(emulator);
    assert.deepEqual(await names("/home/alice/only-txt/"), ["a.txt"]);
    const task = await alice.getTask(filtered.task_id);
    assert.equal(task.files, 1);
    assert.equal((task.filter_rules as unknown[]).length, 3, "the task shows its filter rules");
    assert.equal((await alice.getTask(submitted.task_id)).filter_rules, null);
  });

  test("sync levels skip files already there; deleteDestinationExtra removes strays", async () => {
    const first = await submitProjectCopy(alice, "/home/alice/synced/");
    runTasks(emulator);
    assert.equal((await alice.getTask(first.task_id)).files_transferred, 3);
    await alice.operationMkdir(ALICE_GCP_ID, "/home/alice/synced/stray");
    const again = await submitProjectCopy(alice, "/home/alice/synced/", {
      syncLevel: "exists",
      deleteDestinationExtra: true,
    });
    runTasks(emulator);
    const task = await alice.getTask(again.task_id);
    assert.equal(task.files_transferred, 0);
    assert.equal(task.files_skipped, 3);
    assert.equal(task.sync_level, 0);
    assert.deepEqual((await alice.taskSuccessfulTransfers(again.task_id).toArray()).length, 0);
    assert.deepEqual(await names("/home/alice/synced/"), ["a.txt", "b.log", "sub"]);
  });

  test("preserveTimestamp keeps the source's modification times", async () => {
    emulator.controls.advanceClock(120);
    const kept = await submitProjectCopy(alice, "/home/alice/kept/", { preserveTimestamp: true });
    const fresh = await submitProjectCopy(alice, "/home/alice/fresh/");
    runTasks(emulator);
    assert.equal((await alice.getTask(kept.task_id)).preserve_timestamp, true);
    const stat = (path: string) => alice.operationStat(ALICE_GCP_ID, path);
    const source = (await stat("/home/alice/project/a.txt")).last_modified;
    assert.equal((await stat("/home/alice/kept/a.txt")).last_modified, source);
    assert.notEqual((await stat("/home/alice/fresh/a.txt")).last_modified, source);
    assert.ok(fresh.task_id);
  });

  test("a task past its deadline fails as EXPIRED", async () => {
    const rule = await alice.endpointManagerCreatePauseRule({
      endpoint_id: ALICE_GCP_ID,
      message: "hold everything",
      pause_task_transfer_read: true,
    });
    const submitted = await submitProjectCopy(alice, "/home/alice/late/", {
      deadline: new Date((emulator.controls.now() + 60) * 1000),
    });
    emulator.controls.advanceClock(120);
    const task = await alice.getTask(submitted.task_id);
    assert.equal(task.status, "FAILED");
    assert.equal(task.fatal_error?.code, "EXPIRED");
    assert.equal(task.subtasks_expired, 1);
    await alice.endpointManagerDeletePauseRule(rule.id);
    assert.deepEqual(
      (await alice.operationLs(ALICE_GCP_ID, "/home/alice/")).DATA.some((e) => e.name === "late"),
      false,
    );
  });

  test("DeleteData: interpretGlobs deletes what a glob matches; ignoreMissing lets a miss pass", async () => {
    const copy = await submitProjectCopy(alice, "/home/alice/globbed/");
    runTasks(emulator);
    assert.ok(copy.task_id);
    const deletion = await alice.submitDelete(
      new DeleteData({ endpoint: ALICE_GCP_ID, interpretGlobs: true, ignoreMissing: true })
        .addItem("/home/alice/globbed/*.txt")
        .addItem("/home/alice/globbed/none-*"),
    );
    assert.deepEqual(
      (sent(emulator, "POST", "/v0.10/delete").body as Record<string, unknown>).interpret_globs,
      true,
    );
    runTasks(emulator);
    assert.equal((await alice.getTask(deletion.task_id)).status, "SUCCEEDED");
    assert.deepEqual(await names("/home/alice/globbed/"), ["b.log", "sub"]);
  });
});
