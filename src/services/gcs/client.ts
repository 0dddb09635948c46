import { GCSEndpointScopes, type ScopeCollection } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { getGCSUrl } from "../../transport/environments.ts";
import { GCSAPIError } from "../../transport/errors.ts";
import type { CallOptions, RequestOptions } from "../../transport/types.ts";
import { BaseServiceClient, type ServiceClientOptions } from "../base/client.ts";
import { Paginator } from "../base/paging.ts";

/** Options of GCS listings. */
export interface GCSListOptions extends CallOptions {
  /** Items per page (GCS's `page_size`). */
  pageSize?: number;
}

/** A collection on a GCS endpoint, with the fields scripts use; every other field is kept. */
export interface GCSCollection {
  DATA_TYPE: string;
  id: string;
  display_name: string;
  /** `mapped` or `guest`. */
  collection_type: string;
  storage_gateway_id?: string | null;
  high_assurance?: boolean;
  collection_base_path?: string;
  [field: string]: unknown;
}

/** A storage gateway, with the fields scripts use; every other field is kept. */
export interface GCSStorageGateway {
  DATA_TYPE: string;
  id: string;
  display_name: string;
  connector_id: string;
  high_assurance?: boolean;
  allowed_domains?: string[];
  [field: string]: unknown;
}

/** A role on the endpoint (`collection: null`) or on one collection. */
export interface GCSRole {
  DATA_TYPE: string;
  id: string;
  collection: string | null;
  /** An identity or group URN. */
  principal: string;
  /** `owner`, `administrator`, `access_manager`, `activity_manager`, `activity_monitor`. */
  role: string;
  [field: string]: unknown;
}

/** Options of {@link GCSClient.listCollections}. */
export interface GCSListCollectionsOptions extends GCSListOptions {
  /** GCS filters such as `mapped_collections`, `guest_collections`, `managed_by_me`. */
  filter?: string | string[];
  /** Only the guest collections of this mapped collection. */
  mappedCollectionId?: string;
  /** Extra documents, such as `private_policies`. */
  include?: string | string[];
}

/** Options of {@link GCSClient.listRoles}. */
export interface GCSListRolesOptions extends GCSListOptions {
  /** Only the roles on this collection. */
  collectionId?: string;
  /** Also the roles on every collection (`include=all_roles`). */
  allRoles?: boolean;
}

/** GCS's response envelope. */
interface GCSPage<T> {
  DATA_TYPE: string;
  data: T[];
  has_next_page?: boolean;
  marker?: string | null;
}

/**
 * A client for one Globus Connect Server endpoint. The endpoint id is its resource server,
 * with the `manage_collections` scope; the address is its host name (or URL).
 */
export class GCSClient extends BaseServiceClient {
  static override readonly errorClass = GCSAPIError;
  readonly endpointId: string;
  /** This endpoint's scopes and resource server. */
  readonly scopes: ScopeCollection<"manage_collections">;

  constructor(gcsAddress: string, endpointId: string, options: ServiceClientOptions = {}) {
    const scopes = GCSEndpointScopes(endpointId);
    super(
      options,
      { resourceServer: endpointId, defaultScopes: [scopes.manage_collections] },
      getGCSUrl(gcsAddress),
    );
    this.endpointId = endpointId;
    this.scopes = scopes;
  }

  /** Collections on this endpoint, across pages. */
  listCollections(options: GCSListCollectionsOptions = {}): Paginator<GCSCollection, string> {
    return this.#paged<GCSCollection>("collections", options, {
      filter: options.filter,
      mapped_collection_id: options.mappedCollectionId,
      include: options.include,
    });
  }

  /** One collection. */
  async getCollection(collectionId: string, options: CallOptions = {}): Promise<GCSCollection> {
    const response = await this.request<GCSPage<GCSCollection>>({
      path: apiPath`collections/${collectionId}`,
      ...options,
    });
    const first = response.data.data[0];
    if (!first)
      throw new GCSAPIError({
        method: "GET",
        url: response.url,
        httpStatus: 404,
        headers: response.headers,
        text: response.text,
        data: response.data,
      });
    return first;
  }

  /** Storage gateways, across pages. */
  listStorageGateways(options: GCSListOptions = {}): Paginator<GCSStorageGateway, string> {
    return this.#paged<GCSStorageGateway>("storage_gateways", options);
  }

  /** Roles, across pages: the endpoint's, one collection's, or (`allRoles`) every one. */
  listRoles(options: GCSListRolesOptions = {}): Paginator<GCSRole, string> {
    return this.#paged<GCSRole>("roles", options, {
      collection_id: options.collectionId,
      include: options.allRoles ? "all_roles" : undefined,
    });
  }

  /** GCS pages by an opaque marker; each page request repeats the filters and page size. */
  #paged<T>(
    path: string,
    options: GCSListOptions,
    query: RequestOptions["query"] = {},
  ): Paginator<T, string> {
    return new Paginator(async (marker) => {
      const response = await this.request<GCSPage<T>>({
        path,
        query: { ...query, page_size: options.pageSize, marker },
        signal: options.signal,
        timeout: options.timeout,
      });
      const page = response.data;
      return {
        items: page.data,
        next: page.has_next_page && page.marker ? page.marker : undefined,
        raw: page,
      };
    });
  }
}
