/** `transfer ls | mkdir | submit | task show | task wait`. */
import {
  type TransferClient as Transfer,
  TransferClient,
  TransferData,
  type TransferTask,
} from "../../services/index.ts";
import { createCliApp, EXIT, emit, profileOf, progressLine, withGareRecovery } from "../context.ts";
import {
  CLIUsageError,
  type CommandSpec,
  type ParsedArguments,
  splitLocation,
} from "../framework.ts";

type TransferRun = (transfer: Transfer, parsed: ParsedArguments, json: boolean) => Promise<number>;

/** Each transfer command: an app for the profile, a client, and GARE recovery around it. */
function withTransfer(run: TransferRun) {
  return async (parsed: ParsedArguments): Promise<number> => {
    const json = Boolean(parsed.options["json"]);
    const profile = profileOf(parsed.options);
    await using app = createCliApp({ profile });
    const transfer = new TransferClient({ app });
    // awaited, so that `await using` closes the app after the command, not before
    return await withGareRecovery(app, { json, profile }, () => run(transfer, parsed, json));
  };
}

function timeoutMs(options: ParsedArguments["options"], command: string): number {
  const seconds = Number(options["timeout"] ?? 600);
  if (!(seconds > 0)) throw new CLIUsageError("--timeout takes a number of seconds", command);
  return seconds * 1000;
}

/** Why a task failed: its fatal error, else its last error event. */
async function failureReason(transfer: Transfer, task: TransferTask): Promise<string | undefined> {
  const fatal = task["fatal_error"] as { code?: string; description?: string } | null | undefined;
  if (fatal?.description || fatal?.code) {
    return `${fatal.code ?? "error"}: ${fatal.description ?? ""}`.trim();
  }
  const events = (await transfer.taskEventList(task.task_id, { limit: 100 }).firstPage()).items;
  const lastError = [...events].reverse().find((event) => event.is_error);
  return lastError ? `${lastError.code}: ${lastError.description}` : undefined;
}

async function report(
  transfer: Transfer,
  task: TransferTask,
  json: boolean,
  lines: string[],
): Promise<number> {
  const reason = task.status === "FAILED" ? await failureReason(transfer, task) : undefined;
  emit(json, reason ? { ...task, failure_reason: reason } : task, () =>
    [...lines, ...(reason ? [`  failed: ${reason}`] : [])].join("\n"),
  );
  return task.status === "FAILED" ? EXIT.error : EXIT.ok;
}

function taskLines(task: TransferTask): string[] {
  return [
    `Task ${task.task_id}: ${task.status}`,
    `  label: ${task.label ?? ""}`,
    `  files: ${task.files_transferred ?? 0}/${task.files ?? 0}`,
    `  bytes: ${task.bytes_transferred ?? 0}`,
  ];
}

const waitFor = (transfer: Transfer, taskId: string, timeout: number) =>
  transfer.taskWait(taskId, {
    timeout,
    pollInterval: 500,
    onProgress: progressLine(process.stderr),
  });

const ls = withTransfer(async (transfer, { args }, json) => {
  const { collection, path } = splitLocation(args["COLLECTION[:PATH]"]!);
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
});

const mkdir = withTransfer(async (transfer, { args }, json) => {
  const { collection, path } = splitLocation(args["COLLECTION:PATH"]!);
  const result = await transfer.operationMkdir(collection, path!);
  emit(json, result, () => `Created ${path} on ${collection}.`);
  return EXIT.ok;
});

const submit = withTransfer(async (transfer, { args, options }, json) => {
  const source = splitLocation(args["SOURCE"]!);
  const destination = splitLocation(args["DESTINATION"]!);
  const timeout = timeoutMs(options, "globus-sdk transfer submit");
  const data = new TransferData({
    sourceEndpoint: source.collection,
    destinationEndpoint: destination.collection,
    ...(options["label"] ? { label: options["label"] as string } : {}),
  });
  data.addItem(source.path!, destination.path!, { recursive: Boolean(options["recursive"]) });
  const submitted = await transfer.submitTransfer(data);
  if (!options["wait"]) {
    emit(json, submitted, () => `Submitted transfer task ${submitted.task_id}.`);
    return EXIT.ok;
  }
  const task = await waitFor(transfer, submitted.task_id, timeout);
  return report(transfer, task, json, [`Task ${task.task_id}: ${task.status}`]);
});

