import { GCSEndpointScopes, type ScopeCollection } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { getGCSUrl } from "../../transport/environments.ts";
import { GCSAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient, type ServiceClientOptions } from "../base/client.ts";
import { Paginator } from "../base/paging.ts";

/** Options of GCS listings. */
export interface GCSListOptions extends CallOptions {
  /** Items per page (GCS's `page_size`). */
  pageSize?: number;
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
  listCollections(options: GCSListOptions = {}): Paginator<Record<string, unknown>, string> {
    return this.#paged("collections", options);
  }

  /** One collection. */
  async getCollection(
    collectionId: string,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.request<GCSPage<Record<string, unknown>>>({
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
  listStorageGateways(options: GCSListOptions = {}): Paginator<Record<string, unknown>, string> {
    return this.#paged("storage_gateways", options);
  }

  /** Roles, across pages; `allRoles` includes the roles on every collection. */
  listRoles(
    options: GCSListOptions & { allRoles?: boolean } = {},
  ): Paginator<Record<string, unknown>, string> {
    return this.#paged("roles", options, options.allRoles ? { include: "all_roles" } : {});
  }

  #paged(
    path: string,
    options: GCSListOptions,
    query: Record<string, string> = {},
  ): Paginator<Record<string, unknown>, string> {
    return new Paginator(async (marker) => {
      const response = await this.request<GCSPage<Record<string, unknown>>>({
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
