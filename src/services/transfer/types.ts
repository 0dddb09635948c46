/**
 * Transfer's documents, typed with the fields the real service sends (the Python SDK's
 * recorded responses and `@globus/sdk`'s Transfer types). Every document keeps fields not
 * named here (`[field: string]: unknown`).
 */

/** A role on an endpoint. */
export type EndpointRoleName =
  | "administrator"
  | "access_manager"
  | "activity_manager"
  | "activity_monitor";

/** Endpoint and collection kinds. */
export type EntityType =
  | "GCSv5_endpoint"
  | "GCSv5_mapped_collection"
  | "GCSv5_guest_collection"
  | "GCP_mapped_collection"
  | "GCP_guest_collection"
  | (string & {});

/** A server of an endpoint (`endpoint_server_list`, an endpoint's `DATA`). */
export interface TransferServer {
  DATA_TYPE: "server";
  id: number;
  hostname: string | null;
  port: number | null;
  scheme: string | null;
  subject: string | null;
  uri: string;
  [field: string]: unknown;
}

/** An endpoint or collection. */
export interface TransferEndpoint {
  DATA_TYPE: "endpoint";
  id: string;
  display_name: string;
  owner_string?: string;
  owner_id?: string;
  entity_type?: EntityType;
  description?: string | null;
  organization?: string | null;
  keywords?: string | null;
  contact_email?: string | null;
  public?: boolean;
  subscription_id?: string | null;
  subscription_admin_verified?: boolean;
  default_directory?: string | null;
  host_endpoint_id?: string | null;
  host_path?: string | null;
  high_assurance?: boolean;
  gcs_manager_url?: string | null;
  my_effective_roles?: (EndpointRoleName | "restricted_administrator")[];
  non_functional?: boolean;
  /** Legacy GCSv4 fields the service still sends. */
  acl_available?: boolean;
  acl_editable?: boolean;
  in_use?: boolean;
  expire_time?: string | null;
  expires_in?: number;
  DATA?: TransferServer[];
  [field: string]: unknown;
}

/** A list of endpoints in one response (`my_shared_endpoint_list`, hosted endpoints). */
export interface TransferEndpointList {
  DATA_TYPE: string;
  DATA: TransferEndpoint[];
  [field: string]: unknown;
}

/** A Transfer task, with the fields scripts use; every other field is kept. */
export interface TransferTask {
  /** A single task carries it; `task_list` items, as recorded, do not. */
  DATA_TYPE?: "task";
  task_id: string;
  type: "TRANSFER" | "DELETE";
  status: "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED";
  label: string | null;
  owner_id?: string;
  request_time?: string;
  completion_time?: string | null;
  deadline?: string | null;
  source_endpoint_id?: string;
  destination_endpoint_id?: string | null;
  files?: number;
  files_transferred?: number;
  files_skipped?: number;
  bytes_transferred?: number;
  subtasks_total?: number;
  subtasks_pending?: number;
  subtasks_skipped_errors?: number;
  is_paused?: boolean;
  fatal_error?: { code: string; description: string } | null;
  canceled_by_admin?: "SOURCE" | "DESTINATION" | "BOTH" | null;
  canceled_by_admin_message?: string | null;
  [field: string]: unknown;
}

/** A task as the endpoint manager shows it: the owner and the host endpoints too. */
export interface EndpointManagerTask extends TransferTask {
  owner_string?: string;
  source_host_endpoint_id?: string | null;
  destination_host_endpoint_id?: string | null;
  source_local_user?: string | null;
  destination_local_user?: string | null;
}

/** The answer to an operation, update or delete: a code and a message. */
export interface TransferResult {
  code: string;
  message?: string;
  DATA_TYPE?: string;
  request_id?: string;
  resource?: string;
  [field: string]: unknown;
}

/** An event of a task (`event_list`). */
export interface TransferTaskEvent {
  DATA_TYPE: "event";
  code: string;
  is_error: boolean;
  description: string;
  details: string;
  time: string;
  [field: string]: unknown;
}

/** A file a task copied. A side the endpoint manager has no role on shows null. */
export interface SuccessfulTransfer {
  DATA_TYPE: "successful_transfer";
  source_path: string | null;
  destination_path: string | null;
  [field: string]: unknown;
}

