/**
 * Timers scenarios through a UserApp and TimersClient, with the emulator clock standing in
 * for time: a recurring timer running on its schedule, and a transfer timer stopped by a
 * missing data_access consent until the user consents from the GARE and resumes it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  MemoryTokenStorage,
  RecurringTimerSchedule,
  TimersClient,
  TransferData,
  TransferTimer,
  toGare,
  type UserApp,
} from "../../src/index.ts";
import { gcsCollectionScopeSet, KNOWN_SCOPES } from "../../src/scopes/known.ts";
import {
  DEFAULT_SEED,
  DEMO_COLLECTION_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { timersTime as at } from "./timers-time.ts";

/** A mapped collection that wants a data_access consent (not high assurance). */
const GUARDED_ID = "77777777-3333-4777-8777-777777777777";

describe("Timers scenarios", () => {
  let emulator: RunningEmulator;
  let app: UserApp;
  before(async () => {
    emulator = await startEmulator({
      seed: {
        endpoints: [
          ...structuredClone(DEFAULT_SEED.endpoints),
          {
            id: GUARDED_ID,
            display_name: "Guarded Collection",
            owner_string: "alice@globusid.org",
            entity_type: "GCSv5_mapped_collection",
            requires_data_access_consent: true,
          },
        ],
      },
    });
    app = emulatorUserApp(emulator, new MemoryTokenStorage(), "timers-scenarios");
  });
  after(async () => {
    await app.close();
    await emulator.stop();
  });

  const copy = (destination: string) =>
    new TransferData({
      sourceEndpoint: DEMO_COLLECTION_ID,
      destinationEndpoint: destination,
    }).addItem("/home/alice/notes.txt", "/home/alice/notes-copy.txt");

  test("a recurring timer runs 3 times as the clock advances, then ends", async () => {
    const timers = new TimersClient({ app, baseUrl: emulator.urls.timer });
    // a whole second, 2 s past the first look: a slow request cannot reach it early
    const start = Math.ceil(emulator.controls.now()) + 600;
    const { timer } = await timers.createTimer(
      new TransferTimer({
        name: "three times",
        schedule: new RecurringTimerSchedule(3600, {
          start: new Date(start * 1000),
          end: { condition: "iterations", count: 3 },
        }),
        body: copy(DEMO_COLLECTION_ID),
      }),
    );
    assert.equal(timer.status, "new");
    assert.equal(timer.next_run, at(start));

    const observed: [number | undefined, string, string | null | undefined][] = [];
    emulator.controls.advanceClock(598);
    for (let step = 0; step < 5; step++) {
      const job = await timers.getJob(timer.job_id);
      observed.push([job.n_runs, job.status, job.next_run]);
      emulator.controls.advanceClock(step === 0 ? 2 : 3600);
    }
    assert.deepEqual(observed, [
      [0, "new", at(start)],
      [1, "loaded", at(start + 3600)],
      [2, "loaded", at(start + 7200)],
      [3, "ended", null],
      [3, "ended", null],
    ]);
    const job = await timers.getJob(timer.job_id);
    assert.deepEqual(
      job.results?.data.map((run) => [run.ran_at, run.status]),
      [
        [at(start), 202],
        [at(start + 3600), 202],
        [at(start + 7200), 202],
      ],
    );
    assert.equal(job.last_ran_at, at(start + 7200));
  });

  test("a transfer lacking data_access consent makes the timer inactive with a GARE; consent and resume run it", async () => {
    const timers = new TimersClient({ app, baseUrl: emulator.urls.timer });
    const { timer } = await timers.createTimer(
      new TransferTimer({
        name: "guarded",
        schedule: new RecurringTimerSchedule(86400),
        body: copy(GUARDED_ID),
      }),
    );
    emulator.controls.advanceClock(1);
    const stopped = await timers.getJob(timer.job_id);
    assert.equal(stopped.status, "inactive");
    assert.equal(stopped.n_runs, 0);
    const gare = toGare(stopped);
    assert.ok(gare, "the inactive timer carries a GARE");
    assert.equal(gare.code, "ConsentRequired");
    const dataAccess = gcsCollectionScopeSet(GUARDED_ID).scopes.data_access;
    assert.deepEqual(gare.authorization_parameters.required_scopes, [
      `${KNOWN_SCOPES.timers.scopes.timer}[${KNOWN_SCOPES.transfer.scopes.all}[*${dataAccess}]]`,
    ]);
    // the clock does not get it going: it stays inactive with the missed run pending
    emulator.controls.advanceClock(86400);
    assert.equal((await timers.getJob(timer.job_id)).status, "inactive");

    await app.login({ authParams: gare.authorization_parameters });
    await timers.resumeJob(timer.job_id);
    const resumed = await timers.getJob(timer.job_id);
    assert.equal(resumed.status, "loaded");
    assert.equal(resumed.inactive_reason, null);
    // the missed runs came to one run, at the resume
    assert.equal(resumed.n_runs, 1);
    assert.equal(resumed.last_ran_at, at(emulator.controls.now()));
  });

  test("addAppTransferDataAccessScope asks for the consent up front: the timer's runs go through", async () => {
    const other = emulatorUserApp(
      emulator,
      new MemoryTokenStorage(),
      "timers-up-front",
      "22222222-1111-4222-8222-222222222222",
    );
    try {
      const timers = new TimersClient({ app: other, baseUrl: emulator.urls.timer });
      timers.addAppTransferDataAccessScope(GUARDED_ID);
      const { timer } = await timers.createTimer(
        new TransferTimer({
          schedule: new RecurringTimerSchedule(3600),
          body: copy(GUARDED_ID),
        }),
      );
      emulator.controls.advanceClock(3601);
      const job = await timers.getJob(timer.job_id);
      assert.equal(job.status, "loaded");
      assert.equal(job.n_runs, 2);
    } finally {
      await other.close();
    }
  });
});
