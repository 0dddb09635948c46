/**
 * The emulated Globus Auth's registry: projects, their policies, clients (the seeded ones
 * and those created through the API) with their credentials, and the scopes clients own
 * with their dependent scopes. Token grants read clients and scopes from here; the
 * developer API changes it. Permission checks live here too: a caller administers a
 * project when one of its identities (or, for a client identity, the client) is an admin.
 */
import { timingSafeEqual } from "node:crypto";
import { KNOWN_SCOPES } from "../../scopes/known.ts";
import { URL_SCOPE as CLIENT_SCOPE, resourceServerOf } from "../scope-tree.ts";
import type { SeedClient } from "../types.ts";
import { authError, invalid, isoTime } from "./common.ts";

/** The kinds of client whose grants include Globus's dependent token grant. */
const RESOURCE_SERVER_TYPES = new Set([
  "hybrid_confidential_client_resource_server",
  "resource_server",
  "globus_connect_server",
]);
/** Client types without a secret (native apps, browser apps). */
const PUBLIC_TYPES = new Set(["public_installed_client", "public_webapp_client"]);
/** Every client type Globus Auth registers. */
export const CLIENT_TYPES = new Set([
  ...RESOURCE_SERVER_TYPES,
  ...PUBLIC_TYPES,
  "client_identity",
  "confidential_client",
]);

const DEPENDENT_GRANT = "urn:globus:auth:grant_type:dependent_token";

/** The OAuth grants a client type may use. */
export function grantTypesOf(clientType: string): string[] {
  if (PUBLIC_TYPES.has(clientType)) return ["authorization_code", "refresh_token"];
  const grants = ["authorization_code", "client_credentials", "refresh_token"];
  return RESOURCE_SERVER_TYPES.has(clientType) ? [...grants, DEPENDENT_GRANT] : grants;
}

export interface Credential {
  id: string;
  name: string;
  created: number;
  secret: string;
}

/** A client: what token grants need (id, type, redirects, secrets) and its registration. */
export interface RegisteredClient {
  id: string;
  name: string;
  /** Whether it authenticates with a secret. */
  type: "native" | "confidential";
  clientType: string;
  redirectUris: string[];
  allowLoopbackRedirects: boolean;
  project: string | null;
  visibility: string;
  links: { terms_and_conditions: string | null; privacy_policy: string | null };
  requiredIdp: string | null;
  preselectIdp: string | null;
  parentClient: string | null;
  fqdns: string[];
  promptForNamedGrant: boolean;
  userinfoFromEffectiveIdentity: boolean;
  credentials: Credential[];
  /** Seeded clients keep every URL scope a test names; created ones only their own. */
  seeded: boolean;
}

export interface Project {
  id: string;
  displayName: string;
  contactEmail: string;
  adminIds: string[];
  adminGroupIds: string[];
}

export interface Policy {
  id: string;
  projectId: string;
  displayName: string;
  description: string;
  highAssurance: boolean;
  authenticationAssuranceTimeout: number | null;
  requiredMfa: boolean;
  domainConstraintsInclude: string[] | null;
  domainConstraintsExclude: string[] | null;
}

export interface DependentScope {
  /** The dependent scope's id. */
  scope: string;
  optional: boolean;
  requires_refresh_token: boolean;
}

export interface ScopeEntry {
  id: string;
  client: string;
  suffix: string;
  name: string;
  description: string;
  advertised: boolean;
  allowsRefreshToken: boolean;
  requiredDomains: string[];
  dependentScopes: DependentScope[];
}

