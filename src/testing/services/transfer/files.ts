/**
 * Transfer's synchronous file operations on a collection's tree: `ls`, `stat`, `mkdir`,
 * `rename`. Each checks the collection's access requirements (domains, MFA, consents), the
 * caller's permission on the path (guest collections' access rules), and pause rules.
 */
import type { EmulatorRequest, ServiceRouter } from "../../types.ts";
import { boolParam, intParam, objectBody, orderByComparator, transferFileTime } from "../common.ts";
import {
  absolutePath,
  DIRECTORY_SIZE,
  type DirNode,
  ensureDir,
  globMatcher,
  lookup,
  sortedChildren,
  splitPath,
  type TreeNode,
} from "../file-tree.ts";
import { failFor, resultDoc } from "./errors.ts";
import { API, type Caller, type EndpointState, type TransferState } from "./state.ts";
import { parseFilter } from "./tasks.ts";

/** A file document, with exactly the keys `operation_stat.py` records. */
export function fileDoc(node: TreeNode, owner: string): Record<string, unknown> {
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

/** `name` filter values: `~glob`, `=exact`, or a plain (exact) name. */
function nameTest(value: string): RegExp {
  if (value.startsWith("~")) return globMatcher(value.slice(1), { ignoreCase: true });
  const exact = value.startsWith("=") ? value.slice(1) : value;
  return globMatcher(exact.replace(/[*?[\]\\]/g, "\\$&"));
}

export function registerFileRoutes(router: ServiceRouter, state: TransferState): void {
  /** The preamble of every file operation: the caller, the collection, its files' root. */
  function openCollection(request: EmulatorRequest) {
    const caller = state.caller(request);
    const endpoint = state.requireEndpoint(request, request.params.id ?? "");
    state.checkCollectionAccess(request, caller, endpoint);
    const root = state.requireRoot(request, endpoint);
    return { caller, endpoint, root, fail: failFor(request) };
  }

  /** A path's segments below the root (`/~/` is the caller's home), or a 404. */
  function segmentsOf(
    request: EmulatorRequest,
    caller: Caller,
    endpoint: EndpointState,
    root: DirNode,
    rawPath: string,
  ): string[] {
    const segments = splitPath(rawPath, state.homeOf(caller, root));
    if (!segments) throw missing(request, endpoint, rawPath);
    return segments;
  }

  function missing(request: EmulatorRequest, endpoint: EndpointState, path: string) {
    return failFor(request)(
      404,
      "ClientError.NotFound",
      `Directory '${path}' not found on endpoint '${endpoint.seed.id}'`,
    );
  }

  router.route("GET", `${API}/operation/endpoint/:id/ls`, (request) => {
    const { caller, endpoint, root, fail } = openCollection(request);
    state.checkNotPaused(request, caller, endpoint, "pause_ls");
    const rawPath = request.query.get("path") || "/~/";
    const segments = segmentsOf(request, caller, endpoint, root, rawPath);
    state.requireFilePermission(request, caller, endpoint, segments, "r", rawPath);
    const node = lookup(root, segments);
    if (!node) throw missing(request, endpoint, rawPath);
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
    let entries = sortedChildren(node);
    if (!showHidden) entries = entries.filter((entry) => !entry.name.startsWith("."));
    for (const filter of request.query.getAll("filter")) {
      for (const [key, values] of parseFilter(filter)) {
        if (key === "type") {
          entries = entries.filter((entry) => values.includes(entry.type));
        } else if (key === "name") {
          const tests = values.map(nameTest);
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
    const owner = state.fileOwner(caller);
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

  router.route("GET", `${API}/operation/endpoint/:id/stat`, (request) => {
    const { caller, endpoint, root, fail } = openCollection(request);
    state.checkNotPaused(request, caller, endpoint, "pause_ls");
    const rawPath = request.query.get("path") || "/~/";
    const segments = splitPath(rawPath, state.homeOf(caller, root));
    if (segments) state.requireFilePermission(request, caller, endpoint, segments, "r", rawPath);
    const node = segments ? lookup(root, segments) : undefined;
    if (!node) {
      // stat answers a missing path with `NotFound` (operation_stat.py), ls with
      // `ClientError.NotFound`
      throw fail(
        404,
        "NotFound",
        `Path not found, Error (list)\nEndpoint: ${endpoint.seed.display_name} (${endpoint.seed.id})\nMessage: No such file or directory\n---\nDetails: Error: '${rawPath}' not found\n`,
      );
    }
    return { body: fileDoc(node, state.fileOwner(caller)) };
  });

  router.route("POST", `${API}/operation/endpoint/:id/mkdir`, (request) => {
    const { caller, endpoint, root, fail } = openCollection(request);
    const body = objectBody(() => request.json(), fail);
    if (typeof body.path !== "string" || body.path === "") {
      throw fail(400, "ClientError.BadRequest", "'path' is required");
    }
    state.checkNotPaused(request, caller, endpoint, "pause_mkdir");
    const segments = segmentsOf(request, caller, endpoint, root, body.path);
    state.requireFilePermission(request, caller, endpoint, segments, "rw", body.path);
    if (segments.length === 0 || lookup(root, segments)) {
      throw fail(409, "ExternalError.MkdirFailed.Exists", `Path '${body.path}' already exists`);
    }
    const parent = lookup(root, segments.slice(0, -1));
    if (parent?.type !== "dir" || !ensureDir(root, segments, state.context.now())) {
      throw missing(request, endpoint, body.path);
    }
    return {
      body: resultDoc(
        request,
        "mkdir_result",
        "DirectoryCreated",
        "The directory was created successfully",
      ),
    };
  });

  router.route("POST", `${API}/operation/endpoint/:id/rename`, (request) => {
    const { caller, endpoint, root, fail } = openCollection(request);
    const body = objectBody(() => request.json(), fail);
    if (typeof body.old_path !== "string" || typeof body.new_path !== "string") {
      throw fail(400, "ClientError.BadRequest", "'old_path' and 'new_path' are required");
    }
    state.checkNotPaused(request, caller, endpoint, "pause_rename");
    const from = segmentsOf(request, caller, endpoint, root, body.old_path);
    const to = segmentsOf(request, caller, endpoint, root, body.new_path);
    state.requireFilePermission(request, caller, endpoint, from, "rw", body.old_path);
    state.requireFilePermission(request, caller, endpoint, to, "rw", body.new_path);
    const node = from.length > 0 ? lookup(root, from) : undefined;
    if (!node) throw missing(request, endpoint, body.old_path);
    if (to.length === 0 || lookup(root, to)) {
      throw fail(
        409,
        "ExternalError.RenameFailed.Exists",
        `Path '${body.new_path}' already exists`,
      );
    }
    const newParent = lookup(root, to.slice(0, -1));
    if (newParent?.type !== "dir") throw missing(request, endpoint, body.new_path);
    if (to.length > from.length && from.every((segment, index) => to[index] === segment)) {
      throw fail(400, "ClientError.BadRequest", "Cannot move a directory into itself");
    }
    const oldParent = lookup(root, from.slice(0, -1)) as DirNode;
    const newName = to.at(-1) ?? node.name;
    oldParent.children.delete(node.name);
    node.name = newName;
    node.mtime = state.context.now();
    newParent.children.set(newName, node);
    return {
      body: resultDoc(request, "result", "FileRenamed", "File or directory renamed successfully"),
    };
  });
}
