/** IdentityMap against the emulator: batched look-ups, the cache, shared requests. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AuthClient, IdentityMap, type IdentityRecord } from "../../src/auth/index.ts";
import { AccessTokenAuthorizer } from "../../src/authorizers/index.ts";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  BOB_IDENTITY_ID,
  BOB_UNIVERSITY_IDENTITY_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { userTokens, withRequests } from "../services/helpers.ts";

const UNKNOWN_ID = "99999999-9999-4999-8999-999999999999";
let emulator: RunningEmulator;
let auth: AuthClient;

before(async () => {
  emulator = await startEmulator();
  const tokens = await userTokens(emulator, ["openid"]);
  auth = new AuthClient({
    baseUrl: emulator.urls.auth,
    authorizer: new AccessTokenAuthorizer(tokens.get("auth.globus.org") ?? ""),
  });
});
after(() => emulator.stop());

/** The identities look-ups `action` sent, as their query parameters. */
async function lookups(action: () => Promise<unknown>): Promise<Record<string, string>[]> {
  const { requests } = await withRequests(
    emulator,
    { service: "auth", path: "/v2/api/identities" },
    action,
  );
  return requests.map((request) => request.query);
}

describe("IdentityMap", () => {
  it("looks added ids up in one request, then answers from its cache by id and by username", async () => {
    const ids = [ALICE_IDENTITY_ID, BOB_IDENTITY_ID, UNKNOWN_ID];
    const map = new IdentityMap(auth, ids);
    const first = await lookups(() => map.get(BOB_IDENTITY_ID));
    assert.equal(first.length, 1);
    assert.deepEqual(first[0]?.ids?.split(",").sort(), [...ids].sort());
    const again = await lookups(async () => {
      assert.equal((await map.get(ALICE_IDENTITY_ID))?.username, "alice@globusid.org");
      assert.equal((await map.get("bob@globusid.org"))?.id, BOB_IDENTITY_ID);
    });
    assert.deepEqual(again, [], "both came from the first batch");
    // an identity Globus Auth does not know
    assert.equal(await map.get(UNKNOWN_ID), undefined);
    assert.equal(await map.get(UNKNOWN_ID, "nobody"), "nobody");
    assert.equal(map.add(ALICE_IDENTITY_ID), false, "already cached");
    assert.equal(map.add(BOB_UNIVERSITY_IDENTITY_ID), true);
    assert.equal(map.add(BOB_UNIVERSITY_IDENTITY_ID), false, "already waiting");
  });

  it("batches by idBatchSize, ids and usernames apart", async () => {
    const map = new IdentityMap(
      auth,
      [
        ALICE_IDENTITY_ID,
        ALICE_UNIVERSITY_IDENTITY_ID,
        BOB_IDENTITY_ID,
        "bob@university.example.edu",
      ],
      { idBatchSize: 2 },
    );
    const sent = await lookups(async () => {
      await map.get(ALICE_IDENTITY_ID);
      await map.get(ALICE_UNIVERSITY_IDENTITY_ID);
      await map.get(BOB_IDENTITY_ID);
      await map.get("bob@university.example.edu");
    });
    assert.deepEqual(sent, [
      { ids: `${ALICE_IDENTITY_ID},${ALICE_UNIVERSITY_IDENTITY_ID}` },
      { ids: BOB_IDENTITY_ID },
      { usernames: "bob@university.example.edu", provision: "false" },
    ]);
    assert.equal(
      (await map.get(BOB_UNIVERSITY_IDENTITY_ID))?.username,
      "bob@university.example.edu",
    );
    assert.throws(() => new IdentityMap(auth, [], { idBatchSize: 0 }), GlobusSDKUsageError);
  });

  it("concurrent gets of one batch share its request; delete forgets; caches can be shared", async () => {
    const cache = new Map<string, IdentityRecord>();
    const map = new IdentityMap(auth, [ALICE_IDENTITY_ID, BOB_IDENTITY_ID], { cache });
    const sent = await lookups(() =>
      Promise.all([
        map.get(ALICE_IDENTITY_ID),
        map.get(BOB_IDENTITY_ID),
        map.get(ALICE_IDENTITY_ID),
      ]),
    );
    assert.equal(sent.length, 1);
    assert.equal(cache.get("alice@globusid.org")?.id, ALICE_IDENTITY_ID);
    const other = new IdentityMap(auth, [], { cache });
    assert.deepEqual(await lookups(() => other.get(BOB_IDENTITY_ID)), []);
    assert.equal(map.delete(BOB_IDENTITY_ID), true);
    assert.equal((await lookups(() => map.get(BOB_IDENTITY_ID))).length, 1);
    assert.throws(() => map.add(""), GlobusSDKUsageError);
  });
});
