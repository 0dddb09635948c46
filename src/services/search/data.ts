/**
 * Builders of Search query documents, as the Python SDK's `SearchQueryV1` and
 * `SearchScrollQuery` build them: options in, a JSON document out (unset options are left
 * out), with a few chainable helpers for the lists.
 */
import { GlobusSDKUsageError } from "../../errors.ts";

/** A filter of a query: `match_any`, `match_all`, `range`, `exists`, `not`, `and`, `or`, ... */
export type SearchFilter =
  | { type: "match_any" | "match_all"; field_name: string; values: string[] }
  | { type: "range"; field_name: string; values: Array<{ from: string; to: string }> }
  | { type: "exists"; field_name: string }
  | { type: "not"; filter: SearchFilter }
  | { type: "and" | "or"; filters: SearchFilter[] }
  | { type: string; [field: string]: unknown };

/** A facet of a query: `terms` (the default), `sum`, `avg`, `date_histogram`, ... */
export interface SearchFacet {
  field_name: string;
  name?: string;
  type?: string;
  size?: number;
  [field: string]: unknown;
}

/** Weights a field's matches (relevance). */
export interface SearchBoost {
  field_name: string;
  factor: number;
}

/** Orders results by a field; Search's default order is `desc`. */
export interface SearchSort {
  field_name: string;
  order?: "asc" | "desc";
}

/** A structured query (`POST .../search`), as sent. */
export interface SearchQueryDocument {
  "@version"?: string;
  q?: string;
  limit?: number;
  offset?: number;
  advanced?: boolean;
  filters?: SearchFilter[];
  facets?: SearchFacet[];
  post_facet_filters?: SearchFilter[];
  boosts?: SearchBoost[];
  sort?: SearchSort[];
  bypass_visible_to?: boolean;
  [field: string]: unknown;
}

/** A scroll query (`POST .../scroll`), as sent: scrolls take no facets, boosts or sort. */
export interface SearchScrollQueryDocument {
  "@version"?: string;
  q?: string;
  limit?: number;
  advanced?: boolean;
  marker?: string;
  filters?: SearchFilter[];
  [field: string]: unknown;
}

/** Options of {@link SearchQueryV1}: Python's keyword arguments, in camelCase. */
export interface SearchQueryOptions {
  /** The query string; optional when filters select the results. */
  q?: string;
  /** Results per page. */
  limit?: number;
  /** Where the page starts among all results. */
  offset?: number;
  /** Parse `q` with the advanced syntax (`field: value`, boolean operators). */
  advanced?: boolean;
  filters?: SearchFilter[];
  facets?: SearchFacet[];
  /** Filters applied after the facets are computed. */
  postFacetFilters?: SearchFilter[];
  boosts?: SearchBoost[];
  sort?: SearchSort[];
  /** Further fields, sent as given (they win over the options above). */
  additionalFields?: Record<string, unknown>;
}

/** Options of {@link SearchScrollQuery}, besides the query string. */
export interface SearchScrollQueryOptions {
  limit?: number;
  advanced?: boolean;
  /** Where to resume: the `marker` of a previous scroll page. */
  marker?: string;
  /** Further fields, sent as given (`filters`, say). */
  additionalFields?: Record<string, unknown>;
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new GlobusSDKUsageError(`${name} must be a non-negative integer, got ${value}.`);
  }
}

function definedFields<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Builds a structured Search query (`@version: "query#1.0.0"`): the Python SDK's
 * `SearchQueryV1`. Pass it to `postSearch` or `paginatedPostSearch`.
 */
export class SearchQueryV1 {
  readonly #fields: Omit<SearchQueryOptions, "additionalFields">;
  readonly #additional: Record<string, unknown>;

  constructor(options: SearchQueryOptions = {}) {
    const { additionalFields, ...fields } = options;
    checkCount("limit", fields.limit);
    checkCount("offset", fields.offset);
    this.#fields = {
      ...fields,
      // copies, so that the add* helpers never change the caller's arrays
      filters: fields.filters && [...fields.filters],
      facets: fields.facets && [...fields.facets],
      postFacetFilters: fields.postFacetFilters && [...fields.postFacetFilters],
      boosts: fields.boosts && [...fields.boosts],
      sort: fields.sort && [...fields.sort],
    };
    this.#additional = { ...additionalFields };
  }

  /** Adds a filter (`match_any` unless `type` says otherwise). */
  addFilter(fieldName: string, values: string[], type: "match_any" | "match_all" = "match_any") {
    this.#fields.filters = [
      ...(this.#fields.filters ?? []),
      { type, field_name: fieldName, values },
    ];
    return this;
  }

  /** Adds a facet (`terms` unless `options.type` says otherwise). */
  addFacet(
    name: string,
    fieldName: string,
    options: Omit<SearchFacet, "field_name" | "name"> = {},
  ) {
    this.#fields.facets = [
      ...(this.#fields.facets ?? []),
      { type: "terms", ...options, name, field_name: fieldName },
    ];
    return this;
  }

  /** Adds a boost of a field's matches by `factor`. */
  addBoost(fieldName: string, factor: number) {
    this.#fields.boosts = [...(this.#fields.boosts ?? []), { field_name: fieldName, factor }];
    return this;
  }

  /** Adds a sort by a field (`desc` unless `order` says otherwise). */
  addSort(fieldName: string, order?: "asc" | "desc") {
    const sort: SearchSort = order ? { field_name: fieldName, order } : { field_name: fieldName };
    this.#fields.sort = [...(this.#fields.sort ?? []), sort];
    return this;
  }

  /** The query document as sent. */
  toJSON(): SearchQueryDocument {
    const f = this.#fields;
    return {
      ...definedFields({
        "@version": "query#1.0.0",
        q: f.q,
        limit: f.limit,
        offset: f.offset,
        advanced: f.advanced,
        filters: f.filters,
        facets: f.facets,
        post_facet_filters: f.postFacetFilters,
        boosts: f.boosts,
        sort: f.sort,
      }),
      ...this.#additional,
    };
  }
}

/** The builder of structured queries; an alias of {@link SearchQueryV1}. */
export const SearchQuery = SearchQueryV1;
/** A structured query builder ({@link SearchQueryV1}). */
export type SearchQuery = SearchQueryV1;

/**
 * Builds a scroll query: the Python SDK's `SearchScrollQuery`. Pass it to `scroll`, which
 * follows the markers across pages.
 */
export class SearchScrollQuery {
  readonly #document: SearchScrollQueryDocument;

  constructor(q?: string, options: SearchScrollQueryOptions = {}) {
    checkCount("limit", options.limit);
    this.#document = {
      ...definedFields({
        q,
        limit: options.limit,
        advanced: options.advanced,
        marker: options.marker,
      }),
      ...options.additionalFields,
    };
  }

  /** The scroll document as sent. */
  toJSON(): SearchScrollQueryDocument {
    return { ...this.#document };
  }
}
