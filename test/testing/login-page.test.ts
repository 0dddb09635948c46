import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  ALICE_IDENTITY_ID,
  ALICE_UNIVERSITY_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_REDIRECT_URI,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import {
  authorizeUrl,
  basicAuth,
  NATIVE_REDIRECT,
  nativeAuthorizeUrl,
  pkcePair,
  postForm,
  TRANSFER_ALL,
} from "./helpers.ts";

interface ParsedForm {
  action: string;
  method: string;
  fields: Map<string, string>;
  radios: Map<string, string[]>;
  checkboxes: Map<string, string>;
  buttons: { name: string; value: string }[];
}

/** Reads the first <form> of a page the way a browser would see its controls. */
function parseForm(html: string): ParsedForm {
  const form = /<form\s+([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  assert.ok(form, "the page has a form");
  const attr = (tag: string, name: string) => {
    const match = new RegExp(`${name}="([^"]*)"`, "i").exec(tag);
    return match ? match[1]!.replaceAll("&amp;", "&").replaceAll("&quot;", '"') : undefined;
  };
  const parsed: ParsedForm = {
    action: attr(form[1]!, "action") ?? "",
    method: (attr(form[1]!, "method") ?? "get").toLowerCase(),
    fields: new Map(),
    radios: new Map(),
    checkboxes: new Map(),
    buttons: [],
  };
  for (const input of form[2]!.matchAll(/<input\s+([^>]*)>/gi)) {
    const tag = input[1]!;
    const type = attr(tag, "type") ?? "text";
    const name = attr(tag, "name");
    const value = attr(tag, "value") ?? "";
    if (!name) continue;
    if (type === "radio") parsed.radios.set(name, [...(parsed.radios.get(name) ?? []), value]);
    else if (type === "checkbox") parsed.checkboxes.set(name, value);
    else parsed.fields.set(name, value);
  }
  for (const button of form[2]!.matchAll(/<button\s+([^>]*)>/gi)) {
    parsed.buttons.push({
      name: attr(button[1]!, "name") ?? "",
      value: attr(button[1]!, "value") ?? "",
    });
  }
  return parsed;
}

/** Submits the form as a browser does: named fields, the chosen radio, ticked boxes, the clicked button. */
async function submit(
  form: ParsedForm,
  choices: { radio: Record<string, string>; tick: string[]; button: string },
  cookie?: string,
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of form.fields) body.append(name, value);
  for (const [name, value] of Object.entries(choices.radio)) {
    assert.ok(form.radios.get(name)?.includes(value), `${value} is offered for ${name}`);
    body.append(name, value);
  }
  for (const name of choices.tick) body.append(name, form.checkboxes.get(name) ?? "on");
  const button = form.buttons.find((candidate) => candidate.value === choices.button);
  assert.ok(button, `a ${choices.button} button exists`);
  body.append(button.name, button.value);
  assert.equal(form.method, "post");
  return fetch(form.action, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(cookie ? { cookie } : {}),
    },
    body: body.toString(),
  });
}

