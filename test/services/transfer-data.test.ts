/**
 * The payload builders: every TransferData and DeleteData option of the Python SDK reaches
 * the wire under Python's key, options left out are not sent, and bad ones fail before any
 * request.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  DeleteData,
  GlobusSDKUsageError,
  type TransferClient,
  TransferData,
} from "../../src/index.ts";
import type { RunningEmulator } from "../../src/testing/index.ts";
import { ALICE_GCP_ID, sent, transferWorld } from "./transfer-helpers.ts";

let emulator: RunningEmulator;
let alice: TransferClient;
let stop: () => Promise<void>;
before(async () => {
  ({ emulator, alice, stop } = await transferWorld());
});
after(() => stop());

const endpoints = { sourceEndpoint: ALICE_GCP_ID, destinationEndpoint: ALICE_GCP_ID };

test("TransferData: every option under Python's key, filter rules, item fields, additional fields", async () => {
  const data = new TransferData({
    ...endpoints,
    label: "everything",
    submissionId: "5b5a4c3e-1d2f-4a6b-8c7d-9e0f1a2b3c4d",
    syncLevel: "size",
    verifyChecksum: false,
    preserveTimestamp: true,
    encryptData: true,
    deadline: "2099-01-01T00:00:00+00:00",
    skipSourceErrors: true,
    failOnQuotaErrors: true,
    deleteDestinationExtra: true,
    recursiveSymlinks: "keep",
    notifyOnSucceeded: false,
    notifyOnFailed: false,
    notifyOnInactive: true,
    sourceLocalUser: "alice",
    destinationLocalUser: "alice2",
    additionalFields: { store_base_path_info: true },
  })
    .addItem("/home/alice/project/", "/home/alice/everything/", {
      recursive: true,
      additionalFields: { DATA_TYPE: "transfer_item" },
    })
    .addItem("/home/alice/notes.txt", "/home/alice/everything.txt", {
      externalChecksum: "d41d8cd98f00b204e9800998ecf8427e",
      checksumAlgorithm: "MD5",
    })
    .addFilterRule("*.log")
    .addFilterRule("keep*", { method: "include", type: "dir" });
  assert.deepEqual(
    [...data.iterItems()].map((item) => item.source_path),
    ["/home/alice/project/", "/home/alice/notes.txt"],
  );
  await alice.submitTransfer(data);
  assert.deepEqual(sent(emulator, "POST", "/v0.10/transfer").body, {
    DATA_TYPE: "transfer",
    submission_id: "5b5a4c3e-1d2f-4a6b-8c7d-9e0f1a2b3c4d",
    source_endpoint: ALICE_GCP_ID,
    destination_endpoint: ALICE_GCP_ID,
    label: "everything",
    sync_level: 1,
    verify_checksum: false,
    preserve_timestamp: true,
    encrypt_data: true,
    deadline: "2099-01-01T00:00:00+00:00",
    notify_on_succeeded: false,
    notify_on_failed: false,
    notify_on_inactive: true,
    skip_source_errors: true,
    fail_on_quota_errors: true,
    delete_destination_extra: true,
    recursive_symlinks: "keep",
    source_local_user: "alice",
    destination_local_user: "alice2",
    filter_rules: [
      { DATA_TYPE: "filter_rule", method: "exclude", name: "*.log" },
      { DATA_TYPE: "filter_rule", method: "include", name: "keep*", type: "dir" },
    ],
    store_base_path_info: true,
    DATA: [
      {
        DATA_TYPE: "transfer_item",
        source_path: "/home/alice/project/",
        destination_path: "/home/alice/everything/",
        recursive: true,
      },
      {
        DATA_TYPE: "transfer_item",
        source_path: "/home/alice/notes.txt",
        destination_path: "/home/alice/everything.txt",
        external_checksum: "d41d8cd98f00b204e9800998ecf8427e",
        checksum_algorithm: "MD5",
      },
    ],
  });
});

test("DeleteData: every option under Python's key", async () => {
  const data = new DeleteData({
    endpoint: ALICE_GCP_ID,
    label: "tidy",
    recursive: true,
    ignoreMissing: true,
    interpretGlobs: true,
    localUser: "alice",
    deadline: new Date("2099-06-01T12:00:00Z"),
    notifyOnSucceeded: false,
    notifyOnFailed: true,
    notifyOnInactive: false,
    additionalFields: { note: "kept as given" },
  }).addItem("/home/alice/tmp-*", { additionalFields: { extra: 1 } });
  assert.equal(data.itemCount, 1);
  await alice.submitDelete(data);
  const body = sent(emulator, "POST", "/v0.10/delete").body as Record<string, unknown>;
  assert.match(String(body.submission_id), /^[0-9a-f-]{36}$/);
  assert.deepEqual(body, {
    DATA_TYPE: "delete",
    submission_id: data.submissionId,
    endpoint: ALICE_GCP_ID,
    label: "tidy",
    recursive: true,
    ignore_missing: true,
    interpret_globs: true,
    local_user: "alice",
    deadline: "2099-06-01T12:00:00.000Z",
    notify_on_succeeded: false,
    notify_on_failed: true,
    notify_on_inactive: false,
    note: "kept as given",
    DATA: [{ DATA_TYPE: "delete_item", path: "/home/alice/tmp-*", extra: 1 }],
  });
});

test("bad options fail before any request, naming the problem", () => {
  const before = emulator.controls.requestLog({ service: "transfer" }).length;
  const data = new TransferData(endpoints);
  assert.throws(() => data.addFilterRule(""), GlobusSDKUsageError);
  assert.throws(
    () => data.addFilterRule("*", { method: "drop" as "exclude" }),
    (e: unknown) => e instanceof GlobusSDKUsageError && /method "drop"/.test(e.message),
  );
  assert.throws(
    () => data.addFilterRule("*", { type: "link" as "file" }),
    (e: unknown) => e instanceof GlobusSDKUsageError && /type "link"/.test(e.message),
  );
  assert.throws(() => new DeleteData({ endpoint: ALICE_GCP_ID }).addItem(""), GlobusSDKUsageError);
  assert.throws(
    () => new DeleteData({ endpoint: ALICE_GCP_ID, deadline: "soon" }),
    (e: unknown) => e instanceof GlobusSDKUsageError && /deadline/.test(e.message),
  );
  assert.equal(emulator.controls.requestLog({ service: "transfer" }).length, before);
});
