/** The Scope value and the one normalisation of scope inputs (`toScopes`). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GlobusSDKError, GlobusSDKUsageError } from "../../src/errors.ts";
import {
  parseScopes,
  Scope,
  ScopeParseError,
  scopesToString,
  toScopes,
} from "../../src/scopes/index.ts";

describe("Scope construction", () => {
  const ILLEGAL: ReadonlyArray<readonly [string, number]> = [
    ["a b", 1],
    ["a[b]", 1],
    ["ab]", 2],
    ["*a", 0],
    ["abc*", 3],
    [" ", 0],
  ];
  for (const [text, position] of ILLEGAL) {
    it(`rejects the illegal character in ${JSON.stringify(text)} at ${position}`, () => {
      assert.throws(
        () => new Scope(text),
        (error) =>
          error instanceof ScopeParseError &&
          error instanceof GlobusSDKError &&
          error.position === position &&
          error.message.includes("Scope.parse"),
      );
    });
  }

  it("rejects an empty or non-string scope string", () => {
    assert.throws(() => new Scope(""), ScopeParseError);
    assert.throws(() => new Scope(undefined as unknown as string), ScopeParseError);
  });

  it("accepts tabs and other non-space characters, as the Python SDK does", () => {
    assert.equal(new Scope("a\tb").scopeString, "a\tb");
    assert.equal(
      new Scope("https://auth.globus.org/scopes/x/y").toString(),
      "https://auth.globus.org/scopes/x/y",
    );
  });

  it("takes dependencies as Scopes or scope expressions, and rejects anything else", () => {
    const scope = new Scope("a", { optional: true, dependencies: ["b[c]", new Scope("d")] });
    assert.equal(scope.toString(), "*a[b[c] d]");
    assert.throws(
      () => new Scope("a", { dependencies: [42 as unknown as string] }),
      GlobusSDKUsageError,
    );
    assert.throws(() => new Scope("a", { dependencies: ["b c"] }), ScopeParseError);
  });

  it("is frozen, with frozen dependencies", () => {
    const scope = Scope.parse("a[b]");
    assert.ok(Object.isFrozen(scope));
    assert.ok(Object.isFrozen(scope.dependencies));
    assert.throws(() => {
      (scope as { optional: boolean }).optional = true;
    }, TypeError);
  });

  it("bounds the depth of hand-built dependency chains", () => {
    let scope = new Scope("leaf");
    for (let i = 0; i < 256; i++) scope = new Scope(`s${i}`, { dependencies: [scope] });
    assert.ok(scope.toString().length > 256);
    assert.throws(() => new Scope("top", { dependencies: [scope] }), ScopeParseError);
  });
});

describe("Scope.parse", () => {
  it("returns the one scope of an expression", () => {
    const scope = Scope.parse(" *a[b *c[d]] ");
    assert.equal(scope.scopeString, "a");
    assert.equal(scope.optional, true);
    assert.deepEqual(
      scope.dependencies.map((d) => [d.scopeString, d.optional, d.dependencies.length]),
      [
        ["b", false, 0],
        ["c", true, 1],
      ],
    );
  });

  for (const text of ["", "   ", "a b", "a[x] b", "*a a"]) {
    it(`rejects ${JSON.stringify(text)}, which is not exactly one scope`, () => {
      assert.throws(
        () => Scope.parse(text),
        (error) => error instanceof ScopeParseError && /exactly one scope/.test(error.message),
      );
    });
  }

  it("accepts a repeated scope, which merges into one", () => {
    assert.equal(Scope.parse("a[b] a[c]").toString(), "a[b c]");
  });
});

describe("Scope evolvers, equality and canonical form", () => {
  it("withDependency and withDependencies return new scopes and leave the original alone", () => {
    const base = Scope.parse("a[b]");
    const more = base.withDependency("c[d]");
    const many = base.withDependencies([new Scope("e"), "*f"]);
    assert.equal(base.toString(), "a[b]");
    assert.equal(base.dependencies.length, 1);
    assert.equal(more.toString(), "a[b c[d]]");
    assert.equal(many.toString(), "a[*f b e]");
    assert.notEqual(more, base);
  });

  it("withOptional returns a new scope with the same dependencies", () => {
    const base = Scope.parse("a[b]");
    const optional = base.withOptional(true);
    assert.equal(base.optional, false);
    assert.equal(optional.toString(), "*a[b]");
    assert.equal(optional.withOptional(false).toString(), "a[b]");
    assert.equal(optional.dependencies[0], base.dependencies[0]);
  });

  it("orders dependencies canonically and drops duplicates", () => {
    const scope = new Scope("a", { dependencies: ["z", "*y", "b[d c]", "z", "b[c d]"] });
    assert.equal(scope.toString(), "a[*y b[c d] z]");
    assert.equal(String(scope), scope.toString());
    assert.equal(JSON.stringify({ scope }), JSON.stringify({ scope: "a[*y b[c d] z]" }));
  });

  it("compares by canonical string", () => {
    const a = Scope.parse("a[c b[e d]]");
    assert.ok(a.equals(Scope.parse("a[b[d e] c]")));
    assert.ok(a.equals("a[b[d e] c]"));
    assert.ok(!a.equals("a[b[d] c]"));
    assert.ok(!a.equals(a.withOptional(true)));
    assert.ok(!Scope.parse("a[*b]").equals("a[b]"));
  });

  it("round-trips its canonical string", () => {
    for (const text of ["a", "*a", "a[*b c[d]]", "x[*a[b c]]", "a\tb[c\td]"]) {
      const scope = Scope.parse(text);
      assert.equal(Scope.parse(scope.toString()).toString(), scope.toString());
    }
  });
});

describe("toScopes, the one normalisation of scope inputs", () => {
  it("parses a string into one or more scopes", () => {
    assert.deepEqual(toScopes("a b[c]").map(String), ["a", "b[c]"]);
    assert.deepEqual(toScopes(""), []);
  });

  it("passes a Scope through as itself", () => {
    const scope = Scope.parse("a[b]");
    const [only, ...rest] = toScopes(scope);
    assert.equal(only, scope);
    assert.equal(rest.length, 0);
  });

  it("accepts arrays, sets and generators of strings and Scopes", () => {
    const scope = new Scope("z");
    assert.deepEqual(toScopes(["a b", scope, "c[d]"]).map(String), ["a", "b", "z", "c[d]"]);
    assert.deepEqual(toScopes(new Set(["a", "b"])).map(String), ["a", "b"]);
    function* gen() {
      yield "x";
      yield scope;
    }
    assert.deepEqual(toScopes(gen()).map(String), ["x", "z"]);
    assert.deepEqual(toScopes([]), []);
  });

  it("keeps order and duplicates (merging is mergeScopes' job)", () => {
    assert.deepEqual(toScopes(["b", "a", "b"]).map(String), ["b", "a", "b"]);
  });

  for (const bad of [42, null, undefined, { scope: "a" }, true]) {
    it(`rejects ${JSON.stringify(bad) ?? String(bad)} with a usage error`, () => {
      assert.throws(
        () => toScopes(bad as unknown as string),
        (error) => error instanceof GlobusSDKUsageError && /Expected scopes/.test(error.message),
      );
    });
  }

  it("rejects an iterable holding something other than strings and Scopes", () => {
    assert.throws(() => toScopes(["a", 3] as unknown as string[]), GlobusSDKUsageError);
    assert.throws(
      () => toScopes([{ scopeString: "a" }] as unknown as string[]),
      GlobusSDKUsageError,
    );
  });

  it("raises the parse error of a bad string inside an iterable", () => {
    assert.throws(() => toScopes(["a", "b[c"]), ScopeParseError);
  });

  it("serialises any input to one space-separated string", () => {
    assert.equal(scopesToString(["a[c b]", new Scope("d"), "*e"]), "a[b c] d *e");
    assert.equal(scopesToString(parseScopes("x")), "x");
  });
});
