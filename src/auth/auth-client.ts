import type { KeyObject } from "node:crypto";
import { GlobusSDKUsageError } from "../errors.ts";
import { AuthScopes, type Scope } from "../scopes/index.ts";
import {
  BaseServiceClient,
  type OperationOptions,
  type ServiceClientOptions,
} from "../services/base/client.ts";
import { uuidList } from "../services/ids.ts";
import type { ConsentSource } from "../token-storage/consents.ts";
import { apiPath } from "../transport/encoding.ts";
import { AuthAPIError } from "../transport/errors.ts";
import type { CallOptions } from "../transport/types.ts";
import {
  type CreateClientOptions,
  type CreatePolicyOptions,
  type CreateScopeOptions,
  clientCreationBody,
  clientFieldsBody,
  commaJoined,
  type GetClientOptions,
  type GetConsentsOptions,
  type GetIdentitiesOptions,
  type GetIdentityProvidersOptions,
  type GetScopesOptions,
  listOf,
  type OneOrMany,
  type PolicyFields,
  type ProjectFields,
  scopeBody,
  type UpdateClientOptions,
  type UpdatePolicyOptions,
  type UpdateProjectOptions,
  type UpdateScopeOptions,
} from "./data.ts";
import type { OpenIdConfiguration } from "./id-token.ts";
import type { ConfidentialAppAuthClient } from "./login-client.ts";
import {
  fetchJwk,
  fetchOpenidConfiguration,
  type GetJwkOptions,
  type JsonWebKeySetDocument,
} from "./openid.ts";
import {
  type ClientCredentialRecord,
  type ClientRecord,
  type ConsentRecord,
  hideSecret,
  type IdentityProviderRecord,
  type IdentityRecord,
  type ItemList,
  itemList,
  type PolicyRecord,
  type ProjectRecord,
  type ScopeRecord,
  type UserInfo,
} from "./records.ts";

/** How an {@link AuthClient} is built: as any service client, plus a confidential client. */
export interface AuthClientOptions extends ServiceClientOptions {
  /** Lets {@link AuthClient.oauth2TokenIntrospect} authenticate as this confidential client. */
  confidentialClient?: ConfidentialAppAuthClient | undefined;
}

/** A body with one document under `key`, as Globus Auth answers single-resource calls. */
export type Wrapped<K extends string, T> = { [key in K]: T } & { [field: string]: unknown };

/** The checked id of a path argument (every Globus Auth id is a UUID). */
function id(name: string, value: string): string {
  return uuidList(name, value)[0]!;
}

/** Ids as a checked list; a single id may be given as a string. */
function ids(name: string, value: OneOrMany): string[] {
  return uuidList(name, typeof value === "string" ? value.split(",").map((v) => v.trim()) : value);
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new GlobusSDKUsageError(`${name} must be a non-empty string.`);
  }
  return value;
}

function toList(value: OneOrMany | undefined, what: string): string[] {
  if (value === undefined) return [];
  const items = typeof value === "string" ? value.split(",") : [...value];
  return items
    .map((item) => {
      if (typeof item !== "string")
        throw new GlobusSDKUsageError(`Every one of ${what} must be a string.`);
      return item.trim();
    })
    .filter((item) => item !== "");
}

function projectBody(fields: ProjectFields & { displayName?: string; contactEmail?: string }) {
  return {
    display_name: fields.displayName,
    contact_email: fields.contactEmail,
    admin_ids: listOf(fields.adminIds),
    admin_group_ids: listOf(fields.adminGroupIds),
  };
}

function policyBody(fields: PolicyFields) {
  return {
    authentication_assurance_timeout: fields.authenticationAssuranceTimeout,
    required_mfa: fields.requiredMfa,
    domain_constraints_include: listOf(fields.domainConstraintsInclude),
    domain_constraints_exclude: listOf(fields.domainConstraintsExclude),
  };
}

/**
 * Globus Auth as a resource server: userinfo, identities and identity providers,
 * consents, OpenID discovery, and the developer APIs (projects, policies, clients and
 * their credentials, scopes with dependent scopes). Bound to an app it requires
 * `openid profile email`; the developer APIs need `AuthScopes.manage_projects` as well
 * (`client.addAppScope(AuthScopes.manage_projects)`).
 *
 * Implements the token storage's `ConsentSource`, so a validating storage can check
 * dependent consents with it. Every method is the Python SDK's `AuthClient` method of the
 * same (camelCase) name.
 */
