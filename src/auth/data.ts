/**
 * Payload builders and typed options of the {@link AuthClient} developer APIs (projects,
 * policies, clients, scopes). Options are camelCase; the bodies they become use Globus's
 * own keys.
 */
import { GlobusSDKUsageError } from "../errors.ts";
import type { OperationOptions } from "../services/base/client.ts";
import type { ClientType } from "./records.ts";

/**
 * A dependent scope of a scope being created or updated: the dependent scope's id, whether
 * a user may decline it, and whether the dependent tokens come with refresh tokens.
 */
export class DependentScopeSpec {
  readonly scope: string;
  readonly optional: boolean;
  readonly requires_refresh_token: boolean;

  constructor(scope: string, optional: boolean, requiresRefreshToken: boolean) {
    if (typeof scope !== "string" || scope.trim() === "") {
      throw new GlobusSDKUsageError("DependentScopeSpec needs the dependent scope's id.");
    }
    if (typeof optional !== "boolean" || typeof requiresRefreshToken !== "boolean") {
      throw new GlobusSDKUsageError(
        "DependentScopeSpec's optional and requiresRefreshToken must be booleans.",
      );
    }
    this.scope = scope;
    this.optional = optional;
    this.requires_refresh_token = requiresRefreshToken;
  }
}

/** One value or several (Python's "str or iterable of str"). */
export type OneOrMany = string | Iterable<string>;

/** Options of `AuthClient.getIdentities`: exactly one of `ids` and `usernames`. */
export interface GetIdentitiesOptions extends OperationOptions {
  ids?: OneOrMany;
  usernames?: OneOrMany;
  /** Create identities Globus Auth has not seen yet (usernames only). */
  provision?: boolean;
}

/** Options of `AuthClient.getIdentityProviders`: one of `domains` and `ids`. */
export interface GetIdentityProvidersOptions extends OperationOptions {
  domains?: OneOrMany;
  ids?: OneOrMany;
}

/** Options of `AuthClient.getConsents`. */
export interface GetConsentsOptions extends OperationOptions {
  /** Every consent of the identity, not only those rooted at the calling client. */
  all?: boolean;
}

/** The fields of a project that `createProject` and `updateProject` set. */
export interface ProjectFields {
  /** Identity ids of the project's admins. */
  adminIds?: OneOrMany;
  /** Group ids whose members administer the project. */
  adminGroupIds?: OneOrMany;
}

/** Options of `AuthClient.updateProject`. */
export interface UpdateProjectOptions extends ProjectFields, OperationOptions {
  displayName?: string;
  contactEmail?: string;
}

/** The fields of a policy that `createPolicy` and `updatePolicy` set. */
export interface PolicyFields {
  /** Seconds an authentication counts for a high-assurance policy. */
  authenticationAssuranceTimeout?: number;
  requiredMfa?: boolean;
  /** Only identities from these domains satisfy the policy (null: no constraint). */
  domainConstraintsInclude?: Iterable<string> | null;
  /** Identities from these domains never satisfy it (null: no constraint). */
  domainConstraintsExclude?: Iterable<string> | null;
}

/** Options of `AuthClient.createPolicy`. */
export interface CreatePolicyOptions extends PolicyFields, OperationOptions {
  projectId: string;
  displayName: string;
  description: string;
  highAssurance?: boolean;
}

/** Options of `AuthClient.updatePolicy`. */
export interface UpdatePolicyOptions extends PolicyFields, OperationOptions {
  projectId?: string;
  displayName?: string;
  description?: string;
}

/** Options of `AuthClient.getClient`: exactly one of `clientId` and `fqdn`. */
export interface GetClientOptions extends OperationOptions {
  clientId?: string;
  fqdn?: string;
}

/** The fields of a client that `createClient`, `updateClient` and `createChildClient` set. */
export interface ClientFields {
  visibility?: "public" | "private";
  redirectUris?: Iterable<string>;
  /** A link to the app's terms; give it together with `privacyPolicy`. */
  termsAndConditions?: string | null;
  /** A link to the app's privacy policy; give it together with `termsAndConditions`. */
  privacyPolicy?: string | null;
  /** The only identity provider users may log in with. */
  requiredIdp?: string | null;
  /** The identity provider preselected on the login page. */
  preselectIdp?: string | null;
  /** Further client fields, sent as given. */
  additionalFields?: Record<string, unknown>;
}

