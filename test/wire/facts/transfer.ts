/**
 * Transfer wire facts, from the Python SDK 4.9's `services/transfer/client.py` (and its
 * payload builders in `services/transfer/data/`) and the responses recorded in
 * `testing/data/transfer/`. Where the Python SDK recorded no response for a method, the
 * shape comes from `@globus/sdk`'s Transfer types (`services/transfer/service/*.d.ts`),
 * and the fact's `source` says so.
 *
 * Where a recording and the JavaScript types disagree, the recording wins (it is what the
 * real service sent); keys the JavaScript types add to a recorded document are `optional`
 * here, since the real service sends them in other answers.
 */
import { CreateTunnelData, DeleteData, TransferClient, TransferData } from "../../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  BOB_UNIVERSITY_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
  DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
  type EmulatorOptions,
  TUNNEL_TRANSITION_SECONDS,
} from "../../../src/testing/index.ts";
// not re-exported by the testing index: the Groups emulator names the same subscription
import { DEMO_SUBSCRIPTION_ID } from "../../../src/testing/services/transfer.ts";
import {
  ALICE_GCP_ID,
  aliceGuestCollection,
  BOB_GCP_ID,
  runTasks,
  submitProjectCopy,
  transferTestSeed,
} from "../../services/transfer-helpers.ts";
import type { RouteWithoutFact, WireContext, WireFact } from "../facts.ts";
import { S, type Shape } from "../shape.ts";

export const service = "transfer";

/** The default seed plus Alice's and Bob's Globus Connect Personal collections. */
export const emulatorOptions: EmulatorOptions = { seed: transferTestSeed() };

/** The fields update_endpoint may change (`@globus/sdk`'s updatable fields). */
const UPDATABLE_ENDPOINT_FIELDS = [
  "acl_max_expiration_period_mins",
  "display_name",
  "organization",
  "department",
  "keywords",
  "description",
  "contact_email",
  "contact_info",
  "info_link",
  "owner_string",
  "default_directory",
  "force_encryption",
  "disable_verify",
  "authentication_timeout_mins",
  "subscription_id",
  "public",
  "location",
  "network_use",
  "max_concurrency",
  "preferred_concurrency",
  "max_parallelism",
  "preferred_parallelism",
  "user_message",
  "user_message_link",
];

const PY = "services/transfer/client.py";
const DATA = "testing/data/transfer";
const JS = "@globus/sdk services/transfer/service";

function transfer(context: WireContext, identityId?: string): TransferClient {
  return new TransferClient({ app: context.userApp(identityId) });
}

/** Every key of a shape, made optional: keys the JS types add to a recorded document. */
function optional(fields: Record<string, Shape>): Record<string, Shape> {
  return Object.fromEntries(Object.entries(fields).map(([key, shape]) => [key, S.optional(shape)]));
}

const str = S.str;
const nstr = S.nullable(S.str);
const nint = S.nullable(S.int);
const nbool = S.nullable(S.bool);

/** Transfer's `{DATA_TYPE, code, message, request_id, resource}` result. */
const result = (dataType: string, code?: string) =>
  S.obj({
    DATA_TYPE: S.lit(dataType),
    code: code ? S.lit(code) : S.str,
    message: S.str,
    request_id: S.str,
    resource: S.str,
  });

/** Transfer's error body (`get_endpoint.py` not_found, `operation_stat.py` not_found, ...). */
const errorBody = (code?: string) =>
  S.obj({ code: code ? S.lit(code) : S.str, message: S.str, request_id: S.str, resource: S.str });

/** A server document: `get_endpoint.py`'s `DATA[0]`, plus the keys of `ServerDocument`. */
export const serverDocument = S.obj({
  DATA_TYPE: S.lit("server"),
  hostname: nstr,
  uri: S.str,
  port: nint,
  scheme: nstr,
  id: S.int,
  subject: nstr,
  ...optional({
    incoming_data_port_start: nint,
    incoming_data_port_end: nint,
    outgoing_data_port_start: nint,
    outgoing_data_port_end: nint,
    is_connected: S.bool,
    is_paused: S.bool,
  }),
});

/**
 * An endpoint or collection document: every key of `get_endpoint.py`'s recording (the
 * legacy GCSv4 keys included), plus the keys `@globus/sdk`'s `EndpointDocument` declares.
 */
export const endpointDocument = S.obj({
  DATA_TYPE: S.lit("endpoint"),
  id: str,
  display_name: str,
  organization: nstr,
  username: str,
  description: nstr,
  entity_type: str,
  public: S.bool,
  french_english_bilingual: S.bool,
  is_globus_connect: S.bool,
  globus_connect_setup_key: nstr,
  gcp_connected: nbool,
  gcp_paused: nbool,
  s3_url: S.null,
  s3_owner_activated: S.bool,
  host_endpoint_id: nstr,
  host_path: nstr,
  disable_verify: S.bool,
  disable_anonymous_writes: S.bool,
  force_verify: S.bool,
  force_encryption: S.bool,
  mfa_required: S.bool,
  myproxy_server: nstr,
  myproxy_dn: nstr,
  non_functional: S.bool,
  non_functional_endpoint_display_name: nstr,
  non_functional_endpoint_id: nstr,
  oauth_server: nstr,
  default_directory: nstr,
  activated: S.bool,
  expires_in: S.int,
  expire_time: nstr,
  shareable: S.bool,
  acl_available: S.bool,
  acl_editable: S.bool,
  in_use: S.bool,
  DATA: S.array(serverDocument),
  ...optional({
    department: nstr,
    keywords: nstr,
    name: str,
    canonical_name: str,
    owner_id: str,
    owner_string: str,
    contact_email: nstr,
    contact_info: nstr,
    info_link: nstr,
    user_message: nstr,
    user_message_link: nstr,
    subscription_id: nstr,
    subscription_admin_verified: S.bool,
    guest_collection_activity_notification_policy: S.nullable(
      S.obj({ status: S.array(S.str), transfer_use: S.array(S.str) }),
    ),
    requester_pays: S.bool,
    gcs_version: nstr,
    host_endpoint: nstr,
    host_endpoint_display_name: nstr,
    my_effective_roles: S.array(S.str),
    network_use: nstr,
    location: nstr,
    max_concurrency: nint,
    preferred_concurrency: nint,
    max_parallelism: nint,
    preferred_parallelism: nint,
    local_user_info_available: nbool,
    https_server: nstr,
    tlsftp_server: nstr,
    gcs_manager_url: nstr,
    high_assurance: S.bool,
    authentication_timeout_mins: nint,
    authentication_policy_id: nstr,
    acl_max_expiration_period_mins: nint,
    authentication_assurance_timeout: nint,
    auto_delete_timeout: nint,
    last_accessed_time: nstr,
    mapped_collection_id: nstr,
    mapped_collection_display_name: nstr,
    sharing_target_endpoint: nstr,
    sharing_target_root_path: nstr,
    skip_auto_delete: nbool,
    restrict_transfers_to_high_assurance: nstr,
    associated_flow_policy: S.nullable(S.any),
    preserve_modtime: nstr,
  }),
});

/** A file document, as `operation_stat.py` records it (and `ls` lists them). */
export const fileDocument = S.obj({
  DATA_TYPE: S.lit("file"),
  group: nstr,
  last_modified: nstr,
  link_group: nstr,
  link_last_modified: nstr,
  link_size: nint,
  link_target: nstr,
  link_user: nstr,
  name: S.str,
  permissions: S.str,
  size: S.int,
  type: S.str,
  user: nstr,
});