export class AuthClient extends BaseServiceClient implements ConsentSource {
  static override readonly serviceName = "auth";
  static override readonly errorClass = AuthAPIError;
  /** Auth's scopes and resource server. */
  static readonly scopes = AuthScopes;
  /** How many ids or usernames go into one identities request (Globus Auth limits URL sizes). */
  static readonly IDENTITY_BATCH_SIZE = 100;
  readonly #confidentialClient: ConfidentialAppAuthClient | undefined;

  constructor(options: AuthClientOptions = {}) {
    const { confidentialClient, ...serviceOptions } = options;
    super(serviceOptions);
    this.#confidentialClient = confidentialClient;
  }

  override get resourceServer(): string {
    return AuthScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [AuthScopes.openid, AuthScopes.profile, AuthScopes.email];
  }

  /** Globus Auth's base URL, ending in `/`. */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** GETs a public document without credentials (OpenID discovery, the key set). */
  #publicGet = async (path: string, options: CallOptions): Promise<unknown> => {
    const response = await this.request({ path, authorizer: null, ...options });
    return response.data;
  };

  // ----- OpenID Connect -----

  /** Globus Auth's OpenID configuration (`/.well-known/openid-configuration`). */
  getOpenidConfiguration(options: CallOptions = {}): Promise<OpenIdConfiguration> {
    return fetchOpenidConfiguration(this.#publicGet, options);
  }

  /**
   * Globus Auth's signing keys (from the configuration's `jwks_uri`; the configuration is
   * fetched when not given). With `asPem: true`, the first key as a `KeyObject`.
   */
  getJwk(
    openidConfiguration?: OpenIdConfiguration,
    options?: GetJwkOptions & { asPem?: false },
  ): Promise<JsonWebKeySetDocument>;
  getJwk(
    openidConfiguration: OpenIdConfiguration | undefined,
    options: GetJwkOptions & { asPem: true },
  ): Promise<KeyObject>;
  getJwk(
    openidConfiguration?: OpenIdConfiguration,
    options: GetJwkOptions = {},
  ): Promise<JsonWebKeySetDocument | KeyObject> {
    return fetchJwk(this.#publicGet, openidConfiguration, options);
  }

  /** The OpenID userinfo of the token's identity (needs the `openid` scope). */
  userinfo(options: OperationOptions = {}): Promise<UserInfo> {
    return this.call({ path: "/v2/oauth2/userinfo" }, options);
  }

  // ----- identities -----

  /**
   * Looks identities up by id or by username (exactly one of the two). Long lists are
   * split into batches of {@link AuthClient.IDENTITY_BATCH_SIZE}; the results come back in
   * one list, in batch order, which also carries `identities`.
   */
  async getIdentities(
    options: GetIdentitiesOptions,
  ): Promise<ItemList<IdentityRecord, "identities">> {
    const idList = toList(options?.ids, "ids");
    const usernames = toList(options?.usernames, "usernames");
    if (idList.length > 0 === usernames.length > 0) {
      throw new GlobusSDKUsageError(
        "getIdentities needs exactly one of ids or usernames (non-empty).",
      );
    }
    if (idList.length > 0) uuidList("ids", idList);
    const key = idList.length > 0 ? "ids" : "usernames";
    const values = [...new Set(idList.length > 0 ? idList : usernames)];
    const size = AuthClient.IDENTITY_BATCH_SIZE;
    const batches: string[][] = [];
    for (let start = 0; start < values.length; start += size)
      batches.push(values.slice(start, start + size));
    // as Python, `provision` goes with usernames only, false unless asked
    const provision = key === "usernames" ? (options.provision ?? false) : undefined;
    const bodies = await Promise.all(
      batches.map((batch) =>
        this.call<{ identities?: IdentityRecord[] }>(
          { path: "/v2/api/identities", query: { [key]: batch, provision } },
          options,
        ),
      ),
    );
    const identities = bodies.flatMap((body) => body?.identities ?? []);
    return itemList<IdentityRecord, "identities">({ identities }, "identities");
  }

  /** Identity providers by domains or by ids (not both). */
  getIdentityProviders(
    options: GetIdentityProvidersOptions = {},
  ): Promise<ItemList<IdentityProviderRecord, "identity_providers">> {
    if (options.domains !== undefined && options.ids !== undefined) {
      throw new GlobusSDKUsageError(
        "getIdentityProviders takes domains or ids, not both: they are mutually exclusive.",
      );
    }
    const query = {
      domains: commaJoined(options.domains),
      ids: options.ids === undefined ? undefined : ids("ids", options.ids),
    };
    return this.#list({ path: "/v2/api/identity_providers", query }, "identity_providers", options);
  }

  /**
   * The consents of an identity in the caller's identity set: those rooted at this client,
   * or with `all: true` (which needs the `view_consents` scope) every client's. Each
   * consent's `dependency_path` places it in the consent forest.
   */
  async getConsents(
    identityId: string,
    options: GetConsentsOptions = {},
  ): Promise<ItemList<ConsentRecord, "consents">> {
    return this.#list(
      {
        path: apiPath`/v2/api/identities/${id("identityId", identityId)}/consents`,
        query: { all: options.all ?? false },
      },
      "consents",
      options,
    );
  }

  // ----- projects -----

  /** The projects the caller administers (needs `manage_projects`). */
  getProjects(options: OperationOptions = {}): Promise<ItemList<ProjectRecord, "projects">> {
    return this.#list({ path: "/v2/api/projects" }, "projects", options);
  }

  /** One project the caller administers. */
  getProject(
    projectId: string,
    options?: OperationOptions,
  ): Promise<Wrapped<"project", ProjectRecord>> {
    return this.call({ path: apiPath`/v2/api/projects/${id("projectId", projectId)}` }, options);
  }

  /**
   * Creates a project. Its admins are `adminIds` and the members of `adminGroupIds`; the
   * caller must be among them to see it afterwards.
   */
  createProject(
    displayName: string,
    contactEmail: string,
    options: ProjectFields & OperationOptions = {},
  ): Promise<Wrapped<"project", ProjectRecord>> {
    const body = projectBody({
      ...options,
      displayName: nonEmpty("displayName", displayName),
      contactEmail: nonEmpty("contactEmail", contactEmail),
    });
    return this.call(
      { method: "POST", path: "/v2/api/projects", body: { project: body } },
      options,
    );
  }

  /** Changes a project's name, contact or admins (only the fields given). */
  updateProject(
    projectId: string,
    options: UpdateProjectOptions = {},
  ): Promise<Wrapped<"project", ProjectRecord>> {
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v2/api/projects/${id("projectId", projectId)}`,
        body: { project: projectBody(options) },
      },
      options,
    );
  }

  /** Deletes a project; Globus Auth answers with the deleted project. */
  deleteProject(
    projectId: string,
    options?: OperationOptions,
  ): Promise<Wrapped<"project", ProjectRecord>> {
    return this.call(
      { method: "DELETE", path: apiPath`/v2/api/projects/${id("projectId", projectId)}` },
      options,
    );
  }

  // ----- policies -----

  /** The policies of the projects the caller administers. */
  getPolicies(options: OperationOptions = {}): Promise<ItemList<PolicyRecord, "policies">> {
    return this.#list({ path: "/v2/api/policies" }, "policies", options);
  }

  /** One policy. */
  getPolicy(
    policyId: string,
    options?: OperationOptions,
  ): Promise<Wrapped<"policy", PolicyRecord>> {
    return this.call({ path: apiPath`/v2/api/policies/${id("policyId", policyId)}` }, options);
  }

  /** Creates an authentication policy in a project. */
  createPolicy(options: CreatePolicyOptions): Promise<Wrapped<"policy", PolicyRecord>> {
    const body = {
      project_id: id("projectId", options?.projectId),
      high_assurance: options.highAssurance,
      display_name: nonEmpty("displayName", options.displayName),
      description: nonEmpty("description", options.description),
      ...policyBody(options),
    };
    return this.call({ method: "POST", path: "/v2/api/policies", body: { policy: body } }, options);
  }

  /** Changes a policy (only the fields given). */
  updatePolicy(
    policyId: string,
    options: UpdatePolicyOptions = {},
  ): Promise<Wrapped<"policy", PolicyRecord>> {
    const body = {
      ...policyBody(options),
      display_name: options.displayName,
      description: options.description,
      project_id: options.projectId === undefined ? undefined : id("projectId", options.projectId),
    };
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v2/api/policies/${id("policyId", policyId)}`,
        body: { policy: body },
      },
      options,
    );
  }

  /** Deletes a policy; Globus Auth answers with the deleted policy. */
  deletePolicy(
    policyId: string,
    options?: OperationOptions,
  ): Promise<Wrapped<"policy", PolicyRecord>> {
    return this.call(
      { method: "DELETE", path: apiPath`/v2/api/policies/${id("policyId", policyId)}` },
      options,
    );
  }

  // ----- clients -----

  /** The clients of the projects the caller administers. */
  getClients(options: OperationOptions = {}): Promise<ItemList<ClientRecord, "clients">> {
    return this.#list({ path: "/v2/api/clients" }, "clients", options);
  }

  /** One client, by id or by one of its fully qualified domain names (exactly one). */
  getClient(options: GetClientOptions): Promise<Wrapped<"client", ClientRecord>> {
    if (options?.clientId !== undefined && options.fqdn !== undefined) {
      throw new GlobusSDKUsageError(
        "getClient takes clientId or fqdn, not both: they are mutually exclusive.",
      );
    }
    if (options?.clientId !== undefined) {
      return this.call(
        { path: apiPath`/v2/api/clients/${id("clientId", options.clientId)}` },
        options,
      );
    }
    if (options?.fqdn === undefined)
      throw new GlobusSDKUsageError("getClient needs clientId or fqdn.");
    return this.call(
      { path: "/v2/api/clients", query: { fqdn: nonEmpty("fqdn", options.fqdn) } },
      options,
    );
  }

  /**
   * Registers a client in a project: a native app (`publicClient: true`), a confidential
   * one (`publicClient: false`), or any `clientType`. Confidential clients get their
   * secrets from {@link AuthClient.createClientCredential}.
   */
  createClient(
    name: string,
    project: string,
    options: CreateClientOptions,
  ): Promise<Wrapped<"client", ClientRecord>> {
    const body = clientCreationBody(nonEmpty("name", name), options ?? {}, {
      project: id("project", project),
    });
    return this.call({ method: "POST", path: "/v2/api/clients", body: { client: body } }, options);
  }

  /** Changes a client (only the fields given; `null` clears an optional one). */
  updateClient(
    clientId: string,
    options: UpdateClientOptions = {},
  ): Promise<Wrapped<"client", ClientRecord>> {
    const terms = options.termsAndConditions;
    const privacy = options.privacyPolicy;
    // both links or neither, though either may be null (to clear it)
    if (
      (terms === undefined) !== (privacy === undefined) ||
      (terms === null) !== (privacy === null)
    ) {
      throw new GlobusSDKUsageError("termsAndConditions and privacyPolicy go together: give both.");
    }
    const body = { name: options.name, ...clientFieldsBody(options), ...options.additionalFields };
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v2/api/clients/${id("clientId", clientId)}`,
        body: { client: body },
      },
      options,
    );
  }

  /** Deletes a client (and its credentials and scopes); answers with the deleted client. */
  deleteClient(
    clientId: string,
    options?: OperationOptions,
  ): Promise<Wrapped<"client", ClientRecord>> {
    return this.call(
      { method: "DELETE", path: apiPath`/v2/api/clients/${id("clientId", clientId)}` },
      options,
    );
  }

  // ----- client credentials -----

  /** A client's credentials (their secrets are never shown again). */
  getClientCredentials(
    clientId: string,
    options: OperationOptions = {},
  ): Promise<ItemList<ClientCredentialRecord, "credentials">> {
    return this.#list(
      { path: apiPath`/v2/api/clients/${id("clientId", clientId)}/credentials` },
      "credentials",
      options,
    );
  }

  /**
   * Adds a credential to a confidential client. The answer is the only place its `secret`
   * appears: store it at once.
   */
  createClientCredential(
    clientId: string,
    name: string,
    options?: OperationOptions,
  ): Promise<Wrapped<"credential", ClientCredentialRecord>> {
    return this.call<Wrapped<"credential", ClientCredentialRecord>>(
      {
        method: "POST",
        path: apiPath`/v2/api/clients/${id("clientId", clientId)}/credentials`,
        body: { credential: { name: nonEmpty("name", name) } },
      },
      options,
    ).then((body) => {
      if (body?.credential) hideSecret(body.credential);
      return body;
    });
  }

  /** Deletes a credential: logins with its secret fail from then on. */
  deleteClientCredential(
    clientId: string,
    credentialId: string,
    options?: OperationOptions,
  ): Promise<Wrapped<"credential", ClientCredentialRecord>> {
    return this.call(
      {
        method: "DELETE",
        path: apiPath`/v2/api/clients/${id("clientId", clientId)}/credentials/${id("credentialId", credentialId)}`,
      },
      options,
    );
  }

  // ----- scopes -----

  /**
   * Scopes: those of the projects the caller administers, or the ones named by
   * `scopeStrings` or `ids` (at most one of the two).
   */
  getScopes(options: GetScopesOptions = {}): Promise<ItemList<ScopeRecord, "scopes">> {
    if (options.scopeStrings !== undefined && options.ids !== undefined) {
      throw new GlobusSDKUsageError(
        "getScopes takes scopeStrings or ids, not both: they are mutually exclusive.",
      );
    }
    const query = {
      scope_strings: commaJoined(options.scopeStrings),
      ids: options.ids === undefined ? undefined : ids("ids", options.ids),
    };
    return this.#list({ path: "/v2/api/scopes", query }, "scopes", options);
  }

  /** One scope by id. */
  getScope(scopeId: string, options?: OperationOptions): Promise<Wrapped<"scope", ScopeRecord>> {
    return this.call({ path: apiPath`/v2/api/scopes/${id("scopeId", scopeId)}` }, options);
  }

  /**
   * Creates a scope of a client: `https://auth.globus.org/scopes/<clientId>/<scopeSuffix>`.
   * Its `dependentScopes` (by scope id) are consented to along with it, so the client can
   * get dependent tokens for them.
   */
  createScope(
    clientId: string,
    name: string,
    description: string,
    scopeSuffix: string,
    options: CreateScopeOptions = {},
  ): Promise<Wrapped<"scope", ScopeRecord>> {
    const body = {
      name: nonEmpty("name", name),
      description: nonEmpty("description", description),
      scope_suffix: nonEmpty("scopeSuffix", scopeSuffix),
      ...scopeBody(options),
    };
    return this.call(
      {
        method: "POST",
        path: apiPath`/v2/api/clients/${id("clientId", clientId)}/scopes`,
        body: { scope: body },
      },
      options,
    );
  }

  /** Changes a scope (only the fields given). */
  updateScope(
    scopeId: string,
    options: UpdateScopeOptions = {},
  ): Promise<Wrapped<"scope", ScopeRecord>> {
    const body = {
      name: options.name,
      description: options.description,
      scope_suffix: options.scopeSuffix,
      ...scopeBody(options),
    };
    return this.call(
      {
        method: "PUT",
        path: apiPath`/v2/api/scopes/${id("scopeId", scopeId)}`,
        body: { scope: body },
      },
      options,
    );
  }

  /** Deletes a scope; answers with the deleted scope. */
  deleteScope(scopeId: string, options?: OperationOptions): Promise<Wrapped<"scope", ScopeRecord>> {
    return this.call(
      { method: "DELETE", path: apiPath`/v2/api/scopes/${id("scopeId", scopeId)}` },
      options,
    );
  }

  // ----- introspection -----

  /**
   * Introspects a token as the confidential client given at construction (Globus Auth only
   * lets the client the token was issued to, or its resource server, do this).
   */
  oauth2TokenIntrospect(
    token: string,
    options: CallOptions & { include?: string | readonly string[] } = {},
  ): Promise<Record<string, unknown>> {
    if (!this.#confidentialClient) {
      throw new GlobusSDKUsageError(
        "Token introspection needs client credentials: build the AuthClient with confidentialClient.",
      );
    }
    return this.#confidentialClient.oauth2TokenIntrospect(token, options);
  }

  /**
   * The session behind a token: its identity set and each identity's authentications (time,
   * MFA), by introspection with `include=session_info,identity_set`. Needs
   * `confidentialClient`, such as the service a token was issued for.
   */
  sessionInfo(token: string, options: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.oauth2TokenIntrospect(token, {
      ...options,
      include: ["session_info", "identity_set"],
    });
  }

  /** A listing whose items are under `key`. */
  async #list<T, K extends string>(
    spec: { path: string; query?: Record<string, string | boolean | string[] | undefined> },
    key: K,
    options: OperationOptions,
  ): Promise<ItemList<T, K>> {
    return itemList<T, K>(await this.call(spec, options), key);
  }
}
