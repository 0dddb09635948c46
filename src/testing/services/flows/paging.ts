/**
 * Flows' marker paging: the first call's parameters travel inside an opaque marker, so the
 * next call needs nothing but `marker`. A marker the client edited is refused with a 400,
 * as Flows refuses it, never served as an empty page.
 */
import type { EmulatorRequest } from "../../types.ts";
import { decodeMarker, type ErrorBuilder, encodeMarker, intParam } from "../common.ts";

export interface MarkerPage<T> {
  items: T[];
  /** The page size used. */
  size: number;
  hasNext: boolean;
  /** The next page's marker, or null on the last page. */
  marker: string | null;
}

export interface PagingOptions {
  /** The query parameter naming the page size (`per_page`, or `limit` for run logs). */
  sizeParam: string;
  defaultSize: number;
  maxSize: number;
  /** Reads the listing's own parameters from the first call's query. */
  read(query: URLSearchParams): Record<string, unknown>;
}

/** A whole number of at least `min`. */
function isCount(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

/** One page of `list(params)`, where `params` come from the query or from the marker. */
export function markerPage<T>(
  request: EmulatorRequest,
  options: PagingOptions,
  fail: ErrorBuilder,
  list: (params: Record<string, unknown>) => T[],
): MarkerPage<T> {
  const marker = request.query.get("marker");
  const params = marker
    ? decodeMarker(marker, fail)
    : {
        ...options.read(request.query),
        size: intParam(
          request.query,
          options.sizeParam,
          { default: options.defaultSize, min: 1, max: options.maxSize },
          fail,
        ),
        offset: 0,
      };
  const { size, offset } = params;
  if (!isCount(size, 1) || !isCount(offset, 0)) {
    throw fail(400, "BAD_REQUEST", `Invalid marker '${marker}'`);
  }
  const all = list(params);
  const hasNext = offset + size < all.length;
  return {
    items: all.slice(offset, offset + size),
    size,
    hasNext,
    marker: hasNext ? encodeMarker({ ...params, offset: offset + size }) : null,
  };
}
