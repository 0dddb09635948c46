/**
 * The emulated Globus Auth developer API (`/v2/api/projects`, `policies`, `clients` with
 * their `credentials` and `scopes`, `scopes`, `identity_providers`), over the
 * {@link AuthRegistry}. Every call but a native-app instance's creation needs an Auth
 * token with `manage_projects` (a child client is created by its confidential parent with
 * HTTP Basic), and sees only the projects its identity set administers. Bodies are checked
 * as Globus Auth checks them: documents under their key, known fields only.
 */
import { KNOWN_SCOPES } from "../../scopes/known.ts";
import type { AccessTokenInfo, EmulatorReply, EmulatorRequest, ServiceRouter } from "../types.ts";
import { authError, invalid, UUID } from "./common.ts";
import type { IdentityProvider } from "./identity-providers.ts";
import {
  type AuthRegistry,
  CLIENT_TYPES,
  type ClientUpdate,
  type DependentScope,
  type Policy,
  type Project,
  type RegisteredClient,
  type ScopeEntry,
} from "./registry.ts";

type Doc = Record<string, unknown>;

const MANAGE_PROJECTS = KNOWN_SCOPES.auth.scopes.manage_projects;
/** The authentication timeout of a new policy when none is given (Globus's is 8 h too). */
const DEFAULT_ASSURANCE_TIMEOUT = 28800;

/** What the developer API needs from the rest of Globus Auth. */
export interface DeveloperDeps {
  readonly registry: AuthRegistry;
  /** Authenticates an Auth API call (Auth's error format); `anyOfScopes` empty: any token. */
  authenticate(request: EmulatorRequest, anyOfScopes: string[]): AccessTokenInfo;
  /** The confidential client of an HTTP Basic `Authorization`, or undefined without one. */
  basicClient(request: EmulatorRequest): RegisteredClient | undefined;
  /** The identities (or the client) a token acts as: its identity set. */
  callerIds(info: AccessTokenInfo): string[];
  /** An identity's record (a seeded identity, or a client's own identity). */
  identityRecord(id: string): Record<string, unknown> | undefined;
  identityProviders(): IdentityProvider[];
}

// ----- body checks -----

function documentOf(request: EmulatorRequest, key: string): Doc {
  const body = request.json<unknown>();
  const doc = (body as Doc | null)?.[key];
  if (typeof body !== "object" || body === null || typeof doc !== "object" || doc === null) {
    throw invalid(`The body must be a JSON object with a "${key}" document`);
  }
  return doc as Doc;
}

function onlyKeys(doc: Doc, allowed: readonly string[], what: string): void {
  const unknown = Object.keys(doc).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw invalid(`Unknown ${what} field(s): ${unknown.join(", ")}`);
}

function text(doc: Doc, key: string, required: true): string;
function text(doc: Doc, key: string, required?: false): string | undefined;
function text(doc: Doc, key: string, required = false): string | undefined {
  const value = doc[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid(`${key} must be a non-empty string`);
  }
  return value;
}

function nullableText(doc: Doc, key: string): string | null | undefined {
  return doc[key] === null ? null : text(doc, key);
}

function nullableId(doc: Doc, key: string): string | null | undefined {
  const value = nullableText(doc, key);
  if (typeof value === "string" && !UUID.test(value)) throw invalid(`${key} must be a UUID`);
  return value;
}

function flag(doc: Doc, key: string): boolean | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw invalid(`${key} must be true or false`);
  return value;
}

function textList(doc: Doc, key: string, ids = false): string[] | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw invalid(`${key} must be a list of strings`);
  }
  if (ids && value.some((item) => !UUID.test(item))) throw invalid(`${key} must hold UUIDs`);
  return [...value];
}

function nullableList(doc: Doc, key: string): string[] | null | undefined {
  return doc[key] === null ? null : textList(doc, key);
}

