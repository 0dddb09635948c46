/** Payload builders for Flows requests, as the Python SDK's `flows/data.py` has them. */
import type { RunActivityNotificationPolicyFields } from "./types.ts";

/**
 * When Flows sends the run's owner mail about it: on every status in `status` the run
 * changes to. Pass it as `activityNotificationPolicy` to `runFlow` or `validateRun`.
 */
export class RunActivityNotificationPolicy {
  status?: ("INACTIVE" | "SUCCEEDED" | "FAILED")[];

  constructor(fields: RunActivityNotificationPolicyFields = {}) {
    if (fields.status !== undefined) this.status = [...fields.status];
  }
}

/** Run metadata: what starting, validating or updating a run may set besides its input. */
export interface RunMetadata {
  /** A short description of the run. */
  label?: string;
  /** Tags; Flows trims them and collapses inner whitespace. An update replaces them all. */
  tags?: string[];
  /** Identity or group URNs who may manage (update, cancel, release) the run. */
  runManagers?: string[];
  /** Identity or group URNs who may watch the run. */
  runMonitors?: string[];
  /** Fields sent as given, after the others (the Python SDK's `additional_fields`). */
  additionalFields?: Record<string, unknown>;
}

/**
 * A JSON body from wire-named fields: undefined ones are left out, `additional` is merged
 * last, so a caller can send fields the SDK does not know yet.
 */
export function payload(
  fields: Record<string, unknown>,
  additional?: Record<string, unknown>,
): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { ...body, ...additional };
}

/** The wire fields of run metadata. */
export function runMetadataFields(metadata: RunMetadata): Record<string, unknown> {
  return {
    tags: metadata.tags,
    label: metadata.label,
    run_monitors: metadata.runMonitors,
    run_managers: metadata.runManagers,
  };
}
