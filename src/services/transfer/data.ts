import { GlobusSDKUsageError } from "../../errors.ts";
import { definedFields } from "./fields.ts";

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

/** The options every task document (transfer or delete) shares. */
interface TaskDocumentOptions {
  label?: string;
  /** When the task gives up; an ISO date string or a Date. */
  deadline?: string | Date;
  /** Email the owner when the task succeeds (Transfer's default: true). */
  notifyOnSucceeded?: boolean;
  notifyOnFailed?: boolean;
  /** Email the owner when the task becomes INACTIVE (expired credentials, say). */
  notifyOnInactive?: boolean;
  /** Set one to make resubmission safe; otherwise the client fetches one. */
  submissionId?: string;
  /** Further Transfer fields, sent as given (after the options above). */
  additionalFields?: Record<string, unknown>;
}

/** Options of a transfer task document. */
export interface TransferDataOptions extends TaskDocumentOptions {
  sourceEndpoint: string;
  destinationEndpoint: string;
  /** Only copy files whose destination differs at this level. */
  syncLevel?: SyncLevel;
  /** Compare checksums after copying, and copy again on a mismatch. */
  verifyChecksum?: boolean;
  /** Give destination files the source's modification times. */
  preserveTimestamp?: boolean;
  /** TLS-protect the data channel. */
  encryptData?: boolean;
  /** Go on past source files that cannot be read (missing, permission denied). */
  skipSourceErrors?: boolean;
  /** Fail the task instead of retrying when the destination is over quota. */
  failOnQuotaErrors?: boolean;
  /** Delete destination files absent from the source (only with recursive items). */
  deleteDestinationExtra?: boolean;
  /** What to do with symlinks met while copying a directory (`ignore` by default). */
  recursiveSymlinks?: "ignore" | "keep" | "copy";
  /** The local account the source's identity mapping should choose (GCSv5 mapped collections). */
  sourceLocalUser?: string;
  /** The local account the destination's identity mapping should choose. */
  destinationLocalUser?: string;
}

/** Options of one transfer item. */
export interface TransferItemOptions {
  /** The source path is a directory to copy with its contents. */
  recursive?: boolean;
  /** A checksum the file must match (MD5 unless `checksumAlgorithm` says otherwise). */
  externalChecksum?: string;
  checksumAlgorithm?: string;
  /** Further item fields, sent as given. */
  additionalFields?: Record<string, unknown>;
}

/** One filter rule of a recursive transfer: which names to include or exclude. */
export interface TransferFilterRule {
  DATA_TYPE: "filter_rule";
  method: "include" | "exclude";
  name: string;
  type?: "file" | "dir";
}

/** Builds a Transfer `transfer` document: endpoints, options, and the items to copy. */
export class TransferData {
  readonly #options: TransferDataOptions;
  readonly #items: Record<string, unknown>[] = [];
  readonly #filterRules: TransferFilterRule[] = [];
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
      ...definedFields({
        recursive: options.recursive,
        external_checksum: options.externalChecksum,
        checksum_algorithm: options.checksumAlgorithm,
      }),
      ...options.additionalFields,
    });
    return this;
  }

  /**
   * Adds a filter rule for recursive items. Rules are tried in order and the first whose
   * `name` pattern (`*`, `?`, `[...]`, `[!...]`) matches decides; an item no rule matches is
   * copied. `method` defaults to `exclude`; without `type` the rule applies to files and
   * directories alike.
   */
  addFilterRule(
    name: string,
    options: { method?: "include" | "exclude"; type?: "file" | "dir" } = {},
  ): this {
    if (!name) throw new GlobusSDKUsageError("A filter rule needs a name pattern.");
    const method = options.method ?? "exclude";
    if (method !== "include" && method !== "exclude") {
      throw new GlobusSDKUsageError(
        `Unknown filter rule method "${method}": use include or exclude.`,
      );
    }
    if (options.type !== undefined && options.type !== "file" && options.type !== "dir") {
      throw new GlobusSDKUsageError(`Unknown filter rule type "${options.type}": use file or dir.`);
    }
    this.#filterRules.push({
      DATA_TYPE: "filter_rule",
      method,
      name,
      ...(options.type ? { type: options.type } : {}),
    });
    return this;
  }

  /** How many items the document holds. */
  get itemCount(): number {
    return this.#items.length;
  }

  /** The items added so far, as Transfer receives them. */
  *iterItems(): IterableIterator<Record<string, unknown>> {
    yield* this.#items.map((item) => ({ ...item }));
  }

  /** The document as Transfer expects it. */
  toJSON(): Record<string, unknown> {
    const o = this.#options;
    const syncLevel = typeof o.syncLevel === "string" ? SYNC_LEVELS[o.syncLevel] : o.syncLevel;
    return {
      DATA_TYPE: "transfer",
      submission_id: this.submissionId,
      source_endpoint: o.sourceEndpoint,
      destination_endpoint: o.destinationEndpoint,
      ...definedFields({
        label: o.label,
        sync_level: syncLevel,
        verify_checksum: o.verifyChecksum,
        preserve_timestamp: o.preserveTimestamp,
        encrypt_data: o.encryptData,
        deadline: deadlineString(o.deadline),
        notify_on_succeeded: o.notifyOnSucceeded,
        notify_on_failed: o.notifyOnFailed,
        notify_on_inactive: o.notifyOnInactive,
        skip_source_errors: o.skipSourceErrors,
        fail_on_quota_errors: o.failOnQuotaErrors,
        delete_destination_extra: o.deleteDestinationExtra,
        recursive_symlinks: o.recursiveSymlinks,
        source_local_user: o.sourceLocalUser,
        destination_local_user: o.destinationLocalUser,
        filter_rules: this.#filterRules.length > 0 ? [...this.#filterRules] : undefined,
      }),
      ...o.additionalFields,
      DATA: [...this.#items],
    };
  }
}

