import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import type { NativeAppAuthClient } from "../../src/auth/index.ts";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  AutomaticLoginFlowManager,
  browserCommand,
  CommandLineLoginFlowManager,
  canOpenBrowser,
  chooseLoginFlow,
  createDefaultLoginFlowManager,
  createLoginFlowManager,
  LocalServerLoginFlowManager,
  LoginRequiredError,
} from "../../src/login-flows/index.ts";
import { ALICE_IDENTITY_ID, type RunningEmulator } from "../../src/testing/index.ts";
import {
  AUTH_RS,
  browse,
  collect,
  extractAuthCode,
  startTestEmulator,
  waitForUrl,
} from "./helpers.ts";

let emulator: RunningEmulator;
let loginClient: NativeAppAuthClient;
let restoreEnv: () => void;

before(async () => {
  ({ emulator, loginClient, restoreEnv } = await startTestEmulator());
});
after(async () => {
  restoreEnv();
  await emulator.stop();
});

describe("automatic choice", () => {
  const cases: [string, Parameters<typeof chooseLoginFlow>[0], string][] = [
    [
      "Linux desktop (X11)",
      { platform: "linux", env: { DISPLAY: ":0" }, stdinIsTTY: true },
      "local-server",
    ],
    [
      "Linux desktop (Wayland)",
      { platform: "linux", env: { WAYLAND_DISPLAY: "wayland-0" }, stdinIsTTY: false },
      "local-server",
    ],
    ["macOS", { platform: "darwin", env: {}, stdinIsTTY: true }, "local-server"],
    ["Windows", { platform: "win32", env: {}, stdinIsTTY: true }, "local-server"],
    [
      "SSH with X forwarding",
      {
        platform: "linux",
        env: { DISPLAY: "localhost:10", SSH_CONNECTION: "1 2 3 4" },
        stdinIsTTY: true,
      },
      "command-line",
    ],
    [
      "SSH into a Mac",
      { platform: "darwin", env: { SSH_TTY: "/dev/pts/1" }, stdinIsTTY: true },
      "command-line",
    ],
    ["headless Linux terminal", { platform: "linux", env: {}, stdinIsTTY: true }, "command-line"],
    [
      "CI: no display, no TTY",
      { platform: "linux", env: { CI: "true" }, stdinIsTTY: false },
      "none",
    ],
    [
      "cron over SSH-less Mac without TTY",
      { platform: "darwin", env: { SSH_CONNECTION: "x" }, stdinIsTTY: false },
      "none",
    ],
    [
      "$BROWSER on a headless box",
      { platform: "linux", env: { BROWSER: "w3m" }, stdinIsTTY: false },
      "local-server",
    ],
  ];
  for (const [name, environment, expected] of cases) {
    test(`${name} -> ${expected}`, () => {
      assert.equal(chooseLoginFlow(environment), expected);
      assert.equal(canOpenBrowser(environment), expected === "local-server");
      assert.equal(createDefaultLoginFlowManager({ loginClient, environment }).choice, expected);
    });
  }

  test("non-TTY, no browser: a login rejects at once with LoginRequiredError that says what to do", async () => {
    const manager = createDefaultLoginFlowManager({
      loginClient,
      environment: { platform: "linux", env: {}, stdinIsTTY: false },
    });
    const started = Date.now();
    await assert.rejects(manager.runLoginFlow({ required_scopes: ["openid"] }), (err: unknown) => {
      assert.ok(err instanceof LoginRequiredError);
      assert.match(err.message, /interactive terminal/);
      assert.match(err.message, /ClientApp/);
      return true;
    });
    assert.ok(Date.now() - started < 1000, "no waiting on input that cannot come");
  });

  test("the browser cannot open but a terminal exists: falls back to the command line", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID);
    const input = new PassThrough();
    const output = new PassThrough();
    const manager = createDefaultLoginFlowManager({
      loginClient,
      environment: { platform: "linux", env: { DISPLAY: ":0" }, stdinIsTTY: true },
      openBrowser: () => {
        throw new Error("xdg-open: no method available");
      },
      input,
      output,
    });
    const login = manager.runLoginFlow({ required_scopes: ["openid"] });
    const url = await waitForUrl(collect(output), { after: "Log in with Globus" });
    // The native auth-code page, not the loopback server, is the redirect now.
    assert.doesNotMatch(new URL(url).searchParams.get("redirect_uri") ?? "", /127\.0\.0\.1:\d+\/$/);
    input.write(`${extractAuthCode((await browse(url)).html)}\n`);
    const tokens = await login;
    assert.equal(typeof tokens.byResourceServer[AUTH_RS]?.access_token, "string");
    emulator.controls.reset();
  });

  test("the browser cannot open and there is no terminal: LoginRequiredError", async () => {
    const manager = createDefaultLoginFlowManager({
      loginClient,
      environment: { platform: "darwin", env: {}, stdinIsTTY: false },
      openBrowser: () => {
        throw new Error("no browser");
      },
      output: new PassThrough(),
    });
    await assert.rejects(manager.runLoginFlow({ required_scopes: ["openid"] }), LoginRequiredError);
  });
});

describe("createLoginFlowManager (app config resolution)", () => {
  test("shorthands, instances and providers", () => {
    const context = { appName: "app", loginClient, config: { requestRefreshTokens: true } };
    assert.ok(
      createLoginFlowManager("command-line", context) instanceof CommandLineLoginFlowManager,
    );
    const local = createLoginFlowManager("local-server", context);
    assert.ok(local instanceof LocalServerLoginFlowManager);
    assert.equal(local.requestRefreshTokens, true);
    assert.ok(createLoginFlowManager("auto", context) instanceof AutomaticLoginFlowManager);
    assert.ok(createLoginFlowManager(undefined, context) instanceof AutomaticLoginFlowManager);
    const instance = new CommandLineLoginFlowManager({ loginClient });
    assert.equal(createLoginFlowManager(instance, context), instance);
    let received: unknown;
    const provided = createLoginFlowManager(
      {
        forGlobusApp: (ctx) => {
          received = ctx;
          return instance;
        },
      },
      context,
    );
    assert.equal(provided, instance);
    assert.equal(received, context);
    assert.throws(() => createLoginFlowManager("browser" as never, context), GlobusSDKUsageError);
  });
});

describe("browser command", () => {
  test("platform openers and $BROWSER", () => {
    const url = "https://auth.globus.org/v2/oauth2/authorize?a=1&b=2";
    assert.deepEqual(browserCommand(url, "linux", {}), { command: "xdg-open", args: [url] });
    assert.deepEqual(browserCommand(url, "darwin", {}), { command: "open", args: [url] });
    const win = browserCommand(url, "win32", {});
    assert.equal(win.command, "cmd.exe");
    assert.ok(win.args.at(-1)!.includes("a=1^&b=2"), "& is escaped for cmd.exe");
    assert.deepEqual(browserCommand(url, "linux", { BROWSER: "firefox --new-tab:chromium" }), {
      command: "firefox",
      args: ["--new-tab", url],
    });
    assert.deepEqual(browserCommand(url, "linux", { BROWSER: "lynx %s -dump" }), {
      command: "lynx",
      args: [url, "-dump"],
    });
  });
});
