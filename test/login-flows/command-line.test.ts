import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { after, before, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { NativeAppAuthClient } from "../../src/auth/index.ts";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  CommandLineLoginFlowManager,
  EmptyAuthorizationCodeError,
  LoginAbortedError,
  LoginInputClosedError,
  readLine,
} from "../../src/login-flows/index.ts";
import { ALICE_IDENTITY_ID, type RunningEmulator } from "../../src/testing/index.ts";
import {
  AUTH_RS,
  browse,
  collect,
  extractAuthCode,
  startTestEmulator,
  TRANSFER_ALL,
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
beforeEach(() => emulator.controls.reset());

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  return { input, output, text: collect(output) };
}

describe("CommandLineLoginFlowManager against the emulator", () => {
  test("a full login with piped input: URL from the output, code fetched, written back", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID);
    const { input, output, text } = streams();
    const manager = new CommandLineLoginFlowManager({
      loginClient,
      input,
      output,
      requestRefreshTokens: true,
    });
    const login = manager.runLoginFlow({ required_scopes: ["openid", "profile", TRANSFER_ALL] });
    const url = await waitForUrl(text);
    const page = await browse(url);
    const code = extractAuthCode(page.html);
    // Pasted codes often carry stray whitespace.
    input.write(`   ${code}\t \n`);
    const tokens = await login;

    assert.equal(typeof tokens.byResourceServer[AUTH_RS]?.access_token, "string");
    assert.equal(typeof tokens.byResourceServer["transfer.api.globus.org"]?.access_token, "string");
    assert.equal(
      typeof tokens.byResourceServer["transfer.api.globus.org"]?.refresh_token,
      "string",
    );
    assert.equal(emulator.controls.countGrants("authorization_code"), 1);

    const lines = text().split("\n");
    const urlLine = lines.indexOf(url);
    assert.ok(urlLine > 0, "the URL is on a line of its own");
    assert.match(lines[urlLine - 1]!, /^-{20,}$/, "a separator line above the URL");
    assert.match(lines[urlLine + 1]!, /^-{20,}$/, "a separator line below the URL");
    assert.match(text(), /open this link in a web browser/i);
    assert.match(text(), /Authorization code: $/m);
    assert.doesNotMatch(text(), new RegExp(code), "the code is never echoed");
  });

  test("session requirements reach Globus Auth; login through the HTML consent form with MFA", async () => {
    const { input, output, text } = streams();
    const manager = new CommandLineLoginFlowManager({ loginClient, input, output });
    const login = manager.runLoginFlow({
      required_scopes: ["openid"],
      session_message: "Please use <your> MFA device",
      session_required_mfa: true,
      session_required_policies: [],
      session_required_identities: [],
    });
    const url = new URL(await waitForUrl(text));
    assert.equal(url.searchParams.get("session_message"), "Please use <your> MFA device");
    assert.ok(["true", "True"].includes(url.searchParams.get("session_required_mfa") ?? ""));
    // Empty lists must never reach Auth.
    assert.equal(url.searchParams.has("session_required_policies"), false);
    assert.equal(url.searchParams.has("session_required_identities"), false);

    const page = await browse(url.href, { mfa: true });
    assert.ok(page.consentHtml, "the emulator showed its login and consent page");
    assert.match(page.consentHtml, /Please use &lt;your&gt; MFA device/);
    input.write(`${extractAuthCode(page.html)}\n`);
    const tokens = await login;
    assert.equal(typeof tokens.byResourceServer[AUTH_RS]?.access_token, "string");
  });

  test("a wrong code is rejected by Auth (typed API error, code not echoed)", async () => {
    const { input, output, text } = streams();
    const manager = new CommandLineLoginFlowManager({ loginClient, input, output });
    const login = manager.runLoginFlow({ required_scopes: ["openid"] });
    await waitForUrl(text);
    input.write("not-a-real-code-123\n");
    await assert.rejects(login, (err: Error) => {
      assert.equal(err.name, "AuthAPIError");
      return true;
    });
  });
});

