/**
 * GCS Manager API wire facts, from the Python SDK 4.9's `services/gcs/client.py`, its
 * payload builders (`services/gcs/data/`) and the responses recorded in
 * `testing/data/globus_connect_server/`. Operations without a recorded response (one
 * collection, creating and updating collections, roles) take their document's keys from
 * GCS's OpenAPI schemas as `@globus/sdk` ships them (`open-api/types/gcs/v5.4`).
 *
 * The recordings leave out different envelope keys operation by operation (the info
 * answer has no `http_response_code`, the collection list no `has_next_page`), while the
 * OpenAPI `Result` schema requires `has_next_page` and `http_response_code`: the emulator
 * sends the whole envelope, and each fact lets the keys its recording lacks be optional.
 */
import {
  GCSClient,
  GCSRoleDocument,
  MappedCollectionDocument,
  POSIXStoragePolicies,
  StorageGatewayDocument,
  UserCredentialDocument,
} from "../../../src/index.ts";
import { DEMO_COLLECTION_ID, DEMO_GCS_ENDPOINT_ID } from "../../../src/testing/index.ts";
import type { WireContext, WireFact } from "../facts.ts";
import { S, type Shape } from "../shape.ts";

export const service = "gcs";

const ENVELOPE: Record<string, Shape> = {
  DATA_TYPE: S.str,
  code: S.str,
  detail: S.str,
  http_response_code: S.int,
  has_next_page: S.bool,
  message: S.str,
  marker: S.str,
};

/** A `result#` envelope: the keys its recording has are required, the others optional. */
function result(data: Shape, recorded: readonly string[]): Shape {
  const fields: Record<string, Shape> = { data: S.array(data) };
  for (const [key, shape] of Object.entries(ENVELOPE)) {
    fields[key] = recorded.includes(key) ? shape : S.optional(shape);
  }
  return S.obj(fields);
}

/** Optional keys: each is sent only when the document has it set. */
function optional(fields: Record<string, Shape>): Record<string, Shape> {
  return Object.fromEntries(Object.entries(fields).map(([key, shape]) => [key, S.optional(shape)]));
}

const strings = S.array(S.str);
const nullableStr = S.nullable(S.str);
/** A connector-specific document: its `DATA_TYPE` names which, and its keys follow. */
const policies = S.open({ DATA_TYPE: S.str });
const pathRestrictions = S.obj({
  DATA_TYPE: S.str,
  ...optional({ read: strings, read_write: strings, none: strings }),
});

/**
 * A collection: the keys `get_collection_list.py` records, plus the OpenAPI `Collection`
 * fields GCS sends once set (`collection_base_path` is required there, absent from the
 * recording).
 */
const collection = S.obj({
  DATA_TYPE: S.str,
  public: S.bool,
  id: S.str,
  display_name: S.str,
  identity_id: S.str,
  collection_type: S.str,
  storage_gateway_id: S.str,
  require_high_assurance: S.bool,
  high_assurance: S.bool,
  authentication_assurance_timeout: S.int,
  authentication_timeout_mins: S.int,
  ...optional({
    collection_base_path: S.str,
    mapped_collection_id: S.str,
    user_credential_id: S.str,
    contact_email: nullableStr,
    contact_info: nullableStr,
    default_directory: S.str,
    department: nullableStr,
    description: nullableStr,
    domain_name: S.str,
    info_link: nullableStr,
    organization: S.str,
    restrict_transfers_to_high_assurance: S.str,
    user_message: nullableStr,
    user_message_link: nullableStr,
    keywords: strings,
    disable_verify: S.bool,
    enable_https: S.bool,
    force_encryption: S.bool,
    force_verify: S.bool,
    acl_expiration_mins: S.int,
    associated_flow_policy: S.any,
    guest_auth_policy_id: nullableStr,
    sharing_users_allow: S.nullable(strings),
    sharing_users_deny: S.nullable(strings),
    sharing_restrict_paths: S.nullable(pathRestrictions),
    delete_protected: S.bool,
    allow_guest_collections: S.bool,
    disable_anonymous_writes: S.bool,
    auto_delete_timeout: S.int,
    skip_auto_delete: S.bool,
    activity_notification_policy: S.any,
    policies,
  }),
});