/** A path a task with `skip_source_errors` went past. */
export interface SkippedError {
  DATA_TYPE: "skipped_error";
  error_code: string;
  error_details: string;
  error_time: string;
  source_path: string | null;
  destination_path: string | null;
  is_directory: boolean;
  [field: string]: unknown;
}

/** The pause-rule flags: which operations a rule stops. */
export interface PauseRuleFlags {
  pause_ls?: boolean;
  pause_mkdir?: boolean;
  pause_symlink?: boolean;
  pause_rename?: boolean;
  pause_task_delete?: boolean;
  pause_task_transfer_delete?: boolean;
  pause_task_transfer_read?: boolean;
}

/** A pause rule on an endpoint (`pause_rule`; owners see `pause_rule_limited`). */
export interface PauseRule extends PauseRuleFlags {
  DATA_TYPE: "pause_rule" | "pause_rule_limited";
  id: string;
  message: string;
  start_time: string | null;
  endpoint_id: string;
  endpoint_display_name?: string | null;
  identity_id: string | null;
  modified_by_id?: string;
  created_by_host_manager?: boolean;
  editable?: boolean;
  [field: string]: unknown;
}

/** What a pause rule document sent to create or update one may hold. */
export interface PauseRuleDocument extends PauseRuleFlags {
  DATA_TYPE?: "pause_rule";
  /** Required to create: the endpoint the rule applies to. */
  endpoint_id?: string;
  /** Tells users why their work is paused. */
  message?: string;
  /** Null (or absent): every identity. */
  identity_id?: string | null;
  /** Null (or absent): from now. */
  start_time?: string | null;
  [field: string]: unknown;
}

/** A list of pause rules. */
export interface PauseRuleList {
  DATA_TYPE: "pause_rule_list";
  DATA: PauseRule[];
  [field: string]: unknown;
}

/** Why a task is paused: the rules that hold it, and administrators' messages. */
export interface TaskPauseInfo {
  DATA_TYPE: "pause_info_limited" | "pause_info";
  pause_rules: PauseRule[];
  source_pause_message: string | null;
  destination_pause_message: string | null;
  source_pause_message_share: string | null;
  destination_pause_message_share: string | null;
  [field: string]: unknown;
}

/** A role assignment on an endpoint. */
export interface EndpointRole {
  DATA_TYPE: "role";
  id: string;
  principal_type: "identity" | "group";
  principal: string;
  role: EndpointRoleName;
  [field: string]: unknown;
}

/** The role document `addEndpointRole` sends. */
export interface EndpointRoleDocument {
  DATA_TYPE?: "role";
  principal_type: "identity" | "group";
  principal: string;
  role: EndpointRoleName;
  [field: string]: unknown;
}

/** A list of role assignments. */
export interface EndpointRoleList {
  DATA_TYPE: "role_list";
  DATA: EndpointRole[];
  [field: string]: unknown;
}

export type AccessPrincipalType = "identity" | "group" | "all_authenticated_users" | "anonymous";

/** An access rule of a guest collection. Rules a role implies have `id` null and a `role_id`. */
export interface AccessRule {
  DATA_TYPE: "access";
  id: string | null;
  role_id: string | null;
  role_type: "administrator" | "access_manager" | null;
  principal_type: AccessPrincipalType;
  principal: string;
  path: string;
  permissions: "r" | "rw";
  create_time: string | null;
  expiration_date: string | null;
  [field: string]: unknown;
}

/** The access document `addEndpointAclRule` sends (a partial one for updates). */
export interface AccessRuleDocument {
  DATA_TYPE?: "access";
  principal_type?: AccessPrincipalType;
  /** An identity or group id; empty for all_authenticated_users and anonymous. */
  principal?: string;
  /** Absolute, ending in `/`; relative to the guest collection's root. */
  path?: string;
  permissions?: "r" | "rw";
  expiration_date?: string | null;
  notify_email?: string;
  notify_message?: string;
  [field: string]: unknown;
}

/** A guest collection's access list. */
export interface AccessRuleList {
  DATA_TYPE: "access_list";
  endpoint: string;
  DATA: AccessRule[];
  length?: number;
  [field: string]: unknown;
}

/** The answer to `addEndpointAclRule`: the new rule's id is `access_id`. */
export interface AccessRuleCreateResult extends TransferResult {
  access_id: string;
}