const filterRule = S.obj({
  DATA_TYPE: S.lit("filter_rule"),
  method: S.str,
  name: S.str,
  type: S.optional(nstr),
});

/** A task as `task_list.py` records it (the user's view). */
const taskFields = {
  bytes_checksummed: S.int,
  bytes_transferred: S.int,
  canceled_by_admin: nstr,
  canceled_by_admin_message: nstr,
  command: S.str,
  completion_time: nstr,
  deadline: nstr,
  delete_destination_extra: S.bool,
  destination_endpoint: nstr,
  destination_endpoint_display_name: nstr,
  destination_endpoint_id: nstr,
  directories: S.int,
  effective_bytes_per_second: S.int,
  encrypt_data: S.bool,
  fail_on_quota_errors: S.bool,
  fatal_error: S.nullable(S.obj({ code: S.str, description: S.str })),
  faults: S.int,
  files: S.int,
  files_skipped: S.int,
  files_transferred: S.int,
  filter_rules: S.nullable(S.array(filterRule)),
  history_deleted: S.bool,
  is_ok: nbool,
  is_paused: S.bool,
  label: nstr,
  nice_status: nstr,
  nice_status_details: nstr,
  nice_status_expires_in: nint,
  nice_status_short_description: nstr,
  owner_id: S.str,
  preserve_timestamp: S.bool,
  recursive_symlinks: nstr,
  request_time: S.str,
  skip_source_errors: S.bool,
  source_endpoint: S.str,
  source_endpoint_display_name: nstr,
  source_endpoint_id: S.str,
  status: S.str,
  subtasks_canceled: S.int,
  subtasks_expired: S.int,
  subtasks_failed: S.int,
  subtasks_pending: S.int,
  subtasks_retrying: S.int,
  subtasks_skipped_errors: S.int,
  subtasks_succeeded: S.int,
  subtasks_total: S.int,
  symlinks: S.int,
  sync_level: nint,
  task_id: S.str,
  type: S.str,
  username: S.str,
  verify_checksum: S.bool,
} satisfies Record<string, Shape>;

export const taskListItem = S.obj(taskFields);

/**
 * One task (`get_task`): nothing recorded; the `task_list.py` item plus what
 * `@globus/sdk`'s `TaskDocument` adds (`DATA_TYPE`, the base paths).
 */
export const taskDocument = S.obj({
  ...taskFields,
  DATA_TYPE: S.lit("task"),
  ...optional({ source_base_path: nstr, destination_base_path: nstr }),
});

/** A submission's answer (`submit_transfer.py`, `submit_delete.py`). */
const submissionResult = (dataType: string) =>
  S.obj({
    DATA_TYPE: S.lit(dataType),
    code: S.str,
    message: S.str,
    request_id: S.str,
    resource: S.str,
    submission_id: S.str,
    task_id: S.str,
    task_link: S.obj({
      DATA_TYPE: S.lit("link"),
      href: S.str,
      rel: S.str,
      resource: S.str,
      title: S.str,
    }),
  });

/** Every key a `TransferData` document can carry (`data/transfer_data.py`). */
const TRANSFER_DATA_KEYS = [
  "DATA_TYPE",
  "DATA",
  "source_endpoint",
  "destination_endpoint",
  "label",
  "submission_id",
  "deadline",
  "source_local_user",
  "destination_local_user",
  "verify_checksum",
  "preserve_timestamp",
  "encrypt_data",
  "skip_source_errors",
  "fail_on_quota_errors",
  "delete_destination_extra",
  "notify_on_succeeded",
  "notify_on_failed",
  "notify_on_inactive",
  "sync_level",
  "filter_rules",
];

/** Every key a `DeleteData` document can carry (`data/delete_data.py`). */
const DELETE_DATA_KEYS = [
  "DATA_TYPE",
  "DATA",
  "endpoint",
  "label",
  "submission_id",
  "deadline",
  "local_user",
  "recursive",
  "ignore_missing",
  "interpret_globs",
  "notify_on_succeeded",
  "notify_on_failed",
  "notify_on_inactive",
];

/** Submits a small transfer on the demo collection as the app's identity. */
export async function submitDemoTransfer(client: TransferClient, label = "wire") {
  return client.submitTransfer(
    new TransferData({
      sourceEndpoint: DEMO_COLLECTION_ID,
      destinationEndpoint: DEMO_COLLECTION_ID,
      label,
    }).addItem("/home/alice/notes.txt", `/home/alice/${label}-copy.txt`),
  );
}

/** Emulated routes no Python SDK 4.9 TransferClient method calls. */
export const routesWithoutFacts: RouteWithoutFact[] = [
  {
    service,
    method: "GET",
    path: "/v2/stream_access_points",
    why: "no TransferClient method lists stream access points (only the experimental TransferClientV2 does); emulated for @globus/sdk's transfer.streamAccessPoint.getAll",
  },
];

const roleDocument = S.obj({
  DATA_TYPE: S.lit("role"),
  id: S.str,
  principal_type: S.str,
  principal: S.str,
  role: S.str,
});

const accessDocument = S.obj({
  DATA_TYPE: S.lit("access"),
  id: nstr,
  role_id: nstr,
  role_type: nstr,
  principal_type: S.str,
  principal: S.str,
  path: S.str,
  permissions: S.str,
  create_time: nstr,
  expiration_date: nstr,
  ...optional({ notify_email: nstr, notify_message: nstr }),
});

const accessList = S.obj({
  DATA_TYPE: S.lit("access_list"),
  DATA: S.array(accessDocument),
  length: S.int,
  endpoint: S.str,
});

const bookmarkDocument = S.obj({
  DATA_TYPE: S.lit("bookmark"),
  id: S.str,
  name: S.str,
  endpoint_id: S.str,
  path: S.str,
});

const eventDocument = S.obj({
  DATA_TYPE: S.lit("event"),
  code: S.str,
  is_error: S.bool,
  description: S.str,
  details: S.str,
  time: S.str,
});

/**
 * A page of events: `@globus/sdk`'s TaskEventListDocument, laid out as `task_list.py`
 * records Transfer's offset pages (`total`, which Python's LimitOffsetTotalPaginator
 * reads for both, rather than the type's `has_next_page`).
 */
const eventList = S.obj({
  DATA_TYPE: S.lit("task_event_list"),
  DATA: S.array(eventDocument),
  length: S.int,
  limit: S.int,
  offset: S.int,
  total: S.int,
});

const pauseFlags = {
  pause_ls: S.bool,
  pause_mkdir: S.bool,
  pause_symlink: S.bool,
  pause_rename: S.bool,
  pause_task_delete: S.bool,
  pause_task_transfer_delete: S.bool,
  pause_task_transfer_read: S.bool,
};

const ruleFields = {
  id: S.str,
  message: S.str,
  start_time: nstr,
  endpoint_id: S.str,
  endpoint_display_name: nstr,
  identity_id: nstr,
  ...pauseFlags,
};

/** `@globus/sdk`'s PauseRuleDocument (identity_id null: every user, as Python's example has it). */
const pauseRuleDocument = S.obj({
  DATA_TYPE: S.lit("pause_rule"),
  ...ruleFields,
  modified_by_id: S.str,
  created_by_host_manager: S.bool,
  editable: S.bool,
});

/** `@globus/sdk`'s PauseRuleLimitedDocument. */
const limitedPauseRule = S.obj({ DATA_TYPE: S.lit("pause_rule_limited"), ...ruleFields });

const pauseInfo = (dataType: string, rule: Shape) =>
  S.obj({
    DATA_TYPE: S.lit(dataType),
    pause_rules: S.array(rule),
    source_pause_message: nstr,
    destination_pause_message: nstr,
    source_pause_message_share: nstr,
    destination_pause_message_share: nstr,
  });

