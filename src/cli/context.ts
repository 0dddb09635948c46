/** What every CLI command shares: configuration from the environment, output, exit codes. */

import { GlobusSDKUsageError } from "../errors.ts";
import type { LoginFlowManagerName } from "../globus-app/config.ts";
import { ClientApp, type GlobusApp, UserApp } from "../globus-app/index.ts";
import type { TransferTask } from "../services/transfer/client.ts";
import { isLoopbackHost } from "../transport/encoding.ts";
import { getServiceUrl } from "../transport/environments.ts";

/** The `--json` flag every command takes, for `parseArgs`. */
export const JSON_FLAG = { json: { type: "boolean" } } as const;

/** Exit codes: documented in the CLI help. */
export const EXIT = { ok: 0, error: 1, usage: 2, loginRequired: 3 } as const;

/** The emulator's seeded native client, used when Auth is the local emulator. */
export const EMULATOR_NATIVE_CLIENT_ID = "5f8b1e2a-7c3d-4e6f-9a0b-1c2d3e4f5a6b";

/** The app name the CLI's tokens are stored under. */
export const CLI_APP_NAME = "globus-sdk-cli";

/** A usage problem: exit 2 with the message. */
export class CLIUsageError extends GlobusSDKUsageError {
  override name = "CLIUsageError";
}

/** Whether Auth points at this machine (the emulator), judged from the environment. */
export function authIsLocal(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return isLoopbackHost(new URL(getServiceUrl("auth", undefined, env)).hostname);
  } catch {
    return false;
  }
}

/**
 * Builds the CLI's app: a ClientApp when GLOBUS_CLIENT_SECRET is set, else a UserApp with
 * GLOBUS_CLIENT_ID (or the emulator's demo client when Auth is local).
 */
export function createCliApp(options: { loginFlowManager?: LoginFlowManagerName } = {}): GlobusApp {
  const env = process.env;
  const clientId =
    env["GLOBUS_CLIENT_ID"] || (authIsLocal(env) ? EMULATOR_NATIVE_CLIENT_ID : undefined);
  if (!clientId) {
    throw new CLIUsageError(
      "No client id: set GLOBUS_CLIENT_ID to your native app's client id (register one at https://app.globus.org/settings/developers), and GLOBUS_CLIENT_SECRET too to act as a service account.",
    );
  }
  const secret = env["GLOBUS_CLIENT_SECRET"];
  if (secret) return new ClientApp(CLI_APP_NAME, { clientId, clientSecret: secret });
  return new UserApp(CLI_APP_NAME, {
    clientId,
    config: { loginFlowManager: options.loginFlowManager ?? "auto" },
  });
}

/** Writes a result: JSON with --json, else the human rendering. */
export function emit(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/**
 * A live progress line: rewritten in place on a terminal, one line per change elsewhere
 * (CI logs, pipes).
 */
export function progressLine(stream: NodeJS.WriteStream = process.stdout) {
  let last = "";
  return (task: TransferTask): void => {
    const line = `  ${task.status}: ${task.files_transferred ?? 0}/${task.files ?? "?"} files, ${task.bytes_transferred ?? 0} bytes`;
    if (line === last) return;
    last = line;
    const done = task.status === "SUCCEEDED" || task.status === "FAILED";
    if (stream.isTTY) stream.write(`\r${line}\u001b[K${done ? "\n" : ""}`);
    else stream.write(`${line}\n`);
  };
}
