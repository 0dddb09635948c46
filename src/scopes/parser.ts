/**
 * The Globus scope grammar, with the Python SDK's semantics: a string is tokenised, parsed
 * into trees, then flattened into a graph keyed by scope string, so that every place a
 * scope appears contributes to one merged set of dependencies. An optional edge is dropped
 * when the same edge is also required, and a cycle is an error.
 */
import { ScopeCycleError, ScopeParseError } from "./errors.ts";

const SPECIAL = new Set(["[", "]", "*", " "]);
/** Real scope trees are a few levels deep; a bound keeps recursion far from the stack limit. */
const MAX_DEPTH = 256;

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
    const char = input[i]!;
    if (!SPECIAL.has(char)) continue;
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

/** A parsed scope before graph flattening. */
interface TreeNode {
  scope: string;
  optional: boolean;
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
      current = { scope: token.text, optional, position: token.position, dependencies: [] };
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
  const trees = parseTokens(tokenize(input), input.length);
  const roots: Array<{ scope: string; optional: boolean }> = [];
  const seenRoots = new Set<string>();
  const edgeKeys = new Map<string, Map<string, boolean>>();
  const lastPosition = new Map<string, number>();
  for (const tree of trees) {
    const key = `${tree.optional ? "*" : ""}${tree.scope}`;
    if (!seenRoots.has(key)) {
      seenRoots.add(key);
      roots.push({ scope: tree.scope, optional: tree.optional });
    }
  }
  // depth-first over every tree, in document order, collecting edges by scope string
  const ordered: TreeNode[] = [];
  const visit = (node: TreeNode) => {
    ordered.push(node);
    for (const dep of node.dependencies) visit(dep);
  };
  for (const tree of trees) visit(tree);
  for (const node of ordered) {
    lastPosition.set(node.scope, node.position);
    let deps = edgeKeys.get(node.scope);
    if (!deps) {
      deps = new Map();
      edgeKeys.set(node.scope, deps);
    }
    for (const dep of node.dependencies) {
      // an optional edge is superseded by the same edge required anywhere
      deps.set(dep.scope, (deps.get(dep.scope) ?? true) && dep.optional);
    }
  }
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

function checkCycles(
  roots: ReadonlyArray<{ scope: string }>,
  edges: ReadonlyMap<string, ReadonlyArray<{ scope: string }>>,
  lastPosition: ReadonlyMap<string, number>,
): void {
  const done = new Set<string>();
  const onPath = new Set<string>();
  const walk = (scope: string): void => {
    if (done.has(scope)) return;
    onPath.add(scope);
    for (const dep of edges.get(scope) ?? []) {
      if (onPath.has(dep.scope)) {
        throw new ScopeCycleError(dep.scope, lastPosition.get(dep.scope) ?? 0);
      }
      walk(dep.scope);
    }
    onPath.delete(scope);
    done.add(scope);
  };
  for (const root of roots) walk(root.scope);
}
