/**
 * Transfer's v2 streaming API (JSON:API documents): stream access points on GCS endpoints,
 * and tunnels between two of them that a listener starts, that become active, and that
 * stop when asked or when their lifetime ends, each step an event. Tunnels persist until
 * deleted (only a stopped tunnel can be).
 */

import { DEMO_GCS_ENDPOINT_ID } from "../../seed.ts";
import type { EmulatorReply, EmulatorRequest, ServiceRouter } from "../../types.ts";
import { EmulatorHttpError } from "../../types.ts";
import { isRecord, shortRequestId } from "../common.ts";
import type { Caller, TransferState } from "./state.ts";

/** The seeded stream access points, both on the demo GCS endpoint. */
export const DEMO_LISTENER_STREAM_ACCESS_POINT_ID = "99999999-1111-4999-8999-999999999999";
export const DEMO_INITIATOR_STREAM_ACCESS_POINT_ID = "99999999-2222-4999-8999-999999999999";

/** Emulator seconds a tunnel takes to become active after its listener is set, and to stop. */
export const TUNNEL_TRANSITION_SECONDS = 1;

const V2 = "/v2";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface StreamAccessPoint {
  id: string;
  displayName: string;
  hostEndpointId: string;
  tlsftpServer: string;
  advertisedOwner: string;
}

const ACCESS_POINTS: readonly StreamAccessPoint[] = [
  {
    id: DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
    displayName: "Emulator Listener",
    hostEndpointId: DEMO_GCS_ENDPOINT_ID,
    tlsftpServer: "tlsftp://listener.emulator.globus.test:443",
    advertisedOwner: "alice@globusid.org",
  },
  {
    id: DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
    displayName: "Emulator Initiator",
    hostEndpointId: DEMO_GCS_ENDPOINT_ID,
    tlsftpServer: "tlsftp://initiator.emulator.globus.test:443",
    advertisedOwner: "alice@globusid.org",
  },
];

type TunnelState = "AWAITING_LISTENER" | "STARTING" | "ACTIVE" | "STOPPING" | "STOPPED";

const STATUS: Record<TunnelState, string> = {
  AWAITING_LISTENER: "The tunnel is waiting for its listener's contact details.",
  STARTING: "The tunnel is being established.",
  ACTIVE: "The tunnel is active.",
  STOPPING: "A request to stop the tunnel has been received.",
  STOPPED: "The tunnel has stopped.",
};

interface TunnelEvent {
  id: number;
  code: string;
  isError: boolean;
  description: string;
  details: string;
  time: number;
}

interface Tunnel {
  id: string;
  ownerId: string;
  submissionId: string;
  label: string | null;
  lifetimeMins: number;
  restartable: boolean;
  createdTime: number;
  listenerId: string;
  initiatorId: string;
  listenerIp: string | null;
  listenerPort: number | null;
  initiatorIp: string | null;
  initiatorPort: number | null;
  state: TunnelState;
  /** When the current transition (STARTING, STOPPING) completes. */
  transitionAt: number | null;
  events: TunnelEvent[];
}

/** The v2 time format: ISO 8601 without a zone, in microseconds (`create_tunnel.py`). */
function v2Time(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/Z$/, "000");
}

/** A v2 error: JSON:API `errors` (a 422 is FastAPI's HTTPValidationError, as the OpenAPI spec says). */
function v2Error(status: number, code: string, detail: string): EmulatorHttpError {
  return new EmulatorHttpError(status, {
    errors: [
      { status: String(status), code, title: code.replace(/_/g, " ").toLowerCase(), detail },
    ],
    meta: { request_id: shortRequestId() },
  });
}

function validationError(loc: (string | number)[], msg: string): EmulatorHttpError {
  return new EmulatorHttpError(422, {
    detail: [{ loc: ["body", ...loc], msg, type: "value_error" }],
  });
}

