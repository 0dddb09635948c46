import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AuthorizationParametersError,
  authorizationParameters,
  authorizationParametersToJSON,
  createGare,
  type GARE,
  gareToJSON,
  isGare,
  mergeAuthorizationParameters,
  parseGare,
  toGare,
  toGares,
} from "../../src/gare/index.ts";
import { GlobusAPIError } from "../../src/transport/errors.ts";

// Shapes below are real Globus error bodies, as recorded in the Python SDK's tests and
// testing fixtures (tests/unit/test_auth_requirements_error.py, testing/data/flows and timer).
const FLOW_SCOPE =
  "https://auth.globus.org/scopes/00000000-ec3c-427d-bfb5-51049530122b/flow_00000000_ec3c_427d_bfb5_51049530122b_user";
const POLICY_ID = "7a5e4c36-9f1c-11ee-8c90-0242ac120002";
const TIMER_SCOPE =
  "https://auth.globus.org/scopes/actions.globus.org/transfer/transfer[urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/543aade1-db97-4a4b-9bdf-0b58e78dfa69/data_access]]";

interface Case {
  name: string;
  body: unknown;
  code: string;
  params: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: "legacy Transfer ConsentRequired with required_scopes",
    body: {
      code: "ConsentRequired",
      message: "Missing required foo_bar consent",
      request_id: "WmMV97A1w",
      required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*foo *bar]"],
      resource: "/transfer",
    },
    code: "ConsentRequired",
    params: {
      required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*foo *bar]"],
      session_message: "Missing required foo_bar consent",
    },
    extra: {
      message: "Missing required foo_bar consent",
      request_id: "WmMV97A1w",
      resource: "/transfer",
    },
  },
  {
    name: "legacy action provider ConsentRequired with required_scope",
    body: {
      code: "ConsentRequired",
      required_scope: "urn:globus:auth:scope:transfer.api.globus.org:all[*foo *bar]",
      description: "Missing required foo_bar consent",
    },
    code: "ConsentRequired",
    params: {
      required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*foo *bar]"],
      session_message: "Missing required foo_bar consent",
    },
    extra: { description: "Missing required foo_bar consent" },
  },
  {
    name: "Auth dependent_consent_required",
    body: {
      error: "dependent_consent_required",
      error_description: "User must approve your client using scopes. See 'unapproved_scopes'.",
      errors: [
        {
          code: "DEPENDENT_CONSENT_REQUIRED",
          id: "9f6a1f0e-8f0e-4a41-8a55-6a4dfd1f7a11",
          title: "User must approve your client using scopes. See 'unapproved_scopes'.",
          unapproved_scopes: [FLOW_SCOPE],
          status: "403",
          detail: `User hasn't approved the following scopes: ${FLOW_SCOPE}`,
        },
      ],
    },
    code: "ConsentRequired",
    params: { required_scopes: [FLOW_SCOPE] },
  },
  {
    name: "standard form with code",
    body: {
      code: "ConsentRequired",
      authorization_parameters: {
        session_message: "Missing required data_access consent",
        required_scopes: [TIMER_SCOPE],
        session_required_mfa: true,
        prompt: "login",
      },
    },
    code: "ConsentRequired",
    params: {
      session_message: "Missing required data_access consent",
      required_scopes: [TIMER_SCOPE],
      session_required_mfa: true,
      prompt: "login",
    },
  },
  {
    name: "legacy authorization_parameters without code, identities and MFA",
    body: {
      authorization_parameters: {
        session_message: "To gain access you need to authenticate with your baz identity",
        session_required_identities: ["urn:globus:auth:identity:baz"],
        session_required_mfa: true,
      },
    },
    code: "AuthorizationRequired",
    params: {
      session_message: "To gain access you need to authenticate with your baz identity",
      session_required_identities: ["urn:globus:auth:identity:baz"],
      session_required_mfa: true,
    },
  },
  {
    name: "legacy authorization_parameters without code, policies list",
    body: {
      authorization_parameters: {
        session_message:
          "You need to authenticate with an identity that matches the required policies",
        session_required_policies: ["foo", "baz"],
      },
    },
    code: "AuthorizationRequired",
    params: {
      session_message:
        "You need to authenticate with an identity that matches the required policies",
      session_required_policies: ["foo", "baz"],
    },
  },
  {
    name: "legacy authorization_parameters, comma-separated single domain, prompt login",
    body: {
      authorization_parameters: {
        session_message: "You need to re-authenticate",
        session_required_single_domain: "foo.com,baz.org",
        prompt: "login",
      },
    },
    code: "AuthorizationRequired",
    params: {
      session_message: "You need to re-authenticate",
      session_required_single_domain: ["foo.com", "baz.org"],
      prompt: "login",
    },
  },
  {
    name: "legacy authorization_parameters with a code and comma-separated policies",
    body: {
      code: "UnsatisfiedPolicy",
      authorization_parameters: {
        session_message:
          "You need to authenticate with an identity that matches the required policies",
        session_required_policies: "foo,baz",
      },
    },
    code: "UnsatisfiedPolicy",
    params: {
      session_message:
        "You need to authenticate with an identity that matches the required policies",
      session_required_policies: ["foo", "baz"],
    },
  },
  {
    name: "backward-compatible ConsentRequired: the standard form wins",
    body: {
      code: "ConsentRequired",
      message: "Missing required foo_bar consent",
      request_id: "WmMV97A1w",
      required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*foo *bar]"],
      resource: "/transfer",
      authorization_parameters: {
        session_message: "Missing baz consent",
        required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*baz]"],
        optional: "A non-canonical field",
      },
    },
    code: "ConsentRequired",
    params: {
      session_message: "Missing baz consent",
      required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*baz]"],
      extra: { optional: "A non-canonical field" },
    },
    extra: {
      message: "Missing required foo_bar consent",
      request_id: "WmMV97A1w",
      required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*foo *bar]"],
      resource: "/transfer",
    },
  },
  {
    name: "GAREs nested in errors[]: the first match",
    body: {
      errors: [
        { code: "NotAGare", message: "first entry is something else" },
        {
          code: "ConsentRequired",
          message: "Missing required foo_bar consent",
          authorization_parameters: {
            required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*bar]"],
            session_message: "Missing required foo_bar consent",
          },
        },
        {
          code: "ConsentRequired",
          authorization_parameters: {
            required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*baz]"],
          },
        },
      ],
    },
    code: "ConsentRequired",
    params: {
      required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all[*bar]"],
      session_message: "Missing required foo_bar consent",
    },
    extra: { message: "Missing required foo_bar consent" },
  },
  {
    name: "Auth policy error: root GARE beside non-GARE errors[]",
    body: {
      errors: [
        {
          detail:
            "To access this project you must have an identity with admin privileges in session within the last 30 minutes.",
          id: "4a156297-a2e5-4095-a13c-ba9486035f79",
          title: "Forbidden",
          status: "403",
          code: "FORBIDDEN",
        },
      ],
      error: "forbidden",
      error_description: "Forbidden",
      authorization_parameters: {
        session_required_policies: [POLICY_ID],
        session_message:
          "To access this project you must have an identity with admin privileges in session within the last 30 minutes.",
      },
    },
    code: "AuthorizationRequired",
    params: {
      session_required_policies: [POLICY_ID],
      session_message:
        "To access this project you must have an identity with admin privileges in session within the last 30 minutes.",
    },
  },
  {
    name: "Flows web input: authentication policy required beside a Flows error object",
    body: {
      web_input_summary: { id: "b2b0c9de-4a02-4d59-a1f8-9fa1c1d5e6f7", status: "open" },
      error: {
        code: "AUTHENTICATION_POLICY_REQUIRED",
        detail:
          "None of the identities in session meet the requirements for the authentication policy.",
      },
      code: "AuthenticationPolicyRequired",
      authorization_parameters: {
        session_required_policies: [POLICY_ID],
        session_message: "Globus Flows detected an unsatisfied session policy for this web input.",
      },
    },
    code: "AuthenticationPolicyRequired",
    params: {
      session_required_policies: [POLICY_ID],
      session_message: "Globus Flows detected an unsatisfied session policy for this web input.",
    },
  },
  {
    name: "Flows error object holding a GARE",
    body: {
      error: {
        code: "ConsentRequired",
        detail: "Missing consent",
        authorization_parameters: { required_scopes: [FLOW_SCOPE] },
      },
    },
    code: "ConsentRequired",
    params: { required_scopes: [FLOW_SCOPE] },
    extra: { detail: "Missing consent" },
  },
  {
    name: "Timers: an inactive timer's inactive_reason.detail",
    body: {
      job_id: "8eb4b1a5-1e45-4ac4-9f7b-1bb1c43a6a2f",
      status: "inactive",
      inactive_reason: {
        cause: "globus_auth_requirements",
        detail: {
          code: "ConsentRequired",
          authorization_parameters: {
            session_message: "Missing required data_access consent",
            required_scopes: [TIMER_SCOPE],
          },
        },
      },
    },
    code: "ConsentRequired",
    params: {
      session_message: "Missing required data_access consent",
      required_scopes: [TIMER_SCOPE],
    },
  },
];

