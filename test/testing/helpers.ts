// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
/** Shared helpers for the emulator tests: PKCE, form posts, a browser-like login. */
import { createHash, randomBytes } from "node:crypto";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
} from "../../src/testing/index.ts";

export const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";
export const VIEW_CONSENTS = "urn:globus:auth:scope:auth.globus.org:view_consents";
export const NATIVE_REDIRECT = "http://127.0.0.1:9999/callback";

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function basicAuth(
  id = DEMO_CONFIDENTIAL_CLIENT_ID,
  secret = DEMO_CONFIDENTIAL_CLIENT_SECRET,
): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, body, headers: response.headers };
}

export function authorizeUrl(emulator: RunningEmulator, params: Record<string, string>): string {
  const url = new URL("v2/oauth2/authorize", emulator.urls.auth);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** The authorize URL of a native-app PKCE login for `challenge`, plus `params`. */
export function nativeAuthorizeUrl(
  emulator: RunningEmulator,
  challenge: string,
  params: Record<string, string>,
): string {
  return authorizeUrl(emulator, {
    client_id: DEMO_NATIVE_CLIENT_ID,
    redirect_uri: NATIVE_REDIRECT,
    response_type: "code",
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...params,
  });
}

/** Authorize (with auto-approve already set) and return the code from the redirect. */
export async function authorizeCode(
  emulator: RunningEmulator,
  scope: string,
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string; location: URL }> {
  const { verifier, challenge } = pkcePair();
  const response = await fetch(
    nativeAuthorizeUrl(emulator, challenge, { scope, state: "xyz", ...extra }),
    { redirect: "manual" },
  );
  if (response.status !== 302) throw new Error(`authorize answered ${response.status}`);
  const location = new URL(response.headers.get("location")!);
  return { code: location.searchParams.get("code") ?? "", verifier, location };
}

/** A native-app login (auto-approved) exchanged for tokens. */
export async function nativeLogin(
  emulator: RunningEmulator,
  identityId: string,
  scope: string,
  options: { offline?: boolean; mfa?: boolean } = {},
): Promise<any> {
  emulator.controls.autoApprove(identityId, { mfa: options.mfa ?? false, count: 1 });
  const { code, verifier } = await authorizeCode(
    emulator,
    scope,
    options.offline ? { access_type: "offline" } : {},
  );
  const result = await postForm(`${emulator.urls.auth}v2/oauth2/token`, {
    grant_type: "authorization_code",
    client_id: DEMO_NATIVE_CLIENT_ID,
    code,
    code_verifier: verifier,
    redirect_uri: NATIVE_REDIRECT,
  });
  if (result.status !== 200) throw new Error(`token exchange: ${JSON.stringify(result.body)}`);
  return result.body;
}
