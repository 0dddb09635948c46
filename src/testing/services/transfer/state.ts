/**
 * The Transfer emulator's model of endpoints and who may do what on them: each collection's
 * file tree and Transfer-side settings, its role assignments and (guest collections) access
 * rules, the pause rules that stop operations on it, and the one place that decides a
 * caller's effective roles and file permissions.
 */
import { gcsCollectionScopeSet, KNOWN_SCOPES } from "../../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorRequest,
  SeedEndpoint,
} from "../../types.ts";
import { EmulatorHttpError } from "../../types.ts";
import { buildTree, type DirNode, lookup, splitPath } from "../file-tree.ts";
import { failFor, formatterFor, transferErrorBody } from "./errors.ts";

export const TRANSFER = KNOWN_SCOPES.transfer;
export const API = "/v0.10";

/**
 * The subscription the emulator knows (the one the Groups emulator's subscription group
 * provides): Alice, every identity of her account, manages it.
 */
export const DEMO_SUBSCRIPTION_ID = "77777777-3333-4777-8777-777777777777";
const SUBSCRIPTION_MANAGER_ACCOUNTS: Record<string, string[]> = {
  [DEMO_SUBSCRIPTION_ID]: ["alice"],
};

export type EndpointRole =
  | "administrator"
  | "access_manager"
  | "activity_manager"
  | "activity_monitor";
export const ENDPOINT_ROLES: readonly EndpointRole[] = [
  "administrator",
  "access_manager",
  "activity_manager",
  "activity_monitor",
];

/** A role assignment on an endpoint (`role` document). */
export interface RoleRecord {
  id: string;
  principalType: "identity" | "group";
  principal: string;
  role: EndpointRole;
}

export type AclPrincipalType = "identity" | "group" | "all_authenticated_users" | "anonymous";

/** An access rule of a guest collection (`access` document). */
export interface AccessRule {
  id: string;
  principalType: AclPrincipalType;
  principal: string;
  /** Always absolute and ending in `/`, relative to the guest collection's root. */
  path: string;
  permissions: "r" | "rw";
  createTime: number;
  expirationDate: string | null;
}

/** The operations a pause rule can stop, by its document's flag names. */
export const PAUSE_FLAGS = [
  "pause_ls",
  "pause_mkdir",
  "pause_symlink",
  "pause_rename",
  "pause_task_delete",
  "pause_task_transfer_delete",
  "pause_task_transfer_read",
] as const;
export type PauseFlag = (typeof PAUSE_FLAGS)[number];

/** A pause rule (`pause_rule` document) on one endpoint. */
export interface PauseRule {
  id: string;
  endpointId: string;
  message: string;
  /** Epoch seconds; null: in force since creation. */
  startTime: number | null;
  /** Null: every identity's tasks and operations. */
  identityId: string | null;
  modifiedById: string;
  createdByHostManager: boolean;
  flags: Record<PauseFlag, boolean>;
}

/** Transfer's own state of one collection. The collection record is shared (context.collections). */
export interface EndpointState {
  seed: SeedEndpoint;
  /** The collection's own tree; guest collections use their host's, below `host_path`. */
  ownRoot: DirNode;
  /** Fields set with update_endpoint (description, keywords, contact_email, ...). */
  settings: Record<string, unknown>;
  roles: RoleRecord[];
  rules: AccessRule[];
  serverId: number;
  subscriptionId: string | null;
  subscriptionAdminVerified: boolean;
}

/** Who is calling: the token, and every identity of the caller's account. */
export interface Caller {
  token: AccessTokenInfo;
  id: string;
  identities: ReadonlySet<string>;
  username: string;
}

export type FilePermission = "r" | "rw";

export class TransferState {
  readonly context: EmulatorContext;
  readonly pauseRules = new Map<string, PauseRule>();
  /** Run before each request is answered (the task engine catches up with the clock). */
  onRequest: () => void = () => {};
  readonly #states = new Map<string, EndpointState>();
  #nextServerId = 1;

  constructor(context: EmulatorContext) {
    this.context = context;
  }

