/** Shared pieces of the hardening suite: store kinds and store checks. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import {
  GlobusSDKError,
  JSONTokenStorage,
  SQLiteTokenStorage,
  type TokenStorage,
} from "../../src/index.ts";

export type StoreKind = "json" | "sqlite";

/** The resource servers a UserApp bound to Flows and Transfer keeps tokens for. */
export const BOUND_RESOURCE_SERVERS = [
  "auth.globus.org",
  "flows.globus.org",
  "transfer.api.globus.org",
] as const;

export function openStore(
  kind: StoreKind,
  path: string,
): TokenStorage & { close(): Promise<void> } {
  return kind === "json" ? new JSONTokenStorage(path) : new SQLiteTokenStorage(path);
}

/**
 * Awaits a call and returns "ok", or the error when it is a typed SDK error. Anything else
 * (a TypeError, a raw fetch failure) fails the test: that is the promise being checked.
 */
export async function settle(call: Promise<unknown>): Promise<"ok" | GlobusSDKError> {
  try {
    await call;
    return "ok";
  } catch (error) {
    assert.ok(
      error instanceof GlobusSDKError,
      `expected a typed GlobusSDKError, got ${String((error as Error)?.name)}: ${String(error)}`,
    );
    return error;
  }
}

interface StoredToken {
  access_token?: unknown;
  refresh_token?: unknown;
}

/** Reads the raw store file (not through the SDK) and returns its DEFAULT namespace. */
export function readStoreFile(kind: StoreKind, path: string): Record<string, StoredToken> {
  if (kind === "json") {
    const document = JSON.parse(readFileSync(path, "utf8")) as {
      format_version?: unknown;
      data?: Record<string, Record<string, StoredToken>>;
    };
    assert.equal(document.format_version, "2.0");
    return document.data?.["DEFAULT"] ?? {};
  }
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const integrity = db.prepare("PRAGMA integrity_check").get() as Record<string, unknown>;
    assert.equal(Object.values(integrity)[0], "ok");
    const rows = db
      .prepare("SELECT resource_server, token_data_json FROM token_storage WHERE namespace = ?")
      .all("DEFAULT") as { resource_server: string; token_data_json: string }[];
    const out: Record<string, StoredToken> = {};
    for (const row of rows) out[row.resource_server] = JSON.parse(row.token_data_json);
    return out;
  } finally {
    db.close();
  }
}

/** The store file parses and holds an access and a refresh token for every bound server. */
export function assertStoreIntact(kind: StoreKind, path: string): void {
  const tokens = readStoreFile(kind, path);
  for (const rs of BOUND_RESOURCE_SERVERS) {
    const entry = tokens[rs];
    assert.ok(entry, `the ${kind} store lost the tokens of ${rs}`);
    assert.equal(typeof entry.access_token, "string", `${rs} access_token`);
    assert.ok((entry.access_token as string).length > 0);
    assert.equal(typeof entry.refresh_token, "string", `${rs} refresh_token`);
  }
}
