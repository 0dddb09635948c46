/**
 * Globus Transfer (`/v0.10/`): endpoint search and documents, file operations over each
 * collection's mutable tree, and transfer/delete tasks that progress with the emulator
 * clock and change the trees when they complete.
 */
import { gcsCollectionScopeSet, KNOWN_SCOPES } from "../../scopes/known.ts";
import type {
  AccessTokenInfo,
  EmulatorContext,
  EmulatorReply,
  EmulatorRequest,
  ErrorBodyFormatter,
  SeedEndpoint,
  ServiceModule,
} from "../types.ts";
import { EmulatorHttpError } from "../types.ts";
import {
  boolParam,
  type ErrorBuilder,
  intParam,
  isoTime,
  isRecord,
  matchesFulltext,
  objectBody,
  orderByComparator,
  shortRequestId,
  transferFileTime,
} from "./common.ts";
import {
  absolutePath,
  buildTree,
  DIRECTORY_SIZE,
  type DirNode,
  ensureDir,
  lookup,
  measure,
  placeCopy,
  splitPath,
  type TreeNode,
} from "./file-tree.ts";

/** Emulator seconds a transfer or delete task stays ACTIVE before it completes. */
export const TRANSFER_TASK_SECONDS = 4;

const TRANSFER = KNOWN_SCOPES.transfer;
const TRANSFER_SCOPES = [TRANSFER.scopes.all];
const API_PREFIX = "/v0.10";

type TaskStatus = "ACTIVE" | "SUCCEEDED" | "FAILED";

interface TransferItem {
  source_path: string;
  destination_path: string;
  recursive: boolean;
}

interface TaskRecord {
  id: string;
  type: "TRANSFER" | "DELETE";
  ownerId: string;
  username: string;
  submissionId: string;
  label: string | null;
  requestTime: number;
  completesAt: number;
  completionTime: number | null;
  deadline: string;
  sourceEndpointId: string;
  destinationEndpointId: string | null;
  transferItems: TransferItem[];
  deletePaths: string[];
  recursiveDelete: boolean;
  ignoreMissing: boolean;
  homeOfOwner: string[];
  files: number;
  directories: number;
  bytes: number;
  status: TaskStatus;
  settled: boolean;
  fatalError: { code: string; description: string } | null;
  canceled: boolean;
  /** Progress frozen when a task is canceled. */
  endFraction: number | null;
  options: Record<string, unknown>;
}

interface EndpointState {
  seed: SeedEndpoint;
  root: DirNode;
}

/** Transfer's error body: `{code, message, request_id, resource}`. */
function transferErrorBody(resource: string, code: string, message: string) {
  return { code, message, request_id: shortRequestId(), resource };
}

function formatterFor(request: EmulatorRequest): ErrorBodyFormatter {
  return (_status, code, message) => transferErrorBody(request.path, code, message);
}

function failFor(request: EmulatorRequest): ErrorBuilder {
  return (status, code, message) =>
    new EmulatorHttpError(status, transferErrorBody(request.path, code, message));
}

/** Parses Transfer's `filter` syntax: `key:v1,v2/key2:v3`. */
function parseFilter(raw: string | null): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  if (!raw) return filters;
  for (const clause of raw.split("/")) {
    const colon = clause.indexOf(":");
    if (colon <= 0) continue;
    filters.set(clause.slice(0, colon), clause.slice(colon + 1).split(","));
  }
  return filters;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

