/**
 * `globus-sdk demo [--interactive]` (`npm run demo`): a tour of the SDK against the embedded
 * emulator. It logs in as a person (the emulator approves, or you do with --interactive),
 * lists and runs flows, lists a directory and transfers it with a live progress line,
 * shows a second app reusing the stored tokens, then repeats the calls as a service account.
 * Token files go to a temporary folder it names; ~/.globus is never touched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClientApp,
  FlowsClient,
  type GlobusApp,
  JSONTokenStorage,
  type LoginFlowManager,
  NativeAppAuthClient,
  SpecificFlowClient,
  TransferClient,
  TransferData,
  UserApp,
} from "../../index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_FLOW_ID,
  DEMO_NATIVE_CLIENT_ID,
  EmulatorLoginFlowManager,
  startEmulator,
} from "../../testing/index.ts";
import { progressLine } from "../context.ts";
import type { CommandSpec } from "../framework.ts";

const out = (line = "") => process.stdout.write(`${line}\n`);
const step = (title: string) => out(`\n== ${title}`);

export const demoCommand: CommandSpec = {
  name: "demo",
  summary: "Tour the SDK against an embedded emulator (finishes by itself)",
  options: [
    {
      name: "interactive",
      type: "boolean",
      description: "log in yourself, in your browser or by pasting the code",
    },
  ],
  examples: ["globus-sdk demo", "globus-sdk demo --interactive"],
  run: ({ options }) => runDemo({ interactive: Boolean(options["interactive"]) }),
};

/** Runs the demo; resolves to the exit code. */
async function runDemo(values: { interactive: boolean }): Promise<number> {
  const tokenHome = mkdtempSync(join(tmpdir(), "globus-sdk-demo-"));
  const emulator = await startEmulator();
  Object.assign(process.env, emulator.environmentVariables);
  try {
    out(`Globus emulator running at ${emulator.baseUrl}`);
    out(`Token files go to ${tokenHome} (your ~/.globus is not touched).`);
    // the same JSON format and layout as the Python SDK, rooted in the demo's folder
    const tokenStorage = {
      forGlobusApp: (context: Parameters<typeof JSONTokenStorage.forGlobusApp>[0]) =>
        JSONTokenStorage.forGlobusApp(context, { env: { HOME: tokenHome } }),
    };
    const loginClient = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID);
    const loginFlowManager: LoginFlowManager | "auto" = values.interactive
      ? "auto"
      : new EmulatorLoginFlowManager({
          loginClient,
          requestRefreshTokens: true,
          output: process.stdout,
          approveAs: { controls: emulator.controls, identityId: ALICE_IDENTITY_ID },
        });
    if (!values.interactive) {
      out("(A person would open the URL below; the emulator approves it as alice@globusid.org.)");
    }

    step("1. A UserApp logs in once for every service it is bound to");
    {
      await using app = new UserApp("globus-sdk-demo", {
        loginClient,
        config: { tokenStorage, loginFlowManager },
      });
      await tour(app);
      const file = (await app.tokenStorage()).storage as JSONTokenStorage;
      out(`Tokens stored in ${file.filepath}`);
    }

    step("2. A second app instance reuses the stored tokens: no login");
    {
      await using again = new UserApp("globus-sdk-demo", {
        loginClient,
        config: { tokenStorage, loginFlowManager },
      });
      const flows = new FlowsClient({ app: again });
      new TransferClient({ app: again });
      const before = emulator.controls.requestLog({
        service: "auth",
        path: "/v2/oauth2/authorize",
      }).length;
      const page = await flows.listFlows().firstPage();
      const after = emulator.controls.requestLog({
        service: "auth",
        path: "/v2/oauth2/authorize",
      }).length;
      out(
        `Listed ${page.items.length} flows; login required: ${await again.loginRequired()}; new logins: ${after - before}`,
      );
    }

    step("3. A ClientApp (a service account) makes the same calls with client credentials");
    {
      await using service = new ClientApp("globus-sdk-demo-service", {
        clientId: DEMO_CONFIDENTIAL_CLIENT_ID,
        clientSecret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
        config: { tokenStorage },
      });
      await tour(service);
      out(`Client credentials grants: ${emulator.controls.countGrants("client_credentials")}`);
    }
    out("\nDemo complete.");
    return 0;
  } finally {
    await emulator.stop();
    rmSync(tokenHome, { recursive: true, force: true });
  }
}

/** The calls both kinds of app make: flows, a flow run, a listing and a transfer. */
async function tour(app: GlobusApp): Promise<void> {
  const flows = new FlowsClient({ app });
  const transfer = new TransferClient({ app });
  const helloFlow = new SpecificFlowClient(DEMO_FLOW_ID, { app });

  const titles: string[] = [];
  for await (const flow of flows.listFlows()) titles.push(flow.title);
  out(`Flows: ${titles.join(", ")}`);

  const run = await helloFlow.runFlow(
    { message: "hello from the demo" },
    { label: "demo run", tags: ["demo"] },
  );
  out(`Started run ${run.run_id} of "Hello World": ${run.status}`);

  const listing = await transfer.operationLs(DEMO_COLLECTION_ID, { path: "/home/alice/" });
  out(
    `Listing of /home/alice/: ${listing.DATA.map((e) => (e.type === "dir" ? `${e.name}/` : e.name)).join("  ")}`,
  );

  const data = new TransferData({
    sourceEndpoint: DEMO_COLLECTION_ID,
    destinationEndpoint: DEMO_COLLECTION_ID,
    label: "demo transfer",
  });
  const destination = `/home/alice/copy-${app instanceof ClientApp ? "service" : "user"}/`;
  data.addItem("/home/alice/results/", destination, { recursive: true });
  const task = await transfer.submitTransfer(data);
  out(`Submitted transfer task ${task.task_id}`);
  const done = await transfer.taskWait(task.task_id, {
    timeout: 60_000,
    pollInterval: 250,
    onProgress: progressLine(),
  });
  const copied = await transfer.operationLs(DEMO_COLLECTION_ID, { path: destination });
  out(
    `Transfer ${done.status}; ${destination} now holds: ${copied.DATA.map((e) => e.name).join(", ")}`,
  );
}
