/**
 * GlobusApp, round 2: logins from notebooks and GUIs (prompt hooks, the two-step login,
 * kernels), parity with the Python SDK (logout sweep, GAREs, redrive on 403, ClientApp
 * checks), its extension points (validators, file storages, providers, client binding),
 * and what goes beyond it (profiles in one store, apps from the environment).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import {
  AutomaticLoginFlowManager,
  ClientApp,
  CommandLineLoginFlowManager,
  ConfidentialAppAuthClient,
  chooseLoginFlow,
  FileTokenStorage,
  FlowsClient,
  GlobusAPIError,
  GlobusApp,
  GlobusSDKUsageError,
  GroupsClient,
  hasGares,
  JSONTokenStorage,
  LoginRequiredError,
  MemoryTokenStorage,
  NativeAppAuthClient,
  type TokenData,
  type TokenDataValidator,
  TokenValidationError,
  TransferClient,
  toGares,
  UserApp,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  EmulatorLoginFlowManager,
  type RunningEmulator,
} from "../../src/testing/index.ts";
import { emulatorHomeHooks, emulatorUserApp } from "../helpers/emulator-app.ts";
import { json, startTestServer, type TestServer } from "../helpers/http-server.ts";

let emulator: RunningEmulator;
let server: TestServer;
let home: string;
emulatorHomeHooks("globus-round2-", {
  emulator: (running) => {
    emulator = running;
  },
  home: (folder) => {
    home = folder;
  },
});
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const logins = () => emulator.controls.countGrants("authorization_code");
const nativeClient = () =>
  new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { now: () => emulator.controls.now() });

/** What a person does with an authorize URL: log in (as `identityId`) and copy the code. */
async function codeFor(authorizeUrl: string, identityId = ALICE_IDENTITY_ID): Promise<string> {
  emulator.controls.autoApprove(identityId, { count: 1 });
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  const code = new URL(response.headers.get("location") ?? "").searchParams.get("code");
  assert.ok(code, `no code for ${authorizeUrl}`);
  return code;
}

describe("notebooks and GUIs", () => {
  test("a two-step login, with no stdin, stores tokens; its secrets never touch disk", async () => {
    await using app = new UserApp("two-step", {
      loginClient: nativeClient(),
      config: { loginFlowManager: "command-line" },
    });
    const flows = new FlowsClient({ app });
    const pending = await app.startLogin();
    assert.equal(readdirSync(home).length, 0, "nothing on disk before the code comes back");
    assert.equal(String(pending), "PendingLogin(pending)");
    await assert.rejects(pending.complete("not-a-real-code"), GlobusAPIError);
    await pending.complete(await codeFor(pending.authorizeUrl));
    await assert.rejects(pending.complete("again"), GlobusSDKUsageError);
    const exchanges = logins();
    assert.equal(exchanges, 2, "the wrong code, then the right one");
    await flows.listFlows().firstPage();
    assert.equal(logins(), exchanges, "the stored tokens serve the calls");
    const folder = join(home, ".globus", "app", DEMO_NATIVE_CLIENT_ID, "two-step");
    const [records, others] = partition(readdirSync(folder), (name) =>
      /^\.tokens\.json\.lock\.\d+\.[0-9a-f]+\.tmp$/.test(name),
    );
    assert.deepEqual(others, ["tokens.json"], "only the tokens are written");
    // beside them, while the app is open, at most the file lock's record: no secret in it
    assert.ok(records.length <= 1);
    for (const record of records) {
      const fields = JSON.parse(readFileSync(join(folder, record), "utf8"));
      assert.deepEqual(Object.keys(fields).sort(), ["hostname", "pid", "timestamp", "token"]);
      assert.equal(fields.pid, process.pid);
    }
  });

  test("the command-line flow's prompt hooks get the URL and return the code", async () => {
    const loginClient = nativeClient();
    const shown: string[] = [];
    const manager = new CommandLineLoginFlowManager({
      loginClient,
      // stdin is never read: a closed stream would fail the login if it were
      input: Readable.from([]),
      printAuthorizeUrl: (url) => {
        shown.push(url);
      },
      promptForCode: () => codeFor(shown.at(-1)!),
    });
    await using app = new UserApp("hooks", {
      loginClient,
      config: { loginFlowManager: manager, tokenStorage: "memory" },
    });
    new FlowsClient({ app });
    await app.login();
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /\/v2\/oauth2\/authorize\?/);
    assert.equal(await app.loginRequired(), false);
  });

  test("auto knows a Node notebook kernel and names the two-step login", async () => {
    const environment = { env: { JPY_SESSION_NAME: "analysis.ipynb" }, stdinIsTTY: false };
    assert.equal(chooseLoginFlow(environment), "notebook");
    const manager = new AutomaticLoginFlowManager({ loginClient: nativeClient(), environment });
    await assert.rejects(
      manager.runLoginFlow({ required_scopes: ["openid"] }),
      (error: unknown) => error instanceof LoginRequiredError && /startLogin/.test(error.message),
    );
  });

  test("auto in Deno's Jupyter kernel prints the URL and reads the code with prompt()", async () => {
    let printed = "";
    const output = new Writable({
      write(chunk, _encoding, done) {
        printed += chunk;
        done();
      },
    });
    const manager = new AutomaticLoginFlowManager({
      loginClient: nativeClient(),
      output,
      environment: {
        env: {},
        denoJupyter: {},
        // Deno's prompt() waits until the person answers; this person opens the printed
        // URL and types back the code Globus shows (a real prompt() blocks; the emulator
        // shares this process, so this one waits without blocking it)
        prompt: async (message) => {
          assert.match(message, /authorization code/);
          const url = /(http\S+\/v2\/oauth2\/authorize\S+)/.exec(printed)?.[1];
          assert.ok(url, "the URL was printed before the prompt");
          return codeFor(url);
        },
      },
    });
    assert.equal(manager.choice, "notebook-prompt");
    const response = await manager.runLoginFlow({ required_scopes: ["openid"] });
    assert.ok(response.byResourceServer["auth.globus.org"]);
  });
});