  /** Authenticates a Transfer request (the `all` scope) and brings tasks up to now. */
  caller(request: EmulatorRequest): Caller {
    const token = this.context.authenticate(request, TRANSFER.resourceServer, {
      anyOfScopes: [TRANSFER.scopes.all],
      format: formatterFor(request),
    });
    this.onRequest();
    const identity = this.context.identity(token.identityId);
    const identities = new Set([token.identityId]);
    if (identity) {
      for (const other of this.context.seed.identities) {
        if (other.account === identity.account) identities.add(other.id);
      }
    }
    return {
      token,
      id: token.identityId,
      identities,
      username: identity?.username ?? `${token.clientId}@clients.auth.globus.org`,
    };
  }

  // --- endpoints ---------------------------------------------------------------------

  endpoint(id: string): EndpointState | undefined {
    const seed = this.context.collections.get(id);
    if (!seed) {
      this.#states.delete(id);
      return undefined;
    }
    let state = this.#states.get(id);
    if (state?.seed !== seed) {
      state = {
        seed,
        ownRoot: buildTree(seed.tree, this.context.now()),
        settings: {},
        roles: [],
        rules: [],
        serverId: this.#nextServerId++,
        subscriptionId: null,
        subscriptionAdminVerified: false,
      };
      const owner = this.ownerIdentity(seed);
      if (owner) {
        state.roles.push({
          id: this.context.newId(),
          principalType: "identity",
          principal: owner,
          role: "administrator",
        });
      }
      this.#states.set(id, state);
    }
    return state;
  }

  endpoints(): EndpointState[] {
    return this.context.collections.all().flatMap((seed) => this.endpoint(seed.id) ?? []);
  }

  requireEndpoint(request: EmulatorRequest, id: string): EndpointState {
    const endpoint = this.endpoint(id);
    if (!endpoint) throw failFor(request)(404, "EndpointNotFound", `No such endpoint '${id}'`);
    return endpoint;
  }

  /** The identity id of the collection's owner, when its `owner_string` names one. */
  ownerIdentity(seed: SeedEndpoint): string | undefined {
    return this.context.seed.identities.find((identity) => identity.username === seed.owner_string)
      ?.id;
  }

  entityType(endpoint: EndpointState): string {
    return endpoint.seed.entity_type ?? "GCSv5_mapped_collection";
  }

  isGuest(endpoint: EndpointState): boolean {
    return endpoint.seed.host_endpoint_id !== undefined || /guest/.test(this.entityType(endpoint));
  }

  /** Globus Connect Personal endpoints are the ones Transfer's own API administers. */
  isPersonal(endpoint: EndpointState): boolean {
    return this.entityType(endpoint).startsWith("GCP_");
  }

  /** A guest collection's host (mapped) collection. */
  hostOf(endpoint: EndpointState): EndpointState | undefined {
    const hostId = endpoint.seed.host_endpoint_id;
    return hostId ? this.endpoint(hostId) : undefined;
  }

  /** Guest collections hosted on an endpoint. */
  guestsOf(host: EndpointState): EndpointState[] {
    return this.endpoints().filter((endpoint) => endpoint.seed.host_endpoint_id === host.seed.id);
  }

  /** The root of a collection's files (a guest's is its host's directory at `host_path`). */
  rootOf(endpoint: EndpointState, depth = 0): DirNode | undefined {
    const { host_endpoint_id: hostId, host_path: hostPath } = endpoint.seed;
    if (!hostId || depth > 8) return endpoint.ownRoot;
    const host = this.endpoint(hostId);
    const hostRoot = host ? this.rootOf(host, depth + 1) : undefined;
    const segments = splitPath(hostPath ?? "/", []);
    const node = hostRoot && segments ? lookup(hostRoot, segments) : undefined;
    return node?.type === "dir" ? node : undefined;
  }

  requireRoot(request: EmulatorRequest, endpoint: EndpointState): DirNode {
    const root = this.rootOf(endpoint);
    if (!root) {
      throw failFor(request)(
        404,
        "ClientError.NotFound",
        `The host path '${endpoint.seed.host_path}' of guest collection '${endpoint.seed.id}' no longer exists`,
      );
    }
    return root;
  }

  // --- roles and permissions ---------------------------------------------------------

