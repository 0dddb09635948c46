import { GlobusSDKError, GlobusSDKUsageError } from "../../errors.ts";
import {
  GCSCollectionScopes,
  GCSEndpointScopes,
  type Scope,
  type ScopeCollection,
} from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { getGCSUrl } from "../../transport/environments.ts";
import { GCSAPIError } from "../../transport/errors.ts";
import type { GlobusResponse, RequestOptions } from "../../transport/types.ts";
import {
  BaseServiceClient,
  type OperationOptions,
  type OperationSpec,
  type ServiceClientOptions,
} from "../base/client.ts";
import { markerPaging, type Paginator } from "../base/paging.ts";
import { uuidList } from "../ids.ts";
import type {
  CollectionDocument,
  EndpointDocument,
  GCSRoleDocument,
  StorageGatewayDocument,
  UserCredentialDocument,
} from "./data.ts";
import type {
  GCSCollection,
  GCSEndpoint,
  GCSInfo,
  GCSResult,
  GCSRole,
  GCSStorageGateway,
  GCSUserCredential,
} from "./types.ts";

/** A document for a create or update: one of this SDK's builders, or a plain object. */
type Document<T> = T | Record<string, unknown>;

/** One value or several, comma-joined on the wire. */
type OneOrMany = string | readonly string[];

/** Options of GCS listings. */
export interface GCSListOptions extends OperationOptions {
  /** Items per page (GCS's `page_size`). */
  pageSize?: number;
}

/** Options of {@link GCSClient.getCollectionList}. */
export interface GCSCollectionListOptions extends GCSListOptions {
  /** `mapped_collections`, `guest_collections`, `managed_by_me`, `created_by_me`. */
  filter?: OneOrMany;
  /** Only the guest collections of this mapped collection. */
  mappedCollectionId?: string;
  /** Extra documents, such as `private_policies`. */
  include?: OneOrMany;
}

/** Options of {@link GCSClient.getRoleList}. */
export interface GCSRoleListOptions extends GCSListOptions {
  /** The roles on this collection; without it, the endpoint's roles. */
  collectionId?: string;
  /** `all_roles`: every role on the resource, not only the caller's. */
  include?: string;
}

/** Options of {@link GCSClient.listRoles}. */
export interface GCSListRolesOptions extends GCSListOptions {
  collectionId?: string;
  /** Every role on the resource, not only the caller's (`include=all_roles`). */
  allRoles?: boolean;
}

/** Options of {@link GCSClient.getStorageGatewayList} and {@link GCSClient.getStorageGateway}. */
export interface GCSStorageGatewayOptions extends OperationOptions {
  /** `private_policies` (needs an administrator role). */
  include?: OneOrMany;
}

/** Options of {@link GCSClient.getStorageGatewayList}. */
export interface GCSStorageGatewayListOptions extends GCSStorageGatewayOptions, GCSListOptions {}

/** Options of {@link GCSClient.getUserCredentialList}. */
export interface GCSUserCredentialListOptions extends GCSListOptions {
  /** Only the credentials on this storage gateway. */
  storageGateway?: string;
}

/** Options of {@link GCSClient.updateEndpoint}. */
export interface GCSUpdateEndpointOptions extends OperationOptions {
  /** `endpoint`: answer with the updated endpoint document. */
  include?: "endpoint" | readonly "endpoint"[];
}

/** Options of {@link GCSClient.listCollections}. */
export type GCSListCollectionsOptions = GCSCollectionListOptions;

/** GCS pages by an opaque marker and `has_next_page`, with the documents in `data`. */
const GCS_PAGING = markerPaging({ itemsKey: "data" });

/**
 * A client for the Manager API of one Globus Connect Server endpoint.
 *
 * The endpoint's resource server is the client id of its GCS Manager, which `/api/info`
 * names (it usually equals the endpoint id, but need not). Give the endpoint id when it is
 * known to be that client id (`new GCSClient(address, endpointId, { app })`); given the
 * address alone (`new GCSClient(address, { app })`), the client reads `/api/info` once,
 * before its first authorized call, and then registers its scopes with the app.
 */
export class GCSClient extends BaseServiceClient {
  static override readonly errorClass = GCSAPIError;

  readonly #binding: { resourceServer: string | undefined; defaultScopes: Scope[] };
  #endpointId: string | undefined;
  #lookup: Promise<string> | undefined;