/** `endpoint_manager_task_successful_transfers.py`: the page, and its three-key items. */
const successfulTransfers = S.obj({
  DATA_TYPE: S.lit("successful_transfers"),
  marker: S.int,
  next_marker: nint,
  DATA: S.array(
    S.obj({
      destination_path: nstr,
      source_path: nstr,
      DATA_TYPE: S.lit("successful_transfer"),
    }),
  ),
});

const skippedErrors = S.obj({
  DATA_TYPE: S.lit("skipped_errors"),
  marker: S.int,
  next_marker: nint,
  DATA: S.array(
    S.obj({
      DATA_TYPE: S.lit("skipped_error"),
      error_code: S.str,
      error_details: S.str,
      error_time: S.str,
      source_path: nstr,
      destination_path: nstr,
      is_directory: S.bool,
      is_symlink: S.bool,
      is_delete_destination_extra: S.bool,
      external_checksum: S.str,
      checksum_algorithm: S.str,
    }),
  ),
});

/** A task as `endpoint_manager_task_list.py` records it (the endpoint manager's view). */
const adminTask = S.obj({
  ...taskFields,
  DATA_TYPE: S.lit("task"),
  owner_string: S.str,
  ...Object.fromEntries(
    (["source", "destination"] as const).flatMap((side) => [
      [`${side}_base_path`, nstr],
      [`${side}_host_endpoint`, nstr],
      [`${side}_host_endpoint_display_name`, nstr],
      [`${side}_host_endpoint_id`, nstr],
      [`${side}_host_path`, nstr],
      [`${side}_local_user`, nstr],
      [`${side}_local_user_status`, S.str],
      [`${side}_mapped_collection_display_name`, nstr],
      [`${side}_mapped_collection_id`, nstr],
    ]),
  ),
});

const adminCancel = S.obj({
  DATA_TYPE: S.lit("admin_cancel"),
  id: S.int,
  message: S.str,
  task_id_list: S.array(S.str),
  done: S.bool,
});

/** A page of endpoints with `@globus/sdk`'s offset response keys. */
const endpointPage = (dataType: string) =>
  S.obj({
    DATA_TYPE: S.lit(dataType),
    DATA: S.array(endpointDocument),
    length: S.int,
    limit: S.int,
    offset: S.int,
    has_next_page: S.bool,
  });

const relationship = (type: string) => S.obj({ data: S.obj({ id: S.str, type: S.lit(type) }) });

/** A tunnel resource, as `create_tunnel.py`, `get_tunnel.py` and the rest record it. */
const tunnelResource = S.obj({
  attributes: S.obj({
    created_time: nstr,
    initiator_ip_address: nstr,
    initiator_port: nint,
    label: nstr,
    lifetime_mins: S.int,
    listener_ip_address: nstr,
    listener_port: nint,
    restartable: S.bool,
    state: S.str,
    status: S.str,
    submission_id: S.str,
  }),
  id: S.str,
  relationships: S.obj({
    initiator: relationship("StreamAccessPoint"),
    listener: relationship("StreamAccessPoint"),
    owner: relationship("Identity"),
  }),
  type: S.lit("Tunnel"),
});

const meta = S.obj({ request_id: S.str });
const tunnelResponse = S.obj({ data: tunnelResource, meta });

/** The keys a pause rule document can carry (Python's example, `@globus/sdk`'s type). */
const PAUSE_RULE_KEYS = [
  "DATA_TYPE",
  "message",
  "endpoint_id",
  "identity_id",
  "start_time",
  ...Object.keys(pauseFlags),
];

/** The keys of an access document (Python's example, `@globus/sdk`'s AccessDocument). */
const ACCESS_KEYS = [
  "DATA_TYPE",
  "principal_type",
  "principal",
  "path",
  "permissions",
  "expiration_date",
  "notify_email",
  "notify_message",
];

// --- setup the drivers share ------------------------------------------------------------

const alice = (context: WireContext) => transfer(context);
const bob = (context: WireContext) => transfer(context, BOB_IDENTITY_ID);

/** A guest collection on Alice's laptop, and Bob's read rule on it. */
async function sharedProject(context: WireContext) {
  const guestId = await aliceGuestCollection(alice(context), `wire share ${Date.now()}`);
  const rule = await alice(context).addEndpointAclRule(guestId, {
    DATA_TYPE: "access",
    principal_type: "identity",
    principal: BOB_IDENTITY_ID,
    path: "/",
    permissions: "r",
  });
  return { guestId, ruleId: rule.access_id };
}

/** Alice's finished copy of her project (with a skipped missing source) on her laptop. */
async function finishedTask(context: WireContext): Promise<string> {
  const client = alice(context);
  const submitted = await client.submitTransfer(
    new TransferData({
      sourceEndpoint: ALICE_GCP_ID,
      destinationEndpoint: ALICE_GCP_ID,
      skipSourceErrors: true,
    })
      .addItem("/home/alice/project/", `/home/alice/wire-${Date.now()}/`, { recursive: true })
      .addItem("/home/alice/missing.txt", "/home/alice/missing-copy.txt"),
  );
  runTasks(context.emulator);
  return submitted.task_id;
}

/** A pause rule on Alice's laptop that holds transfers reading from it. */
async function pauseRule(context: WireContext): Promise<string> {
  const rule = await alice(context).endpointManagerCreatePauseRule({
    DATA_TYPE: "pause_rule",
    endpoint_id: ALICE_GCP_ID,
    message: "wire facts maintenance",
    pause_task_transfer_read: true,
  });
  return rule.id;
}

async function tunnel(context: WireContext) {
  return alice(context).createTunnel(
    new CreateTunnelData(
      DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
      DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
      { label: "wire tunnel", lifetimeMins: 30 },
    ),
  );
}

