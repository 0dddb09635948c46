// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gcsCollectionScopeSet, KNOWN_SCOPES } from "../../../src/scopes/known.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  DEMO_COLLECTION_ID,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { TRANSFER_TASK_SECONDS } from "../../../src/testing/services/index.ts";
import { call, clientCredentials, userLogin } from "./helpers.ts";

const TRANSFER = KNOWN_SCOPES.transfer;
const RS = TRANSFER.resourceServer;
const EXTRA_ENDPOINTS = [1, 2, 3].map((n) => ({
  id: `77777777-000${n}-4777-8777-777777777777`,
  display_name: `Emulator Extra Collection ${n}`,
  owner_string: "bob@globusid.org",
}));

describe("transfer service", () => {
  let emulator: RunningEmulator;
  let base: string;
  let alice: string;
  let bob: string;

  before(async () => {
    emulator = await startEmulator({
      seed: { endpoints: [...structuredClone(DEFAULT_SEED.endpoints), ...EXTRA_ENDPOINTS] },
    });
    base = `${emulator.urls.transfer}v0.10/`;
    alice = (
      await userLogin(emulator, ALICE_IDENTITY_ID, TRANSFER.scopes.all)
    ).byResourceServer.get(RS)!;
    bob = (await userLogin(emulator, BOB_IDENTITY_ID, TRANSFER.scopes.all)).byResourceServer.get(
      RS,
    )!;
  });
  after(() => emulator.stop());

  const ls = (token: string, collection: string, query: Record<string, string | number> = {}) =>
    call(`${base}operation/endpoint/${collection}/ls`, token, { query });

  async function waitForTask(token: string, taskId: string) {
    emulator.controls.advanceClock(TRANSFER_TASK_SECONDS + 1);
    return (await call(`${base}task/${taskId}`, token)).body;
  }

  it("answers 401 in Transfer's format for a missing, unknown or misdirected token", async () => {
    const missing = await call(`${base}endpoint/${DEMO_COLLECTION_ID}`, undefined);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.code, "AuthenticationFailed");
    assert.equal(typeof missing.body.request_id, "string");
    assert.equal(missing.body.resource, `/v0.10/endpoint/${DEMO_COLLECTION_ID}`);

    const unknown = await call(`${base}endpoint/${DEMO_COLLECTION_ID}`, "not-a-real-token");
    assert.equal(unknown.status, 401);

    const groupsToken = (
      await clientCredentials(emulator, KNOWN_SCOPES.groups.scopes.all)
    ).byResourceServer.get(KNOWN_SCOPES.groups.resourceServer);
    const wrongServer = await call(`${base}endpoint/${DEMO_COLLECTION_ID}`, groupsToken);
    assert.equal(wrongServer.status, 401);
  });

  it("answers 403 for a Transfer token without the all scope, and 401 once revoked", async () => {
    const narrow = (
      await clientCredentials(emulator, TRANSFER.scopes.gcp_install)
    ).byResourceServer.get(RS)!;
    const forbidden = await call(`${base}endpoint/${DEMO_COLLECTION_ID}`, narrow);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, "PermissionDenied");

    const token = (await clientCredentials(emulator, TRANSFER.scopes.all)).byResourceServer.get(
      RS,
    )!;
    assert.equal((await call(`${base}endpoint/${DEMO_COLLECTION_ID}`, token)).status, 200);
    assert.equal(emulator.controls.revokeToken(token), true);
    assert.equal((await call(`${base}endpoint/${DEMO_COLLECTION_ID}`, token)).status, 401);
  });

  it("searches endpoints with has_next_page paging across three pages", async () => {
    const seen: string[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const page = await call(`${base}endpoint_search`, alice, {
        query: { filter_fulltext: "emulator", limit: 2, offset },
      });
      assert.equal(page.status, 200);
      assert.equal(page.body.DATA_TYPE, "endpoint_list");
      seen.push(...page.body.DATA.map((doc: any) => doc.id));
      pages += 1;
      if (!page.body.has_next_page) break;
      offset += 2;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 5);

    const mine = await call(`${base}endpoint_search`, bob, {
      query: { filter_scope: "my-endpoints" },
    });
    assert.deepEqual(
      mine.body.DATA.map((doc: any) => doc.id).sort(),
      EXTRA_ENDPOINTS.map((endpoint) => endpoint.id).sort(),
    );
    const narrowed = await call(`${base}endpoint_search`, alice, {
      query: { filter_fulltext: "High Assurance" },
    });
    assert.deepEqual(
      narrowed.body.DATA.map((doc: any) => doc.id),
      [DEMO_HIGH_ASSURANCE_COLLECTION_ID],
    );
    const noText = await call(`${base}endpoint_search`, alice);
    assert.equal(noText.status, 400);
    const badScope = await call(`${base}endpoint_search`, alice, {
      query: { filter_scope: "nope" },
    });
    assert.equal(badScope.status, 400);
  });

  it("gets an endpoint document and 404s an unknown one", async () => {
    const doc = await call(`${base}endpoint/${DEMO_HIGH_ASSURANCE_COLLECTION_ID}`, alice);
    assert.equal(doc.status, 200);
    assert.equal(doc.body.DATA_TYPE, "endpoint");
    assert.equal(doc.body.high_assurance, true);
    assert.equal(doc.body.entity_type, "GCSv5_mapped_collection");
    assert.match(doc.body.gcs_manager_url, /\/gcs\/[0-9a-f-]{36}$/);
    const missing = await call(`${base}endpoint/00000000-0000-4000-8000-000000000000`, alice);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "EndpointNotFound");
  });

  it("lists the seeded tree, with /~/ as the caller's home, filters and 404s", async () => {
    const home = await ls(alice, DEMO_COLLECTION_ID);
    assert.equal(home.status, 200);
    assert.equal(home.body.DATA_TYPE, "file_list");
    assert.equal(home.body.absolute_path, "/home/alice/");
    assert.deepEqual(
      home.body.DATA.map((entry: any) => [entry.name, entry.type]),
      [
        ["notes.txt", "file"],
        ["results", "dir"],
      ],
    );
    assert.equal(home.body.DATA[0].size, 1024);
    const onlyDirs = await ls(alice, DEMO_COLLECTION_ID, { path: "/~/", filter: "type:dir" });
    assert.deepEqual(
      onlyDirs.body.DATA.map((entry: any) => entry.name),
      ["results"],
    );
    const root = await ls(bob, DEMO_COLLECTION_ID, { path: "/", orderby: "name DESC" });
    assert.deepEqual(
      root.body.DATA.map((entry: any) => entry.name),
      ["shared", "home"],
    );
    const missing = await ls(alice, DEMO_COLLECTION_ID, { path: "/nope/" });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "ClientError.NotFound");
    const badLimit = await ls(alice, DEMO_COLLECTION_ID, { limit: "x" });
    assert.equal(badLimit.status, 400);
  });

  it("makes directories and renames, which later listings show; pages ls with limit/offset", async () => {
    for (const name of ["a", "b", "c", "d", "e"]) {
      const made = await call(`${base}operation/endpoint/${DEMO_COLLECTION_ID}/mkdir`, bob, {
        method: "POST",
        body: { DATA_TYPE: "mkdir", path: `/~/${name}/` },
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      assert.equal(made.body.code, "DirectoryCreated");
    }
    const names: string[] = [];
    let pages = 0;
    for (let offset = 0; ; offset += 2) {
      const page = await ls(bob, DEMO_COLLECTION_ID, { path: "/~/", limit: 2, offset });
      names.push(...page.body.DATA.map((entry: any) => entry.name));
      pages += 1;
      assert.equal(page.body.total, 5);
      if (offset + 2 >= page.body.total) break;
    }
    assert.equal(pages, 3);
    assert.deepEqual(names, ["a", "b", "c", "d", "e"]);

    const exists = await call(`${base}operation/endpoint/${DEMO_COLLECTION_ID}/mkdir`, bob, {
      method: "POST",
      body: { DATA_TYPE: "mkdir", path: "/~/a/" },
    });
    assert.equal(exists.status, 409);
    const noParent = await call(`${base}operation/endpoint/${DEMO_COLLECTION_ID}/mkdir`, bob, {
      method: "POST",
      body: { DATA_TYPE: "mkdir", path: "/~/x/y/z/" },
    });
    assert.equal(noParent.status, 404);

    const renamed = await call(`${base}operation/endpoint/${DEMO_COLLECTION_ID}/rename`, bob, {
      method: "POST",
      body: { DATA_TYPE: "rename", old_path: "/~/a", new_path: "/~/renamed" },
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.code, "FileRenamed");
    const after = await ls(bob, DEMO_COLLECTION_ID);
    assert.ok(after.body.DATA.some((entry: any) => entry.name === "renamed"));
    assert.ok(!after.body.DATA.some((entry: any) => entry.name === "a"));
    const missing = await call(`${base}operation/endpoint/${DEMO_COLLECTION_ID}/rename`, bob, {
      method: "POST",
      body: { DATA_TYPE: "rename", old_path: "/~/ghost", new_path: "/~/other" },
    });
    assert.equal(missing.status, 404);
  });

  it("demands MFA and the data_access consent on the high-assurance collection (GAREs)", async () => {
    const dataAccess = gcsCollectionScopeSet(DEMO_HIGH_ASSURANCE_COLLECTION_ID).scopes.data_access;
    const required = `${TRANSFER.scopes.all}[*${dataAccess}]`;

    const neither = await ls(alice, DEMO_HIGH_ASSURANCE_COLLECTION_ID);
    assert.equal(neither.status, 403);
    assert.equal(neither.body.code, "ConsentRequired");
    assert.deepEqual(neither.body.required_scopes, [required]);
    assert.equal(neither.body.authorization_parameters.session_required_mfa, true);
    assert.equal(typeof neither.body.authorization_parameters.session_message, "string");
    assert.deepEqual(neither.body.authorization_parameters.required_scopes, [required]);

    const mfaOnly = (
      await userLogin(emulator, ALICE_IDENTITY_ID, TRANSFER.scopes.all, { mfa: true })
    ).byResourceServer.get(RS)!;
    const noConsent = await ls(mfaOnly, DEMO_HIGH_ASSURANCE_COLLECTION_ID);
    assert.equal(noConsent.status, 403);
    assert.equal(noConsent.body.code, "ConsentRequired");
    assert.equal(noConsent.body.authorization_parameters.session_required_mfa, undefined);

    const consentOnly = (await userLogin(emulator, BOB_IDENTITY_ID, required)).byResourceServer.get(
      RS,
    )!;
    const noMfa = await ls(consentOnly, DEMO_HIGH_ASSURANCE_COLLECTION_ID);
    assert.equal(noMfa.status, 403);
    assert.equal(noMfa.body.code, "AuthorizationRequired");
    assert.equal(noMfa.body.authorization_parameters.session_required_mfa, true);

    const both = (
      await userLogin(emulator, ALICE_IDENTITY_ID, required, { mfa: true })
    ).byResourceServer.get(RS)!;
    const listed = await ls(both, DEMO_HIGH_ASSURANCE_COLLECTION_ID);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.ok(listed.body.DATA.some((entry: any) => entry.name === "notes.txt"));

    const mkdirBlocked = await call(
      `${base}operation/endpoint/${DEMO_HIGH_ASSURANCE_COLLECTION_ID}/mkdir`,
      alice,
      { method: "POST", body: { DATA_TYPE: "mkdir", path: "/~/nope/" } },
    );
    assert.equal(mkdirBlocked.status, 403);
  });

  it("runs a transfer task that progresses with the clock and writes the destination", async () => {
    const submission = await call(`${base}submission_id`, alice);
    assert.equal(submission.status, 200);
    assert.match(submission.body.value, /^[0-9a-f-]{36}$/);
    const submitted = await call(`${base}transfer`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "transfer",
        submission_id: submission.body.value,
        source_endpoint: DEMO_COLLECTION_ID,
        destination_endpoint: DEMO_COLLECTION_ID,
        label: "copy results",
        DATA: [
          {
            DATA_TYPE: "transfer_item",
            source_path: "/~/results/",
            destination_path: "/~/copied/",
            recursive: true,
          },
          {
            DATA_TYPE: "transfer_item",
            source_path: "/~/notes.txt",
            destination_path: "/~/copied/notes.txt",
          },
        ],
      },
    });
    assert.equal(submitted.status, 202);
    assert.equal(submitted.body.code, "Accepted");
    assert.equal(submitted.body.submission_id, submission.body.value);
    const taskId = submitted.body.task_id;

    const again = await call(`${base}transfer`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "transfer",
        submission_id: submission.body.value,
        source_endpoint: DEMO_COLLECTION_ID,
        destination_endpoint: DEMO_COLLECTION_ID,
        DATA: [
          { DATA_TYPE: "transfer_item", source_path: "/~/notes.txt", destination_path: "/~/x" },
        ],
      },
    });
    assert.equal(again.body.code, "Duplicate");
    assert.equal(again.body.task_id, taskId);

    const first = (await call(`${base}task/${taskId}`, alice)).body;
    assert.equal(first.status, "ACTIVE");
    assert.equal(first.files, 2);
    assert.equal(first.label, "copy results");
    emulator.controls.advanceClock(TRANSFER_TASK_SECONDS / 2);
    const middle = (await call(`${base}task/${taskId}`, alice)).body;
    assert.equal(middle.status, "ACTIVE");
    assert.ok(middle.bytes_transferred > first.bytes_transferred);
    assert.ok(middle.bytes_transferred < 20480 + 1024);
    assert.equal((await ls(alice, DEMO_COLLECTION_ID, { path: "/~/copied/" })).status, 404);

    const done = await waitForTask(alice, taskId);
    assert.equal(done.status, "SUCCEEDED");
    assert.equal(done.bytes_transferred, 20480 + 1024);
    assert.equal(done.files_transferred, 2);
    assert.ok(done.completion_time);
    const copied = await ls(alice, DEMO_COLLECTION_ID, { path: "/~/copied/" });
    assert.deepEqual(
      copied.body.DATA.map((entry: any) => [entry.name, entry.size]),
      [
        ["notes.txt", 1024],
        ["run1.csv", 20480],
      ],
    );
    assert.equal((await call(`${base}task/${taskId}`, bob)).status, 404);
  });

  it("fails a transfer whose source is missing, and rejects an empty one", async () => {
    const empty = await call(`${base}transfer`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "transfer",
        source_endpoint: DEMO_COLLECTION_ID,
        destination_endpoint: DEMO_COLLECTION_ID,
        DATA: [],
      },
    });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.code, "ClientError.BadRequest.NoTransferItems");
    const unknown = await call(`${base}transfer`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "transfer",
        source_endpoint: "00000000-0000-4000-8000-000000000000",
        destination_endpoint: DEMO_COLLECTION_ID,
        DATA: [{ DATA_TYPE: "transfer_item", source_path: "/a", destination_path: "/b" }],
      },
    });
    assert.equal(unknown.status, 404);
    const ghost = await call(`${base}transfer`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "transfer",
        source_endpoint: DEMO_COLLECTION_ID,
        destination_endpoint: DEMO_COLLECTION_ID,
        DATA: [
          { DATA_TYPE: "transfer_item", source_path: "/~/ghost.txt", destination_path: "/~/g.txt" },
        ],
      },
    });
    const failed = await waitForTask(alice, ghost.body.task_id);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.fatal_error.code, "FILE_NOT_FOUND");
  });

  it("runs delete tasks and cancels an active task", async () => {
    const deletion = await call(`${base}delete`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "delete",
        endpoint: DEMO_COLLECTION_ID,
        DATA: [{ DATA_TYPE: "delete_item", path: "/~/notes.txt" }],
      },
    });
    assert.equal(deletion.status, 202);
    assert.equal(deletion.body.DATA_TYPE, "delete_result");
    const deleted = await waitForTask(alice, deletion.body.task_id);
    assert.equal(deleted.status, "SUCCEEDED");
    assert.equal(deleted.type, "DELETE");
    const home = await ls(alice, DEMO_COLLECTION_ID);
    assert.ok(!home.body.DATA.some((entry: any) => entry.name === "notes.txt"));

    const dirWithoutRecursive = await call(`${base}delete`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "delete",
        endpoint: DEMO_COLLECTION_ID,
        DATA: [{ DATA_TYPE: "delete_item", path: "/~/results" }],
      },
    });
    assert.equal((await waitForTask(alice, dirWithoutRecursive.body.task_id)).status, "FAILED");

    const started = await call(`${base}transfer`, alice, {
      method: "POST",
      body: {
        DATA_TYPE: "transfer",
        source_endpoint: DEMO_COLLECTION_ID,
        destination_endpoint: DEMO_COLLECTION_ID,
        DATA: [
          {
            DATA_TYPE: "transfer_item",
            source_path: "/~/results/",
            destination_path: "/~/never/",
            recursive: true,
          },
        ],
      },
    });
    const canceled = await call(`${base}task/${started.body.task_id}/cancel`, alice, {
      method: "POST",
    });
    assert.equal(canceled.status, 200);
    assert.equal(canceled.body.code, "Canceled");
    const twice = await call(`${base}task/${started.body.task_id}/cancel`, alice, {
      method: "POST",
    });
    assert.equal(twice.body.code, "TaskComplete");
    const task = await waitForTask(alice, started.body.task_id);
    assert.equal(task.status, "FAILED");
    assert.equal((await ls(alice, DEMO_COLLECTION_ID, { path: "/~/never/" })).status, 404);
    const otherUser = await call(`${base}task/${started.body.task_id}/cancel`, bob, {
      method: "POST",
    });
    assert.equal(otherUser.status, 404);
    assert.equal(otherUser.body.code, "TaskNotFound");
  });

  it("lists tasks with filters and limit/offset paging across three pages", async () => {
    const all = await call(`${base}task_list`, alice, { query: { limit: 100 } });
    assert.equal(all.status, 200);
    assert.equal(all.body.DATA_TYPE, "task_list");
    const total = all.body.total;
    assert.ok(total >= 5, `alice has ${total} tasks`);
    const ids: string[] = [];
    let pages = 0;
    for (let offset = 0; offset < total; offset += 2) {
      const page = await call(`${base}task_list`, alice, { query: { limit: 2, offset } });
      assert.equal(page.body.total, total);
      ids.push(...page.body.DATA.map((task: any) => task.task_id));
      pages += 1;
    }
    assert.ok(pages >= 3);
    assert.deepEqual(
      ids,
      all.body.DATA.map((task: any) => task.task_id),
    );
    const failed = await call(`${base}task_list`, alice, {
      query: { filter: "status:FAILED/type:TRANSFER" },
    });
    assert.ok(failed.body.DATA.length >= 2);
    assert.ok(
      failed.body.DATA.every((task: any) => task.status === "FAILED" && task.type === "TRANSFER"),
    );
    const deletes = await call(`${base}task_list`, alice, { query: { filter: "type:DELETE" } });
    assert.equal(deletes.body.total, 2);
    assert.equal((await call(`${base}task_list`, bob)).body.total, 0);
    assert.equal(
      (await call(`${base}task_list`, alice, { query: { filter: "bogus:1" } })).status,
      400,
    );
  });
});

