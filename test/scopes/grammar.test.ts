/**
 * Table-driven cases for the scope grammar: parsing, canonical serialisation, merging and
 * every error kind with its position. Expected results were checked against the Python SDK's
 * parser (`ScopeParser.parse`), whose semantics this parser follows.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  mergeScopes,
  parseScopes,
  Scope,
  ScopeCycleError,
  type ScopeLike,
  ScopeParseError,
} from "../../src/scopes/index.ts";

/** The canonical strings of a parse result, sorted (top-level order is not part of the contract). */
function canonical(scopes: readonly Scope[]): string[] {
  return scopes.map((s) => s.toString()).sort();
}

/** [input, expected canonical top-level scopes] */
const PARSE_CASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["", []],
  [" ", []],
  ["   ", []],
  ["\t\n", []],
  ["a", ["a"]],
  [" a ", ["a"]],
  ["a b", ["a", "b"]],
  ["a  b", ["a", "b"]],
  ["b a", ["a", "b"]],
  ["a a", ["a"]],
  ["a a a", ["a"]],
  ["*a", ["*a"]],
  ["*a *a", ["*a"]],
  ["*a a", ["*a", "a"]],
  ["a *a", ["*a", "a"]],
  ["a[b]", ["a[b]"]],
  ["a[*b]", ["a[*b]"]],
  ["*a[*b]", ["*a[*b]"]],
  ["a[b c]", ["a[b c]"]],
  ["a[c b]", ["a[b c]"]],
  ["a[ b ]", ["a[b]"]],
  ["a[  b   c  ]", ["a[b c]"]],
  ["a[b[c]]", ["a[b[c]]"]],
  ["a[b[c[d]]]", ["a[b[c[d]]]"]],
  ["a[b[c] d]", ["a[b[c] d]"]],
  ["a[b] c[d]", ["a[b]", "c[d]"]],
  ["a[b]  c", ["a[b]", "c"]],
  // '*' is a token of its own, so it may directly follow a scope string
  ["a*b", ["*b", "a"]],
  ["a[b*c]", ["a[*c b]"]],
  ["a[b b]", ["a[b]"]],
  ["a[b] a[c]", ["a[b c]"]],
  ["a[b] a", ["a[b]"]],
  ["a a[b]", ["a[b]"]],
  ["a[*b] a[b]", ["a[b]"]],
  ["a[b] a[*b]", ["a[b]"]],
  ["a[*b] a[*b]", ["a[*b]"]],
  ["a[*b *b]", ["a[*b]"]],
  ["a[*b b]", ["a[b]"]],
  ["*a[b] a", ["*a[b]", "a[b]"]],
  ["*a a[b]", ["*a[b]", "a[b]"]],
  // a scope's dependencies are the same wherever it appears (one graph node per string)
  ["a[b[c]] d[b]", ["a[b[c]]", "d[b[c]]"]],
  ["a[b] d[b[c]]", ["a[b[c]]", "d[b[c]]"]],
  ["a[b] b[c]", ["a[b[c]]", "b[c]"]],
  ["x[*a[b]] y[a[c]]", ["x[*a[b c]]", "y[a[b c]]"]],
  ["x[*a] y[a]", ["x[*a]", "y[a]"]],
  ["a[b[*c]] d[b[c]]", ["a[b[c]]", "d[b[c]]"]],
  // whitespace: only ' ' separates tokens; tabs and newlines inside a token are kept, but
  // the text after the last special character is stripped like Python's str.strip()
  ["a\tb", ["a\tb"]],
  ["a\nb", ["a\nb"]],
  ["a\t", ["a"]],
  ["\ta", ["a"]],
  ["a\n", ["a"]],
  ["a\t b", ["a\t", "b"]],
  ["a \tb", ["a", "b"]],
  ["a \tb c", ["\tb", "a", "c"]],
  ["a[b\t]", ["a[b\t]"]],
  ["a[\tb]", ["a[\tb]"]],
  ["a[b] \t", ["a[b]"]],
  ["a\u3000", ["a"]],
  ["a\u00a0", ["a"]],
  ["a\u200b", ["a\u200b"]],
  // realistic Globus scopes
  [
    "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]",
    [
      "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]",
    ],
  ],
  [
    "openid profile email urn:globus:auth:scope:transfer.api.globus.org:all",
    ["email", "openid", "profile", "urn:globus:auth:scope:transfer.api.globus.org:all"],
  ],
  ["ü[é] 😀", ["ü[é]", "😀"]],
];

