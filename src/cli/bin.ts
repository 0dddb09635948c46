#!/usr/bin/env node
/** The `globus-sdk` command: dispatches to a subcommand. */
import { runEmulatorCommand } from "./commands/emulator.ts";

const USAGE = `Usage: globus-sdk <command> [options]

Commands:
  emulator [--port N] [--seed FILE] [--json]   Run the local Globus emulator
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "emulator":
      return runEmulatorCommand(rest);
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`globus-sdk: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`globus-sdk: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
