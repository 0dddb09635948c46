/**
 * The Globus scope grammar, with the Python SDK's semantics: a string is tokenised, parsed
 * into trees, then flattened into a graph keyed by scope string, so that every place a
 * scope appears contributes to one merged set of dependencies. An optional edge is dropped
 * when the same edge is also required, and a cycle is an error.
 */
import { ScopeCycleError, ScopeParseError } from "./errors.ts";

const SPACE = 0x20;
const STAR = 0x2a;
const OPEN = 0x5b;
const CLOSE = 0x5d;
/** Real scope trees are a few levels deep; a bound keeps recursion far from the stack limit. */
export const MAX_DEPTH = 256;

/** Python's `str.isspace()` set, so trailing-whitespace handling matches exactly. */
const PY_WHITESPACE =
  /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

interface Token {
  text: string;
  position: number;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    // char codes rather than a Set of strings: this loop is most of a parse's cost
    const code = input.charCodeAt(i);
    if (code !== SPACE && code !== STAR && code !== OPEN && code !== CLOSE) continue;
    const char = input[i]!;
    const next = input[i + 1];
    if (char === "*" && next === " ") {
      throw new ScopeParseError("'*' is followed by a space", i, "a scope string right after '*'");
    }
    if (char === "]" && next !== undefined && next !== " " && next !== "]") {
      throw new ScopeParseError(
        "']' is followed by a scope string",
        i + 1,
        "a space or ']' after ']'",
      );
    }
    if (char === " " && next === "[") {
      throw new ScopeParseError(
        "'[' has a space before it",
        i + 1,
        "'[' directly after its scope string",
      );
    }
    if (start !== i) tokens.push({ text: input.slice(start, i), position: start });
    start = i + 1;
    if (char !== " ") tokens.push({ text: char, position: i });
  }
  const rest = input.slice(start);
  const stripped = rest.replace(PY_WHITESPACE, "");
  if (stripped) tokens.push({ text: stripped, position: start + rest.indexOf(stripped) });
  return tokens;
}

/**
 * A scope tree before graph flattening: a parsed tree node, or a `Scope` (which has the same
 * shape), so that merging Scope objects goes through exactly the same graph as parsing.
 */
export interface ScopeTree {
  readonly scopeString: string;
  readonly optional: boolean;
  readonly dependencies: readonly ScopeTree[];
  /** Where the scope string starts in the parsed text, for error positions. */
  readonly position?: number;
}

interface TreeNode extends ScopeTree {
  position: number;
  dependencies: TreeNode[];
}

function isSpecialToken(text: string | undefined): boolean {
  return text === "[" || text === "]" || text === "*";
}

function parseTokens(tokens: Token[], inputLength: number): TreeNode[] {
  const roots: TreeNode[] = [];
  const parents: TreeNode[] = [];
  let optional = false;
  let current: TreeNode | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (token.text === "*") {
      if (!next)
        throw new ScopeParseError(
          "The string ends in '*'",
          token.position,
          "a scope string after '*'",
        );
      if (isSpecialToken(next.text)) {
        throw new ScopeParseError(
          `'*' is followed by '${next.text}'`,
          next.position,
          "a scope string after '*'",
        );
      }
      optional = true;
    } else if (token.text === "[") {
      if (!next)
        throw new ScopeParseError("The string ends in '['", inputLength, "a scope string or ']'");
      if (next.text === "]")
        throw new ScopeParseError("Empty brackets", next.position, "a scope string inside '[]'");
      if (next.text === "[")
        throw new ScopeParseError("Double '['", next.position, "a scope string after '['");
      if (!current)
        throw new ScopeParseError(
          "'[' has no scope before it",
          token.position,
          "a scope string before '['",
        );
      if (parents.length >= MAX_DEPTH) {
        throw new ScopeParseError(
          `Brackets nest deeper than ${MAX_DEPTH} levels`,
          token.position,
          "shallower nesting",
        );
      }
      parents.push(current);
    } else if (token.text === "]") {
      if (parents.length === 0)
        throw new ScopeParseError("']' has no matching '['", token.position, "a '[' before ']'");
      parents.pop();
    } else {
      current = { scopeString: token.text, optional, position: token.position, dependencies: [] };
      optional = false;
      const parent = parents.at(-1);
      if (parent) parent.dependencies.push(current);
      else roots.push(current);
    }
  }
  if (parents.length > 0) throw new ScopeParseError("Unclosed '['", inputLength, "']'");
  return roots;
}

/** The parse result: top-level scopes and the merged dependency graph. */
export interface ScopeGraph {
  /** Top-level scopes in first-appearance order; `*a` and `a` are distinct entries. */
  readonly roots: ReadonlyArray<{ scope: string; optional: boolean }>;
  /** For each scope string, its dependencies (scope, optional), in first-appearance order. */
  readonly edges: ReadonlyMap<string, ReadonlyArray<{ scope: string; optional: boolean }>>;
}