  /**
   * @param gcsAddress the GCS Manager's host name or HTTPS URL (`/api/` is added).
   * @param endpointId the endpoint id, taken as its resource server; leave it out to have
   *   `/api/info` name the resource server.
   */
  constructor(gcsAddress: string, endpointId?: string, options?: ServiceClientOptions);
  constructor(gcsAddress: string, options?: ServiceClientOptions);
  constructor(
    gcsAddress: string,
    endpointIdOrOptions?: string | ServiceClientOptions,
    maybeOptions: ServiceClientOptions = {},
  ) {
    const endpointId = typeof endpointIdOrOptions === "string" ? endpointIdOrOptions : undefined;
    const options =
      typeof endpointIdOrOptions === "object" && endpointIdOrOptions !== null
        ? endpointIdOrOptions
        : maybeOptions;
    if (endpointId !== undefined) uuidList("endpointId", endpointId);
    const binding = {
      resourceServer: endpointId,
      defaultScopes: endpointId ? [GCSEndpointScopes(endpointId).manage_collections] : [],
    };
    super(options, binding, getGCSUrl(gcsAddress));
    this.#binding = binding;
    this.#endpointId = endpointId;
  }

  /** A GCS endpoint's scopes (`manage_collections`), for its client id. */
  static getGcsEndpointScopes(endpointId: string): ScopeCollection<"manage_collections"> {
    return GCSEndpointScopes(uuidList("endpointId", endpointId)[0]!);
  }

  /** A GCS collection's scopes (`data_access`, `https`). */
  static getGcsCollectionScopes(collectionId: string): ScopeCollection<"data_access" | "https"> {
    return GCSCollectionScopes(uuidList("collectionId", collectionId)[0]!);
  }

  /** The endpoint id: as given, or as `/api/info` named it once read. */
  get endpointId(): string | undefined {
    return this.#endpointId;
  }

  override get resourceServer(): string {
    try {
      return super.resourceServer;
    } catch {
      throw new GlobusSDKUsageError(
        "This GCSClient does not know its resource server yet: it is the endpoint's client id, which /api/info names. Await client.endpointClientId() first, or pass the endpoint id.",
      );
    }
  }

  /** This endpoint's scopes (for its resource server). */
  get scopes(): ScopeCollection<"manage_collections"> {
    return GCSEndpointScopes(this.resourceServer);
  }

