/**
 * The documents Globus Auth answers with (identities, identity providers, projects,
 * policies, clients, credentials, scopes), typed with the fields the real service sends.
 * Every interface keeps unknown fields, so nothing Globus adds is lost.
 */
import type { ConsentRecord } from "../token-storage/consents.ts";

export type { ConsentRecord };

/** One identity as Globus Auth's identities API returns it. */
export interface IdentityRecord {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  organization: string | null;
  identity_provider: string | null;
  /** Absent from some records. */
  identity_type?: string;
  /** `used`, `unused`, `private` or `closed`. */
  status?: string;
  [field: string]: unknown;
}

/** The userinfo document of the token's identity (`sub`, `identity_set`, profile fields). */
export interface UserInfo {
  sub: string;
  [claim: string]: unknown;
}

/** An identity provider (a campus, Globus ID, Google, ...). */
export interface IdentityProviderRecord {
  id: string;
  name: string;
  short_name: string;
  domains: string[];
  alternative_names: string[];
  [field: string]: unknown;
}

/** A Globus Auth project: the unit that owns clients, scopes and policies. */
export interface ProjectRecord {
  id: string;
  display_name: string;
  project_name: string;
  contact_email: string;
  /** Null when the project is administered by groups only. */
  admin_ids: string[] | null;
  /** Null when the project is administered by identities only. */
  admin_group_ids: string[] | null;
  admins: {
    identities: IdentityRecord[];
    groups: Record<string, unknown>[];
  };
  [field: string]: unknown;
}

/** An authentication policy of a project (high assurance, MFA, allowed domains). */
export interface PolicyRecord {
  id: string;
  project_id: string;
  display_name: string;
  description: string;
  high_assurance: boolean;
  /** Seconds an authentication counts as recent for a high-assurance policy. */
  authentication_assurance_timeout: number | null;
  required_mfa: boolean;
  domain_constraints_include: string[] | null;
  domain_constraints_exclude: string[] | null;
  [field: string]: unknown;
}

/** The kinds of client Globus Auth registers. */
export type ClientType =
  | "client_identity"
  | "confidential_client"
  | "globus_connect_server"
  | "public_installed_client"
  | "hybrid_confidential_client_resource_server"
  | "resource_server"
  | "public_webapp_client";

/** A registered client (an app, a service, a GCS endpoint). */
export interface ClientRecord {
  id: string;
  name: string;
  /** The owning project; null for instances of a native-app template. */
  project: string | null;
  client_type: ClientType | (string & {});
  public_client: boolean;
  visibility: "public" | "private" | (string & {});
  redirect_uris: string[];
  links: { terms_and_conditions: string | null; privacy_policy: string | null };
  required_idp: string | null;
  preselect_idp: string | null;
  /** The client that created this one (a child client, or a native-app instance's template). */
  parent_client: string | null;
  fqdns: string[];
  grant_types: string[];
  /** Ids of the scopes this client owns. */
  scopes: string[];
  prompt_for_named_grant: boolean;
  userinfo_from_effective_identity: boolean;
  [field: string]: unknown;
}

/** A client's credential. `secret` is only ever shown in the answer that created it. */
export interface ClientCredentialRecord {
  id: string;
  name: string;
  client: string;
  created: string;
  secret: string | null;
  [field: string]: unknown;
}

/** A dependent scope of a scope, by scope id. */
export interface DependentScopeRecord {
  scope: string;
  optional: boolean;
  requires_refresh_token: boolean;
  [field: string]: unknown;
}

/** A scope a client owns (`https://auth.globus.org/scopes/<client>/<suffix>`). */
export interface ScopeRecord {
  id: string;
  client: string;
  scope_string: string;
  name: string;
  description: string;
  advertised: boolean;
  allows_refresh_token: boolean;
  required_domains: string[];
  dependent_scopes: DependentScopeRecord[];
  [field: string]: unknown;
}

/**
 * The answer of a listing: an array of its items that also carries the answer's own
 * keys, as the Python SDK's iterable responses do: `for (const p of r)`, `r.projects`,
 * and `r.data` for the whole body.
 */
export type ItemList<T, K extends string> = T[] & {
  readonly [key in K]: T[];
} & { readonly data: Record<string, unknown> };

/** Builds an {@link ItemList} from a listing's body and the key of its items. */
export function itemList<T, K extends string>(body: unknown, key: K): ItemList<T, K> {
  const data = (body !== null && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const items = Array.isArray(data[key]) ? (data[key] as T[]) : [];
  const list = [...items];
  // not enumerable: the list still compares, prints and serialises as a plain array
  Object.defineProperty(list, key, { value: items, enumerable: false });
  Object.defineProperty(list, "data", { value: data, enumerable: false });
  return list as ItemList<T, K>;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Makes `util.inspect` (and so `console.log`) show a document with its `secret` as `***`,
 * so that printing a new credential never prints its secret; the field itself, and
 * `JSON.stringify`, keep the value to store.
 */
export function hideSecret<T extends { secret?: unknown }>(document: T): T {
  if (document === null || typeof document !== "object") return document;
  Object.defineProperty(document, INSPECT, {
    enumerable: false,
    value(
      depth: number,
      options: object,
      inspect: (value: unknown, options: object) => string,
    ): string {
      const shown = {
        ...document,
        secret: typeof document.secret === "string" ? "***" : document.secret,
      };
      return inspect(shown, { ...options, depth });
    },
  });
  return document;
}
