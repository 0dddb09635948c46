// Shared set-up for the GlobusApp benchmarks: an emulator, and a login whose tokens land in a
// token store that later processes (or apps) reuse without logging in again.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowsClient, NativeAppAuthClient, type TokenStorage, UserApp } from "../src/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_NATIVE_CLIENT_ID,
  EmulatorLoginFlowManager,
  type RunningEmulator,
  startEmulator,
} from "../src/testing/index.ts";

export { DEMO_NATIVE_CLIENT_ID };

export interface BenchEnvironment {
  emulator: RunningEmulator;
  /** A fresh temporary folder, removed by `dispose`. */
  dir: string;
  dispose(): Promise<void>;
}

export async function benchEnvironment(prefix: string): Promise<BenchEnvironment> {
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), `globus-bench-${prefix}-`));
  return {
    emulator,
    dir,
    async dispose() {
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A login client pointed at the emulator and on its clock (id_tokens validate after advanceClock). */
export function emulatorLoginClient(emulator: RunningEmulator): NativeAppAuthClient {
  return new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID, {
    baseUrl: emulator.urls.auth,
    now: () => emulator.controls.now(),
  });
}

/**
 * Logs in once as Alice through `appName`, with `storage` holding the tokens, for a Flows
 * client's scopes. Returns the Flows access token (for the raw-fetch baselines).
 */
export async function loginInto(
  emulator: RunningEmulator,
  appName: string,
  storage: TokenStorage,
): Promise<string> {
  const loginClient = emulatorLoginClient(emulator);
  await using app = new UserApp(appName, {
    loginClient,
    config: {
      tokenStorage: storage,
      loginFlowManager: new EmulatorLoginFlowManager({
        loginClient,
        requestRefreshTokens: true,
        approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID },
      }),
    },
  });
  new FlowsClient({ app, baseUrl: emulator.urls.flows });
  await app.login();
  const flows = await storage.getTokenData("flows.globus.org");
  if (!flows) throw new Error("the login stored no Flows token");
  return flows.access_token;
}

/** Runs `node <args>` and resolves with its stdout; rejects on a non-zero exit. */
export function runNode(
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${args[0]} exited ${code}: ${err.slice(0, 500)}`)),
    );
  });
}
