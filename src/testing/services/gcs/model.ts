/**
 * One emulated GCS endpoint: its storage gateways, collections, roles and user
 * credentials, who may do what (roles, allowed domains), and the documents it answers with.
 * Collections are also Transfer endpoints: each has a record in the emulator's shared
 * collection registry, kept in step with it (display name, allowed domains), so Transfer
 * lists and serves them.
 */
import { ConnectorTable } from "../../../services/gcs/connectors.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  SeedEndpoint,
  SeedTreeNode,
} from "../../types.ts";
import { identityUrn, listParam } from "../common.ts";
import {
  COLLECTION_FIXED,
  checkDocument,
  ENDPOINT,
  GUEST_COLLECTION,
  MAPPED_COLLECTION,
  ROLE,
  STORAGE_GATEWAY,
  USER_CREDENTIAL,
} from "./fields.ts";
import { type Doc, gcsError, invalid, notFound, paged, reply } from "./wire.ts";

/** Who is calling: the token, and every principal URN and domain of its identity set. */
export interface Caller {
  readonly token: AccessTokenInfo;
  readonly identityIds: readonly string[];
  readonly urns: ReadonlySet<string>;
  readonly domains: readonly string[];
}

interface Gateway {
  id: string;
  fields: Record<string, unknown>;
  /** The storage behind it, which new collections show below their base path. */
  storage: SeedTreeNode;
}

interface Collection {
  id: string;
  type: "mapped" | "guest";
  fields: Record<string, unknown>;
  identityId: string | null;
  gatewayId: string | null;
  mappedId: string | null;
  /** Its Transfer endpoint record in the shared registry. */
  record: SeedEndpoint;
}

interface Role {
  id: string;
  collection: string | null;
  principal: string;
  role: string;
}

interface Credential {
  id: string;
  identityId: string;
  gatewayId: string;
  fields: Record<string, unknown>;
}

/** Roles a principal may hold, on the endpoint and on a collection. */
const ENDPOINT_ROLES = ["owner", "administrator", "activity_manager", "activity_monitor"];
const COLLECTION_ROLES = [
  "administrator",
  "access_manager",
  "activity_manager",
  "activity_monitor",
];
const ENDPOINT_ADMIN = ["owner", "administrator"];
const PRINCIPAL =
  /^urn:globus:(auth:identity|groups:id):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The policies document types of each connector (`<prefix>_storage_policies#1.0.0`, ...). */
const POLICY_PREFIXES: Record<string, string> = {
  [ConnectorTable.POSIX.connectorId]: "posix",
  [ConnectorTable.POSIX_STAGING.connectorId]: "posix_staging",
  [ConnectorTable.S3.connectorId]: "s3",
  [ConnectorTable.ACTIVESCALE.connectorId]: "s3",
  [ConnectorTable.AZURE_BLOB.connectorId]: "azure_blob",
  [ConnectorTable.BLACKPEARL.connectorId]: "blackpearl",
  [ConnectorTable.BOX.connectorId]: "box",
  [ConnectorTable.CEPH.connectorId]: "ceph",
  [ConnectorTable.DROPBOX.connectorId]: "dropbox",
  [ConnectorTable.GOOGLE_CLOUD_STORAGE.connectorId]: "google_cloud_storage",
  [ConnectorTable.GOOGLE_DRIVE.connectorId]: "google_drive",
  [ConnectorTable.HPSS.connectorId]: "hpss",
  [ConnectorTable.IRODS.connectorId]: "irods",
  [ConnectorTable.ONEDRIVE.connectorId]: "onedrive",
};

/** A copy of the directory at `path` of `tree`, as the root of a new collection. */
function subtree(tree: SeedTreeNode | undefined, path: string): SeedTreeNode {
  let node = tree;
  for (const segment of path.split("/").filter(Boolean)) {
    node =
      node?.type === "dir" ? node.children?.find((child) => child.name === segment) : undefined;
  }
  const children = node?.type === "dir" ? structuredClone(node.children ?? []) : [];
  return { name: "/", type: "dir", children };
}

