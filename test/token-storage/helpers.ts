import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TokenData, TokenResponseLike } from "../../src/token-storage/types.ts";

export const FIXTURES = fileURLToPath(new URL("../fixtures/token-storage/", import.meta.url));
export const FIXTURE_IDENTITY = "8ca28797-3541-4a5d-a264-05b00f91e608";
export const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = "globus-ts-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a committed fixture into `dir` (never open the committed file directly). */
export function copyFixture(name: string, dir: string, as = name): string {
  const target = path.join(dir, as);
  cpSync(path.join(FIXTURES, name), target);
  return target;
}

export function tokenData(overrides: Partial<TokenData> & { resource_server: string }): TokenData {
  return {
    identity_id: FIXTURE_IDENTITY,
    scope: "some:scope",
    access_token: `at-${overrides.resource_server}`,
    refresh_token: `rt-${overrides.resource_server}`,
    expires_at_seconds: Math.floor(Date.now() / 1000) + 3600,
    token_type: "Bearer",
    ...overrides,
  };
}

/** A token response whose id_token "decodes" to `sub` (decoding itself is the auth module's job). */
export function tokenResponse(
  entries: TokenData[],
  sub: string | undefined,
  options: { isRefreshResponse?: boolean } = {},
): TokenResponseLike {
  const byResourceServer: Record<string, TokenData> = {};
  for (const entry of entries) byResourceServer[entry.resource_server] = entry;
  return {
    byResourceServer,
    idToken:
      sub === undefined
        ? undefined
        : `header.${Buffer.from(JSON.stringify({ sub })).toString("base64url")}.sig`,
    isRefreshResponse: options.isRefreshResponse ?? false,
    async decodeIdToken() {
      if (sub === undefined) throw new Error("no id_token");
      return { sub };
    },
  };
}
