/**
 * The CLI's commands are declared, not hand-parsed: each names its arguments and options
 * (with a description), an example and what it runs. This module parses against the
 * declaration (unknown options and extra arguments are usage errors that name them; ids are
 * checked before any request), and writes `--help` for every command and subcommand.
 */
import { parseArgs } from "node:util";
import { GlobusSDKUsageError } from "../errors.ts";

/** An option of a command (`--json`, `--label L`). */
export interface OptionSpec {
  name: string;
  type: "boolean" | "string";
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in the help (`L`, `SECONDS`). */
  value?: string;
  description: string;
}

/** How a positional argument is checked before anything runs. */
export type ArgumentKind =
  | "text"
  /** A UUID (a collection, task, flow or identity id). */
  | "uuid"
  /** `COLLECTION[:PATH]`, the collection a UUID. */
  | "location"
  /** `COLLECTION:PATH`, the path required. */
  | "location-with-path";

/** A positional argument. */
export interface ArgumentSpec {
  name: string;
  description: string;
  kind?: ArgumentKind;
  optional?: boolean;
}

/** The parsed arguments of a command. */
export interface ParsedArguments {
  /** Option values by option name. */
  options: Record<string, string | boolean | string[] | undefined>;
  /** Positional values by argument name (checked against their kind). */
  args: Record<string, string | undefined>;
}

/** A command, or a group of subcommands (`transfer`, `transfer task`). */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Longer text for the help, after the summary. */
  description?: string;
  arguments?: ArgumentSpec[];
  options?: OptionSpec[];
  examples: string[];
  subcommands?: CommandSpec[];
  run?(parsed: ParsedArguments, path: string[]): Promise<number>;
}

/** A usage problem: exit 2, with the message and a pointer to `--help`. */
export class CLIUsageError extends GlobusSDKUsageError {
  override name = "CLIUsageError";
  /** The command whose help explains the right usage (`globus-sdk transfer ls`). */
  readonly command: string;
  constructor(message: string, command = "globus-sdk") {
    super(message);
    this.command = command;
  }
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec[] = [
  { name: "json", type: "boolean", description: "print one JSON document instead of text" },
  {
    name: "profile",
    type: "string",
    value: "NAME",
    description: "use the login stored under this profile (default: GLOBUS_PROFILE, else DEFAULT)",
  },
  { name: "help", type: "boolean", short: "h", description: "show this help" },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkArgument(spec: ArgumentSpec, value: string, command: string): void {
  const kind = spec.kind ?? "text";
  if (kind === "uuid" && !UUID.test(value)) {
    throw new CLIUsageError(`${spec.name} must be a UUID, got "${value}"`, command);
  }
  if (kind === "location" || kind === "location-with-path") {
    const colon = value.indexOf(":");
    const collection = colon === -1 ? value : value.slice(0, colon);
    const path = colon === -1 ? "" : value.slice(colon + 1);
    if (!UUID.test(collection)) {
      throw new CLIUsageError(
        `${spec.name}: the collection must be a UUID, got "${collection}"`,
        command,
      );
    }
    if (kind === "location-with-path" && path === "") {
      throw new CLIUsageError(`${spec.name} needs a path: COLLECTION:PATH`, command);
    }
  }
}

/** Splits `COLLECTION[:PATH]` (already checked). */
export function splitLocation(value: string): { collection: string; path: string | undefined } {
  const colon = value.indexOf(":");
  return colon === -1
    ? { collection: value, path: undefined }
    : { collection: value.slice(0, colon), path: value.slice(colon + 1) };
}

function usageLine(spec: CommandSpec, path: string[]): string {
  const args = (spec.arguments ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name));
  const tail = spec.subcommands?.length ? ["<command>"] : args;
  return `Usage: ${[...path, ...tail].join(" ")} [options]`;
}

/** The `--help` text of a command. */
export function helpText(spec: CommandSpec, path: string[]): string {
  const lines = [usageLine(spec, path), "", spec.summary];
  if (spec.description) lines.push("", spec.description);
  const table = (rows: [string, string][]) => {
    const width = Math.max(...rows.map(([left]) => left.length)) + 2;
    return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
  };
  if (spec.subcommands?.length) {
    lines.push("", "Commands:", ...table(spec.subcommands.map((c) => [c.name, c.summary])));
  }
  if (spec.arguments?.length) {
    lines.push("", "Arguments:", ...table(spec.arguments.map((a) => [a.name, a.description])));
  }
  const options = [...(spec.options ?? []), ...COMMON_OPTIONS];
  lines.push(
    "",
    "Options:",
    ...table(
      options.map((o) => [
        `${o.short ? `-${o.short}, ` : ""}--${o.name}${o.value ? ` ${o.value}` : ""}`,
        o.description,
      ]),
    ),
  );
  lines.push("", spec.examples.length > 1 ? "Examples:" : "Example:");
  lines.push(...spec.examples.map((example) => `  ${example}`));
  if (spec.subcommands?.length) {
    lines.push("", `Run '${path.join(" ")} <command> --help' for a command's own help.`);
  }
  return `${lines.join("\n")}\n`;
}

/** What a parse error of node's parser means, in our own words (never its raw text). */
function parseProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option ?? message}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /argument missing/.test(message)
        ? `option ${option ?? ""} needs a value`
        : `option ${option ?? ""} takes no value`;
    default:
      return message.split(".")[0] ?? message;
  }
}

