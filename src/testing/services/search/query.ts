/**
 * Search's query language, as far as the emulator models it: the `q` string (plain words,
 * or `field:value` in advanced mode), filters (`match_any`, `match_all`, `range`, `exists`,
 * `not`, `and`, `or`), sorting, and `terms`, `sum` and `avg` facets. Relevance ranking and
 * boosts are not modelled: results come sorted by subject unless a sort is given.
 */
import type { ErrorBuilder } from "../common.ts";
import { isRecord, optionalString } from "../common.ts";

/** One entry of a subject: a content document and who may see it. */
export interface SearchEntry {
  subject: string;
  entryId: string | null;
  content: Record<string, unknown>;
  visibleTo: string[];
}

/** A parsed query: what selects entries, and what shapes the answer. */
export interface ParsedQuery {
  q: string;
  advanced: boolean;
  filters: unknown[];
  postFacetFilters: unknown[];
  facets: unknown[];
  sort: unknown[];
  bypassVisibleTo: boolean;
}

/** The query documents each operation takes, by the `@version` values it accepts. */
const VERSIONS = {
  search: ["2017-09-01", "query#1.0.0"],
  scroll: ["2017-09-01", "scroll#1.0.0"],
  delete_by_query: ["2017-09-01", "delete_by_query#1.0.0"],
} as const;

export type QueryKind = keyof typeof VERSIONS;

function listField(body: Record<string, unknown>, name: string, fail: ErrorBuilder): unknown[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw fail(400, "BadRequest.ValidationError", `'${name}' must be a list`);
  }
  return value;
}

/** Reads a POSTed query document (search, scroll or delete-by-query). */
export function parseQueryDocument(
  body: Record<string, unknown>,
  kind: QueryKind,
  fail: ErrorBuilder,
): ParsedQuery {
  const version = body["@version"];
  if (version !== undefined && !(VERSIONS[kind] as readonly unknown[]).includes(version)) {
    throw fail(
      400,
      "BadRequest.ValidationError",
      `'@version' must be one of ${VERSIONS[kind].join(", ")} for this operation`,
    );
  }
  for (const flag of ["advanced", "bypass_visible_to"]) {
    if (body[flag] !== undefined && typeof body[flag] !== "boolean") {
      throw fail(400, "BadRequest.ValidationError", `'${flag}' must be a boolean`);
    }
  }
  const query: ParsedQuery = {
    q: optionalString(body, "q", fail) ?? "",
    advanced: body.advanced === true,
    filters: listField(body, "filters", fail),
    postFacetFilters: listField(body, "post_facet_filters", fail),
    facets: kind === "search" ? listField(body, "facets", fail) : [],
    sort: kind === "search" ? listField(body, "sort", fail) : [],
    bypassVisibleTo: body.bypass_visible_to === true,
  };
  // a bad filter, sort or facet is refused before anything runs, even on an empty index
  for (const filter of [...query.filters, ...query.postFacetFilters]) checkFilter(filter, fail);
  sortComparator(query.sort, fail);
  for (const facet of query.facets) checkFacet(facet, fail);
  return query;
}

/** A non-negative integer field of a query document, or its default. */
export function integerField(
  body: Record<string, unknown>,
  name: string,
  fallback: number,
  fail: ErrorBuilder,
): number {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw fail(400, "BadRequest.ValidationError", `'${name}' must be a non-negative integer`);
  }
  return value;
}

/** The values at a dotted path of a content document, arrays flattened. */
function valuesAt(content: Record<string, unknown>, fieldName: string): unknown[] {
  let nodes: unknown[] = [content];
  for (const key of fieldName.split(".")) {
    nodes = nodes.flatMap((node) => {
      if (Array.isArray(node)) return node.filter(isRecord).map((item) => item[key]);
      return isRecord(node) ? [node[key]] : [];
    });
  }
  return nodes.flat().filter((value) => value !== undefined && value !== null);
}

/** Whether `entry` matches the `q` string. */
function matchesQ(entry: SearchEntry, q: string, advanced: boolean): boolean {
  const trimmed = q.trim();
  if (trimmed === "" || trimmed === "*") return true;
  const field = advanced ? /^([\w.]+)\s*:\s*"?([^"]*)"?$/.exec(trimmed) : null;
  if (field) {
    const wanted = (field[2] ?? "").toLowerCase();
    return valuesAt(entry.content, field[1] ?? "").some((value) =>
      JSON.stringify(value).toLowerCase().includes(wanted),
    );
  }
  const haystack = `${entry.subject} ${JSON.stringify(entry.content)}`.toLowerCase();
  return trimmed
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

/** Orders two field values: numbers as numbers, everything else as strings (dates sort so). */
function compare(left: unknown, right: unknown): number {
  if (typeof left === "number" && typeof right === "number") return left - right;
  return String(left).localeCompare(String(right));
}

function inRange(value: unknown, bounds: unknown): boolean {
  if (!isRecord(bounds)) return false;
  const { from, to } = bounds;
  const numeric = (bound: unknown) =>
    typeof value === "number" && typeof bound === "string" && bound !== "*" && !Number.isNaN(+bound)
      ? Number(bound)
      : bound;
  const above = from === undefined || from === "*" || compare(value, numeric(from)) >= 0;
  const below = to === undefined || to === "*" || compare(value, numeric(to)) <= 0;
  return above && below;
}

const FILTER_TYPES = ["match_any", "match_all", "range", "exists", "not", "and", "or"];

