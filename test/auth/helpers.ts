import assert from "node:assert/strict";
import {
  type AuthorizationCodeFlow,
  type AuthorizeUrlParams,
  ConfidentialAppAuthClient,
  NativeAppAuthClient,
} from "../../src/auth/index.ts";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
} from "../../src/testing/index.ts";

export const TRANSFER_RS = "transfer.api.globus.org";
export const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";
export const GROUPS_RS = "groups.api.globus.org";
export const GROUPS_VIEW =
  "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";
export const VIEW_CONSENTS = "urn:globus:auth:scope:auth.globus.org:view_consents";
export const VIEW_IDENTITIES = "urn:globus:auth:scope:auth.globus.org:view_identities";

/** A native client bound to the emulator's Auth and clock. */
export function nativeClient(emulator: RunningEmulator): NativeAppAuthClient {
  return new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
    baseUrl: emulator.urls["auth"],
    now: () => emulator.controls.now(),
    retry: { maxAttempts: 1 },
  });
}

/** The emulator's confidential demo client, bound to its Auth and clock. */
export function confidentialClient(emulator: RunningEmulator): ConfidentialAppAuthClient {
  return new ConfidentialAppAuthClient(
    DEMO_CONFIDENTIAL_CLIENT_ID,
    DEMO_CONFIDENTIAL_CLIENT_SECRET,
    {
      baseUrl: emulator.urls["auth"],
      now: () => emulator.controls.now(),
      retry: { maxAttempts: 1 },
    },
  );
}

/**
 * Plays the browser: with auto-approval on, GETs the authorize URL without following the
 * redirect and returns the query of the Location header (code, state or error).
 */
export async function approve(
  flow: AuthorizationCodeFlow,
  params: AuthorizeUrlParams = {},
): Promise<URLSearchParams> {
  const response = await fetch(flow.authorizeUrl(params), { redirect: "manual" });
  await response.arrayBuffer();
  assert.equal(response.status, 302, "the emulator redirects back with the code");
  const location = response.headers.get("location");
  assert.ok(location, "the redirect has a Location");
  return new URL(location).searchParams;
}

/** Logs Alice (or another identity) in through a native PKCE flow and returns the tokens. */
export async function loginAs(
  emulator: RunningEmulator,
  client: NativeAppAuthClient | ConfidentialAppAuthClient,
  identityId: string,
  scopes: string[],
  options: { refreshTokens?: boolean; redirectUri?: string } = {},
) {
  emulator.controls.autoApprove(identityId, { count: 1 });
  const flow = client.startFlow({
    requestedScopes: scopes,
    refreshTokens: options.refreshTokens ?? true,
    ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}),
  });
  const query = await approve(flow);
  assert.equal(query.get("state"), flow.state);
  const code = query.get("code");
  assert.ok(code, `the redirect carries a code (got ${query.toString()})`);
  return flow.exchangeCode(code);
}
