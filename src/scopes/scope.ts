import { GlobusSDKUsageError } from "../errors.ts";
import { ScopeParseError } from "./errors.ts";
import { MAX_DEPTH, parseScopeGraph, type ScopeGraph, scopeGraphFromTrees } from "./parser.ts";

const SPECIAL_CHARACTERS = /[[\]* ]/;
/**
 * Bound on one scope's serialised length. Repeated scopes let a short string describe a graph
 * whose tree (and so its canonical string) grows exponentially: `a0[a1 b1] b0[a1 b1] a1[a2 b2] ...`.
 */
export const MAX_SCOPE_LENGTH = 1 << 20;

/**
 * An immutable Globus scope: its scope string, whether it is optional (atomically
 * revocable, written with a leading `*`), and the scopes it depends on.
 *
 * `toString()` is canonical (dependencies sorted and deduplicated) and parses back to an
 * equal scope; two scopes are equal when their canonical strings are.
 */
export class Scope {
  readonly scopeString: string;
  readonly optional: boolean;
  readonly dependencies: readonly Scope[];
  #canonical: string | undefined;
  /** Nesting levels below this scope; bounded so `toString` and friends never overflow the stack. */
  readonly #depth: number;
  /** An upper bound of `toString().length` (duplicates counted), checked against MAX_SCOPE_LENGTH. */
  readonly #size: number;

  constructor(
    scopeString: string,
    options: { optional?: boolean; dependencies?: Iterable<Scope | string> } = {},
  ) {
    if (typeof scopeString !== "string" || scopeString === "") {
      throw new ScopeParseError("A scope string must be a non-empty string", 0, "a scope string");
    }
    const illegal = scopeString.search(SPECIAL_CHARACTERS);
    if (illegal !== -1) {
      throw new ScopeParseError(
        `The scope string "${scopeString}" contains '${scopeString[illegal]}'; use Scope.parse() for scope expressions`,
        illegal,
        "no '[', ']', '*' or space in a scope string",
      );
    }
    this.scopeString = scopeString;
    this.optional = options.optional ?? false;
    const dependencies: Scope[] = [];
    let depth = 0;
    let size = (this.optional ? 1 : 0) + scopeString.length + 1;
    for (const dep of options.dependencies ?? []) {
      const scope = typeof dep === "string" ? Scope.parse(dep) : dep;
      if (!(scope instanceof Scope)) {
        throw new GlobusSDKUsageError(
          `A dependency must be a Scope or a scope string; got ${typeof dep}.`,
        );
      }
      dependencies.push(scope);
      depth = Math.max(depth, scope.#depth + 1);
      size += scope.#size + 1;
    }
    if (depth > MAX_DEPTH) {
      throw new ScopeParseError(
        `The dependencies of "${scopeString}" nest deeper than ${MAX_DEPTH} levels`,
        0,
        "shallower dependency chains",
      );
    }
    if (size > MAX_SCOPE_LENGTH) {
      throw new ScopeParseError(
        `The scope "${scopeString}" with its dependencies serialises to more than ${MAX_SCOPE_LENGTH} characters`,
        0,
        "a smaller dependency tree",
      );
    }
    this.#depth = depth;
    this.#size = size;
    this.dependencies = Object.freeze(dependencies);
    Object.freeze(this);
  }

  /** Parses exactly one scope (with its dependencies) from a scope expression. */
  static parse(text: string): Scope {
    const scopes = parseScopes(text);
    if (scopes.length !== 1) {
      throw new ScopeParseError(
        `Expected exactly one scope, found ${scopes.length}`,
        0,
        "a single scope expression",
      );
    }
    return scopes[0]!;
  }

  /** A new scope with one more dependency. */
  withDependency(dependency: Scope | string): Scope {
    const dep = typeof dependency === "string" ? Scope.parse(dependency) : dependency;
    return new Scope(this.scopeString, {
      optional: this.optional,
      dependencies: [...this.dependencies, dep],
    });
  }

  /** A new scope with several more dependencies. */
  withDependencies(dependencies: Iterable<Scope | string>): Scope {
    let out: Scope = this;
    for (const dep of dependencies) out = out.withDependency(dep);
    return out;
  }

  /** A new scope with a different `optional` flag. */
  withOptional(optional: boolean): Scope {
    return new Scope(this.scopeString, { optional, dependencies: this.dependencies });
  }

  /** The canonical scope expression, e.g. `a[*b c]`. */
  toString(): string {
    if (this.#canonical === undefined) {
      const base = (this.optional ? "*" : "") + this.scopeString;
      const deps = [...new Set(this.dependencies.map((d) => d.toString()))].sort();
      this.#canonical = deps.length === 0 ? base : `${base}[${deps.join(" ")}]`;
    }
    return this.#canonical;
  }

  /** Equality of canonical strings; a string is parsed first. */
  equals(other: Scope | string): boolean {
    const that = typeof other === "string" ? Scope.parse(other) : other;
    return this.toString() === that.toString();
  }

  toJSON(): string {
    return this.toString();
  }
}

function buildScopes(graph: ScopeGraph): Scope[] {
  const built = new Map<string, Scope>();
  const build = (scope: string, optional: boolean): Scope => {
    const key = `${optional ? "*" : ""}${scope}`;
    let out = built.get(key);
    if (!out) {
      const deps = (graph.edges.get(scope) ?? []).map((d) => build(d.scope, d.optional));
      out = new Scope(scope, { optional, dependencies: deps });
      built.set(key, out);
    }
    return out;
  };
  return graph.roots.map((root) => build(root.scope, root.optional));
}

/**
 * Parses a space-separated scope expression into scopes. A scope repeated with different
 * dependencies is merged into one, as Globus Auth and the Python SDK treat it.
 */
export function parseScopes(text: string): Scope[] {
  return buildScopes(parseScopeGraph(text));
}

/** Anything a user may pass where scopes are expected. */
export type ScopeLike = string | Scope | Iterable<string | Scope>;

/**
 * The one normalisation of every scope input: a string (parsed, possibly several scopes),
 * a Scope, or an iterable of either, to a list of Scopes.
 */
export function toScopes(input: ScopeLike): Scope[] {
  if (typeof input === "string") return parseScopes(input);
  if (input instanceof Scope) return [input];
  if (
    input === null ||
    input === undefined ||
    typeof (input as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new GlobusSDKUsageError(
      `Expected scopes as a string, a Scope, or a list of them; got ${String(input)}.`,
    );
  }
  const out: Scope[] = [];
  for (const item of input) {
    if (typeof item === "string") out.push(...parseScopes(item));
    else if (item instanceof Scope) out.push(item);
    else throw new GlobusSDKUsageError(`Expected a scope string or a Scope; got ${typeof item}.`);
  }
  return out;
}

/**
 * Merges scope lists: duplicates collapse and dependency trees are unioned recursively
 * (by scope string, as Globus Auth sees them).
 */
export function mergeScopes(...lists: ScopeLike[]): Scope[] {
  // The Python SDK re-parses the joined strings; merging the trees directly gives the same
  // graph without a string round trip (which loses a scope string's edge whitespace).
  return buildScopes(scopeGraphFromTrees(lists.flatMap((list) => toScopes(list))));
}

/** Space-separated canonical scope strings, for sending to Globus Auth. */
export function scopesToString(input: ScopeLike): string {
  return toScopes(input)
    .map((s) => s.toString())
    .join(" ");
}
