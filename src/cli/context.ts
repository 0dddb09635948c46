/**
 * What every CLI command shares: the app (from the environment, per profile), output,
 * exit codes, errors in one line with a hint, and recovery from auth requirement errors.
 */
import { createInterface } from "node:readline";
import { GlobusSDKUsageError } from "../errors.ts";
import { type GARE, toGare } from "../gare/index.ts";
import type { LoginFlowManagerName } from "../globus-app/config.ts";
import { ClientApp, GlobusApp, type UserApp } from "../globus-app/index.ts";
import type { TransferTask } from "../services/transfer/client.ts";
import { isLoopbackHost } from "../transport/encoding.ts";
import { getServiceUrl, type ServiceName, serviceUrlVariable } from "../transport/environments.ts";
import { GlobusAPIError, NetworkError, TimeoutError } from "../transport/errors.ts";
import { CLIUsageError } from "./framework.ts";

/** Exit codes, as the help and the README list them. */
export const EXIT = { ok: 0, error: 1, usage: 2, loginRequired: 3, interrupted: 130 } as const;

/** The emulator's seeded native client, used when Auth is the local emulator. */
export const EMULATOR_NATIVE_CLIENT_ID = "5f8b1e2a-7c3d-4e6f-9a0b-1c2d3e4f5a6b";

/** The app name the CLI's tokens are stored under. */
export const CLI_APP_NAME = "globus-sdk-cli";

/** Nothing stored to work with: exit 3 with what to run. */
export class NotLoggedInError extends Error {
  override name = "NotLoggedInError";
}

/** A command needs more authorization than the stored login has (a GARE): exit 3. */
export class NeedsLoginError extends Error {
  override name = "NeedsLoginError";
  readonly loginCommand: string;
  constructor(message: string, loginCommand: string) {
    super(message);
    this.loginCommand = loginCommand;
  }
}

/** Whether Auth points at this machine (the emulator), judged from the environment. */
export function authIsLocal(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return isLoopbackHost(new URL(getServiceUrl("auth", undefined, env)).hostname);
  } catch {
    return false;
  }
}

/** The profile a command uses: `--profile`, else `GLOBUS_PROFILE`, else the default. */
export function profileOf(options: Record<string, unknown>): string {
  const value = (options["profile"] as string | undefined) ?? process.env["GLOBUS_PROFILE"];
  if (value === undefined || value === "") return "DEFAULT";
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
    throw new CLIUsageError(
      `--profile takes a name of letters, digits, ".", "_" and "-", got "${value}"`,
    );
  }
  return value;
}

/**
 * The CLI's app, from the environment (`GlobusApp.fromEnvironment`): a ClientApp when
 * GLOBUS_CLIENT_SECRET is set, else a UserApp, with the emulator's demo client when Auth is
 * the local emulator and no client id is set. Each profile keeps its own login.
 */
export function createCliApp(
  options: {
    profile?: string;
    loginFlowManager?: LoginFlowManagerName;
    /** Never log in by itself (whoami, token, session): validation errors are raised. */
    noLogin?: boolean;
  } = {},
): UserApp | ClientApp {
  const env = { ...process.env };
  if (!env["GLOBUS_CLIENT_ID"] && !env["GLOBUS_CLIENT_SECRET"] && authIsLocal(env)) {
    env["GLOBUS_CLIENT_ID"] = EMULATOR_NATIVE_CLIENT_ID;
  }
  const service = Boolean(env["GLOBUS_CLIENT_SECRET"]?.trim());
  try {
    return GlobusApp.fromEnvironment(CLI_APP_NAME, {
      env,
      config: {
        tokenNamespace: options.profile ?? "DEFAULT",
        ...(options.noLogin ? { tokenValidationErrorHandler: null } : {}),
        ...(service ? {} : { loginFlowManager: options.loginFlowManager ?? "auto" }),
      },
    });
  } catch (error) {
    if (error instanceof GlobusSDKUsageError) throw new CLIUsageError(error.message);
    throw error;
  }
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

/** Whether a person is at a terminal who can answer a question. */
export function interactive(json: boolean): boolean {
  return !json && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}

/** Asks a yes/no question on the terminal (default yes). */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) =>
      rl.question(`${question} [Y/n] `, resolve),
    );
    return !/^\s*n/i.test(answer);
  } finally {
    rl.close();
  }
}