/** A bookmark: a named path on a collection. */
export interface Bookmark {
  DATA_TYPE: "bookmark";
  id: string;
  name: string;
  endpoint_id: string;
  path: string;
  [field: string]: unknown;
}

/** The bookmark document `createBookmark` sends (`updateBookmark` changes the name). */
export interface BookmarkDocument {
  DATA_TYPE?: "bookmark";
  name: string;
  endpoint_id?: string;
  path?: string;
  [field: string]: unknown;
}

export interface BookmarkList {
  DATA_TYPE: "bookmark_list";
  DATA: Bookmark[];
  [field: string]: unknown;
}

/** The shared-endpoint (guest collection) document `createSharedEndpoint` sends. */
export interface SharedEndpointDocument {
  DATA_TYPE?: "shared_endpoint";
  /** The host collection (the Python SDK's example names it `host_endpoint`). */
  host_endpoint_id?: string;
  host_endpoint?: string;
  /** The directory on the host that becomes the guest collection's root. */
  host_path: string;
  display_name: string;
  description?: string;
  [field: string]: unknown;
}

/** The answer to `createSharedEndpoint`. */
export interface SharedEndpointCreateResult extends TransferResult {
  id: string;
  globus_connect_setup_key?: string | null;
}

/** The fields `updateEndpoint` may change on a Globus Connect Personal collection. */
export interface EndpointUpdateDocument {
  DATA_TYPE?: "endpoint";
  display_name?: string;
  description?: string | null;
  organization?: string | null;
  department?: string | null;
  keywords?: string | null;
  contact_email?: string | null;
  contact_info?: string | null;
  info_link?: string | null;
  default_directory?: string | null;
  force_encryption?: boolean;
  disable_verify?: boolean;
  public?: boolean;
  location?: string | null;
  network_use?: "normal" | "minimal" | "aggressive" | "custom" | null;
  user_message?: string | null;
  user_message_link?: string | null;
  [field: string]: unknown;
}

/** A list of servers. */
export interface TransferServerList {
  DATA: TransferServer[];
  [field: string]: unknown;
}

/** An administrator's cancel of several tasks. */
export interface AdminCancel {
  DATA_TYPE: "admin_cancel";
  id: number;
  message?: string;
  task_id_list?: string[];
  done: boolean;
  [field: string]: unknown;
}

/** The answer to an administrator's pause or resume: the tasks it named. */
export interface AdminTaskAction {
  DATA_TYPE?: string;
  task_id_list: string[];
  message?: string;
  [field: string]: unknown;
}

/** A JSON:API resource of the v2 API. */
export interface JsonApiResource<TType extends string, TAttributes> {
  type: TType;
  id: string;
  attributes: TAttributes;
  relationships?: Record<string, { data: { type: string; id: string } | null }>;
  [field: string]: unknown;
}

/** A tunnel's attributes. */
export interface TunnelAttributes {
  submission_id: string;
  label: string | null;
  lifetime_mins: number;
  restartable: boolean;
  state: string;
  status: string;
  created_time: string | null;
  listener_ip_address: string | null;
  listener_port: number | null;
  initiator_ip_address: string | null;
  initiator_port: number | null;
  [field: string]: unknown;
}

/** One tunnel (`create_tunnel`, `get_tunnel`, `update_tunnel`). */
export interface TunnelResponse {
  data: JsonApiResource<"Tunnel", TunnelAttributes>;
  meta: { request_id: string };
  [field: string]: unknown;
}

/** The caller's tunnels. */
export interface TunnelList {
  data: JsonApiResource<"Tunnel", TunnelAttributes>[];
  links: { next: string } | null;
  meta: { request_id: string };
  [field: string]: unknown;
}

/** A tunnel's events. */
export interface TunnelEventList {
  data: JsonApiResource<
    "TunnelEvent",
    { code: string; is_error: boolean; description: string; details: string; time: string }
  >[];
  links: { next: string } | null;
  meta: { request_id: string };
  [field: string]: unknown;
}

/** A stream access point. */
export interface StreamAccessPointResponse {
  data: JsonApiResource<
    "StreamAccessPoint",
    { display_name: string; tlsftp_server: string; [field: string]: unknown }
  >;
  meta: { request_id: string };
  [field: string]: unknown;
}

/** The answer to `deleteTunnel`. */
export interface TunnelDeleteResponse {
  data: null;
  meta: { request_id: string };
  [field: string]: unknown;
}
