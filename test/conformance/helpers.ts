/**
 * The conformance suite drives the emulator with the official Globus JavaScript SDK
 * (`@globus/sdk`, a devDependency), which nobody here wrote, at the emulator's per-service
 * origins, as it would reach real Globus. Its answers are checked against the SDK's own
 * types (`type-facts.ts`), generated from Globus's OpenAPI specs.
 */
import assert from "node:assert/strict";
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { userTokens } from "../services/helpers.ts";
import type { TypeCheckResult, TypeFacts } from "./type-facts.ts";

/**
 * An emulator with per-service origins, and the process environment pointed at it, so
 * `@globus/sdk` (which reads `GLOBUS_SDK_SERVICE_URL_<SERVICE>` on every call) reaches it.
 */
export async function conformanceEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ ...options, servicePorts: true });
  delete process.env.GLOBUS_SDK_ENVIRONMENT;
  delete process.env.GLOBUS_SDK_OPTIONS;
  Object.assign(process.env, emulator.environmentVariables);
  return emulator;
}

/** `@globus/sdk` call options that carry a bearer token, plus `extra` (query, payload). */
export function withToken<T extends Record<string, unknown>>(
  token: string,
  extra?: T,
): T & { headers: Record<string, string> } {
  return { ...(extra as T), headers: { Authorization: `Bearer ${token}` } };
}

/** Alice's access token for one resource server, from a login with `scopes`. */
export async function tokenFor(
  emulator: RunningEmulator,
  resourceServer: string,
  scopes: string[],
  options: { identityId?: string } = {},
): Promise<string> {
  const tokens = await userTokens(emulator, scopes, options);
  const token = tokens.get(resourceServer);
  assert.ok(token, `the login for ${scopes.join(" ")} gave no ${resourceServer} token`);
  return token;
}

/** What an answer may lack or add, and why (every entry needs a reason). */
export interface Allowances {
  /** Fields the type declares that the emulator leaves out, and why. */
  absent?: Record<string, string>;
  /** Fields the emulator sends that the type does not declare, and why. */
  undeclared?: Record<string, string>;
  /**
   * Values whose type differs from the OpenAPI type, by JSON path with `[]` for any index
   * (`$.flows[].subscription_id`), and why: where the recorded responses of the real
   * service (the Python SDK's test data) disagree with the published spec, say.
   */
  mismatches?: Record<string, string>;
}

/**
 * Reads an `@globus/sdk` response: it must be a success, and its JSON must fit the named
 * type, carry every field the type declares (but those allowed absent), and carry no field
 * the type lacks (but those allowed).
 */
export async function expectConforming(
  facts: TypeFacts,
  typeName: string,
  response: Response,
  allowances: Allowances = {},
): Promise<Record<string, unknown>> {
  const text = await response.text();
  assert.ok(response.ok, `HTTP ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as Record<string, unknown>;
  assertConforming(facts.check(typeName, body), allowances);
  return body;
}

/** Asserts a type check found nothing beyond the allowances. */
export function assertConforming(result: TypeCheckResult, allowances: Allowances = {}): void {
  const allowed = allowances.mismatches ?? {};
  assert.deepEqual(
    result.problems
      .filter((problem) => !(problem.path.replace(/\[\d+\]/g, "[]") in allowed))
      .map((problem) => `${problem.path}: ${problem.message}`),
    [],
    "fields of the wrong type",
  );
  assert.deepEqual(
    result.absentFields.filter((field) => !(field in (allowances.absent ?? {}))),
    [],
    "fields the OpenAPI type declares that the answer lacks",
  );
  assert.deepEqual(
    result.undeclaredFields.filter((field) => !(field in (allowances.undeclared ?? {}))),
    [],
    "fields the OpenAPI type does not declare",
  );
}
