// biome-ignore-all lint/suspicious/noExplicitAny: tests read untyped JSON wire documents
/** Helpers for the service-module tests: real token grants against the emulator, and JSON calls. */
import { createHash, randomBytes } from "node:crypto";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
} from "../../../src/testing/index.ts";

const REDIRECT = "http://127.0.0.1:9999/callback";

export interface TokenSet {
  /** Access tokens keyed by resource server. */
  byResourceServer: Map<string, string>;
  raw: any;
}

function collect(body: any): TokenSet {
  const byResourceServer = new Map<string, string>();
  for (const token of [body, ...(body.other_tokens ?? [])]) {
    byResourceServer.set(token.resource_server, token.access_token);
  }
  return { byResourceServer, raw: body };
}

async function tokenCall(emulator: RunningEmulator, form: Record<string, string>, headers = {}) {
  const response = await fetch(`${emulator.urls.auth}v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`token call failed: ${JSON.stringify(body)}`);
  return collect(body);
}

/** A client_credentials grant for the seeded confidential client (HTTP Basic). */
export function clientCredentials(emulator: RunningEmulator, scope: string): Promise<TokenSet> {
  const basic = Buffer.from(
    `${DEMO_CONFIDENTIAL_CLIENT_ID}:${DEMO_CONFIDENTIAL_CLIENT_SECRET}`,
  ).toString("base64");
  return tokenCall(
    emulator,
    { grant_type: "client_credentials", scope },
    { authorization: `Basic ${basic}` },
  );
}

/** An auto-approved authorization-code login with PKCE for the native client. */
export async function userLogin(
  emulator: RunningEmulator,
  identityId: string,
  scope: string,
  options: { mfa?: boolean } = {},
): Promise<TokenSet> {
  emulator.controls.autoApprove(identityId, { mfa: options.mfa ?? false, count: 1 });
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const url = new URL("v2/oauth2/authorize", emulator.urls.auth);
  for (const [key, value] of Object.entries({
    client_id: DEMO_NATIVE_CLIENT_ID,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope,
    state: "s",
    code_challenge: challenge,
    code_challenge_method: "S256",
  })) {
    url.searchParams.set(key, value);
  }
  const response = await fetch(url, { redirect: "manual" });
  if (response.status !== 302) throw new Error(`authorize answered ${response.status}`);
  const code = new URL(response.headers.get("location") ?? "").searchParams.get("code") ?? "";
  return tokenCall(emulator, {
    grant_type: "authorization_code",
    client_id: DEMO_NATIVE_CLIENT_ID,
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT,
  });
}

export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
}

/** One JSON call with a bearer token (or none). */
export async function call(
  url: string,
  token: string | undefined,
  init: { method?: string; body?: unknown; query?: Record<string, string | number | boolean> } = {},
): Promise<CallResult> {
  const target = new URL(url);
  for (const [key, value] of Object.entries(init.query ?? {}))
    target.searchParams.set(key, String(value));
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(target, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  return { status: response.status, body, headers: response.headers };
}
