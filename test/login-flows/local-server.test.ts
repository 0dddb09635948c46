import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { after, before, beforeEach, describe, test } from "node:test";
import type { NativeAppAuthClient } from "../../src/auth/index.ts";
import {
  BrowserOpenError,
  LocalServerLoginFlowManager,
  LoginAbortedError,
  LoginTimeoutError,
  openBrowser,
  PortInUseError,
  renderLandingPage,
  StateMismatchError,
  UserDeniedError,
} from "../../src/login-flows/index.ts";
import { ALICE_IDENTITY_ID, type RunningEmulator } from "../../src/testing/index.ts";
import { AUTH_RS, type BrowseResult, browse, startTestEmulator, TRANSFER_ALL } from "./helpers.ts";

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

/** A browser stand-in: the opener records the URL and visits it in the background. */
function fakeBrowser(visit: (url: string) => Promise<BrowseResult> = (url) => browse(url)) {
  const seen: { url?: string; page?: Promise<BrowseResult> } = {};
  const opener = (url: string) => {
    seen.url = url;
    seen.page = visit(url);
    seen.page.catch(() => {});
  };
  return { opener, seen };
}

async function isListening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function manager(
  options: Partial<ConstructorParameters<typeof LocalServerLoginFlowManager>[0]> = {},
) {
  return new LocalServerLoginFlowManager({ loginClient, output: null, ...options });
}

