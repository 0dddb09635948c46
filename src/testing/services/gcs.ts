/**
 * Globus Connect Server Manager APIs. Each GCS endpoint named by a seeded collection's
 * `gcs_endpoint_id` is served under `/gcs/<endpoint_id>/api/` (and, with `servicePorts`, at
 * the root of its own origin). Its resource server is its GCS Manager's client id: the
 * endpoint id, unless the seed names another (`gcs_client_id`). The model of each endpoint
 * (gateways, collections, roles, credentials, permissions) is in `gcs/model.ts`.
 */
import { urnScope } from "../../scopes/known.ts";
import type {
  EmulatorContext,
  EmulatorRequest,
  ErrorBodyFormatter,
  ServiceModule,
  ServiceRouter,
} from "../types.ts";
import { identityUrn } from "./common.ts";
import { type Caller, GcsEndpoint } from "./gcs/model.ts";
import { errorBody, gcsError } from "./gcs/wire.ts";

const formatter: ErrorBodyFormatter = (status, code, message) => errorBody(status, code, message);

function register(router: ServiceRouter, context: EmulatorContext): void {
  const endpoints = new Map<string, GcsEndpoint>();
  const everyDomain = [
    ...new Set(context.seed.identities.map((identity) => identity.username.split("@")[1] ?? "")),
  ].filter(Boolean);
  for (const record of context.collections.all()) {
    const id = record.gcs_endpoint_id;
    if (!id) continue;
    let endpoint = endpoints.get(id);
    if (!endpoint) {
      const owner = context.seed.identities.find((i) => i.username === record.owner_string);
      endpoint = new GcsEndpoint(context, id, record.gcs_client_id ?? id, owner?.id ?? null);
      endpoints.set(id, endpoint);
    }
    endpoint.adoptSeeded(record, everyDomain);
  }

  function endpointOf(request: EmulatorRequest): GcsEndpoint {
    const id = request.params.endpointId ?? "";
    const endpoint = endpoints.get(id);
    if (!endpoint) throw gcsError(404, "not_found", `No GCS endpoint '${id}' is served here`);
    return endpoint;
  }

  /** The endpoint, and the caller with a `manage_collections` token for its client id. */
  function authFor(request: EmulatorRequest): { endpoint: GcsEndpoint; caller: Caller } {
    const endpoint = endpointOf(request);
    const token = context.authenticate(request, endpoint.clientId, {
      anyOfScopes: [urnScope(endpoint.clientId, "manage_collections")],
      format: formatter,
    });
    const identityIds = [...new Set([token.identityId, ...token.sessionIdentities])];
    const domains = identityIds.map(
      (id) => context.identity(id)?.username.split("@")[1] ?? "clients.auth.globus.org",
    );
    const urns = new Set(identityIds.map(identityUrn));
    return { endpoint, caller: { token, identityIds, urns, domains } };
  }

  const api = (method: string, path: string, handle: Handler) =>
    router.route(method, `/:endpointId/api/${path}`, (request) => {
      const { endpoint, caller } = authFor(request);
      return handle(endpoint, caller, request, request.params);
    });
  type Handler = (
    endpoint: GcsEndpoint,
    caller: Caller,
    request: EmulatorRequest,
    params: Readonly<Record<string, string>>,
  ) => { status?: number; body: unknown };

  // the one unauthenticated route: clients read the resource server from it
  router.route("GET", "/:endpointId/api/info", (request) => endpointOf(request).info());

  api("GET", "endpoint", (e) => e.getEndpoint());
  api("PATCH", "endpoint", (e, c, r) => e.updateEndpoint(c, r));

  api("GET", "collections", (e, c, r) => e.listCollections(c, r));
  api("POST", "collections", (e, c, r) => e.createCollection(c, r));
  api("GET", "collections/:id", (e, c, _r, p) => e.getCollection(c, p.id!));
  api("PATCH", "collections/:id", (e, c, r, p) => e.updateCollection(c, p.id!, r));
  api("DELETE", "collections/:id", (e, c, _r, p) => e.deleteCollection(c, p.id!));

  api("GET", "storage_gateways", (e, c, r) => e.listGateways(c, r));
  api("POST", "storage_gateways", (e, c, r) => e.createGateway(c, r));
  api("GET", "storage_gateways/:id", (e, c, r, p) => e.getGateway(c, p.id!, r));
  api("PATCH", "storage_gateways/:id", (e, c, r, p) => e.updateGateway(c, p.id!, r));
  api("DELETE", "storage_gateways/:id", (e, c, _r, p) => e.deleteGateway(c, p.id!));

  api("GET", "roles", (e, c, r) => e.listRoles(c, r));
  api("POST", "roles", (e, c, r) => e.createRole(c, r));
  api("GET", "roles/:id", (e, c, _r, p) => e.getRole(c, p.id!));
  api("DELETE", "roles/:id", (e, c, _r, p) => e.deleteRole(c, p.id!));

  api("GET", "user_credentials", (e, c, r) => e.listCredentials(c, r));
  api("POST", "user_credentials", (e, c, r) => e.createCredential(c, r));
  api("GET", "user_credentials/:id", (e, c, _r, p) => e.getCredential(c, p.id!));
  api("PATCH", "user_credentials/:id", (e, c, r, p) => e.updateCredential(c, p.id!, r));
  api("DELETE", "user_credentials/:id", (e, c, _r, p) => e.deleteCredential(c, p.id!));
}

/** Globus Connect Server endpoints, mounted at `/gcs/`. */
export const gcsService: ServiceModule = {
  name: "gcs",
  errorFormat: formatter,
  register,
};
