/**
 * Wire facts: for each Python SDK 4.9 method, the request it sends (method, path, query
 * parameters, body keys) and the shape of the response Globus recorded for it
 * (`src/globus_sdk/testing/data/<service>/`). They are read from the Python SDK's source
 * and written here by hand, never copied and never taken from our own emulator, so that a
 * misunderstanding of the real API cannot hide in both our client and our emulator.
 *
 * `test/testing/wire-facts.test.ts` walks every emulated route with them: each route has a
 * fact, each fact's driver calls our client, and the request and the emulator's answer
 * must match the fact.
 */
import { ClientApp, MemoryTokenStorage, type UserApp } from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import type { HTTPMethod } from "../../src/transport/types.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import type { Shape } from "./shape.ts";

/** The facts of one Python SDK method. */
export interface WireFact {
  /** The Python method, `Class.method_name`, e.g. `TransferClient.get_endpoint`. */
  python: string;
  /** The emulator mount that serves it (`auth`, `transfer`, `flows`, ...). */
  service: string;
  method: HTTPMethod;
  /**
   * The path below the service's root, with `{name}` for each variable segment, as the
   * Python source builds it: `/v0.10/endpoint/{endpoint_id}`. GCS paths start at `/api/`.
   */
  path: string;
  /** Every query parameter the Python method can send (besides `query_params`). */
  query?: readonly string[];
  /**
   * Every top-level key of the JSON (or form) body the Python method, or its payload
   * builder, can send. Undefined: the method sends no body.
   */
  body?: readonly string[];
  /** The shape of the recorded response. */
  response: Shape;
  /** The recorded response's status (default: any 2xx). */
  status?: number;
  /** Where the facts were read: the Python source file and the recorded response. */
  source: string;
  /**
   * Calls the operation through our own client against the emulator (setting up whatever it
   * needs first). The last matching request it makes is the one checked.
   */
  drive(context: WireContext): Promise<unknown>;
}

/** An emulated route with no Python SDK method (a browser page, say), and why. */
export interface RouteWithoutFact {
  service: string;
  method: HTTPMethod;
  /** As the route is registered, with `:name` segments. */
  path: string;
  why: string;
}

/** What a driver gets: the emulator, and apps that log in without a person. */
export interface WireContext {
  readonly emulator: RunningEmulator;
  /** A UserApp on memory storage that logs in as the identity (default Alice); one each. */
  userApp(identityId?: string): UserApp;
  /** A ClientApp of the emulator's demo confidential client, on memory storage. */
  clientApp(): ClientApp;
}

/** The apps a service's drivers share; `close()` ends them all. */
export function wireContext(emulator: RunningEmulator): WireContext & { close(): Promise<void> } {
  const users = new Map<string, UserApp>();
  let client: ClientApp | undefined;
  return {
    emulator,
    userApp(identityId = ALICE_IDENTITY_ID) {
      let app = users.get(identityId);
      if (!app) {
        app = emulatorUserApp(emulator, new MemoryTokenStorage(), `wire-${identityId}`, identityId);
        users.set(identityId, app);
      }
      return app;
    },
    clientApp() {
      client ??= new ClientApp("wire-client", {
        clientId: DEMO_CONFIDENTIAL_CLIENT_ID,
        clientSecret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
        config: { tokenStorage: "memory" },
      });
      return client;
    },
    async close() {
      for (const app of users.values()) await app.close();
      await client?.close();
    },
  };
}

/** A fact path (`{name}`) or a route (`:name`) with its variable segments made alike. */
export function normalisePath(path: string): string {
  return path
    .split("/")
    .map((segment) => (/^(\{[^}]+\}|:.+)$/.test(segment) ? "{}" : segment))
    .join("/")
    .replace(/(.)\/$/, "$1");
}

/** Whether a concrete request path fits a fact's template. */
export function pathFits(template: string, path: string): boolean {
  const expected = normalisePath(template).split("/");
  const actual = path.replace(/(.)\/$/, "$1").split("/");
  return (
    expected.length === actual.length &&
    expected.every((segment, i) => (segment === "{}" ? actual[i] !== "" : segment === actual[i]))
  );
}
