#!/usr/bin/env node
/**
 * The `globus-sdk` command: finds the command, runs it, and turns whatever ends it into an
 * exit code and, at most, one line and a hint (never a stack trace). A closed pipe and
 * Ctrl-C end it quietly.
 */
import { SDK_VERSION } from "../version.ts";
import { describeFailure, EXIT } from "./context.ts";
import { type CommandSpec, resolveCommand } from "./framework.ts";

/** Each command's declaration loads on demand, so `globus-sdk emulator` skips the rest. */
const COMMANDS: { name: string; summary: string; load(): Promise<CommandSpec> }[] = [
  ...["login", "logout", "whoami", "session", "token"].map((name) => ({
    name,
    summary: "",
    load: async () =>
      (await import("./commands/auth.ts")).authCommands.find((c) => c.name === name)!,
  })),
  {
    name: "flows",
    summary: "",
    load: async () => (await import("./commands/flows.ts")).flowsCommand,
  },
  {
    name: "transfer",
    summary: "",
    load: async () => (await import("./commands/transfer.ts")).transferCommand,
  },
  {
    name: "emulator",
    summary: "",
    load: async () => (await import("./commands/emulator.ts")).emulatorCommand,
  },
  { name: "demo", summary: "", load: async () => (await import("./commands/demo.ts")).demoCommand },
];

const SUMMARIES: Record<string, string> = {
  login: "Log in (tokens are stored as the Python SDK stores them)",
  logout: "Revoke and remove the stored tokens",
  whoami: "Show the logged-in identity (never logs in)",
  session: "Show stored tokens: scopes and expiry, never their values",
  token: "Print a valid access token, for scripts",
  flows: "Globus Flows: list, show and run flows",
  transfer: "Globus Transfer: ls, mkdir, submit, follow tasks",
  emulator: "Run the local Globus emulator",
  demo: "Tour the SDK against an embedded emulator",
};

const ROOT: CommandSpec = {
  name: "globus-sdk",
  summary: "Globus from the command line, on the TypeScript SDK.",
  description:
    "Configuration: GLOBUS_CLIENT_ID (a native app's client id; with GLOBUS_CLIENT_SECRET, a\n" +
    "service account), GLOBUS_PROFILE, GLOBUS_SDK_ENVIRONMENT, GLOBUS_SDK_SERVICE_URL_<SERVICE>.\n" +
    "Against the local emulator no client id is needed.\n\n" +
    "Exit codes: 0 ok, 1 error, 2 usage, 3 login required, 130 interrupted.",
  options: [{ name: "version", type: "boolean", description: "print the version" }],
  examples: ["globus-sdk login --no-browser", "globus-sdk transfer ls COLLECTION_ID:/~/"],
  subcommands: COMMANDS.map((c) => ({
    name: c.name,
    summary: SUMMARIES[c.name] ?? "",
    examples: [],
  })),
};

function write(stream: NodeJS.WriteStream, text: string): void {
  if (text) stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-V" || first === "version") {
    write(process.stdout, `globus-sdk ${SDK_VERSION}`);
    return EXIT.ok;
  }
  const entry = first === undefined ? undefined : COMMANDS.find((c) => c.name === first);
  if (!entry) {
    // the top level: help, or a usage error naming the unknown command
    const resolved = resolveCommand(ROOT, argv);
    if ("help" in resolved) {
      write(process.stdout, resolved.help);
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  const spec = await entry.load();
  const resolved = resolveCommand({ ...spec, name: `globus-sdk ${spec.name}` }, rest);
  if ("help" in resolved) {
    write(process.stdout, resolved.help);
    return EXIT.ok;
  }
  return resolved.spec.run!(resolved.parsed, resolved.path);
}

// A reader that went away (`globus-sdk whoami | head -1`) is no error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT.ok);
    throw error;
  });
}
// Ctrl-C ends a command quietly (the emulator stops cleanly on it instead).
if (process.argv[2] !== "emulator") {
  process.once("SIGINT", () => {
    process.stderr.write("\n");
    process.exit(EXIT.interrupted);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { code, lines } = describeFailure(error);
    if (lines.length) write(process.stderr, lines.join("\n"));
    process.exitCode = code;
  },
);