/** A storage gateway, as `get_storage_gateway*.py` record it (`restrict_paths` on one of two). */
const storageGateway = S.obj({
  DATA_TYPE: S.str,
  id: S.str,
  display_name: S.str,
  connector_id: S.str,
  high_assurance: S.bool,
  authentication_assurance_timeout: S.int,
  authentication_timeout_mins: S.int,
  allowed_domains: strings,
  mapping: S.str,
  require_high_assurance: S.bool,
  policies,
  users_allow: strings,
  users_deny: strings,
  restrict_paths: S.optional(pathRestrictions),
  // the builder's other fields, sent back once set (OpenAPI StorageGateway)
  ...optional({
    identity_mappings: S.array(S.any),
    root: S.str,
    require_mfa: S.bool,
    process_user: nullableStr,
    load_dsi_module: nullableStr,
  }),
});

/** A user credential, as `get_user_credential*.py` record it. */
const userCredential = S.obj({
  DATA_TYPE: S.str,
  connector_id: S.str,
  display_name: nullableStr,
  id: S.str,
  identity_id: S.str,
  invalid: S.bool,
  policies,
  provisioned: S.bool,
  storage_gateway_id: S.str,
  username: S.str,
});

/** A role: no recording; the OpenAPI `Role_1_0_0` schema. */
const role = S.obj({
  DATA_TYPE: S.str,
  id: S.str,
  collection: nullableStr,
  principal: S.str,
  role: S.str,
});

/** The endpoint, as `get_endpoint.py` records it, plus the `Endpoint_1_2_0` fields once set. */
const endpoint = S.obj({
  DATA_TYPE: S.str,
  allow_udt: S.bool,
  contact_email: S.str,
  display_name: S.str,
  gcs_manager_url: S.str,
  gridftp_control_channel_port: S.nullable(S.int),
  id: S.str,
  network_use: S.str,
  organization: S.str,
  public: S.bool,
  subscription_id: nullableStr,
  ...optional({
    contact_info: S.str,
    department: S.str,
    description: S.str,
    info_link: S.str,
    keywords: strings,
    max_concurrency: S.int,
    max_parallelism: S.int,
    preferred_concurrency: S.int,
    preferred_parallelism: S.int,
  }),
});

const info = S.obj({
  DATA_TYPE: S.str,
  api_version: S.str,
  client_id: S.str,
  domain_name: S.str,
  endpoint_id: S.str,
  manager_version: S.str,
});

const connector = S.obj({
  DATA_TYPE: S.str,
  display_name: S.str,
  id: S.str,
  is_baa: S.bool,
  is_ha: S.bool,
});

/** Every key a collection document builder can send (`data/collection.py`). */
const COLLECTION_BODY = [
  "DATA_TYPE",
  "collection_type",
  "collection_base_path",
  "contact_email",
  "contact_info",
  "default_directory",
  "department",
  "description",
  "display_name",
  "identity_id",
  "info_link",
  "organization",
  "restrict_transfers_to_high_assurance",
  "user_message",
  "user_message_link",
  "keywords",
  "disable_verify",
  "enable_https",
  "force_encryption",
  "force_verify",
  "public",
  "acl_expiration_mins",
  "associated_flow_policy",
  "domain_name",
  "guest_auth_policy_id",
  "storage_gateway_id",
  "sharing_users_allow",
  "sharing_users_deny",
  "sharing_restrict_paths",
  "delete_protected",
  "allow_guest_collections",
  "disable_anonymous_writes",
  "auto_delete_timeout",
  "policies",
  "mapped_collection_id",
  "user_credential_id",
  "skip_auto_delete",
  "activity_notification_policy",
];

/** `data/storage_gateway.py`'s `StorageGatewayDocument`. */
const STORAGE_GATEWAY_BODY = [
  "DATA_TYPE",
  "display_name",
  "connector_id",
  "root",
  "allowed_domains",
  "users_allow",
  "users_deny",
  "high_assurance",
  "require_mfa",
  "authentication_timeout_mins",
  "identity_mappings",
  "policies",
];

/** `data/user_credential.py`'s `UserCredentialDocument`. */
const USER_CREDENTIAL_BODY = [
  "DATA_TYPE",
  "identity_id",
  "connector_id",
  "username",
  "display_name",
  "storage_gateway_id",
  "policies",
];

