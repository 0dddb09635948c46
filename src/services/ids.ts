import { describeValue } from "../arguments.ts";
import { GlobusSDKUsageError } from "../errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One id or several, as a list of checked UUIDs. Scope helpers build scope strings from
 * these ids, so a typo must fail here rather than as a consent error at login.
 */
export function uuidList(name: string, ids: string | Iterable<string>): string[] {
  if (
    typeof ids !== "string" &&
    typeof (ids as Iterable<string> | null)?.[Symbol.iterator] !== "function"
  ) {
    throw new GlobusSDKUsageError(
      `${name} must be a UUID or a list of them, got ${describeValue(ids)}.`,
    );
  }
  const list = typeof ids === "string" ? [ids] : [...ids];
  if (list.length === 0) throw new GlobusSDKUsageError(`${name} must name at least one id.`);
  list.forEach((id, i) => {
    if (typeof id !== "string" || !UUID.test(id)) {
      const where = typeof ids === "string" ? name : `${name}[${i}]`;
      throw new GlobusSDKUsageError(`${where} is not a UUID: ${JSON.stringify(id)}.`);
    }
  });
  return list;
}