/** Parses a scope string into the scope graph, raising ScopeParseError or ScopeCycleError. */
export function parseScopeGraph(input: string): ScopeGraph {
  if (typeof input !== "string") {
    throw new ScopeParseError(`Expected a scope string, got ${typeof input}`, 0, "a string");
  }
  return scopeGraphFromTrees(parseTokens(tokenize(input), input.length));
}

/**
 * Flattens scope trees into one graph keyed by scope string: every place a scope appears
 * contributes to its one set of dependencies, an optional edge is dropped when the same edge
 * is also required, and a cycle is a ScopeCycleError.
 */
export function scopeGraphFromTrees(trees: readonly ScopeTree[]): ScopeGraph {
  const roots: Array<{ scope: string; optional: boolean }> = [];
  const seenRoots = new Set<string>();
  const edgeKeys = new Map<string, Map<string, boolean>>();
  const lastPosition = new Map<string, number>();
  for (const tree of trees) {
    const key = `${tree.optional ? "*" : ""}${tree.scopeString}`;
    if (!seenRoots.has(key)) {
      seenRoots.add(key);
      roots.push({ scope: tree.scopeString, optional: tree.optional });
    }
  }
  // Depth-first over every tree in document order. A node object seen before adds nothing
  // new, and skipping it keeps shared subtrees (parse results reuse Scope objects) linear.
  const seenNodes = new Set<ScopeTree>();
  const visit = (node: ScopeTree) => {
    if (seenNodes.has(node)) return;
    seenNodes.add(node);
    if (node.position !== undefined) lastPosition.set(node.scopeString, node.position);
    let deps = edgeKeys.get(node.scopeString);
    if (!deps) {
      deps = new Map();
      edgeKeys.set(node.scopeString, deps);
    }
    for (const dep of node.dependencies) {
      // an optional edge is superseded by the same edge required anywhere
      deps.set(dep.scopeString, (deps.get(dep.scopeString) ?? true) && dep.optional);
    }
    for (const dep of node.dependencies) visit(dep);
  };
  for (const tree of trees) visit(tree);
  const edges = new Map<string, Array<{ scope: string; optional: boolean }>>();
  for (const [scope, deps] of edgeKeys) {
    edges.set(
      scope,
      [...deps].map(([dep, optional]) => ({ scope: dep, optional })),
    );
  }
  checkCycles(roots, edges, lastPosition);
  return { roots, edges };
}

/**
 * One iterative depth-first pass: a dependency already on the current path is a cycle, and
 * the longest dependency chain must stay within MAX_DEPTH. Repeated scopes let a chain be far
 * longer than the bracket nesting (`a0[a1] a1[a2] ...`), and everything downstream of the
 * parser (building Scopes, `toString`) recurses along it, so it is bounded here.
 */
function checkCycles(
  roots: ReadonlyArray<{ scope: string }>,
  edges: ReadonlyMap<string, ReadonlyArray<{ scope: string }>>,
  lastPosition: ReadonlyMap<string, number>,
): void {
  /** Nesting levels below each finished scope (0 for a leaf), as brackets count them. */
  const height = new Map<string, number>();
  const onPath = new Set<string>();
  let deepest: string | undefined;
  for (const root of roots) {
    if (height.has(root.scope)) continue;
    const stack: Array<{ scope: string; next: number }> = [{ scope: root.scope, next: 0 }];
    onPath.add(root.scope);
    while (stack.length > 0) {
      const frame = stack.at(-1)!;
      const deps = edges.get(frame.scope) ?? [];
      const dep = deps[frame.next++];
      if (dep) {
        if (onPath.has(dep.scope)) {
          throw new ScopeCycleError(dep.scope, lastPosition.get(dep.scope) ?? 0);
        }
        if (!height.has(dep.scope)) {
          onPath.add(dep.scope);
          stack.push({ scope: dep.scope, next: 0 });
        }
        continue;
      }
      let own = 0;
      for (const d of deps) own = Math.max(own, 1 + height.get(d.scope)!);
      height.set(frame.scope, own);
      if (own > MAX_DEPTH && deepest === undefined) deepest = frame.scope;
      onPath.delete(frame.scope);
      stack.pop();
    }
  }
  // reported only once the whole graph is known to be acyclic, so a cycle always wins
  if (deepest !== undefined) {
    throw new ScopeParseError(
      `Dependencies chain deeper than ${MAX_DEPTH} levels below "${deepest}"`,
      lastPosition.get(deepest) ?? 0,
      "shallower dependency chains",
    );
  }
}
