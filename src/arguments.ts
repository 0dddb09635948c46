/**
 * Argument checks for public constructors and methods. Plain JavaScript callers exist, so
 * a wrong argument must fail here with a usage error that names it, not later with a
 * TypeError from deep inside, a DataCloneError, or a request to `.../undefined/...`.
 */
import { GlobusSDKUsageError } from "./errors.ts";

/** How a value reads in an error message (never its content when it is an object). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return value === "" ? "an empty string" : "a string";
    case "number":
      return `the number ${value}`;
    case "function":
      return "a function";
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An optional options object: undefined gives `{}`; anything but an object is an error. */
export function optionsArgument<T extends object>(
  where: string,
  value: T | undefined,
  name = "options",
): T {
  if (value === undefined) return {} as T;
  if (!isPlainObject(value)) {
    throw new GlobusSDKUsageError(
      `${where}: ${name} must be an object, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/** A required object argument. */
export function objectArgument<T extends object>(where: string, value: T, name: string): T {
  if (!isPlainObject(value)) {
    throw new GlobusSDKUsageError(
      `${where}: ${name} must be an object, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/** A required non-empty string argument. */
export function stringArgument(where: string, value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new GlobusSDKUsageError(
      `${where}: ${name} must be a non-empty string, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/**
 * Why `value` cannot be stored as JSON (a function, a symbol, a BigInt, `undefined` in a
 * list, a non-finite number, a cycle), naming where inside it; undefined when it can.
 */
export function notJsonReason(
  value: unknown,
  at: string,
  seen = new Set<object>(),
): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${at} is ${value}, which JSON cannot hold`;
    case "object": {
      if (value === null) return undefined;
      if (seen.has(value)) return `${at} refers to itself (a cycle)`;
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const reason = notJsonReason(value[i], `${at}[${i}]`, seen);
            if (reason) return reason;
          }
          return undefined;
        }
        for (const [key, item] of Object.entries(value)) {
          if (item === undefined) continue;
          const reason = notJsonReason(item, `${at}.${key}`, seen);
          if (reason) return reason;
        }
        return undefined;
      } finally {
        seen.delete(value);
      }
    }
    default:
      return `${at} is ${describeValue(value)}, which JSON cannot hold`;
  }
}
