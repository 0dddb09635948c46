/** `flows list | show FLOW_ID | run FLOW_ID`. */
import { FlowsClient } from "../../services/flows/client.ts";
import { SpecificFlowClient } from "../../services/index.ts";
import { TokenValidationError } from "../../token-storage/errors.ts";
import {
  createCliApp,
  EXIT,
  emit,
  interactive,
  NeedsLoginError,
  profileOf,
  withGareRecovery,
} from "../context.ts";
import { CLIUsageError, type CommandSpec, type ParsedArguments } from "../framework.ts";

async function runList({ options }: ParsedArguments): Promise<number> {
  const json = Boolean(options["json"]);
  const profile = profileOf(options);
  await using app = createCliApp({ profile });
  const flows = new FlowsClient({ app });
  const limit = Number(options["limit"] ?? 25);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CLIUsageError("--limit takes a whole number of at least 1", "globus-sdk flows list");
  }
  // awaited, so that `await using` closes the app after the command, not before
  return await withGareRecovery(app, { json, profile }, async () => {
    const items = await flows
      .listFlows({
        ...(options["query"] ? { filterFulltext: options["query"] as string } : {}),
        ...(options["role"] ? { filterRoles: options["role"] as string } : {}),
      })
      .toArray(limit);
    emit(json, { flows: items }, () =>
      items.length ? items.map((f) => `${f.id}  ${f.title}`).join("\n") : "No flows found.",
    );
    return EXIT.ok;
  });
}

async function runShow({ options, args }: ParsedArguments): Promise<number> {
  const json = Boolean(options["json"]);
  const profile = profileOf(options);
  await using app = createCliApp({ profile });
  const flows = new FlowsClient({ app });
  // awaited, so that `await using` closes the app after the command, not before
  return await withGareRecovery(app, { json, profile }, async () => {
    const flow = await flows.getFlow(args["FLOW_ID"]!);
    emit(json, flow, () =>
      [
        `${flow.title}${flow.subtitle ? ` — ${flow.subtitle}` : ""}`,
        `  id:    ${flow.id}`,
        `  owner: ${flow.flow_owner}`,
        flow.description ? `  ${flow.description}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
    );
    return EXIT.ok;
  });
}

async function runRun({ options, args }: ParsedArguments): Promise<number> {
  const json = Boolean(options["json"]);
  const profile = profileOf(options);
  let body: Record<string, unknown> = {};
  if (options["body"]) {
    try {
      body = JSON.parse(options["body"] as string) as Record<string, unknown>;
    } catch {
      throw new CLIUsageError(
        `--body must be a JSON object, e.g. --body '{"message": "hi"}'`,
        "globus-sdk flows run",
      );
    }
  }
  await using app = createCliApp({ profile });
  // the flow is its own resource server: its scope joins the login when it is needed
  const client = new SpecificFlowClient(args["FLOW_ID"]!, { app });
  const flowScope = String(client.scopes.user);
  // awaited, so that `await using` closes the app after the command, not before
  return await withGareRecovery(app, { json, profile }, async () => {
    try {
      const run = await client.runFlow(body, {
        ...(options["label"] ? { label: options["label"] as string } : {}),
        ...(options["tag"] ? { tags: options["tag"] as string[] } : {}),
      });
      emit(json, run, () => `Started run ${run.run_id}: ${run.status}`);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof TokenValidationError || (error as Error).name === "LoginRequiredError") {
        if (!interactive(json)) {
          throw new NeedsLoginError(
            "running this flow needs a consent to the flow's own scope",
            `globus-sdk login --scope '${flowScope}'${profile !== "DEFAULT" ? ` --profile ${profile}` : ""}`,
          );
        }
      }
      throw error;
    }
  });
}

export const flowsCommand: CommandSpec = {
  name: "flows",
  summary: "Globus Flows: list, show and run flows",
  examples: ["globus-sdk flows list --query hello", "globus-sdk flows run FLOW_ID --body '{}'"],
  subcommands: [
    {
      name: "list",
      summary: "List the flows you can see",
      options: [
        {
          name: "query",
          type: "string",
          value: "TEXT",
          description: "only flows matching this text",
        },
        {
          name: "role",
          type: "string",
          value: "ROLE",
          description: "only flows where you have this role (flow_owner, ...)",
        },
        { name: "limit", type: "string", value: "N", description: "at most N flows (default 25)" },
      ],
      examples: ["globus-sdk flows list --role flow_owner --limit 5"],
      run: runList,
    },
    {
      name: "show",
      summary: "Show one flow",
      arguments: [{ name: "FLOW_ID", kind: "uuid", description: "the flow's id" }],
      examples: ["globus-sdk flows show 44444444-1111-4444-8444-444444444444"],
      run: runShow,
    },
    {
      name: "run",
      summary: "Start a run of a flow (logs in for the flow's own scope when it must)",
      arguments: [{ name: "FLOW_ID", kind: "uuid", description: "the flow's id" }],
      options: [
        { name: "body", type: "string", value: "JSON", description: "the run's input document" },
        { name: "label", type: "string", value: "LABEL", description: "a label for the run" },
        {
          name: "tag",
          type: "string",
          multiple: true,
          value: "TAG",
          description: "a tag (repeatable)",
        },
      ],
      examples: [
        `globus-sdk flows run 44444444-1111-4444-8444-444444444444 --body '{"echo_string": "hi"}'`,
      ],
      run: runRun,
    },
  ],
};
