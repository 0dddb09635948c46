/**
 * The documents Globus Flows sends, typed with the fields scripts read (names and types
 * from the responses Globus recorded and its OpenAPI spec); every other field is kept
 * through the index signature.
 */

/** A caller's role on a flow, as `user_role` and `filterRoles` name them. */
export type FlowRole =
  | "flow_owner"
  | "flow_administrator"
  | "flow_starter"
  | "flow_viewer"
  | "run_manager"
  | "run_monitor";

/** A caller's role on a run. */
export type RunRole =
  | "run_owner"
  | "run_manager"
  | "run_monitor"
  | "flow_run_manager"
  | "flow_run_monitor";

export type RunStatus = "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED" | "ENDED";

/** A flow. */
export interface Flow {
  id: string;
  title: string;
  subtitle?: string;
  description?: string;
  keywords?: string[];
  definition: Record<string, unknown>;
  input_schema?: Record<string, unknown> | null;
  /** The scope a run of this flow needs (its `user` scope). */
  globus_auth_scope?: string;
  flow_owner: string;
  flow_viewers?: string[];
  flow_starters?: string[];
  flow_administrators?: string[];
  run_managers?: string[];
  run_monitors?: string[];
  user_role?: FlowRole;
  created_at?: string;
  updated_at?: string;
  /** Present once the flow is on a subscription. */
  subscription_id?: string;
  [field: string]: unknown;
}

/** What `deleteFlow` answers: the flow, marked deleted. */
export interface DeletedFlow extends Flow {
  DELETED: boolean;
  deleted_at: string;
}

/** The flow summary `getRun` adds with `includeFlowDescription`. */
export interface FlowDescription {
  id: string;
  title: string;
  subtitle?: string;
  description?: string;
  keywords?: string[];
  flow_owner?: string;
  created_at: string;
  updated_at?: string;
  /** Present when the flow has been deleted since. */
  deleted_at?: string;
  [field: string]: unknown;
}

/** A run of a flow. */
export interface Run {
  run_id: string;
  flow_id: string;
  flow_title?: string;
  status: RunStatus;
  display_status?: string;
  label: string;
  tags: string[];
  start_time?: string;
  /** Present once the run has ended. */
  completion_time?: string;
  /**
   * What the run is doing or did: for an INACTIVE run, why it waits (read it with
   * `runInactiveReason`).
   */
  details?: Record<string, unknown> | null;
  run_owner?: string;
  run_managers?: string[];
  run_monitors?: string[];
  user_role?: RunRole;
  flow_description?: FlowDescription;
  [field: string]: unknown;
}

/** One entry of a run's log. */
export interface RunLogEntry {
  code: string;
  description: string;
  time: string;
  details?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The definition and input schema a run was started with. */
export interface RunDefinition {
  flow_id: string;
  definition: Record<string, unknown>;
  input_schema: Record<string, unknown>;
  [field: string]: unknown;
}

/** What `validateFlow` answers: the scopes the definition needs, by `RunAs` name. */
export interface FlowValidation {
  scopes?: Record<string, string[]>;
  [field: string]: unknown;
}

/** What `validateRun` answers when the run would start. */
export interface RunValidation {
  message: string;
  [field: string]: unknown;
}

/** A registered API, as listed. */
export interface RegisteredApiSummary {
  id: string;
  name: string;
  description: string;
  created_timestamp: string;
  updated_timestamp: string | null;
  [field: string]: unknown;
}

/** A registered API: an HTTP operation flows may call, with who may use it. */
export interface RegisteredApi extends RegisteredApiSummary {
  roles: { owners: string[]; administrators: string[]; viewers: string[] };
  target: Record<string, unknown>;
  status?: string;
  subscription_id?: string | null;
  [field: string]: unknown;
}

export type WebInputRole = "viewer" | "respondent";
export type WebInputState = "open" | "closed";

/** What the listing and the whole document of a web input share. */
interface WebInputBase {
  id: string;
  status: WebInputState;
  /** The caller's roles on it. */
  user_roles: WebInputRole[];
  input_type: string;
  flow: { id: string; title: string };
  run: { id: string; label: string | null };
  created_timestamp: string;
  edited_timestamp: string;
  closed_timestamp: string | null;
  [field: string]: unknown;
}

/** A web input, as listed. */
export interface WebInputSummary extends WebInputBase {
  title: string;
}

/** One choice of a `selection` web input; answer with its `option_id`. */
export interface WebInputOption {
  option_id: string;
  label: string;
  description: string;
}

/** A web input: a question a run asks, with what to show and who may answer. */
export interface WebInput extends WebInputBase {
  input_schema: Record<string, unknown>;
  context: { title: string; presentation_style: "text" | "table"; [field: string]: unknown };
  options?: WebInputOption[];
  roles: { viewer_urns: string[]; respondent_urns: string[] };
  creator_urn: string;
  [field: string]: unknown;
}

/** When Flows mails a run's owner about it. */
export interface RunActivityNotificationPolicyFields {
  /** The statuses that send a mail; Flows' default is `["INACTIVE"]`. */
  status?: ("INACTIVE" | "SUCCEEDED" | "FAILED")[];
}
