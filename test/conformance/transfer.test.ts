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
import { DEMO_COLLECTION_ID, type RunningEmulator } from "../../src/testing/index.ts";
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
    emulator = await conformanceEmulator();
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
});
