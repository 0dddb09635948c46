/**
 * A real browser logs in: headless Chromium opens the authorize URL, clicks through the
 * emulator's login and consent page, and the local server receives the redirect. Also saves
 * screenshots of both landing pages (into docs/ with UPDATE_SCREENSHOTS=1).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import {
  CHROMIUM_INSTALL_HINT,
  CHROMIUM_PATH,
  ensureChromium,
} from "../../scripts/ensure-chromium.ts";
import type { NativeAppAuthClient } from "../../src/auth/index.ts";
import { LocalServerLoginFlowManager, UserDeniedError } from "../../src/login-flows/index.ts";
import type { RunningEmulator } from "../../src/testing/index.ts";
import { AUTH_RS, startTestEmulator, TRANSFER_ALL } from "./helpers.ts";

// Screenshots refresh the committed ones in docs/ only on request, so a test run leaves the
// work tree clean: UPDATE_SCREENSHOTS=1 npm test
const DOCS = process.env["UPDATE_SCREENSHOTS"]
  ? fileURLToPath(new URL("../../docs/", import.meta.url))
  : mkdtempSync(join(tmpdir(), "globus-login-screens-"));
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let emulator: RunningEmulator;
let loginClient: NativeAppAuthClient;
let restoreEnv: () => void;
let context: BrowserContext | undefined;
let profileDir: string | undefined;

before(async () => {
  ({ emulator, loginClient, restoreEnv } = await startTestEmulator());
});
after(async () => {
  await context?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  restoreEnv();
  await emulator.stop();
});

async function launch(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM_PATH)) {
    // The project's own setup installs it (apt-get, as root or via sudo -n); fail loudly if not.
    try {
      ensureChromium();
    } catch (err) {
      assert.fail(`${CHROMIUM_INSTALL_HINT}\n${(err as Error).message}`);
    }
  }
  profileDir = await mkdtemp(join(tmpdir(), "globus-sdk-chromium-"));
  // A persistent context is how Playwright takes a fresh --user-data-dir.
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 900, height: 620 },
    deviceScaleFactor: 1,
  });
}

/** An opener that drives the real browser through the emulator's consent page. */
function chromiumOpener(decision: "Allow" | "Deny", pages: Page[]) {
  return async (url: string) => {
    const page = await context!.newPage();
    pages.push(page);
    await page.goto(url);
    await page.getByRole("button", { name: decision }).click();
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/\?/);
  };
}

test("real Chromium: login and consent through the emulator's HTML, redirect to the local server", async () => {
  context = await launch();
  const pages: Page[] = [];
  const manager = new LocalServerLoginFlowManager({
    loginClient,
    openBrowser: chromiumOpener("Allow", pages),
    output: null,
    appName: "Globus SDK example",
    timeoutMs: 60_000,
  });
  const tokens = await manager.runLoginFlow({
    required_scopes: ["openid", "profile", "email", TRANSFER_ALL],
    session_message: "Log in to list your Globus collections.",
  });
  assert.equal(typeof tokens.byResourceServer[AUTH_RS]?.access_token, "string");
  assert.equal(typeof tokens.byResourceServer["transfer.api.globus.org"]?.access_token, "string");
  assert.equal(emulator.controls.countGrants("authorization_code"), 1);

  const page = pages[0]!;
  await page.getByRole("heading", { name: "Login complete" }).waitFor();
  assert.match(await page.content(), /Globus SDK example/);
  await page.screenshot({ path: join(DOCS, "login-success.png") });

  // The user says no: the landing page explains, and the error is typed.
  const denied: Page[] = [];
  const denyingManager = new LocalServerLoginFlowManager({
    loginClient,
    openBrowser: chromiumOpener("Deny", denied),
    output: null,
    appName: "Globus SDK example",
    timeoutMs: 60_000,
  });
  await assert.rejects(
    denyingManager.runLoginFlow({ required_scopes: ["openid"] }),
    UserDeniedError,
  );
  const failure = denied[0]!;
  await failure.getByRole("heading", { name: "Login failed" }).waitFor();
  await failure.screenshot({ path: join(DOCS, "login-failure.png") });
  assert.ok(
    existsSync(join(DOCS, "login-success.png")) && existsSync(join(DOCS, "login-failure.png")),
  );
});
