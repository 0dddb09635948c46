/** A UserApp wired to an emulator, the way most app-level tests need one. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach } from "node:test";
import {
  NativeAppAuthClient,
  type TokenStorage,
  type TokenStorageName,
  type TokenStorageProvider,
  UserApp,
} from "../../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_NATIVE_CLIENT_ID,
  EmulatorLoginFlowManager,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";

/**
 * A UserApp of the demo native client that logs in as Alice (or `identityId`) when asked (the emulator
 * approves at once). Its login client follows the emulator clock, so id_tokens stay valid
 * after advanceClock, and retries fast, so fault bursts do not slow the suite.
 */
export function emulatorUserApp(
  emulator: RunningEmulator,
  tokenStorage: TokenStorage | TokenStorageName | TokenStorageProvider,
  name = "emulator-app",
  identityId = ALICE_IDENTITY_ID,
): UserApp {
  const loginClient = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
    baseUrl: emulator.urls.auth,
    now: () => emulator.controls.now(),
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  return new UserApp(name, {
    loginClient,
    config: {
      tokenStorage,
      loginFlowManager: new EmulatorLoginFlowManager({
        loginClient,
        requestRefreshTokens: true,
        approveAs: { controls: emulator.controls, identityId },
      }),
    },
  });
}

/**
 * Registers the hooks of a suite on one emulator where each test gets a fresh HOME (a
 * temporary folder named `<prefix>…`), the emulator's environment variables and a reset
 * emulator; the process environment is restored, and the folder removed, after each test.
 * `use` hears the emulator once it runs and, if it asks, each test's HOME.
 */
export function emulatorHomeHooks(
  prefix: string,
  use: { emulator(emulator: RunningEmulator): void; home?(home: string): void },
): void {
  let emulator: RunningEmulator | undefined;
  let home: string | undefined;
  const savedEnv = { ...process.env };
  before(async () => {
    emulator = await startEmulator();
    use.emulator(emulator);
  });
  after(() => emulator?.stop());
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), prefix));
    use.home?.(home);
    Object.assign(process.env, emulator!.environmentVariables, { HOME: home });
    emulator!.controls.reset();
  });
  afterEach(() => {
    process.env = { ...savedEnv };
    if (home) rmSync(home, { recursive: true, force: true });
  });
}