/** What the registry needs from its emulator. */
export interface RegistryCore {
  now(): number;
  newId(): string;
  /** A fresh client secret (recorded in the token ledger like any credential). */
  newSecret(): string;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The scope string of a client-owned scope. */
export function clientScopeString(clientId: string, suffix: string): string {
  return `https://auth.globus.org/scopes/${clientId}/${suffix}`;
}

/** The static scope strings of Globus's services, with the name of each. */
const SERVICE_SCOPE_NAMES = new Map<string, string>();
for (const set of Object.values(KNOWN_SCOPES)) {
  for (const [name, scope] of Object.entries(set.scopes)) SERVICE_SCOPE_NAMES.set(scope, name);
}

export class AuthRegistry {
  readonly #core: RegistryCore;
  readonly #clients = new Map<string, RegisteredClient>();
  readonly #projects = new Map<string, Project>();
  readonly #policies = new Map<string, Policy>();
  readonly #scopes = new Map<string, ScopeEntry>();
  /** Ids of the scopes no client here owns (Globus's services, collections), by string. */
  readonly #serviceScopeIds = new Map<string, string>();

  constructor(core: RegistryCore, seedClients: readonly SeedClient[]) {
    this.#core = core;
    for (const seed of seedClients) {
      const clientType =
        seed.type === "native"
          ? "public_installed_client"
          : "hybrid_confidential_client_resource_server";
      const client = this.#newClient({
        id: seed.id,
        name: seed.name,
        clientType,
        project: null,
        seeded: true,
      });
      client.redirectUris = [...(seed.redirectUris ?? [])];
      client.allowLoopbackRedirects = seed.allowLoopbackRedirects === true;
      if (seed.secret) {
        client.credentials.push({
          id: core.newId(),
          name: "Seeded secret",
          created: core.now(),
          secret: seed.secret,
        });
      }
    }
  }

  // ----- clients -----

  client(id: string): RegisteredClient | undefined {
    return this.#clients.get(id);
  }

  /** Whether `secret` is one of the client's live credentials. */
  verifySecret(client: RegisteredClient, secret: string): boolean {
    // every credential is compared, so the time taken does not say which one matched
    let matched = false;
    for (const credential of client.credentials)
      matched = safeEqual(secret, credential.secret) || matched;
    return matched;
  }

  mayUseGrant(client: RegisteredClient, grantType: string): boolean {
    return grantTypesOf(client.clientType).includes(grantType);
  }

  #newClient(args: {
    id: string;
    name: string;
    clientType: string;
    project: string | null;
    seeded?: boolean;
    parentClient?: string | null;
  }): RegisteredClient {
    const client: RegisteredClient = {
      id: args.id,
      name: args.name,
      type: PUBLIC_TYPES.has(args.clientType) ? "native" : "confidential",
      clientType: args.clientType,
      redirectUris: [],
      allowLoopbackRedirects: false,
      project: args.project,
      visibility: "private",
      links: { terms_and_conditions: null, privacy_policy: null },
      requiredIdp: null,
      preselectIdp: null,
      parentClient: args.parentClient ?? null,
      fqdns: [],
      promptForNamedGrant: true,
      userinfoFromEffectiveIdentity: true,
      credentials: [],
      seeded: args.seeded === true,
    };
    this.#clients.set(client.id, client);
    return client;
  }

  /** Registers a client; `fields` are the checked settable fields of its document. */
  createClient(args: {
    name: string;
    clientType: string;
    project: string | null;
    parentClient?: string | null;
    fields?: ClientUpdate;
  }): RegisteredClient {
    const client = this.#newClient({ ...args, id: this.#core.newId() });
    if (args.fields) this.updateClient(client, args.fields);
    return client;
  }

  updateClient(client: RegisteredClient, fields: ClientUpdate): void {
    if (fields.name !== undefined) client.name = fields.name;
    if (fields.visibility !== undefined) client.visibility = fields.visibility;
    if (fields.redirectUris !== undefined) client.redirectUris = fields.redirectUris;
    if (fields.links !== undefined) client.links = fields.links;
    if (fields.requiredIdp !== undefined) client.requiredIdp = fields.requiredIdp;
    if (fields.preselectIdp !== undefined) client.preselectIdp = fields.preselectIdp;
    if (fields.fqdns !== undefined) {
      for (const fqdn of fields.fqdns) {
        const owner = this.clientByFqdn(fqdn);
        if (owner && owner !== client) {
          throw invalid(`The fqdn ${fqdn} is already registered to another client`);
        }
      }
      client.fqdns = fields.fqdns;
    }
    if (fields.promptForNamedGrant !== undefined)
      client.promptForNamedGrant = fields.promptForNamedGrant;
    if (fields.userinfoFromEffectiveIdentity !== undefined)
      client.userinfoFromEffectiveIdentity = fields.userinfoFromEffectiveIdentity;
  }

  /** Removes a client with its credentials and scopes (its logins fail from then on). */
  deleteClient(client: RegisteredClient): void {
    this.#clients.delete(client.id);
    for (const scope of this.scopesOfClient(client.id)) this.#scopes.delete(scope.id);
  }

  clientByFqdn(fqdn: string): RegisteredClient | undefined {
    const wanted = fqdn.toLowerCase();
    return [...this.#clients.values()].find((client) =>
      client.fqdns.some((name) => name.toLowerCase() === wanted),
    );
  }

  clientsOfProjects(projectIds: ReadonlySet<string>): RegisteredClient[] {
    return [...this.#clients.values()].filter(
      (client) => client.project !== null && projectIds.has(client.project),
    );
  }

  // ----- credentials -----

  addCredential(client: RegisteredClient, name: string): Credential {
    if (client.type !== "confidential") {
      throw invalid("Only confidential clients have credentials");
    }
    const credential: Credential = {
      id: this.#core.newId(),
      name,
      created: this.#core.now(),
      secret: this.#core.newSecret(),
    };
    client.credentials.push(credential);
    return credential;
  }

  removeCredential(client: RegisteredClient, credentialId: string): Credential {
    const index = client.credentials.findIndex((credential) => credential.id === credentialId);
    const credential = client.credentials[index];
    if (!credential)
      throw authError(404, "NOT_FOUND", `No credential ${credentialId} on this client`);
    client.credentials.splice(index, 1);
    return credential;
  }

  // ----- projects and their admins -----

  /** The projects one of `callerIds` administers. */
  projectsOf(callerIds: readonly string[]): Project[] {
    return [...this.#projects.values()].filter((project) => this.isAdmin(project, callerIds));
  }

  isAdmin(project: Project, callerIds: readonly string[]): boolean {
    return project.adminIds.some((admin) => callerIds.includes(admin));
  }

  /** A project the caller administers: 404 when there is none, 403 when it is another's. */
  adminProject(projectId: string, callerIds: readonly string[]): Project {
    const project = this.#projects.get(projectId);
    if (!project) throw authError(404, "NOT_FOUND", `No project with id ${projectId}`);
    if (!this.isAdmin(project, callerIds)) {
      throw authError(403, "FORBIDDEN", "You are not an admin of this project");
    }
    return project;
  }

  /** A client of a project the caller administers. */
  adminClient(clientId: string, callerIds: readonly string[]): RegisteredClient {
    const client = this.#clients.get(clientId);
    if (!client) throw authError(404, "NOT_FOUND", `No client with id ${clientId}`);
    // a client identity may always see itself
    if (callerIds.includes(client.id)) return client;
    if (client.project === null) {
      throw authError(403, "FORBIDDEN", "This client belongs to no project you administer");
    }
    this.adminProject(client.project, callerIds);
    return client;
  }

  createProject(fields: Omit<Project, "id">): Project {
    const project: Project = { id: this.#core.newId(), ...fields };
    this.#projects.set(project.id, project);
    return project;
  }

  deleteProject(project: Project): void {
    if (this.clientsOfProjects(new Set([project.id])).length > 0) {
      throw invalid("The project still has clients: delete them first");
    }
    this.#projects.delete(project.id);
    for (const policy of this.#policies.values()) {
      if (policy.projectId === project.id) this.#policies.delete(policy.id);
    }
  }

  // ----- policies -----

  policiesOf(projectIds: ReadonlySet<string>): Policy[] {
    return [...this.#policies.values()].filter((policy) => projectIds.has(policy.projectId));
  }

  /** A policy of a project the caller administers. */
  adminPolicy(policyId: string, callerIds: readonly string[]): Policy {
    const policy = this.#policies.get(policyId);
    if (!policy) throw authError(404, "NOT_FOUND", `No policy with id ${policyId}`);
    this.adminProject(policy.projectId, callerIds);
    return policy;
  }

  createPolicy(fields: Omit<Policy, "id">): Policy {
    const policy: Policy = { id: this.#core.newId(), ...fields };
    this.#policies.set(policy.id, policy);
    return policy;
  }

  deletePolicy(policy: Policy): void {
    this.#policies.delete(policy.id);
  }

  // ----- scopes -----

  scope(id: string): ScopeEntry | undefined {
    return this.#scopes.get(id);
  }

  scopesOfClient(clientId: string): ScopeEntry[] {
    return [...this.#scopes.values()].filter((scope) => scope.client === clientId);
  }

  scopeString(scope: ScopeEntry): string {
    return clientScopeString(scope.client, scope.suffix);
  }

  /** The client-owned scope of a scope string, if a client here owns it. */
  scopeByString(scopeString: string): ScopeEntry | undefined {
    const match = CLIENT_SCOPE.exec(scopeString);
    if (!match) return undefined;
    return this.scopesOfClient(match[1]!).find((scope) => scope.suffix === match[2]);
  }

  /**
   * Whether a scope string names a scope Globus Auth would grant: a Globus service's, a
   * collection's or flow's (any URL scope of a client not created here), or a scope a
   * created client owns. A created client's unregistered suffix is refused.
   */
  isGrantable(scopeString: string): boolean {
    if (!resourceServerOf(scopeString)) return false;
    const match = CLIENT_SCOPE.exec(scopeString);
    const owner = match ? this.#clients.get(match[1]!) : undefined;
    if (owner && !owner.seeded) return this.scopeByString(scopeString) !== undefined;
    return true;
  }

  /** The id of any grantable scope string (stable for the emulator's life). */
  scopeIdOf(scopeString: string): string {
    const owned = this.scopeByString(scopeString);
    if (owned) return owned.id;
    let id = this.#serviceScopeIds.get(scopeString);
    if (!id) {
      id = this.#core.newId();
      this.#serviceScopeIds.set(scopeString, id);
    }
    return id;
  }

  /** The scope string of a scope id: a client-owned scope's, or a service scope seen before. */
  scopeStringOfId(id: string): string | undefined {
    const owned = this.#scopes.get(id);
    if (owned) return this.scopeString(owned);
    for (const [scopeString, serviceId] of this.#serviceScopeIds) {
      if (serviceId === id) return scopeString;
    }
    return undefined;
  }

  /** The dependent scopes (as scope strings) consent to `scopeString` brings along. */
  dependentsOf(scopeString: string): { scope: string; optional: boolean }[] {
    const owned = this.scopeByString(scopeString);
    if (!owned) return [];
    return owned.dependentScopes.flatMap((dependent) => {
      const scope = this.scopeStringOfId(dependent.scope);
      return scope ? [{ scope, optional: dependent.optional }] : [];
    });
  }

  /**
   * A service scope's document, for scope look-ups by string or id. No client here owns
   * it, so its `client` is the service's resource server.
   */
  serviceScope(scopeString: string): ScopeEntry | undefined {
    if (this.scopeByString(scopeString) || !this.isGrantable(scopeString)) return undefined;
    const server = resourceServerOf(scopeString) ?? "";
    const name = SERVICE_SCOPE_NAMES.get(scopeString) ?? scopeString.split(/[:/]/).at(-1) ?? "";
    return {
      id: this.scopeIdOf(scopeString),
      client: server,
      suffix: name,
      name,
      description: `The ${name} scope of ${server}`,
      advertised: true,
      allowsRefreshToken: true,
      requiredDomains: [],
      dependentScopes: [],
    };
  }

  createScope(client: RegisteredClient, fields: Omit<ScopeEntry, "id" | "client">): ScopeEntry {
    if (client.type !== "confidential") {
      throw invalid("Only confidential clients (resource servers) own scopes");
    }
    this.#checkSuffix(client.id, fields.suffix, undefined);
    this.#checkDependents(fields.dependentScopes);
    const scope: ScopeEntry = { id: this.#core.newId(), client: client.id, ...fields };
    this.#scopes.set(scope.id, scope);
    return scope;
  }

  updateScope(scope: ScopeEntry, fields: Partial<Omit<ScopeEntry, "id" | "client">>): void {
    if (fields.suffix !== undefined) this.#checkSuffix(scope.client, fields.suffix, scope);
    if (fields.dependentScopes !== undefined) this.#checkDependents(fields.dependentScopes, scope);
    Object.assign(
      scope,
      Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    );
  }

  deleteScope(scope: ScopeEntry): void {
    this.#scopes.delete(scope.id);
  }

  #checkSuffix(clientId: string, suffix: string, self: ScopeEntry | undefined): void {
    if (!/^[a-z0-9_]+$/.test(suffix)) {
      throw invalid("scope_suffix may hold only lowercase letters, digits and underscores");
    }
    const taken = this.scopesOfClient(clientId).find((scope) => scope.suffix === suffix);
    if (taken && taken !== self) throw invalid(`The client already has a scope ${suffix}`);
  }

  #checkDependents(dependents: readonly DependentScope[], self?: ScopeEntry): void {
    for (const dependent of dependents) {
      if (self && dependent.scope === self.id) throw invalid("A scope cannot depend on itself");
      if (!this.scopeStringOfId(dependent.scope)) {
        throw invalid(`No scope with id ${dependent.scope} (dependent scopes are named by id)`);
      }
    }
  }

  // ----- documents -----

  clientJson(client: RegisteredClient): Record<string, unknown> {
    return {
      required_idp: client.requiredIdp,
      name: client.name,
      redirect_uris: [...client.redirectUris],
      links: { ...client.links },
      scopes: this.scopesOfClient(client.id).map((scope) => scope.id),
      grant_types: grantTypesOf(client.clientType),
      id: client.id,
      prompt_for_named_grant: client.promptForNamedGrant,
      fqdns: [...client.fqdns],
      project: client.project,
      client_type: client.clientType,
      visibility: client.visibility,
      parent_client: client.parentClient,
      userinfo_from_effective_identity: client.userinfoFromEffectiveIdentity,
      preselect_idp: client.preselectIdp,
      public_client: client.type === "native",
    };
  }

  /** A credential; its secret only in the answer that created it. */
  credentialJson(
    client: RegisteredClient,
    credential: Credential,
    withSecret: boolean,
  ): Record<string, unknown> {
    return {
      name: credential.name,
      id: credential.id,
      created: isoTime(credential.created),
      client: client.id,
      secret: withSecret ? credential.secret : null,
    };
  }

  policyJson(policy: Policy): Record<string, unknown> {
    return {
      high_assurance: policy.highAssurance,
      domain_constraints_include: policy.domainConstraintsInclude,
      display_name: policy.displayName,
      description: policy.description,
      id: policy.id,
      domain_constraints_exclude: policy.domainConstraintsExclude,
      project_id: policy.projectId,
      authentication_assurance_timeout: policy.authenticationAssuranceTimeout,
      required_mfa: policy.requiredMfa,
    };
  }

  scopeJson(scope: ScopeEntry): Record<string, unknown> {
    const scopeString = this.#scopes.has(scope.id)
      ? this.scopeString(scope)
      : (this.scopeStringOfId(scope.id) ?? "");
    return {
      scope_string: scopeString,
      allows_refresh_token: scope.allowsRefreshToken,
      id: scope.id,
      advertised: scope.advertised,
      required_domains: [...scope.requiredDomains],
      name: scope.name,
      description: scope.description,
      client: scope.client,
      dependent_scopes: scope.dependentScopes.map((dependent) => ({ ...dependent })),
    };
  }
}

/** The settable fields of a client, checked. */
export interface ClientUpdate {
  name?: string;
  visibility?: string;
  redirectUris?: string[];
  links?: { terms_and_conditions: string | null; privacy_policy: string | null };
  requiredIdp?: string | null;
  preselectIdp?: string | null;
  fqdns?: string[];
  promptForNamedGrant?: boolean;
  userinfoFromEffectiveIdentity?: boolean;
}
