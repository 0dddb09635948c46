/**
 * `globus-sdk emulator [--port N] [--seed FILE] [--service-ports] [--json]`: runs the
 * emulator until a signal.
 */
import { parseArgs } from "node:util";
import { GlobusSDKUsageError } from "../../errors.ts";
import { type RunningEmulator, startEmulator } from "../../testing/index.ts";

const HELP = `Usage: globus-sdk emulator [--port N] [--seed FILE] [--service-ports] [--json]

Runs a local Globus emulator (Auth, Transfer, Flows, ...) on 127.0.0.1 until Ctrl-C.
  --port N          port to listen on (default 0: the OS picks a free one)
  --seed FILE       JSON seed file (clients, identities, flows, endpoints)
  --service-ports   also serve each service at the root of its own port, as real Globus
                    serves each on its own host (needed by the JavaScript SDK)
  --json            print one JSON object (one line) instead of text
`;

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

function describeAsText(info: ReturnType<typeof describeEmulator>): string {
  const lines = [`Globus emulator listening on ${info.baseUrl}`, "", "Service URLs:"];
  for (const [name, url] of Object.entries(info.urls)) lines.push(`  ${name.padEnd(10)} ${url}`);
  for (const [id, url] of Object.entries(info.gcsEndpointUrls)) {
    lines.push(`  ${"gcs".padEnd(10)} ${url} (endpoint ${id})`);
  }
  lines.push("", "Export these to point Globus SDKs at the emulator:");
  for (const [name, value] of Object.entries(info.environmentVariables)) {
    lines.push(`  export ${name}=${value}`);
  }
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
  lines.push(
    "",
    `Controls: ${info.controlsUrl} (see docs/emulator.md)`,
    "Press Ctrl-C to stop.",
    "",
  );
  return lines.join("\n");
}

/** Runs the emulator command; resolves with the exit code after SIGINT/SIGTERM. */
export async function runEmulatorCommand(argv: string[]): Promise<number> {
  let values: {
    port?: string;
    seed?: string;
    json?: boolean;
    help?: boolean;
    "service-ports"?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        seed: { type: "string" },
        "service-ports": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`globus-sdk emulator: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(
      `globus-sdk emulator: --port must be an integer 0-65535, got "${values.port}"\n`,
    );
    return 2;
  }
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({
      port,
      servicePorts: values["service-ports"] === true,
      ...(values.seed ? { seed: values.seed } : {}),
    });
  } catch (error) {
    if (error instanceof GlobusSDKUsageError) {
      process.stderr.write(`globus-sdk emulator: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const info = describeEmulator(emulator);
  process.stdout.write(values.json ? `${JSON.stringify(info)}\n` : describeAsText(info));
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
  return 0;
}