/** What kind of client `createClient` and `createChildClient` make: exactly one of these. */
export interface ClientKind {
  /** True for a native app (no secret), false for a confidential one. */
  publicClient?: boolean;
  clientType?: ClientType;
}

/** Options of `AuthClient.createClient` and `ConfidentialAppAuthClient.createChildClient`. */
export interface CreateClientOptions extends ClientFields, ClientKind, OperationOptions {}

/** Options of `AuthClient.updateClient`. */
export interface UpdateClientOptions extends ClientFields, OperationOptions {
  name?: string;
}

/** Options of `AuthClient.getScopes`: at most one of `scopeStrings` and `ids`. */
export interface GetScopesOptions extends OperationOptions {
  scopeStrings?: OneOrMany;
  ids?: OneOrMany;
}

/** The fields of a scope that `createScope` and `updateScope` set. */
export interface ScopeFields {
  /** Users must have a linked identity in one of these domains to consent. */
  requiredDomains?: Iterable<string>;
  /** Scopes (by id) consented to along with this one. */
  dependentScopes?: Iterable<DependentScopeSpec>;
  /** Visible to anyone, whatever the client's visibility. */
  advertised?: boolean;
  allowsRefreshToken?: boolean;
}

/** Options of `AuthClient.createScope`. */
export interface CreateScopeOptions extends ScopeFields, OperationOptions {}

/** Options of `AuthClient.updateScope`. */
export interface UpdateScopeOptions extends ScopeFields, OperationOptions {
  name?: string;
  description?: string;
  /** Lowercase letters, digits and underscores: the last part of the scope string. */
  scopeSuffix?: string;
}

/** One value or several as a list (Python's `strseq_listify`); undefined and null pass through. */
export function listOf(value: OneOrMany | null | undefined): string[] | null | undefined {
  if (value === undefined || value === null) return value;
  return typeof value === "string" ? [value] : [...value];
}

/** One value or several as a comma-joined list (Python's `commajoin`). */
export function commaJoined(value: OneOrMany | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : [...value].join(",");
}

/**
 * The `client` document of a client creation, as the Python SDK builds it: exactly one of
 * `publicClient` and `clientType`, and links only as a pair.
 */
export function clientCreationBody(
  name: string,
  options: ClientFields & ClientKind,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  if (options.publicClient !== undefined && options.clientType !== undefined) {
    throw new GlobusSDKUsageError(
      "A client is made with publicClient or clientType, not both: they are mutually exclusive.",
    );
  }
  if (options.publicClient === undefined && options.clientType === undefined) {
    throw new GlobusSDKUsageError("A client needs publicClient or clientType.");
  }
  if (Boolean(options.termsAndConditions) !== Boolean(options.privacyPolicy)) {
    throw new GlobusSDKUsageError("termsAndConditions and privacyPolicy go together: give both.");
  }
  return {
    name,
    ...extra,
    public_client: options.publicClient,
    client_type: options.clientType,
    ...clientFieldsBody(options),
    ...options.additionalFields,
  };
}

/** The settable fields of a client document (everything but its kind). */
export function clientFieldsBody(options: ClientFields): Record<string, unknown> {
  const links =
    options.termsAndConditions !== undefined || options.privacyPolicy !== undefined
      ? { terms_and_conditions: options.termsAndConditions, privacy_policy: options.privacyPolicy }
      : undefined;
  return {
    visibility: options.visibility,
    redirect_uris: listOf(options.redirectUris),
    required_idp: options.requiredIdp,
    preselect_idp: options.preselectIdp,
    links,
  };
}

/** The `scope` document of a scope creation or update. */
export function scopeBody(fields: ScopeFields): Record<string, unknown> {
  return {
    advertised: fields.advertised,
    allows_refresh_token: fields.allowsRefreshToken,
    required_domains: listOf(fields.requiredDomains),
    dependent_scopes:
      fields.dependentScopes === undefined ? undefined : [...fields.dependentScopes],
  };
}