describe("LocalServerLoginFlowManager against the emulator", () => {
  test("a full login: browser sent to Auth, redirect received, tokens back, server gone", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID);
    const { opener, seen } = fakeBrowser();
    const tokens = await manager({ openBrowser: opener, appName: "My <Test> App" }).runLoginFlow({
      required_scopes: ["openid", TRANSFER_ALL],
      session_required_single_domain: "example.org",
    });
    assert.equal(typeof tokens.byResourceServer[AUTH_RS]?.access_token, "string");
    assert.equal(typeof tokens.byResourceServer["transfer.api.globus.org"]?.access_token, "string");

    const authorize = new URL(seen.url!);
    const redirect = new URL(authorize.searchParams.get("redirect_uri")!);
    assert.equal(redirect.hostname, "127.0.0.1");
    assert.equal(redirect.pathname, "/");
    assert.equal(authorize.searchParams.get("session_required_single_domain"), "example.org");

    const page = await seen.page!;
    assert.equal(page.status, 200);
    assert.equal(new URL(page.url).port, redirect.port, "the browser landed on our server");
    assert.match(page.html, /Login complete/);
    assert.match(page.html, /My &lt;Test&gt; App/);
    assert.equal(await isListening(Number(redirect.port)), false, "the server shut down");
  });

  test("the consent page flow (no auto-approval) through a form post", async () => {
    const { opener, seen } = fakeBrowser((url) => browse(url, { decision: "allow" }));
    const tokens = await manager({ openBrowser: opener }).runLoginFlow({
      required_scopes: ["openid"],
    });
    assert.equal(typeof tokens.byResourceServer[AUTH_RS]?.access_token, "string");
    assert.ok((await seen.page!).consentHtml);
  });

  test("a fixed port is used as asked (for ssh -L)", async () => {
    const port = await freePort();
    emulator.controls.autoApprove(ALICE_IDENTITY_ID);
    const { opener, seen } = fakeBrowser();
    await manager({ openBrowser: opener, port }).runLoginFlow({ required_scopes: ["openid"] });
    const redirect = new URL(new URL(seen.url!).searchParams.get("redirect_uri")!);
    assert.equal(redirect.href, `http://127.0.0.1:${port}/`);
  });

  test("a state mismatch shows the failure page, raises, and exchanges nothing", async () => {
    const { opener, seen } = fakeBrowser(async (url) => {
      const redirect = new URL(url).searchParams.get("redirect_uri")!;
      const response = await fetch(`${redirect}?code=stolen-code&state=not-the-state`);
      return { url: response.url, status: response.status, html: await response.text() };
    });
    await assert.rejects(
      manager({ openBrowser: opener }).runLoginFlow({ required_scopes: ["openid"] }),
      StateMismatchError,
    );
    const page = await seen.page!;
    assert.equal(page.status, 400);
    assert.match(page.html, /Login failed/);
    assert.match(page.html, /state did not match/);
    assert.equal(emulator.controls.countGrants("authorization_code"), 0);
  });

  test("the user denies: UserDeniedError and the failure page", async () => {
    emulator.controls.autoDeny();
    const { opener, seen } = fakeBrowser();
    await assert.rejects(
      manager({ openBrowser: opener }).runLoginFlow({ required_scopes: ["openid"] }),
      (err: unknown) => err instanceof UserDeniedError && err.error === "access_denied",
    );
    const page = await seen.page!;
    assert.equal(page.status, 400);
    assert.match(page.html, /declined/);
  });

  test("the user presses Deny on the consent form", async () => {
    const { opener } = fakeBrowser((url) => browse(url, { decision: "deny" }));
    await assert.rejects(
      manager({ openBrowser: opener }).runLoginFlow({ required_scopes: ["openid"] }),
      UserDeniedError,
    );
  });

  test("only one callback is served: a replay gets no second exchange", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID);
    let callbackUrl = "";
    const { opener } = fakeBrowser(async (url) => {
      const first = await fetch(url, { redirect: "manual" });
      callbackUrl = first.headers.get("location")!;
      const response = await fetch(callbackUrl);
      return { url: response.url, status: response.status, html: await response.text() };
    });
    await manager({ openBrowser: opener }).runLoginFlow({ required_scopes: ["openid"] });
    assert.ok(callbackUrl.startsWith("http://127.0.0.1:"));
    await assert.rejects(fetch(callbackUrl, { signal: AbortSignal.timeout(2000) }));
    assert.equal(emulator.controls.countGrants("authorization_code"), 1);
  });

  test("a timeout is a typed error and frees the port", async () => {
    const { opener, seen } = fakeBrowser(async () => ({ url: "", status: 0, html: "" }));
    const started = Date.now();
    await assert.rejects(
      manager({ openBrowser: opener, timeoutMs: 300 }).runLoginFlow({
        required_scopes: ["openid"],
      }),
      (err: unknown) => err instanceof LoginTimeoutError && err.timeoutMs === 300,
    );
    assert.ok(Date.now() - started < 5000);
    const port = Number(new URL(new URL(seen.url!).searchParams.get("redirect_uri")!).port);
    assert.equal(await isListening(port), false);
  });

  test("an AbortSignal stops the wait", async () => {
    const controller = new AbortController();
    const { opener } = fakeBrowser(async () => {
      setTimeout(() => controller.abort(), 50);
      return { url: "", status: 0, html: "" };
    });
    await assert.rejects(
      manager({ openBrowser: opener }).runLoginFlow(
        { required_scopes: ["openid"] },
        { signal: controller.signal },
      ),
      LoginAbortedError,
    );
  });

  test("a busy fixed port is PortInUseError", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await assert.rejects(
        manager({ port, openBrowser: () => {} }).runLoginFlow({ required_scopes: ["openid"] }),
        (err: unknown) =>
          err instanceof PortInUseError && err.port === port && err.message.includes(String(port)),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test("an opener that fails is BrowserOpenError, and the server is closed", async () => {
    let port = 0;
    await assert.rejects(
      manager({
        openBrowser: (url) => {
          port = Number(new URL(new URL(url).searchParams.get("redirect_uri")!).port);
          throw new Error("no display");
        },
      }).runLoginFlow({ required_scopes: ["openid"] }),
      (err: unknown) => err instanceof BrowserOpenError && err.message.includes("no display"),
    );
    assert.equal(await isListening(port), false);
  });

  test("the default opener: a missing or failing $BROWSER is BrowserOpenError", async () => {
    await assert.rejects(
      openBrowser("http://127.0.0.1:9/", {
        env: { ...process.env, BROWSER: "/nonexistent/browser-xyz" },
      }),
      BrowserOpenError,
    );
    await assert.rejects(
      openBrowser("http://127.0.0.1:9/", { env: { ...process.env, BROWSER: "false" } }),
      BrowserOpenError,
    );
    // `true %s` exits 0: the URL was handed over.
    await openBrowser("http://127.0.0.1:9/", { env: { ...process.env, BROWSER: "true %s" } });
  });

  test("the waiting note with the URL goes to the output", async () => {
    emulator.controls.autoApprove(ALICE_IDENTITY_ID);
    const output = new PassThrough();
    let text = "";
    output.on("data", (c: Buffer) => {
      text += c;
    });
    const { opener, seen } = fakeBrowser();
    await manager({ openBrowser: opener, output }).runLoginFlow({ required_scopes: ["openid"] });
    assert.ok(text.includes(seen.url!));
  });
});

describe("landing pages", () => {
  test("escape every interpolated string", () => {
    const html = renderLandingPage({
      outcome: "failure",
      appName: `<script>alert("x")</script>`,
      detail: `<img src=x onerror='y'> & more`,
    });
    assert.doesNotMatch(html, /<script>|<img/);
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x onerror=&#39;y&#39;&gt; &amp; more/);
    assert.match(html, /<style>/, "inline CSS, no external resources");
    assert.doesNotMatch(html, /<link|src="http/);
  });
});
