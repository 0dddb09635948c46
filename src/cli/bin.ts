#!/usr/bin/env node
/** The `globus-sdk` command: dispatches to a subcommand and maps errors to exit codes. */
import { runEmulatorCommand } from "./commands/emulator.ts";

type Command = (argv: string[]) => Promise<number>;

// Commands load on demand, so `globus-sdk emulator` starts without the whole SDK.
const COMMANDS: Record<string, () => Promise<Command>> = {
  emulator: async () => runEmulatorCommand,
  demo: async () => (await import("./commands/demo.ts")).runDemoCommand,
  login: async () => (await import("./commands/auth.ts")).runLogin,
  logout: async () => (await import("./commands/auth.ts")).runLogout,
  whoami: async () => (await import("./commands/auth.ts")).runWhoami,
  session: async () => (await import("./commands/auth.ts")).runSession,
  flows: async () => (await import("./commands/flows.ts")).runFlows,
  transfer: async () => (await import("./commands/transfer.ts")).runTransfer,
};

const USAGE = `Usage: globus-sdk <command> [options]   (add --json for machine-readable output)

Commands:
  login [--no-browser] [--force] [--mfa] [--scope S]   Log in (stores tokens like the Python SDK)
  logout                                               Revoke and remove stored tokens
  whoami                                               Show your identity and linked identities
  session                                              Show stored tokens (scopes, expiry; never values)
  flows list | show FLOW_ID | run FLOW_ID              Globus Flows
  transfer ls | mkdir | submit | task show | task wait Globus Transfer
  emulator [--port N] [--seed FILE] [--json]           Run the local Globus emulator
  demo [--interactive]                                 Tour the SDK against an embedded emulator

Configuration: GLOBUS_CLIENT_ID (a native app's client id; add GLOBUS_CLIENT_SECRET to act as a
service account), GLOBUS_SDK_ENVIRONMENT, GLOBUS_SDK_SERVICE_URL_<SERVICE>.
Exit codes: 0 ok, 1 error, 2 usage, 3 login required.
`;

const LOGIN_REQUIRED = new Set([
  "LoginRequiredError",
  "ReLoginRequiredError",
  "MissingTokenError",
  "ExpiredTokenError",
  "UnmetScopeRequirementsError",
  "LoginInputClosedError",
]);

/** The exit code for an error: 2 for usage, 3 when a login is needed, else 1. */
function exitCodeOf(error: unknown): number {
  const name = error instanceof Error ? error.name : "";
  const code = (error as { code?: unknown } | null)?.code;
  if (name === "CLIUsageError" || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")))
    return 2;
  if (LOGIN_REQUIRED.has(name)) return 3;
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    process.stderr.write(`globus-sdk: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    const hint = code === 3 ? "\nRun `globus-sdk login` (add --no-browser over SSH)." : "";
    process.stderr.write(`globus-sdk: ${message}${hint}\n`);
    process.exitCode = code;
  },
);
