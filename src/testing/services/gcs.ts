/**
 * Globus Connect Server manager APIs. Each GCS endpoint named by a seeded collection's
 * `gcs_endpoint_id` is served under `/gcs/<endpoint_id>/api/`; its resource server is the
 * endpoint id. Collections (marker paging), one collection, storage gateways and roles.
 */
import { gcsEndpointScopeSet } from "../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  SeedEndpoint,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import {
  decodeMarker,
  type ErrorBuilder,
  encodeMarker,
  identityUrn,
  intParam,
  listParam,
} from "./common.ts";

interface GcsEndpointState {
  id: string;
  /** Each mapped collection sits on its own storage gateway, as is common in GCS. */
  gateways: Map<string, string>;
  collections: SeedEndpoint[];
  ownerId: string | null;
}

/** GCS's envelope for every answer, errors included. */
function envelope(
  status: number,
  code: string,
  data: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    DATA_TYPE: "result#1.0.0",
    http_response_code: status,
    code,
    detail: status < 400 ? "success" : null,
    has_next_page: false,
    data,
    ...extra,
  };
}

function gcsErrorBody(status: number, code: string, message: string) {
  return envelope(status, code, [], { message, marker: "" });
}

/** GCS writes its codes in snake case (`permission_denied`, `not_found`). */
function gcsCode(code: string): string {
  return code
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/\./g, "_")
    .toLowerCase();
}

