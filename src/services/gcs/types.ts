/**
 * The documents the GCS Manager API answers with, with the fields scripts use. Every other
 * field is kept (`[field: string]: unknown`), as GCS adds fields release by release.
 */

/**
 * GCS's envelope around every answer, errors included: a `result#` document whose `data`
 * holds the documents of the operation.
 */
export interface GCSResult<T = Record<string, unknown>> {
  DATA_TYPE: string;
  code: string;
  http_response_code?: number;
  detail?: unknown;
  message?: string | null;
  has_next_page?: boolean;
  marker?: string | null;
  data: T[];
  [field: string]: unknown;
}

/** A collection on a GCS endpoint. */
export interface GCSCollection {
  DATA_TYPE: string;
  id: string;
  display_name: string;
  /** `mapped` or `guest`. */
  collection_type: "mapped" | "guest";
  /** The identity that owns it. */
  identity_id?: string;
  storage_gateway_id?: string | null;
  /** Guest collections: the mapped collection they share. */
  mapped_collection_id?: string;
  collection_base_path?: string;
  public?: boolean;
  high_assurance?: boolean;
  require_high_assurance?: boolean;
  authentication_timeout_mins?: number;
  [field: string]: unknown;
}

/** A storage gateway: one storage system (connector) and the policies to use it. */
export interface GCSStorageGateway {
  DATA_TYPE: string;
  id: string;
  display_name: string;
  connector_id: string;
  /** Identities from these domains may create credentials and collections here. */
  allowed_domains?: string[];
  high_assurance?: boolean;
  require_high_assurance?: boolean;
  authentication_timeout_mins?: number;
  /** A `path_restrictions` document: which paths are readable or writable. */
  restrict_paths?: Record<string, unknown> | null;
  policies?: Record<string, unknown>;
  users_allow?: string[];
  users_deny?: string[];
  [field: string]: unknown;
}

/** A role on the endpoint (`collection: null`) or on one collection. */
export interface GCSRole {
  DATA_TYPE: string;
  id: string;
  collection: string | null;
  /** An identity or group URN. */
  principal: string;
  /** `owner`, `administrator`, `access_manager`, `activity_manager`, `activity_monitor`. */
  role: string;
  [field: string]: unknown;
}

/** A user credential: how one identity reaches its local account on a storage gateway. */
export interface GCSUserCredential {
  DATA_TYPE: string;
  id: string;
  identity_id: string;
  storage_gateway_id: string;
  connector_id: string;
  username: string;
  display_name?: string | null;
  invalid?: boolean;
  provisioned?: boolean;
  policies?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The GCS endpoint itself. */
export interface GCSEndpoint {
  DATA_TYPE: string;
  id: string;
  display_name: string;
  gcs_manager_url?: string;
  network_use?: string;
  public?: boolean;
  subscription_id?: string | null;
  [field: string]: unknown;
}

/** What `/api/info` says about the GCS Manager (without authentication). */
export interface GCSInfo {
  DATA_TYPE: string;
  /** The endpoint's Globus Auth client id: its resource server and scope owner. */
  client_id: string;
  endpoint_id: string;
  domain_name?: string;
  api_version?: string;
  manager_version?: string;
  [field: string]: unknown;
}
