/** What the emulated Globus Auth's parts share: its error body, times and id checks. */
import { randomUUID } from "node:crypto";
import { EmulatorHttpError, type ErrorBodyFormatter } from "../types.ts";

/** How an error is worded beyond its code and detail. */
export interface AuthErrorWording {
  title: string;
  description: string;
  error: string;
}

/** Globus Auth's error body: an `errors` list (with an id per error) plus OAuth-style `error`. */
export function authErrorBody(
  status: number,
  code: string,
  detail: string,
  wording?: AuthErrorWording,
): Record<string, unknown> {
  const title = status === 401 ? "Unauthorized" : status === 403 ? "Forbidden" : "Error";
  return {
    errors: [
      { status: String(status), id: randomUUID(), code, detail, title: wording?.title ?? title },
    ],
    error_description: wording?.description ?? (status === 401 || status === 403 ? title : detail),
    error: wording?.error ?? code.toLowerCase(),
  };
}

/** Globus Auth's error body format, for the core's own errors (404, 405, faults). */
export const authErrorFormat: ErrorBodyFormatter = (status, code, message) =>
  authErrorBody(status, code, message);

/** An Auth API error to throw from a handler. */
export function authError(status: number, code: string, detail: string): EmulatorHttpError {
  return new EmulatorHttpError(status, authErrorBody(status, code, detail));
}

/** A 400 for a request body or parameter Globus Auth would refuse. */
export function invalid(detail: string): EmulatorHttpError {
  return authError(400, "INVALID_PARAMETERS", detail);
}

/** Globus Auth's timestamps: ISO 8601 with an explicit UTC offset. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("Z", "+00:00");
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
