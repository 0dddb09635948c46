/**
 * The writable fields of each GCS document and their value types, from the Python SDK's
 * payload builders (`services/gcs/data/`) and GCS's OpenAPI schemas. Documents that carry
 * an unknown field or a value of the wrong type are a 422, as GCS validates its input.
 */
import { isRecord } from "../common.ts";
import { invalid } from "./wire.ts";

type Kind =
  | "string"
  | "nullable string"
  | "uuid"
  | "nullable uuid"
  | "strings"
  | "nullable strings"
  | "boolean"
  | "integer"
  | "nullable integer"
  | "object"
  | "nullable object"
  | "list";

export interface FieldTable {
  /** `collection`, `storage_gateway`, ...: `DATA_TYPE` must be `<base>#x.y.z`. */
  readonly dataType: string;
  readonly fields: Readonly<Record<string, Kind>>;
  /** Allowed values of some string fields. */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fits(kind: Kind, value: unknown): boolean {
  if (value === null && kind.startsWith("nullable ")) return true;
  switch (kind.replace("nullable ", "")) {
    case "string":
      return typeof value === "string";
    case "uuid":
      return typeof value === "string" && UUID.test(value);
    case "strings":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "object":
      return isRecord(value);
    case "list":
      return Array.isArray(value);
    default:
      return false;
  }
}

const KIND_TEXT: Record<string, string> = {
  string: "must be a string",
  uuid: "must be a UUID",
  strings: "must be a list of strings",
  boolean: "must be a boolean",
  integer: "must be an integer",
  object: "must be an object",
  list: "must be a list",
};

/**
 * Checks a document against its table and returns its fields (without `DATA_TYPE`).
 * `extra` names fields that are valid here besides the table's.
 */
export function checkDocument(
  body: unknown,
  table: FieldTable,
  extra: Readonly<Record<string, Kind>> = {},
): Record<string, unknown> {
  if (!isRecord(body)) throw invalid("body", "must be a JSON object");
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "DATA_TYPE") {
      const pattern = new RegExp(`^${table.dataType}#\\d+\\.\\d+\\.\\d+$`);
      if (typeof value !== "string" || !pattern.test(value)) {
        throw invalid(key, `must be a ${table.dataType}#<version> document type`);
      }
      continue;
    }
    const kind = table.fields[key] ?? extra[key];
    if (!kind) throw invalid(key, "is not a field of this document");
    if (!fits(kind, value)) {
      const base = kind.replace("nullable ", "");
      throw invalid(key, `${KIND_TEXT[base]}${kind.startsWith("nullable ") ? " or null" : ""}`);
    }
    const choices = table.choices?.[key];
    if (choices && typeof value === "string" && !choices.includes(value)) {
      throw invalid(key, `must be one of ${choices.join(", ")}`);
    }
    out[key] = value;
  }
  return out;
}

/** Fields both kinds of collection have. */
const COLLECTION_COMMON: Record<string, Kind> = {
  collection_type: "string",
  collection_base_path: "string",
  contact_email: "nullable string",
  contact_info: "nullable string",
  default_directory: "string",
  department: "nullable string",
  description: "nullable string",
  display_name: "string",
  identity_id: "uuid",
  info_link: "nullable string",
  organization: "string",
  restrict_transfers_to_high_assurance: "string",
  user_message: "nullable string",
  user_message_link: "nullable string",
  keywords: "strings",
  disable_verify: "boolean",
  enable_https: "boolean",
  force_encryption: "boolean",
  force_verify: "boolean",
  public: "boolean",
  acl_expiration_mins: "integer",
  associated_flow_policy: "object",
};

const COLLECTION_CHOICES = {
  collection_type: ["mapped", "guest"],
  restrict_transfers_to_high_assurance: ["inbound", "outbound", "all"],
};

export const MAPPED_COLLECTION: FieldTable = {
  dataType: "collection",
  fields: {
    ...COLLECTION_COMMON,
    domain_name: "string",
    guest_auth_policy_id: "nullable uuid",
    storage_gateway_id: "uuid",
    sharing_users_allow: "nullable strings",
    sharing_users_deny: "nullable strings",
    sharing_restrict_paths: "nullable object",
    delete_protected: "boolean",
    allow_guest_collections: "boolean",
    disable_anonymous_writes: "boolean",
    auto_delete_timeout: "integer",
    policies: "object",
  },
  choices: COLLECTION_CHOICES,
};

export const GUEST_COLLECTION: FieldTable = {
  dataType: "collection",
  fields: {
    ...COLLECTION_COMMON,
    mapped_collection_id: "uuid",
    user_credential_id: "uuid",
    skip_auto_delete: "boolean",
    activity_notification_policy: "object",
  },
  choices: COLLECTION_CHOICES,
};

/** Fields a collection keeps for life: changing them is a 422. */
export const COLLECTION_FIXED = [
  "collection_type",
  "storage_gateway_id",
  "mapped_collection_id",
  "identity_id",
];

export const STORAGE_GATEWAY: FieldTable = {
  dataType: "storage_gateway",
  fields: {
    display_name: "string",
    connector_id: "uuid",
    root: "string",
    identity_mappings: "list",
    policies: "object",
    allowed_domains: "strings",
    high_assurance: "boolean",
    require_high_assurance: "boolean",
    require_mfa: "boolean",
    authentication_timeout_mins: "integer",
    authentication_assurance_timeout: "nullable integer",
    users_allow: "strings",
    users_deny: "strings",
    restrict_paths: "nullable object",
    process_user: "nullable string",
    load_dsi_module: "nullable string",
  },
};

export const USER_CREDENTIAL: FieldTable = {
  dataType: "user_credential",
  fields: {
    identity_id: "uuid",
    connector_id: "uuid",
    username: "string",
    display_name: "nullable string",
    storage_gateway_id: "uuid",
    policies: "object",
  },
};

export const ROLE: FieldTable = {
  dataType: "role",
  fields: { collection: "nullable uuid", principal: "string", role: "string" },
};

export const ENDPOINT: FieldTable = {
  dataType: "endpoint",
  fields: {
    contact_email: "string",
    contact_info: "string",
    department: "string",
    description: "string",
    display_name: "string",
    info_link: "string",
    network_use: "string",
    organization: "string",
    subscription_id: "nullable string",
    keywords: "strings",
    allow_udt: "boolean",
    public: "boolean",
    max_concurrency: "integer",
    max_parallelism: "integer",
    preferred_concurrency: "integer",
    preferred_parallelism: "integer",
    gridftp_control_channel_port: "nullable integer",
  },
  choices: { network_use: ["normal", "minimal", "aggressive", "custom"] },
};