function checkFilter(filter: unknown, fail: ErrorBuilder): void {
  if (!isRecord(filter) || typeof filter.type !== "string") {
    throw fail(400, "BadRequest.InvalidFilter", "Each filter needs a 'type'");
  }
  if (!FILTER_TYPES.includes(filter.type)) {
    throw fail(
      400,
      "BadRequest.InvalidFilter",
      `The emulator does not model filters of type '${filter.type}' (it has ${FILTER_TYPES.join(", ")})`,
    );
  }
  if (filter.type === "not") {
    checkFilter(filter.filter, fail);
    return;
  }
  if (filter.type === "and" || filter.type === "or") {
    if (!Array.isArray(filter.filters)) {
      throw fail(400, "BadRequest.InvalidFilter", `A '${filter.type}' filter needs 'filters'`);
    }
    for (const inner of filter.filters) checkFilter(inner, fail);
    return;
  }
  if (typeof filter.field_name !== "string") {
    throw fail(400, "BadRequest.InvalidFilter", "Each filter needs a 'field_name'");
  }
  if (filter.type !== "exists" && !Array.isArray(filter.values)) {
    throw fail(400, "BadRequest.InvalidFilter", `A '${filter.type}' filter needs 'values'`);
  }
}

/** Whether `entry` passes one (already checked) filter. */
function passes(entry: SearchEntry, filter: Record<string, unknown>): boolean {
  const inner = (value: unknown) => passes(entry, value as Record<string, unknown>);
  switch (filter.type) {
    case "not":
      return !inner(filter.filter);
    case "and":
      return (filter.filters as unknown[]).every(inner);
    case "or":
      return (filter.filters as unknown[]).some(inner);
  }
  const have = valuesAt(entry.content, String(filter.field_name));
  if (filter.type === "exists") return have.length > 0;
  const values = filter.values as unknown[];
  if (filter.type === "range") {
    return have.some((value) => values.some((bounds) => inRange(value, bounds)));
  }
  const texts = have.map(String);
  const wanted = values.map(String);
  return filter.type === "match_all"
    ? wanted.every((item) => texts.includes(item))
    : wanted.some((item) => texts.includes(item));
}

function passesAll(entry: SearchEntry, filters: unknown[]): boolean {
  return filters.every((filter) => passes(entry, filter as Record<string, unknown>));
}

/** Whether `entry` matches the query's `q` and filters (post-facet filters included). */
export function entryMatches(entry: SearchEntry, query: ParsedQuery): boolean {
  return (
    matchesQ(entry, query.q, query.advanced) &&
    passesAll(entry, query.filters) &&
    passesAll(entry, query.postFacetFilters)
  );
}

/** A comparator of subjects (by their first entry) from `sort`, or by subject without one. */
export function sortComparator(
  sort: unknown[],
  fail: ErrorBuilder,
): (a: SearchEntry[], b: SearchEntry[]) => number {
  const clauses = sort.map((clause) => {
    if (!isRecord(clause) || typeof clause.field_name !== "string") {
      throw fail(400, "BadRequest.ValidationError", "Each sort needs a 'field_name'");
    }
    const order = clause.order ?? "desc";
    if (order !== "asc" && order !== "desc") {
      throw fail(400, "BadRequest.ValidationError", "A sort 'order' is 'asc' or 'desc'");
    }
    return { field: clause.field_name, sign: order === "asc" ? 1 : -1 };
  });
  return (a, b) => {
    for (const { field, sign } of clauses) {
      const left = a[0] ? valuesAt(a[0].content, field)[0] : undefined;
      const right = b[0] ? valuesAt(b[0].content, field)[0] : undefined;
      if (left === right) continue;
      // subjects without the field go last, whichever the order
      if (left === undefined) return 1;
      if (right === undefined) return -1;
      const result = compare(left, right);
      if (result !== 0) return result * sign;
    }
    return compare(a[0]?.subject, b[0]?.subject);
  };
}

const FACET_TYPES = ["terms", "sum", "avg"];

function checkFacet(facet: unknown, fail: ErrorBuilder): void {
  if (!isRecord(facet) || typeof facet.field_name !== "string") {
    throw fail(400, "BadRequest.ValidationError", "Each facet needs a 'field_name'");
  }
  const type = facet.type ?? "terms";
  if (typeof type !== "string" || !FACET_TYPES.includes(type)) {
    throw fail(
      400,
      "BadRequest.ValidationError",
      `The emulator does not model facets of type '${String(type)}' (it has ${FACET_TYPES.join(", ")})`,
    );
  }
}

/**
 * The facet results over the matching subjects, computed before post-facet filters apply
 * (as Search does): `terms` buckets by count, `sum` and `avg` of numeric values.
 */
export function facetResults(facets: unknown[], entries: SearchEntry[]): Record<string, unknown>[] {
  return facets.map((raw) => {
    const facet = raw as Record<string, unknown>;
    const field = String(facet.field_name);
    const name = typeof facet.name === "string" ? facet.name : field;
    const values = entries.flatMap((entry) => valuesAt(entry.content, field));
    if (facet.type === "sum" || facet.type === "avg") {
      const numbers = values.filter((value): value is number => typeof value === "number");
      const sum = numbers.reduce((total, value) => total + value, 0);
      const value = facet.type === "sum" ? sum : numbers.length ? sum / numbers.length : 0;
      return { "@version": "2017-09-01", name, value };
    }
    const counts = new Map<string, number>();
    for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
    const size = typeof facet.size === "number" ? facet.size : 10;
    const buckets = [...counts]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, size)
      .map(([value, count]) => ({ "@version": "2017-09-01", value, count }));
    return { "@version": "2017-09-01", name, buckets };
  });
}

/** Whether the query's filters, without post-facet filters, select `entry` (for facets). */
export function entryMatchesBeforePostFilters(entry: SearchEntry, query: ParsedQuery): boolean {
  return matchesQ(entry, query.q, query.advanced) && passesAll(entry, query.filters);
}
