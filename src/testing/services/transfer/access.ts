/**
 * Roles on endpoints and access rules on guest collections: who may administer an endpoint,
 * manage its sharing, or watch and steer its tasks, and who may read or write a guest
 * collection's files. The decisions themselves are `TransferState.rolesOf` and
 * `TransferState.filePermission`; these routes keep the records they read.
 */
import type { EmulatorRequest, ServiceRouter } from "../../types.ts";
import { isoTime, objectBody, shortRequestId } from "../common.ts";
import { failFor, resultDoc } from "./errors.ts";
import {
  type AccessRule,
  type AclPrincipalType,
  API,
  ENDPOINT_ROLES,
  type EndpointRole,
  type EndpointState,
  type RoleRecord,
  type TransferState,
} from "./state.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACL_PRINCIPAL_TYPES: readonly AclPrincipalType[] = [
  "identity",
  "group",
  "all_authenticated_users",
  "anonymous",
];

export function roleDoc(role: RoleRecord): Record<string, unknown> {
  return {
    DATA_TYPE: "role",
    id: role.id,
    principal_type: role.principalType,
    principal: role.principal,
    role: role.role,
  };
}

export function accessDoc(rule: AccessRule): Record<string, unknown> {
  return {
    DATA_TYPE: "access",
    id: rule.id,
    role_id: null,
    role_type: null,
    principal_type: rule.principalType,
    principal: rule.principal,
    path: rule.path,
    permissions: rule.permissions,
    create_time: isoTime(Math.floor(rule.createTime)),
    expiration_date: rule.expirationDate,
  };
}

/**
 * A guest collection's access list: the rules its administrator and access manager roles
 * imply (read-write on `/`, with the role's id and no rule id), then its own rules.
 */
export function accessListDoc(endpoint: EndpointState): Record<string, unknown> {
  const implied = endpoint.roles
    .filter((role) => role.role === "administrator" || role.role === "access_manager")
    .map((role) => ({
      DATA_TYPE: "access",
      id: null,
      role_id: role.id,
      role_type: role.role,
      principal_type: role.principalType,
      principal: role.principal,
      path: "/",
      permissions: "rw",
      create_time: null,
      expiration_date: null,
    }));
  const data = [...implied, ...endpoint.rules.map(accessDoc)];
  return { DATA_TYPE: "access_list", endpoint: endpoint.seed.id, DATA: data, length: data.length };
}