  /** A caller's effective roles: assigned ones and what they imply. */
  rolesOf(caller: Caller, endpoint: EndpointState): Set<EndpointRole> {
    const roles = new Set<EndpointRole>();
    for (const record of endpoint.roles) {
      if (record.principalType === "identity" && caller.identities.has(record.principal)) {
        roles.add(record.role);
      }
    }
    // administrators may do everything; activity managers may also monitor
    if (roles.has("administrator")) for (const role of ENDPOINT_ROLES) roles.add(role);
    if (roles.has("activity_manager")) roles.add("activity_monitor");
    return roles;
  }

  hasRole(caller: Caller, endpoint: EndpointState, ...anyOf: EndpointRole[]): boolean {
    const roles = this.rolesOf(caller, endpoint);
    return anyOf.some((role) => roles.has(role));
  }

  /**
   * Whether the caller holds a role on an endpoint or on its host: a host's activity
   * monitors and managers watch and steer its guest collections too.
   */
  holdsRole(caller: Caller, endpointId: string | null, role: EndpointRole): boolean {
    const endpoint = endpointId ? this.endpoint(endpointId) : undefined;
    if (!endpoint) return false;
    if (this.hasRole(caller, endpoint, role)) return true;
    const host = this.hostOf(endpoint);
    return host ? this.hasRole(caller, host, role) : false;
  }

  /** 403 `PermissionDenied` unless the caller holds one of the roles (effectively). */
  requireRole(
    request: EmulatorRequest,
    caller: Caller,
    endpoint: EndpointState,
    anyOf: EndpointRole[],
    action: string,
  ): void {
    if (this.hasRole(caller, endpoint, ...anyOf)) return;
    throw failFor(request)(
      403,
      "PermissionDenied",
      `You do not have permission to ${action} on endpoint '${endpoint.seed.id}': it needs the ${anyOf.join(" or ")} role`,
    );
  }

  /** Whether an access rule names the caller (group rules need group memberships: not modelled). */
  ruleNames(rule: AccessRule, caller: Caller): boolean {
    switch (rule.principalType) {
      case "identity":
        return caller.identities.has(rule.principal);
      case "all_authenticated_users":
      case "anonymous":
        return true;
      case "group":
        return false;
    }
  }

  /**
   * What the caller may do with the files at `segments` (below the collection's root):
   * `rw`, `r`, or nothing. Mapped GCSv5 collections map every identity to a local account;
   * a Globus Connect Personal collection is its owner's alone; a guest collection grants
   * its administrators and access managers everything and others what their unexpired
   * access rules on the path (or a parent) allow.
   */
  filePermission(
    caller: Caller,
    endpoint: EndpointState,
    segments: readonly string[],
  ): FilePermission | undefined {
    if (this.isGuest(endpoint)) {
      if (this.hasRole(caller, endpoint, "administrator", "access_manager")) return "rw";
      let best: FilePermission | undefined;
      const now = this.context.now();
      for (const rule of endpoint.rules) {
        if (rule.expirationDate && Date.parse(rule.expirationDate) / 1000 <= now) continue;
        if (!this.ruleNames(rule, caller)) continue;
        const ruleSegments = rule.path.split("/").filter(Boolean);
        if (!ruleSegments.every((segment, i) => segments[i] === segment)) continue;
        if (rule.permissions === "rw") return "rw";
        best = "r";
      }
      return best;
    }
    if (this.isPersonal(endpoint)) {
      return this.hasRole(caller, endpoint, "administrator") ? "rw" : undefined;
    }
    return "rw";
  }

  /** 403 `PermissionDenied` unless the caller may read (`r`) or write (`rw`) the path. */
  requireFilePermission(
    request: EmulatorRequest,
    caller: Caller,
    endpoint: EndpointState,
    segments: readonly string[],
    needed: FilePermission,
    rawPath: string,
  ): void {
    const granted = this.filePermission(caller, endpoint, segments);
    if (granted === "rw" || (granted === "r" && needed === "r")) return;
    throw failFor(request)(
      403,
      "PermissionDenied",
      `You do not have ${needed === "r" ? "read" : "write"} permission on '${rawPath}' on endpoint '${endpoint.seed.id}'`,
    );
  }

  /** `/~/` is `/home/<user>/` when the collection has one, else the root. */
  homeOf(caller: Caller, root: DirNode | undefined): string[] {
    const local = caller.username.split("@")[0] ?? "";
    const home = root ? lookup(root, ["home", local]) : undefined;
    return home?.type === "dir" ? ["home", local] : [];
  }