function idParam(request: EmulatorRequest, name: string): string {
  const value = request.params[name] ?? "";
  if (!UUID.test(value)) throw authError(404, "NOT_FOUND", `No resource with id ${value}`);
  return value.toLowerCase();
}

/** Registers the developer API's routes on Globus Auth's router. */
export function registerDeveloperApi(router: ServiceRouter, deps: DeveloperDeps): void {
  const api = new DeveloperApi(deps);
  const on = (method: string, path: string, handler: (request: EmulatorRequest) => EmulatorReply) =>
    router.route(method, path, handler);
  on("GET", "/v2/api/identity_providers", (r) => api.identityProviders(r));
  on("GET", "/v2/api/projects", (r) => api.listProjects(r));
  on("POST", "/v2/api/projects", (r) => api.createProject(r));
  on("GET", "/v2/api/projects/:id", (r) => api.getProject(r));
  on("PUT", "/v2/api/projects/:id", (r) => api.updateProject(r));
  on("DELETE", "/v2/api/projects/:id", (r) => api.deleteProject(r));
  on("GET", "/v2/api/policies", (r) => api.listPolicies(r));
  on("POST", "/v2/api/policies", (r) => api.createPolicy(r));
  on("GET", "/v2/api/policies/:id", (r) => api.getPolicy(r));
  on("PUT", "/v2/api/policies/:id", (r) => api.updatePolicy(r));
  on("DELETE", "/v2/api/policies/:id", (r) => api.deletePolicy(r));
  on("GET", "/v2/api/clients", (r) => api.listClients(r));
  on("POST", "/v2/api/clients", (r) => api.createClient(r));
  on("GET", "/v2/api/clients/:id", (r) => api.getClient(r));
  on("PUT", "/v2/api/clients/:id", (r) => api.updateClient(r));
  on("DELETE", "/v2/api/clients/:id", (r) => api.deleteClient(r));
  on("GET", "/v2/api/clients/:id/credentials", (r) => api.listCredentials(r));
  on("POST", "/v2/api/clients/:id/credentials", (r) => api.createCredential(r));
  on("DELETE", "/v2/api/clients/:id/credentials/:credential", (r) => api.deleteCredential(r));
  on("POST", "/v2/api/clients/:id/scopes", (r) => api.createScope(r));
  on("GET", "/v2/api/scopes", (r) => api.listScopes(r));
  on("GET", "/v2/api/scopes/:id", (r) => api.getScope(r));
  on("PUT", "/v2/api/scopes/:id", (r) => api.updateScope(r));
  on("DELETE", "/v2/api/scopes/:id", (r) => api.deleteScope(r));
}

const PROJECT_FIELDS = ["display_name", "contact_email", "admin_ids", "admin_group_ids"];
const POLICY_FIELDS = [
  "project_id",
  "high_assurance",
  "authentication_assurance_timeout",
  "required_mfa",
  "display_name",
  "description",
  "domain_constraints_include",
  "domain_constraints_exclude",
];
const CLIENT_FIELDS = [
  "name",
  "visibility",
  "redirect_uris",
  "links",
  "required_idp",
  "preselect_idp",
  // the Python SDK's additional_fields that Globus Auth also takes
  "fqdns",
  "prompt_for_named_grant",
  "userinfo_from_effective_identity",
];
const SCOPE_FIELDS = [
  "name",
  "description",
  "scope_suffix",
  "advertised",
  "allows_refresh_token",
  "required_domains",
  "dependent_scopes",
];

class DeveloperApi {
  readonly #deps: DeveloperDeps;
  readonly #registry: AuthRegistry;

  constructor(deps: DeveloperDeps) {
    this.#deps = deps;
    this.#registry = deps.registry;
  }

