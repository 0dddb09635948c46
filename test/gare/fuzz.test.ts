import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AUTHORIZATION_PARAMETER_FIELDS,
  type GARE,
  gareToJSON,
  isGare,
  parseGare,
  toGare,
} from "../../src/gare/index.ts";
import { prng } from "../helpers/prng.ts";

const SEEDS: unknown[] = [
  {
    code: "ConsentRequired",
    required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*x]"],
    message: "m",
  },
  {
    code: "ConsentRequired",
    required_scope: "scope",
    description: "d",
    authorization_parameters: { a: 1 },
  },
  { error: "dependent_consent_required", errors: [{ unapproved_scopes: ["s1", "s2"], code: "X" }] },
  {
    code: "ConsentRequired",
    authorization_parameters: {
      session_message: "msg",
      session_required_identities: ["id1"],
      session_required_policies: ["p1", "p2"],
      session_required_single_domain: ["example.org"],
      session_required_mfa: true,
      required_scopes: ["s"],
      prompt: "login",
    },
  },
  {
    authorization_parameters: {
      session_required_policies: "p1,p2",
      session_required_single_domain: "a.org",
    },
  },
  {
    errors: [
      { code: "Other" },
      { code: "ConsentRequired", authorization_parameters: { required_scopes: ["s"] } },
    ],
  },
  { error: { code: "ConsentRequired", authorization_parameters: { required_scopes: ["s"] } } },
  {
    inactive_reason: {
      cause: "globus_auth_requirements",
      detail: { code: "ConsentRequired", authorization_parameters: { required_scopes: ["s"] } },
    },
  },
];

const KEYS = [
  ...AUTHORIZATION_PARAMETER_FIELDS,
  "code",
  "authorization_parameters",
  "required_scope",
  "required_scopes",
  "errors",
  "error",
  "inactive_reason",
  "detail",
  "extra",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "unapproved_scopes",
  "",
];

function randomString(rand: () => number): string {
  const pool = [
    "",
    " ",
    ",",
    "login",
    "none",
    "ConsentRequired",
    "dependent_consent_required",
    "a,b",
    "\u0000",
    "é",
    "😀",
    "__proto__",
  ];
  if (rand() < 0.7) return pool[Math.floor(rand() * pool.length)]!;
  const length = Math.floor(rand() * 20);
  return Array.from({ length }, () => String.fromCharCode(32 + Math.floor(rand() * 95))).join("");
}

