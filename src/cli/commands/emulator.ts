/** `globus-sdk emulator`: runs the local Globus emulator until a signal. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GlobusSDKUsageError } from "../../errors.ts";
import {
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  emulatorEnvironment,
  type RunningEmulator,
  startEmulator,
} from "../../testing/index.ts";
import { EXIT } from "../context.ts";
import { CLIUsageError, type CommandSpec, type ParsedArguments } from "../framework.ts";

/** The port the emulator listens on unless told otherwise, so its URLs stay put. */
export const DEFAULT_EMULATOR_PORT = 8700;

/** Where docs/emulator.md is in this installed package (or checkout), if it is there. */
function emulatorDocs(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "docs", "emulator.md");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return "docs/emulator.md in the globus-sdk package";
}

/** What the command prints, as JSON with `--json`. */
export function describeEmulator(emulator: RunningEmulator) {
  return {
    baseUrl: emulator.baseUrl,
    port: emulator.port,
    servicePorts: emulator.servicePorts,
    urls: emulator.urls,
    gcsEndpointUrls: emulator.gcsEndpointUrls,
    environmentVariables: emulator.environmentVariables,
    controlsUrl: `${emulator.baseUrl}_emulator/`,
    docs: emulatorDocs(),
    collections: emulator.seed.endpoints.map((endpoint) => ({
      id: endpoint.id,
      displayName: endpoint.display_name,
    })),
    flows: emulator.seed.flows.map((flow) => ({ id: flow.id, title: flow.title })),
    clients: emulator.seed.clients.map((client) => ({
      id: client.id,
      name: client.name,
      type: client.type,
      ...(client.type === "confidential" ? { secret: client.secret } : {}),
      ...(client.redirectUris?.length ? { redirectUris: client.redirectUris } : {}),
    })),
    identities: emulator.seed.identities.map((identity) => ({
      id: identity.id,
      username: identity.username,
      name: identity.name,
      account: identity.account,
    })),
  };
}

function describeAsText(info: ReturnType<typeof describeEmulator>, portOption: string): string {
  const lines = [`Globus emulator listening on ${info.baseUrl}`, "", "Service URLs:"];
  for (const [name, url] of Object.entries(info.urls)) lines.push(`  ${name.padEnd(10)} ${url}`);
  for (const [id, url] of Object.entries(info.gcsEndpointUrls)) {
    lines.push(`  ${"gcs".padEnd(10)} ${url} (endpoint ${id})`);
  }
  lines.push("", "Point Globus SDKs at it (in another shell):");
  lines.push(
    `  eval "$(globus-sdk emulator --env${portOption}${info.servicePorts ? " --service-ports" : ""})"`,
  );
  lines.push("", "Seeded collections:");
  for (const c of info.collections) lines.push(`  ${c.id}  ${c.displayName}`);
  lines.push("", "Seeded flows:");
  for (const f of info.flows) lines.push(`  ${f.id}  ${f.title}`);
  lines.push("", "Clients:");
  for (const client of info.clients) {
    lines.push(`  ${client.type.padEnd(12)} ${client.id}  ${client.name}`);
    if (client.secret) lines.push(`  ${"".padEnd(12)} secret: ${client.secret}`);
  }
  lines.push("", "Identities:");
  for (const identity of info.identities) {
    lines.push(
      `  ${identity.id}  ${identity.username} (${identity.name}, account ${identity.account})`,
    );
  }
  const collection =
    info.collections.find((c) => c.id === DEMO_COLLECTION_ID) ?? info.collections[0];
  const flow = info.flows.find((f) => f.id === DEMO_FLOW_ID) ?? info.flows[0];
  lines.push("", "Try it (the emulator's login page lets you log in as any identity above):");
  lines.push("  globus-sdk login --no-browser");
  if (collection) lines.push(`  globus-sdk transfer ls ${collection.id}:/~/`);
  if (flow) lines.push(`  globus-sdk flows run ${flow.id} --body '{"echo_string": "hi"}'`);
  lines.push(
    "",
    `Controls: ${info.controlsUrl} (an index of them; see ${info.docs})`,
    "Press Ctrl-C to stop.",
    "",
  );
  return lines.join("\n");
}

function portOf(options: ParsedArguments["options"]): number {
  const raw = options["port"] as string | undefined;
  const port = raw === undefined ? DEFAULT_EMULATOR_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CLIUsageError(
      `--port must be a whole number 0-65535, got "${raw}"`,
      "globus-sdk emulator",
    );
  }
  return port;
}

async function runEmulator({ options }: ParsedArguments): Promise<number> {
  const port = portOf(options);
  const servicePorts = Boolean(options["service-ports"]);
  if (options["env"]) {
    if (port === 0) {
      throw new CLIUsageError(
        "--env needs a fixed --port (its URLs must be known)",
        "globus-sdk emulator",
      );
    }
    const variables = emulatorEnvironment({ port, servicePorts });
    process.stdout.write(
      Object.entries(variables)
        .map(([name, value]) => `export ${name}=${value}`)
        .join("\n") + "\n",
    );
    return EXIT.ok;
  }
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({
      port,
      servicePorts,
      ...(options["seed"] ? { seed: options["seed"] as string } : {}),
    });
  } catch (error) {
    if (error instanceof GlobusSDKUsageError)
      throw new CLIUsageError(error.message, "globus-sdk emulator");
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new CLIUsageError(
        `port ${port} is in use (another emulator?): pick another with --port N, or --port 0 for any free one`,
        "globus-sdk emulator",
      );
    }
    throw error;
  }
  const info = describeEmulator(emulator);
  const portOption = port === DEFAULT_EMULATOR_PORT ? "" : ` --port ${port}`;
  process.stdout.write(
    options["json"] ? `${JSON.stringify(info)}\n` : describeAsText(info, portOption),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await emulator.stop();
  return EXIT.ok;
}

export const emulatorCommand: CommandSpec = {
  name: "emulator",
  summary: "Run the local Globus emulator (Auth and every service) until Ctrl-C",
  description:
    "Serves Globus Auth, Transfer, Flows, Groups, Search, Timers, Compute and GCS on\n" +
    "127.0.0.1, seeded with clients, identities, collections and flows to try things on.",
  options: [
    {
      name: "port",
      type: "string",
      value: "N",
      description: `port to listen on (default ${DEFAULT_EMULATOR_PORT}; 0 for any free one)`,
    },
    {
      name: "seed",
      type: "string",
      value: "FILE",
      description: "a JSON seed file (clients, identities, flows, collections)",
    },
    {
      name: "service-ports",
      type: "boolean",
      description:
        "also serve each service at the root of its own port (the next ports up), as real Globus does",
    },
    {
      name: "env",
      type: "boolean",
      description: "print the `export GLOBUS_SDK_SERVICE_URL_...` lines for this port, and exit",
    },
  ],
  examples: [
    "globus-sdk emulator",
    'eval "$(globus-sdk emulator --env)"   # in the shell that runs your script',
    "globus-sdk emulator --port 0 --json",
  ],
  run: runEmulator,
};