describe("parity with the Python SDK", () => {
  test("logout() revokes and removes the required resource servers' tokens; sweep removes all", async () => {
    const storage = new MemoryTokenStorage();
    {
      // another app on the same store keeps Groups tokens
      await using other = emulatorUserApp(emulator, storage, "other");
      new GroupsClient({ app: other });
      await other.login();
    }
    await using app = emulatorUserApp(emulator, storage, "mine");
    new FlowsClient({ app });
    await app.login();
    const revokes = () =>
      emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/token/revoke" }).length;
    const report = await app.logout();
    assert.deepEqual(report.removed.sort(), ["auth.globus.org", "flows.globus.org"]);
    assert.ok(await storage.getTokenData("groups.api.globus.org"), "another app's tokens stay");
    assert.equal(revokes(), 4, "an access and a refresh token each for Auth and Flows");
    const swept = await app.logout({ sweep: true });
    assert.deepEqual(swept.removed, ["groups.api.globus.org"]);
    assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
  });

  test("logout removes local tokens even when Auth cannot revoke them, and says which", async () => {
    await using app = emulatorUserApp(emulator, new MemoryTokenStorage(), "offline-logout");
    new FlowsClient({ app });
    await app.login();
    emulator.controls.addFault({
      kind: "status",
      status: 503,
      service: "auth",
      path: "/v2/oauth2/token/revoke",
    });
    const report = await app.logout();
    assert.equal(report.removed.length, 2);
    assert.equal(report.revocationFailures.length, 4);
    assert.deepEqual((await app.tokenStorage()).storage instanceof MemoryTokenStorage, true);
    assert.equal(await app.loginRequired(), true);
  });

  test("toGares expands every sub-error of an API error; hasGares tells whether any holds one", () => {
    const gare = (scope: string) => ({
      code: "AuthorizationRequired",
      authorization_parameters: { required_scopes: [scope], session_message: "more" },
    });
    const error = new GlobusAPIError({
      method: "GET",
      url: "https://example.org/x",
      httpStatus: 403,
      headers: new Headers(),
      text: "",
      data: { errors: [gare("a:b"), { code: "Other", message: "no" }, gare("c:d")] },
    });
    const gares = toGares([error]);
    assert.deepEqual(
      gares.map((g) => g.authorization_parameters.required_scopes),
      [["a:b"], ["c:d"]],
    );
    assert.equal(hasGares([error]), true);
    assert.equal(hasGares([{ code: "Nope" }]), false);
  });

  test("GAREs are redriven only on a 403, as Python does", async () => {
    const loginsBefore = logins();
    await using app = new UserApp("redrive", {
      loginClient: nativeClient(),
      config: {
        autoRedriveGares: true,
        tokenStorage: "memory",
        loginFlowManager: new EmulatorLoginFlowManager({
          loginClient: nativeClient(),
          requestRefreshTokens: true,
          approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID },
        }),
      },
    });
    const transfer = new TransferClient({ app, baseUrl: server.url });
    const gareBody = {
      code: "ConsentRequired",
      message: "more consent",
      authorization_parameters: {
        required_scopes: ["urn:globus:auth:scope:transfer.api.globus.org:all"],
      },
    };
    server.handle((_req, res, index) =>
      index === 0 ? json(res, 400, gareBody) : json(res, 200, { DATA_TYPE: "endpoint" }),
    );
    await assert.rejects(
      transfer.getEndpoint("00000000-0000-4000-8000-000000000000"),
      GlobusAPIError,
    );
    const afterBadRequest = logins();
    assert.equal(afterBadRequest - loginsBefore, 1, "only the login for the token itself");
    server.handle((_req, res, index) =>
      index === 0 ? json(res, 403, gareBody) : json(res, 200, { DATA_TYPE: "endpoint" }),
    );
    const endpoint = await transfer.getEndpoint("00000000-0000-4000-8000-000000000000");
    assert.equal(endpoint.DATA_TYPE, "endpoint");
    assert.equal(logins() - afterBadRequest, 1, "a 403 GARE logs in once and retries");
  });

  test("a ClientApp refuses a loginFlowManager, and a login without scope requirements", async () => {
    assert.throws(
      () =>
        new ClientApp("svc", {
          clientId: DEMO_CONFIDENTIAL_CLIENT_ID,
          clientSecret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
          config: { loginFlowManager: "command-line" },
        }),
      (error: unknown) =>
        error instanceof GlobusSDKUsageError && /loginFlowManager/.test(error.message),
    );
    await using app = new ClientApp("svc", {
      clientId: DEMO_CONFIDENTIAL_CLIENT_ID,
      clientSecret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
      config: { tokenStorage: "memory" },
    });
    await assert.rejects(
      app.login({ force: true }),
      (error: unknown) =>
        error instanceof GlobusSDKUsageError && /scope requirements/.test(error.message),
    );
  });

  test("a confidential UserApp with a custom login flow manager needs no loginRedirectUri", async () => {
    const loginClient = new ConfidentialAppAuthClient(
      DEMO_CONFIDENTIAL_CLIENT_ID,
      DEMO_CONFIDENTIAL_CLIENT_SECRET,
    );
    assert.throws(() => new UserApp("c", { loginClient }), /loginRedirectUri/);
    await using app = new UserApp("c", {
      loginClient,
      config: { loginFlowManager: { runLoginFlow: () => Promise.reject(new Error("not used")) } },
    });
    assert.ok(app);
  });
});