/** [input, error class, position] */
const ERROR_CASES: ReadonlyArray<readonly [string, typeof ScopeParseError, number]> = [
  // unbalanced brackets
  ["a[b", ScopeParseError, 3],
  ["a[b[c]", ScopeParseError, 6],
  ["a[", ScopeParseError, 2],
  ["a]", ScopeParseError, 1],
  ["a[b]]", ScopeParseError, 4],
  ["]", ScopeParseError, 0],
  ["a[b] ]", ScopeParseError, 5],
  // empty and doubled brackets
  ["a[]", ScopeParseError, 2],
  ["a[ ]", ScopeParseError, 3],
  ["a[[b]]", ScopeParseError, 2],
  // a bracket with no scope before it
  ["[a]", ScopeParseError, 0],
  ["*[a]", ScopeParseError, 1],
  // ' [': a space before '['
  ["a [b]", ScopeParseError, 2],
  ["a[b] [c]", ScopeParseError, 5],
  // ']x': ']' must be followed by ' ' or ']'
  ["a[b]c", ScopeParseError, 4],
  ["a[b]\tc", ScopeParseError, 4],
  ["a[b][c]", ScopeParseError, 4],
  ["a[b]*c", ScopeParseError, 4],
  // stray '*': at the end, before a special character, before a space
  ["*", ScopeParseError, 0],
  ["a *", ScopeParseError, 2],
  ["a[*]", ScopeParseError, 3],
  ["**a", ScopeParseError, 1],
  ["a[b *]", ScopeParseError, 5],
  ["* a", ScopeParseError, 0],
  ["a[* b]", ScopeParseError, 2],
  ["a[b*]", ScopeParseError, 4],
  // cycles, direct and through others
  ["a[a]", ScopeCycleError, 2],
  ["a[*a]", ScopeCycleError, 3],
  ["a[b[a]]", ScopeCycleError, 4],
  ["a[b] b[a]", ScopeCycleError, 7],
  ["a[b] b[c] c[a]", ScopeCycleError, 12],
];

describe("scope grammar: parse and canonical serialisation", () => {
  for (const [input, expected] of PARSE_CASES) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const scopes = parseScopes(input);
      assert.deepEqual(canonical(scopes), [...expected].sort());
      // the canonical form is a fixed point
      const again = parseScopes(scopes.map((s) => s.toString()).join(" "));
      assert.deepEqual(canonical(again), canonical(scopes));
    });
  }
});