function register(router: ServiceRouter, context: EmulatorContext): void {
  const formatter: ErrorBodyFormatter = (status, code, message) =>
    gcsErrorBody(status, gcsCode(code), message);
  const fail: ErrorBuilder = (status, code, message) =>
    new EmulatorHttpError(status, gcsErrorBody(status, gcsCode(code), message));
  const endpoints = new Map<string, GcsEndpointState>();
  const roleIds = new Map<string, string>();
  const roleId = (key: string) => {
    let id = roleIds.get(key);
    if (!id) {
      id = context.newId();
      roleIds.set(key, id);
    }
    return id;
  };
  for (const collection of context.seed.endpoints) {
    if (!collection.gcs_endpoint_id) continue;
    let state = endpoints.get(collection.gcs_endpoint_id);
    if (!state) {
      const owner = context.seed.identities.find(
        (identity) => identity.username === collection.owner_string,
      );
      state = {
        id: collection.gcs_endpoint_id,
        gateways: new Map(),
        collections: [],
        ownerId: owner?.id ?? null,
      };
      endpoints.set(state.id, state);
    }
    state.collections.push(collection);
    state.gateways.set(collection.id, context.newId());
  }

  /** The endpoint must exist before its resource server can be checked. */
  function authFor(request: EmulatorRequest): {
    endpoint: GcsEndpointState;
    token: AccessTokenInfo;
  } {
    const id = request.params.endpointId ?? "";
    const endpoint = endpoints.get(id);
    if (!endpoint) throw fail(404, "not_found", `No GCS endpoint '${id}' is served here`);
    const scopes = gcsEndpointScopeSet(id);
    const token = context.authenticate(request, scopes.resourceServer, {
      anyOfScopes: [scopes.scopes.manage_collections],
      format: formatter,
    });
    return { endpoint, token };
  }

  function collectionDoc(
    endpoint: GcsEndpointState,
    collection: SeedEndpoint,
  ): Record<string, unknown> {
    const ha = collection.high_assurance === true;
    return {
      DATA_TYPE: "collection#1.0.0",
      id: collection.id,
      display_name: collection.display_name,
      collection_type: collection.entity_type === "GCSv5_guest_collection" ? "guest" : "mapped",
      storage_gateway_id: endpoint.gateways.get(collection.id) ?? null,
      identity_id: endpoint.ownerId,
      public: true,
      high_assurance: ha,
      require_high_assurance: ha,
      authentication_timeout_mins: ha ? 30 : 15840,
      authentication_assurance_timeout: ha ? 30 : 15840,
      collection_base_path: "/",
      require_mfa: ha,
      tlsftp_url: null,
    };
  }

  /** Marker paging over `items`; the marker carries the offset and the page size. */
  function paged(request: EmulatorRequest, items: Record<string, unknown>[]) {
    const marker = request.query.get("marker");
    const state = marker ? decodeMarker(marker, fail) : {};
    const pageSize =
      typeof state.page_size === "number"
        ? state.page_size
        : intParam(request.query, "page_size", { default: 100, min: 1, max: 1000 }, fail);
    const offset = typeof state.offset === "number" ? state.offset : 0;
    const page = items.slice(offset, offset + pageSize);
    const hasNext = offset + pageSize < items.length;
    const extra: Record<string, unknown> = { has_next_page: hasNext };
    if (hasNext) {
      extra.marker = encodeMarker({ offset: offset + pageSize, page_size: pageSize });
    }
    return envelope(200, "success", page, extra);
  }

  router.route("GET", "/:endpointId/api/collections", (request) => {
    const { endpoint, token } = authFor(request);
    const filters = listParam(request.query, "filter");
    const mapped = request.query.get("mapped_collection_id");
    let collections = endpoint.collections;
    if (filters.includes("mapped_collections")) {
      collections = collections.filter(
        (collection) => collection.entity_type !== "GCSv5_guest_collection",
      );
    }
    if (filters.includes("guest_collections")) {
      collections = collections.filter(
        (collection) => collection.entity_type === "GCSv5_guest_collection",
      );
    }
    if (filters.includes("created_by_me") || filters.includes("managed_by_me")) {
      collections = endpoint.ownerId === token.identityId ? collections : [];
    }
    if (mapped) collections = collections.filter((collection) => collection.id === mapped);
    return {
      body: paged(
        request,
        collections.map((collection) => collectionDoc(endpoint, collection)),
      ),
    };
  });

  router.route("GET", "/:endpointId/api/collections/:collectionId", (request) => {
    const { endpoint } = authFor(request);
    const collection = endpoint.collections.find((item) => item.id === request.params.collectionId);
    if (!collection) {
      throw fail(404, "not_found", `Collection '${request.params.collectionId}' not found`);
    }
    return { body: envelope(200, "success", [collectionDoc(endpoint, collection)]) };
  });

  router.route("GET", "/:endpointId/api/storage_gateways", (request) => {
    const { endpoint } = authFor(request);
    const gateways = endpoint.collections
      .filter((collection) => collection.entity_type !== "GCSv5_guest_collection")
      .map((collection) => ({
        DATA_TYPE: "storage_gateway#1.0.0",
        id: endpoint.gateways.get(collection.id),
        display_name: `POSIX gateway for ${collection.display_name}`,
        connector_id: "145812c8-decc-41f1-83cf-bb2a85a2a70b",
        high_assurance: collection.high_assurance === true,
        require_high_assurance: false,
        authentication_assurance_timeout: 15840,
        authentication_timeout_mins: 15840,
        allowed_domains: ["globusid.org", "university.example.edu"],
        identity_mappings: [],
        policies: { DATA_TYPE: "posix_storage_gateway#1.0.0", groups_allow: [], groups_deny: [] },
        users_allow: [],
        users_deny: [],
      }));
    return { body: paged(request, gateways) };
  });

  router.route("GET", "/:endpointId/api/roles", (request) => {
    const { endpoint } = authFor(request);
    const collectionId = request.query.get("collection_id");
    const principal = endpoint.ownerId ? identityUrn(endpoint.ownerId) : null;
    const roles: Record<string, unknown>[] = [];
    if (principal) {
      if (collectionId) {
        if (!endpoint.collections.some((collection) => collection.id === collectionId)) {
          throw fail(404, "not_found", `Collection '${collectionId}' not found`);
        }
        roles.push({
          DATA_TYPE: "role#1.0.0",
          id: roleId(`collection:${collectionId}`),
          collection: collectionId,
          principal,
          role: "administrator",
        });
      } else {
        roles.push({
          DATA_TYPE: "role#1.0.0",
          id: roleId(`endpoint:${endpoint.id}`),
          collection: null,
          principal,
          role: "owner",
        });
        // as GCS: include=all_roles adds the roles on every collection
        if (listParam(request.query, "include").includes("all_roles")) {
          for (const collection of endpoint.collections) {
            roles.push({
              DATA_TYPE: "role#1.0.0",
              id: roleId(`collection:${collection.id}`),
              collection: collection.id,
              principal,
              role: "administrator",
            });
          }
        }
      }
    }
    return { body: paged(request, roles) };
  });
}

/** Globus Connect Server endpoints, mounted at `/gcs/`. */
export const gcsService: ServiceModule = {
  name: "gcs",
  errorFormat: (status, code, message) => gcsErrorBody(status, gcsCode(code), message),
  register,
};
