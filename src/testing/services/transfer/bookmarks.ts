/**
 * Collection bookmarks: each identity's named paths on collections, kept for the life of
 * the emulator (until `reset`).
 */
import type { EmulatorRequest, ServiceRouter } from "../../types.ts";
import { objectBody } from "../common.ts";
import { failFor, resultDoc } from "./errors.ts";
import { API, type Caller, type TransferState } from "./state.ts";

interface Bookmark {
  id: string;
  ownerId: string;
  name: string;
  endpointId: string;
  path: string;
}

function bookmarkDoc(bookmark: Bookmark): Record<string, unknown> {
  return {
    DATA_TYPE: "bookmark",
    id: bookmark.id,
    name: bookmark.name,
    endpoint_id: bookmark.endpointId,
    path: bookmark.path,
  };
}

export function registerBookmarkRoutes(router: ServiceRouter, state: TransferState): void {
  const bookmarks = new Map<string, Bookmark>();

  function own(request: EmulatorRequest, caller: Caller): Bookmark {
    const id = request.params.id ?? "";
    const bookmark = bookmarks.get(id);
    if (!bookmark || !caller.identities.has(bookmark.ownerId)) {
      throw failFor(request)(404, "BookmarkNotFound", `Bookmark '${id}' not found`);
    }
    return bookmark;
  }

  function nameOf(request: EmulatorRequest, value: unknown): string {
    if (typeof value !== "string" || value.trim() === "" || value.length > 128) {
      throw failFor(request)(
        400,
        "BadRequest",
        "'name' must be a non-empty string (at most 128 characters)",
      );
    }
    return value;
  }

  router.route("GET", `${API}/bookmark_list`, (request) => {
    const caller = state.caller(request);
    const mine = [...bookmarks.values()].filter((b) => caller.identities.has(b.ownerId));
    return { body: { DATA_TYPE: "bookmark_list", DATA: mine.map(bookmarkDoc) } };
  });

  router.route("POST", `${API}/bookmark`, (request) => {
    const caller = state.caller(request);
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    if (body.DATA_TYPE !== undefined && body.DATA_TYPE !== "bookmark") {
      throw fail(400, "BadRequest", "DATA_TYPE must be 'bookmark'");
    }
    const name = nameOf(request, body.name);
    if (typeof body.endpoint_id !== "string") {
      throw fail(400, "BadRequest", "'endpoint_id' is required");
    }
    const endpoint = state.requireEndpoint(request, body.endpoint_id);
    if (typeof body.path !== "string" || !/^(\/|~)/.test(body.path)) {
      throw fail(400, "BadRequest", "'path' must be an absolute path (or start with ~)");
    }
    const bookmark: Bookmark = {
      id: state.context.newId(),
      ownerId: caller.id,
      name,
      endpointId: endpoint.seed.id,
      path: body.path,
    };
    bookmarks.set(bookmark.id, bookmark);
    return { status: 201, body: bookmarkDoc(bookmark) };
  });

  router.route("GET", `${API}/bookmark/:id`, (request) => {
    return { body: bookmarkDoc(own(request, state.caller(request))) };
  });

  router.route("PUT", `${API}/bookmark/:id`, (request) => {
    const bookmark = own(request, state.caller(request));
    const fail = failFor(request);
    const body = objectBody(() => request.json(), fail);
    for (const [key, current] of [
      ["endpoint_id", bookmark.endpointId],
      ["path", bookmark.path],
    ] as const) {
      if (body[key] !== undefined && body[key] !== current) {
        throw fail(400, "BadRequest", `Only a bookmark's name can be updated, not '${key}'`);
      }
    }
    bookmark.name = nameOf(request, body.name);
    return { body: bookmarkDoc(bookmark) };
  });

  router.route("DELETE", `${API}/bookmark/:id`, (request) => {
    const bookmark = own(request, state.caller(request));
    bookmarks.delete(bookmark.id);
    return { body: resultDoc(request, "result", "Deleted", "Bookmark deleted successfully") };
  });
}
