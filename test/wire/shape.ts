/**
 * A small language for the shape of a JSON document, and a checker. The wire-fact tables
 * (`test/wire/facts/`) describe each Python SDK recorded response in it: which keys, and
 * what type of value under each. Objects are exact unless declared open: the emulator must
 * answer with the keys the real service sends, no fewer and no others.
 */

export type Shape =
  | { kind: "string" }
  | { kind: "number"; integer: boolean }
  | { kind: "boolean" }
  | { kind: "null" }
  | { kind: "any" }
  | { kind: "literal"; value: string | number | boolean }
  | { kind: "array"; of: Shape }
  | { kind: "object"; fields: Readonly<Record<string, Shape>>; open: boolean }
  | { kind: "record"; of: Shape }
  | { kind: "optional"; of: Shape }
  | { kind: "oneOf"; of: readonly Shape[] };

/** Shape builders: `S.obj({ id: S.str, DATA: S.array(S.obj({...})) })`. */
export const S = {
  str: { kind: "string" } as Shape,
  num: { kind: "number", integer: false } as Shape,
  int: { kind: "number", integer: true } as Shape,
  bool: { kind: "boolean" } as Shape,
  null: { kind: "null" } as Shape,
  /** Any JSON value (a free-form document, such as a flow definition). */
  any: { kind: "any" } as Shape,
  lit: (value: string | number | boolean): Shape => ({ kind: "literal", value }),
  array: (of: Shape): Shape => ({ kind: "array", of }),
  /** An object with exactly these keys. */
  obj: (fields: Record<string, Shape>): Shape => ({ kind: "object", fields, open: false }),
  /** An object with at least these keys (for documents the service extends freely). */
  open: (fields: Record<string, Shape>): Shape => ({ kind: "object", fields, open: true }),
  /** An object of any keys, each value of one shape. */
  record: (of: Shape): Shape => ({ kind: "record", of }),
  /** Inside `obj`: a key the real service leaves out in some answers. */
  optional: (of: Shape): Shape => ({ kind: "optional", of }),
  nullable: (of: Shape): Shape => ({ kind: "oneOf", of: [of, { kind: "null" }] }),
  oneOf: (...of: Shape[]): Shape => ({ kind: "oneOf", of }),
};

/** A mismatch at a JSON path such as `$.DATA[0].id`. */
export interface ShapeProblem {
  path: string;
  message: string;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** Every way `value` differs from `shape`; empty when it fits. */
export function checkShape(value: unknown, shape: Shape, path = "$"): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const fail = (message: string) => problems.push({ path, message });
  switch (shape.kind) {
    case "any":
      break;
    case "string":
      if (typeof value !== "string") fail(`expected a string, got ${describe(value)}`);
      break;
    case "number":
      if (typeof value !== "number") fail(`expected a number, got ${describe(value)}`);
      else if (shape.integer && !Number.isInteger(value)) fail(`expected an integer, got ${value}`);
      break;
    case "boolean":
      if (typeof value !== "boolean") fail(`expected a boolean, got ${describe(value)}`);
      break;
    case "null":
      if (value !== null) fail(`expected null, got ${describe(value)}`);
      break;
    case "literal":
      if (value !== shape.value)
        fail(`expected ${JSON.stringify(shape.value)}, got ${describe(value)}`);
      break;
    case "optional":
      return checkShape(value, shape.of, path);
    case "array":
      if (!Array.isArray(value)) {
        fail(`expected an array, got ${describe(value)}`);
        break;
      }
      value.forEach((item, i) => {
        problems.push(...checkShape(item, shape.of, `${path}[${i}]`));
      });
      break;
    case "record":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail(`expected an object, got ${describe(value)}`);
      } else {
        for (const [key, item] of Object.entries(value)) {
          problems.push(...checkShape(item, shape.of, `${path}.${key}`));
        }
      }
      break;
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail(`expected an object, got ${describe(value)}`);
        break;
      }
      const record = value as Record<string, unknown>;
      for (const [key, fieldShape] of Object.entries(shape.fields)) {
        if (!Object.hasOwn(record, key)) {
          if (fieldShape.kind !== "optional")
            problems.push({ path: `${path}.${key}`, message: "missing" });
          continue;
        }
        problems.push(...checkShape(record[key], fieldShape, `${path}.${key}`));
      }
      if (!shape.open) {
        for (const key of Object.keys(record)) {
          if (!Object.hasOwn(shape.fields, key)) {
            problems.push({ path: `${path}.${key}`, message: "not in the real service's answer" });
          }
        }
      }
      break;
    }
    case "oneOf": {
      const attempts = shape.of.map((option) => checkShape(value, option, path));
      if (attempts.some((found) => found.length === 0)) break;
      attempts.sort((a, b) => a.length - b.length);
      problems.push(...(attempts[0] ?? []));
      break;
    }
  }
  return problems;
}