  /** The identities (or client) of a call that needs `manage_projects`. */
  #caller(request: EmulatorRequest): string[] {
    return this.#deps.callerIds(this.#deps.authenticate(request, [MANAGE_PROJECTS]));
  }

  // ----- identity providers -----

  identityProviders(request: EmulatorRequest): EmulatorReply {
    this.#deps.authenticate(request, []);
    const split = (name: string) =>
      (request.query.get(name) ?? "")
        .split(",")
        .map((value) => value.trim().toLowerCase())
        .filter(Boolean);
    const domains = split("domains");
    const ids = split("ids");
    if (domains.length > 0 && ids.length > 0) throw invalid("Give domains or ids, not both");
    const providers = this.#deps
      .identityProviders()
      .filter((idp) =>
        ids.length > 0
          ? ids.includes(idp.id)
          : domains.some((domain) => idp.domains.includes(domain)),
      );
    return { body: { identity_providers: providers.map((idp) => ({ ...idp })) } };
  }

  // ----- projects -----

  #projectJson(project: Project): Doc {
    const identities = project.adminIds.flatMap((id) => {
      const record = this.#deps.identityRecord(id);
      return record ? [record] : [];
    });
    return {
      contact_email: project.contactEmail,
      id: project.id,
      // the emulator's Auth does not see Groups' groups, so group admins are listed by id only
      admins: { identities, groups: [] },
      project_name: project.displayName,
      admin_ids: project.adminIds.length > 0 ? [...project.adminIds] : null,
      admin_group_ids: project.adminGroupIds.length > 0 ? [...project.adminGroupIds] : null,
      display_name: project.displayName,
    };
  }

  #admins(doc: Doc): { adminIds?: string[]; adminGroupIds?: string[] } {
    const adminIds = doc.admin_ids === null ? [] : textList(doc, "admin_ids", true);
    const adminGroupIds =
      doc.admin_group_ids === null ? [] : textList(doc, "admin_group_ids", true);
    for (const id of adminIds ?? []) {
      if (!this.#deps.identityRecord(id)) throw invalid(`Unknown identity in admin_ids: ${id}`);
    }
    return {
      ...(adminIds ? { adminIds: adminIds.map((id) => id.toLowerCase()) } : {}),
      ...(adminGroupIds ? { adminGroupIds } : {}),
    };
  }

  listProjects(request: EmulatorRequest): EmulatorReply {
    const projects = this.#registry.projectsOf(this.#caller(request));
    return { body: { projects: projects.map((project) => this.#projectJson(project)) } };
  }

  createProject(request: EmulatorRequest): EmulatorReply {
    this.#caller(request);
    const doc = documentOf(request, "project");
    onlyKeys(doc, PROJECT_FIELDS, "project");
    const admins = this.#admins(doc);
    const adminIds = admins.adminIds ?? [];
    const adminGroupIds = admins.adminGroupIds ?? [];
    if (adminIds.length + adminGroupIds.length === 0) {
      throw invalid("A project needs admin_ids or admin_group_ids");
    }
    const project = this.#registry.createProject({
      displayName: text(doc, "display_name", true),
      contactEmail: text(doc, "contact_email", true),
      adminIds,
      adminGroupIds,
    });
    return { body: { project: this.#projectJson(project) } };
  }

  getProject(request: EmulatorRequest): EmulatorReply {
    const project = this.#registry.adminProject(idParam(request, "id"), this.#caller(request));
    return { body: { project: this.#projectJson(project) } };
  }

  updateProject(request: EmulatorRequest): EmulatorReply {
    const project = this.#registry.adminProject(idParam(request, "id"), this.#caller(request));
    const doc = documentOf(request, "project");
    onlyKeys(doc, PROJECT_FIELDS, "project");
    const admins = this.#admins(doc);
    const adminIds = admins.adminIds ?? project.adminIds;
    const adminGroupIds = admins.adminGroupIds ?? project.adminGroupIds;
    if (adminIds.length + adminGroupIds.length === 0) {
      throw invalid("A project needs admin_ids or admin_group_ids");
    }
    Object.assign(project, {
      displayName: text(doc, "display_name") ?? project.displayName,
      contactEmail: text(doc, "contact_email") ?? project.contactEmail,
      adminIds,
      adminGroupIds,
    });
    return { body: { project: this.#projectJson(project) } };
  }

  deleteProject(request: EmulatorRequest): EmulatorReply {
    const project = this.#registry.adminProject(idParam(request, "id"), this.#caller(request));
    const body = { project: this.#projectJson(project) };
    this.#registry.deleteProject(project);
    return { body };
  }

  // ----- policies -----

  #policyFields(doc: Doc): Partial<Omit<Policy, "id">> {
    const timeout = doc.authentication_assurance_timeout;
    if (
      timeout !== undefined &&
      timeout !== null &&
      (!Number.isInteger(timeout) || (timeout as number) <= 0)
    ) {
      throw invalid("authentication_assurance_timeout must be a positive number of seconds");
    }
    const fields: Partial<Omit<Policy, "id">> = {
      displayName: text(doc, "display_name"),
      description: text(doc, "description"),
      highAssurance: flag(doc, "high_assurance"),
      authenticationAssuranceTimeout: timeout as number | null | undefined,
      requiredMfa: flag(doc, "required_mfa"),
      domainConstraintsInclude: nullableList(doc, "domain_constraints_include"),
      domainConstraintsExclude: nullableList(doc, "domain_constraints_exclude"),
    };
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  }

  listPolicies(request: EmulatorRequest): EmulatorReply {
    const projects = new Set(this.#registry.projectsOf(this.#caller(request)).map((p) => p.id));
    const policies = this.#registry.policiesOf(projects);
    return { body: { policies: policies.map((policy) => this.#registry.policyJson(policy)) } };
  }

  createPolicy(request: EmulatorRequest): EmulatorReply {
    const caller = this.#caller(request);
    const doc = documentOf(request, "policy");
    onlyKeys(doc, POLICY_FIELDS, "policy");
    const projectId = text(doc, "project_id", true).toLowerCase();
    this.#registry.adminProject(projectId, caller);
    text(doc, "display_name", true);
    text(doc, "description", true);
    const fields = this.#policyFields(doc);
    const policy = this.#registry.createPolicy({
      projectId,
      displayName: fields.displayName ?? "",
      description: fields.description ?? "",
      highAssurance: fields.highAssurance ?? false,
      authenticationAssuranceTimeout:
        fields.authenticationAssuranceTimeout ?? DEFAULT_ASSURANCE_TIMEOUT,
      requiredMfa: fields.requiredMfa ?? false,
      domainConstraintsInclude: fields.domainConstraintsInclude ?? null,
      domainConstraintsExclude: fields.domainConstraintsExclude ?? null,
    });
    return { body: { policy: this.#registry.policyJson(policy) } };
  }

  getPolicy(request: EmulatorRequest): EmulatorReply {
    const policy = this.#registry.adminPolicy(idParam(request, "id"), this.#caller(request));
    return { body: { policy: this.#registry.policyJson(policy) } };
  }

  updatePolicy(request: EmulatorRequest): EmulatorReply {
    const caller = this.#caller(request);
    const policy = this.#registry.adminPolicy(idParam(request, "id"), caller);
    const doc = documentOf(request, "policy");
    onlyKeys(doc, POLICY_FIELDS, "policy");
    const projectId = text(doc, "project_id")?.toLowerCase();
    // moving a policy needs admin rights on both projects
    if (projectId !== undefined) this.#registry.adminProject(projectId, caller);
    Object.assign(policy, this.#policyFields(doc), projectId ? { projectId } : {});
    return { body: { policy: this.#registry.policyJson(policy) } };
  }

  deletePolicy(request: EmulatorRequest): EmulatorReply {
    const policy = this.#registry.adminPolicy(idParam(request, "id"), this.#caller(request));
    this.#registry.deletePolicy(policy);
    return { body: { policy: this.#registry.policyJson(policy) } };
  }

  // ----- clients -----

  /** The settable fields of a client document, checked. */
  #clientFields(doc: Doc): ClientUpdate {
    const visibility = text(doc, "visibility");
    if (visibility !== undefined && visibility !== "public" && visibility !== "private") {
      throw invalid("visibility must be public or private");
    }
    let links: ClientUpdate["links"];
    if (doc.links !== undefined) {
      const given = doc.links as Doc | null;
      if (typeof given !== "object" || given === null) throw invalid("links must be an object");
      onlyKeys(given, ["terms_and_conditions", "privacy_policy"], "links");
      const terms = nullableText(given, "terms_and_conditions") ?? null;
      const privacy = nullableText(given, "privacy_policy") ?? null;
      if ((terms === null) !== (privacy === null)) {
        throw invalid("terms_and_conditions and privacy_policy must both be set or unset");
      }
      links = { terms_and_conditions: terms, privacy_policy: privacy };
    }
    const fields: ClientUpdate = {
      name: text(doc, "name"),
      visibility,
      redirectUris: textList(doc, "redirect_uris"),
      links,
      requiredIdp: nullableId(doc, "required_idp"),
      preselectIdp: nullableId(doc, "preselect_idp"),
      fqdns: textList(doc, "fqdns")?.map((fqdn) => fqdn.toLowerCase()),
      promptForNamedGrant: flag(doc, "prompt_for_named_grant"),
      userinfoFromEffectiveIdentity: flag(doc, "userinfo_from_effective_identity"),
    };
    for (const uri of fields.redirectUris ?? []) {
      if (!URL.canParse(uri)) throw invalid(`Not a URL in redirect_uris: ${uri}`);
    }
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  }

  /** The kind of a client being created: exactly one of public_client and client_type. */
  #clientType(doc: Doc): string {
    const publicClient = flag(doc, "public_client");
    const clientType = text(doc, "client_type");
    if ((publicClient === undefined) === (clientType === undefined)) {
      throw invalid("Give exactly one of public_client and client_type");
    }
    if (clientType !== undefined && !CLIENT_TYPES.has(clientType)) {
      throw invalid(`Unknown client_type: ${clientType}`);
    }
    return (
      clientType ??
      (publicClient ? "public_installed_client" : "hybrid_confidential_client_resource_server")
    );
  }

  #clientReply(client: RegisteredClient): EmulatorReply {
    return { body: { client: this.#registry.clientJson(client) } };
  }

  listClients(request: EmulatorRequest): EmulatorReply {
    const caller = this.#caller(request);
    const fqdn = request.query.get("fqdn");
    if (fqdn !== null) {
      const client = this.#registry.clientByFqdn(fqdn);
      if (!client) throw authError(404, "NOT_FOUND", `No client has the fqdn ${fqdn}`);
      return this.#clientReply(this.#registry.adminClient(client.id, caller));
    }
    const projects = new Set(this.#registry.projectsOf(caller).map((project) => project.id));
    const clients = this.#registry.clientsOfProjects(projects);
    return { body: { clients: clients.map((client) => this.#registry.clientJson(client)) } };
  }

  /**
   * Three ways to create a client: by a project admin (bearer token), as a child of the
   * confidential client that authenticates with HTTP Basic, or, unauthenticated, as an
   * instance of a native app template (which comes with its first credential).
   */
  createClient(request: EmulatorRequest): EmulatorReply {
    const parent = this.#deps.basicClient(request);
    const doc = documentOf(request, "client");
    if (!parent && !request.headers.authorization && doc.template_id !== undefined) {
      return this.#nativeAppInstance(doc);
    }
    const caller = parent ? undefined : this.#caller(request);
    onlyKeys(doc, [...CLIENT_FIELDS, "project", "public_client", "client_type"], "client");
    const clientType = this.#clientType(doc);
    text(doc, "name", true);
    let project: string | null;
    if (parent) {
      if (doc.project !== undefined)
        throw invalid("A child client belongs to its parent's project");
      project = parent.project;
    } else {
      project = text(doc, "project", true).toLowerCase();
      this.#registry.adminProject(project, caller ?? []);
    }
    const fields = this.#clientFields(doc);
    const client = this.#registry.createClient({
      name: fields.name ?? "",
      clientType,
      project,
      parentClient: parent?.id ?? null,
      fields,
    });
    return this.#clientReply(client);
  }

  #nativeAppInstance(doc: Doc): EmulatorReply {
    onlyKeys(doc, ["name", "template_id"], "client");
    const name = text(doc, "name", true);
    const templateId = text(doc, "template_id", true).toLowerCase();
    const template = this.#registry.client(templateId);
    if (template?.type !== "native") {
      throw invalid(`No native app template with id ${templateId}`);
    }
    const client = this.#registry.createClient({
      name,
      clientType: "confidential_client",
      project: null,
      parentClient: template.id,
    });
    client.promptForNamedGrant = false;
    const credential = this.#registry.addCredential(client, "Auto-created at client creation");
    const included = this.#registry.credentialJson(client, credential, true);
    // the credential document of this answer has no creation time
    delete included.created;
    return {
      body: {
        client: this.#registry.clientJson(client),
        included: { client_credential: included },
      },
    };
  }

  #adminClient(request: EmulatorRequest): RegisteredClient {
    return this.#registry.adminClient(idParam(request, "id"), this.#caller(request));
  }

  getClient(request: EmulatorRequest): EmulatorReply {
    return this.#clientReply(this.#adminClient(request));
  }

  updateClient(request: EmulatorRequest): EmulatorReply {
    const client = this.#adminClient(request);
    const doc = documentOf(request, "client");
    onlyKeys(doc, CLIENT_FIELDS, "client");
    this.#registry.updateClient(client, this.#clientFields(doc));
    return this.#clientReply(client);
  }

  deleteClient(request: EmulatorRequest): EmulatorReply {
    const client = this.#adminClient(request);
    const reply = this.#clientReply(client);
    this.#registry.deleteClient(client);
    return reply;
  }

  // ----- credentials -----

  listCredentials(request: EmulatorRequest): EmulatorReply {
    const client = this.#adminClient(request);
    const credentials = client.credentials.map((credential) =>
      this.#registry.credentialJson(client, credential, false),
    );
    return { body: { credentials } };
  }

  createCredential(request: EmulatorRequest): EmulatorReply {
    const client = this.#adminClient(request);
    const doc = documentOf(request, "credential");
    onlyKeys(doc, ["name"], "credential");
    const credential = this.#registry.addCredential(client, text(doc, "name", true));
    return { body: { credential: this.#registry.credentialJson(client, credential, true) } };
  }

  deleteCredential(request: EmulatorRequest): EmulatorReply {
    const client = this.#adminClient(request);
    const credential = this.#registry.removeCredential(client, idParam(request, "credential"));
    return { body: { credential: this.#registry.credentialJson(client, credential, false) } };
  }

  // ----- scopes -----

  #scopeFields(doc: Doc): Partial<Omit<ScopeEntry, "id" | "client">> {
    let dependentScopes: DependentScope[] | undefined;
    if (doc.dependent_scopes !== undefined) {
      if (!Array.isArray(doc.dependent_scopes)) throw invalid("dependent_scopes must be a list");
      dependentScopes = doc.dependent_scopes.map((item: unknown) => {
        const spec = item as Doc;
        if (typeof spec !== "object" || spec === null) {
          throw invalid(
            "Each dependent scope is an object with scope, optional, requires_refresh_token",
          );
        }
        onlyKeys(spec, ["scope", "optional", "requires_refresh_token"], "dependent scope");
        const scope = text(spec, "scope", true);
        if (!UUID.test(scope)) throw invalid("A dependent scope is named by its scope id (a UUID)");
        return {
          scope: scope.toLowerCase(),
          optional: flag(spec, "optional") ?? false,
          requires_refresh_token: flag(spec, "requires_refresh_token") ?? false,
        };
      });
    }
    const fields: Partial<Omit<ScopeEntry, "id" | "client">> = {
      name: text(doc, "name"),
      description: text(doc, "description"),
      suffix: text(doc, "scope_suffix"),
      advertised: flag(doc, "advertised"),
      allowsRefreshToken: flag(doc, "allows_refresh_token"),
      requiredDomains: textList(doc, "required_domains"),
      dependentScopes,
    };
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  }

  /** A client-owned scope the caller administers, or a service's scope (read-only). */
  #scope(request: EmulatorRequest, caller: string[], write: boolean): ScopeEntry {
    const id = idParam(request, "id");
    const owned = this.#registry.scope(id);
    if (owned) {
      this.#registry.adminClient(owned.client, caller);
      return owned;
    }
    const scopeString = this.#registry.scopeStringOfId(id);
    const service = scopeString ? this.#registry.serviceScope(scopeString) : undefined;
    if (!service) throw authError(404, "NOT_FOUND", `No scope with id ${id}`);
    if (write) throw authError(403, "FORBIDDEN", "Only the scope's client may change it");
    return service;
  }

  createScope(request: EmulatorRequest): EmulatorReply {
    const client = this.#adminClient(request);
    const doc = documentOf(request, "scope");
    onlyKeys(doc, SCOPE_FIELDS, "scope");
    const name = text(doc, "name", true);
    const description = text(doc, "description", true);
    const suffix = text(doc, "scope_suffix", true);
    const fields = this.#scopeFields(doc);
    const scope = this.#registry.createScope(client, {
      name,
      description,
      suffix,
      advertised: fields.advertised ?? false,
      allowsRefreshToken: fields.allowsRefreshToken ?? true,
      requiredDomains: fields.requiredDomains ?? [],
      dependentScopes: fields.dependentScopes ?? [],
    });
    return { body: { scope: this.#registry.scopeJson(scope) } };
  }

  listScopes(request: EmulatorRequest): EmulatorReply {
    const caller = this.#caller(request);
    const strings = request.query.get("scope_strings");
    const ids = request.query.get("ids");
    if (strings !== null && ids !== null) throw invalid("Give scope_strings or ids, not both");
    let scopes: ScopeEntry[];
    const split = (value: string) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
    if (strings !== null) {
      scopes = split(strings).flatMap((scopeString) => {
        const found =
          this.#registry.scopeByString(scopeString) ?? this.#registry.serviceScope(scopeString);
        return found ? [found] : [];
      });
    } else if (ids !== null) {
      scopes = split(ids).flatMap((id) => {
        const owned = this.#registry.scope(id.toLowerCase());
        if (owned) return [owned];
        const scopeString = this.#registry.scopeStringOfId(id.toLowerCase());
        const service = scopeString ? this.#registry.serviceScope(scopeString) : undefined;
        return service ? [service] : [];
      });
    } else {
      const projects = new Set(this.#registry.projectsOf(caller).map((project) => project.id));
      scopes = this.#registry
        .clientsOfProjects(projects)
        .flatMap((client) => this.#registry.scopesOfClient(client.id));
    }
    return { body: { scopes: scopes.map((scope) => this.#registry.scopeJson(scope)) } };
  }

  getScope(request: EmulatorRequest): EmulatorReply {
    const scope = this.#scope(request, this.#caller(request), false);
    return { body: { scope: this.#registry.scopeJson(scope) } };
  }

  updateScope(request: EmulatorRequest): EmulatorReply {
    const scope = this.#scope(request, this.#caller(request), true);
    const doc = documentOf(request, "scope");
    onlyKeys(doc, SCOPE_FIELDS, "scope");
    this.#registry.updateScope(scope, this.#scopeFields(doc));
    return { body: { scope: this.#registry.scopeJson(scope) } };
  }

  deleteScope(request: EmulatorRequest): EmulatorReply {
    const scope = this.#scope(request, this.#caller(request), true);
    const body = { scope: this.#registry.scopeJson(scope) };
    this.#registry.deleteScope(scope);
    return { body };
  }
}