const show = withTransfer(async (transfer, { args, options }, json) => {
  const taskId = args["TASK_ID"]!;
  const task = options["wait"]
    ? await waitFor(transfer, taskId, timeoutMs(options, "globus-sdk transfer task show"))
    : await transfer.getTask(taskId);
  return report(transfer, task, json, taskLines(task));
});

const wait = withTransfer(async (transfer, { args, options }, json) => {
  const task = await waitFor(
    transfer,
    args["TASK_ID"]!,
    timeoutMs(options, "globus-sdk transfer task wait"),
  );
  return report(transfer, task, json, taskLines(task));
});

const TIMEOUT = {
  name: "timeout",
  type: "string",
  value: "SECONDS",
  description: "give up waiting after this long (default 600)",
} as const;
const TASK_ID = { name: "TASK_ID", kind: "uuid", description: "the task's id" } as const;

export const transferCommand: CommandSpec = {
  name: "transfer",
  summary: "Globus Transfer: list, make directories, transfer, follow tasks",
  examples: [
    "globus-sdk transfer ls 33333333-1111-4333-8333-333333333333:/~/",
    "globus-sdk transfer submit SRC_ID:/data/ DST_ID:/backup/ --recursive --wait",
  ],
  subcommands: [
    {
      name: "ls",
      summary: "List a directory on a collection",
      arguments: [
        {
          name: "COLLECTION[:PATH]",
          kind: "location",
          description: "a collection id, and a path on it (default: its default directory)",
        },
      ],
      examples: ["globus-sdk transfer ls 33333333-1111-4333-8333-333333333333:/~/"],
      run: ls,
    },
    {
      name: "mkdir",
      summary: "Make a directory on a collection",
      arguments: [{ name: "COLLECTION:PATH", kind: "location-with-path", description: "where" }],
      examples: ["globus-sdk transfer mkdir 33333333-1111-4333-8333-333333333333:/~/results"],
      run: mkdir,
    },
    {
      name: "submit",
      summary: "Submit a transfer task",
      arguments: [
        { name: "SOURCE", kind: "location-with-path", description: "COLLECTION:PATH to copy from" },
        {
          name: "DESTINATION",
          kind: "location-with-path",
          description: "COLLECTION:PATH to copy to",
        },
      ],
      options: [
        {
          name: "recursive",
          type: "boolean",
          description: "copy a directory and everything in it",
        },
        { name: "label", type: "string", value: "LABEL", description: "a label for the task" },
        { name: "wait", type: "boolean", description: "wait for the task, showing its progress" },
        TIMEOUT,
      ],
      examples: [
        "globus-sdk transfer submit SRC_ID:/data/ DST_ID:/backup/data/ --recursive --wait",
      ],
      run: submit,
    },
    {
      name: "task",
      summary: "Follow a task",
      examples: [
        "globus-sdk transfer task show TASK_ID",
        "globus-sdk transfer task wait TASK_ID --timeout 60",
      ],
      subcommands: [
        {
          name: "show",
          summary: "Show a task (why it failed, when it did)",
          arguments: [TASK_ID],
          options: [{ name: "wait", type: "boolean", description: "wait until it ends" }, TIMEOUT],
          examples: ["globus-sdk transfer task show TASK_ID --wait"],
          run: show,
        },
        {
          name: "wait",
          summary: "Wait for a task to end (exit 1 when it fails)",
          arguments: [TASK_ID],
          options: [TIMEOUT],
          examples: ["globus-sdk transfer task wait TASK_ID --timeout 60"],
          run: wait,
        },
      ],
    },
  ],
};
