/**
 * Authorizer benchmarks: the cost of a renewing authorizer's header on the hot path (fresh
 * token) against a static one, and a 1,000-request storm with an expired token (one
 * shared refresh) against the same storm with a valid static token.
 */
import { NativeAppAuthClient } from "../src/auth/index.ts";
import { AccessTokenAuthorizer, RefreshTokenAuthorizer } from "../src/authorizers/index.ts";
import { ALICE_IDENTITY_ID, DEMO_NATIVE_CLIENT_ID, startEmulator } from "../src/testing/index.ts";
import { Transport } from "../src/transport/transport.ts";
import { type BenchResult, median, timeMs } from "./types.ts";

const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";
const HEADER_CALLS = 200_000;
const STORM = 1000;

export async function run(): Promise<BenchResult[]> {
  const emulator = await startEmulator();
  try {
    const client = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
      baseUrl: emulator.urls["auth"],
      now: () => emulator.controls.now(),
    });
    const login = async () => {
      emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
      const flow = client.startFlow({ requestedScopes: TRANSFER_ALL, refreshTokens: true });
      const redirect = await fetch(flow.authorizeUrl(), { redirect: "manual" });
      await redirect.arrayBuffer();
      const code = new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "";
      const response = await flow.exchangeCode(code);
      const data = response.byResourceServer["transfer.api.globus.org"];
      if (!data?.refresh_token) throw new Error("login gave no refresh token");
      return data;
    };
    const data = await login();

    const renewing = new RefreshTokenAuthorizer({
      loginClient: client,
      refreshToken: data.refresh_token ?? "",
      accessToken: data.access_token,
      expiresAt: data.expires_at_seconds,
    });
    const fixed = new AccessTokenAuthorizer(data.access_token);
    const headerLoop = async (authorizer: { getAuthorizationHeader(): Promise<unknown> }) => {
      for (let i = 0; i < HEADER_CALLS; i++) await authorizer.getAuthorizationHeader();
    };
    const oursHeader = median([
      await timeMs(() => headerLoop(renewing)),
      await timeMs(() => headerLoop(renewing)),
    ]);
    const baseHeader = median([
      await timeMs(() => headerLoop(fixed)),
      await timeMs(() => headerLoop(fixed)),
    ]);

    const storm = (transport: Transport) =>
      Promise.all(
        Array.from({ length: STORM }, () => transport.request({ path: "v0.10/submission_id" })),
      );
    const transferWith = (authorizer: RefreshTokenAuthorizer | AccessTokenAuthorizer) =>
      new Transport({ baseUrl: emulator.urls["transfer"] ?? "", authorizer });
    await storm(transferWith(fixed)); // warm up connections
    const baseStorm = await timeMs(() => storm(transferWith(fixed)));
    const fresh = await login();
    emulator.controls.advanceClock(fresh.expires_at_seconds - emulator.controls.now() + 1);
    const expired = new RefreshTokenAuthorizer({
      loginClient: client,
      refreshToken: fresh.refresh_token ?? "",
      accessToken: fresh.access_token,
      expiresAt: fresh.expires_at_seconds,
    });
    emulator.controls.clearRequestLog();
    const oursStorm = await timeMs(() => storm(transferWith(expired)));
    const grants = emulator.controls.countGrants("refresh_token");

    return [
      {
        name: "authorizer header (fresh token), per call",
        ours: (oursHeader * 1000) / HEADER_CALLS,
        baseline: (baseHeader * 1000) / HEADER_CALLS,
        unit: "µs",
        ratio: oursHeader / baseHeader,
        note: "RefreshTokenAuthorizer vs AccessTokenAuthorizer",
      },
      {
        name: `storm of ${STORM} requests with an expired token`,
        ours: oursStorm,
        baseline: baseStorm,
        unit: "ms",
        ratio: oursStorm / baseStorm,
        note: `${grants} refresh grant(s) for ${STORM} requests; baseline uses a valid static token`,
      },
    ];
  } finally {
    await emulator.stop();
  }
}

if (import.meta.main) {
  for (const result of await run()) console.log(result);
}
