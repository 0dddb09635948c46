/**
 * Timers validates request documents the way a FastAPI service does: a bad field is a 422
 * whose body lists `{loc, msg, type}` entries (`{"detail": [...]}`), the format of the
 * recorded `create_job` validation error. Documents are strict: a key the API does not
 * define is refused rather than silently dropped.
 */
import { EmulatorHttpError } from "../../types.ts";

export type Location = readonly (string | number)[];

/** A 422 with one validation entry at `loc` (which starts with `body` or `query`). */
export function invalid(loc: Location, msg: string, type: string): EmulatorHttpError {
  return new EmulatorHttpError(422, { detail: [{ loc: [...loc], msg, type }] });
}

const ZONE = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;

/** Epoch seconds of an ISO 8601 datetime; one without a zone is read as UTC. */
export function parseDatetime(value: unknown, loc: Location): number {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) {
    const millis = Date.parse(ZONE.test(value) ? value : `${value}Z`);
    if (!Number.isNaN(millis)) return Math.floor(millis / 1000);
  }
  throw invalid(loc, "invalid datetime format", "value_error.datetime");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the fields of one JSON object, failing at the field's location. */
export class Fields {
  readonly doc: Record<string, unknown>;
  readonly loc: Location;

  constructor(value: unknown, loc: Location) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw invalid(loc, "value is not a valid dict", "type_error.dict");
    }
    this.doc = value as Record<string, unknown>;
    this.loc = loc;
  }

  at(key: string | number): Location {
    return [...this.loc, key];
  }

  has(key: string): boolean {
    return this.doc[key] !== undefined;
  }

  /** Refuses every key but these. */
  only(keys: readonly string[]): this {
    for (const key of Object.keys(this.doc)) {
      if (!keys.includes(key)) {
        throw invalid(this.at(key), "extra fields not permitted", "value_error.extra");
      }
    }
    return this;
  }

  required(key: string): unknown {
    const value = this.doc[key];
    if (value === undefined) throw invalid(this.at(key), "field required", "value_error.missing");
    return value;
  }

  /** A nested object. */
  object(key: string): Fields {
    return new Fields(this.required(key), this.at(key));
  }

  string(key: string): string;
  string(key: string, fallback: string): string;
  string(key: string, fallback: null): string | null;
  string(key: string, fallback?: string | null): string | null {
    const value = fallback === undefined ? this.required(key) : this.doc[key];
    if (value === undefined || (value === null && fallback !== undefined)) return fallback ?? null;
    if (typeof value !== "string")
      throw invalid(this.at(key), "str type expected", "type_error.str");
    return value;
  }

  literal<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const value =
      fallback !== undefined && this.doc[key] === undefined ? fallback : this.required(key);
    if (!allowed.includes(value as T)) {
      throw invalid(
        this.at(key),
        `unexpected value; permitted: ${allowed.map((a) => `'${a}'`).join(", ")}`,
        "value_error.const",
      );
    }
    return value as T;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.doc[key];
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      throw invalid(this.at(key), "value could not be parsed to a boolean", "type_error.bool");
    }
    return value;
  }

  integer(key: string, bounds: { min?: number; max?: number } = {}): number {
    return this.#bounded(key, this.required(key), bounds);
  }

  optionalInteger(key: string, bounds: { min?: number; max?: number } = {}): number | null {
    const value = this.doc[key];
    return value === undefined || value === null ? null : this.#bounded(key, value, bounds);
  }

  #bounded(key: string, value: unknown, { min, max }: { min?: number; max?: number }): number {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw invalid(this.at(key), "value is not a valid integer", "type_error.integer");
    }
    const whole = Math.floor(value);
    if (min !== undefined && whole < min) {
      throw invalid(
        this.at(key),
        `ensure this value is greater than or equal to ${min}`,
        "value_error.number.not_ge",
      );
    }
    if (max !== undefined && whole > max) {
      throw invalid(
        this.at(key),
        `ensure this value is less than or equal to ${max}`,
        "value_error.number.not_le",
      );
    }
    return whole;
  }

  datetime(key: string): number {
    return parseDatetime(this.required(key), this.at(key));
  }

  uuid(key: string): string {
    const value = this.required(key);
    if (typeof value !== "string" || !UUID.test(value)) {
      throw invalid(this.at(key), "value is not a valid uuid", "type_error.uuid");
    }
    return value.toLowerCase();
  }

  /** A list of strings, or undefined when absent. */
  strings(key: string): string[] | undefined {
    const value = this.doc[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value))
      throw invalid(this.at(key), "value is not a valid list", "type_error.list");
    value.forEach((item, i) => {
      if (typeof item !== "string") {
        throw invalid([...this.at(key), i], "str type expected", "type_error.str");
      }
    });
    return value as string[];
  }

  /** A list of objects (at least `min`), each read by `read`. */
  list<T>(key: string, read: (item: Fields) => T, min = 0): T[] {
    const value = this.required(key);
    if (!Array.isArray(value))
      throw invalid(this.at(key), "value is not a valid list", "type_error.list");
    if (value.length < min) {
      throw invalid(
        this.at(key),
        `ensure this value has at least ${min} items`,
        "value_error.list.min_items",
      );
    }
    return value.map((item, i) => read(new Fields(item, [...this.at(key), i])));
  }
}