describe("CommandLineLoginFlowManager: no hang on bad input", () => {
  test("empty input is a typed error", async () => {
    const { input, output, text } = streams();
    const manager = new CommandLineLoginFlowManager({ loginClient, input, output });
    const login = manager.runLoginFlow({ required_scopes: ["openid"] });
    await waitForUrl(text);
    input.write("   \n");
    await assert.rejects(login, EmptyAuthorizationCodeError);
  });

  test("EOF before a code is a typed error", async () => {
    const { input, output, text } = streams();
    const manager = new CommandLineLoginFlowManager({ loginClient, input, output });
    const login = manager.runLoginFlow({ required_scopes: ["openid"] });
    await waitForUrl(text);
    input.end();
    await assert.rejects(login, LoginInputClosedError);
  });

  test("an already-ended stream is a typed error at once", async () => {
    const input = new PassThrough();
    input.end();
    input.resume();
    await new Promise((resolve) => input.once("end", resolve));
    const manager = new CommandLineLoginFlowManager({
      loginClient,
      input,
      output: new PassThrough(),
    });
    await assert.rejects(
      manager.runLoginFlow({ required_scopes: ["openid"] }),
      LoginInputClosedError,
    );
  });

  test("an AbortSignal interrupts the prompt", async () => {
    const { input, output, text } = streams();
    const controller = new AbortController();
    const manager = new CommandLineLoginFlowManager({ loginClient, input, output });
    const login = manager.runLoginFlow(
      { required_scopes: ["openid"] },
      { signal: controller.signal },
    );
    await waitForUrl(text);
    controller.abort(new Error("user gave up"));
    await assert.rejects(
      login,
      (err: unknown) =>
        err instanceof LoginAbortedError && (err.cause as Error).message === "user gave up",
    );
    assert.equal(input.listenerCount("data"), 0, "no listener left on the input");
  });

  test("an already-aborted signal rejects before printing anything", async () => {
    const { input, output, text } = streams();
    const manager = new CommandLineLoginFlowManager({ loginClient, input, output });
    await assert.rejects(
      manager.runLoginFlow({ required_scopes: ["openid"] }, { signal: AbortSignal.abort() }),
      LoginAbortedError,
    );
    assert.equal(text(), "");
  });

  test("SIGINT (Ctrl-C) during the prompt is a typed error, and the handler is removed", async () => {
    const { input, output, text } = streams();
    const manager = new CommandLineLoginFlowManager({ loginClient, input, output });
    const before = process.listenerCount("SIGINT");
    const login = manager.runLoginFlow({ required_scopes: ["openid"] });
    await waitForUrl(text);
    assert.equal(process.listenerCount("SIGINT"), before + 1);
    process.emit("SIGINT");
    await assert.rejects(login, LoginAbortedError);
    assert.equal(process.listenerCount("SIGINT"), before);
  });

  test("no scopes is a usage error", async () => {
    const manager = new CommandLineLoginFlowManager({
      loginClient,
      input: new PassThrough(),
      output: new PassThrough(),
    });
    await assert.rejects(manager.runLoginFlow({ required_scopes: [] }), GlobusSDKUsageError);
  });

  test("a real process reading its own stdin: piped empty input and closed stdin exit with typed errors", async () => {
    const child = fileURLToPath(new URL("./child-login.ts", import.meta.url));
    const run = (stdinText: string | null) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const proc = spawn(process.execPath, [child], {
          env: { ...process.env },
          stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        proc.stdout.on("data", (c: Buffer) => {
          stdout += c;
        });
        proc.stderr.on("data", (c: Buffer) => {
          stderr += c;
        });
        const timer = setTimeout(() => {
          proc.kill("SIGKILL");
          reject(new Error(`child hung: ${stdout} ${stderr}`));
        }, 30_000);
        proc.on("exit", (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        if (stdinText !== null) proc.stdin.write(stdinText);
        proc.stdin.end();
      });
    const empty = await run("\n");
    assert.equal(empty.code, 3, empty.stderr);
    assert.match(empty.stderr, /EmptyAuthorizationCodeError/);
    const closed = await run(null);
    assert.equal(closed.code, 3, closed.stderr);
    assert.match(closed.stderr, /LoginInputClosedError/);
    assert.match(closed.stdout, /^-{20,}$/m);
  });
});

describe("readLine", () => {
  test("returns one line, keeps the rest for the next reader, handles CRLF and a last line without newline", async () => {
    const input = new PassThrough();
    input.write("first\r\nsecond\nthird");
    input.end();
    assert.equal(await readLine(input), "first");
    assert.equal(await readLine(input), "second");
    assert.equal(await readLine(input), "third");
    await assert.rejects(readLine(input), LoginInputClosedError);
  });
});
