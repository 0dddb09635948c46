import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  DeleteData,
  FlowsClient,
  SpecificFlowClient,
  TransferAPIError,
  TransferClient,
  TransferData,
  type UserApp,
} from "../../src/index.ts";
import { DEMO_COLLECTION_ID, DEMO_FLOW_ID, type RunningEmulator } from "../../src/testing/index.ts";
import { emulatorWithApp } from "./helpers.ts";

let emulator: RunningEmulator;
let app: UserApp;
let dispose: () => Promise<void>;
before(async () => {
  // five collections, so endpoint search pages three times at limit 2
  ({ emulator, app, dispose } = await emulatorWithApp("service-tests", "33333333-9999-4333-8333"));
});
after(() => dispose());

const lastRequest = (service: string, path: string) =>
  emulator.controls.requestLog({ service, path }).at(-1);

describe("TransferClient on the wire", () => {
  const transfer = () => new TransferClient({ app, baseUrl: emulator.urls.transfer });

  test("endpointSearch pages by offset across 3 pages", async () => {
    const client = transfer();
    const pages = [];
    for await (const page of client.endpointSearch("Collection", { limit: 2 }).pages())
      pages.push(page);
    assert.ok(pages.length >= 3, `got ${pages.length} pages`);
    const ids = pages.flatMap((p) => p.items.map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, "no endpoint twice");
    const log = emulator.controls.requestLog({
      service: "transfer",
      path: "/v0.10/endpoint_search",
    });
    assert.deepEqual(
      log.slice(-pages.length).map((e) => e.query["offset"]),
      pages.map((_, i) => String(i * 2)),
    );
    assert.equal(log.at(-1)?.query["filter_fulltext"], "Collection");
  });

  test("request() is an escape hatch with the app's auth; every call takes a signal and a timeout", async () => {
    const client = transfer();
    const response = await client.request<{ DATA: unknown[] }>({
      path: "/v0.10/endpoint_search",
      query: { filter_fulltext: "Emulator", limit: 1 },
    });
    assert.equal(response.status, 200);
    assert.equal(response.data.DATA.length, 1);
    await assert.rejects(
      client.getEndpoint(DEMO_COLLECTION_ID, { signal: AbortSignal.abort() }),
      (e: unknown) => (e as Error).name === "AbortError",
    );
    emulator.controls.addFault({
      service: "transfer",
      path: "/v0.10/endpoint/",
      kind: "stall",
      count: 5, // a GET that times out is retried, up to 5 attempts: every one must stall
    });
    await assert.rejects(
      client.getEndpoint(DEMO_COLLECTION_ID, { timeout: 100 }),
      (e: unknown) => (e as Error).name === "TimeoutError",
    );
    emulator.controls.clearFaults();
  });

  test("getEndpoint, mkdir, rename", async () => {
    const client = transfer();
    const endpoint = await client.getEndpoint(DEMO_COLLECTION_ID);
    assert.equal(endpoint.id, DEMO_COLLECTION_ID);
    assert.equal(lastRequest("transfer", `/v0.10/endpoint/${DEMO_COLLECTION_ID}`)?.method, "GET");
    await client.operationMkdir(DEMO_COLLECTION_ID, "/home/alice/made");
    assert.deepEqual(
      lastRequest("transfer", `/v0.10/operation/endpoint/${DEMO_COLLECTION_ID}/mkdir`)?.body,
      {
        DATA_TYPE: "mkdir",
        path: "/home/alice/made",
      },
    );
    await client.operationRename(DEMO_COLLECTION_ID, "/home/alice/made", "/home/alice/renamed");
    assert.deepEqual(
      lastRequest("transfer", `/v0.10/operation/endpoint/${DEMO_COLLECTION_ID}/rename`)?.body,
      {
        DATA_TYPE: "rename",
        old_path: "/home/alice/made",
        new_path: "/home/alice/renamed",
      },
    );
    const names = (await client.operationLs(DEMO_COLLECTION_ID, { path: "/home/alice/" })).DATA.map(
      (e) => e.name,
    );
    assert.ok(names.includes("renamed") && !names.includes("made"));
  });

  test("operationStat gives one entry as ls shows it; a missing path is a typed 404", async () => {
    const client = transfer();
    const listed = (await client.operationLs(DEMO_COLLECTION_ID, { path: "/home/alice/" })).DATA;
    const notes = await client.operationStat(DEMO_COLLECTION_ID, "/home/alice/notes.txt");
    assert.deepEqual(
      notes,
      listed.find((e) => e.name === "notes.txt"),
    );
    assert.equal(notes.DATA_TYPE, "file");
    assert.equal(notes.type, "file");
    const stat = lastRequest("transfer", `/v0.10/operation/endpoint/${DEMO_COLLECTION_ID}/stat`);
    assert.equal(stat?.method, "GET");
    assert.deepEqual(stat?.query, { path: "/home/alice/notes.txt" });
    const home = await client.operationStat(DEMO_COLLECTION_ID, "/home/alice/");
    assert.equal(home.type, "dir");
    await assert.rejects(
      client.operationStat(DEMO_COLLECTION_ID, "/home/alice/no-such-file"),
      (e: unknown) => e instanceof TransferAPIError && e.httpStatus === 404,
    );
  });

  test("listDirectory pages ls across 3 pages", async () => {
    const client = transfer();
    await client.operationMkdir(DEMO_COLLECTION_ID, "/home/alice/ls-a");
    await client.operationMkdir(DEMO_COLLECTION_ID, "/home/alice/ls-b");
    const pages = [];
    for await (const page of client
      .listDirectory(DEMO_COLLECTION_ID, { path: "/home/alice/", limit: 1 })
      .pages()) {
      pages.push(page);
    }
    assert.ok(pages.length >= 3, `got ${pages.length} pages`);
    const names = pages.flatMap((p) => p.items.map((e) => e.name));
    assert.ok(names.includes("ls-a") && names.includes("ls-b") && names.includes("notes.txt"));
    const log = emulator.controls.requestLog({
      service: "transfer",
      path: `/v0.10/operation/endpoint/${DEMO_COLLECTION_ID}/ls`,
    });
    assert.deepEqual(
      log.slice(-pages.length).map((e) => e.query["offset"]),
      pages.map((_, i) => String(i)),
    );
  });

  test("submitTransfer sends the TransferData document with a fetched submission id; taskWait reports progress", async () => {
    const client = transfer();
    const data = new TransferData({
      sourceEndpoint: DEMO_COLLECTION_ID,
      destinationEndpoint: DEMO_COLLECTION_ID,
      label: "wire",
      syncLevel: "checksum",
      verifyChecksum: true,
      notifyOnSucceeded: false,
    }).addItem("/home/alice/results/", "/home/alice/wire/", { recursive: true });
    const submitted = await client.submitTransfer(data);
    const body = lastRequest("transfer", "/v0.10/transfer")?.body as Record<string, unknown>;
    assert.equal(body["DATA_TYPE"], "transfer");
    assert.equal(body["sync_level"], 3);
    assert.equal(body["verify_checksum"], true);
    assert.equal(body["submission_id"], data.submissionId);
    assert.deepEqual(body["DATA"], [
      {
        DATA_TYPE: "transfer_item",
        source_path: "/home/alice/results/",
        destination_path: "/home/alice/wire/",
        recursive: true,
      },
    ]);
    const seen: string[] = [];
    const before = emulator.controls.requestLog({
      service: "transfer",
      path: `/v0.10/task/${submitted.task_id}`,
    }).length;
    const done = await client.taskWait(submitted.task_id, {
      pollInterval: 200,
      onProgress: (t) => seen.push(t.status),
    });
    assert.equal(done.status, "SUCCEEDED");
    const polls =
      emulator.controls.requestLog({
        service: "transfer",
        path: `/v0.10/task/${submitted.task_id}`,
      }).length - before;
    assert.equal(polls, seen.length, "one GET task per progress report");
    assert.ok(seen.includes("ACTIVE") || seen.length >= 1);
  });

  test("submitDelete, cancelTask, and taskList across 3 pages", async () => {
    const client = transfer();
    const del = await client.submitDelete(
      new DeleteData({ endpoint: DEMO_COLLECTION_ID, recursive: true }).addItem(
        "/home/alice/renamed",
      ),
    );
    assert.deepEqual(
      (lastRequest("transfer", "/v0.10/delete")?.body as Record<string, unknown> | undefined)?.[
        "DATA"
      ],
      [{ DATA_TYPE: "delete_item", path: "/home/alice/renamed" }],
    );
    const slow = await client.submitTransfer(
      new TransferData({
        sourceEndpoint: DEMO_COLLECTION_ID,
        destinationEndpoint: DEMO_COLLECTION_ID,
      }).addItem("/home/alice/notes.txt", "/home/alice/notes-copy.txt"),
    );
    await client.cancelTask(slow.task_id);
    assert.equal(lastRequest("transfer", `/v0.10/task/${slow.task_id}/cancel`)?.method, "POST");
    const pages = [];
    for await (const page of client.taskList({ limit: 1 }).pages()) pages.push(page);
    assert.ok(pages.length >= 3, `got ${pages.length} pages`);
    assert.ok(pages.flatMap((p) => p.items).some((t) => t.task_id === del.task_id));
  });
});

