/**
 * Endpoints and collections as Transfer shows them: documents (with every field the real
 * service sends, the legacy GCSv4 ones included), search, the Globus Connect Personal
 * administration Transfer's own API offers (update, delete, subscriptions), servers, and
 * guest collections ("shared endpoints") made on a Globus Connect Personal collection.
 */
import type { EmulatorRequest, ServiceRouter } from "../../types.ts";
import { intParam, matchesFulltext, objectBody, shortRequestId } from "../common.ts";
import { lookup, splitPath } from "../file-tree.ts";
import { failFor, resultDoc } from "./errors.ts";
import {
  API,
  type Caller,
  ENDPOINT_ROLES,
  type EndpointState,
  type TransferState,
} from "./state.ts";
import type { TaskEngine } from "./tasks.ts";

/** Fields update_endpoint may set on a guest collection, and their kinds. */
const GUEST_FIELDS: Record<string, "string" | "boolean" | "integer"> = {
  acl_max_expiration_period_mins: "integer",
  display_name: "string",
  organization: "string",
  department: "string",
  keywords: "string",
  description: "string",
  contact_email: "string",
  contact_info: "string",
  info_link: "string",
  owner_string: "string",
  default_directory: "string",
  force_encryption: "boolean",
  disable_verify: "boolean",
};
/** ... and on a mapped collection (`@globus/sdk`'s updatable fields). */
const MAPPED_FIELDS: Record<string, "string" | "boolean" | "integer"> = {
  ...GUEST_FIELDS,
  authentication_timeout_mins: "integer",
  subscription_id: "string",
  public: "boolean",
  location: "string",
  network_use: "string",
  max_concurrency: "integer",
  preferred_concurrency: "integer",
  max_parallelism: "integer",
  preferred_parallelism: "integer",
  user_message: "string",
  user_message_link: "string",
};
const NETWORK_USE = ["normal", "minimal", "aggressive", "custom"];

/** Renders endpoint documents for a caller. */
export class EndpointDocuments {
  readonly #state: TransferState;
  readonly #engine: TaskEngine;

  constructor(state: TransferState, engine: TaskEngine) {
    this.#state = state;
    this.#engine = engine;
  }

