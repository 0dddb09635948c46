/**
 * Globus's real resource servers and scope strings: the single source of truth for the
 * SDK's scope collections and for the emulator's registered scopes.
 */

/** `urn:globus:auth:scope:<resource_server>:<name>` */
export function urnScope(resourceServer: string, name: string): string {
  return `urn:globus:auth:scope:${resourceServer}:${name}`;
}

/** `https://auth.globus.org/scopes/<id>/<name>` */
export function urlScope(id: string, name: string): string {
  return `https://auth.globus.org/scopes/${id}/${name}`;
}

/** One static collection: its resource server and its named scope strings. */
export interface KnownScopeSet {
  readonly resourceServer: string;
  readonly scopes: Readonly<Record<string, string>>;
}

const AUTH_RS = "auth.globus.org";
const TRANSFER_RS = "transfer.api.globus.org";
const FLOWS_CLIENT_ID = "eec9b274-0c81-4334-bdc2-54e90e689b9a";
const GROUPS_RS = "groups.api.globus.org";
const NEXUS_RS = "nexus.api.globus.org";
const SEARCH_RS = "search.api.globus.org";
const TIMERS_RS = "524230d7-ea86-4a52-8312-86065a9e0417";
const COMPUTE_CLIENT_ID = "facd7ccc-c5f4-42aa-916b-a0e270e2c2a9";

/** Every static scope collection, keyed by the name the SDK exports it under. */
export const KNOWN_SCOPES = {
  auth: {
    resourceServer: AUTH_RS,
    scopes: {
      openid: "openid",
      email: "email",
      profile: "profile",
      manage_projects: urnScope(AUTH_RS, "manage_projects"),
      view_authentications: urnScope(AUTH_RS, "view_authentications"),
      view_clients: urnScope(AUTH_RS, "view_clients"),
      view_clients_and_scopes: urnScope(AUTH_RS, "view_clients_and_scopes"),
      view_consents: urnScope(AUTH_RS, "view_consents"),
      view_identities: urnScope(AUTH_RS, "view_identities"),
      view_identity_set: urnScope(AUTH_RS, "view_identity_set"),
    },
  },
  transfer: {
    resourceServer: TRANSFER_RS,
    scopes: {
      all: urnScope(TRANSFER_RS, "all"),
      gcp_install: urnScope(TRANSFER_RS, "gcp_install"),
    },
  },
  flows: {
    resourceServer: "flows.globus.org",
    scopes: {
      all: urlScope(FLOWS_CLIENT_ID, "all"),
      manage_flows: urlScope(FLOWS_CLIENT_ID, "manage_flows"),
      view_flows: urlScope(FLOWS_CLIENT_ID, "view_flows"),
      run: urlScope(FLOWS_CLIENT_ID, "run"),
      run_status: urlScope(FLOWS_CLIENT_ID, "run_status"),
      run_manage: urlScope(FLOWS_CLIENT_ID, "run_manage"),
      web_input_view: urlScope(FLOWS_CLIENT_ID, "web_input_view"),
      web_input_respond: urlScope(FLOWS_CLIENT_ID, "web_input_respond"),
    },
  },
  groups: {
    resourceServer: GROUPS_RS,
    scopes: {
      all: urnScope(GROUPS_RS, "all"),
      view_my_groups_and_memberships: urnScope(GROUPS_RS, "view_my_groups_and_memberships"),
    },
  },
  nexus: {
    resourceServer: NEXUS_RS,
    scopes: { groups: urnScope(NEXUS_RS, "groups") },
  },
  search: {
    resourceServer: SEARCH_RS,
    scopes: {
      all: urnScope(SEARCH_RS, "all"),
      globus_connect_server: urnScope(SEARCH_RS, "globus_connect_server"),
      ingest: urnScope(SEARCH_RS, "ingest"),
      search: urnScope(SEARCH_RS, "search"),
    },
  },
  timers: {
    resourceServer: TIMERS_RS,
    scopes: { timer: urlScope(TIMERS_RS, "timer") },
  },
  compute: {
    resourceServer: "funcx_service",
    scopes: { all: urlScope(COMPUTE_CLIENT_ID, "all") },
  },
} as const satisfies Record<string, KnownScopeSet>;

/** A flow is its own resource server (the flow id) with one `user` scope. */
export function specificFlowScopeSet(flowId: string) {
  return {
    resourceServer: flowId,
    scopes: { user: urlScope(flowId, `flow_${flowId.replaceAll("-", "_")}_user`) },
  } as const;
}

/** A GCS collection (its id is the resource server): `data_access` and `https`. */
export function gcsCollectionScopeSet(collectionId: string) {
  return {
    resourceServer: collectionId,
    scopes: {
      data_access: urlScope(collectionId, "data_access"),
      https: urlScope(collectionId, "https"),
    },
  } as const;
}

/** A GCS endpoint (its id is the resource server): `manage_collections`. */
export function gcsEndpointScopeSet(endpointId: string) {
  return {
    resourceServer: endpointId,
    scopes: { manage_collections: urnScope(endpointId, "manage_collections") },
  } as const;
}
