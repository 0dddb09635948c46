/**
 * Tokens for service-client tests, straight from the emulator's Auth with plain fetch, so the
 * clients can be tested with `{ authorizer }` independently of the app layer.
 */
import { createHash, randomBytes } from "node:crypto";
import type { UserApp } from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEFAULT_SEED,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RequestLogEntry,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import type { Authorizer } from "../../src/transport/types.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";

interface TokenBody {
  access_token: string;
  resource_server: string;
  other_tokens?: TokenBody[];
}

/** An authorizer holding one access token; a 401 is final (these tokens outlive a test). */
export class StaticBearerAuthorizer implements Authorizer {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  async getAuthorizationHeader(): Promise<string> {
    return `Bearer ${this.#token}`;
  }
  async handleMissingAuthorization(): Promise<boolean> {
    return false;
  }
}

/** Every token of a token response, by resource server. */
function byResourceServer(body: TokenBody): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const token of [body, ...(body.other_tokens ?? [])])
    tokens.set(token.resource_server, token.access_token);
  return tokens;
}

async function tokenRequest(
  emulator: RunningEmulator,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Map<string, string>> {
  const response = await fetch(`${emulator.urls.auth}v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form),
  });
  if (!response.ok) {
    throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  }
  return byResourceServer((await response.json()) as TokenBody);
}

function asAuthorizers(tokens: Map<string, string>): Map<string, Authorizer> {
  return new Map([...tokens].map(([rs, token]) => [rs, new StaticBearerAuthorizer(token)]));
}

/** Client-credentials access tokens of the demo confidential client, by resource server. */
export async function clientCredentialsTokens(
  emulator: RunningEmulator,
  scopes: string[],
): Promise<Map<string, string>> {
  const basic = Buffer.from(
    `${DEMO_CONFIDENTIAL_CLIENT_ID}:${DEMO_CONFIDENTIAL_CLIENT_SECRET}`,
  ).toString("base64");
  return tokenRequest(
    emulator,
    { grant_type: "client_credentials", scope: scopes.join(" ") },
    { authorization: `Basic ${basic}` },
  );
}

/**
 * Client-credentials tokens of the demo confidential client for `scopes`, as an authorizer
 * per resource server.
 */
export async function clientCredentialsAuthorizers(
  emulator: RunningEmulator,
  scopes: string[],
): Promise<Map<string, Authorizer>> {
  return asAuthorizers(await clientCredentialsTokens(emulator, scopes));
}

/**
 * A user's tokens for `scopes`, as an authorizer per resource server: see
 * {@link userTokens}.
 */
export async function userAuthorizers(
  emulator: RunningEmulator,
  scopes: string[],
  options: { identityId?: string; mfa?: boolean } = {},
): Promise<Map<string, Authorizer>> {
  return asAuthorizers(await userTokens(emulator, scopes, options));
}

/**
 * A user's access tokens for `scopes`, by resource server: the emulator approves the next
 * authorization as the identity (Alice by default), and the native demo client runs an
 * authorization-code flow with PKCE.
 */
export async function userTokens(
  emulator: RunningEmulator,
  scopes: string[],
  options: { identityId?: string; mfa?: boolean } = {},
): Promise<Map<string, string>> {
  emulator.controls.autoApprove(options.identityId ?? ALICE_IDENTITY_ID, {
    mfa: options.mfa ?? false,
    count: 1,
  });
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const redirectUri = "http://127.0.0.1:1/callback";
  const authorize = new URL(`${emulator.urls.auth}v2/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    client_id: DEMO_NATIVE_CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: scopes.join(" "),
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "helpers",
  }).toString();
  const redirect = await fetch(authorize, { redirect: "manual" });
  const location = redirect.headers.get("location");
  const code = location ? new URL(location).searchParams.get("code") : null;
  if (!code) throw new Error(`authorize did not redirect with a code (${redirect.status})`);
  return tokenRequest(emulator, {
    grant_type: "authorization_code",
    client_id: DEMO_NATIVE_CLIENT_ID,
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });
}

/** The authorizer for `resourceServer`, or a clear failure naming what the grant lacked. */
export function authorizerFor(
  authorizers: Map<string, Authorizer>,
  resourceServer: string,
): Authorizer {
  const authorizer = authorizers.get(resourceServer);
  if (!authorizer)
    throw new Error(`no token for ${resourceServer}; got ${[...authorizers.keys()].join(", ")}`);
  return authorizer;
}

/** The last request the emulator logged for a service whose path starts with `path`. */
export function lastRequest(
  emulator: RunningEmulator,
  service: string,
  path: string,
  method?: string,
): RequestLogEntry {
  const entry = emulator.controls
    .requestLog({ service, path, ...(method ? { method } : {}) })
    .at(-1);
  if (!entry) throw new Error(`no ${method ?? ""} request to ${service}${path} was logged`);
  return entry;
}

/**
 * Runs `action` and returns what it did and the matching requests it caused, in order.
 * Only for tests that make their requests one at a time.
 */
export async function withRequests<T>(
  emulator: RunningEmulator,
  filter: { service: string; path: string; method?: string },
  action: () => Promise<T>,
): Promise<{ result: T; requests: RequestLogEntry[] }> {
  const before = emulator.controls.requestLog(filter).length;
  const result = await action();
  return { result, requests: emulator.controls.requestLog(filter).slice(before) };
}

/**
 * An emulator whose seed has three more collections than the default (so listings page),
 * and a UserApp on memory storage that logs in as Alice when asked. `idPrefix` keeps the
 * extra collection ids of different test files apart.
 */
export async function emulatorWithApp(
  appName: string,
  idPrefix: string,
): Promise<{ emulator: RunningEmulator; app: UserApp; dispose(): Promise<void> }> {
  const extra = [1, 2, 3].map((n) => ({
    ...DEFAULT_SEED.endpoints[0]!,
    id: `${idPrefix}-00000000000${n}`,
    display_name: `Extra Collection ${n}`,
  }));
  const emulator = await startEmulator({
    seed: { endpoints: [...DEFAULT_SEED.endpoints, ...extra] },
  });
  const app = emulatorUserApp(emulator, "memory", appName);
  return {
    emulator,
    app,
    async dispose() {
      await app.close();
      await emulator.stop();
    },
  };
}