export const facts: WireFact[] = [
  {
    python: "TransferClient.endpoint_search",
    source: `${PY}; no recording: ${JS}/endpoint-search.d.ts (EndpointSearchResult)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_search",
    query: [
      "filter_scope",
      "filter_fulltext",
      "filter_owner_id",
      "filter_host_endpoint",
      "filter_non_functional",
      "filter_entity_type",
      "limit",
      "offset",
    ],
    response: S.obj({
      DATA_TYPE: S.lit("endpoint_list"),
      DATA: S.array(endpointDocument),
      has_next_page: S.bool,
      limit: S.int,
      offset: S.int,
    }),
    drive: (context) => transfer(context).endpointSearch("Emulator", { limit: 2 }).firstPage(),
  },
  {
    python: "TransferClient.get_endpoint",
    source: `${PY}; ${DATA}/get_endpoint.py; ${JS}/endpoint.d.ts (EndpointDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}",
    response: endpointDocument,
    drive: (context) => transfer(context).getEndpoint(DEMO_COLLECTION_ID),
  },
  {
    python: "TransferClient.operation_ls",
    source: `${PY}; no recording: ${JS}/file-operations.d.ts (FileListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/operation/endpoint/{endpoint_id}/ls",
    query: ["path", "limit", "offset", "show_hidden", "orderby", "filter", "local_user"],
    response: S.obj({
      DATA_TYPE: S.lit("file_list"),
      DATA: S.array(fileDocument),
      path: S.str,
      absolute_path: nstr,
      endpoint: S.str,
      length: S.int,
      total: S.int,
      rename_supported: S.bool,
      symlink_supported: S.bool,
    }),
    drive: (context) =>
      transfer(context).operationLs(DEMO_COLLECTION_ID, {
        path: "/home/alice/",
        showHidden: false,
        orderBy: "name DESC",
        filter: { type: ["file", "dir"] },
      }),
  },
  {
    python: "TransferClient.operation_stat",
    source: `${PY}; ${DATA}/operation_stat.py (default)`,
    service,
    method: "GET",
    path: "/v0.10/operation/endpoint/{endpoint_id}/stat",
    query: ["path", "local_user"],
    response: fileDocument,
    drive: (context) =>
      transfer(context).operationStat(DEMO_COLLECTION_ID, "/home/alice/notes.txt"),
  },
  {
    python: "TransferClient.operation_stat (missing path)",
    source: `${PY}; ${DATA}/operation_stat.py (not_found: code NotFound)`,
    service,
    method: "GET",
    path: "/v0.10/operation/endpoint/{endpoint_id}/stat",
    query: ["path", "local_user"],
    status: 404,
    response: errorBody("NotFound"),
    drive: (context) =>
      transfer(context)
        .operationStat(DEMO_COLLECTION_ID, "/home/alice/no-such-file")
        .catch(() => undefined),
  },
  {
    python: "TransferClient.operation_mkdir",
    source: `${PY}; ${DATA}/operation_mkdir.py`,
    service,
    method: "POST",
    path: "/v0.10/operation/endpoint/{endpoint_id}/mkdir",
    body: ["DATA_TYPE", "path", "local_user"],
    response: result("mkdir_result", "DirectoryCreated"),
    drive: (context) =>
      transfer(context).operationMkdir(DEMO_COLLECTION_ID, `/home/alice/wire-${Date.now()}`),
  },
  {
    python: "TransferClient.operation_rename",
    source: `${PY}; ${DATA}/operation_rename.py`,
    service,
    method: "POST",
    path: "/v0.10/operation/endpoint/{endpoint_id}/rename",
    body: ["DATA_TYPE", "old_path", "new_path", "local_user"],
    response: result("result", "FileRenamed"),
    drive: async (context) => {
      const client = transfer(context);
      const name = `/home/alice/wire-rename-${Date.now()}`;
      await client.operationMkdir(DEMO_COLLECTION_ID, name);
      return client.operationRename(DEMO_COLLECTION_ID, name, `${name}-renamed`);
    },
  },
  {
    python: "TransferClient.get_submission_id",
    source: `${PY}; ${DATA}/get_submission_id.py`,
    service,
    method: "GET",
    path: "/v0.10/submission_id",
    response: S.obj({ value: S.str }),
    drive: (context) => transfer(context).getSubmissionId(),
  },
  {
    python: "TransferClient.submit_transfer",
    source: `${PY}; data/transfer_data.py; ${DATA}/submit_transfer.py (default)`,
    service,
    method: "POST",
    path: "/v0.10/transfer",
    body: TRANSFER_DATA_KEYS,
    response: submissionResult("transfer_result"),
    drive: (context) =>
      transfer(context).submitTransfer(
        new TransferData({
          sourceEndpoint: DEMO_COLLECTION_ID,
          destinationEndpoint: DEMO_COLLECTION_ID,
          label: "wire facts",
          syncLevel: "mtime",
          verifyChecksum: true,
          preserveTimestamp: true,
          encryptData: false,
          deadline: new Date(Date.now() + 3_600_000),
          skipSourceErrors: true,
          failOnQuotaErrors: true,
          notifyOnSucceeded: false,
          notifyOnFailed: false,
          notifyOnInactive: false,
          sourceLocalUser: "alice",
          destinationLocalUser: "alice",
        })
          .addItem("/home/alice/results/", "/home/alice/wire-results/", { recursive: true })
          .addFilterRule("*.tmp", { method: "exclude", type: "file" }),
      ),
  },
  {
    python: "TransferClient.submit_transfer (no items)",
    source: `${PY}; ${DATA}/submit_transfer.py (failure)`,
    service,
    method: "POST",
    path: "/v0.10/transfer",
    body: TRANSFER_DATA_KEYS,
    status: 400,
    response: errorBody("ClientError.BadRequest.NoTransferItems"),
    drive: (context) =>
      transfer(context)
        .submitTransfer(
          new TransferData({
            sourceEndpoint: DEMO_COLLECTION_ID,
            destinationEndpoint: DEMO_COLLECTION_ID,
          }),
        )
        .catch(() => undefined),
  },
  {
    python: "TransferClient.submit_delete",
    source: `${PY}; data/delete_data.py; ${DATA}/submit_delete.py`,
    service,
    method: "POST",
    path: "/v0.10/delete",
    body: DELETE_DATA_KEYS,
    response: submissionResult("delete_result"),
    drive: async (context) => {
      const client = transfer(context);
      const path = `/home/alice/wire-delete-${Date.now()}`;
      await client.operationMkdir(DEMO_COLLECTION_ID, path);
      return client.submitDelete(
        new DeleteData({
          endpoint: DEMO_COLLECTION_ID,
          label: "wire delete",
          recursive: true,
          ignoreMissing: true,
          interpretGlobs: false,
          localUser: "alice",
          notifyOnSucceeded: false,
        }).addItem(path),
      );
    },
  },
  {
    python: "TransferClient.get_task",
    source: `${PY}; no recording: ${DATA}/task_list.py's item and ${JS}/task.d.ts (TaskDocument)`,
    service,
    method: "GET",
    path: "/v0.10/task/{task_id}",
    response: taskDocument,
    drive: async (context) => {
      const client = transfer(context);
      return client.getTask((await submitDemoTransfer(client, "wire-get")).task_id);
    },
  },
  {
    python: "TransferClient.cancel_task",
    source: `${PY}; ${DATA}/cancel_task.py`,
    service,
    method: "POST",
    path: "/v0.10/task/{task_id}/cancel",
    response: result("result", "Canceled"),
    drive: async (context) => {
      const client = transfer(context);
      return client.cancelTask((await submitDemoTransfer(client, "wire-cancel")).task_id);
    },
  },
  {
    python: "TransferClient.task_list",
    source: `${PY}; ${DATA}/task_list.py`,
    service,
    method: "GET",
    path: "/v0.10/task_list",
    query: ["limit", "offset", "orderby", "filter"],
    response: S.obj({
      DATA: S.array(taskListItem),
      DATA_TYPE: S.lit("task_list"),
      length: S.int,
      limit: S.int,
      offset: S.int,
      total: S.int,
    }),
    drive: async (context) => {
      const client = transfer(context);
      await submitDemoTransfer(client, "wire-list");
      return client
        .taskList({ limit: 5, orderBy: "request_time DESC", filter: { type: "TRANSFER" } })
        .firstPage();
    },
  },
  // --- endpoints ------------------------------------------------------------------------
  {
    python: "TransferClient.update_endpoint",
    source: `${PY}; ${DATA}/update_endpoint.py; body keys: ${JS}/endpoint.d.ts (UpdatePayload)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint/{endpoint_id}",
    body: ["DATA_TYPE", ...UPDATABLE_ENDPOINT_FIELDS],
    response: result("result", "Updated"),
    drive: (context) =>
      alice(context).updateEndpoint(ALICE_GCP_ID, {
        description: "Alice's laptop, as the wire facts describe it",
        keywords: "wire,facts",
        public: false,
      }),
  },
  {
    python: "TransferClient.set_subscription_id",
    source: `${PY}; ${DATA}/set_subscription_id.py (default)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint/{collection_id}/subscription",
    body: ["subscription_id"],
    response: result("result", "Updated"),
    drive: (context) => alice(context).setSubscriptionId(ALICE_GCP_ID, "DEFAULT"),
  },
  {
    python: "TransferClient.set_subscription_id (no such endpoint)",
    source: `${PY}; ${DATA}/set_subscription_id.py (not_found)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint/{collection_id}/subscription",
    body: ["subscription_id"],
    status: 404,
    response: errorBody("EndpointNotFound"),
    drive: (context) =>
      alice(context)
        .setSubscriptionId("00000000-0000-4000-8000-00000000dead", DEMO_SUBSCRIPTION_ID)
        .catch(() => undefined),
  },
  {
    python: "TransferClient.set_subscription_admin_verified",
    source: `${PY}; ${DATA}/set_subscription_admin_verified.py (default)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint/{collection_id}/subscription_admin_verified",
    body: ["subscription_admin_verified"],
    response: result("result", "Updated"),
    drive: async (context) => {
      await alice(context).setSubscriptionId(ALICE_GCP_ID, DEMO_SUBSCRIPTION_ID);
      return alice(context).setSubscriptionAdminVerified(ALICE_GCP_ID, true);
    },
  },
  {
    python: "TransferClient.set_subscription_admin_verified (no subscription)",
    source: `${PY}; ${DATA}/set_subscription_admin_verified.py (non_subscribed_endpoint)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint/{collection_id}/subscription_admin_verified",
    body: ["subscription_admin_verified"],
    status: 400,
    response: errorBody("BadRequest"),
    drive: (context) =>
      bob(context)
        .setSubscriptionAdminVerified(BOB_GCP_ID, false)
        .catch(() => undefined),
  },
  {
    python: "TransferClient.set_subscription_admin_verified (no subscription role)",
    source: `${PY}; ${DATA}/set_subscription_admin_verified.py (no_admin_role)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint/{collection_id}/subscription_admin_verified",
    body: ["subscription_admin_verified"],
    status: 403,
    response: errorBody("PermissionDenied"),
    drive: async (context) => {
      await alice(context).setSubscriptionId(ALICE_GCP_ID, DEMO_SUBSCRIPTION_ID);
      return bob(context)
        .setSubscriptionAdminVerified(ALICE_GCP_ID, true)
        .catch(() => undefined);
    },
  },
  {
    python: "TransferClient.delete_endpoint",
    source: `${PY}; no recording: ${JS}/endpoint.d.ts (RemoveResponse)`,
    service,
    method: "DELETE",
    path: "/v0.10/endpoint/{endpoint_id}",
    response: result("result", "Deleted"),
    drive: async (context) => bob(context).deleteEndpoint(BOB_GCP_ID),
  },
  {
    python: "TransferClient.my_effective_pause_rule_list",
    source: `${PY} (an IterableTransferResponse over DATA); no recording: items are ${JS}/task.d.ts's PauseRuleLimitedDocument`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/my_effective_pause_rule_list",
    response: S.obj({ DATA_TYPE: S.str, DATA: S.array(limitedPauseRule) }),
    drive: async (context) => {
      await pauseRule(context);
      return alice(context).myEffectivePauseRuleList(ALICE_GCP_ID);
    },
  },
  // --- shared endpoints and servers -----------------------------------------------------
  {
    python: "TransferClient.create_shared_endpoint",
    source: `${PY} (body: its example); no recording: ${JS}/endpoint.d.ts (CreatePayload, CreateResponse)`,
    service,
    method: "POST",
    path: "/v0.10/shared_endpoint",
    body: [
      "DATA_TYPE",
      "host_endpoint",
      "host_endpoint_id",
      "host_path",
      "display_name",
      "description",
      "organization",
      "department",
      "keywords",
      "contact_email",
      "contact_info",
      "info_link",
      "owner_string",
      "default_directory",
      "force_encryption",
      "disable_verify",
      "acl_max_expiration_period_mins",
    ],
    response: S.obj({
      DATA_TYPE: S.lit("endpoint_create_result"),
      code: S.lit("Created"),
      globus_connect_setup_key: nstr,
      id: S.str,
      message: S.str,
      request_id: S.str,
      resource: S.str,
    }),
    drive: (context) =>
      alice(context).createSharedEndpoint({
        DATA_TYPE: "shared_endpoint",
        host_endpoint_id: ALICE_GCP_ID,
        host_path: "/home/alice/project/",
        display_name: "wire facts share",
        description: "made by the wire facts",
      }),
  },
  {
    python: "TransferClient.my_shared_endpoint_list",
    source: `${PY} (an IterableTransferResponse over DATA); no recording: items are endpoint documents`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/my_shared_endpoint_list",
    response: S.obj({ DATA_TYPE: S.lit("endpoint_list"), DATA: S.array(endpointDocument) }),
    drive: async (context) => {
      await aliceGuestCollection(alice(context), "wire my shares");
      return alice(context).mySharedEndpointList(ALICE_GCP_ID);
    },
  },
  {
    python: "TransferClient.get_shared_endpoint_list",
    source: `${PY} (NextTokenPaginator, items_key shared_endpoints); ${JS}/../types.d.ts (NextToken paging)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/shared_endpoint_list",
    query: ["max_results", "next_token"],
    response: S.obj({ shared_endpoints: S.array(endpointDocument), next_token: nstr }),
    drive: async (context) => {
      await aliceGuestCollection(alice(context), "wire all shares");
      return alice(context).getSharedEndpointList(ALICE_GCP_ID, { maxResults: 5 }).firstPage();
    },
  },
  {
    python: "TransferClient.endpoint_server_list",
    source: `${PY} (an IterableTransferResponse over DATA); no recording: servers as get_endpoint.py records them`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/server_list",
    response: S.open({ DATA: S.array(serverDocument) }),
    drive: (context) => alice(context).endpointServerList(DEMO_COLLECTION_ID),
  },
  {
    python: "TransferClient.get_endpoint_server",
    source: `${PY}; ${DATA}/get_endpoint.py (a server document, its DATA[0])`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/server/{server_id}",
    response: serverDocument,
    drive: async (context) => {
      const client = alice(context);
      const [server] = (await client.endpointServerList(DEMO_COLLECTION_ID)).DATA;
      return client.getEndpointServer(DEMO_COLLECTION_ID, server?.id ?? 0);
    },
  },
  // --- roles ----------------------------------------------------------------------------
  {
    python: "TransferClient.endpoint_role_list",
    source: `${PY}; no recording: ${JS}/roles.d.ts (RoleListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/role_list",
    response: S.obj({ DATA_TYPE: S.lit("role_list"), DATA: S.array(roleDocument) }),
    drive: (context) => alice(context).endpointRoleList(ALICE_GCP_ID),
  },
  {
    python: "TransferClient.add_endpoint_role",
    source: `${PY}; no recording: ${JS}/roles.d.ts (RoleDocument)`,
    service,
    method: "POST",
    path: "/v0.10/endpoint/{endpoint_id}/role",
    body: ["DATA_TYPE", "principal_type", "principal", "role"],
    response: roleDocument,
    drive: (context) =>
      alice(context).addEndpointRole(ALICE_GCP_ID, {
        DATA_TYPE: "role",
        principal_type: "identity",
        principal: BOB_UNIVERSITY_IDENTITY_ID,
        role: "activity_monitor",
      }),
  },
  {
    python: "TransferClient.get_endpoint_role",
    source: `${PY}; no recording: ${JS}/roles.d.ts (RoleDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/role/{role_id}",
    response: roleDocument,
    drive: async (context) => {
      const [role] = (await alice(context).endpointRoleList(ALICE_GCP_ID)).DATA;
      return alice(context).getEndpointRole(ALICE_GCP_ID, role?.id ?? "none");
    },
  },
  {
    python: "TransferClient.delete_endpoint_role",
    source: `${PY}; no recording: ${JS}/roles.d.ts (remove's result)`,
    service,
    method: "DELETE",
    path: "/v0.10/endpoint/{endpoint_id}/role/{role_id}",
    response: result("result", "Deleted"),
    drive: async (context) => {
      const role = await alice(context).addEndpointRole(ALICE_GCP_ID, {
        principal_type: "identity",
        principal: BOB_IDENTITY_ID,
        role: "access_manager",
      });
      return alice(context).deleteEndpointRole(ALICE_GCP_ID, role.id);
    },
  },
  // --- access rules ---------------------------------------------------------------------
  {
    python: "TransferClient.endpoint_acl_list",
    source: `${PY}; no recording: ${JS}/access.d.ts (AccessListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/access_list",
    response: accessList,
    drive: async (context) =>
      alice(context).endpointAclList((await sharedProject(context)).guestId),
  },
  {
    python: "TransferClient.get_endpoint_acl_rule",
    source: `${PY}; no recording: ${JS}/access.d.ts (AccessDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint/{endpoint_id}/access/{rule_id}",
    response: accessDocument,
    drive: async (context) => {
      const { guestId, ruleId } = await sharedProject(context);
      return alice(context).getEndpointAclRule(guestId, ruleId);
    },
  },
  {
    python: "TransferClient.add_endpoint_acl_rule",
    source: `${PY} (its example reads result["access_id"]); the rest of the result as Transfer's results are`,
    service,
    method: "POST",
    path: "/v0.10/endpoint/{endpoint_id}/access",
    body: ACCESS_KEYS,
    response: S.obj({
      DATA_TYPE: S.str,
      code: S.lit("Created"),
      message: S.str,
      access_id: S.str,
      request_id: S.str,
      resource: S.str,
    }),
    drive: async (context) => {
      const guestId = await aliceGuestCollection(alice(context), "wire add rule");
      return alice(context).share(guestId, {
        identityId: BOB_IDENTITY_ID,
        path: "/sub/",
        permissions: "rw",
        expirationDate: new Date(Date.now() + 86_400_000),
        notifyEmail: "bob@example.org",
      });
    },
  },
  {
    python: "TransferClient.update_endpoint_acl_rule",
    source: `${PY}; no recording: ${JS}/access.d.ts (update's result)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint/{endpoint_id}/access/{rule_id}",
    body: ACCESS_KEYS,
    response: result("result", "Updated"),
    drive: async (context) => {
      const { guestId, ruleId } = await sharedProject(context);
      return alice(context).updateEndpointAclRule(guestId, ruleId, { permissions: "rw" });
    },
  },
  {
    python: "TransferClient.delete_endpoint_acl_rule",
    source: `${PY}; no recording: ${JS}/access.d.ts (remove's result)`,
    service,
    method: "DELETE",
    path: "/v0.10/endpoint/{endpoint_id}/access/{rule_id}",
    response: result("result", "Deleted"),
    drive: async (context) => {
      const { guestId, ruleId } = await sharedProject(context);
      return alice(context).deleteEndpointAclRule(guestId, ruleId);
    },
  },
  // --- bookmarks ------------------------------------------------------------------------
  {
    python: "TransferClient.create_bookmark",
    source: `${PY}; no recording: ${JS}/collection-bookmarks.d.ts (BookmarkDocument)`,
    service,
    method: "POST",
    path: "/v0.10/bookmark",
    body: ["DATA_TYPE", "name", "endpoint_id", "path"],
    response: bookmarkDocument,
    drive: (context) =>
      alice(context).createBookmark({
        DATA_TYPE: "bookmark",
        name: "wire results",
        endpoint_id: DEMO_COLLECTION_ID,
        path: "/home/alice/results/",
      }),
  },
  {
    python: "TransferClient.bookmark_list",
    source: `${PY}; no recording: ${JS}/collection-bookmarks.d.ts (BookmarkListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/bookmark_list",
    response: S.obj({ DATA_TYPE: S.lit("bookmark_list"), DATA: S.array(bookmarkDocument) }),
    drive: (context) => alice(context).bookmarkList(),
  },
  {
    python: "TransferClient.get_bookmark",
    source: `${PY}; no recording: ${JS}/collection-bookmarks.d.ts (BookmarkDocument)`,
    service,
    method: "GET",
    path: "/v0.10/bookmark/{bookmark_id}",
    response: bookmarkDocument,
    drive: async (context) => {
      const made = await alice(context).createBookmark({
        name: "wire get",
        endpoint_id: DEMO_COLLECTION_ID,
        path: "/home/alice/",
      });
      return alice(context).getBookmark(made.id);
    },
  },
  {
    python: "TransferClient.update_bookmark",
    source: `${PY}; no recording: ${JS}/collection-bookmarks.d.ts (update: BookmarkDocument)`,
    service,
    method: "PUT",
    path: "/v0.10/bookmark/{bookmark_id}",
    body: ["DATA_TYPE", "name", "endpoint_id", "path"],
    response: bookmarkDocument,
    drive: async (context) => {
      const made = await alice(context).createBookmark({
        name: "wire update",
        endpoint_id: DEMO_COLLECTION_ID,
        path: "/home/alice/",
      });
      return alice(context).updateBookmark(made.id, { name: "wire updated" });
    },
  },
  {
    python: "TransferClient.delete_bookmark",
    source: `${PY}; no recording: ${JS}/collection-bookmarks.d.ts (remove's result)`,
    service,
    method: "DELETE",
    path: "/v0.10/bookmark/{bookmark_id}",
    response: result("result", "Deleted"),
    drive: async (context) => {
      const made = await alice(context).createBookmark({
        name: "wire delete",
        endpoint_id: DEMO_COLLECTION_ID,
        path: "/home/alice/",
      });
      return alice(context).deleteBookmark(made.id);
    },
  },
  // --- tasks ----------------------------------------------------------------------------
  {
    python: "TransferClient.task_event_list",
    source: `${PY} (LimitOffsetTotalPaginator); no recording: ${JS}/task.d.ts (EventDocument, TaskEventListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/task/{task_id}/event_list",
    query: ["limit", "offset"],
    response: eventList,
    drive: async (context) =>
      alice(context)
        .taskEventList(await finishedTask(context), { limit: 2 })
        .firstPage(),
  },
  {
    python: "TransferClient.update_task",
    source: `${PY} (label and deadline); no recording: ${JS}/task.d.ts (update's result)`,
    service,
    method: "PUT",
    path: "/v0.10/task/{task_id}",
    body: ["DATA_TYPE", "label", "deadline"],
    response: result("result", "Updated"),
    drive: async (context) => {
      const client = alice(context);
      const task = await submitDemoTransfer(client, "wire-update");
      return client.updateTask(task.task_id, {
        label: "renamed by the wire facts",
        deadline: new Date(Date.now() + 7_200_000).toISOString(),
      });
    },
  },
  {
    python: "TransferClient.task_pause_info",
    source: `${PY}; no recording: ${JS}/task.d.ts (PauseInfoLimitedDocument)`,
    service,
    method: "GET",
    path: "/v0.10/task/{task_id}/pause_info",
    response: pauseInfo("pause_info_limited", limitedPauseRule),
    drive: async (context) => {
      await pauseRule(context);
      const task = await submitProjectCopy(alice(context), `/home/alice/paused-${Date.now()}/`);
      return alice(context).taskPauseInfo(task.task_id);
    },
  },
  {
    python: "TransferClient.task_successful_transfers",
    source: `${PY} (NullableMarkerPaginator on next_marker); ${DATA}/endpoint_manager_task_successful_transfers.py (the same document)`,
    service,
    method: "GET",
    path: "/v0.10/task/{task_id}/successful_transfers",
    query: ["marker"],
    response: successfulTransfers,
    drive: async (context) =>
      alice(context)
        .taskSuccessfulTransfers(await finishedTask(context))
        .firstPage(),
  },
  {
    python: "TransferClient.task_skipped_errors",
    source: `${PY} (NullableMarkerPaginator on next_marker); no recording: ${JS}/task.d.ts (SkippedErrorsListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/task/{task_id}/skipped_errors",
    query: ["marker"],
    response: skippedErrors,
    drive: async (context) =>
      alice(context)
        .taskSkippedErrors(await finishedTask(context))
        .firstPage(),
  },
  // --- the endpoint manager -------------------------------------------------------------
  {
    python: "TransferClient.endpoint_manager_monitored_endpoints",
    source: `${PY}; no recording: ${JS}/endpoint-manager/endpoint.d.ts (getMonitoredEndpoints)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/monitored_endpoints",
    response: endpointPage("monitored_endpoints"),
    drive: (context) => alice(context).endpointManagerMonitoredEndpoints(),
  },
  {
    python: "TransferClient.endpoint_manager_hosted_endpoint_list",
    source: `${PY}; no recording: ${JS}/endpoint-manager/endpoint.d.ts (getHostedEndpoints)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/endpoint/{endpoint_id}/hosted_endpoint_list",
    response: endpointPage("endpoint_list"),
    drive: async (context) => {
      await aliceGuestCollection(alice(context), "wire hosted");
      return alice(context).endpointManagerHostedEndpointList(ALICE_GCP_ID);
    },
  },
  {
    python: "TransferClient.endpoint_manager_get_endpoint",
    source: `${PY}; ${DATA}/get_endpoint.py's document; ${JS}/endpoint-manager/endpoint.d.ts (EndpointDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/endpoint/{endpoint_id}",
    response: endpointDocument,
    drive: (context) => alice(context).endpointManagerGetEndpoint(ALICE_GCP_ID),
  },
  {
    python: "TransferClient.endpoint_manager_acl_list",
    source: `${PY}; no recording: ${JS}/endpoint-manager/endpoint.d.ts (getAccessList: AccessListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/endpoint/{endpoint_id}/access_list",
    response: accessList,
    drive: async (context) =>
      alice(context).endpointManagerAclList((await sharedProject(context)).guestId),
  },
  {
    python: "TransferClient.endpoint_manager_task_list",
    source: `${PY} (LastKeyPaginator); ${DATA}/endpoint_manager_task_list.py`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/task_list",
    query: [
      "filter_status",
      "filter_task_id",
      "filter_owner_id",
      "filter_endpoint",
      "filter_endpoint_use",
      "filter_is_paused",
      "filter_completion_time",
      "filter_min_faults",
      "filter_local_user",
      "last_key",
    ],
    response: S.obj({
      DATA: S.array(adminTask),
      DATA_TYPE: S.lit("task_list"),
      has_next_page: S.bool,
      last_key: S.str,
    }),
    drive: async (context) => {
      await finishedTask(context);
      return alice(context)
        .endpointManagerTaskList({
          filterEndpoint: ALICE_GCP_ID,
          filterEndpointUse: "source",
          filterStatus: ["SUCCEEDED", "FAILED"],
          filterOwnerId: ALICE_IDENTITY_ID,
          filterCompletionTime: [new Date(0), new Date(Date.now() + 86_400_000 * 365)],
          filterMinFaults: 0,
        })
        .firstPage();
    },
  },
  {
    python: "TransferClient.endpoint_manager_get_task",
    source: `${PY}; ${DATA}/endpoint_manager_task_list.py (its task document)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/task/{task_id}",
    response: adminTask,
    drive: async (context) => alice(context).endpointManagerGetTask(await finishedTask(context)),
  },
  {
    python: "TransferClient.endpoint_manager_task_event_list",
    source: `${PY} (LimitOffsetTotalPaginator); no recording: ${JS}/endpoint-manager/task.d.ts (getEventList)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/task/{task_id}/event_list",
    query: ["limit", "offset", "filter_is_error"],
    response: eventList,
    drive: async (context) =>
      alice(context)
        .endpointManagerTaskEventList(await finishedTask(context), { filterIsError: true })
        .firstPage(),
  },
  {
    python: "TransferClient.endpoint_manager_task_pause_info",
    source: `${PY}; no recording: the pause_info document of ${JS}/task.d.ts with full pause rules (the JS type's PauseRuleDocument answer disagrees)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/task/{task_id}/pause_info",
    response: pauseInfo("pause_info", pauseRuleDocument),
    drive: async (context) => {
      await pauseRule(context);
      const task = await submitProjectCopy(alice(context), `/home/alice/em-paused-${Date.now()}/`);
      return alice(context).endpointManagerTaskPauseInfo(task.task_id);
    },
  },
  {
    python: "TransferClient.endpoint_manager_task_successful_transfers",
    source: `${PY}; ${DATA}/endpoint_manager_task_successful_transfers.py`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/task/{task_id}/successful_transfers",
    query: ["marker"],
    response: successfulTransfers,
    drive: async (context) =>
      alice(context)
        .endpointManagerTaskSuccessfulTransfers(await finishedTask(context))
        .firstPage(),
  },
  {
    python: "TransferClient.endpoint_manager_task_skipped_errors",
    source: `${PY}; no recording: ${JS}/task.d.ts (SkippedErrorsListDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/task/{task_id}/skipped_errors",
    query: ["marker"],
    response: skippedErrors,
    drive: async (context) =>
      alice(context)
        .endpointManagerTaskSkippedErrors(await finishedTask(context))
        .firstPage(),
  },
  {
    python: "TransferClient.endpoint_manager_cancel_tasks",
    source: `${PY}; no recording: ${JS}/endpoint-manager/task.d.ts (AdminCancelDocument)`,
    service,
    method: "POST",
    path: "/v0.10/endpoint_manager/admin_cancel",
    body: ["message", "task_id_list"],
    response: adminCancel,
    drive: async (context) => {
      const task = await submitProjectCopy(alice(context), `/home/alice/cancel-${Date.now()}/`);
      return alice(context).endpointManagerCancelTasks([task.task_id], "wire facts cancel");
    },
  },
  {
    python: "TransferClient.endpoint_manager_cancel_status",
    source: `${PY}; no recording: ${JS}/endpoint-manager/task.d.ts (AdminCancelDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/admin_cancel/{admin_cancel_id}",
    response: adminCancel,
    drive: async (context) => {
      const task = await submitProjectCopy(alice(context), `/home/alice/status-${Date.now()}/`);
      const cancel = await alice(context).endpointManagerCancelTasks([task.task_id], "status");
      return alice(context).endpointManagerCancelStatus(cancel.id);
    },
  },
  {
    python: "TransferClient.endpoint_manager_pause_tasks",
    source: `${PY}; no recording: ${JS}/endpoint-manager/task.d.ts (AdminPauseDocument)`,
    service,
    method: "POST",
    path: "/v0.10/endpoint_manager/admin_pause",
    body: ["message", "task_id_list"],
    response: S.obj({
      DATA_TYPE: S.lit("admin_pause"),
      task_id_list: S.array(S.str),
      message: S.str,
    }),
    drive: async (context) => {
      const task = await submitProjectCopy(alice(context), `/home/alice/pause-${Date.now()}/`);
      return alice(context).endpointManagerPauseTasks([task.task_id], "wire facts pause");
    },
  },
  {
    python: "TransferClient.endpoint_manager_resume_tasks",
    source: `${PY}; no recording: ${JS}/endpoint-manager/task.d.ts (AdminResumeDocument)`,
    service,
    method: "POST",
    path: "/v0.10/endpoint_manager/admin_resume",
    body: ["task_id_list"],
    response: S.obj({ task_id_list: S.array(S.str) }),
    drive: async (context) => {
      const task = await submitProjectCopy(alice(context), `/home/alice/resume-${Date.now()}/`);
      await alice(context).endpointManagerPauseTasks([task.task_id], "briefly");
      return alice(context).endpointManagerResumeTasks([task.task_id]);
    },
  },
  {
    python: "TransferClient.endpoint_manager_pause_rule_list",
    source: `${PY}; no recording: ${JS}/endpoint-manager/pause-rule.d.ts (getAll)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/pause_rule_list",
    query: ["filter_endpoint"],
    response: S.obj({ DATA_TYPE: S.lit("pause_rule_list"), DATA: S.array(pauseRuleDocument) }),
    drive: async (context) => {
      await pauseRule(context);
      return alice(context).endpointManagerPauseRuleList({ filterEndpoint: ALICE_GCP_ID });
    },
  },
  {
    python: "TransferClient.endpoint_manager_create_pause_rule",
    source: `${PY} (body: its example); no recording: ${JS}/endpoint-manager/pause-rule.d.ts (PauseRuleDocument)`,
    service,
    method: "POST",
    path: "/v0.10/endpoint_manager/pause_rule",
    body: PAUSE_RULE_KEYS,
    response: pauseRuleDocument,
    drive: (context) =>
      alice(context).endpointManagerCreatePauseRule({
        DATA_TYPE: "pause_rule",
        message: "Message to users explaining why tasks are paused",
        endpoint_id: ALICE_GCP_ID,
        identity_id: null,
        start_time: null,
        pause_ls: true,
      }),
  },
  {
    python: "TransferClient.endpoint_manager_get_pause_rule",
    source: `${PY}; no recording: ${JS}/endpoint-manager/pause-rule.d.ts (PauseRuleDocument)`,
    service,
    method: "GET",
    path: "/v0.10/endpoint_manager/pause_rule/{pause_rule_id}",
    response: pauseRuleDocument,
    drive: async (context) => alice(context).endpointManagerGetPauseRule(await pauseRule(context)),
  },
  {
    python: "TransferClient.endpoint_manager_update_pause_rule",
    source: `${PY} (body: its example); no recording: ${JS}/endpoint-manager/pause-rule.d.ts (PauseRuleDocument)`,
    service,
    method: "PUT",
    path: "/v0.10/endpoint_manager/pause_rule/{pause_rule_id}",
    body: PAUSE_RULE_KEYS,
    response: pauseRuleDocument,
    drive: async (context) =>
      alice(context).endpointManagerUpdatePauseRule(await pauseRule(context), {
        message: "Update to pause, reads are now allowed.",
        pause_ls: false,
        pause_task_transfer_read: false,
        pause_task_delete: true,
      }),
  },
  {
    python: "TransferClient.endpoint_manager_delete_pause_rule",
    source: `${PY}; no recording: ${JS}/endpoint-manager/pause-rule.d.ts (remove's result)`,
    service,
    method: "DELETE",
    path: "/v0.10/endpoint_manager/pause_rule/{pause_rule_id}",
    response: result("result", "Deleted"),
    drive: async (context) =>
      alice(context).endpointManagerDeletePauseRule(await pauseRule(context)),
  },
  // --- tunnels and stream access points -------------------------------------------------
  {
    python: "TransferClient.create_tunnel",
    source: `${PY}; data/tunnel_data.py; ${DATA}/create_tunnel.py`,
    service,
    method: "POST",
    path: "/v2/tunnels",
    body: ["data"],
    response: tunnelResponse,
    drive: (context) => tunnel(context),
  },
  {
    python: "TransferClient.update_tunnel",
    source: `${PY}; ${DATA}/update_tunnel.py`,
    service,
    method: "PATCH",
    path: "/v2/tunnels/{tunnel_id}",
    body: ["data"],
    response: tunnelResponse,
    drive: async (context) => {
      const made = await tunnel(context);
      return alice(context).updateTunnel(made.data.id, {
        data: { type: "Tunnel", attributes: { state: "STOPPING" } },
      });
    },
  },
  {
    python: "TransferClient.get_tunnel",
    source: `${PY}; ${DATA}/get_tunnel.py`,
    service,
    method: "GET",
    path: "/v2/tunnels/{tunnel_id}",
    response: tunnelResponse,
    drive: async (context) => alice(context).getTunnel((await tunnel(context)).data.id),
  },
  {
    python: "TransferClient.delete_tunnel",
    source: `${PY}; ${DATA}/delete_tunnel.py`,
    service,
    method: "DELETE",
    path: "/v2/tunnels/{tunnel_id}",
    response: S.obj({ data: S.null, meta }),
    drive: async (context) => {
      const client = alice(context);
      const made = await tunnel(context);
      await client.updateTunnel(made.data.id, {
        data: { type: "Tunnel", attributes: { state: "STOPPING" } },
      });
      context.emulator.controls.advanceClock(TUNNEL_TRANSITION_SECONDS);
      return client.deleteTunnel(made.data.id);
    },
  },
  {
    python: "TransferClient.list_tunnels",
    source: `${PY}; ${DATA}/list_tunnels.py`,
    service,
    method: "GET",
    path: "/v2/tunnels",
    response: S.obj({ data: S.array(tunnelResource), links: S.null, meta }),
    drive: async (context) => {
      await tunnel(context);
      return alice(context).listTunnels();
    },
  },
  {
    python: "TransferClient.get_stream_access_point",
    source: `${PY}; ${DATA}/get_stream_access_point.py`,
    service,
    method: "GET",
    path: "/v2/stream_access_points/{stream_ap_id}",
    response: S.obj({
      data: S.obj({
        attributes: S.obj({
          advertised_owner: nstr,
          contact_email: nstr,
          contact_info: nstr,
          department: nstr,
          description: nstr,
          display_name: S.str,
          info_link: nstr,
          keywords: nstr,
          organization: nstr,
          tlsftp_server: S.str,
        }),
        id: S.str,
        relationships: S.obj({ host_endpoint: relationship("Endpoint") }),
        type: S.lit("StreamAccessPoint"),
      }),
      meta,
    }),
    drive: (context) => alice(context).getStreamAccessPoint(DEMO_LISTENER_STREAM_ACCESS_POINT_ID),
  },
  {
    python: "TransferClient.get_tunnel_events",
    source: `${PY}; ${DATA}/get_tunnel_events.py`,
    service,
    method: "GET",
    path: "/v2/tunnels/{tunnel_id}/events",
    response: S.obj({
      data: S.array(
        S.obj({
          type: S.lit("TunnelEvent"),
          id: S.int,
          attributes: S.obj({
            code: S.str,
            is_error: S.bool,
            description: S.str,
            details: S.str,
            time: S.str,
          }),
        }),
      ),
      links: S.null,
      meta,
    }),
    drive: async (context) => {
      const client = alice(context);
      const made = await tunnel(context);
      await client.updateTunnel(made.data.id, {
        data: {
          type: "Tunnel",
          attributes: { listener_ip_address: "127.0.0.1", listener_port: 9000 },
        },
      });
      context.emulator.controls.advanceClock(TUNNEL_TRANSITION_SECONDS);
      return client.getTunnelEvents(made.data.id);
    },
  },
];
