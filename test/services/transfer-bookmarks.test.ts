/** TransferClient's bookmark methods against the emulator: each identity's named paths. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TransferClient } from "../../src/index.ts";
import { DEMO_COLLECTION_ID, type RunningEmulator } from "../../src/testing/index.ts";
import { refused, sent, transferWorld } from "./transfer-helpers.ts";

let emulator: RunningEmulator;
let alice: TransferClient;
let bob: TransferClient;
let stop: () => Promise<void>;
before(async () => {
  ({ emulator, alice, bob, stop } = await transferWorld());
});
after(() => stop());

test("createBookmark, bookmarkList, getBookmark, updateBookmark, deleteBookmark", async () => {
  const created = await alice.createBookmark({
    DATA_TYPE: "bookmark",
    name: "Results",
    endpoint_id: DEMO_COLLECTION_ID,
    path: "/home/alice/results/",
  });
  assert.deepEqual(sent(emulator, "POST", "/v0.10/bookmark").body, {
    DATA_TYPE: "bookmark",
    name: "Results",
    endpoint_id: DEMO_COLLECTION_ID,
    path: "/home/alice/results/",
  });
  assert.deepEqual(created, {
    DATA_TYPE: "bookmark",
    id: created.id,
    name: "Results",
    endpoint_id: DEMO_COLLECTION_ID,
    path: "/home/alice/results/",
  });

  const list = await alice.bookmarkList();
  assert.equal(sent(emulator, "GET", "/v0.10/bookmark_list").method, "GET");
  assert.equal(list.DATA_TYPE, "bookmark_list");
  assert.deepEqual(list.DATA, [created]);
  assert.deepEqual((await bob.bookmarkList()).DATA, [], "bookmarks are their owner's");

  assert.deepEqual(await alice.getBookmark(created.id), created);
  assert.ok(sent(emulator, "GET", `/v0.10/bookmark/${created.id}`));
  await assert.rejects(bob.getBookmark(created.id), refused("BookmarkNotFound", 404));

  const renamed = await alice.updateBookmark(created.id, { name: "Run results" });
  assert.deepEqual(sent(emulator, "PUT", `/v0.10/bookmark/${created.id}`).body, {
    name: "Run results",
  });
  assert.equal(renamed.name, "Run results");
  assert.equal((await alice.getBookmark(created.id)).name, "Run results");
  await assert.rejects(
    alice.updateBookmark(created.id, { name: "x", path: "/elsewhere/" }),
    refused("BadRequest", 400),
  );
  await assert.rejects(
    bob.updateBookmark(created.id, { name: "Bob's now" }),
    refused("BookmarkNotFound", 404),
  );

  const deleted = await alice.deleteBookmark(created.id);
  assert.equal(deleted.code, "Deleted");
  assert.ok(sent(emulator, "DELETE", `/v0.10/bookmark/${created.id}`));
  assert.deepEqual((await alice.bookmarkList()).DATA, []);
  await assert.rejects(alice.getBookmark(created.id), refused("BookmarkNotFound", 404));
});

test("bookmarks persist per identity and need a real collection, a name and an absolute path", async () => {
  const made = [];
  for (const name of ["one", "two", "three"]) {
    made.push(
      await bob.createBookmark({
        name,
        endpoint_id: DEMO_COLLECTION_ID,
        path: `/home/bob/${name}/`,
      }),
    );
  }
  assert.deepEqual(
    (await bob.bookmarkList()).DATA.map((b) => b.name),
    ["one", "two", "three"],
  );
  await assert.rejects(
    bob.createBookmark({
      name: "nowhere",
      endpoint_id: "00000000-0000-4000-8000-000000000000",
      path: "/",
    }),
    refused("EndpointNotFound", 404),
  );
  await assert.rejects(
    bob.createBookmark({ name: "", endpoint_id: DEMO_COLLECTION_ID, path: "/" }),
    refused("BadRequest", 400),
  );
  await assert.rejects(
    bob.createBookmark({ name: "relative", endpoint_id: DEMO_COLLECTION_ID, path: "home/bob" }),
    refused("BadRequest", 400),
  );
  assert.equal(made.length, 3);
});