function quote(value: string): string {
  return /^[\w:/.@-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** The `globus-sdk login ...` command that meets a GARE. */
export function loginCommandFor(gare: GARE, profile: string): string {
  const params = gare.authorization_parameters;
  const parts = ["globus-sdk", "login"];
  for (const scope of params.required_scopes ?? []) parts.push("--scope", quote(scope));
  if (params.session_required_mfa) parts.push("--mfa");
  for (const id of params.session_required_identities ?? []) parts.push("--identity", quote(id));
  for (const domain of params.session_required_single_domain ?? []) {
    parts.push("--domain", quote(domain));
  }
  for (const policy of params.session_required_policies ?? [])
    parts.push("--policy", quote(policy));
  if (profile !== "DEFAULT") parts.push("--profile", quote(profile));
  return parts.join(" ");
}

/**
 * Runs a command; when a service answers with an auth requirement error (a 403 GARE: a
 * missing data_access consent, an MFA session), a person at a terminal is offered a login
 * with the GARE's parameters and the command runs again once. Elsewhere (`--json`, no
 * terminal) it fails with the exact `globus-sdk login ...` command that fixes it.
 */
export async function withGareRecovery(
  app: GlobusApp,
  options: { json: boolean; profile: string },
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (error) {
    const gare = error instanceof GlobusAPIError && error.httpStatus === 403 ? toGare(error) : null;
    if (!gare) throw error;
    const why = (error as GlobusAPIError).errorMessage;
    const command = loginCommandFor(gare, options.profile);
    if (!interactive(options.json) || app instanceof ClientApp) {
      throw new NeedsLoginError(`${why}; this needs a new login`, command);
    }
    process.stderr.write(`${why}\n`);
    if (!(await confirm("Log in now with what it asks for?"))) {
      throw new NeedsLoginError(`${why}; this needs a new login`, command);
    }
    await app.login({ authParams: gare.authorization_parameters });
    return run();
  }
}

const SERVICES: ServiceName[] = [
  "auth",
  "transfer",
  "flows",
  "groups",
  "search",
  "timer",
  "compute",
];

/** The variable that sets the service a URL belongs to, if one does. */
function variableFor(url: string): string | undefined {
  for (const service of SERVICES) {
    try {
      if (url.startsWith(getServiceUrl(service).replace(/\/$/, "")))
        return serviceUrlVariable(service);
    } catch {
      // an unknown environment: no variable to name
    }
  }
  return undefined;
}

const LOGIN_NEEDED = new Set([
  "LoginRequiredError",
  "ReLoginRequiredError",
  "MissingTokenError",
  "ExpiredTokenError",
  "UnmetScopeRequirementsError",
  "LoginInputClosedError",
  "NotLoggedInError",
  "NeedsLoginError",
]);

/** How an error ends the CLI: its exit code and one line (plus a hint line). */
export function describeFailure(error: unknown): { code: number; lines: string[] } {
  const { code, lines } = failureLines(error);
  if (error instanceof CLIUsageError || lines.length === 0) return { code, lines };
  return { code, lines: [`globus-sdk: ${lines[0]}`, ...lines.slice(1)] };
}

function failureLines(error: unknown): { code: number; lines: string[] } {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();
  if (!(error instanceof Error)) return { code: EXIT.error, lines: [oneLine(String(error))] };
  if (error instanceof CLIUsageError) {
    return {
      code: EXIT.usage,
      lines: [
        `${error.command}: ${oneLine(error.message)}`,
        `Run '${error.command} --help' for usage.`,
      ],
    };
  }
  if (error.name === "LoginAbortedError") return { code: EXIT.interrupted, lines: [] };
  if (error instanceof NeedsLoginError) {
    return {
      code: EXIT.loginRequired,
      lines: [oneLine(error.message), `Run: ${error.loginCommand}`],
    };
  }
  if (LOGIN_NEEDED.has(error.name)) {
    const notLoggedIn = error.name === "NotLoggedInError" || error.name === "MissingTokenError";
    return {
      code: EXIT.loginRequired,
      lines: [
        notLoggedIn ? "not logged in; run `globus-sdk login`" : oneLine(error.message),
        ...(notLoggedIn ? [] : ["Run `globus-sdk login` (add --no-browser over SSH)."]),
      ],
    };
  }
  if (error instanceof GlobusSDKUsageError)
    return { code: EXIT.usage, lines: [oneLine(error.message)] };
  if (
    error instanceof NetworkError &&
    !(error instanceof TimeoutError) &&
    error.name === "NetworkError"
  ) {
    let origin = error.url;
    try {
      origin = new URL(error.url).origin;
    } catch {
      // keep what we have
    }
    const cause = (error.cause as { code?: string } | undefined)?.code ?? "";
    const variable = variableFor(error.url);
    const refused = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH/.test(
      `${cause} ${error.message}`,
    );
    return {
      code: EXIT.error,
      lines: [
        refused
          ? `cannot reach ${origin} (${/ENOTFOUND|EAI_AGAIN/.test(`${cause} ${error.message}`) ? "host not found" : "connection refused"})`
          : oneLine(error.message),
        variable
          ? `That URL comes from ${variable} (or GLOBUS_SDK_ENVIRONMENT); is the service (or the emulator) running?`
          : "Check GLOBUS_SDK_SERVICE_URL_* and GLOBUS_SDK_ENVIRONMENT.",
      ],
    };
  }
  return { code: EXIT.error, lines: [oneLine(error.message)] };
}