export class GcsEndpoint {
  readonly id: string;
  /** The GCS Manager's Auth client id: the endpoint's resource server. */
  readonly clientId: string;
  readonly #context: EmulatorContext;
  #fields: Record<string, unknown>;
  readonly #gateways = new Map<string, Gateway>();
  readonly #collections = new Map<string, Collection>();
  readonly #roles = new Map<string, Role>();
  readonly #credentials = new Map<string, Credential>();

  constructor(context: EmulatorContext, id: string, clientId: string, ownerId: string | null) {
    this.#context = context;
    this.id = id;
    this.clientId = clientId;
    const owner = ownerId ? context.identity(ownerId) : undefined;
    this.#fields = {
      display_name: "Emulator GCS Endpoint",
      contact_email: owner?.email ?? "support@globus.org",
      organization: owner?.organization ?? "Globus",
      allow_udt: false,
      gridftp_control_channel_port: 443,
      network_use: "normal",
      public: true,
      subscription_id: null,
    };
    if (ownerId) this.#addRole(null, identityUrn(ownerId), "owner");
  }

  /** Takes in a seeded collection: a mapped collection on a POSIX gateway of its own. */
  adoptSeeded(record: SeedEndpoint, everyDomain: readonly string[]): void {
    const owner = this.#context.seed.identities.find((i) => i.username === record.owner_string);
    const guest = record.entity_type === "GCSv5_guest_collection";
    const mapped = guest
      ? [...this.#collections.values()].find((c) => c.type === "mapped")
      : undefined;
    let gatewayId: string | null = mapped?.gatewayId ?? null;
    if (!guest) {
      const gateway = this.#newGateway(
        {
          display_name: `POSIX gateway for ${record.display_name}`,
          connector_id: ConnectorTable.POSIX.connectorId,
          high_assurance: record.high_assurance === true,
          allowed_domains: [...(record.allowed_domains ?? everyDomain)],
          restrict_paths: { DATA_TYPE: "path_restrictions#1.0.0", read_write: ["/"] },
          // as the recorded responses name POSIX gateway policies
          policies: { DATA_TYPE: "posix_storage_gateway#1.0.0", groups_allow: [], groups_deny: [] },
        },
        record.tree ?? { name: "/", type: "dir", children: [] },
      );
      gatewayId = gateway.id;
    }
    const collection: Collection = {
      id: record.id,
      type: guest ? "guest" : "mapped",
      fields: { display_name: record.display_name, collection_base_path: "/", public: true },
      identityId: owner?.id ?? null,
      gatewayId,
      mappedId: mapped?.id ?? null,
      record,
    };
    this.#collections.set(collection.id, collection);
    this.#syncDomains(collection);
    if (owner) this.#addRole(collection.id, identityUrn(owner.id), "administrator");
  }

  // -- who may do what ---------------------------------------------------------------------

  #rolesOf(caller: Caller, collection: string | null): string[] {
    return [...this.#roles.values()]
      .filter((role) => role.collection === collection && caller.urns.has(role.principal))
      .map((role) => role.role);
  }

  #isEndpointAdmin(caller: Caller): boolean {
    return this.#rolesOf(caller, null).some((role) => ENDPOINT_ADMIN.includes(role));
  }

  #isCollectionAdmin(caller: Caller, collection: Collection): boolean {
    return (
      this.#isEndpointAdmin(caller) ||
      this.#rolesOf(caller, collection.id).includes("administrator")
    );
  }

  /** GCS's 403 for a missing role, naming the roles that would do. */
  #missingRole(action: string, collection?: string): never {
    const roles = collection
      ? [{ role: "administrator", collection }, { role: "administrator" }, { role: "owner" }]
      : [{ role: "administrator" }, { role: "owner" }];
    throw gcsError(403, "permission_denied", `Insufficient permissions to ${action}`, {
      DATA_TYPE: "missing_required_role#1.0.0",
      roles,
    });
  }

  #requireEndpointAdmin(caller: Caller, action: string): void {
    if (!this.#isEndpointAdmin(caller)) this.#missingRole(action);
  }

  #requireCollectionAdmin(caller: Caller, collection: Collection, action: string): void {
    if (!this.#isCollectionAdmin(caller, collection)) this.#missingRole(action, collection.id);
  }

  /** A storage gateway's `allowed_domains` decide who may create credentials and guest collections. */
  #requireAllowedDomain(caller: Caller, gateway: Gateway): void {
    const allowed = (gateway.fields.allowed_domains as string[] | undefined) ?? [];
    if (caller.token.isClientCredentials || caller.domains.some((d) => allowed.includes(d))) return;
    throw gcsError(
      403,
      "permission_denied",
      `No identity of the caller is from a domain storage gateway '${gateway.id}' allows (${allowed.join(", ")})`,
      { DATA_TYPE: "not_from_allowed_domain#1.0.0", allowed_domains: [...allowed] },
    );
  }

  #canSee(caller: Caller, collection: Collection): boolean {
    return (
      collection.fields.public !== false ||
      this.#isEndpointAdmin(caller) ||
      this.#rolesOf(caller, collection.id).length > 0 ||
      (collection.identityId !== null && caller.identityIds.includes(collection.identityId))
    );
  }

  // -- lookups -----------------------------------------------------------------------------

  #collection(id: string): Collection {
    const collection = this.#collections.get(id);
    if (!collection) throw notFound("Collection", id);
    return collection;
  }

  #gateway(id: string): Gateway {
    const gateway = this.#gateways.get(id);
    if (!gateway) throw notFound("Storage gateway", id);
    return gateway;
  }

  #credential(caller: Caller, id: string): Credential {
    const credential = this.#credentials.get(id);
    if (!credential || !caller.identityIds.includes(credential.identityId)) {
      throw notFound("User credential", id);
    }
    return credential;
  }

  /** The gateway a collection's data is on (a guest collection's is its mapped collection's). */
  #gatewayOf(collection: Collection): Gateway | undefined {
    return collection.gatewayId ? this.#gateways.get(collection.gatewayId) : undefined;
  }

  // -- documents ---------------------------------------------------------------------------

  #collectionDoc(collection: Collection): Doc {
    const gateway = this.#gatewayOf(collection);
    const ha = gateway?.fields.high_assurance === true;
    const timeout = (gateway?.fields.authentication_timeout_mins as number | undefined) ?? 15840;
    const { DATA_TYPE = "collection#1.0.0", ...fields } = collection.fields;
    return {
      DATA_TYPE,
      ...fields,
      id: collection.id,
      collection_type: collection.type,
      public: collection.fields.public !== false,
      identity_id: collection.identityId,
      storage_gateway_id: collection.gatewayId,
      ...(collection.mappedId ? { mapped_collection_id: collection.mappedId } : {}),
      high_assurance: ha,
      require_high_assurance: ha,
      authentication_timeout_mins: timeout,
      authentication_assurance_timeout: timeout,
    };
  }

  #gatewayDoc(gateway: Gateway): Doc {
    const { DATA_TYPE = "storage_gateway#1.0.0", ...fields } = gateway.fields;
    const ha = fields.high_assurance === true;
    const timeout = (fields.authentication_timeout_mins as number | undefined) ?? (ha ? 30 : 15840);
    return {
      DATA_TYPE,
      high_assurance: ha,
      require_high_assurance: ha,
      authentication_assurance_timeout: timeout,
      allowed_domains: [],
      mapping: "username_without_domain",
      users_allow: [],
      users_deny: [],
      ...fields,
      authentication_timeout_mins: timeout,
      id: gateway.id,
    };
  }

  #roleDoc(role: Role): Doc {
    return {
      DATA_TYPE: "role#1.0.0",
      id: role.id,
      collection: role.collection,
      principal: role.principal,
      role: role.role,
    };
  }

  #credentialDoc(credential: Credential): Doc {
    return { ...credential.fields, id: credential.id };
  }

  #endpointDoc(): Doc {
    const { DATA_TYPE = "endpoint#1.2.0", ...fields } = this.#fields;
    return {
      DATA_TYPE,
      ...fields,
      id: this.id,
      gcs_manager_url: this.#context.gcsUrl(this.id).replace(/\/$/, ""),
    };
  }

  // -- the endpoint ------------------------------------------------------------------------

  /** `GET /api/info`: the endpoint id, the Manager's client id, and the connectors in use. */
  info() {
    const manager = new URL(this.#context.gcsUrl(this.id));
    const connectorIds = new Set(
      [...this.#gateways.values()].map((gateway) => String(gateway.fields.connector_id)),
    );
    if (connectorIds.size === 0) connectorIds.add(ConnectorTable.POSIX.connectorId);
    const connectors = [...connectorIds].map((id) => ({
      DATA_TYPE: "connector#1.1.0",
      display_name: ConnectorTable.lookup(id)?.name ?? id,
      id,
      is_baa: false,
      is_ha: false,
    }));
    return reply(
      200,
      [
        {
          DATA_TYPE: "info#1.0.0",
          api_version: "1.29.0",
          client_id: this.clientId,
          domain_name: manager.host,
          endpoint_id: this.id,
          manager_version: "5.4.76",
        },
        ...connectors,
      ],
      { DATA_TYPE: "result#1.1.0" },
    );
  }

  getEndpoint() {
    return reply(200, [this.#endpointDoc()]);
  }

  updateEndpoint(caller: Caller, request: EmulatorRequest) {
    this.#requireEndpointAdmin(caller, "update the endpoint");
    const body = request.json() as Doc;
    const changes = checkDocument(body, ENDPOINT);
    const next = { ...this.#fields, ...changes };
    if (next.network_use === "custom") {
      for (const key of [
        "max_concurrency",
        "preferred_concurrency",
        "max_parallelism",
        "preferred_parallelism",
      ]) {
        if (next[key] === undefined) throw invalid(key, "is required when network_use is custom");
      }
    }
    this.#fields = {
      ...next,
      ...(typeof body.DATA_TYPE === "string" ? { DATA_TYPE: body.DATA_TYPE } : {}),
    };
    const include = listParam(request.query, "include").includes("endpoint");
    return reply(200, include ? [this.#endpointDoc()] : [], {
      message: `Updated endpoint ${this.id}`,
    });
  }

  // -- collections -------------------------------------------------------------------------

  listCollections(caller: Caller, request: EmulatorRequest) {
    const filters = listParam(request.query, "filter");
    const mappedId = request.query.get("mapped_collection_id");
    const collections = [...this.#collections.values()].filter(
      (c) =>
        this.#canSee(caller, c) &&
        (!filters.includes("mapped_collections") || c.type === "mapped") &&
        (!filters.includes("guest_collections") || c.type === "guest") &&
        (!filters.includes("managed_by_me") || this.#isCollectionAdmin(caller, c)) &&
        (!filters.includes("created_by_me") ||
          (c.identityId !== null && caller.identityIds.includes(c.identityId))) &&
        (!mappedId || c.mappedId === mappedId),
    );
    return {
      body: paged(
        request,
        collections.map((c) => this.#collectionDoc(c)),
      ),
    };
  }

  getCollection(caller: Caller, id: string) {
    const collection = this.#collection(id);
    if (!this.#canSee(caller, collection)) this.#missingRole("read this collection", id);
    return reply(200, [this.#collectionDoc(collection)]);
  }

  createCollection(caller: Caller, request: EmulatorRequest) {
    const body = request.json() as Doc;
    const type = (body as { collection_type?: unknown }).collection_type;
    if (type !== "mapped" && type !== "guest") {
      throw invalid("collection_type", "must be mapped or guest");
    }
    const fields = checkDocument(body, type === "mapped" ? MAPPED_COLLECTION : GUEST_COLLECTION);
    for (const key of ["display_name", "collection_base_path"]) {
      if (typeof fields[key] !== "string") throw invalid(key, "is required");
    }
    const identityId = (fields.identity_id as string | undefined) ?? caller.token.identityId;
    if (!caller.identityIds.includes(identityId)) {
      throw gcsError(403, "permission_denied", `Identity '${identityId}' is not the caller's`, {
        DATA_TYPE: "id_not_in_identity_set#1.0.0",
      });
    }
    let gateway: Gateway;
    let mapped: Collection | undefined;
    let tree: SeedTreeNode;
    if (type === "mapped") {
      this.#requireEndpointAdmin(caller, "create a mapped collection");
      if (typeof fields.storage_gateway_id !== "string") {
        throw invalid("storage_gateway_id", "is required");
      }
      gateway = this.#gateway(fields.storage_gateway_id);
      tree = subtree(gateway.storage, String(fields.collection_base_path));
    } else {
      for (const key of ["mapped_collection_id", "user_credential_id"]) {
        if (typeof fields[key] !== "string") throw invalid(key, "is required");
      }
      mapped = this.#collection(String(fields.mapped_collection_id));
      if (mapped.type !== "mapped")
        throw invalid("mapped_collection_id", "is not a mapped collection");
      if (mapped.fields.allow_guest_collections !== true) {
        throw gcsError(
          403,
          "permission_denied",
          `Mapped collection '${mapped.id}' does not allow guest collections`,
        );
      }
      const found = this.#gatewayOf(mapped);
      if (!found) throw notFound("Storage gateway of mapped collection", mapped.id);
      gateway = found;
      this.#requireAllowedDomain(caller, gateway);
      const credential = this.#credentials.get(String(fields.user_credential_id));
      if (
        !credential ||
        credential.identityId !== identityId ||
        credential.gatewayId !== gateway.id
      ) {
        throw invalid(
          "user_credential_id",
          "must name the owner's user credential on the mapped collection's storage gateway",
        );
      }
      const mappedTree = this.#context.collections.get(mapped.id)?.tree;
      tree = subtree(mappedTree, String(fields.collection_base_path));
    }
    const id = this.#context.newId();
    const owner = this.#context.identity(identityId);
    const ha = gateway.fields.high_assurance === true;
    const record: SeedEndpoint = {
      id,
      display_name: String(fields.display_name),
      owner_string: owner?.username ?? `${identityId}@clients.auth.globus.org`,
      entity_type: type === "mapped" ? "GCSv5_mapped_collection" : "GCSv5_guest_collection",
      gcs_endpoint_id: this.id,
      high_assurance: ha,
      // mapped collections need a data_access consent before Transfer serves them
      requires_data_access_consent: type === "mapped",
      tree,
    };
    const { storage_gateway_id, mapped_collection_id, identity_id, collection_type, ...rest } =
      fields;
    const collection: Collection = {
      id,
      type,
      fields: {
        ...(typeof body.DATA_TYPE === "string" ? { DATA_TYPE: body.DATA_TYPE } : {}),
        ...rest,
      },
      identityId,
      gatewayId: gateway.id,
      mappedId: mapped?.id ?? null,
      record,
    };
    this.#context.collections.add(record);
    this.#collections.set(id, collection);
    this.#syncDomains(collection);
    this.#addRole(id, identityUrn(caller.token.identityId), "administrator");
    return reply(201, [this.#collectionDoc(collection)], {
      detail: "created",
      message: `Created collection ${id}`,
    });
  }

  updateCollection(caller: Caller, id: string, request: EmulatorRequest) {
    const collection = this.#collection(id);
    this.#requireCollectionAdmin(caller, collection, "update this collection");
    const body = request.json();
    const changes = checkDocument(
      body,
      collection.type === "mapped" ? MAPPED_COLLECTION : GUEST_COLLECTION,
    );
    const current = this.#collectionDoc(collection);
    for (const key of COLLECTION_FIXED) {
      if (key in changes && changes[key] !== current[key]) throw invalid(key, "cannot be changed");
      delete changes[key];
    }
    collection.fields = { ...collection.fields, ...changes };
    const dataType = (body as Doc).DATA_TYPE;
    if (typeof dataType === "string") collection.fields.DATA_TYPE = dataType;
    if (typeof changes.display_name === "string") {
      collection.record.display_name = changes.display_name;
    }
    return reply(200, [this.#collectionDoc(collection)], { message: `Updated collection ${id}` });
  }

  deleteCollection(caller: Caller, id: string) {
    const collection = this.#collection(id);
    this.#requireCollectionAdmin(caller, collection, "delete this collection");
    // a mapped collection takes its guest collections with it
    const doomed = [
      collection,
      ...[...this.#collections.values()].filter((c) => c.mappedId === collection.id),
    ];
    for (const c of doomed) {
      this.#collections.delete(c.id);
      this.#context.collections.remove(c.id);
      for (const role of this.#roles.values()) {
        if (role.collection === c.id) this.#roles.delete(role.id);
      }
    }
    return reply(200, [], { message: `Deleted collection ${id}` });
  }

  /** A collection's Transfer record follows its storage gateway's `allowed_domains`. */
  #syncDomains(collection: Collection): void {
    const domains = this.#gatewayOf(collection)?.fields.allowed_domains;
    collection.record.allowed_domains = Array.isArray(domains) ? [...domains] : undefined;
  }

  // -- storage gateways --------------------------------------------------------------------

  #newGateway(fields: Record<string, unknown>, storage: SeedTreeNode): Gateway {
    const gateway = { id: this.#context.newId(), fields, storage };
    this.#gateways.set(gateway.id, gateway);
    return gateway;
  }

  /** `include=private_policies` is for administrators only. */
  #checkInclude(caller: Caller, request: EmulatorRequest): void {
    if (
      listParam(request.query, "include").includes("private_policies") &&
      !this.#isEndpointAdmin(caller)
    ) {
      this.#missingRole("read private storage gateway policies");
    }
  }

  listGateways(caller: Caller, request: EmulatorRequest) {
    this.#checkInclude(caller, request);
    const docs = [...this.#gateways.values()].map((gateway) => this.#gatewayDoc(gateway));
    return { body: paged(request, docs) };
  }

  getGateway(caller: Caller, id: string, request: EmulatorRequest) {
    this.#checkInclude(caller, request);
    return reply(200, [this.#gatewayDoc(this.#gateway(id))], { message: "Operation successful" });
  }

  createGateway(caller: Caller, request: EmulatorRequest) {
    this.#requireEndpointAdmin(caller, "create a storage gateway");
    const body = request.json() as Doc;
    const fields = checkDocument(body, STORAGE_GATEWAY);
    for (const key of ["display_name", "connector_id"]) {
      if (fields[key] === undefined) throw invalid(key, "is required");
    }
    const prefix = POLICY_PREFIXES[String(fields.connector_id)];
    if (!prefix) throw invalid("connector_id", "is not a connector this endpoint has");
    if (!Array.isArray(fields.allowed_domains) || fields.allowed_domains.length === 0) {
      throw invalid("allowed_domains", "must name at least one domain");
    }
    if (fields.require_mfa === true && fields.high_assurance !== true) {
      throw invalid("require_mfa", "is only allowed on high assurance storage gateways");
    }
    fields.policies ??= { DATA_TYPE: `${prefix}_storage_policies#1.0.0` };
    if (typeof body.DATA_TYPE === "string") fields.DATA_TYPE = body.DATA_TYPE;
    const homes = this.#context.seed.identities.map((identity) => ({
      name: identity.username.split("@")[0] ?? identity.username,
      type: "dir" as const,
      children: [],
    }));
    const unique = homes.filter((home, i) => homes.findIndex((h) => h.name === home.name) === i);
    const gateway = this.#newGateway(fields, {
      name: "/",
      type: "dir",
      children: [{ name: "home", type: "dir", children: unique }],
    });
    return reply(200, [this.#gatewayDoc(gateway)], { message: "Operation successful" });
  }

  updateGateway(caller: Caller, id: string, request: EmulatorRequest) {
    const gateway = this.#gateway(id);
    this.#requireEndpointAdmin(caller, "update a storage gateway");
    const body = request.json() as Doc;
    const changes = checkDocument(body, STORAGE_GATEWAY);
    if ("connector_id" in changes && changes.connector_id !== gateway.fields.connector_id) {
      throw invalid("connector_id", "cannot be changed");
    }
    if (Array.isArray(changes.allowed_domains) && changes.allowed_domains.length === 0) {
      throw invalid("allowed_domains", "must name at least one domain");
    }
    gateway.fields = { ...gateway.fields, ...changes };
    if (typeof body.DATA_TYPE === "string") gateway.fields.DATA_TYPE = body.DATA_TYPE;
    for (const collection of this.#collections.values()) {
      if (collection.gatewayId === gateway.id) this.#syncDomains(collection);
    }
    return reply(200, [this.#gatewayDoc(gateway)], { message: "Operation successful" });
  }

  deleteGateway(caller: Caller, id: string) {
    const gateway = this.#gateway(id);
    this.#requireEndpointAdmin(caller, "delete a storage gateway");
    const inUse = [...this.#collections.values()].filter((c) => c.gatewayId === gateway.id);
    if (inUse.length > 0) {
      throw gcsError(
        409,
        "conflict",
        `Storage gateway '${id}' still has collections: ${inUse.map((c) => c.id).join(", ")}`,
        { DATA_TYPE: "resource_conflict#1.0.0", resources: inUse.map((c) => c.id) },
      );
    }
    this.#gateways.delete(id);
    for (const credential of this.#credentials.values()) {
      if (credential.gatewayId === id) this.#credentials.delete(credential.id);
    }
    // as GCS answers a gateway's deletion: one empty document
    return reply(200, [{}], { message: "Operation successful" });
  }

  // -- roles -------------------------------------------------------------------------------

  #addRole(collection: string | null, principal: string, role: string): Role {
    const created = { id: this.#context.newId(), collection, principal, role };
    this.#roles.set(created.id, created);
    return created;
  }

  /** Whether the caller may see every role on the resource, not only their own. */
  #seesAllRoles(caller: Caller, collection: string | null): boolean {
    if (this.#isEndpointAdmin(caller)) return true;
    return collection !== null && this.#rolesOf(caller, collection).includes("administrator");
  }

  listRoles(caller: Caller, request: EmulatorRequest) {
    const collection = request.query.get("collection_id");
    if (collection) this.#collection(collection);
    const all =
      listParam(request.query, "include").includes("all_roles") &&
      this.#seesAllRoles(caller, collection);
    const roles = [...this.#roles.values()].filter(
      (role) =>
        role.collection === (collection || null) && (all || caller.urns.has(role.principal)),
    );
    return {
      body: paged(
        request,
        roles.map((role) => this.#roleDoc(role)),
      ),
    };
  }

  getRole(caller: Caller, id: string) {
    const role = this.#roles.get(id);
    if (!role) throw notFound("Role", id);
    if (!caller.urns.has(role.principal) && !this.#seesAllRoles(caller, role.collection)) {
      this.#missingRole("read this role", role.collection ?? undefined);
    }
    return reply(200, [this.#roleDoc(role)]);
  }

  createRole(caller: Caller, request: EmulatorRequest) {
    const fields = checkDocument(request.json(), ROLE);
    const collection = (fields.collection as string | null | undefined) ?? null;
    const principal = fields.principal;
    if (typeof principal !== "string" || !PRINCIPAL.test(principal)) {
      throw invalid("principal", "must be an identity or group URN");
    }
    const allowed = collection === null ? ENDPOINT_ROLES : COLLECTION_ROLES;
    if (typeof fields.role !== "string" || !allowed.includes(fields.role)) {
      throw invalid("role", `must be one of ${allowed.join(", ")}`);
    }
    if (collection === null) {
      this.#requireEndpointAdmin(caller, "grant endpoint roles");
      if (fields.role === "owner" && !this.#rolesOf(caller, null).includes("owner")) {
        this.#missingRole("grant the owner role");
      }
    } else {
      this.#requireCollectionAdmin(caller, this.#collection(collection), "grant roles on it");
    }
    const existing = [...this.#roles.values()].find(
      (role) =>
        role.collection === collection && role.principal === principal && role.role === fields.role,
    );
    if (existing) {
      throw gcsError(409, "exists", `Role '${existing.id}' already grants this`, {
        DATA_TYPE: "resource_conflict#1.0.0",
        resources: [existing.id],
      });
    }
    const role = this.#addRole(collection, principal, fields.role);
    return reply(200, [this.#roleDoc(role)], { message: `Created role ${role.id}` });
  }

  deleteRole(caller: Caller, id: string) {
    const role = this.#roles.get(id);
    if (!role) throw notFound("Role", id);
    if (role.collection === null) this.#requireEndpointAdmin(caller, "revoke endpoint roles");
    else this.#requireCollectionAdmin(caller, this.#collection(role.collection), "revoke roles");
    if (
      role.role === "owner" &&
      ![...this.#roles.values()].some((r) => r.role === "owner" && r.id !== role.id)
    ) {
      throw gcsError(409, "conflict", "The endpoint's last owner role cannot be deleted");
    }
    this.#roles.delete(id);
    return reply(200, [], { message: `Deleted role ${id}` });
  }

  // -- user credentials --------------------------------------------------------------------

  listCredentials(caller: Caller, request: EmulatorRequest) {
    const gateway = request.query.get("storage_gateway");
    const credentials = [...this.#credentials.values()].filter(
      (c) => caller.identityIds.includes(c.identityId) && (!gateway || c.gatewayId === gateway),
    );
    return {
      body: paged(
        request,
        credentials.map((c) => this.#credentialDoc(c)),
      ),
    };
  }

  getCredential(caller: Caller, id: string) {
    return reply(200, [this.#credentialDoc(this.#credential(caller, id))]);
  }

  createCredential(caller: Caller, request: EmulatorRequest) {
    const fields = checkDocument(request.json(), USER_CREDENTIAL);
    if (typeof fields.storage_gateway_id !== "string") {
      throw invalid("storage_gateway_id", "is required");
    }
    const gateway = this.#gateway(fields.storage_gateway_id);
    if (fields.connector_id !== undefined && fields.connector_id !== gateway.fields.connector_id) {
      throw invalid("connector_id", "is not the storage gateway's connector");
    }
    const identityId = (fields.identity_id as string | undefined) ?? caller.token.identityId;
    if (!caller.identityIds.includes(identityId)) {
      throw gcsError(403, "permission_denied", `Identity '${identityId}' is not the caller's`, {
        DATA_TYPE: "id_not_in_identity_set#1.0.0",
      });
    }
    this.#requireAllowedDomain(caller, gateway);
    const username =
      (fields.username as string | undefined) ??
      this.#context.identity(identityId)?.username.split("@")[0] ??
      identityId;
    const prefix = POLICY_PREFIXES[String(gateway.fields.connector_id)] ?? "posix";
    const id = this.#context.newId();
    const credential: Credential = {
      id,
      identityId,
      gatewayId: gateway.id,
      fields: {
        DATA_TYPE: "user_credential#1.0.0",
        connector_id: gateway.fields.connector_id,
        display_name: (fields.display_name as string | null | undefined) ?? null,
        identity_id: identityId,
        invalid: false,
        policies: fields.policies ?? { DATA_TYPE: `${prefix}_user_credential_policies#1.0.0` },
        provisioned: false,
        storage_gateway_id: gateway.id,
        username,
      },
    };
    this.#credentials.set(id, credential);
    return reply(201, [this.#credentialDoc(credential)], {
      detail: "created",
      message: `Created User Credential ${id}`,
    });
  }

  updateCredential(caller: Caller, id: string, request: EmulatorRequest) {
    const credential = this.#credential(caller, id);
    const changes = checkDocument(request.json(), USER_CREDENTIAL);
    for (const key of ["identity_id", "storage_gateway_id", "connector_id"]) {
      if (key in changes && changes[key] !== credential.fields[key]) {
        throw invalid(key, "cannot be changed");
      }
    }
    credential.fields = { ...credential.fields, ...changes };
    return reply(200, [this.#credentialDoc(credential)], {
      message: `Updated User Credential ${id}`,
    });
  }

  deleteCredential(caller: Caller, id: string) {
    const credential = this.#credential(caller, id);
    const users = [...this.#collections.values()].filter(
      (c) => c.fields.user_credential_id === credential.id,
    );
    if (users.length > 0) {
      throw gcsError(
        409,
        "conflict",
        `User credential '${id}' is used by guest collections: ${users.map((c) => c.id).join(", ")}`,
        { DATA_TYPE: "resource_conflict#1.0.0", resources: users.map((c) => c.id) },
      );
    }
    this.#credentials.delete(id);
    return reply(200, [], { message: `Deleted User Credential ${id}` });
  }
}