export function registerAccessRoutes(router: ServiceRouter, state: TransferState): void {
  function guestCollection(request: EmulatorRequest) {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    if (!state.isGuest(endpoint)) {
      throw failFor(request)(
        400,
        "BadRequest",
        `Endpoint '${endpoint.seed.id}' is not a guest collection: access rules apply to guest collections`,
      );
    }
    state.requireRole(
      request,
      caller,
      endpoint,
      ["administrator", "access_manager"],
      "manage access rules",
    );
    return { caller, endpoint, fail: failFor(request) };
  }

  function requireRule(request: EmulatorRequest, endpoint: EndpointState): AccessRule {
    const rule = endpoint.rules.find((candidate) => candidate.id === request.params.ruleId);
    if (!rule) {
      throw failFor(request)(
        404,
        "AccessRuleNotFound",
        `Access rule '${request.params.ruleId}' not found on endpoint '${endpoint.seed.id}'`,
      );
    }
    return rule;
  }

  /** An expiration date: an ISO 8601 time in the future, or null. */
  function expirationOf(request: EmulatorRequest, value: unknown): string | null {
    if (value === undefined || value === null) return null;
    const at = typeof value === "string" ? Date.parse(value) / 1000 : Number.NaN;
    if (Number.isNaN(at)) {
      throw failFor(request)(400, "BadRequest", `Invalid expiration_date '${String(value)}'`);
    }
    if (at <= state.context.now()) {
      throw failFor(request)(400, "BadRequest", "expiration_date must be in the future");
    }
    return value as string;
  }

  function permissionsOf(request: EmulatorRequest, value: unknown, principalType: string) {
    if (value !== "r" && value !== "rw") {
      throw failFor(request)(400, "BadRequest", "'permissions' must be 'r' or 'rw'");
    }
    if (principalType === "anonymous" && value === "rw") {
      throw failFor(request)(400, "BadRequest", "Anonymous access can only be read-only ('r')");
    }
    return value;
  }

  router.route("GET", `${API}/endpoint/:id/access_list`, (request) => {
    const { endpoint } = guestCollection(request);
    return { body: accessListDoc(endpoint) };
  });

  router.route("GET", `${API}/endpoint/:id/access/:ruleId`, (request) => {
    const { endpoint } = guestCollection(request);
    return { body: accessDoc(requireRule(request, endpoint)) };
  });

  router.route("POST", `${API}/endpoint/:id/access`, (request) => {
    const { endpoint, fail } = guestCollection(request);
    const body = objectBody(() => request.json(), fail);
    if (body.DATA_TYPE !== undefined && body.DATA_TYPE !== "access") {
      throw fail(400, "BadRequest", "DATA_TYPE must be 'access'");
    }
    const principalType = body.principal_type as AclPrincipalType;
    if (!ACL_PRINCIPAL_TYPES.includes(principalType)) {
      throw fail(
        400,
        "BadRequest",
        `'principal_type' must be one of ${ACL_PRINCIPAL_TYPES.join(", ")}`,
      );
    }
    const named = principalType === "identity" || principalType === "group";
    const principal = typeof body.principal === "string" ? body.principal : "";
    if (named && !UUID.test(principal)) {
      throw fail(400, "BadRequest", `'principal' must be the ${principalType}'s id (a UUID)`);
    }
    if (!named && principal !== "") {
      throw fail(400, "BadRequest", `'principal' must be empty for ${principalType}`);
    }
    const path = body.path;
    if (typeof path !== "string" || !path.startsWith("/") || !path.endsWith("/")) {
      throw fail(
        400,
        "BadRequest",
        "'path' must be an absolute directory path that starts and ends with '/'",
      );
    }
    const permissions = permissionsOf(request, body.permissions, principalType);
    if (
      endpoint.rules.some(
        (rule) =>
          rule.principalType === principalType &&
          rule.principal === principal &&
          rule.path === path,
      )
    ) {
      throw fail(409, "Exists", `An access rule for this principal on '${path}' already exists`);
    }
    const rule: AccessRule = {
      id: state.context.newId(),
      principalType,
      principal,
      path,
      permissions,
      createTime: state.context.now(),
      expirationDate: expirationOf(request, body.expiration_date),
    };
    endpoint.rules.push(rule);
    return {
      status: 201,
      body: {
        DATA_TYPE: "access_create_result",
        code: "Created",
        message: "Access rule created successfully.",
        access_id: rule.id,
        request_id: shortRequestId(),
        resource: request.path,
      },
    };
  });

  router.route("PUT", `${API}/endpoint/:id/access/:ruleId`, (request) => {
    const { endpoint, fail } = guestCollection(request);
    const rule = requireRule(request, endpoint);
    const body = objectBody(() => request.json(), fail);
    for (const key of ["principal_type", "principal", "path"] as const) {
      const current = {
        principal_type: rule.principalType,
        principal: rule.principal,
        path: rule.path,
      }[key];
      if (body[key] !== undefined && body[key] !== current) {
        throw fail(
          400,
          "BadRequest",
          `'${key}' cannot be changed; delete the rule and add another`,
        );
      }
    }
    if (body.permissions !== undefined) {
      rule.permissions = permissionsOf(request, body.permissions, rule.principalType);
    }
    if (body.expiration_date !== undefined) {
      rule.expirationDate = expirationOf(request, body.expiration_date);
    }
    return { body: resultDoc(request, "result", "Updated", "Access rule updated successfully") };
  });

  router.route("DELETE", `${API}/endpoint/:id/access/:ruleId`, (request) => {
    const { endpoint } = guestCollection(request);
    const rule = requireRule(request, endpoint);
    endpoint.rules = endpoint.rules.filter((candidate) => candidate !== rule);
    return { body: resultDoc(request, "result", "Deleted", "Access rule deleted successfully") };
  });

  // --- roles -------------------------------------------------------------------------

  function requireRoleRecord(request: EmulatorRequest, endpoint: EndpointState): RoleRecord {
    const role = endpoint.roles.find((candidate) => candidate.id === request.params.roleId);
    if (!role) {
      throw failFor(request)(
        404,
        "RoleNotFound",
        `Role '${request.params.roleId}' not found on endpoint '${endpoint.seed.id}'`,
      );
    }
    return role;
  }

  /** Roles are assigned through Transfer on Globus Connect Personal endpoints only. */
  function requireRoleAdministration(request: EmulatorRequest, endpoint: EndpointState) {
    if (state.isPersonal(endpoint)) return;
    throw failFor(request)(
      400,
      "BadRequest",
      `Roles on '${endpoint.seed.id}' (${state.entityType(endpoint)}) are managed through its GCS Manager API`,
    );
  }

  router.route("GET", `${API}/endpoint/:id/role_list`, (request) => {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    state.requireRole(request, caller, endpoint, [...ENDPOINT_ROLES], "list roles");
    return { body: { DATA_TYPE: "role_list", DATA: endpoint.roles.map(roleDoc) } };
  });

  router.route("GET", `${API}/endpoint/:id/role/:roleId`, (request) => {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    state.requireRole(request, caller, endpoint, [...ENDPOINT_ROLES], "read roles");
    return { body: roleDoc(requireRoleRecord(request, endpoint)) };
  });

  router.route("POST", `${API}/endpoint/:id/role`, (request) => {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    const fail = failFor(request);
    requireRoleAdministration(request, endpoint);
    state.requireRole(request, caller, endpoint, ["administrator"], "assign roles");
    const body = objectBody(() => request.json(), fail);
    if (body.DATA_TYPE !== undefined && body.DATA_TYPE !== "role") {
      throw fail(400, "BadRequest", "DATA_TYPE must be 'role'");
    }
    if (body.principal_type !== "identity" && body.principal_type !== "group") {
      throw fail(400, "BadRequest", "'principal_type' must be 'identity' or 'group'");
    }
    if (typeof body.principal !== "string" || !UUID.test(body.principal)) {
      throw fail(400, "BadRequest", "'principal' must be an identity or group id (a UUID)");
    }
    if (!ENDPOINT_ROLES.includes(body.role as EndpointRole)) {
      throw fail(400, "BadRequest", `'role' must be one of ${ENDPOINT_ROLES.join(", ")}`);
    }
    const exists = endpoint.roles.some(
      (role) =>
        role.principalType === body.principal_type &&
        role.principal === body.principal &&
        role.role === body.role,
    );
    if (exists) throw fail(409, "Exists", `That principal already has the ${body.role} role`);
    const role: RoleRecord = {
      id: state.context.newId(),
      principalType: body.principal_type,
      principal: body.principal,
      role: body.role as EndpointRole,
    };
    endpoint.roles.push(role);
    return { status: 201, body: roleDoc(role) };
  });

  router.route("DELETE", `${API}/endpoint/:id/role/:roleId`, (request) => {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    requireRoleAdministration(request, endpoint);
    state.requireRole(request, caller, endpoint, ["administrator"], "delete roles");
    const role = requireRoleRecord(request, endpoint);
    const administrators = endpoint.roles.filter((candidate) => candidate.role === "administrator");
    if (role.role === "administrator" && administrators.length === 1) {
      throw failFor(request)(
        409,
        "Conflict",
        "An endpoint must keep at least one administrator role",
      );
    }
    endpoint.roles = endpoint.roles.filter((candidate) => candidate !== role);
    return { body: resultDoc(request, "result", "Deleted", "Role deleted successfully") };
  });
}
