/**
 * The Search scenario, end to end through apps and SearchClient: an index is created,
 * filled (the ingest task polled until it succeeds), queried by people who see different
 * records (by identity, by group, anonymously), and deleted.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MemoryTokenStorage,
  SearchAPIError,
  SearchClient,
  SearchQueryV1,
} from "../../src/index.ts";
import { SearchScopes } from "../../src/scopes/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  startEmulator,
  TRIAL_INDEX_RETENTION_SECONDS,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";

const LAB_GROUP = "77777777-1111-4777-8777-777777777777";

test("a Search index is created, filled, queried with visibility, and deleted", async () => {
  // Bob is in the lab group (the seed says so; Search reads group principals from it)
  const identities = DEFAULT_SEED.identities.map((identity) =>
    identity.id === BOB_IDENTITY_ID ? { ...identity, groups: [LAB_GROUP] } : identity,
  );
  await using emulator = await startEmulator({ clock: () => 1_770_000_000, seed: { identities } });
  Object.assign(process.env, emulator.environmentVariables);
  delete process.env.GLOBUS_SDK_ENVIRONMENT;
  const appScopes = [SearchScopes.all, SearchScopes.search, SearchScopes.ingest];
  await using aliceApp = emulatorUserApp(emulator, new MemoryTokenStorage(), "scenario-alice");
  await using bobApp = emulatorUserApp(
    emulator,
    new MemoryTokenStorage(),
    "scenario-bob",
    BOB_IDENTITY_ID,
  );
  const alice = new SearchClient({ app: aliceApp, appScopes });
  const bob = new SearchClient({ app: bobApp, appScopes });
  const anonymous = new SearchClient();

  // created
  const index = await alice.createIndex("Field notes", "Notes from the field season");
  assert.equal(index.status, "open");

  // filled: the ingest is a task, polled until it succeeds (the clock moves between polls)
  const submitted = await alice.ingest(index.id, {
    ingest_type: "GMetaList",
    ingest_data: {
      gmeta: [
        { subject: "notes://public", visible_to: ["public"], content: { site: "north", day: 1 } },
        {
          subject: "notes://lab",
          visible_to: [`urn:globus:groups:id:${LAB_GROUP}`],
          content: { site: "north", day: 2 },
        },
        {
          subject: "notes://private",
          visible_to: [`urn:globus:auth:identity:${ALICE_IDENTITY_ID}`],
          content: { site: "south", day: 3 },
        },
      ],
    },
  });
  const states: string[] = [];
  for (;;) {
    const task = await alice.getTask(submitted.task_id);
    states.push(task.state);
    if (task.state === "SUCCESS") break;
    assert.ok(states.length < 10, `the task never finished: ${states.join(", ")}`);
    emulator.controls.advanceClock(1);
  }
  assert.deepEqual(states, ["PENDING", "PROGRESS", "SUCCESS"]);
  assert.equal((await alice.getIndex(index.id)).num_subjects, 3);

  // queried: each person sees what visible_to grants them
  const query = new SearchQueryV1({ q: "*" }).addSort("day", "asc");
  const subjects = async (client: SearchClient) =>
    (await client.paginatedPostSearch(index.id, query).toArray()).map((result) => result.subject);
  assert.deepEqual(await subjects(alice), ["notes://public", "notes://private"]);
  assert.deepEqual(await subjects(bob), ["notes://public", "notes://lab"]);
  assert.deepEqual(await subjects(anonymous), ["notes://public"]);
  const north = await bob.search(index.id, "site:north", { advanced: true });
  assert.equal(north.total, 2);

  // deleted: pending, refusing queries, then gone
  assert.deepEqual(await alice.deleteIndex(index.id), { index_id: index.id, acknowledged: true });
  assert.equal((await alice.getIndex(index.id)).status, "delete-pending");
  const refused = await bob.search(index.id, "*").catch((e: unknown) => e);
  assert.ok(refused instanceof SearchAPIError);
  assert.equal(refused.httpStatus, 409);
  assert.equal(refused.code, "Conflict.IncompatibleIndexStatus");
  emulator.controls.advanceClock(TRIAL_INDEX_RETENTION_SECONDS);
  const gone = await alice.getIndex(index.id).catch((e: unknown) => e);
  assert.ok(gone instanceof SearchAPIError);
  assert.equal(gone.httpStatus, 404);
  assert.equal(gone.code, "NotFound.NoSuchIndex");
  assert.ok(!(await alice.listIndexes()).some((listed) => listed.id === index.id));
});