describe("the login-and-consent HTML page", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.controls.reset());

  it("logs in with a real form post, redirects with code and state, and the code works", async () => {
    const { verifier, challenge } = pkcePair();
    const page = await fetch(
      nativeAuthorizeUrl(emulator, challenge, {
        scope: `openid ${TRANSFER_ALL}`,
        state: "state-123",
        access_type: "offline",
        session_message: "Please log in <now>",
        prefill_named_grant: "my laptop",
      }),
    );
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    const html = await page.text();
    assert.ok(html.includes("Please log in &lt;now&gt;"), "the session message is shown, escaped");
    assert.ok(html.includes(TRANSFER_ALL));
    const form = parseForm(html);
    assert.equal(form.fields.get("named_grant"), "my laptop");
    const response = await submit(form, {
      radio: { identity_id: ALICE_UNIVERSITY_IDENTITY_ID },
      tick: ["mfa"],
      button: "allow",
    });
    assert.equal(response.status, 302);
    assert.match(response.headers.get("set-cookie") ?? "", /globus_emulator_session=/);
    const location = new URL(response.headers.get("location")!);
    assert.equal(`${location.origin}${location.pathname}`, NATIVE_REDIRECT);
    assert.equal(location.searchParams.get("state"), "state-123");
    const code = location.searchParams.get("code")!;
    assert.ok(code);
    const tokens = await postForm(`${emulator.urls.auth}v2/oauth2/token`, {
      grant_type: "authorization_code",
      client_id: DEMO_NATIVE_CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: NATIVE_REDIRECT,
    });
    assert.equal(tokens.status, 200);
    assert.equal(tokens.body.resource_server, "auth.globus.org");
    assert.equal(typeof tokens.body.refresh_token, "string");
    const claims = JSON.parse(
      Buffer.from(tokens.body.id_token.split(".")[1], "base64url").toString(),
    );
    assert.equal(claims.sub, ALICE_UNIVERSITY_IDENTITY_ID);
    const transfer = emulator.controls
      .tokens()
      .find((t) => t.token === tokens.body.other_tokens[0].access_token);
    assert.equal(transfer?.identityId, ALICE_UNIVERSITY_IDENTITY_ID);
    // The same form cannot be answered twice.
    const replay = await submit(form, {
      radio: { identity_id: ALICE_IDENTITY_ID },
      tick: [],
      button: "allow",
    });
    assert.equal(replay.status, 400);
  });

  it("redirects with error=access_denied when the user denies", async () => {
    const { challenge } = pkcePair();
    const page = await fetch(
      nativeAuthorizeUrl(emulator, challenge, {
        scope: TRANSFER_ALL,
        state: "s1",
      }),
    );
    const response = await submit(parseForm(await page.text()), {
      radio: { identity_id: ALICE_IDENTITY_ID },
      tick: [],
      button: "deny",
    });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get("location")!);
    assert.equal(location.searchParams.get("error"), "access_denied");
    assert.equal(location.searchParams.get("state"), "s1");
    assert.equal(location.searchParams.get("code"), null);
  });

  it("honours session_required_identities and session_required_mfa", async () => {
    const { challenge } = pkcePair();
    const page = await fetch(
      nativeAuthorizeUrl(emulator, challenge, {
        scope: TRANSFER_ALL,
        session_required_identities: ALICE_UNIVERSITY_IDENTITY_ID,
        session_required_mfa: "True",
        session_required_single_domain: "university.example.edu",
        session_required_policies: "policy-1",
        prompt: "login",
      }),
    );
    const form = parseForm(await page.text());
    assert.deepEqual(form.radios.get("identity_id"), [ALICE_UNIVERSITY_IDENTITY_ID]);
    const withoutMfa = await submit(form, {
      radio: { identity_id: ALICE_UNIVERSITY_IDENTITY_ID },
      tick: [],
      button: "allow",
    });
    assert.equal(withoutMfa.status, 400);
    assert.match(await withoutMfa.text(), /multi-factor/);
    const withMfa = await submit(form, {
      radio: { identity_id: ALICE_UNIVERSITY_IDENTITY_ID },
      tick: ["mfa"],
      button: "allow",
    });
    assert.equal(withMfa.status, 302);
  });

  it("sends native apps without a redirect to the emulator's auth-code page", async () => {
    const { challenge } = pkcePair();
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const response = await fetch(
      nativeAuthorizeUrl(emulator, challenge, {
        redirect_uri: "https://auth.globus.org/v2/web/auth-code",
        scope: TRANSFER_ALL,
      }),
      { redirect: "manual" },
    );
    const location = response.headers.get("location")!;
    assert.ok(location.startsWith(`${emulator.urls.auth}v2/web/auth-code?`), location);
    const display = await fetch(location);
    const html = await display.text();
    const code = new URL(location).searchParams.get("code")!;
    assert.ok(html.includes(code));
  });

  it("lets a confidential client use its registered redirect and exchange with Basic auth", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const response = await fetch(
      authorizeUrl(emulator, {
        client_id: DEMO_CONFIDENTIAL_CLIENT_ID,
        redirect_uri: DEMO_CONFIDENTIAL_REDIRECT_URI,
        response_type: "code",
        scope: TRANSFER_ALL,
      }),
      { redirect: "manual" },
    );
    const code = new URL(response.headers.get("location")!).searchParams.get("code")!;
    const tokens = await postForm(
      `${emulator.urls.auth}v2/oauth2/token`,
      { grant_type: "authorization_code", code, redirect_uri: DEMO_CONFIDENTIAL_REDIRECT_URI },
      { authorization: basicAuth() },
    );
    assert.equal(tokens.status, 200);
    assert.equal(tokens.body.resource_server, "transfer.api.globus.org");
  });

  it("rejects bad authorize requests", async () => {
    const { challenge } = pkcePair();
    const base = {
      client_id: DEMO_NATIVE_CLIENT_ID,
      redirect_uri: NATIVE_REDIRECT,
      response_type: "code",
      scope: TRANSFER_ALL,
      state: "st",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const call = (change: Record<string, string | undefined>) => {
      const params: Record<string, string> = { ...base };
      for (const [key, value] of Object.entries(change)) {
        if (value === undefined) delete params[key];
        else params[key] = value;
      }
      return fetch(authorizeUrl(emulator, params), { redirect: "manual" });
    };
    assert.equal((await call({ client_id: "nope" })).status, 400);
    assert.equal((await call({ redirect_uri: "https://evil.example.com/cb" })).status, 400);
    const confidentialBadRedirect = await call({
      client_id: DEMO_CONFIDENTIAL_CLIENT_ID,
      redirect_uri: "https://evil.example.com/cb",
    });
    assert.equal(confidentialBadRedirect.status, 400);
    for (const [change, error] of [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: undefined }, "invalid_scope"],
      [{ scope: "bogus" }, "invalid_scope"],
      [{ code_challenge: undefined }, "invalid_request"],
      [{ code_challenge_method: "plain" }, "invalid_request"],
    ] as const) {
      const response = await call(change);
      assert.equal(response.status, 302, JSON.stringify(change));
      const location = new URL(response.headers.get("location")!);
      assert.equal(location.searchParams.get("error"), error);
      assert.equal(location.searchParams.get("state"), "st");
    }
  });

  it("auto-approves with MFA and auto-denies for automated tests", async () => {
    const { challenge } = pkcePair();
    const params = {
      client_id: DEMO_NATIVE_CLIENT_ID,
      redirect_uri: NATIVE_REDIRECT,
      response_type: "code",
      scope: TRANSFER_ALL,
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    emulator.controls.autoDeny({ count: 1 });
    const denied = await fetch(authorizeUrl(emulator, params), { redirect: "manual" });
    assert.equal(
      new URL(denied.headers.get("location")!).searchParams.get("error"),
      "access_denied",
    );
    // count: 1 is used up, so the page is back.
    const page = await fetch(authorizeUrl(emulator, params), { redirect: "manual" });
    assert.equal(page.status, 200);
  });
});