function randomValue(rand: () => number, depth = 0): unknown {
  const kind = Math.floor(rand() * (depth > 3 ? 7 : 10));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return [0, -1, 1e308, Number.NaN, Number.POSITIVE_INFINITY, 3.5][Math.floor(rand() * 6)];
    case 3:
    case 4:
      return randomString(rand);
    case 5:
      return undefined;
    case 6:
      return [Symbol("s"), 10n, () => 1, new Date(0), new Map(), new Uint8Array(2)][
        Math.floor(rand() * 6)
      ];
    case 7:
      return Array.from({ length: Math.floor(rand() * 4) }, () =>
        rand() < 0.6 ? randomString(rand) : randomValue(rand, depth + 1),
      );
    default: {
      const out: Record<string, unknown> = {};
      const n = Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) {
        Object.defineProperty(out, KEYS[Math.floor(rand() * KEYS.length)]!, {
          value: randomValue(rand, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

/** Applies one mutation somewhere in the tree: drop, retype, insert, wrap or swap. */
function mutate(value: unknown, rand: () => number, depth = 0): unknown {
  if (value === null || typeof value !== "object" || rand() < 0.15) {
    return rand() < 0.5 ? randomValue(rand, depth) : value;
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    const roll = rand();
    if (roll < 0.3 && copy.length > 0) copy.splice(Math.floor(rand() * copy.length), 1);
    else if (roll < 0.6) copy.push(randomValue(rand, depth + 1));
    else if (copy.length > 0) {
      const i = Math.floor(rand() * copy.length);
      copy[i] = mutate(copy[i], rand, depth + 1);
    }
    return copy;
  }
  const copy: Record<string, unknown> = Object.fromEntries(Object.entries(value));
  const keys = Object.keys(copy);
  const roll = rand();
  if (roll < 0.2 && keys.length > 0) {
    delete copy[keys[Math.floor(rand() * keys.length)]!];
  } else if (roll < 0.45) {
    Object.defineProperty(copy, KEYS[Math.floor(rand() * KEYS.length)]!, {
      value: randomValue(rand, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (roll < 0.55) {
    return rand() < 0.5 ? { errors: [randomValue(rand), copy] } : [copy];
  } else if (keys.length > 0) {
    const key = keys[Math.floor(rand() * keys.length)]!;
    copy[key] = mutate(copy[key], rand, depth + 1);
  }
  return copy;
}

function checkShape(gare: GARE): void {
  assert.equal(typeof gare.code, "string");
  assert.ok(Object.isFrozen(gare));
  const params = gare.authorization_parameters as Record<string, unknown>;
  for (const field of [
    "session_required_identities",
    "session_required_policies",
    "session_required_single_domain",
    "required_scopes",
  ]) {
    const list = params[field];
    if (list === undefined) continue;
    assert.ok(Array.isArray(list) && list.length > 0, `${field} must be a non-empty list`);
    for (const item of list)
      assert.ok(typeof item === "string" && item.trim() === item && item !== "");
  }
  for (const field of ["session_message", "prompt"]) {
    const value = params[field];
    assert.ok(value === undefined || (typeof value === "string" && value !== ""));
  }
  const mfa = params["session_required_mfa"];
  assert.ok(mfa === undefined || typeof mfa === "boolean");
  // The serialised form parses back to the same GARE.
  const json = gareToJSON(gare, { includeExtra: true });
  const again = parseGare(json);
  assert.ok(again, "a serialised GARE must parse again");
  assert.deepEqual(gareToJSON(again, { includeExtra: true }), json);
}

test("fuzz: 60,000 mutated and random inputs never throw and give GARE | null", () => {
  const seed = 0x5eed_2024;
  const rand = prng(seed);
  let gares = 0;
  let nulls = 0;
  const total = 60_000;
  for (let i = 0; i < total; i++) {
    let input: unknown =
      rand() < 0.85 ? SEEDS[Math.floor(rand() * SEEDS.length)] : randomValue(rand);
    const rounds = 1 + Math.floor(rand() * 4);
    for (let r = 0; r < rounds; r++) input = mutate(input, rand);
    // Half go through JSON text, as a body from the wire would (gives "__proto__" own keys).
    if (rand() < 0.5) {
      try {
        input = JSON.parse(JSON.stringify(input) ?? "null");
      } catch {
        // BigInt and friends cannot be JSON; keep the raw object.
      }
    }
    let result: GARE | null;
    try {
      result = parseGare(input);
      assert.equal(isGare(input), result !== null);
      assert.deepEqual(toGare(input), result);
    } catch (err) {
      assert.fail(`seed ${seed}, iteration ${i}: threw ${String(err)} for ${safeShow(input)}`);
    }
    if (result === null) nulls++;
    else {
      gares++;
      try {
        checkShape(result);
      } catch (err) {
        assert.fail(`seed ${seed}, iteration ${i}: bad GARE ${String(err)} for ${safeShow(input)}`);
      }
    }
  }
  assert.equal(gares + nulls, total);
  // Both outcomes must be well represented, or the mutations are not exercising the parser.
  assert.ok(gares > total / 10, `only ${gares} GAREs`);
  assert.ok(nulls > total / 10, `only ${nulls} nulls`);
});

test("fuzz: hostile objects (throwing getters, revoked proxies, cycles) give null", () => {
  const throwing = Object.defineProperty({}, "code", {
    enumerable: true,
    get() {
      throw new Error("boom");
    },
  });
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const cyclic: Record<string, unknown> = { code: "X" };
  cyclic["errors"] = [cyclic];
  const trap = new Proxy(
    {},
    {
      getPrototypeOf() {
        throw new Error("trap");
      },
    },
  );
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 100_000; i++) {
    const next: Record<string, unknown> = {};
    cursor["errors"] = [next];
    cursor = next;
  }
  for (const input of [
    throwing,
    proxy,
    trap,
    { errors: [throwing] },
    { errors: proxy },
    cyclic,
    deep,
  ]) {
    assert.doesNotThrow(() => parseGare(input));
    assert.doesNotThrow(() => toGare(input));
  }
  assert.equal(parseGare(throwing), null);
  assert.equal(parseGare(proxy), null);
  assert.equal(parseGare(cyclic), null);
  assert.equal(parseGare(deep), null);
});

function safeShow(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))?.slice(0, 500) ??
      String(value)
    );
  } catch {
    return "<unprintable>";
  }
}