export function registerTunnelRoutes(router: ServiceRouter, state: TransferState): void {
  const tunnels = new Map<string, Tunnel>();
  let nextEventId = 1;
  let nextPort = 50000;

  function event(tunnel: Tunnel, time: number, code: string, description: string, details: string) {
    tunnel.events.push({ id: nextEventId++, code, isError: false, description, details, time });
  }

  /** Completes due transitions and ends tunnels whose lifetime is over. */
  function advance(tunnel: Tunnel): void {
    const now = state.context.now();
    if (tunnel.transitionAt !== null && tunnel.transitionAt <= now) {
      const at = tunnel.transitionAt;
      tunnel.transitionAt = null;
      if (tunnel.state === "STARTING") {
        tunnel.state = "ACTIVE";
        tunnel.initiatorIp = "127.0.0.1";
        tunnel.initiatorPort = nextPort++;
        event(tunnel, at, "TUNNEL_ACTIVE", "tunnel is active", "Tunnel has been established");
      } else if (tunnel.state === "STOPPING") {
        tunnel.state = "STOPPED";
        event(
          tunnel,
          at,
          "TUNNEL_STOPPED",
          "tunnel has been stopped",
          "Tunnel stopped as requested.",
        );
      }
    }
    const end = tunnel.createdTime + tunnel.lifetimeMins * 60;
    if (tunnel.state !== "STOPPED" && end <= now) {
      tunnel.state = "STOPPED";
      tunnel.transitionAt = null;
      event(
        tunnel,
        end,
        "TUNNEL_EXPIRED",
        "tunnel lifetime ended",
        "The tunnel reached the end of its lifetime",
      );
    }
  }

  function tunnelResource(tunnel: Tunnel): Record<string, unknown> {
    return {
      attributes: {
        created_time: v2Time(tunnel.createdTime),
        initiator_ip_address: tunnel.initiatorIp,
        initiator_port: tunnel.initiatorPort,
        label: tunnel.label,
        lifetime_mins: tunnel.lifetimeMins,
        listener_ip_address: tunnel.listenerIp,
        listener_port: tunnel.listenerPort,
        restartable: tunnel.restartable,
        state: tunnel.state,
        status: STATUS[tunnel.state],
        submission_id: tunnel.submissionId,
      },
      id: tunnel.id,
      relationships: {
        initiator: { data: { id: tunnel.initiatorId, type: "StreamAccessPoint" } },
        listener: { data: { id: tunnel.listenerId, type: "StreamAccessPoint" } },
        owner: { data: { id: tunnel.ownerId, type: "Identity" } },
      },
      type: "Tunnel",
    };
  }

  const meta = () => ({ request_id: shortRequestId() });
  const one = (tunnel: Tunnel, status = 200): EmulatorReply => ({
    status,
    body: { data: tunnelResource(tunnel), meta: meta() },
  });

  function ownTunnel(request: EmulatorRequest, caller: Caller): Tunnel {
    const tunnel = tunnels.get(request.params.id ?? "");
    if (!tunnel || !caller.identities.has(tunnel.ownerId)) {
      throw v2Error(404, "NOT_FOUND", `Tunnel '${request.params.id}' not found`);
    }
    advance(tunnel);
    return tunnel;
  }

  function accessPointDoc(point: StreamAccessPoint): Record<string, unknown> {
    return {
      attributes: {
        advertised_owner: point.advertisedOwner,
        contact_email: null,
        contact_info: null,
        department: null,
        description: null,
        display_name: point.displayName,
        info_link: null,
        keywords: null,
        organization: null,
        tlsftp_server: point.tlsftpServer,
      },
      id: point.id,
      relationships: { host_endpoint: { data: { id: point.hostEndpointId, type: "Endpoint" } } },
      type: "StreamAccessPoint",
    };
  }

  /** A `{data: {type, id}}` relationship naming a known stream access point. */
  function accessPointOf(relationships: Record<string, unknown>, key: string): string {
    const relationship = relationships[key];
    const data = isRecord(relationship) ? relationship.data : undefined;
    if (
      !isRecord(data) ||
      data.type !== "StreamAccessPoint" ||
      typeof data.id !== "string" ||
      !UUID.test(data.id)
    ) {
      throw validationError(
        ["data", "relationships", key],
        "must be {data: {type: 'StreamAccessPoint', id: <uuid>}}",
      );
    }
    if (!ACCESS_POINTS.some((point) => point.id === data.id)) {
      throw v2Error(404, "NOT_FOUND", `Stream access point '${data.id}' not found`);
    }
    return data.id;
  }

  router.route("GET", `${V2}/stream_access_points`, (request) => {
    state.caller(request);
    return { body: { data: ACCESS_POINTS.map(accessPointDoc), links: null, meta: meta() } };
  });

  router.route("GET", `${V2}/stream_access_points/:id`, (request) => {
    state.caller(request);
    const point = ACCESS_POINTS.find((candidate) => candidate.id === request.params.id);
    if (!point)
      throw v2Error(404, "NOT_FOUND", `Stream access point '${request.params.id}' not found`);
    return { body: { data: accessPointDoc(point), meta: meta() } };
  });

  router.route("POST", `${V2}/tunnels`, (request) => {
    const caller = state.caller(request);
    const body = request.json();
    const data = isRecord(body) ? body.data : undefined;
    if (!isRecord(data) || data.type !== "Tunnel") {
      throw validationError(["data"], "must be a resource of type 'Tunnel'");
    }
    const attributes = isRecord(data.attributes) ? data.attributes : {};
    const relationships = isRecord(data.relationships) ? data.relationships : {};
    const submissionId = attributes.submission_id;
    if (typeof submissionId !== "string" || !UUID.test(submissionId)) {
      throw validationError(["data", "attributes", "submission_id"], "a UUID is required");
    }
    const duplicate = [...tunnels.values()].find(
      (tunnel) => tunnel.submissionId === submissionId && caller.identities.has(tunnel.ownerId),
    );
    if (duplicate) {
      advance(duplicate);
      return one(duplicate);
    }
    const lifetime = attributes.lifetime_mins ?? 360;
    if (!Number.isInteger(lifetime) || (lifetime as number) < 1 || (lifetime as number) > 10080) {
      throw validationError(
        ["data", "attributes", "lifetime_mins"],
        "must be an integer from 1 to 10080",
      );
    }
    if (attributes.restartable !== undefined && typeof attributes.restartable !== "boolean") {
      throw validationError(["data", "attributes", "restartable"], "must be a boolean");
    }
    if (
      attributes.label !== undefined &&
      attributes.label !== null &&
      typeof attributes.label !== "string"
    ) {
      throw validationError(["data", "attributes", "label"], "must be a string");
    }
    const listenerId = accessPointOf(relationships, "listener");
    const initiatorId = accessPointOf(relationships, "initiator");
    const now = state.context.now();
    const tunnel: Tunnel = {
      id: state.context.newId(),
      ownerId: caller.id,
      submissionId,
      label: typeof attributes.label === "string" ? attributes.label : null,
      lifetimeMins: lifetime as number,
      restartable: attributes.restartable === true,
      createdTime: now,
      listenerId,
      initiatorId,
      listenerIp: null,
      listenerPort: null,
      initiatorIp: null,
      initiatorPort: null,
      state: "AWAITING_LISTENER",
      transitionAt: null,
      events: [],
    };
    tunnels.set(tunnel.id, tunnel);
    return one(tunnel, 201);
  });

  router.route("GET", `${V2}/tunnels`, (request) => {
    const caller = state.caller(request);
    const mine = [...tunnels.values()].filter((tunnel) => caller.identities.has(tunnel.ownerId));
    for (const tunnel of mine) advance(tunnel);
    return { body: { data: mine.map(tunnelResource), links: null, meta: meta() } };
  });

  router.route("GET", `${V2}/tunnels/:id`, (request) =>
    one(ownTunnel(request, state.caller(request))),
  );

  router.route("PATCH", `${V2}/tunnels/:id`, (request) => {
    const tunnel = ownTunnel(request, state.caller(request));
    const body = request.json();
    const data = isRecord(body) ? body.data : undefined;
    if (
      !isRecord(data) ||
      (data.type !== undefined && data.type !== "Tunnel") ||
      !isRecord(data.attributes)
    ) {
      throw validationError(["data"], "must be a resource of type 'Tunnel' with attributes");
    }
    const attributes = data.attributes;
    for (const key of Object.keys(attributes)) {
      if (!["label", "listener_ip_address", "listener_port", "state"].includes(key)) {
        throw validationError(["data", "attributes", key], "is not a field that can be updated");
      }
    }
    const now = state.context.now();
    if (attributes.label !== undefined) {
      if (attributes.label !== null && typeof attributes.label !== "string") {
        throw validationError(["data", "attributes", "label"], "must be a string");
      }
      tunnel.label = attributes.label;
    }
    const ip = attributes.listener_ip_address;
    const port = attributes.listener_port;
    if (ip !== undefined || port !== undefined) {
      if (
        typeof ip !== "string" ||
        !Number.isInteger(port) ||
        (port as number) < 1 ||
        (port as number) > 65535
      ) {
        throw validationError(
          ["data", "attributes", "listener_port"],
          "listener_ip_address and listener_port (1-65535) are set together",
        );
      }
      if (tunnel.state !== "AWAITING_LISTENER") {
        throw v2Error(
          409,
          "CONFLICT",
          `The tunnel is ${tunnel.state}: its listener is already set`,
        );
      }
      tunnel.listenerIp = ip;
      tunnel.listenerPort = port as number;
      tunnel.state = "STARTING";
      tunnel.transitionAt = now + TUNNEL_TRANSITION_SECONDS;
      event(tunnel, now, "STARTED", "started", "Attempting tunnel establishment");
    }
    if (attributes.state !== undefined) {
      if (attributes.state !== "STOPPING") {
        throw validationError(["data", "attributes", "state"], "can only be set to 'STOPPING'");
      }
      if (tunnel.state === "STOPPED" || tunnel.state === "STOPPING") {
        throw v2Error(409, "CONFLICT", `The tunnel is already ${tunnel.state}`);
      }
      tunnel.state = "STOPPING";
      tunnel.transitionAt = now + TUNNEL_TRANSITION_SECONDS;
    }
    return one(tunnel);
  });

  router.route("DELETE", `${V2}/tunnels/:id`, (request) => {
    const tunnel = ownTunnel(request, state.caller(request));
    if (tunnel.state !== "STOPPED") {
      throw v2Error(409, "CONFLICT", `The tunnel is ${tunnel.state}: stop it before deleting it`);
    }
    tunnels.delete(tunnel.id);
    return { body: { data: null, meta: meta() } };
  });

  router.route("GET", `${V2}/tunnels/:id/events`, (request) => {
    const tunnel = ownTunnel(request, state.caller(request));
    const code = request.query.get("code_name");
    const isError = request.query.get("is_error");
    const events = tunnel.events.filter(
      (candidate) =>
        (!code || candidate.code === code) &&
        (isError === null || String(candidate.isError) === isError.toLowerCase()),
    );
    return {
      body: {
        data: events.map((candidate) => ({
          type: "TunnelEvent",
          id: candidate.id,
          attributes: {
            code: candidate.code,
            is_error: candidate.isError,
            description: candidate.description,
            details: candidate.details,
            time: v2Time(candidate.time),
          },
        })),
        links: null,
        meta: meta(),
      },
    };
  });
}