  /** The local account files show as owned by: the caller's username before the `@`. */
  fileOwner(caller: Caller): string {
    return caller.username.split("@")[0] ?? "user";
  }

  /**
   * Collections with an allowed-domain list refuse other identities; collections that need
   * an MFA session or a data_access consent answer with a GARE: `ConsentRequired` with
   * `required_scopes` when the consent is missing, else `AuthorizationRequired` for the
   * session alone; both carry `authorization_parameters`.
   */
  checkCollectionAccess(request: EmulatorRequest, caller: Caller, endpoint: EndpointState): void {
    const { seed } = endpoint;
    const { token } = caller;
    if (seed.allowed_domains?.length && !token.isClientCredentials) {
      const domain = this.context.identity(token.identityId)?.username.split("@")[1] ?? "";
      if (!seed.allowed_domains.includes(domain)) {
        throw failFor(request)(
          403,
          "PermissionDenied",
          `Identities from '${domain}' may not use collection '${seed.display_name}' (${seed.id}): its storage gateway allows only ${seed.allowed_domains.join(", ")}`,
        );
      }
    }
    const needsMfa = seed.high_assurance === true || this.context.requiresMfa(seed.id);
    const needsConsent = seed.high_assurance === true || seed.requires_data_access_consent === true;
    const dataAccess = gcsCollectionScopeSet(seed.id).scopes.data_access;
    const consentMissing =
      needsConsent && !this.context.hasDependentConsent(token, TRANSFER.scopes.all, dataAccess);
    const mfaMissing = needsMfa && !token.mfa;
    if (!consentMissing && !mfaMissing) return;
    const requiredScopes = [`${TRANSFER.scopes.all}[*${dataAccess}]`];
    const message = consentMissing
      ? `Missing required data_access consent for collection '${seed.display_name}' (${seed.id})`
      : `Collection '${seed.display_name}' (${seed.id}) requires a recent multi-factor authentication`;
    const authorizationParameters: Record<string, unknown> = {
      session_message: message,
      required_scopes: requiredScopes,
    };
    if (mfaMissing) authorizationParameters.session_required_mfa = true;
    const body: Record<string, unknown> = {
      ...transferErrorBody(
        request.path,
        consentMissing ? "ConsentRequired" : "AuthorizationRequired",
        message,
      ),
      authorization_parameters: authorizationParameters,
    };
    if (consentMissing) body.required_scopes = requiredScopes;
    throw new EmulatorHttpError(403, body);
  }

  // --- subscriptions -----------------------------------------------------------------

  /** The subscriptions the caller manages. */
  subscriptionsOf(caller: Caller): string[] {
    const accounts = new Set(
      [...caller.identities].flatMap((id) => this.context.identity(id)?.account ?? []),
    );
    return Object.entries(SUBSCRIPTION_MANAGER_ACCOUNTS)
      .filter(([, managers]) => managers.some((account) => accounts.has(account)))
      .map(([id]) => id);
  }

  isKnownSubscription(id: string): boolean {
    return Object.hasOwn(SUBSCRIPTION_MANAGER_ACCOUNTS, id);
  }

  // --- pause rules -------------------------------------------------------------------

  /** The rules in force now on an endpoint that stop `flag` for an identity. */
  pausing(endpointId: string, flag: PauseFlag, identityId: string, at = this.context.now()) {
    return [...this.pauseRules.values()].filter(
      (rule) =>
        rule.endpointId === endpointId &&
        rule.flags[flag] &&
        (rule.identityId === null || rule.identityId === identityId) &&
        (rule.startTime === null || rule.startTime <= at),
    );
  }

  /** 409 `OperationPaused` when a pause rule stops this file operation for the caller. */
  checkNotPaused(
    request: EmulatorRequest,
    caller: Caller,
    endpoint: EndpointState,
    flag: PauseFlag,
  ) {
    // a rule on a host holds its guest collections too
    const host = this.hostOf(endpoint);
    const [rule] = [
      ...this.pausing(endpoint.seed.id, flag, caller.id),
      ...(host ? this.pausing(host.seed.id, flag, caller.id) : []),
    ];
    if (!rule) return;
    throw failFor(request)(
      409,
      "OperationPaused",
      `This operation is paused on endpoint '${endpoint.seed.display_name}': ${rule.message}`,
    );
  }
}