  /** The tasks a caller submitted. */
  activityOf(caller: Caller) {
    return [...this.#engine.tasks.values()].filter((task) => task.owner.id === caller.id);
  }

  inUse(endpoint: EndpointState): boolean {
    return [...this.#engine.tasks.values()].some(
      (task) =>
        !task.settled &&
        (task.sourceEndpointId === endpoint.seed.id ||
          task.destinationEndpointId === endpoint.seed.id),
    );
  }

  serverDoc(endpoint: EndpointState): Record<string, unknown> {
    const host = `${endpoint.seed.id.slice(0, 8)}.emulator.globus.test`;
    return {
      DATA_TYPE: "server",
      id: endpoint.serverId,
      hostname: host,
      uri: `gsiftp://${host}:443`,
      port: 443,
      scheme: "gsiftp",
      subject: `/O=Globus Emulator/CN=${host}`,
      incoming_data_port_start: null,
      incoming_data_port_end: null,
      outgoing_data_port_start: null,
      outgoing_data_port_end: null,
      is_connected: true,
      is_paused: false,
    };
  }

  /** The servers of an endpoint: one for a mapped collection, none for a guest. */
  servers(endpoint: EndpointState): Record<string, unknown>[] {
    return this.#state.isGuest(endpoint) ? [] : [this.serverDoc(endpoint)];
  }

  /** The endpoint document: every field of `get_endpoint.py` and of `EndpointDocument`. */
  doc(endpoint: EndpointState, caller: Caller): Record<string, unknown> {
    const state = this.#state;
    const { seed, settings } = endpoint;
    const owner = state.context.seed.identities.find(
      (identity) => identity.username === seed.owner_string,
    );
    const gcsManagerUrl = seed.gcs_endpoint_id
      ? state.context.gcsUrl(seed.gcs_endpoint_id).replace(/\/$/, "")
      : null;
    const ownerString = seed.owner_string ?? "emulator@globusid.org";
    const entityType = state.entityType(endpoint);
    const personal = state.isPersonal(endpoint);
    const guest = state.isGuest(endpoint);
    const host = seed.host_endpoint_id ? state.endpoint(seed.host_endpoint_id) : undefined;
    const hostCanonical = host ? `${host.seed.owner_string ?? "unknown"}#${host.seed.id}` : null;
    const roles = state.rolesOf(caller, endpoint);
    const mayManageAcls = roles.has("administrator") || roles.has("access_manager");
    const subscriptionId = host ? host.subscriptionId : endpoint.subscriptionId;
    const setting = <T>(key: string, fallback: T): T | unknown =>
      Object.hasOwn(settings, key) ? settings[key] : fallback;
    return {
      DATA_TYPE: "endpoint",
      id: seed.id,
      display_name: seed.display_name,
      name: seed.id,
      canonical_name: `${ownerString}#${seed.id}`,
      owner_string: setting("owner_string", ownerString),
      owner_id: owner?.id ?? seed.id,
      username: ownerString.split("@")[0] ?? ownerString,
      organization: setting("organization", owner?.organization ?? null),
      department: setting("department", null),
      keywords: setting("keywords", null),
      description: setting("description", null),
      contact_email: setting("contact_email", owner?.email ?? null),
      contact_info: setting("contact_info", null),
      info_link: setting("info_link", null),
      user_message: setting("user_message", null),
      user_message_link: setting("user_message_link", null),
      entity_type: entityType,
      public: setting("public", true),
      subscription_id: subscriptionId,
      subscription_admin_verified: endpoint.subscriptionAdminVerified,
      french_english_bilingual: false,
      default_directory: setting("default_directory", "/~/"),
      guest_collection_activity_notification_policy: guest
        ? { status: [], transfer_use: [] }
        : null,
      force_encryption: setting("force_encryption", false),
      force_verify: false,
      disable_verify: setting("disable_verify", false),
      disable_anonymous_writes: false,
      mfa_required: seed.high_assurance === true,
      is_globus_connect: personal,
      globus_connect_setup_key: null,
      gcp_connected: personal ? true : null,
      gcp_paused: personal ? false : null,
      gcs_version: seed.gcs_endpoint_id ? "5.4.70" : null,
      gcs_manager_url: gcsManagerUrl,
      https_server: null,
      tlsftp_server: null,
      host_endpoint: hostCanonical,
      host_endpoint_id: seed.host_endpoint_id ?? null,
      host_endpoint_display_name: host?.seed.display_name ?? null,
      host_path: seed.host_path ?? null,
      mapped_collection_id: guest ? (seed.host_endpoint_id ?? null) : null,
      mapped_collection_display_name: guest ? (host?.seed.display_name ?? null) : null,
      sharing_target_endpoint: hostCanonical,
      sharing_target_root_path: seed.host_path ?? null,
      non_functional: false,
      non_functional_endpoint_id: seed.gcs_endpoint_id ?? null,
      non_functional_endpoint_display_name: null,
      high_assurance: seed.high_assurance === true,
      authentication_assurance_timeout: seed.high_assurance ? 30 : null,
      authentication_timeout_mins: setting(
        "authentication_timeout_mins",
        seed.high_assurance ? 30 : null,
      ),
      authentication_policy_id: null,
      acl_max_expiration_period_mins: setting("acl_max_expiration_period_mins", null),
      auto_delete_timeout: null,
      skip_auto_delete: guest ? false : null,
      last_accessed_time: null,
      restrict_transfers_to_high_assurance: null,
      associated_flow_policy: null,
      preserve_modtime: null,
      requester_pays: false,
      network_use: setting("network_use", null),
      location: setting("location", null),
      max_concurrency: setting("max_concurrency", null),
      preferred_concurrency: setting("preferred_concurrency", null),
      max_parallelism: setting("max_parallelism", null),
      preferred_parallelism: setting("preferred_parallelism", null),
      local_user_info_available: null,
      my_effective_roles: ENDPOINT_ROLES.filter((role) => roles.has(role)),
      // the GCSv4 fields the real service still sends (get_endpoint.py records them)
      myproxy_server: null,
      myproxy_dn: null,
      oauth_server: null,
      s3_url: null,
      s3_owner_activated: false,
      activated: false,
      expires_in: -1,
      expire_time: null,
      shareable: entityType === "GCP_mapped_collection",
      acl_available: guest,
      acl_editable: guest && mayManageAcls,
      in_use: this.inUse(endpoint),
      DATA: this.servers(endpoint),
    };
  }
}

export function registerEndpointRoutes(
  router: ServiceRouter,
  state: TransferState,
  docs: EndpointDocuments,
): void {
  /**
   * Transfer's own API administers Globus Connect Personal collections only; GCSv5 ones are
   * administered through their GCS Manager.
   */
  function requirePersonal(request: EmulatorRequest, endpoint: EndpointState, action: string) {
    if (state.isPersonal(endpoint)) return;
    throw failFor(request)(
      400,
      "BadRequest",
      `Cannot ${action} '${endpoint.seed.id}' (${state.entityType(endpoint)}) through Transfer: Globus Connect Server collections are managed through their GCS Manager API`,
    );
  }

  /** An administrator's endpoint, for the administration routes. */
  function administered(request: EmulatorRequest, action: string) {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    requirePersonal(request, endpoint, action);
    state.requireRole(request, caller, endpoint, ["administrator"], action);
    return { caller, endpoint, fail: failFor(request) };
  }

  /** Resolves `subscription_id` (a UUID, `DEFAULT`, or null) for a caller, or fails as Transfer does. */
  function subscriptionFor(request: EmulatorRequest, caller: Caller, value: unknown) {
    const fail = failFor(request);
    if (value === null) return null;
    const mine = state.subscriptionsOf(caller);
    if (value === "DEFAULT") {
      if (mine.length === 1) return mine[0] as string;
      if (mine.length === 0) {
        throw fail(400, "BadRequest", "You do not have access to any subscription to use");
      }
      throw fail(
        400,
        "BadRequest",
        `Please specify the subscription ID to use. You currently have access to: ${mine.join(", ")}`,
      );
    }
    if (typeof value !== "string" || !/^[0-9a-f-]{36}$/i.test(value)) {
      throw fail(400, "BadRequest", "'subscription_id' must be a UUID, 'DEFAULT' or null");
    }
    if (!state.isKnownSubscription(value)) {
      throw fail(400, "BadRequest", `Unknown subscription '${value}'`);
    }
    if (!mine.includes(value)) {
      throw fail(403, "PermissionDenied", `You are not a manager of subscription '${value}'`);
    }
    return value;
  }

  router.route("GET", `${API}/endpoint_search`, (request) => {
    const caller = state.caller(request);
    const fail = failFor(request);
    const fulltext = request.query.get("filter_fulltext") ?? "";
    const scope = request.query.get("filter_scope") ?? "all";
    const limit = intParam(request.query, "limit", { default: 25, min: 1, max: 100 }, fail);
    const offset = intParam(request.query, "offset", { default: 0, min: 0, max: 999 }, fail);
    if (offset + limit > 1000) {
      throw fail(400, "BadRequest", "offset + limit must not exceed 1000 for endpoint search");
    }
    const usedByCaller = new Set<string>();
    for (const task of docs.activityOf(caller)) {
      usedByCaller.add(task.sourceEndpointId);
      if (task.destinationEndpointId) usedByCaller.add(task.destinationEndpointId);
    }
    const owns = (endpoint: EndpointState) => {
      const owner = state.ownerIdentity(endpoint.seed);
      return owner !== undefined && caller.identities.has(owner);
    };
    let matches = state.endpoints();
    switch (scope) {
      case "all":
        if (!fulltext) {
          throw fail(400, "BadRequest", "filter_fulltext is required when filter_scope is 'all'");
        }
        break;
      case "my-endpoints":
        matches = matches.filter(owns);
        break;
      case "my-gcp-endpoints":
        matches = matches.filter(
          (endpoint) => owns(endpoint) && state.entityType(endpoint) === "GCP_mapped_collection",
        );
        break;
      case "administered-by-me":
        matches = matches.filter((endpoint) => state.hasRole(caller, endpoint, "administrator"));
        break;
      case "recently-used":
        matches = matches.filter((endpoint) => usedByCaller.has(endpoint.seed.id));
        break;
      case "in-use":
        matches = matches.filter(
          (endpoint) => usedByCaller.has(endpoint.seed.id) && docs.inUse(endpoint),
        );
        break;
      case "shared-by-me":
        matches = matches.filter(
          (endpoint) =>
            state.isGuest(endpoint) &&
            state.hasRole(caller, endpoint, "administrator", "access_manager"),
        );
        break;
      case "shared-with-me":
        matches = matches.filter(
          (endpoint) =>
            state.isGuest(endpoint) &&
            !state.hasRole(caller, endpoint, "administrator", "access_manager") &&
            endpoint.rules.some((rule) => state.ruleNames(rule, caller)),
        );
        break;
      case "hide-no-permissions":
        matches = matches.filter(
          (endpoint) =>
            state.rolesOf(caller, endpoint).size > 0 ||
            (state.isGuest(endpoint)
              ? endpoint.rules.some((rule) => state.ruleNames(rule, caller))
              : state.filePermission(caller, endpoint, []) !== undefined),
        );
        break;
      default:
        throw fail(400, "BadRequest", `Invalid filter_scope '${scope}'`);
    }
    const entityType = request.query.get("filter_entity_type");
    if (entityType) matches = matches.filter((e) => state.entityType(e) === entityType);
    const ownerId = request.query.get("filter_owner_id");
    if (ownerId) matches = matches.filter((e) => state.ownerIdentity(e.seed) === ownerId);
    const hostId = request.query.get("filter_host_endpoint");
    if (hostId) matches = matches.filter((e) => e.seed.host_endpoint_id === hostId);
    const nonFunctional = request.query.get("filter_non_functional");
    if (nonFunctional !== null && nonFunctional !== "") {
      // the emulator's collections are all functional: 1 finds none of them
      if (["1", "true", "True"].includes(nonFunctional)) matches = [];
    }
    if (fulltext) {
      matches = matches.filter((endpoint) =>
        matchesFulltext(
          fulltext,
          endpoint.seed.display_name,
          endpoint.seed.owner_string,
          endpoint.seed.id,
          endpoint.settings.description,
          endpoint.settings.keywords,
        ),
      );
    }
    const page = matches.slice(offset, offset + limit);
    return {
      body: {
        DATA_TYPE: "endpoint_list",
        DATA: page.map((endpoint) => docs.doc(endpoint, caller)),
        has_next_page: offset + limit < matches.length,
        limit,
        offset,
      },
    };
  });

  router.route("GET", `${API}/endpoint/:id`, (request) => {
    const caller = state.caller(request);
    return { body: docs.doc(state.requireEndpoint(request, request.params.id ?? ""), caller) };
  });

  router.route("PUT", `${API}/endpoint/:id`, (request) => {
    const { caller, endpoint, fail } = administered(request, "update endpoint");
    const body = objectBody(() => request.json(), fail);
    const allowed = state.isGuest(endpoint) ? GUEST_FIELDS : MAPPED_FIELDS;
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === "DATA_TYPE") {
        if (value !== "endpoint" && value !== "shared_endpoint") {
          throw fail(400, "BadRequest", `DATA_TYPE must be 'endpoint', not '${String(value)}'`);
        }
        continue;
      }
      const kind = allowed[key];
      if (!kind) throw fail(400, "BadRequest", `The field '${key}' cannot be updated`);
      const fits =
        value === null
          ? key !== "display_name"
          : kind === "integer"
            ? Number.isInteger(value)
            : typeof value === kind;
      if (!fits)
        throw fail(400, "BadRequest", `Invalid value for '${key}': ${JSON.stringify(value)}`);
      if (key === "network_use" && value !== null && !NETWORK_USE.includes(value as string)) {
        throw fail(400, "BadRequest", `network_use must be one of ${NETWORK_USE.join(", ")}`);
      }
      changes[key] = value;
    }
    if ("subscription_id" in changes) {
      endpoint.subscriptionId = subscriptionFor(request, caller, changes.subscription_id);
      delete changes.subscription_id;
    }
    if (typeof changes.display_name === "string") {
      // the collection record is shared: every service sees the new name
      endpoint.seed.display_name = changes.display_name;
      delete changes.display_name;
    }
    Object.assign(endpoint.settings, changes);
    return { body: resultDoc(request, "result", "Updated", "Endpoint updated successfully") };
  });

  router.route("DELETE", `${API}/endpoint/:id`, (request) => {
    const { endpoint } = administered(request, "delete endpoint");
    // a host takes its guest collections with it
    for (const guest of state.guestsOf(endpoint)) state.context.collections.remove(guest.seed.id);
    state.context.collections.remove(endpoint.seed.id);
    return { body: resultDoc(request, "result", "Deleted", "Endpoint deleted successfully") };
  });

  router.route("PUT", `${API}/endpoint/:id/subscription`, (request) => {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    const fail = failFor(request);
    if (state.isGuest(endpoint)) {
      throw fail(
        400,
        "BadRequest",
        "Guest collections inherit their mapped collection's subscription; set it there",
      );
    }
    requirePersonal(request, endpoint, "set the subscription of");
    state.requireRole(request, caller, endpoint, ["administrator"], "set the subscription");
    const body = objectBody(() => request.json(), fail);
    if (!Object.hasOwn(body, "subscription_id")) {
      throw fail(400, "BadRequest", "'subscription_id' is required");
    }
    endpoint.subscriptionId = subscriptionFor(request, caller, body.subscription_id);
    if (endpoint.subscriptionId === null) endpoint.subscriptionAdminVerified = false;
    return { body: resultDoc(request, "result", "Updated", "Endpoint updated successfully") };
  });

  router.route("PUT", `${API}/endpoint/:id/subscription_admin_verified`, (request) => {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    const fail = failFor(request);
    requirePersonal(request, endpoint, "verify");
    const body = objectBody(() => request.json(), fail);
    const verified = body.subscription_admin_verified;
    if (typeof verified !== "boolean") {
      throw fail(400, "BadRequest", "'subscription_admin_verified' must be true or false");
    }
    if (endpoint.subscriptionId === null) {
      throw fail(
        400,
        "BadRequest",
        "The collection must be associated with a subscription to set subscription_admin_verified",
      );
    }
    const subscriptionAdmin = state.subscriptionsOf(caller).includes(endpoint.subscriptionId);
    const endpointAdmin = state.hasRole(caller, endpoint, "administrator");
    // granting needs the subscription's administrator; revoking, either administrator
    if (!subscriptionAdmin && (verified || !endpointAdmin)) {
      throw fail(
        403,
        "PermissionDenied",
        "User does not have an admin role on the collection's subscription to set subscription_admin_verified",
      );
    }
    endpoint.subscriptionAdminVerified = verified;
    return { body: resultDoc(request, "result", "Updated", "Endpoint updated successfully") };
  });

  router.route("GET", `${API}/endpoint/:id/server_list`, (request) => {
    state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    return {
      body: {
        DATA_TYPE: "endpoint_server_list",
        endpoint: endpoint.seed.id,
        DATA: docs.servers(endpoint),
      },
    };
  });

  router.route("GET", `${API}/endpoint/:id/server/:serverId`, (request) => {
    state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    const server = docs
      .servers(endpoint)
      .find((candidate) => String(candidate.id) === request.params.serverId);
    if (!server) {
      throw failFor(request)(
        404,
        "ServerNotFound",
        `No server '${request.params.serverId}' on endpoint '${endpoint.seed.id}'`,
      );
    }
    return { body: server };
  });

  router.route("POST", `${API}/shared_endpoint`, (request) => {
    const caller = state.caller(request);
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    if (body.DATA_TYPE !== undefined && body.DATA_TYPE !== "shared_endpoint") {
      throw fail(400, "BadRequest", "DATA_TYPE must be 'shared_endpoint'");
    }
    // the Python SDK's example names the host `host_endpoint`, @globus/sdk `host_endpoint_id`
    const hostId = body.host_endpoint_id ?? body.host_endpoint;
    if (typeof hostId !== "string" || typeof body.host_path !== "string") {
      throw fail(400, "BadRequest", "'host_endpoint_id' and 'host_path' are required");
    }
    if (typeof body.display_name !== "string" || body.display_name === "") {
      throw fail(400, "BadRequest", "'display_name' is required");
    }
    const host = state.requireEndpoint(request, hostId);
    if (state.entityType(host) !== "GCP_mapped_collection") {
      throw fail(
        400,
        "BadRequest",
        `Endpoint '${hostId}' (${state.entityType(host)}) cannot host guest collections through Transfer: only Globus Connect Personal mapped collections can (GCSv5 guest collections are made through the GCS Manager API)`,
      );
    }
    state.checkCollectionAccess(request, caller, host);
    const root = state.requireRoot(request, host);
    const segments = splitPath(body.host_path, state.homeOf(caller, root));
    if (segments)
      state.requireFilePermission(request, caller, host, segments, "rw", body.host_path);
    const node = segments ? lookup(root, segments) : undefined;
    if (!segments || node?.type !== "dir") {
      throw fail(
        404,
        "ClientError.NotFound",
        `Directory '${body.host_path}' not found on endpoint '${hostId}'`,
      );
    }
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (
        ["DATA_TYPE", "host_endpoint", "host_endpoint_id", "host_path", "display_name"].includes(
          key,
        )
      ) {
        continue;
      }
      if (!GUEST_FIELDS[key]) throw fail(400, "BadRequest", `Unknown field '${key}'`);
      settings[key] = value;
    }
    const id = state.context.newId();
    state.context.collections.add({
      id,
      display_name: body.display_name,
      owner_string: caller.username,
      entity_type: "GCP_guest_collection",
      host_endpoint_id: host.seed.id,
      host_path: `/${segments.join("/")}${segments.length > 0 ? "/" : ""}`,
    });
    const guest = state.endpoint(id) as EndpointState;
    Object.assign(guest.settings, settings);
    if (!state.ownerIdentity(guest.seed)) {
      guest.roles.push({
        id: state.context.newId(),
        principalType: "identity",
        principal: caller.id,
        role: "administrator",
      });
    }
    return {
      status: 201,
      body: {
        DATA_TYPE: "endpoint_create_result",
        code: "Created",
        globus_connect_setup_key: null,
        id,
        message: "Shared endpoint created successfully",
        request_id: shortRequestId(),
        resource: "/shared_endpoint",
      },
    };
  });

  router.route("GET", `${API}/endpoint/:id/my_shared_endpoint_list`, (request) => {
    const caller = state.caller(request);
    const host = state.requireEndpoint(request, request.params.id ?? "");
    const mine = state
      .guestsOf(host)
      .filter((guest) => state.hasRole(caller, guest, "administrator", "access_manager"));
    return {
      body: { DATA_TYPE: "endpoint_list", DATA: mine.map((guest) => docs.doc(guest, caller)) },
    };
  });

  router.route("GET", `${API}/endpoint/:id/shared_endpoint_list`, (request) => {
    const caller = state.caller(request);
    const fail = failFor(request);
    const host = state.requireEndpoint(request, request.params.id ?? "");
    state.requireRole(
      request,
      caller,
      host,
      ["administrator", "activity_monitor"],
      "list the guest collections",
    );
    const maxResults = intParam(
      request.query,
      "max_results",
      { default: 100, min: 1, max: 1000 },
      fail,
    );
    const start = tokenOffset(request.query.get("next_token"), fail);
    const guests = state.guestsOf(host);
    const page = guests.slice(start, start + maxResults);
    const next = start + maxResults;
    return {
      body: {
        shared_endpoints: page.map((guest) => docs.doc(guest, caller)),
        next_token: next < guests.length ? encodeToken(next) : null,
      },
    };
  });
}

function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`, "utf8").toString("base64url");
}

function tokenOffset(token: string | null, fail: ReturnType<typeof failFor>): number {
  if (token === null || token === "") return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!match) throw fail(400, "BadRequest", `Invalid next_token '${token}'`);
  return Number(match[1]);
}
