// Security checks: token file modes, the loopback login server's state check and single
// callback, PKCE S256 in every authorize URL, https-only base URLs (loopback excepted), and
// no issued token in anything the CLI and the demo print, debug logs included.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  CommandLineLoginFlowManager,
  ConfidentialAppAuthClient,
  FlowsClient,
  GlobusSDKError,
  GlobusSDKUsageError,
  JSONTokenStorage,
  LocalServerLoginFlowManager,
  NativeAppAuthClient,
  SQLiteTokenStorage,
  StateMismatchError,
  type TokenData,
  TransferClient,
  Transport,
  UserApp,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { captureOutput } from "../helpers/output-capture.ts";
import { runScript } from "../helpers/run-example.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));
const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";

let emulator: RunningEmulator;
let dir: string;
before(async () => {
  emulator = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "globus-hardening-security-"));
});
after(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (n: number) => `0${n.toString(8)}`;

function tokenData(resourceServer: string): TokenData {
  return {
    resource_server: resourceServer,
    identity_id: ALICE_IDENTITY_ID,
    scope: TRANSFER_ALL,
    access_token: "security-test-at",
    refresh_token: "security-test-rt",
    expires_at_seconds: 1_893_456_000,
    token_type: "Bearer",
  };
}

/** Every authorize URL's PKCE parameters: S256, and a 43-character base64url challenge. */
function assertPkceS256(url: string): void {
  const query = new URL(url).searchParams;
  assert.equal(query.get("code_challenge_method"), "S256", url);
  assert.match(query.get("code_challenge") ?? "", /^[A-Za-z0-9_-]{43}$/, url);
  assert.equal(query.getAll("code_challenge_method").length, 1);
}

describe("file modes", () => {
  test("token files are 0600 and the folders created for them 0700, whatever the umask", async () => {
    const previous = process.umask(0);
    try {
      for (const kind of ["json", "sqlite"] as const) {
        const top = join(dir, `modes-${kind}`);
        const file = join(top, "a", "b", kind === "json" ? "tokens.json" : "tokens.db");
        const storage = kind === "json" ? new JSONTokenStorage(file) : new SQLiteTokenStorage(file);
        await storage.storeTokenDataByResourceServer({
          "transfer.api.globus.org": tokenData("transfer.api.globus.org"),
        });
        // a second write replaces the file: the replacement must be 0600 too
        await storage.storeTokenDataByResourceServer({
          "flows.globus.org": tokenData("flows.globus.org"),
        });
        assert.equal(octal(mode(file)), "0600", `${kind} file`);
        for (const folder of [top, join(top, "a"), join(top, "a", "b")]) {
          assert.equal(octal(mode(folder)), "0700", `${kind} folder ${folder}`);
        }
        for (const extra of ["-wal", "-shm"]) {
          try {
            const m = mode(`${file}${extra}`);
            assert.equal(m & 0o077, 0, `${kind}${extra} is ${octal(m)}`);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
          }
        }
        await storage.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  test("a UserApp's default store under HOME is 0600 in 0700 folders", async () => {
    const home = join(dir, "home");
    const saved = { ...process.env };
    const previous = process.umask(0);
    try {
      Object.assign(process.env, emulator.environmentVariables, { HOME: home });
      const loginClient = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID);
      emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
      const app = new UserApp("modes-app", {
        loginClient,
        config: {
          loginFlowManager: new LocalServerLoginFlowManager({
            loginClient,
            output: null,
            openBrowser: (url) => void fetch(url).catch(() => {}),
          }),
        },
      });
      new TransferClient({ app });
      await app.login();
      await app.close();
      const file = join(home, ".globus", "app", DEMO_NATIVE_CLIENT_ID, "modes-app", "tokens.json");
      assert.equal(octal(mode(file)), "0600");
      for (let folder = join(file, ".."); folder !== home; folder = join(folder, "..")) {
        assert.equal(octal(mode(folder)), "0700", folder);
      }
    } finally {
      process.umask(previous);
      process.env = saved;
    }
  });
});

describe("the loopback login server", () => {
  const loginClient = () =>
    new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { baseUrl: emulator.urls.auth });

  /** Follows the authorize URL (auto-approved) to the callback URL it redirects to. */
  async function callbackUrl(authorizeUrl: string): Promise<URL> {
    const response = await fetch(authorizeUrl, { redirect: "manual" });
    const location = response.headers.get("location");
    assert.ok(location, `the authorize page redirected (HTTP ${response.status})`);
    return new URL(location);
  }

  for (const [label, damage] of [
    ["a wrong state", (q: URLSearchParams) => q.set("state", "not-the-state")],
    ["no state", (q: URLSearchParams) => q.delete("state")],
    ["an empty state", (q: URLSearchParams) => q.set("state", "")],
  ] as const) {
    test(`refuses a callback with ${label}, and exchanges no code`, async () => {
      emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
      const grantsBefore = emulator.controls.countGrants("authorization_code");
      // the login settles as soon as the server has the callback: the browser's side of
      // the exchange is awaited separately
      let browsing: Promise<number> = Promise.resolve(0);
      const manager = new LocalServerLoginFlowManager({
        loginClient: loginClient(),
        output: null,
        timeoutMs: 10_000,
        openBrowser: (url) => {
          assertPkceS256(url);
          browsing = (async () => {
            const callback = await callbackUrl(url);
            assert.ok(callback.searchParams.get("code"), "Auth issued a code");
            damage(callback.searchParams);
            return (await fetch(callback)).status;
          })();
        },
      });
      await assert.rejects(manager.runLoginFlow({ required_scopes: [TRANSFER_ALL] }), (e) => {
        assert.ok(e instanceof StateMismatchError, String(e));
        assert.ok(e instanceof GlobusSDKError);
        return true;
      });
      assert.equal(await browsing, 400, "the forged callback got the failure page");
      assert.equal(emulator.controls.countGrants("authorization_code"), grantsBefore);
    });
  }

  test("serves exactly one callback: a replay at once gets no second exchange", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID, { count: 1 });
    const grantsBefore = emulator.controls.countGrants("authorization_code");
    let browsing: Promise<(number | string)[]> = Promise.resolve([]);
    let callback: URL | undefined;
    const manager = new LocalServerLoginFlowManager({
      loginClient: loginClient(),
      output: null,
      timeoutMs: 10_000,
      openBrowser: (url) => {
        browsing = (async () => {
          callback = await callbackUrl(url);
          const target = callback;
          // the real callback and two replays race; the server must honour only one
          return Promise.all(
            [0, 1, 2].map(() =>
              fetch(target).then(
                (r) => r.status,
                () => "closed",
              ),
            ),
          );
        })();
      },
    });
    const tokens = await manager.runLoginFlow({ required_scopes: [TRANSFER_ALL] });
    const statuses = await browsing;
    assert.ok(tokens.byResourceServer["transfer.api.globus.org"]);
    assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses ${statuses.join(",")}`);
    for (const s of statuses) assert.ok(s === 200 || s === 410 || s === "closed", String(s));
    assert.equal(emulator.controls.countGrants("authorization_code") - grantsBefore, 1);
    // and once the login is over, nothing listens there any more
    await assert.rejects(fetch(callback!, { signal: AbortSignal.timeout(2_000) }));
  });
});

describe("PKCE", () => {
  test("every authorize URL the login clients build uses S256", () => {
    const native = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { baseUrl: emulator.urls.auth });
    const confidential = new ConfidentialAppAuthClient(
      DEMO_CONFIDENTIAL_CLIENT_ID,
      DEMO_CONFIDENTIAL_CLIENT_SECRET,
      { baseUrl: emulator.urls.auth },
    );
    const challenges = new Set<string>();
    for (const client of [native, confidential]) {
      for (const refreshTokens of [true, false]) {
        for (const params of [
          {},
          { session_required_mfa: true, session_message: "MFA please" },
          { session_required_identities: [ALICE_IDENTITY_ID], prompt: "login" as const },
          { session_required_single_domain: ["example.org"], session_required_policies: ["p"] },
        ]) {
          const flow = client.startFlow({
            requestedScopes: ["openid", TRANSFER_ALL],
            redirectUri: "http://127.0.0.1:8765/",
            refreshTokens,
          });
          const url = flow.authorizeUrl(params);
          assertPkceS256(url);
          challenges.add(new URL(url).searchParams.get("code_challenge")!);
        }
      }
    }
    assert.equal(challenges.size, 16, "a fresh verifier for every flow");
  });

  test("the command-line login flow prints an S256 authorize URL", async () => {
    const output = new PassThrough();
    let printed = "";
    output.on("data", (d) => {
      printed += d;
    });
    const input = new PassThrough();
    const manager = new CommandLineLoginFlowManager({
      loginClient: new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { baseUrl: emulator.urls.auth }),
      input,
      output,
      handleSigint: false,
    });
    const login = manager.runLoginFlow({ required_scopes: [TRANSFER_ALL] });
    // no code will come: closing the input ends the login with a typed error
    setTimeout(() => input.end(), 200);
    await assert.rejects(login, (e) => e instanceof GlobusSDKError);
    const url = /(http:\/\/\S+\/v2\/oauth2\/authorize\?\S+)/.exec(printed)?.[1];
    assert.ok(url, `an authorize URL was printed: ${printed}`);
    assertPkceS256(url);
  });
});

describe("https only, except on loopback", () => {
  const refused = [
    "http://auth.globus.org/",
    "http://example.org/v2",
    "http://127.0.0.1.example.org/",
    "http://localhost.example.org/",
    "http://127.0.0.1@example.org/",
    "http://10.0.0.1/",
    "ftp://127.0.0.1/",
    "not a url",
  ];
  const allowed = [
    "https://transfer.api.globus.org/v0.10/",
    "https://example.org/",
    "http://127.0.0.1:9999/",
    "http://localhost:9999/",
    "http://[::1]:9999/",
  ];

  test("Transport refuses plain-http base URLs off loopback", () => {
    for (const baseUrl of refused) {
      assert.throws(() => new Transport({ baseUrl }), GlobusSDKUsageError, baseUrl);
    }
    for (const baseUrl of allowed) new Transport({ baseUrl });
  });

  test("service clients and login clients refuse them too, from options or the environment", () => {
    for (const baseUrl of refused) {
      assert.throws(() => new FlowsClient({ baseUrl }), GlobusSDKUsageError, baseUrl);
      assert.throws(() => new TransferClient({ baseUrl }), GlobusSDKUsageError, baseUrl);
      assert.throws(
        () => new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, { baseUrl }),
        GlobusSDKUsageError,
        baseUrl,
      );
    }
    for (const baseUrl of allowed) new FlowsClient({ baseUrl });
    const saved = process.env["GLOBUS_SDK_SERVICE_URL_TRANSFER"];
    try {
      process.env["GLOBUS_SDK_SERVICE_URL_TRANSFER"] = "http://transfer.example.org/";
      assert.throws(() => new TransferClient(), GlobusSDKUsageError);
    } finally {
      if (saved === undefined) delete process.env["GLOBUS_SDK_SERVICE_URL_TRANSFER"];
      else process.env["GLOBUS_SDK_SERVICE_URL_TRANSFER"] = saved;
    }
  });

  test("an absolute plain-http request URL is refused before any connection", async () => {
    const transport = new Transport({ baseUrl: emulator.urls.transfer! });
    await assert.rejects(
      transport.request({ path: "http://example.org/v0.10/task" }),
      GlobusSDKUsageError,
    );
  });
});

describe("no token value in any output", () => {
  /** Runs a command under NODE_DEBUG=globus-sdk and returns everything it printed. */
  function run(args: string[], home: string, pty = false): Promise<string> {
    return runScript(emulator, [BIN, ...args], {
      env: { HOME: home, NODE_DEBUG: "globus-sdk" },
      identityId: ALICE_IDENTITY_ID,
      timeoutMs: 60_000,
      ...(pty ? { pty: true } : {}),
    }).then((r) => {
      assert.notEqual(r.code, null, `${args.join(" ")} was killed: ${r.stderr}`);
      return `${r.stdout}\n${r.stderr}`;
    });
  }

  test("a CLI session with debug logs, errors and a refresh never prints an issued token", async () => {
    const home = mkdtempSync(join(dir, "cli-"));
    let output = await run(["login", "--no-browser"], home, true);
    assert.match(output, /Logged in/);
    const printedUrl = /(http:\/\/\S+\/v2\/oauth2\/authorize\?[^\s'"]+)/.exec(output)?.[1];
    assert.ok(printedUrl, "the CLI printed an authorize URL");
    assertPkceS256(printedUrl);
    const commands = [
      ["session"],
      ["session", "--json"],
      ["whoami"],
      ["whoami", "--json"],
      ["flows", "list"],
      ["flows", "list", "--json"],
      ["transfer", "ls", `${DEMO_COLLECTION_ID}:/home/alice/`],
      ["transfer", "ls", `${DEMO_COLLECTION_ID}:/home/alice/`, "--json"],
    ];
    for (const args of commands) output += await run(args, home);
    // error paths: a refused token, a failing service, then expiry forcing a refresh
    emulator.controls.addFault({ kind: "status", status: 500, service: "flows", count: 10 });
    output += await run(["flows", "list"], home);
    emulator.controls.clearFaults();
    emulator.controls.advanceClock(3 * 24 * 3600);
    output += await run(["flows", "list", "--json"], home);
    output += await run(["transfer", "ls", `${DEMO_COLLECTION_ID}:/home/alice/`], home);
    assert.match(output, /GLOBUS-SDK \d+:/, "the debug log was on");
    const issued = emulator.controls.tokens();
    assert.ok(issued.length >= 4, "tokens were issued, refreshed ones included");
    for (const { token } of issued) {
      assert.ok(!output.includes(token), "an issued token appeared in the CLI output");
    }
  });

  test("npm run demo (debug logs on) prints nothing shaped like an emulator token", async () => {
    // The demo runs its own emulator, whose tokens are 32 random bytes in base64url: exactly
    // 43 characters. The authorize URL's state and code_challenge have the same shape, so
    // they are removed first, and so are %XX escapes (which glue URL pieces into long runs).
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, "demo"], {
        env: { ...process.env, NODE_DEBUG: "globus-sdk", HOME: mkdtempSync(join(dir, "demo-")) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        text += d;
      });
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        text += d;
      });
      const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(killer);
        captureOutput("globus-sdk demo", text);
        if (code === 0) resolve(text);
        else reject(new Error(`the demo exited ${code}: ${text}`));
      });
    });
    assert.match(output, /GLOBUS-SDK \d+:/, "the debug log was on");
    for (const url of output.match(/http:\/\/\S+\/v2\/oauth2\/authorize\?\S+/g) ?? []) {
      assertPkceS256(url);
    }
    const cleaned = output
      .replace(/\b(state|code_challenge)=[A-Za-z0-9_-]+/g, "$1=<removed>")
      .replace(/%[0-9A-Fa-f]{2}/g, " ");
    const tokenShaped = cleaned.match(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g);
    assert.deepEqual(tokenShaped ?? [], [], "token-shaped strings in the demo output");
  });
});
