/** A UserApp wired to an emulator, the way most app-level tests need one. */
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