  /**
   * The client id of the endpoint's GCS Manager: its resource server. Read from `/api/info`
   * (once; concurrent callers share the request) unless the endpoint id was given.
   */
  async endpointClientId(options: OperationOptions = {}): Promise<string> {
    const known = this.#binding.resourceServer;
    if (known !== undefined) return known;
    this.#lookup ??= this.getGcsInfo(options).then(
      (info) => this.#learnClientId(info),
      (error: unknown) => {
        this.#lookup = undefined; // a failed lookup is tried again on the next call
        throw error;
      },
    );
    return this.#lookup;
  }

  #learnClientId(info: GCSInfo): string {
    const clientId = info.client_id;
    if (typeof clientId !== "string" || clientId === "") {
      throw new GlobusSDKError("The endpoint's /api/info names no client_id.");
    }
    this.#endpointId ??= typeof info.endpoint_id === "string" ? info.endpoint_id : undefined;
    this.#binding.resourceServer = clientId;
    this.#binding.defaultScopes = [GCSEndpointScopes(clientId).manage_collections];
    this.registerWithApp();
    return clientId;
  }

  /** An app-bound call first learns the resource server its token is for. */
  override async request<T = unknown>(options: RequestOptions): Promise<GlobusResponse<T>> {
    if (
      this.app &&
      options.authorizer === undefined &&
      this.#binding.resourceServer === undefined
    ) {
      await this.endpointClientId({ signal: options.signal, timeout: options.timeout });
    }
    return super.request<T>(options);
  }

  /** Calls an operation whose answer holds one document of `dataType`, and returns it. */
  async #unpacked<T>(
    dataType: string,
    spec: OperationSpec,
    options?: OperationOptions,
  ): Promise<T> {
    const result = await this.call<GCSResult>(spec, options);
    const found = unpack<T>(result, dataType);
    if (found === undefined) {
      throw new GlobusSDKError(`GCS answered without a ${dataType} document.`);
    }
    return found;
  }

  // -- the endpoint ------------------------------------------------------------------------

  /** What the GCS Manager says about itself (`GET /api/info`), asked without credentials. */
  getGcsInfo(options?: OperationOptions): Promise<GCSInfo> {
    return this.#unpacked("info", { path: "info", authorized: false }, options);
  }

  /** The endpoint's document (`GET /api/endpoint`). */
  getEndpoint(options?: OperationOptions): Promise<GCSEndpoint> {
    return this.#unpacked("endpoint", { path: "endpoint" }, options);
  }

  /**
   * Updates the endpoint (`PATCH /api/endpoint`). With `include: "endpoint"` the answer is
   * the updated endpoint; otherwise GCS's result envelope.
   */
  updateEndpoint(
    endpointData: Document<EndpointDocument>,
    options: GCSUpdateEndpointOptions & { include: "endpoint" | readonly "endpoint"[] },
  ): Promise<GCSEndpoint>;
  updateEndpoint(
    endpointData: Document<EndpointDocument>,
    options?: GCSUpdateEndpointOptions,
  ): Promise<GCSResult<GCSEndpoint>>;
  async updateEndpoint(
    endpointData: Document<EndpointDocument>,
    options: GCSUpdateEndpointOptions = {},
  ): Promise<GCSEndpoint | GCSResult<GCSEndpoint>> {
    const result = await this.call<GCSResult<GCSEndpoint>>(
      {
        method: "PATCH",
        path: "endpoint",
        query: { include: options.include },
        body: endpointData,
      },
      options,
    );
    return (options.include ? unpack<GCSEndpoint>(result, "endpoint") : undefined) ?? result;
  }

  // -- collections -------------------------------------------------------------------------

  /** The collections on the endpoint, across pages (`GET /api/collections`). */
  getCollectionList(options: GCSCollectionListOptions = {}): Paginator<GCSCollection, string> {
    const query = {
      include: options.include,
      page_size: options.pageSize,
      mapped_collection_id: options.mappedCollectionId,
      filter: options.filter,
    };
    return this.paged({ path: "collections", query }, GCS_PAGING, options);
  }

  /** One collection (`GET /api/collections/{id}`). */
  getCollection(collectionId: string, options?: OperationOptions): Promise<GCSCollection> {
    return this.#unpacked("collection", { path: apiPath`collections/${collectionId}` }, options);
  }

  /**
   * Creates a mapped or guest collection (`POST /api/collections`); GCS gives the caller an
   * `administrator` role on it.
   */
  createCollection(
    collectionData: Document<CollectionDocument>,
    options?: OperationOptions,
  ): Promise<GCSCollection> {
    return this.#unpacked(
      "collection",
      { method: "POST", path: "collections", body: collectionData },
      options,
    );
  }

  /** Updates a collection's fields (`PATCH /api/collections/{id}`). */
  updateCollection(
    collectionId: string,
    collectionData: Document<CollectionDocument>,
    options?: OperationOptions,
  ): Promise<GCSCollection> {
    return this.#unpacked(
      "collection",
      { method: "PATCH", path: apiPath`collections/${collectionId}`, body: collectionData },
      options,
    );
  }

  /** Deletes a collection (`DELETE /api/collections/{id}`). */
  deleteCollection(collectionId: string, options?: OperationOptions): Promise<GCSResult> {
    return this.call({ method: "DELETE", path: apiPath`collections/${collectionId}` }, options);
  }

  // -- storage gateways --------------------------------------------------------------------

  /** The storage gateways, across pages (`GET /api/storage_gateways`). */
  getStorageGatewayList(
    options: GCSStorageGatewayListOptions = {},
  ): Paginator<GCSStorageGateway, string> {
    const query = { include: options.include, page_size: options.pageSize };
    return this.paged({ path: "storage_gateways", query }, GCS_PAGING, options);
  }

  /** Creates a storage gateway (`POST /api/storage_gateways`). */
  createStorageGateway(
    data: Document<StorageGatewayDocument>,
    options?: OperationOptions,
  ): Promise<GCSStorageGateway> {
    return this.#unpacked(
      "storage_gateway",
      { method: "POST", path: "storage_gateways", body: data },
      options,
    );
  }

  /** One storage gateway (`GET /api/storage_gateways/{id}`). */
  getStorageGateway(
    storageGatewayId: string,
    options: GCSStorageGatewayOptions = {},
  ): Promise<GCSStorageGateway> {
    return this.#unpacked(
      "storage_gateway",
      { path: apiPath`storage_gateways/${storageGatewayId}`, query: { include: options.include } },
      options,
    );
  }

  /**
   * Updates a storage gateway (`PATCH /api/storage_gateways/{id}`). As in the Python SDK,
   * the answer is GCS's whole result envelope (the gateway is its `data[0]`).
   */
  updateStorageGateway(
    storageGatewayId: string,
    data: Document<StorageGatewayDocument>,
    options?: OperationOptions,
  ): Promise<GCSResult<GCSStorageGateway>> {
    return this.call(
      { method: "PATCH", path: apiPath`storage_gateways/${storageGatewayId}`, body: data },
      options,
    );
  }

  /** Deletes a storage gateway (`DELETE /api/storage_gateways/{id}`). */
  deleteStorageGateway(storageGatewayId: string, options?: OperationOptions): Promise<GCSResult> {
    return this.call(
      { method: "DELETE", path: apiPath`storage_gateways/${storageGatewayId}` },
      options,
    );
  }

  // -- roles -------------------------------------------------------------------------------

  /**
   * Roles, across pages (`GET /api/roles`): the caller's on the endpoint, or on one
   * collection with `collectionId`; every role there with `include: "all_roles"`.
   */
  getRoleList(options: GCSRoleListOptions = {}): Paginator<GCSRole, string> {
    const query = {
      include: options.include,
      page_size: options.pageSize,
      collection_id: options.collectionId,
    };
    return this.paged({ path: "roles", query }, GCS_PAGING, options);
  }

  /** Grants a role (`POST /api/roles`). */
  createRole(data: Document<GCSRoleDocument>, options?: OperationOptions): Promise<GCSRole> {
    return this.#unpacked("role", { method: "POST", path: "roles", body: data }, options);
  }

  /** One role (`GET /api/roles/{id}`). */
  getRole(roleId: string, options?: OperationOptions): Promise<GCSRole> {
    return this.#unpacked("role", { path: apiPath`roles/${roleId}` }, options);
  }

  /** Revokes a role (`DELETE /api/roles/{id}`). */
  deleteRole(roleId: string, options?: OperationOptions): Promise<GCSResult> {
    return this.call({ method: "DELETE", path: apiPath`roles/${roleId}` }, options);
  }

  // -- user credentials --------------------------------------------------------------------

  /** The caller's user credentials, across pages (`GET /api/user_credentials`). */
  getUserCredentialList(
    options: GCSUserCredentialListOptions = {},
  ): Paginator<GCSUserCredential, string> {
    const query = { storage_gateway: options.storageGateway, page_size: options.pageSize };
    return this.paged({ path: "user_credentials", query }, GCS_PAGING, options);
  }

  /** Registers a user credential (`POST /api/user_credentials`). */
  createUserCredential(
    data: Document<UserCredentialDocument>,
    options?: OperationOptions,
  ): Promise<GCSUserCredential> {
    return this.#unpacked(
      "user_credential",
      { method: "POST", path: "user_credentials", body: data },
      options,
    );
  }

  /** One user credential (`GET /api/user_credentials/{id}`). */
  getUserCredential(
    userCredentialId: string,
    options?: OperationOptions,
  ): Promise<GCSUserCredential> {
    return this.#unpacked(
      "user_credential",
      { path: apiPath`user_credentials/${userCredentialId}` },
      options,
    );
  }

  /** Updates a user credential (`PATCH /api/user_credentials/{id}`). */
  updateUserCredential(
    userCredentialId: string,
    data: Document<UserCredentialDocument>,
    options?: OperationOptions,
  ): Promise<GCSUserCredential> {
    return this.#unpacked(
      "user_credential",
      { method: "PATCH", path: apiPath`user_credentials/${userCredentialId}`, body: data },
      options,
    );
  }

  /** Deletes a user credential (`DELETE /api/user_credentials/{id}`). */
  deleteUserCredential(userCredentialId: string, options?: OperationOptions): Promise<GCSResult> {
    return this.call(
      { method: "DELETE", path: apiPath`user_credentials/${userCredentialId}` },
      options,
    );
  }

  // -- aliases (this SDK's earlier names) --------------------------------------------------

  /** {@link GCSClient.getCollectionList} by its earlier name. */
  listCollections(options: GCSListCollectionsOptions = {}): Paginator<GCSCollection, string> {
    return this.getCollectionList(options);
  }

  /** {@link GCSClient.getStorageGatewayList} by its earlier name. */
  listStorageGateways(
    options: GCSStorageGatewayListOptions = {},
  ): Paginator<GCSStorageGateway, string> {
    return this.getStorageGatewayList(options);
  }

  /** {@link GCSClient.getRoleList} by its earlier name, with `allRoles` for `all_roles`. */
  listRoles(options: GCSListRolesOptions = {}): Paginator<GCSRole, string> {
    const { allRoles, ...rest } = options;
    return this.getRoleList({ ...rest, ...(allRoles ? { include: "all_roles" } : {}) });
  }
}

/**
 * The first document of `dataType` in a result's `data` (GCS may add documents of other
 * types, as `/api/info` adds its connectors), or undefined.
 */
function unpack<T>(result: GCSResult | undefined, dataType: string): T | undefined {
  const documents: unknown[] = Array.isArray(result?.data) ? result.data : [];
  return documents.find(
    (document) =>
      typeof document === "object" &&
      document !== null &&
      typeof (document as { DATA_TYPE?: unknown }).DATA_TYPE === "string" &&
      (document as { DATA_TYPE: string }).DATA_TYPE.split("#")[0] === dataType,
  ) as T | undefined;
}
