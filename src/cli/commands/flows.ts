/** `flows list | show ID | run ID [--body JSON] [--label L] [--tag T]...` */
import { parseArgs } from "node:util";
import { FlowsClient } from "../../services/flows/client.ts";
import { SpecificFlowClient } from "../../services/index.ts";
import { CLIUsageError, createCliApp, EXIT, emit, JSON_FLAG } from "../context.ts";

const USAGE =
  "Usage: globus-sdk flows list [--query Q] [--role R] [--limit N] | show FLOW_ID | run FLOW_ID [--body JSON] [--label L] [--tag T]";

export async function runFlows(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      ...JSON_FLAG,
      query: { type: "string" },
      role: { type: "string" },
      limit: { type: "string" },
      body: { type: "string" },
      label: { type: "string" },
      tag: { type: "string", multiple: true },
    },
  });
  const json = values.json ?? false;
  await using app = createCliApp();
  const flows = new FlowsClient({ app });
  if (sub === "list") {
    const limit = Number(values.limit ?? 25);
    if (!Number.isInteger(limit) || limit < 1)
      throw new CLIUsageError("--limit takes a whole number of at least 1.");
    const items = await flows
      .listFlows({
        ...(values.query ? { query: values.query } : {}),
        ...(values.role ? { filterRoles: values.role } : {}),
      })
      .toArray(limit);
    emit(json, { flows: items }, () =>
      items.length ? items.map((f) => `${f.id}  ${f.title}`).join("\n") : "No flows found.",
    );
    return EXIT.ok;
  }
  const flowId = positionals[0];
  if (!flowId) throw new CLIUsageError(USAGE);
  if (sub === "show") {
    const flow = await flows.getFlow(flowId);
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
  }
  if (sub === "run") {
    let body: Record<string, unknown> = {};
    if (values.body) {
      try {
        body = JSON.parse(values.body) as Record<string, unknown>;
      } catch {
        throw new CLIUsageError('--body must be a JSON object, e.g. --body \'{"message": "hi"}\'.');
      }
    }
    const client = new SpecificFlowClient(flowId, { app });
    const run = await client.runFlow(body, {
      ...(values.label ? { label: values.label } : {}),
      ...(values.tag ? { tags: values.tag } : {}),
    });
    emit(json, run, () => `Started run ${run.run_id}: ${run.status}`);
    return EXIT.ok;
  }
  throw new CLIUsageError(USAGE);
}