/** `data/endpoint.py`'s `EndpointDocument`. */
const ENDPOINT_BODY = [
  "DATA_TYPE",
  "contact_email",
  "contact_info",
  "department",
  "description",
  "display_name",
  "info_link",
  "network_use",
  "organization",
  "keywords",
  "allow_udt",
  "public",
  "max_concurrency",
  "max_parallelism",
  "preferred_concurrency",
  "preferred_parallelism",
  "subscription_id",
  "gridftp_control_channel_port",
];

const PAGED = ["page_size", "marker"];
const CLIENT = "services/gcs/client.py";
const DATA = "testing/data/globus_connect_server";
const OPENAPI = "@globus/sdk open-api/types/gcs/v5.4";
const POSIX = "145812c8-decc-41f1-83cf-bb2a85a2a70b";

/** Alice owns the demo endpoint; her client reaches it on the shared port. */
function gcs(context: WireContext): GCSClient {
  const address = context.emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!;
  return new GCSClient(address, DEMO_GCS_ENDPOINT_ID, { app: context.userApp() });
}

/** A POSIX gateway for the globusid.org domain, made through the client. */
function newGateway(client: GCSClient) {
  return client.createStorageGateway(
    new StorageGatewayDocument({
      displayName: "wire gateway",
      connectorId: POSIX,
      allowedDomains: ["globusid.org"],
      policies: new POSIXStoragePolicies({ groupsAllow: ["globus"] }),
    }),
  );
}

async function newCollection(client: GCSClient) {
  const { storage_gateway_id } = await client.getCollection(DEMO_COLLECTION_ID);
  return client.createCollection(
    new MappedCollectionDocument({
      storageGatewayId: String(storage_gateway_id),
      collectionBasePath: "/shared",
      displayName: "wire collection",
      keywords: ["wire"],
    }),
  );
}

async function newCredential(client: GCSClient) {
  const gateway = await newGateway(client);
  return client.createUserCredential(
    new UserCredentialDocument({ storageGatewayId: gateway.id, displayName: "wire credential" }),
  );
}