describe("transfer service: MFA required by the controls", () => {
  it("asks for MFA on a plain collection once requireMfa names it", async () => {
    const emulator = await startEmulator();
    try {
      const base = `${emulator.urls.transfer}v0.10/`;
      const token = (
        await userLogin(emulator, ALICE_IDENTITY_ID, TRANSFER.scopes.all)
      ).byResourceServer.get(RS)!;
      const url = `${base}operation/endpoint/${DEMO_COLLECTION_ID}/ls`;
      assert.equal((await call(url, token)).status, 200);
      emulator.controls.requireMfa(DEMO_COLLECTION_ID);
      const blocked = await call(url, token);
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.code, "AuthorizationRequired");
      assert.equal(blocked.body.authorization_parameters.session_required_mfa, true);
      const mfa = (
        await userLogin(emulator, ALICE_IDENTITY_ID, TRANSFER.scopes.all, { mfa: true })
      ).byResourceServer.get(RS)!;
      assert.equal((await call(url, mfa)).status, 200);
      emulator.controls.advanceClock(60 * 60 * 24 * 3);
      const expired = await call(url, mfa);
      assert.equal(expired.status, 401);
      assert.equal(expired.body.code, "AuthenticationFailed");
    } finally {
      await emulator.stop();
    }
  });
});