const NOT_GARES: [string, unknown][] = [
  ["an ordinary error", { code: "NotAnError", message: "This is not an error" }],
  ["ConsentRequired without scopes", { code: "ConsentRequired" }],
  ["required_scopes with a number", { code: "ConsentRequired", required_scopes: ["foo", 123] }],
  ["required_scope not a string", { code: "ConsentRequired", required_scope: 1 }],
  ["authorization_parameters not an object", { code: "X", authorization_parameters: "x" }],
  ["authorization_parameters a list", { code: "X", authorization_parameters: [] }],
  ["code a number", { code: 5, authorization_parameters: {} }],
  ["legacy prompt other than login", { authorization_parameters: { prompt: "none" } }],
  ["mfa a string in both forms", { authorization_parameters: { session_required_mfa: "yes" } }],
  [
    "identities a comma string",
    { authorization_parameters: { session_required_identities: "a,b" } },
  ],
  ["dependent consent without errors", { error: "dependent_consent_required" }],
  [
    "dependent consent, first error not an object",
    { error: "dependent_consent_required", errors: ["x"] },
  ],
  ["inactive timer for another cause", { inactive_reason: { cause: "user", detail: null } }],
  ["null", null],
  ["undefined", undefined],
  ["a string", "ConsentRequired"],
  ["a number", 403],
  ["a list of GAREs (a list is not a document)", [{ code: "X", authorization_parameters: {} }]],
  ["a class instance", new Date()],
];

