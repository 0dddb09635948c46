/**
 * Tunnels and stream access points (Transfer's v2 API) against the emulator: a tunnel's
 * life from creation to deletion, its events, and the v2 errors.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateTunnelData,
  GlobusSDKUsageError,
  TransferAPIError,
  type TransferClient,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_GCS_ENDPOINT_ID,
  DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
  DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
  type RunningEmulator,
  TUNNEL_TRANSITION_SECONDS,
} from "../../src/testing/index.ts";
import { sent, transferWorld } from "./transfer-helpers.ts";

let emulator: RunningEmulator;
let alice: TransferClient;
let bob: TransferClient;
let stop: () => Promise<void>;
before(async () => {
  ({ emulator, alice, bob, stop } = await transferWorld());
});
after(() => stop());

const tunnelData = (options: ConstructorParameters<typeof CreateTunnelData>[2] = {}) =>
  new CreateTunnelData(
    DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
    DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
    options,
  );

test("getStreamAccessPoint", async () => {
  const point = await alice.getStreamAccessPoint(DEMO_LISTENER_STREAM_ACCESS_POINT_ID);
  assert.ok(
    sent(emulator, "GET", `/v2/stream_access_points/${DEMO_LISTENER_STREAM_ACCESS_POINT_ID}`),
  );
  assert.equal(point.data.type, "StreamAccessPoint");
  assert.equal(point.data.id, DEMO_LISTENER_STREAM_ACCESS_POINT_ID);
  assert.match(point.data.attributes.tlsftp_server, /^tlsftp:\/\/.+:443$/);
  assert.deepEqual(point.data.relationships?.host_endpoint?.data, {
    id: DEMO_GCS_ENDPOINT_ID,
    type: "Endpoint",
  });
  assert.equal(typeof point.meta.request_id, "string");
  await assert.rejects(
    alice.getStreamAccessPoint("00000000-0000-4000-8000-000000000000"),
    (e: unknown) => e instanceof TransferAPIError && e.httpStatus === 404,
  );
});

test("a tunnel's life: created, started by its listener, active, stopped, deleted", async () => {
  const data = tunnelData({ label: "Lab stream", lifetimeMins: 60, restartable: true });
  const created = await alice.createTunnel(data);
  const body = sent(emulator, "POST", "/v2/tunnels").body as {
    data: { attributes: Record<string, unknown>; relationships: unknown; type: string };
  };
  assert.equal(body.data.type, "Tunnel");
  assert.deepEqual(body.data.relationships, {
    listener: { data: { type: "StreamAccessPoint", id: DEMO_LISTENER_STREAM_ACCESS_POINT_ID } },
    initiator: { data: { type: "StreamAccessPoint", id: DEMO_INITIATOR_STREAM_ACCESS_POINT_ID } },
  });
  assert.deepEqual(body.data.attributes, {
    label: "Lab stream",
    submission_id: data.submissionId,
    restartable: true,
    lifetime_mins: 60,
  });
  assert.match(String(data.submissionId), /^[0-9a-f-]{36}$/, "createTunnel made a submission id");
  const id = created.data.id;
  assert.equal(created.data.attributes.state, "AWAITING_LISTENER");
  assert.equal(created.data.attributes.label, "Lab stream");
  assert.deepEqual(created.data.relationships?.owner?.data, {
    id: ALICE_IDENTITY_ID,
    type: "Identity",
  });

  // a retried create with the same submission id is the same tunnel
  assert.equal((await alice.createTunnel(data)).data.id, id);

  const started = await alice.updateTunnel(id, {
    data: { type: "Tunnel", attributes: { listener_ip_address: "10.0.0.5", listener_port: 7777 } },
  });
  assert.deepEqual(sent(emulator, "PATCH", `/v2/tunnels/${id}`).body, {
    data: { type: "Tunnel", attributes: { listener_ip_address: "10.0.0.5", listener_port: 7777 } },
  });
  assert.equal(started.data.attributes.state, "STARTING");
  emulator.controls.advanceClock(TUNNEL_TRANSITION_SECONDS);
  const active = await alice.getTunnel(id);
  assert.ok(sent(emulator, "GET", `/v2/tunnels/${id}`));
  assert.equal(active.data.attributes.state, "ACTIVE");
  assert.equal(active.data.attributes.listener_port, 7777);
  assert.equal(typeof active.data.attributes.initiator_port, "number");

  await assert.rejects(alice.deleteTunnel(id), (e: unknown) => {
    assert.ok(e instanceof TransferAPIError);
    assert.equal(e.httpStatus, 409);
    return true;
  });
  const stopping = await alice.updateTunnel(id, {
    data: { type: "Tunnel", attributes: { state: "STOPPING" } },
  });
  assert.equal(stopping.data.attributes.state, "STOPPING");
  emulator.controls.advanceClock(TUNNEL_TRANSITION_SECONDS);

  const events = await alice.getTunnelEvents(id);
  assert.ok(sent(emulator, "GET", `/v2/tunnels/${id}/events`));
  assert.deepEqual(
    events.data.map((event) => event.attributes.code),
    ["STARTED", "TUNNEL_ACTIVE", "TUNNEL_STOPPED"],
  );
  assert.equal(events.links, null);

  const listed = await alice.listTunnels();
  assert.ok(sent(emulator, "GET", "/v2/tunnels"));
  assert.deepEqual(
    listed.data.map((tunnel) => [tunnel.id, tunnel.attributes.state]),
    [[id, "STOPPED"]],
  );
  assert.deepEqual((await bob.listTunnels()).data, [], "tunnels are their owner's");
  await assert.rejects(
    bob.getTunnel(id),
    (e: unknown) => (e as TransferAPIError).httpStatus === 404,
  );

  const deleted = await alice.deleteTunnel(id);
  assert.ok(sent(emulator, "DELETE", `/v2/tunnels/${id}`));
  assert.equal(deleted.data, null);
  assert.equal(typeof deleted.meta.request_id, "string");
  assert.deepEqual((await alice.listTunnels()).data, []);
});

test("a tunnel ends with its lifetime", async () => {
  const created = await alice.createTunnel(tunnelData({ lifetimeMins: 1 }));
  emulator.controls.advanceClock(61);
  const ended = await alice.getTunnel(created.data.id);
  assert.equal(ended.data.attributes.state, "STOPPED");
  const events = await alice.getTunnelEvents(created.data.id);
  assert.deepEqual(
    events.data.map((event) => event.attributes.code),
    ["TUNNEL_EXPIRED"],
  );
  await alice.deleteTunnel(created.data.id);
});

test("bad tunnel documents: usage errors before sending, 422 and 404 from the service", async () => {
  const before = emulator.controls.requestLog({ service: "transfer" }).length;
  assert.throws(
    () => alice.createTunnel({} as { data: Record<string, unknown> }),
    GlobusSDKUsageError,
  );
  assert.throws(
    () => new CreateTunnelData("", DEMO_LISTENER_STREAM_ACCESS_POINT_ID),
    GlobusSDKUsageError,
  );
  assert.throws(() => tunnelData({ lifetimeMins: 0 }), GlobusSDKUsageError);
  assert.equal(emulator.controls.requestLog({ service: "transfer" }).length, before);
  await assert.rejects(
    alice.createTunnel({
      data: { type: "Tunnel", attributes: {}, relationships: { listener: {} } },
    }),
    (e: unknown) => e instanceof TransferAPIError && e.httpStatus === 422,
  );
  await assert.rejects(
    alice.createTunnel(
      new CreateTunnelData(
        "00000000-0000-4000-8000-000000000000",
        DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
      ),
    ),
    (e: unknown) => e instanceof TransferAPIError && e.httpStatus === 404,
  );
  const created = await alice.createTunnel(tunnelData());
  await assert.rejects(
    alice.updateTunnel(created.data.id, {
      data: { type: "Tunnel", attributes: { state: "ACTIVE" } },
    }),
    (e: unknown) => e instanceof TransferAPIError && e.httpStatus === 422,
  );
});