describe("FlowsClient and SpecificFlowClient on the wire", () => {
  const flowsClient = () =>
    new FlowsClient({
      app,
      baseUrl: emulator.urls.flows,
      appScopes: [
        FlowsClient.scopes.view_flows,
        FlowsClient.scopes.manage_flows,
        FlowsClient.scopes.run_status,
        FlowsClient.scopes.run_manage,
      ],
    });
  const definition = { StartAt: "A", States: { A: { Type: "Pass", End: true } } };

  test("create, update, validate, delete", async () => {
    const flows = flowsClient();
    const created = await flows.createFlow({ title: "Wire Flow", definition, keywords: ["wire"] });
    assert.deepEqual(lastRequest("flows", "/flows")?.body, {
      title: "Wire Flow",
      definition,
      keywords: ["wire"],
    });
    const updated = await flows.updateFlow(created.id, { title: "Wire Flow 2" });
    assert.equal(updated.title, "Wire Flow 2");
    assert.equal(lastRequest("flows", `/flows/${created.id}`)?.method, "PUT");
    const validation = await flows.validateFlow(definition);
    assert.deepEqual(lastRequest("flows", "/flows/validate")?.body, { definition });
    assert.ok("scopes" in validation);
    await flows.deleteFlow(created.id);
    assert.equal(lastRequest("flows", `/flows/${created.id}`)?.method, "DELETE");
  });

  test("listFlows pages by marker across 3 pages", async () => {
    const flows = flowsClient();
    const pages = [];
    for await (const page of flows.listFlows({ perPage: 1 }).pages()) pages.push(page);
    assert.ok(pages.length >= 3, `got ${pages.length} pages`);
    const markers = emulator.controls
      .requestLog({ service: "flows", path: "/flows" })
      .slice(-pages.length);
    assert.equal(markers[0]?.query["marker"], undefined);
    assert.ok(markers.slice(1).every((e) => typeof e.query["marker"] === "string"));
  });

  test("runFlow, listRuns (3 pages), getRun, getRunLogs, cancelRun", async () => {
    const flows = flowsClient();
    const hello = new SpecificFlowClient(DEMO_FLOW_ID, { app, baseUrl: emulator.urls.flows });
    const runs = [];
    for (let i = 0; i < 3; i++)
      runs.push(
        await hello.runFlow({ message: `run ${i}` }, { label: `wire ${i}`, tags: ["wire"] }),
      );
    assert.deepEqual(lastRequest("flows", `/flows/${DEMO_FLOW_ID}/run`)?.body, {
      body: { message: "run 2" },
      label: "wire 2",
      tags: ["wire"],
    });
    const pages = [];
    for await (const page of flows.listRuns({ filterFlowId: DEMO_FLOW_ID, perPage: 1 }).pages())
      pages.push(page);
    assert.ok(pages.length >= 3, `got ${pages.length} pages of runs`);
    const listed = pages.flatMap((p) => p.items.map((r) => r.run_id));
    for (const run of runs) assert.ok(listed.includes(run.run_id));
    const one = await flows.getRun(runs[0]!.run_id);
    assert.equal(lastRequest("flows", `/runs/${runs[0]!.run_id}`)?.method, "GET");
    assert.equal(one.label, "wire 0");
    emulator.controls.advanceClock(10); // the run finishes, so its log has several entries
    const logPages = [];
    for await (const page of flows.getRunLogs(runs[0]!.run_id, { limit: 1 }).pages())
      logPages.push(page);
    assert.ok(logPages.length >= 3, `got ${logPages.length} pages of log`);
    assert.ok(typeof logPages[0]?.items[0]?.code === "string");
    const cancelled = await flows.cancelRun(runs[2]!.run_id);
    assert.equal(cancelled.run_id, runs[2]!.run_id);
    assert.equal(lastRequest("flows", `/runs/${runs[2]!.run_id}/cancel`)?.method, "POST");
  });
});
