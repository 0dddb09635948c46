import { GlobusSDKError } from "../errors.ts";

/** A scope string that does not follow the Globus scope grammar. */
export class ScopeParseError extends GlobusSDKError {
  override name = "ScopeParseError";
  /** 0-based index into the parsed string where the problem is. */
  readonly position: number;
  /** What the parser expected there. */
  readonly expected: string;
  constructor(message: string, position: number, expected: string) {
    super(`${message} at position ${position} (expected ${expected})`);
    this.position = position;
    this.expected = expected;
  }
}

/** A scope that depends on itself, directly or through other scopes (`a[b[a]]`). */
export class ScopeCycleError extends ScopeParseError {
  override name = "ScopeCycleError";
  /** The scope found on its own dependency path. */
  readonly scope: string;
  constructor(scope: string, position: number) {
    super(
      `The scope "${scope}" depends on itself`,
      position,
      "a scope that is not its own dependency",
    );
    this.scope = scope;
  }
}