describe("extension points", () => {
  test("a custom validator refuses a store, and one that refuses a read leads to a login", async () => {
    let refuseReads = 0;
    const validator: TokenDataValidator = {
      beforeStore(data, context) {
        assert.equal(typeof context.now, "number");
        if ("nope.example.org" in data) throw new TokenValidationError("not this resource server");
      },
      afterRetrieve(data) {
        if (refuseReads > 0 && "flows.globus.org" in data) {
          refuseReads -= 1;
          throw new TokenValidationError("a policy of ours: log in again");
        }
      },
    };
    const storage = new MemoryTokenStorage();
    const appWith = () =>
      new UserApp("validators", {
        loginClient: nativeClient(),
        config: {
          tokenStorage: storage,
          tokenValidators: [validator],
          loginFlowManager: new EmulatorLoginFlowManager({
            loginClient: nativeClient(),
            requestRefreshTokens: true,
            approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID },
          }),
        },
      });
    {
      await using app = appWith();
      await new FlowsClient({ app }).listFlows().firstPage();
      const validating = await app.tokenStorage();
      const entry = (await validating.getTokenData("flows.globus.org")) as TokenData;
      await assert.rejects(
        validating.storeTokenDataByResourceServer({
          "nope.example.org": { ...entry, resource_server: "nope.example.org" },
        }),
        TokenValidationError,
      );
      assert.equal(await storage.getTokenData("nope.example.org"), undefined, "nothing written");
    }
    const before = logins();
    refuseReads = 1;
    await using again = appWith();
    await new FlowsClient({ app: again }).listFlows().firstPage();
    assert.equal(refuseReads, 0, "the validator ran on the read");
    assert.equal(logins() - before, 1, "its refusal led to one login, then the call went on");
  });

  test("a FileTokenStorage subclass is a custom file format with the locks, modes and links for free", async () => {
    /** One `namespace resource_server json` line per entry. */
    class LinesTokenStorage extends FileTokenStorage {
      static override readonly fileFormat = "lines";
      async #entries(): Promise<Map<string, TokenData>> {
        const text = this.readSnapshot().text ?? "";
        const out = new Map<string, TokenData>();
        for (const line of text.split("\n").filter(Boolean)) {
          const [namespace, rs, ...rest] = line.split(" ");
          if (namespace === this.namespace) out.set(rs!, JSON.parse(rest.join(" ")));
        }
        return out;
      }
      protected async storeImpl(data: Record<string, TokenData>) {
        await this.updateFile(async () => {
          const lines = readFileSafe(this.filepath)
            .split("\n")
            .filter(
              (line) =>
                line &&
                !Object.keys(data).some((rs) => line.startsWith(`${this.namespace} ${rs} `)),
            );
          for (const [rs, entry] of Object.entries(data))
            lines.push(`${this.namespace} ${rs} ${JSON.stringify(entry)}`);
          return `${lines.join("\n")}\n`;
        });
      }
      protected async getAllImpl() {
        return Object.fromEntries(await this.#entries());
      }
      protected async removeImpl(rs: string) {
        const had = (await this.#entries()).has(rs);
        await this.updateFile(() =>
          readFileSafe(this.filepath)
            .split("\n")
            .filter((line) => !line.startsWith(`${this.namespace} ${rs} `))
            .join("\n"),
        );
        return had;
      }
      protected async closeImpl() {}
    }
    const seen: unknown[] = [];
    await using app = new UserApp("lines", {
      loginClient: nativeClient(),
      config: {
        tokenStorage: {
          forGlobusApp(context) {
            seen.push(context.config);
            return LinesTokenStorage.forGlobusApp(context);
          },
        },
        loginFlowManager: new EmulatorLoginFlowManager({
          loginClient: nativeClient(),
          requestRefreshTokens: true,
          approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID },
        }),
      },
    });
    new FlowsClient({ app });
    await app.login();
    assert.equal(seen[0], app.config, "the provider got the whole config");
    const file = join(home, ".globus", "app", DEMO_NATIVE_CLIENT_ID, "lines", "tokens.lines");
    assert.match(readFileSync(file, "utf8"), /^DEFAULT flows\.globus\.org \{/m);
    assert.equal((await import("node:fs")).statSync(file).mode & 0o777, 0o600);
    assert.equal(await app.loginRequired(), false, "and it reads them back");
  });

  test("a client built without an app attaches to one later, and says which scopes it asks for", async () => {
    await using app = emulatorUserApp(emulator, new MemoryTokenStorage(), "attach");
    const flows = new FlowsClient();
    assert.equal(flows.appScopes === undefined, true);
    flows.attachGlobusApp(app, FlowsClient.scopes.manage_flows);
    assert.deepEqual(flows.appScopes?.map(String), [String(FlowsClient.scopes.manage_flows)]);
    assert.deepEqual(app.scopeRequirements["flows.globus.org"]?.map(String), [
      String(FlowsClient.scopes.manage_flows),
    ]);
    await flows.listFlows().firstPage();
    assert.throws(() => flows.attachGlobusApp(app), /already bound/);
    const withAuthorizer = new TransferClient({
      authorizer: {
        getAuthorizationHeader: async () => undefined,
        handleMissingAuthorization: async () => false,
      },
    });
    assert.throws(() => withAuthorizer.attachGlobusApp(app), /authorizer/);
    const transfer = new TransferClient({ app });
    assert.deepEqual(transfer.appScopes?.map(String), [
      "urn:globus:auth:scope:transfer.api.globus.org:all",
    ]);
  });

  test("a client without an app sends its appName; get/post/put/patch/delete reach unwrapped operations", async () => {
    server.handle((req, res) =>
      json(res, 200, {
        method: req.method,
        path: req.path,
        body: req.body ? JSON.parse(req.body) : null,
      }),
    );
    const client = new TransferClient({
      baseUrl: server.url,
      appName: "nightly-sync",
      authorizer: {
        getAuthorizationHeader: async () => "Bearer t0k3n-for-raw-calls",
        handleMissingAuthorization: async () => false,
      },
    });
    const got = await client.get<{ path: string }>("/v0.10/thing", { queryParams: { a: 1 } });
    assert.equal(got.data.path, "/v0.10/thing");
    assert.equal(server.requests.at(-1)?.query.get("a"), "1");
    assert.match(String(server.requests.at(-1)?.headers["user-agent"]), /\/nightly-sync$/);
    for (const method of ["post", "put", "patch"] as const) {
      const sent = await client[method]<{ method: string; body: unknown }>("/v0.10/thing", {
        data: { n: 1 },
      });
      assert.deepEqual(sent.data, {
        method: method.toUpperCase(),
        path: "/v0.10/thing",
        body: { n: 1 },
      });
    }
    assert.equal((await client.delete<{ method: string }>("/v0.10/thing")).data.method, "DELETE");
    await using app = emulatorUserApp(emulator, new MemoryTokenStorage(), "with-app");
    assert.throws(() => new TransferClient({ app, appName: "x" }), /appName/);
  });
});

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