function actualParams(gare: GARE): Record<string, unknown> {
  return JSON.parse(JSON.stringify(gare.authorization_parameters));
}

describe("parseGare: every Globus variant", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const gare = parseGare(c.body);
      assert.ok(gare, "expected a GARE");
      assert.equal(gare.code, c.code);
      assert.deepEqual(actualParams(gare), c.params);
      if (c.extra) assert.deepEqual({ ...gare.extra }, c.extra);
      assert.equal(isGare(c.body), true);
      // The same body reaches us as a GlobusAPIError, too.
      const apiError = new GlobusAPIError({
        method: "GET",
        url: "https://transfer.api.globus.org/v0.10/operation/endpoint/x/ls",
        httpStatus: 403,
        headers: new Headers(),
        text: JSON.stringify(c.body),
        data: c.body,
      });
      assert.deepEqual(toGare(apiError), gare);
      assert.ok(Object.isFrozen(gare) && Object.isFrozen(gare.authorization_parameters));
    });
  }

  for (const [name, body] of NOT_GARES) {
    test(`not a GARE: ${name}`, () => {
      assert.equal(parseGare(body), null);
      assert.equal(isGare(body), false);
      assert.equal(toGare(body), null);
    });
  }

  test("standard form accepts any prompt string; legacy only login", () => {
    assert.equal(
      parseGare({ code: "X", authorization_parameters: { prompt: "none" } })
        ?.authorization_parameters.prompt,
      "none",
    );
    assert.equal(
      parseGare({ authorization_parameters: { prompt: "login" } })?.code,
      "AuthorizationRequired",
    );
  });

  test("toGare reads a sub-error's raw object and toGares skips non-GAREs", () => {
    const body = {
      errors: [
        { code: "Other", message: "no" },
        { code: "ConsentRequired", required_scopes: ["s1"] },
      ],
    };
    const apiError = new GlobusAPIError({
      method: "GET",
      url: "https://groups.api.globus.org/v2/groups/my_groups",
      httpStatus: 403,
      headers: new Headers(),
      text: "",
      data: body,
    });
    assert.equal(apiError.errors.length, 2);
    assert.equal(toGare(apiError.errors[0]), null);
    assert.deepEqual(toGare(apiError.errors[1])?.authorization_parameters.required_scopes, ["s1"]);
    const gares = toGares([
      apiError,
      { code: "Nope" },
      { authorization_parameters: { session_required_mfa: true } },
    ]);
    assert.deepEqual(
      gares.map((g) => g.code),
      ["ConsentRequired", "AuthorizationRequired"],
    );
  });
});

