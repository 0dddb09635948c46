/**
 * Every public door checks its arguments: plain JavaScript callers pass `null`, a number
 * or nothing where an object or an id belongs, and must get a GlobusSDKUsageError naming
 * the argument, not a TypeError, a DataCloneError, a request to `.../undefined/...`, or a
 * file named `undefined` in the working folder.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, describe, test } from "node:test";
import {
  ClientApp,
  createGlobusAppConfig,
  FlowsClient,
  GlobusSDKUsageError,
  JSONTokenStorage,
  MemoryTokenStorage,
  NullAuthorizer,
  SpecificFlowClient,
  SQLiteTokenStorage,
  TransferClient,
  Transport,
  UserApp,
  ValidatingTokenStorage,
} from "../../src/index.ts";
import { DEMO_NATIVE_CLIENT_ID } from "../../src/testing/index.ts";
import { startTestServer } from "../helpers/http-server.ts";

// biome-ignore lint/suspicious/noExplicitAny: these calls are wrong on purpose, as untyped callers make them
const bad: any = null;
const userApp = () =>
  new UserApp("doors", { clientId: DEMO_NATIVE_CLIENT_ID, config: { tokenStorage: "memory" } });

const constructors: [string, () => unknown, RegExp][] = [
  ['new UserApp("x", null)', () => new UserApp("x", bad), /options/],
  [
    "new UserApp with config: null",
    () => new UserApp("x", { clientId: DEMO_NATIVE_CLIENT_ID, config: bad }),
    /config/,
  ],
  [
    "new UserApp(5, ...)",
    () => new UserApp(5 as never, { clientId: DEMO_NATIVE_CLIENT_ID }),
    /appName/,
  ],
  ['new ClientApp("x", null)', () => new ClientApp("x", bad), /options/],
  ["createGlobusAppConfig(null)", () => createGlobusAppConfig(bad), /config/],
  ["addScopeRequirements(null)", () => userApp().addScopeRequirements(bad), /requirements/],
  ["new TransferClient(null)", () => new TransferClient(bad), /options/],
  ["new FlowsClient(5)", () => new FlowsClient(5 as never), /options/],
  ["new SpecificFlowClient(undefined)", () => new SpecificFlowClient(undefined as never), /flowId/],
  ["new JSONTokenStorage(undefined)", () => new JSONTokenStorage(undefined as never), /filepath/],
  [
    "new SQLiteTokenStorage(undefined)",
    () => new SQLiteTokenStorage(undefined as never),
    /filepath/,
  ],
  ["new MemoryTokenStorage(null)", () => new MemoryTokenStorage(bad), /options/],
  ["new ValidatingTokenStorage(null)", () => new ValidatingTokenStorage(bad), /storage/],
  ["new Transport(null)", () => new Transport(bad), /options/],
];

describe("public constructors", () => {
  for (const [call, make, names] of constructors) {
    test(`${call} is a usage error naming the argument`, () => {
      assert.throws(make, (error: unknown) => {
        assert.ok(error instanceof GlobusSDKUsageError, `${call} threw ${String(error)}`);
        assert.match(error.message, names);
        return true;
      });
    });
  }

  test("new JSONTokenStorage(undefined) writes no file named undefined", () => {
    assert.throws(() => new JSONTokenStorage(undefined as never), GlobusSDKUsageError);
    assert.equal(existsSync("undefined"), false);
  });
});

describe("public methods", () => {
  test("an id that is undefined, null or an object never reaches the network", async () => {
    const server = await startTestServer();
    after(() => server.close());
    const transfer = new TransferClient({ baseUrl: server.url, authorizer: new NullAuthorizer() });
    for (const id of [undefined, null, {}, ""]) {
      await assert.rejects(
        async () => transfer.operationLs(id as never),
        (error: unknown) => {
          assert.ok(error instanceof GlobusSDKUsageError, String(error));
          assert.match(error.message, /\/v0\.10\/operation\/endpoint\/\{id\}\/ls/);
          return true;
        },
      );
      await assert.rejects(async () => transfer.getTask(id as never), GlobusSDKUsageError);
    }
    assert.equal(server.requests.length, 0);
  });

  test("a token entry with a function field is refused by name, and nothing is stored", async () => {
    const storage = new MemoryTokenStorage();
    const entry = {
      resource_server: "rs",
      identity_id: null,
      scope: "s",
      access_token: "a",
      refresh_token: null,
      expires_at_seconds: 2_000_000_000,
      token_type: "Bearer",
      callback: () => 1,
    };
    await assert.rejects(
      storage.storeTokenDataByResourceServer({ rs: entry }),
      (error: unknown) => {
        assert.ok(error instanceof GlobusSDKUsageError, String(error));
        assert.match(error.message, /callback is a function/);
        return true;
      },
    );
    assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
  });
});