describe("scope grammar: errors", () => {
  for (const [input, kind, position] of ERROR_CASES) {
    it(`rejects ${JSON.stringify(input)} with ${kind.name} at ${position}`, () => {
      let caught: unknown;
      try {
        parseScopes(input);
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof kind, `expected ${kind.name}, got ${String(caught)}`);
      // a plain parse error is never reported as a cycle
      if (kind === ScopeParseError) assert.ok(!(caught instanceof ScopeCycleError));
      assert.equal(caught.position, position);
      assert.ok(caught.expected.length > 0);
      assert.match(caught.message, new RegExp(`at position ${position} \\(expected `));
    });
  }

  it("names the scope on a cycle", () => {
    assert.throws(
      () => parseScopes("x y[z[y]]"),
      (error) => error instanceof ScopeCycleError && error.scope === "y",
    );
  });

  it("reports a cycle before other graph problems, and cycles anywhere in a merge", () => {
    assert.throws(() => mergeScopes("a[b]", "b[a]"), ScopeCycleError);
    assert.throws(() => mergeScopes([Scope.parse("a[b[c]]")], "c[a]"), ScopeCycleError);
  });

  it("bounds bracket nesting and dependency chains (repeated scopes can chain far deeper)", () => {
    const nested = (depth: number) => `${"a[".repeat(depth)}z${"]".repeat(depth)}`;
    // distinct names so the chain is not a cycle
    const distinct = (depth: number) =>
      `${Array.from({ length: depth }, (_, i) => `n${i}[`).join("")}z${"]".repeat(depth)}`;
    assert.equal(parseScopes(distinct(256)).length, 1);
    assert.throws(() => parseScopes(distinct(257)), ScopeParseError);
    assert.throws(() => parseScopes(nested(10)), ScopeCycleError);
    // past the bracket bound the depth error comes first (the Python SDK has no bound)
    assert.throws(
      () => parseScopes(nested(300)),
      (error) => error instanceof ScopeParseError && !(error instanceof ScopeCycleError),
    );
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `a${i}[a${i + 1}]`).join(" ");
    assert.equal(parseScopes(chain(256)).length, 256);
    assert.throws(
      () => parseScopes(chain(20_000)),
      (error) => error instanceof ScopeParseError && !(error instanceof ScopeCycleError),
    );
  });

  it("rejects a graph whose expansion would be exponentially long, without hanging", () => {
    const parts: string[] = [];
    for (let i = 0; i < 40; i++)
      parts.push(`a${i}[a${i + 1} b${i + 1}]`, `b${i}[a${i + 1} b${i + 1}]`);
    assert.throws(() => parseScopes(parts.join(" ")), ScopeParseError);
  });

  it("rejects a non-string input with ScopeParseError", () => {
    assert.throws(() => parseScopes(42 as unknown as string), ScopeParseError);
  });
});

/** [inputs, expected canonical merge] */
const MERGE_CASES: ReadonlyArray<readonly [readonly ScopeLike[], readonly string[]]> = [
  [["a", "a"], ["a"]],
  [
    ["a", "b"],
    ["a", "b"],
  ],
  [
    ["a b", "b c"],
    ["a", "b", "c"],
  ],
  [["a[b]", "a[c]"], ["a[b c]"]],
  [["a[b]", "a"], ["a[b]"]],
  [["a[*b]", "a[b]"], ["a[b]"]],
  [["a[*b]", "a[*b]"], ["a[*b]"]],
  [
    ["*a", "a"],
    ["*a", "a"],
  ],
  [["a[b[c]]", "a[b[d]]"], ["a[b[c d]]"]],
  [
    ["a[b[c]]", "x[b]"],
    ["a[b[c]]", "x[b[c]]"],
  ],
  [[[Scope.parse("a[b]"), "a[c]"], new Scope("a", { dependencies: ["d"] })], ["a[b c d]"]],
  [[[], "a"], ["a"]],
  [[[]], []],
  [["", ""], []],
  // a scope string with edge whitespace survives a merge (no string round trip)
  [
    [[new Scope("b\t")], "c"],
    ["b\t", "c"],
  ],
];

describe("mergeScopes", () => {
  for (const [inputs, expected] of MERGE_CASES) {
    it(`merges ${JSON.stringify(inputs.map((i) => (typeof i === "string" ? i : String([...(i instanceof Scope ? [i] : i)]))))}`, () => {
      assert.deepEqual(canonical(mergeScopes(...inputs)), [...expected].sort());
    });
  }

  it("is the same as parsing the joined canonical strings", () => {
    const a = parseScopes("t[*d1 x[y]] u *v[w]");
    const b = parseScopes("t[d1 d2] x[z] v");
    assert.deepEqual(
      canonical(mergeScopes(a, b)),
      canonical(parseScopes([...a, ...b].map(String).join(" "))),
    );
  });
});
