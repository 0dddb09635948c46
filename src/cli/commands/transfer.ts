/** `transfer ls | mkdir | submit | task show | task wait`. */
import { parseArgs } from "node:util";
import { TransferClient, TransferData } from "../../services/index.ts";
import { CLIUsageError, createCliApp, EXIT, emit, JSON_FLAG, progressLine } from "../context.ts";

const USAGE = `Usage: globus-sdk transfer ls COLLECTION[:PATH]
       globus-sdk transfer mkdir COLLECTION:PATH
       globus-sdk transfer submit SRC_COLLECTION:PATH DST_COLLECTION:PATH [--recursive] [--label L] [--wait]
       globus-sdk transfer task show TASK_ID
       globus-sdk transfer task wait TASK_ID [--timeout SECONDS]`;

/** `COLLECTION:PATH` into its parts. */
function location(
  text: string | undefined,
  pathRequired: boolean,
): { collection: string; path: string | undefined } {
  if (!text) throw new CLIUsageError(USAGE);
  const colon = text.indexOf(":");
  const collection = colon === -1 ? text : text.slice(0, colon);
  const path = colon === -1 ? undefined : text.slice(colon + 1);
  if (!collection || (pathRequired && !path))
    throw new CLIUsageError(`Expected COLLECTION:PATH, got "${text}".\n${USAGE}`);
  return { collection, path };
}

export async function runTransfer(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      ...JSON_FLAG,
      recursive: { type: "boolean" },
      label: { type: "string" },
      wait: { type: "boolean" },
      timeout: { type: "string" },
    },
  });
  const json = values.json ?? false;
  await using app = createCliApp();
  const transfer = new TransferClient({ app });

  const wait = async (taskId: string) => {
    const timeoutSeconds = Number(values.timeout ?? 600);
    if (!(timeoutSeconds > 0)) throw new CLIUsageError("--timeout takes a number of seconds.");
    const task = await transfer.taskWait(taskId, {
      timeout: timeoutSeconds * 1000,
      pollInterval: 500,
      onProgress: progressLine(process.stderr),
    });
    return task;
  };

  switch (sub) {
    case "ls": {
      const { collection, path } = location(positionals[0], false);
      const listing = await transfer.operationLs(collection, path ? { path } : {});
      emit(
        json,
        listing,
        () =>
          listing.DATA.map(
            (e) =>
              `${e.type === "dir" ? "d" : "-"} ${String(e.size).padStart(10)}  ${e.name}${e.type === "dir" ? "/" : ""}`,
          ).join("\n") || "(empty)",
      );
      return EXIT.ok;
    }
    case "mkdir": {
      const { collection, path } = location(positionals[0], true);
      const result = await transfer.operationMkdir(collection, path!);
      emit(json, result, () => `Created ${path} on ${collection}.`);
      return EXIT.ok;
    }
    case "submit": {
      const source = location(positionals[0], true);
      const destination = location(positionals[1], true);
      const data = new TransferData({
        sourceEndpoint: source.collection,
        destinationEndpoint: destination.collection,
        ...(values.label ? { label: values.label } : {}),
      });
      data.addItem(source.path!, destination.path!, { recursive: values.recursive ?? false });
      const submitted = await transfer.submitTransfer(data);
      if (!values.wait) {
        emit(json, submitted, () => `Submitted transfer task ${submitted.task_id}.`);
        return EXIT.ok;
      }
      const task = await wait(submitted.task_id);
      emit(json, task, () => `Task ${task.task_id}: ${task.status}`);
      return task.status === "SUCCEEDED" ? EXIT.ok : EXIT.error;
    }
    case "task": {
      const [action, taskId] = positionals;
      if (!taskId || (action !== "show" && action !== "wait")) throw new CLIUsageError(USAGE);
      const task = action === "show" ? await transfer.getTask(taskId) : await wait(taskId);
      emit(json, task, () =>
        [
          `Task ${task.task_id}: ${task.status}`,
          `  label: ${task.label ?? ""}`,
          `  files: ${task.files_transferred ?? 0}/${task.files ?? 0}`,
          `  bytes: ${task.bytes_transferred ?? 0}`,
        ].join("\n"),
      );
      return action === "wait" && task.status !== "SUCCEEDED" ? EXIT.error : EXIT.ok;
    }
    default:
      throw new CLIUsageError(USAGE);
  }
}
