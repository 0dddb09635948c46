/**
 * Property tests with a seeded generator: random valid scope trees round-trip through their
 * canonical string, and arbitrary strings either parse or raise ScopeParseError.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseScopes, Scope, ScopeParseError } from "../../src/scopes/index.ts";
import { prng } from "../helpers/prng.ts";

type Random = ReturnType<typeof prng>;
const int = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[int(random, 0, items.length - 1)]!;

/** Characters of a scope string: anything but `[]* `, with no whitespace at its edges. */
const NAME_CHARS = [..."abcdefxyz0123456789:/._-", "é", "ü", "😀", "\u3000"];
const INNER_ONLY = ["\t", "\n", "\u00a0"];

function randomName(random: Random): string {
  const length = int(random, 1, 6);
  let name = "";
  for (let i = 0; i < length; i++) {
    const inner = i > 0 && i < length - 1 && random() < 0.1;
    let char = inner ? pick(random, INNER_ONLY) : pick(random, NAME_CHARS);
    // edge whitespace is stripped by the grammar, so keep names free of it
    if ((i === 0 || i === length - 1) && char === "\u3000") char = "q";
    name += char;
  }
  return name;
}

/** A structural form independent of toString: [string, optional, sorted dependencies]. */
type Shape = [string, boolean, Shape[]];
function shape(scope: Scope): Shape {
  return [scope.scopeString, scope.optional, scope.dependencies.map(shape).sort(compareShapes)];
}
function compareShapes(a: Shape, b: Shape): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
function shapes(scopes: readonly Scope[]): Shape[] {
  // duplicates collapse, as they do in the parsed graph
  const unique = new Map(scopes.map((s) => [JSON.stringify(shape(s)), shape(s)]));
  return [...unique.values()].sort(compareShapes);
}

/**
 * Random graph-consistent scopes: each name has one dependency set (edges only go to later
 * names, so there is no cycle), each edge one optional flag, and every occurrence of a name
 * carries that same set, which is exactly what the parser's graph can represent.
 */
function randomScopes(random: Random): Scope[] {
  const names = [...new Set(Array.from({ length: int(random, 1, 7) }, () => randomName(random)))];
  const edges = names.map((_, i) => {
    const out: Array<[number, boolean]> = [];
    for (let j = i + 1; j < names.length; j++) {
      if (random() < 0.35) out.push([j, random() < 0.4]);
    }
    return out;
  });
  const build = (index: number, optional: boolean): Scope =>
    new Scope(names[index]!, {
      optional,
      dependencies: edges[index]!.map(([dep, depOptional]) => build(dep, depOptional)),
    });
  return Array.from({ length: int(random, 1, 4) }, () =>
    build(int(random, 0, names.length - 1), random() < 0.3),
  );
}

/** A non-canonical rendering: dependencies shuffled and repeated, random spaces. */
function render(scope: Scope, random: Random): string {
  const gap = () => " ".repeat(int(random, 1, 3));
  const base = (scope.optional ? "*" : "") + scope.scopeString;
  if (scope.dependencies.length === 0) return base;
  const parts = scope.dependencies.map((d) => render(d, random));
  if (random() < 0.3) parts.push(pick(random, parts));
  parts.sort(() => random() - 0.5);
  const pad = () => (random() < 0.3 ? gap() : "");
  return `${base}[${pad()}${parts.join(gap())}${pad()}]`;
}

const CASES = 20_000;
/** Fuzz inputs per CI run: the hardening promise is at least 50,000 for each parser. */
const FUZZ_CASES = 50_000;

/** A valid rendering, then damaged: a character cut, doubled, or replaced by a special one. */
function mutatedScopeString(random: Random, special: readonly string[]): string {
  let text = randomScopes(random)
    .map((s) => render(s, random))
    .join(" ");
  for (let n = int(random, 1, 3); n > 0; n--) {
    const at = int(random, 0, text.length);
    const op = int(random, 0, 2);
    if (op === 0) text = text.slice(0, at) + text.slice(at + 1);
    else if (op === 1) text = text.slice(0, at) + text.slice(at, at + 1) + text.slice(at);
    else text = text.slice(0, at) + pick(random, special) + text.slice(at + 1);
  }
  return text;
}

describe("scope properties", () => {
  it(`parse(toString(x)) equals x for ${CASES} random valid scope trees`, () => {
    const random = prng(0x5c0_9e5);
    let nontrivial = 0;
    for (let i = 0; i < CASES; i++) {
      const scopes = randomScopes(random);
      const text = scopes.map(String).join(" ");
      const context = `case ${i}: ${JSON.stringify(text)}`;
      assert.deepEqual(shapes(parseScopes(text)), shapes(scopes), context);
      for (const scope of scopes) {
        const again = Scope.parse(scope.toString());
        assert.deepEqual(shape(again), shape(scope), context);
        assert.ok(again.equals(scope), context);
        if (scope.dependencies.length > 0) nontrivial++;
      }
      // any spacing and dependency order parses to the same scopes
      const rendered = scopes.map((s) => render(s, random)).join("  ");
      assert.deepEqual(shapes(parseScopes(rendered)), shapes(scopes), `${context} as ${rendered}`);
    }
    // the generator must actually produce dependency trees, not only bare scopes
    assert.ok(nontrivial > CASES / 2, `only ${nontrivial} scopes had dependencies`);
  });

  it(`random and mutated strings either parse or raise ScopeParseError (${FUZZ_CASES} cases)`, () => {
    const random = prng(0xb17e5);
    const special = [..."ab[]* \t\n*x"];
    const outcomes = { parsed: 0, rejected: 0 };
    for (let i = 0; i < FUZZ_CASES; i++) {
      const length = int(random, 0, 40);
      let text = i % 3 === 2 ? mutatedScopeString(random, special) : "";
      for (let j = 0; j < length && i % 3 !== 2; j++) {
        const r = random();
        if (i % 2 === 0 || r < 0.5) text += pick(random, special);
        else if (r < 0.8)
          text += String.fromCharCode(int(random, 0, 0xffff)); // incl. lone surrogates
        else text += String.fromCodePoint(int(random, 0, 0x10ffff));
      }
      try {
        const scopes = parseScopes(text);
        assert.ok(Array.isArray(scopes));
        for (const scope of scopes) assert.ok(scope instanceof Scope);
        outcomes.parsed++;
      } catch (error) {
        if (!(error instanceof ScopeParseError)) {
          assert.fail(`case ${i}: ${JSON.stringify(text)} raised ${String(error)}`);
        }
        outcomes.rejected++;
      }
    }
    // both outcomes must be well represented, or the generator tests nothing
    assert.ok(outcomes.parsed > FUZZ_CASES / 10, JSON.stringify(outcomes));
    assert.ok(outcomes.rejected > FUZZ_CASES / 10, JSON.stringify(outcomes));
  });
});
