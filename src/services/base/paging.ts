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
