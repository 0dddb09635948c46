// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/**
 * The Transfer emulator's state as a whole: what persists between requests, what `reset`
 * forgets, and the error formats of its two APIs (v0.10 and v2) for callers without a token.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { TransferClient } from "../../../src/index.ts";
import { TransferScopes } from "../../../src/scopes/index.ts";
import { CreateTunnelData } from "../../../src/services/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
  DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../../src/testing/index.ts";
import { authorizerFor, userAuthorizers } from "../../services/helpers.ts";
import { call } from "./helpers.ts";

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.stop());

async function alice(): Promise<TransferClient> {
  const authorizers = await userAuthorizers(emulator, [String(TransferScopes.all)], {
    identityId: ALICE_IDENTITY_ID,
  });
  return new TransferClient({
    authorizer: authorizerFor(authorizers, TransferScopes.resourceServer),
    baseUrl: emulator.urls.transfer,
  });
}

it("bookmarks, pause rules, tunnels and trees persist across requests until reset", async () => {
  const client = await alice();
  await client.createBookmark({ name: "kept", endpoint_id: DEMO_COLLECTION_ID, path: "/~/" });
  await client.endpointManagerCreatePauseRule({
    endpoint_id: DEMO_COLLECTION_ID,
    message: "kept",
    pause_mkdir: true,
  });
  await client.createTunnel(
    new CreateTunnelData(
      DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
      DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
    ),
  );
  const again = await alice();
  assert.equal((await again.bookmarkList()).DATA.length, 1);
  assert.equal((await again.endpointManagerPauseRuleList()).DATA.length, 1);
  assert.equal((await again.listTunnels()).data.length, 1);

  emulator.controls.reset();
  const fresh = await alice();
  assert.deepEqual((await fresh.bookmarkList()).DATA, []);
  assert.deepEqual((await fresh.endpointManagerPauseRuleList()).DATA, []);
  assert.deepEqual((await fresh.listTunnels()).data, []);
  await fresh.operationMkdir(DEMO_COLLECTION_ID, "/~/after-reset");
});

it("answers a missing token in Transfer's format on both APIs", async () => {
  const v010 = await call(`${emulator.urls.transfer}v0.10/bookmark_list`, undefined);
  assert.equal(v010.status, 401);
  assert.equal(v010.body.code, "AuthenticationFailed");
  assert.equal(v010.body.resource, "/v0.10/bookmark_list");
  const v2 = await call(`${emulator.urls.transfer}v2/tunnels`, undefined);
  assert.equal(v2.status, 401);
  assert.equal(v2.body.code, "AuthenticationFailed");
  const client = await alice();
  const missing = await client
    .getTunnel("00000000-0000-4000-8000-000000000000")
    .catch((e: any) => e);
  assert.equal(missing.httpStatus, 404);
  assert.equal(missing.code, "NOT_FOUND");
});