function register(router: Parameters<ServiceModule["register"]>[0], context: EmulatorContext) {
  // Transfer's own state of each collection (its file tree); the collections themselves
  // live in the shared registry, where GCS adds those it creates
  const states = new Map<string, EndpointState>();
  const endpoints = {
    get(id: string): EndpointState | undefined {
      const seed = context.collections.get(id);
      if (!seed) {
        states.delete(id);
        return undefined;
      }
      let state = states.get(id);
      if (state?.seed !== seed) {
        state = { seed, root: buildTree(seed.tree, context.now()) };
        states.set(id, state);
      }
      return state;
    },
    values(): EndpointState[] {
      return context.collections.all().flatMap((seed) => endpoints.get(seed.id) ?? []);
    },
  };
  const tasks = new Map<string, TaskRecord>();
  const tasksBySubmission = new Map<string, TaskRecord>();

  function auth(request: EmulatorRequest): AccessTokenInfo {
    return context.authenticate(request, TRANSFER.resourceServer, {
      anyOfScopes: TRANSFER_SCOPES,
      format: formatterFor(request),
    });
  }

  function usernameOf(token: AccessTokenInfo): string {
    return (
      context.identity(token.identityId)?.username ?? `${token.clientId}@clients.auth.globus.org`
    );
  }

  /** `/~/` is `/home/<user>/` when the collection has one, else the root. */
  function homeOf(token: AccessTokenInfo, endpoint: EndpointState): string[] {
    const local = usernameOf(token).split("@")[0] ?? "";
    const home = lookup(endpoint.root, ["home", local]);
    return home?.type === "dir" ? ["home", local] : [];
  }

  function requireEndpoint(request: EmulatorRequest, id: string): EndpointState {
    const endpoint = endpoints.get(id);
    if (!endpoint) throw failFor(request)(404, "EndpointNotFound", `No such endpoint '${id}'`);
    return endpoint;
  }

  /**
   * Collections that need an MFA session or a data_access consent answer with a GARE:
   * `ConsentRequired` with `required_scopes` when the consent is missing, else
   * `AuthorizationRequired` for the session alone; both carry `authorization_parameters`.
   */
  function checkCollectionAccess(
    request: EmulatorRequest,
    token: AccessTokenInfo,
    endpoint: EndpointState,
  ): void {
    const { seed } = endpoint;
    if (seed.allowed_domains?.length && !token.isClientCredentials) {
      const domain = context.identity(token.identityId)?.username.split("@")[1] ?? "";
      if (!seed.allowed_domains.includes(domain)) {
        throw failFor(request)(
          403,
          "PermissionDenied",
          `Identities from '${domain}' may not use collection '${seed.display_name}' (${seed.id}): its storage gateway allows only ${seed.allowed_domains.join(", ")}`,
        );
      }
    }
    const needsMfa = seed.high_assurance === true || context.requiresMfa(seed.id);
    const needsConsent = seed.high_assurance === true || seed.requires_data_access_consent === true;
    const dataAccess = gcsCollectionScopeSet(seed.id).scopes.data_access;
    const consentMissing =
      needsConsent && !context.hasDependentConsent(token, TRANSFER.scopes.all, dataAccess);
    const mfaMissing = needsMfa && !token.mfa;
    if (!consentMissing && !mfaMissing) return;
    const requiredScopes = [`${TRANSFER.scopes.all}[*${dataAccess}]`];
    const message = consentMissing
      ? `Missing required data_access consent for collection '${seed.display_name}' (${seed.id})`
      : `Collection '${seed.display_name}' (${seed.id}) requires a recent multi-factor authentication`;
    const authorizationParameters: Record<string, unknown> = {
      session_message: message,
      required_scopes: requiredScopes,
    };
    if (mfaMissing) authorizationParameters.session_required_mfa = true;
    const body: Record<string, unknown> = {
      ...transferErrorBody(
        request.path,
        consentMissing ? "ConsentRequired" : "AuthorizationRequired",
        message,
      ),
      authorization_parameters: authorizationParameters,
    };
    if (consentMissing) body.required_scopes = requiredScopes;
    throw new EmulatorHttpError(403, body);
  }

  function endpointDoc(endpoint: EndpointState): Record<string, unknown> {
    const { seed } = endpoint;
    const owner = context.seed.identities.find(
      (identity) => identity.username === seed.owner_string,
    );
    const gcsManagerUrl = seed.gcs_endpoint_id
      ? context.gcsUrl(seed.gcs_endpoint_id).replace(/\/$/, "")
      : null;
    const ownerString = seed.owner_string ?? "emulator@globusid.org";
    const entityType = seed.entity_type ?? "GCSv5_mapped_collection";
    const gcp = entityType.startsWith("GCP_");
    return {
      DATA_TYPE: "endpoint",
      id: seed.id,
      display_name: seed.display_name,
      name: seed.id,
      canonical_name: `${ownerString}#${seed.id}`,
      owner_string: ownerString,
      owner_id: owner?.id ?? seed.id,
      username: ownerString.split("@")[0] ?? ownerString,
      organization: owner?.organization ?? null,
      department: null,
      keywords: null,
      description: null,
      contact_email: owner?.email ?? null,
      contact_info: null,
      info_link: null,
      user_message: null,
      user_message_link: null,
      entity_type: entityType,
      public: true,
      subscription_id: null,
      subscription_admin_verified: false,
      french_english_bilingual: false,
      default_directory: "/~/",
      guest_collection_activity_notification_policy: null,
      force_encryption: false,
      force_verify: false,
      disable_verify: false,
      disable_anonymous_writes: false,
      mfa_required: seed.high_assurance === true,
      is_globus_connect: gcp,
      globus_connect_setup_key: null,
      gcp_connected: gcp ? true : null,
      gcp_paused: gcp ? false : null,
      gcs_version: seed.gcs_endpoint_id ? "5.4.70" : null,
      gcs_manager_url: gcsManagerUrl,
      https_server: null,
      tlsftp_server: null,
      host_endpoint: null,
      host_endpoint_id: null,
      host_endpoint_display_name: null,
      host_path: null,
      mapped_collection_id: null,
      mapped_collection_display_name: null,
      sharing_target_endpoint: null,
      sharing_target_root_path: null,
      non_functional: false,
      non_functional_endpoint_id: seed.gcs_endpoint_id ?? null,
      non_functional_endpoint_display_name: null,
      high_assurance: seed.high_assurance === true,
      authentication_assurance_timeout: seed.high_assurance ? 30 : null,
      authentication_timeout_mins: seed.high_assurance ? 30 : null,
      authentication_policy_id: null,
      acl_max_expiration_period_mins: null,
      auto_delete_timeout: null,
      skip_auto_delete: null,
      last_accessed_time: null,
      restrict_transfers_to_high_assurance: null,
      associated_flow_policy: null,
      preserve_modtime: null,
      requester_pays: false,
      network_use: null,
      location: null,
      max_concurrency: null,
      preferred_concurrency: null,
      max_parallelism: null,
      preferred_parallelism: null,
      local_user_info_available: null,
      my_effective_roles: [],
      // the GCSv4 fields the real service still sends (get_endpoint.py records them)
      myproxy_server: null,
      myproxy_dn: null,
      oauth_server: null,
      s3_url: null,
      s3_owner_activated: false,
      activated: false,
      expires_in: -1,
      expire_time: null,
      shareable: false,
      acl_available: false,
      acl_editable: false,
      in_use: false,
      DATA: [],
    };
  }

  function sortedEntries(dir: DirNode): TreeNode[] {
    return [...dir.children.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The local account files show as owned by: the caller's username before the `@`. */
  function fileOwner(token: AccessTokenInfo): string {
    return usernameOf(token).split("@")[0] ?? "user";
  }

  function fileDoc(node: TreeNode, owner: string): Record<string, unknown> {
    return {
      DATA_TYPE: "file",
      name: node.name,
      type: node.type,
      size: node.type === "dir" ? DIRECTORY_SIZE : node.size,
      last_modified: transferFileTime(node.mtime),
      permissions: node.type === "dir" ? "0755" : "0644",
      user: owner,
      group: owner,
      link_target: null,
      link_group: null,
      link_last_modified: null,
      link_size: null,
      link_user: null,
    };
  }

  function pathFail(request: EmulatorRequest, path: string, endpointId: string): EmulatorHttpError {
    return failFor(request)(
      404,
      "ClientError.NotFound",
      `Directory '${path}' not found on endpoint '${endpointId}'`,
    );
  }

  /** Completes every task whose time has come, in completion order, changing the trees. */
  function settleTasks(): void {
    const now = context.now();
    const due = [...tasks.values()]
      .filter((task) => !task.settled && task.completesAt <= now)
      .sort((a, b) => a.completesAt - b.completesAt);
    for (const task of due) {
      task.settled = true;
      task.completionTime = task.completesAt;
      const error = task.type === "TRANSFER" ? runTransfer(task) : runDelete(task);
      task.status = error ? "FAILED" : "SUCCEEDED";
      task.fatalError = error;
    }
  }

  function runTransfer(task: TaskRecord): TaskRecord["fatalError"] {
    const source = endpoints.get(task.sourceEndpointId);
    const destination = task.destinationEndpointId
      ? endpoints.get(task.destinationEndpointId)
      : undefined;
    if (!source || !destination) {
      return { code: "ENDPOINT_ERROR", description: "An endpoint of this task no longer exists" };
    }
    for (const item of task.transferItems) {
      const sourceSegments = splitPath(item.source_path, task.homeOfOwner);
      const node = sourceSegments ? lookup(source.root, sourceSegments) : undefined;
      if (!node) {
        return {
          code: "FILE_NOT_FOUND",
          description: `No such file or directory: ${item.source_path}`,
        };
      }
      if (node.type === "dir" && !item.recursive) {
        return {
          code: "NOT_A_FILE",
          description: `Source path '${item.source_path}' is a directory; submit it with recursive=true`,
        };
      }
      const destinationSegments = splitPath(item.destination_path, task.homeOfOwner);
      if (!destinationSegments) {
        return { code: "PERMISSION_DENIED", description: `Invalid path: ${item.destination_path}` };
      }
      // Snapshot first so copying a directory into itself cannot loop.
      const snapshot = structuredCloneNode(node);
      if (!placeCopy(destination.root, destinationSegments, snapshot, task.completesAt)) {
        return {
          code: "FILE_EXISTS",
          description: `Cannot write '${item.destination_path}': a file is in the way`,
        };
      }
    }
    return null;
  }

  function runDelete(task: TaskRecord): TaskRecord["fatalError"] {
    const endpoint = endpoints.get(task.sourceEndpointId);
    if (!endpoint) return { code: "ENDPOINT_ERROR", description: "The endpoint no longer exists" };
    for (const path of task.deletePaths) {
      const segments = splitPath(path, task.homeOfOwner);
      const node = segments ? lookup(endpoint.root, segments) : undefined;
      if (!segments || segments.length === 0) {
        return { code: "PERMISSION_DENIED", description: `Refusing to delete '${path}'` };
      }
      if (!node) {
        if (task.ignoreMissing) continue;
        return { code: "FILE_NOT_FOUND", description: `No such file or directory: ${path}` };
      }
      if (node.type === "dir" && !task.recursiveDelete) {
        return {
          code: "NOT_A_FILE",
          description: `'${path}' is a directory; submit the delete with recursive=true`,
        };
      }
      const parent = lookup(endpoint.root, segments.slice(0, -1));
      if (parent?.type === "dir") {
        parent.children.delete(segments.at(-1) ?? "");
        parent.mtime = task.completesAt;
      }
    }
    return null;
  }

  function taskDoc(task: TaskRecord): Record<string, unknown> {
    const now = context.now();
    const active = task.status === "ACTIVE";
    const fraction = active
      ? Math.min(1, Math.max(0, (now - task.requestTime) / (task.completesAt - task.requestTime)))
      : task.status === "SUCCEEDED"
        ? 1
        : (task.endFraction ?? 0);
    const source = endpoints.get(task.sourceEndpointId);
    const destination = task.destinationEndpointId
      ? endpoints.get(task.destinationEndpointId)
      : undefined;
    const filesDone = Math.floor(task.files * fraction);
    const bytesDone = Math.floor(task.bytes * fraction);
    const elapsed = Math.max(1, (task.completionTime ?? now) - task.requestTime);
    return {
      task_id: task.id,
      type: task.type,
      status: task.status,
      label: task.label,
      owner_id: task.ownerId,
      username: task.username,
      command: "API 0.10",
      request_time: isoTime(Math.floor(task.requestTime)),
      completion_time:
        task.completionTime === null ? null : isoTime(Math.floor(task.completionTime)),
      deadline: task.deadline,
      source_endpoint: source?.seed.display_name ?? task.sourceEndpointId,
      source_endpoint_id: task.sourceEndpointId,
      source_endpoint_display_name: source?.seed.display_name ?? null,
      destination_endpoint: destination?.seed.display_name ?? null,
      destination_endpoint_id: task.destinationEndpointId,
      destination_endpoint_display_name: destination?.seed.display_name ?? null,
      files: task.files,
      directories: task.directories,
      symlinks: 0,
      files_transferred: task.type === "TRANSFER" ? filesDone : 0,
      files_skipped: 0,
      bytes_transferred: task.type === "TRANSFER" ? bytesDone : 0,
      bytes_checksummed: 0,
      effective_bytes_per_second: task.type === "TRANSFER" ? Math.floor(bytesDone / elapsed) : 0,
      delete_destination_extra: task.options.delete_destination_extra === true,
      encrypt_data: task.options.encrypt_data === true,
      verify_checksum: task.options.verify_checksum !== false,
      preserve_timestamp: task.options.preserve_timestamp === true,
      skip_source_errors: task.options.skip_source_errors === true,
      fail_on_quota_errors: task.options.fail_on_quota_errors === true,
      sync_level: task.options.sync_level ?? null,
      recursive_symlinks: "ignore",
      filter_rules: task.options.filter_rules ?? null,
      fatal_error: task.fatalError,
      canceled_by_admin: null,
      canceled_by_admin_message: null,
      faults: 0,
      history_deleted: false,
      is_ok: active ? true : null,
      is_paused: false,
      nice_status: active ? "Queued" : null,
      nice_status_details: null,
      nice_status_expires_in: active ? -1 : null,
      nice_status_short_description: active ? "Queued" : null,
      subtasks_total: task.files + (task.type === "DELETE" ? task.deletePaths.length : 0),
      subtasks_succeeded: task.status === "SUCCEEDED" ? task.files : filesDone,
      subtasks_pending: active ? task.files - filesDone : 0,
      subtasks_failed: task.status === "FAILED" && !task.canceled ? 1 : 0,
      subtasks_canceled: task.canceled ? task.files - filesDone : 0,
      subtasks_expired: 0,
      subtasks_retrying: 0,
      subtasks_skipped_errors: 0,
    };
  }

  function requireOwnTask(
    request: EmulatorRequest,
    token: AccessTokenInfo,
    id: string,
  ): TaskRecord {
    const task = tasks.get(id);
    if (!task || task.ownerId !== token.identityId) {
      throw failFor(request)(404, "TaskNotFound", `Task ${id} not found`);
    }
    return task;
  }

  function acceptedReply(
    task: TaskRecord,
    kind: "transfer" | "delete",
    duplicate: boolean,
  ): EmulatorReply {
    return {
      status: duplicate ? 200 : 202,
      body: {
        DATA_TYPE: `${kind}_result`,
        code: duplicate ? "Duplicate" : "Accepted",
        message: duplicate
          ? `A ${kind} request with submission_id '${task.submissionId}' was already submitted`
          : `The ${kind} has been accepted and a task has been created and queued for execution`,
        request_id: shortRequestId(),
        resource: `${API_PREFIX}/${kind}`,
        submission_id: task.submissionId,
        task_id: task.id,
        task_link: {
          DATA_TYPE: "link",
          href: `${API_PREFIX}/task/${task.id}?format=json`,
          rel: "related",
          resource: "task",
          title: "related task",
        },
      },
    };
  }

  function newTask(
    token: AccessTokenInfo,
    body: Record<string, unknown>,
    fields: Partial<TaskRecord> & Pick<TaskRecord, "type" | "sourceEndpointId" | "homeOfOwner">,
  ): TaskRecord {
    const now = context.now();
    const submissionId =
      typeof body.submission_id === "string" ? body.submission_id : context.newId();
    const task: TaskRecord = {
      id: context.newId(),
      ownerId: token.identityId,
      username: usernameOf(token),
      submissionId,
      label: typeof body.label === "string" ? body.label : null,
      requestTime: now,
      completesAt: now + TRANSFER_TASK_SECONDS,
      completionTime: null,
      deadline:
        typeof body.deadline === "string" ? body.deadline : isoTime(Math.floor(now) + 86400),
      destinationEndpointId: null,
      transferItems: [],
      deletePaths: [],
      recursiveDelete: false,
      ignoreMissing: false,
      files: 0,
      directories: 0,
      bytes: 0,
      status: "ACTIVE",
      settled: false,
      fatalError: null,
      canceled: false,
      endFraction: null,
      options: body,
      ...fields,
    };
    tasks.set(task.id, task);
    tasksBySubmission.set(submissionId, task);
    return task;
  }

  function duplicateOf(
    body: Record<string, unknown>,
    token: AccessTokenInfo,
  ): TaskRecord | undefined {
    if (typeof body.submission_id !== "string") return undefined;
    const task = tasksBySubmission.get(body.submission_id);
    return task && task.ownerId === token.identityId ? task : undefined;
  }

  router.route("GET", `${API_PREFIX}/endpoint_search`, (request) => {
    const token = auth(request);
    settleTasks();
    const fail = failFor(request);
    const fulltext = request.query.get("filter_fulltext") ?? "";
    const scope = request.query.get("filter_scope") ?? "all";
    const limit = intParam(request.query, "limit", { default: 25, min: 1, max: 100 }, fail);
    const offset = intParam(request.query, "offset", { default: 0, min: 0, max: 999 }, fail);
    if (offset + limit > 1000) {
      throw fail(400, "BadRequest", "offset + limit must not exceed 1000 for endpoint search");
    }
    const username = usernameOf(token);
    const usedByCaller = new Set<string>();
    for (const task of tasks.values()) {
      if (task.ownerId !== token.identityId) continue;
      usedByCaller.add(task.sourceEndpointId);
      if (task.destinationEndpointId) usedByCaller.add(task.destinationEndpointId);
    }
    let matches = endpoints.values();
    switch (scope) {
      case "all":
        if (!fulltext) {
          throw fail(400, "BadRequest", "filter_fulltext is required when filter_scope is 'all'");
        }
        break;
      case "my-endpoints":
      case "administered-by-me":
        matches = matches.filter((endpoint) => endpoint.seed.owner_string === username);
        break;
      case "recently-used":
        matches = matches.filter((endpoint) => usedByCaller.has(endpoint.seed.id));
        break;
      case "in-use":
        matches = matches.filter(
          (endpoint) =>
            usedByCaller.has(endpoint.seed.id) &&
            [...tasks.values()].some(
              (task) =>
                task.status === "ACTIVE" &&
                (task.sourceEndpointId === endpoint.seed.id ||
                  task.destinationEndpointId === endpoint.seed.id),
            ),
        );
        break;
      case "shared-by-me":
      case "shared-with-me":
      case "my-gcp-endpoints":
        matches = [];
        break;
      default:
        throw fail(400, "BadRequest", `Invalid filter_scope '${scope}'`);
    }
    const entityType = request.query.get("filter_entity_type");
    if (entityType) {
      matches = matches.filter(
        (endpoint) => (endpoint.seed.entity_type ?? "GCSv5_mapped_collection") === entityType,
      );
    }
    if (fulltext) {
      matches = matches.filter((endpoint) =>
        matchesFulltext(
          fulltext,
          endpoint.seed.display_name,
          endpoint.seed.owner_string,
          endpoint.seed.id,
        ),
      );
    }
    const page = matches.slice(offset, offset + limit);
    return {
      body: {
        DATA_TYPE: "endpoint_list",
        DATA: page.map(endpointDoc),
        has_next_page: offset + limit < matches.length,
        limit,
        offset,
      },
    };
  });

  router.route("GET", `${API_PREFIX}/endpoint/:id`, (request) => {
    auth(request);
    return { body: endpointDoc(requireEndpoint(request, request.params.id ?? "")) };
  });

  /** The preamble of every file operation: the caller, and the collection they may use. */
  function openCollection(request: EmulatorRequest) {
    const token = auth(request);
    settleTasks();
    const endpoint = requireEndpoint(request, request.params.id ?? "");
    checkCollectionAccess(request, token, endpoint);
    return { token, endpoint };
  }

  /** The existing file or directory named by the `path` query parameter (default: home). */
  function queriedPath(
    request: EmulatorRequest,
    token: AccessTokenInfo,
    endpoint: ReturnType<typeof requireEndpoint>,
  ) {
    const rawPath = request.query.get("path") || "/~/";
    const segments = splitPath(rawPath, homeOf(token, endpoint));
    const node = segments ? lookup(endpoint.root, segments) : undefined;
    if (!segments || !node) throw pathFail(request, rawPath, endpoint.seed.id);
    return { rawPath, segments, node };
  }

  router.route("GET", `${API_PREFIX}/operation/endpoint/:id/ls`, (request) => {
    const { token, endpoint } = openCollection(request);
    const fail = failFor(request);
    const { rawPath, segments, node } = queriedPath(request, token, endpoint);
    if (node.type !== "dir") {
      throw fail(
        400,
        "ClientError.BadRequest.NotADirectory",
        `Path '${rawPath}' is a file, not a directory`,
      );
    }
    const showHidden = boolParam(request.query, "show_hidden", true);
    const limit = intParam(request.query, "limit", { default: 100000, min: 1, max: 100000 }, fail);
    const offset = intParam(
      request.query,
      "offset",
      { default: 0, min: 0, max: Number.MAX_SAFE_INTEGER },
      fail,
    );
    let entries = sortedEntries(node);
    if (!showHidden) entries = entries.filter((entry) => !entry.name.startsWith("."));
    for (const filter of request.query.getAll("filter")) {
      for (const [key, values] of parseFilter(filter)) {
        if (key === "type") {
          entries = entries.filter((entry) => values.includes(entry.type));
        } else if (key === "name") {
          const tests = values.map((value) => {
            if (value.startsWith("~")) return globToRegExp(value.slice(1));
            if (value.startsWith("=")) return globToRegExp(value.slice(1).replace(/[*?]/g, "\\$&"));
            return globToRegExp(value.replace(/[*?]/g, "\\$&"));
          });
          entries = entries.filter((entry) => tests.some((test) => test.test(entry.name)));
        } else {
          throw fail(400, "BadRequest", `Unsupported filter field '${key}'`);
        }
      }
    }
    const comparator = orderByComparator<TreeNode>(
      (request.query.get("orderby") ?? "").split(",").filter((clause) => clause.trim() !== ""),
      ["name", "type", "size", "last_modified"],
      (entry, field) =>
        field === "size"
          ? entry.type === "dir"
            ? DIRECTORY_SIZE
            : entry.size
          : field === "last_modified"
            ? entry.mtime
            : entry[field as "name" | "type"],
      fail,
    );
    if (comparator) entries.sort(comparator);
    const owner = fileOwner(token);
    const page = entries.slice(offset, offset + limit);
    const displayPath = rawPath.endsWith("/") ? rawPath : `${rawPath}/`;
    return {
      body: {
        DATA_TYPE: "file_list",
        DATA: page.map((entry) => fileDoc(entry, owner)),
        path: displayPath,
        absolute_path: absolutePath(segments, true),
        endpoint: endpoint.seed.id,
        length: page.length,
        total: entries.length,
        rename_supported: true,
        symlink_supported: false,
      },
    };
  });

  router.route("GET", `${API_PREFIX}/operation/endpoint/:id/stat`, (request) => {
    const { token, endpoint } = openCollection(request);
    const rawPath = request.query.get("path") || "/~/";
    const segments = splitPath(rawPath, homeOf(token, endpoint));
    const node = segments ? lookup(endpoint.root, segments) : undefined;
    if (!node) {
      // stat answers a missing path with `NotFound` (operation_stat.py), ls with
      // `ClientError.NotFound`
      throw failFor(request)(
        404,
        "NotFound",
        `Path not found, Error (list)\nEndpoint: ${endpoint.seed.display_name} (${endpoint.seed.id})\nMessage: No such file or directory\n---\nDetails: Error: '${rawPath}' not found\n`,
      );
    }
    return { body: fileDoc(node, fileOwner(token)) };
  });

  router.route("POST", `${API_PREFIX}/operation/endpoint/:id/mkdir`, (request) => {
    const { token, endpoint } = openCollection(request);
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    if (typeof body.path !== "string" || body.path === "") {
      throw fail(400, "ClientError.BadRequest", "'path' is required");
    }
    const segments = splitPath(body.path, homeOf(token, endpoint));
    if (!segments || segments.length === 0) {
      throw fail(409, "ExternalError.MkdirFailed.Exists", `Path '${body.path}' already exists`);
    }
    if (lookup(endpoint.root, segments)) {
      throw fail(409, "ExternalError.MkdirFailed.Exists", `Path '${body.path}' already exists`);
    }
    const parent = lookup(endpoint.root, segments.slice(0, -1));
    if (parent?.type !== "dir") throw pathFail(request, body.path, endpoint.seed.id);
    if (!ensureDir(endpoint.root, segments, context.now())) {
      throw pathFail(request, body.path, endpoint.seed.id);
    }
    return {
      body: {
        DATA_TYPE: "mkdir_result",
        code: "DirectoryCreated",
        message: "The directory was created successfully",
        request_id: shortRequestId(),
        resource: request.path,
      },
    };
  });

  router.route("POST", `${API_PREFIX}/operation/endpoint/:id/rename`, (request) => {
    const { token, endpoint } = openCollection(request);
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    if (typeof body.old_path !== "string" || typeof body.new_path !== "string") {
      throw fail(400, "ClientError.BadRequest", "'old_path' and 'new_path' are required");
    }
    const home = homeOf(token, endpoint);
    const from = splitPath(body.old_path, home);
    const to = splitPath(body.new_path, home);
    const node = from && from.length > 0 ? lookup(endpoint.root, from) : undefined;
    if (!from || !node) throw pathFail(request, body.old_path, endpoint.seed.id);
    if (!to || to.length === 0 || lookup(endpoint.root, to)) {
      throw fail(
        409,
        "ExternalError.RenameFailed.Exists",
        `Path '${body.new_path}' already exists`,
      );
    }
    const newParent = lookup(endpoint.root, to.slice(0, -1));
    if (newParent?.type !== "dir") throw pathFail(request, body.new_path, endpoint.seed.id);
    if (to.length > from.length && from.every((segment, index) => to[index] === segment)) {
      throw fail(400, "ClientError.BadRequest", "Cannot move a directory into itself");
    }
    const oldParent = lookup(endpoint.root, from.slice(0, -1)) as DirNode;
    const newName = to.at(-1) ?? node.name;
    oldParent.children.delete(node.name);
    node.name = newName;
    node.mtime = context.now();
    newParent.children.set(newName, node);
    return {
      body: {
        DATA_TYPE: "result",
        code: "FileRenamed",
        message: "File or directory renamed successfully",
        request_id: shortRequestId(),
        resource: request.path,
      },
    };
  });

  router.route("GET", `${API_PREFIX}/submission_id`, (request) => {
    auth(request);
    return { body: { value: context.newId() } };
  });

  /**
   * What a task submission (transfer or delete) does first: authenticate, parse the body,
   * answer a resubmitted submission_id with the original task, and check DATA_TYPE.
   */
  const startSubmission = (request: EmulatorRequest, kind: "transfer" | "delete") => {
    const token = auth(request);
    settleTasks();
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    const duplicate = duplicateOf(body, token);
    if (duplicate) return { duplicate: true, reply: acceptedReply(duplicate, kind, true) } as const;
    if (body.DATA_TYPE !== undefined && body.DATA_TYPE !== kind) {
      throw fail(400, "ClientError.BadRequest", `DATA_TYPE must be '${kind}'`);
    }
    return { duplicate: false, token, fail, body } as const;
  };

  router.route("POST", `${API_PREFIX}/transfer`, (request) => {
    const started = startSubmission(request, "transfer");
    if (started.duplicate) return started.reply;
    const { token, fail, body } = started;
    const sourceId = body.source_endpoint;
    const destinationId = body.destination_endpoint;
    if (typeof sourceId !== "string" || typeof destinationId !== "string") {
      throw fail(
        400,
        "ClientError.BadRequest",
        "'source_endpoint' and 'destination_endpoint' are required",
      );
    }
    const rawItems = Array.isArray(body.DATA) ? body.DATA : [];
    if (rawItems.length === 0) {
      throw fail(
        400,
        "ClientError.BadRequest.NoTransferItems",
        "A transfer requires at least one item",
      );
    }
    const items: TransferItem[] = rawItems.map((raw, index) => {
      if (
        !isRecord(raw) ||
        typeof raw.source_path !== "string" ||
        typeof raw.destination_path !== "string" ||
        (raw.DATA_TYPE !== undefined && raw.DATA_TYPE !== "transfer_item")
      ) {
        throw fail(
          400,
          "ClientError.BadRequest",
          `DATA[${index}] must be a transfer_item with source_path and destination_path`,
        );
      }
      return {
        source_path: raw.source_path,
        destination_path: raw.destination_path,
        recursive: raw.recursive === true,
      };
    });
    const source = requireEndpoint(request, sourceId);
    const destination = requireEndpoint(request, destinationId);
    checkCollectionAccess(request, token, source);
    checkCollectionAccess(request, token, destination);
    const home = homeOf(token, source);
    const totals = { files: 0, directories: 0, bytes: 0 };
    for (const item of items) {
      const segments = splitPath(item.source_path, home);
      const node = segments ? lookup(source.root, segments) : undefined;
      if (!node) continue;
      const measured = measure(node);
      totals.files += measured.files;
      totals.directories += measured.directories;
      totals.bytes += measured.bytes;
    }
    const task = newTask(token, body, {
      type: "TRANSFER",
      sourceEndpointId: source.seed.id,
      destinationEndpointId: destination.seed.id,
      transferItems: items,
      homeOfOwner: home,
      ...totals,
    });
    return acceptedReply(task, "transfer", false);
  });

  router.route("POST", `${API_PREFIX}/delete`, (request) => {
    const started = startSubmission(request, "delete");
    if (started.duplicate) return started.reply;
    const { token, fail, body } = started;
    if (typeof body.endpoint !== "string") {
      throw fail(400, "ClientError.BadRequest", "'endpoint' is required");
    }
    const rawItems = Array.isArray(body.DATA) ? body.DATA : [];
    if (rawItems.length === 0) {
      throw fail(
        400,
        "ClientError.BadRequest.NoDeleteItems",
        "A delete requires at least one item",
      );
    }
    const paths = rawItems.map((raw, index) => {
      if (!isRecord(raw) || typeof raw.path !== "string") {
        throw fail(
          400,
          "ClientError.BadRequest",
          `DATA[${index}] must be a delete_item with a path`,
        );
      }
      return raw.path;
    });
    const endpoint = requireEndpoint(request, body.endpoint);
    checkCollectionAccess(request, token, endpoint);
    const task = newTask(token, body, {
      type: "DELETE",
      sourceEndpointId: endpoint.seed.id,
      deletePaths: paths,
      recursiveDelete: body.recursive === true,
      ignoreMissing: body.ignore_missing === true,
      homeOfOwner: homeOf(token, endpoint),
    });
    return acceptedReply(task, "delete", false);
  });

  router.route("GET", `${API_PREFIX}/task/:id`, (request) => {
    const token = auth(request);
    settleTasks();
    // one task carries DATA_TYPE (TaskDocument); task_list.py records its items without it
    const task = requireOwnTask(request, token, request.params.id ?? "");
    return { body: { DATA_TYPE: "task", ...taskDoc(task) } };
  });

  router.route("POST", `${API_PREFIX}/task/:id/cancel`, (request) => {
    const token = auth(request);
    settleTasks();
    const task = requireOwnTask(request, token, request.params.id ?? "");
    const resource = `/task/${task.id}/cancel`;
    if (task.settled) {
      return {
        body: {
          DATA_TYPE: "result",
          code: "TaskComplete",
          message: "The task completed before the cancel request was processed.",
          resource,
          request_id: shortRequestId(),
        },
      };
    }
    // Freeze the progress reached so far, then end the task without touching the trees.
    const now = context.now();
    const fraction = Math.min(1, (now - task.requestTime) / (task.completesAt - task.requestTime));
    task.endFraction = Math.max(0, fraction);
    task.settled = true;
    task.canceled = true;
    task.status = "FAILED";
    task.completionTime = now;
    task.fatalError = { code: "CANCELED", description: "canceled" };
    return {
      body: {
        DATA_TYPE: "result",
        code: "Canceled",
        message: "The task has been cancelled successfully.",
        resource,
        request_id: shortRequestId(),
      },
    };
  });

  router.route("GET", `${API_PREFIX}/task_list`, (request) => {
    const token = auth(request);
    settleTasks();
    const fail = failFor(request);
    const limit = intParam(request.query, "limit", { default: 10, min: 1, max: 1000 }, fail);
    const offset = intParam(request.query, "offset", { default: 0, min: 0, max: 999 }, fail);
    if (offset + limit > 1000) throw fail(400, "BadRequest", "offset + limit must not exceed 1000");
    let matches = [...tasks.values()].filter((task) => task.ownerId === token.identityId);
    for (const [key, values] of parseFilter(request.query.get("filter"))) {
      if (key === "status") matches = matches.filter((task) => values.includes(task.status));
      else if (key === "type") matches = matches.filter((task) => values.includes(task.type));
      else if (key === "task_id") matches = matches.filter((task) => values.includes(task.id));
      else if (key === "label")
        matches = matches.filter((task) => task.label !== null && values.includes(task.label));
      else throw fail(400, "BadRequest", `Unsupported filter field '${key}'`);
    }
    const comparator =
      orderByComparator<TaskRecord>(
        (request.query.get("orderby") ?? "").split(",").filter((clause) => clause.trim() !== ""),
        ["request_time", "completion_time", "label", "status", "type"],
        (task, field) =>
          field === "request_time"
            ? task.requestTime
            : field === "completion_time"
              ? task.completionTime
              : task[field as "label" | "status" | "type"],
        fail,
      ) ?? ((a: TaskRecord, b: TaskRecord) => b.requestTime - a.requestTime);
    matches.sort(comparator);
    const page = matches.slice(offset, offset + limit);
    return {
      body: {
        DATA_TYPE: "task_list",
        DATA: page.map(taskDoc),
        length: page.length,
        limit,
        offset,
        total: matches.length,
      },
    };
  });
}

function structuredCloneNode(node: TreeNode): TreeNode {
  if (node.type === "file") return { ...node };
  const copy: DirNode = { type: "dir", name: node.name, mtime: node.mtime, children: new Map() };
  for (const [name, child] of node.children) copy.children.set(name, structuredCloneNode(child));
  return copy;
}

/** Globus Transfer, mounted at `/transfer/`. */
export const transferService: ServiceModule = {
  name: "transfer",
  errorFormat: (_status, code, message) => transferErrorBody("", code, message),
  register,
};