/** Options of a delete task document. */
export interface DeleteDataOptions extends TaskDocumentOptions {
  endpoint: string;
  /** Delete directories and their contents. */
  recursive?: boolean;
  /** Do not fail when a path is missing. */
  ignoreMissing?: boolean;
  /** Expand `*?[]` in each path's last component (a backslash escapes them). */
  interpretGlobs?: boolean;
  /** The local account the collection's identity mapping should choose (GCSv5 mapped collections). */
  localUser?: string;
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

  /** Adds a path to delete (a directory needs `recursive` on the document). */
  addItem(path: string, options: { additionalFields?: Record<string, unknown> } = {}): this {
    if (!path) throw new GlobusSDKUsageError("A delete item needs a path.");
    this.#items.push({ DATA_TYPE: "delete_item", path, ...options.additionalFields });
    return this;
  }

  /** How many items the document holds. */
  get itemCount(): number {
    return this.#items.length;
  }

  /** The items added so far, as Transfer receives them. */
  *iterItems(): IterableIterator<Record<string, unknown>> {
    yield* this.#items.map((item) => ({ ...item }));
  }

  /** The document as Transfer expects it. */
  toJSON(): Record<string, unknown> {
    const o = this.#options;
    return {
      DATA_TYPE: "delete",
      submission_id: this.submissionId,
      endpoint: o.endpoint,
      ...definedFields({
        label: o.label,
        recursive: o.recursive,
        ignore_missing: o.ignoreMissing,
        interpret_globs: o.interpretGlobs,
        local_user: o.localUser,
        deadline: deadlineString(o.deadline),
        notify_on_succeeded: o.notifyOnSucceeded,
        notify_on_failed: o.notifyOnFailed,
        notify_on_inactive: o.notifyOnInactive,
      }),
      ...o.additionalFields,
      DATA: [...this.#items],
    };
  }
}

/** Options of a tunnel document. */
export interface CreateTunnelDataOptions {
  /** A label for the tunnel. */
  label?: string;
  /** Set one to make a retried create harmless; otherwise `createTunnel` makes one. */
  submissionId?: string;
  /** Minutes the tunnel lives once created (Transfer's default: 360). */
  lifetimeMins?: number;
  /** Restart the tunnel when it fails. */
  restartable?: boolean;
  /** Further attributes, sent as given. */
  additionalFields?: Record<string, unknown>;
}

/**
 * Builds a v2 tunnel document (JSON:API): the stream access points of the initiating and
 * the listening side, and the tunnel's attributes.
 */
export class CreateTunnelData {
  readonly initiatorStreamAccessPoint: string;
  readonly listenerStreamAccessPoint: string;
  readonly #options: CreateTunnelDataOptions;
  submissionId: string | undefined;

  constructor(
    initiatorStreamAccessPoint: string,
    listenerStreamAccessPoint: string,
    options: CreateTunnelDataOptions = {},
  ) {
    if (!initiatorStreamAccessPoint || !listenerStreamAccessPoint) {
      throw new GlobusSDKUsageError(
        "CreateTunnelData needs the initiator's and the listener's stream access point ids.",
      );
    }
    if (
      options.lifetimeMins !== undefined &&
      (!Number.isInteger(options.lifetimeMins) || options.lifetimeMins < 1)
    ) {
      throw new GlobusSDKUsageError("lifetimeMins must be a positive whole number of minutes.");
    }
    this.initiatorStreamAccessPoint = initiatorStreamAccessPoint;
    this.listenerStreamAccessPoint = listenerStreamAccessPoint;
    this.#options = options;
    this.submissionId = options.submissionId;
  }

  /** The document as Transfer expects it. */
  toJSON(): { data: Record<string, unknown> } {
    const o = this.#options;
    const point = (id: string) => ({ data: { type: "StreamAccessPoint", id } });
    return {
      data: {
        type: "Tunnel",
        relationships: {
          listener: point(this.listenerStreamAccessPoint),
          initiator: point(this.initiatorStreamAccessPoint),
        },
        attributes: {
          ...definedFields({
            label: o.label,
            submission_id: this.submissionId,
            restartable: o.restartable,
            lifetime_mins: o.lifetimeMins,
          }),
          ...o.additionalFields,
        },
      },
    };
  }
}