describe("beyond Python", () => {
  test("several identities side by side in one store, one namespace (profile) each", async () => {
    const file = join(home, "shared.json");
    const profile = (name: string, identityId: string) => {
      const loginClient = nativeClient();
      return new UserApp("profiles", {
        loginClient,
        config: {
          tokenNamespace: name,
          tokenStorage: {
            forGlobusApp: (context) =>
              new JSONTokenStorage(file, { namespace: context.namespace ?? "DEFAULT" }),
          },
          loginFlowManager: new EmulatorLoginFlowManager({
            loginClient,
            requestRefreshTokens: true,
            approveAs: { controls: emulator.controls, identityId },
          }),
        },
      });
    };
    await using work = profile("work", ALICE_IDENTITY_ID);
    await using personal = profile("personal", BOB_IDENTITY_ID);
    new FlowsClient({ app: work });
    new FlowsClient({ app: personal });
    await work.login();
    await personal.login();
    const doc = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(Object.keys(doc.data).sort(), ["personal", "work"]);
    assert.equal(doc.data.work["flows.globus.org"].identity_id, ALICE_IDENTITY_ID);
    assert.equal(doc.data.personal["flows.globus.org"].identity_id, BOB_IDENTITY_ID);
    assert.equal(await work.loginRequired(), false);
    assert.equal(await personal.loginRequired(), false);
    assert.throws(
      () => new UserApp("p", { clientId: DEMO_NATIVE_CLIENT_ID, config: { tokenNamespace: "" } }),
      GlobusSDKUsageError,
    );
  });

  test("GlobusApp.fromEnvironment for each combination of variables", async () => {
    const build = (env: NodeJS.ProcessEnv) =>
      GlobusApp.fromEnvironment("from-env", { env, config: { tokenStorage: "memory" } });
    await using user = build({ GLOBUS_CLIENT_ID: DEMO_NATIVE_CLIENT_ID });
    assert.ok(user instanceof UserApp);
    assert.equal(user.clientId, DEMO_NATIVE_CLIENT_ID);
    await using service = build({
      GLOBUS_CLIENT_ID: DEMO_CONFIDENTIAL_CLIENT_ID,
      GLOBUS_CLIENT_SECRET: DEMO_CONFIDENTIAL_CLIENT_SECRET,
    });
    assert.ok(service instanceof ClientApp);
    const failure = (env: NodeJS.ProcessEnv, names: RegExp[]) =>
      assert.throws(
        () => build(env),
        (error: unknown) => {
          assert.ok(error instanceof GlobusSDKUsageError);
          for (const name of names) assert.match(error.message, name);
          return true;
        },
      );
    failure({}, [/GLOBUS_CLIENT_ID/, /GLOBUS_CLIENT_SECRET/]);
    failure({ GLOBUS_CLIENT_SECRET: "s3cret-value" }, [
      /GLOBUS_CLIENT_SECRET is set but GLOBUS_CLIENT_ID is not/,
    ]);
    failure({ GLOBUS_CLIENT_ID: "" }, [/GLOBUS_CLIENT_ID is set but empty/]);
    failure({ GLOBUS_CLIENT_ID: DEMO_NATIVE_CLIENT_ID, GLOBUS_CLIENT_SECRET: " " }, [
      /GLOBUS_CLIENT_SECRET is set but empty/,
    ]);
  });
});

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