/**
 * Finds the command `argv` names (walking into subcommands) and parses its arguments.
 * Resolves with the help text instead when `--help`/`-h` is given.
 */
export function resolveCommand(
  root: CommandSpec,
  argv: string[],
): { spec: CommandSpec; path: string[]; parsed: ParsedArguments } | { help: string } {
  let spec = root;
  const path = [root.name];
  let rest = argv;
  while (spec.subcommands?.length) {
    const [next, ...after] = rest;
    if (next === undefined || next === "-h" || next === "--help" || next === "help") {
      if (next === undefined && spec !== root) {
        const names = spec.subcommands.map((c) => c.name).join(", ");
        throw new CLIUsageError(`a command is needed: ${names}`, path.join(" "));
      }
      if (next === undefined) throw new CLIUsageError("no command given", path.join(" "));
      return { help: helpText(spec, path) };
    }
    const child = spec.subcommands.find((c) => c.name === next);
    if (!child) {
      throw new CLIUsageError(
        `unknown command "${[...path.slice(1), next].join(" ")}"`,
        path.join(" "),
      );
    }
    spec = child;
    path.push(next);
    rest = after;
  }
  const options = [...(spec.options ?? []), ...COMMON_OPTIONS];
  const command = path.join(" ");
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        options.map((o) => [
          o.name,
          {
            type: o.type,
            ...(o.short ? { short: o.short } : {}),
            ...(o.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
    }) as {
      values: Record<string, string | boolean | string[] | undefined>;
      positionals: string[];
    });
  } catch (error) {
    throw new CLIUsageError(parseProblem(error), command);
  }
  if (values.help) return { help: helpText(spec, path) };
  const specs = spec.arguments ?? [];
  if (positionals.length > specs.length) {
    const extra = positionals
      .slice(specs.length)
      .map((p) => `"${p}"`)
      .join(", ");
    throw new CLIUsageError(
      `unexpected argument${positionals.length - specs.length > 1 ? "s" : ""} ${extra}`,
      command,
    );
  }
  const args: Record<string, string | undefined> = {};
  specs.forEach((argument, i) => {
    const value = positionals[i];
    if (value === undefined) {
      if (!argument.optional) throw new CLIUsageError(`missing ${argument.name}`, command);
      return;
    }
    checkArgument(argument, value, command);
    args[argument.name] = value;
  });
  return { spec, path, parsed: { options: values, args } };
}