export const facts: WireFact[] = [
  {
    python: "GCSClient.get_gcs_info",
    source: `${CLIENT}; ${DATA}/get_gcs_info.py`,
    service,
    method: "GET",
    path: "/api/info",
    response: result(S.oneOf(info, connector), ["DATA_TYPE", "code"]),
    drive: (context) => gcs(context).getGcsInfo(),
  },
  {
    python: "GCSClient.get_endpoint",
    source: `${CLIENT}; ${DATA}/get_endpoint.py`,
    service,
    method: "GET",
    path: "/api/endpoint",
    response: result(endpoint, [
      "DATA_TYPE",
      "code",
      "detail",
      "has_next_page",
      "http_response_code",
    ]),
    drive: (context) => gcs(context).getEndpoint(),
  },
  {
    python: "GCSClient.update_endpoint",
    source: `${CLIENT}; data/endpoint.py; ${DATA}/update_endpoint.py`,
    service,
    method: "PATCH",
    path: "/api/endpoint",
    query: ["include"],
    body: ENDPOINT_BODY,
    response: result(endpoint, [
      "DATA_TYPE",
      "code",
      "detail",
      "has_next_page",
      "http_response_code",
      "message",
    ]),
    drive: (context) =>
      gcs(context).updateEndpoint({ DATA_TYPE: "endpoint#1.0.0", description: "wire facts" }),
  },
  {
    python: "GCSClient.get_collection_list",
    source: `${CLIENT}; ${DATA}/get_collection_list.py; ${OPENAPI} Collection`,
    service,
    method: "GET",
    path: "/api/collections",
    query: ["include", "page_size", "marker", "mapped_collection_id", "filter"],
    response: result(collection, ["DATA_TYPE", "code", "detail", "http_response_code"]),
    drive: (context) =>
      gcs(context).getCollectionList({ filter: "mapped_collections", pageSize: 5 }).toArray(),
  },
  {
    python: "GCSClient.get_collection",
    source: `${CLIENT}; ${OPENAPI} getCollection (no recorded response)`,
    service,
    method: "GET",
    path: "/api/collections/{collection_id}",
    response: result(collection, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: (context) => gcs(context).getCollection(DEMO_COLLECTION_ID),
  },
  {
    python: "GCSClient.create_collection",
    source: `${CLIENT}; data/collection.py; ${OPENAPI} postCollection (no recorded response)`,
    service,
    method: "POST",
    path: "/api/collections",
    body: COLLECTION_BODY,
    response: result(collection, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: (context) => newCollection(gcs(context)),
  },
  {
    python: "GCSClient.update_collection",
    source: `${CLIENT}; data/collection.py; ${OPENAPI} patchCollection (no recorded response)`,
    service,
    method: "PATCH",
    path: "/api/collections/{collection_id}",
    body: COLLECTION_BODY,
    response: result(collection, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: async (context) => {
      const client = gcs(context);
      const created = await newCollection(client);
      return client.updateCollection(
        created.id,
        new MappedCollectionDocument({ description: "updated", allowGuestCollections: true }),
      );
    },
  },
  {
    python: "GCSClient.delete_collection",
    source: `${CLIENT}; ${OPENAPI} deleteCollection (no recorded response)`,
    service,
    method: "DELETE",
    path: "/api/collections/{collection_id}",
    response: result(S.any, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: async (context) => {
      const client = gcs(context);
      const created = await newCollection(client);
      return client.deleteCollection(created.id);
    },
  },
  {
    python: "GCSClient.get_storage_gateway_list",
    source: `${CLIENT}; ${DATA}/get_storage_gateway_list.py`,
    service,
    method: "GET",
    path: "/api/storage_gateways",
    query: ["include", ...PAGED],
    response: result(storageGateway, ["DATA_TYPE", "code", "detail", "http_response_code"]),
    drive: (context) =>
      gcs(context).getStorageGatewayList({ include: "private_policies" }).toArray(),
  },
  {
    python: "GCSClient.create_storage_gateway",
    source: `${CLIENT}; data/storage_gateway.py; ${DATA}/create_storage_gateway.py`,
    service,
    method: "POST",
    path: "/api/storage_gateways",
    body: STORAGE_GATEWAY_BODY,
    response: result(storageGateway, [
      "DATA_TYPE",
      "code",
      "detail",
      "http_response_code",
      "message",
    ]),
    drive: (context) => newGateway(gcs(context)),
  },
  {
    python: "GCSClient.get_storage_gateway",
    source: `${CLIENT}; ${DATA}/get_storage_gateway.py`,
    service,
    method: "GET",
    path: "/api/storage_gateways/{storage_gateway_id}",
    query: ["include"],
    response: result(storageGateway, [
      "DATA_TYPE",
      "code",
      "detail",
      "http_response_code",
      "message",
    ]),
    drive: async (context) => {
      const client = gcs(context);
      const gateway = await newGateway(client);
      return client.getStorageGateway(gateway.id, { include: ["private_policies"] });
    },
  },
  {
    python: "GCSClient.update_storage_gateway",
    source: `${CLIENT}; data/storage_gateway.py; ${DATA}/update_storage_gateway.py`,
    service,
    method: "PATCH",
    path: "/api/storage_gateways/{storage_gateway_id}",
    body: STORAGE_GATEWAY_BODY,
    response: result(storageGateway, [
      "DATA_TYPE",
      "code",
      "detail",
      "http_response_code",
      "message",
    ]),
    drive: async (context) => {
      const client = gcs(context);
      const gateway = await newGateway(client);
      return client.updateStorageGateway(
        gateway.id,
        new StorageGatewayDocument({ displayName: "renamed", usersDeny: "root" }),
      );
    },
  },
  {
    python: "GCSClient.delete_storage_gateway",
    source: `${CLIENT}; ${DATA}/delete_storage_gateway.py`,
    service,
    method: "DELETE",
    path: "/api/storage_gateways/{storage_gateway_id}",
    // the recording answers with one empty document
    response: result(S.obj({}), ["DATA_TYPE", "code", "detail", "http_response_code", "message"]),
    drive: async (context) => {
      const client = gcs(context);
      const gateway = await newGateway(client);
      return client.deleteStorageGateway(gateway.id);
    },
  },
  {
    python: "GCSClient.get_role_list",
    source: `${CLIENT}; ${OPENAPI} listRoles, Role (no recorded response)`,
    service,
    method: "GET",
    path: "/api/roles",
    query: ["include", "collection_id", ...PAGED],
    response: result(role, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: (context) =>
      gcs(context)
        .getRoleList({ collectionId: DEMO_COLLECTION_ID, include: "all_roles", pageSize: 10 })
        .toArray(),
  },
  {
    python: "GCSClient.create_role",
    source: `${CLIENT}; data/role.py; ${OPENAPI} postRoles (no recorded response)`,
    service,
    method: "POST",
    path: "/api/roles",
    body: ["DATA_TYPE", "collection", "principal", "role"],
    response: result(role, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: (context) =>
      gcs(context).createRole(
        new GCSRoleDocument({
          collection: DEMO_COLLECTION_ID,
          principal: `urn:globus:groups:id:${crypto.randomUUID()}`,
          role: "activity_monitor",
        }),
      ),
  },
  {
    python: "GCSClient.get_role",
    source: `${CLIENT}; ${OPENAPI} getRole (no recorded response)`,
    service,
    method: "GET",
    path: "/api/roles/{role_id}",
    response: result(role, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: async (context) => {
      const client = gcs(context);
      const [first] = await client.getRoleList().toArray(1);
      return client.getRole(first!.id);
    },
  },
  {
    python: "GCSClient.delete_role",
    source: `${CLIENT}; ${OPENAPI} deleteRole (no recorded response)`,
    service,
    method: "DELETE",
    path: "/api/roles/{role_id}",
    response: result(S.any, ["DATA_TYPE", "code", "http_response_code", "has_next_page"]),
    drive: async (context) => {
      const client = gcs(context);
      const created = await client.createRole(
        new GCSRoleDocument({
          principal: `urn:globus:groups:id:${crypto.randomUUID()}`,
          role: "activity_monitor",
        }),
      );
      return client.deleteRole(created.id);
    },
  },
  {
    python: "GCSClient.get_user_credential_list",
    source: `${CLIENT}; ${DATA}/get_user_credential_list.py`,
    service,
    method: "GET",
    path: "/api/user_credentials",
    query: ["storage_gateway", ...PAGED],
    response: result(userCredential, [
      "DATA_TYPE",
      "code",
      "detail",
      "has_next_page",
      "http_response_code",
    ]),
    drive: async (context) => {
      const client = gcs(context);
      const credential = await newCredential(client);
      return client
        .getUserCredentialList({ storageGateway: credential.storage_gateway_id })
        .toArray();
    },
  },
  {
    python: "GCSClient.create_user_credential",
    source: `${CLIENT}; data/user_credential.py; ${DATA}/create_user_credential.py`,
    service,
    method: "POST",
    path: "/api/user_credentials",
    body: USER_CREDENTIAL_BODY,
    status: 201,
    response: result(userCredential, [
      "DATA_TYPE",
      "code",
      "detail",
      "has_next_page",
      "http_response_code",
      "message",
    ]),
    drive: (context) => newCredential(gcs(context)),
  },
  {
    python: "GCSClient.get_user_credential",
    source: `${CLIENT}; ${DATA}/get_user_credential.py`,
    service,
    method: "GET",
    path: "/api/user_credentials/{user_credential_id}",
    response: result(userCredential, [
      "DATA_TYPE",
      "code",
      "detail",
      "has_next_page",
      "http_response_code",
    ]),
    drive: async (context) => {
      const client = gcs(context);
      const credential = await newCredential(client);
      return client.getUserCredential(credential.id);
    },
  },
  {
    python: "GCSClient.update_user_credential",
    source: `${CLIENT}; data/user_credential.py; ${DATA}/update_user_credential.py`,
    service,
    method: "PATCH",
    path: "/api/user_credentials/{user_credential_id}",
    body: USER_CREDENTIAL_BODY,
    response: result(userCredential, [
      "DATA_TYPE",
      "code",
      "detail",
      "has_next_page",
      "http_response_code",
      "message",
    ]),
    drive: async (context) => {
      const client = gcs(context);
      const credential = await newCredential(client);
      return client.updateUserCredential(
        credential.id,
        new UserCredentialDocument({ displayName: "updated_posix_credential" }),
      );
    },
  },
  {
    python: "GCSClient.delete_user_credential",
    source: `${CLIENT}; ${DATA}/delete_user_credential.py`,
    service,
    method: "DELETE",
    path: "/api/user_credentials/{user_credential_id}",
    response: result(S.any, [
      "DATA_TYPE",
      "code",
      "detail",
      "has_next_page",
      "http_response_code",
      "message",
    ]),
    drive: async (context) => {
      const client = gcs(context);
      const credential = await newCredential(client);
      return client.deleteUserCredential(credential.id);
    },
  },
];
