import { GlobusSDKUsageError } from "../../errors.ts";

/** Transfer's sync levels, by name or number (0-3), as the Python SDK accepts them. */
export type SyncLevel = "exists" | "size" | "mtime" | "checksum" | 0 | 1 | 2 | 3;
const SYNC_LEVELS: Record<string, number> = { exists: 0, size: 1, mtime: 2, checksum: 3 };

/** A task deadline as Transfer takes it: an ISO 8601 string. */
function deadlineString(deadline: string | Date | undefined): string | undefined {
  if (deadline === undefined) return undefined;
  const date = deadline instanceof Date ? deadline : new Date(deadline);
  if (Number.isNaN(date.getTime())) {
    throw new GlobusSDKUsageError(
      `Invalid deadline ${JSON.stringify(String(deadline))}: give a Date or an ISO 8601 date.`,
    );
  }
  return deadline instanceof Date ? deadline.toISOString() : deadline;
}

/** Options of a transfer task document. */
export interface TransferDataOptions {
  sourceEndpoint: string;
  destinationEndpoint: string;
  label?: string;
  /** Only copy files whose destination differs at this level. */
  syncLevel?: SyncLevel;
  verifyChecksum?: boolean;
  preserveTimestamp?: boolean;
  encryptData?: boolean;
  /** When the task gives up; an ISO date string or a Date. */
  deadline?: string | Date;
  notifyOnSucceeded?: boolean;
  notifyOnFailed?: boolean;
  notifyOnInactive?: boolean;
  /** Go on past source files that cannot be read (missing, permission denied). */
  skipSourceErrors?: boolean;
  /** Fail the task instead of retrying when the destination is over quota. */
  failOnQuotaErrors?: boolean;
  /** Delete destination files absent from the source (only with recursive items). */
  deleteDestinationExtra?: boolean;
  /** Set one to make resubmission safe; otherwise the client fetches one. */
  submissionId?: string;
  /** Further Transfer fields, sent as given. */
  additionalFields?: Record<string, unknown>;
}

/** Options of one transfer item. */
export interface TransferItemOptions {
  recursive?: boolean;
  externalChecksum?: string;
  checksumAlgorithm?: string;
}

/** Builds a Transfer `transfer` document: endpoints, options, and the items to copy. */
export class TransferData {
  readonly #options: TransferDataOptions;
  readonly #items: Record<string, unknown>[] = [];
  submissionId: string | undefined;

  constructor(options: TransferDataOptions) {
    if (!options?.sourceEndpoint || !options.destinationEndpoint) {
      throw new GlobusSDKUsageError("TransferData needs sourceEndpoint and destinationEndpoint.");
    }
    if (
      options.syncLevel !== undefined &&
      !(String(options.syncLevel) in SYNC_LEVELS) &&
      ![0, 1, 2, 3].includes(options.syncLevel as number)
    ) {
      throw new GlobusSDKUsageError(
        `Unknown syncLevel "${options.syncLevel}": use exists, size, mtime or checksum.`,
      );
    }
    deadlineString(options.deadline); // an unusable deadline fails here, not at submission
    this.#options = options;
    this.submissionId = options.submissionId;
  }

  /** Adds a file or (with `recursive`) a directory to copy. */
  addItem(sourcePath: string, destinationPath: string, options: TransferItemOptions = {}): this {
    if (!sourcePath || !destinationPath)
      throw new GlobusSDKUsageError("A transfer item needs a source and a destination path.");
    this.#items.push({
      DATA_TYPE: "transfer_item",
      source_path: sourcePath,
      destination_path: destinationPath,
      ...(options.recursive !== undefined ? { recursive: options.recursive } : {}),
      ...(options.externalChecksum !== undefined
        ? { external_checksum: options.externalChecksum }
        : {}),
      ...(options.checksumAlgorithm !== undefined
        ? { checksum_algorithm: options.checksumAlgorithm }
        : {}),
    });
    return this;
  }

  /** How many items the document holds. */
  get itemCount(): number {
    return this.#items.length;
  }

  /** The document as Transfer expects it. */
  toJSON(): Record<string, unknown> {
    const o = this.#options;
    const syncLevel = typeof o.syncLevel === "string" ? SYNC_LEVELS[o.syncLevel] : o.syncLevel;
    const deadline = deadlineString(o.deadline);
    const optional: Record<string, unknown> = {
      label: o.label,
      sync_level: syncLevel,
      verify_checksum: o.verifyChecksum,
      preserve_timestamp: o.preserveTimestamp,
      encrypt_data: o.encryptData,
      deadline,
      notify_on_succeeded: o.notifyOnSucceeded,
      notify_on_failed: o.notifyOnFailed,
      notify_on_inactive: o.notifyOnInactive,
      skip_source_errors: o.skipSourceErrors,
      fail_on_quota_errors: o.failOnQuotaErrors,
      delete_destination_extra: o.deleteDestinationExtra,
    };
    return {
      DATA_TYPE: "transfer",
      submission_id: this.submissionId,
      source_endpoint: o.sourceEndpoint,
      destination_endpoint: o.destinationEndpoint,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      ...o.additionalFields,
      DATA: this.#items,
    };
  }
}

/** Options of a delete task document. */
export interface DeleteDataOptions {
  endpoint: string;
  label?: string;
  /** Delete directories and their contents. */
  recursive?: boolean;
  /** Do not fail when a path is missing. */
  ignoreMissing?: boolean;
  deadline?: string | Date;
  notifyOnSucceeded?: boolean;
  notifyOnFailed?: boolean;
  notifyOnInactive?: boolean;
  submissionId?: string;
}

/** Builds a Transfer `delete` document: one collection and the paths to remove. */
export class DeleteData {
  readonly #options: DeleteDataOptions;
  readonly #items: Record<string, unknown>[] = [];
  submissionId: string | undefined;

  constructor(options: DeleteDataOptions) {
    if (!options?.endpoint)
      throw new GlobusSDKUsageError("DeleteData needs the endpoint (collection) to delete on.");
    deadlineString(options.deadline);
    this.#options = options;
    this.submissionId = options.submissionId;
  }

  /** Adds a path to delete. */
  addItem(path: string): this {
    if (!path) throw new GlobusSDKUsageError("A delete item needs a path.");
    this.#items.push({ DATA_TYPE: "delete_item", path });
    return this;
  }

  /** The document as Transfer expects it. */
  toJSON(): Record<string, unknown> {
    const o = this.#options;
    const optional: Record<string, unknown> = {
      label: o.label,
      recursive: o.recursive,
      ignore_missing: o.ignoreMissing,
      deadline: deadlineString(o.deadline),
      notify_on_succeeded: o.notifyOnSucceeded,
      notify_on_failed: o.notifyOnFailed,
      notify_on_inactive: o.notifyOnInactive,
    };
    return {
      DATA_TYPE: "delete",
      submission_id: this.submissionId,
      endpoint: o.endpoint,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      DATA: this.#items,
    };
  }
}
