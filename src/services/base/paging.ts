/** One page of a listing: its items, the raw response body, and the cursor of the next page. */
export interface Page<TItem, TCursor> {
  readonly items: readonly TItem[];
  readonly next: TCursor | undefined;
  readonly raw: unknown;
}

/**
 * A paged listing. Iterate it with `for await` to walk every item across pages, or call
 * `firstPage()` for a single request.
 */
export class Paginator<TItem, TCursor = unknown> implements AsyncIterable<TItem> {
  readonly #fetchPage: (cursor: TCursor | undefined) => Promise<Page<TItem, TCursor>>;

  constructor(fetchPage: (cursor: TCursor | undefined) => Promise<Page<TItem, TCursor>>) {
    this.#fetchPage = fetchPage;
  }

  /** Only the first page (one request). */
  firstPage(): Promise<Page<TItem, TCursor>> {
    return this.#fetchPage(undefined);
  }

  /** Every page in turn. */
  async *pages(): AsyncGenerator<Page<TItem, TCursor>, void, undefined> {
    let cursor: TCursor | undefined;
    for (;;) {
      const page = await this.#fetchPage(cursor);
      yield page;
      if (page.next === undefined) return;
      cursor = page.next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TItem, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Collects items, up to `limit` when given. */
  async toArray(limit = Number.POSITIVE_INFINITY): Promise<TItem[]> {
    const out: TItem[] = [];
    if (limit <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/**
 * How one Globus listing pages: where the cursor goes in the next request, and how the
 * next cursor (or the end) is read from a page's body. Each style mirrors one of the Python
 * SDK's paginators, so a listing pages exactly as it does there.
 */
export interface PagingStyle<TCursor> {
  /** The key of the page body that holds the items. */
  readonly itemsKey: string;
  /** Whether the cursor travels in the query string (GET) or the JSON body (POST). */
  readonly cursorIn: "query" | "body";
  /** The parameters that ask for the page at `cursor` (the first page when undefined). */
  params(cursor: TCursor | undefined): Record<string, string | number | undefined>;
  /** The cursor of the page after `body`, or undefined when `body` is the last page. */
  next(body: Record<string, unknown>, cursor: TCursor | undefined): TCursor | undefined;
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A marker as the next request sends it: Transfer's per-file results use integers. */
function markerField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "number" && Number.isFinite(value)
    ? String(value)
    : stringField(body, key);
}

/**
 * An opaque marker: sent as `marker`, read from `markerKey` (default `marker`). The end is
 * `has_next_page: false` (Flows, GCS, Search scroll), or with `nullable`, a null marker
 * (Transfer's per-file results, Flows' web inputs).
 */
export function markerPaging(options: {
  itemsKey: string;
  markerKey?: string;
  nullable?: boolean;
  cursorIn?: "query" | "body";
}): PagingStyle<string> {
  const markerKey = options.markerKey ?? "marker";
  return {
    itemsKey: options.itemsKey,
    cursorIn: options.cursorIn ?? "query",
    params: (marker) => ({ marker }),
    next(body) {
      const marker = markerField(body, markerKey);
      if (options.nullable) return marker;
      return body.has_next_page === true ? marker : undefined;
    },
  };
}

/** Transfer's `last_key` paging (endpoint-manager task lists): ends at `has_next_page: false`. */
export function lastKeyPaging(options: { itemsKey: string }): PagingStyle<string> {
  return {
    itemsKey: options.itemsKey,
    cursorIn: "query",
    params: (lastKey) => ({ last_key: lastKey }),
    next: (body) => (body.has_next_page === true ? stringField(body, "last_key") : undefined),
  };
}

/** `next_token` paging (Transfer's shared endpoint list): ends when `next_token` is null. */
export function nextTokenPaging(options: { itemsKey: string }): PagingStyle<string> {
  return {
    itemsKey: options.itemsKey,
    cursorIn: "query",
    params: (token) => ({ next_token: token }),
    next: (body) => stringField(body, "next_token"),
  };
}

/**
 * Offset and limit. The end is `has_next_page: false` (`end: "has-next"`) or the offset
 * reaching `total` (`end: "total"`), and never past `maxTotal` results (Transfer's 1,000,
 * Search's 10,000), as the service refuses offsets beyond it. `limit` is the page size the
 * caller asked for (the service's default when undefined), shrunk so that the last page
 * stops at `maxTotal`.
 */
export function offsetPaging(options: {
  itemsKey: string;
  end: "has-next" | "total";
  maxTotal: number;
  limit?: number | undefined;
  startOffset?: number | undefined;
  cursorIn?: "query" | "body";
  /** How many items the page held, when the service says so in another key (Search: `count`). */
  countKey?: string;
}): PagingStyle<number> {
  const start = options.startOffset ?? 0;
  return {
    itemsKey: options.itemsKey,
    cursorIn: options.cursorIn ?? "query",
    params(cursor) {
      const offset = cursor ?? start;
      const limit =
        options.limit === undefined
          ? undefined
          : Math.max(0, Math.min(options.limit, options.maxTotal - offset));
      return { offset, limit };
    },
    next(body, cursor) {
      const items = body[options.itemsKey];
      const counted = options.countKey ? body[options.countKey] : undefined;
      const size = typeof counted === "number" ? counted : Array.isArray(items) ? items.length : 0;
      const offset = (cursor ?? start) + size;
      if (size === 0 || offset >= options.maxTotal) return undefined;
      if (options.end === "has-next") return body.has_next_page === true ? offset : undefined;
      return typeof body.total === "number" && offset < body.total ? offset : undefined;
    },
  };
}