describe("empty fields never reach Auth", () => {
  test("empty lists, empty strings and blank entries are dropped when parsed", () => {
    const gare = parseGare({
      code: "ConsentRequired",
      authorization_parameters: {
        required_scopes: [],
        session_required_identities: ["", "  "],
        session_required_policies: [" p1 ", "p1", "p2"],
        session_message: "",
        prompt: null,
      },
    });
    assert.ok(gare);
    assert.deepEqual(gareToJSON(gare), {
      code: "ConsentRequired",
      authorization_parameters: { session_required_policies: ["p1", "p2"] },
    });
    assert.equal("required_scopes" in gare.authorization_parameters, false);
  });

  test("serialising hand-made parameters omits empties and keeps false MFA", () => {
    const json = authorizationParametersToJSON({
      required_scopes: [],
      session_required_single_domain: [""],
      session_required_mfa: false,
      session_message: "hi",
    });
    assert.deepEqual(json, { session_required_mfa: false, session_message: "hi" });
  });

  test("extra fields are kept and come back with includeExtra only", () => {
    const body = {
      code: "ConsentRequired",
      request_id: "r1",
      authorization_parameters: { required_scopes: ["a"], future_field: { x: 1 } },
    };
    const gare = parseGare(body);
    assert.ok(gare);
    assert.deepEqual(gareToJSON(gare, { includeExtra: true }), body);
    assert.deepEqual(gareToJSON(gare), {
      code: "ConsentRequired",
      authorization_parameters: { required_scopes: ["a"] },
    });
  });

  test("a __proto__ key from JSON stays data and pollutes nothing", () => {
    const body = JSON.parse(
      '{"code":"X","__proto__":{"polluted":1},"authorization_parameters":{"__proto__":{"polluted":2},"required_scopes":["s"]}}',
    );
    const gare = parseGare(body);
    assert.ok(gare);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.equal(Object.getPrototypeOf(gare.extra), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(gare.extra, "__proto__")?.value, {
      polluted: 1,
    });
    const json = gareToJSON(gare, { includeExtra: true });
    assert.equal(Object.getPrototypeOf(json), Object.prototype);
    assert.ok(Object.hasOwn(json, "__proto__"));
  });
});

describe("authorizationParameters builder", () => {
  test("normalises lists, accepts comma strings for policies and domains", () => {
    const params = authorizationParameters({
      session_required_policies: "a, b,,a",
      session_required_single_domain: ["uchicago.edu", " uchicago.edu "],
      required_scopes: ["openid", "openid", "email"],
      session_required_mfa: true,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(params)), {
      session_required_policies: ["a", "b"],
      session_required_single_domain: ["uchicago.edu"],
      required_scopes: ["openid", "email"],
      session_required_mfa: true,
    });
  });

  test("a wrongly typed field is a typed error naming the field", () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ session_required_mfa: "true" }, "session_required_mfa"],
      [{ required_scopes: "openid" }, "required_scopes"],
      [{ session_required_identities: [1] }, "session_required_identities"],
      [{ session_message: 3 }, "session_message"],
      [{ prompt: false }, "prompt"],
      [{ extra: [] }, "extra"],
    ];
    for (const [input, field] of bad) {
      assert.throws(
        () => authorizationParameters(input as never),
        (err: unknown) =>
          err instanceof AuthorizationParametersError &&
          err.field === field &&
          err.message.includes(`'${field}'`),
      );
    }
    assert.throws(() => authorizationParameters(null as never), AuthorizationParametersError);
  });

  test("merge unions lists, ORs MFA and keeps the first message", () => {
    const merged = mergeAuthorizationParameters(
      { required_scopes: ["s1"], session_message: "first", session_required_mfa: false },
      { required_scopes: ["s2", "s1"], session_message: "second", session_required_mfa: true },
      {},
    );
    assert.deepEqual(merged.required_scopes, ["s1", "s2"]);
    assert.equal(merged.session_message, "first");
    assert.equal(merged.session_required_mfa, true);
  });

  test("createGare builds a frozen GARE with the default code", () => {
    const gare = createGare({
      authorization_parameters: { session_required_mfa: true, required_scopes: [] },
    });
    assert.equal(gare.code, "AuthorizationRequired");
    assert.deepEqual(gareToJSON(gare), {
      code: "AuthorizationRequired",
      authorization_parameters: { session_required_mfa: true },
    });
    assert.deepEqual(parseGare(gareToJSON(gare)), gare);
  });
});
