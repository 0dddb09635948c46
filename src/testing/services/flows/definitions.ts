/**
 * Flow definitions as the emulator reads them: the shape checks Flows makes on deploy and
 * validate, the scopes a definition needs, JSONPath parameters (`"key.$": "$.a.b"`), Choice
 * rules, and run input against the flow's input schema.
 */
import { KNOWN_SCOPES } from "../../../scopes/known.ts";
import { isRecord } from "../common.ts";
import type { LocatedProblem } from "./errors.ts";

/** State types the Flows definition language has. */
const STATE_TYPES = ["Action", "Pass", "Wait", "Choice", "ExpressionEval", "Fail", "Succeed"];
/** Types that end a branch without `Next` or `End`. */
const TERMINAL_TYPES = ["Succeed", "Fail", "Choice"];

/**
 * An Action state with this `ActionUrl` asks a person for input: the run waits on a web
 * input built from the state's `Parameters` (`title`, `text` or `rows`, `options`,
 * `respondent_urns`, `viewer_urns`) until a respondent answers it. Real Flows creates web
 * inputs too; how a definition asks for one is not in the Python SDK or the OpenAPI specs,
 * so this URL is the emulator's own convention.
 */
export const WEB_INPUT_ACTION_URL = "https://actions.globus.org/emulator/web_input";

/** Checks a definition's shape; returns Flows' FastAPI-style problems for a 422. */
export function definitionProblems(definition: unknown): LocatedProblem[] {
  if (!isRecord(definition)) {
    return [{ loc: ["definition"], msg: "definition must be an object", type: "type_error" }];
  }
  const states = definition.States;
  if (!isRecord(states) || Object.keys(states).length === 0) {
    return [
      {
        loc: ["definition", "States"],
        msg: "States must be a non-empty object",
        type: "value_error",
      },
    ];
  }
  const problems: LocatedProblem[] = [];
  if (typeof definition.StartAt !== "string" || !(definition.StartAt in states)) {
    problems.push({
      loc: ["definition", "StartAt"],
      msg: "StartAt must name a state in States",
      type: "value_error",
    });
  }
  for (const [name, state] of Object.entries(states)) {
    const loc = ["definition", "States", name];
    if (!isRecord(state) || typeof state.Type !== "string" || !STATE_TYPES.includes(state.Type)) {
      problems.push({
        loc,
        msg: `Each state must be an object with a Type (one of ${STATE_TYPES.join(", ")})`,
        type: "value_error",
      });
      continue;
    }
    if (TERMINAL_TYPES.includes(state.Type)) continue;
    const next = state.Next;
    if (state.End !== true && (typeof next !== "string" || !(next in states))) {
      problems.push({
        loc,
        msg: `A state of type '${state.Type}' must be defined as either terminal ("End": true) or transitional ("Next": "NextStateId")`,
        type: "value_error",
      });
    }
  }
  return problems;
}

/** Whether an Action state calls one of Globus Transfer's action providers. */
export function isTransferAction(state: Record<string, unknown>): boolean {
  return typeof state.ActionUrl === "string" && /transfer/i.test(state.ActionUrl);
}

/** The scopes a definition needs, in the shape of `POST /flows/validate`'s `scopes.User`. */
export function scopesOf(definition: Record<string, unknown>): string[] {
  const scopes = new Set<string>();
  const states = isRecord(definition.States) ? definition.States : {};
  for (const state of Object.values(states)) {
    if (!isRecord(state) || state.Type !== "Action") continue;
    if (typeof state.ActionScope === "string") scopes.add(state.ActionScope);
    else if (isTransferAction(state)) scopes.add(KNOWN_SCOPES.transfer.scopes.all);
  }
  return [...scopes];
}

/** Reads a simple JSONPath (`$`, `$.a.b`, `$.list[0]`) from a document. */
export function readPath(document: unknown, path: string): unknown {
  if (path === "$") return document;
  if (!path.startsWith("$.")) return undefined;
  let current: unknown = document;
  for (const part of path.slice(2).split(".")) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) return undefined;
    current = isRecord(current) ? current[match[1] as string] : undefined;
    for (const index of (match[2] ?? "").matchAll(/\[(\d+)\]/g)) {
      current = Array.isArray(current) ? current[Number(index[1])] : undefined;
    }
  }
  return current;
}

/** Writes `value` at a `ResultPath` such as `$.Result`, returning the new document. */
export function writePath(
  document: Record<string, unknown>,
  path: unknown,
  value: unknown,
): Record<string, unknown> {
  if (typeof path !== "string" || !path.startsWith("$.")) return document;
  const keys = path.slice(2).split(".");
  const out = structuredClone(document);
  let target: Record<string, unknown> = out;
  keys.slice(0, -1).forEach((key) => {
    if (!isRecord(target[key])) target[key] = {};
    target = target[key] as Record<string, unknown>;
  });
  target[keys.at(-1) as string] = value;
  return out;
}

/**
 * Resolves `Parameters` against the run's data: a `"key.$": "$.path"` entry becomes `key`
 * with the value found there. Expressions (`"key.=": ...`) are not evaluated; they pass
 * through as written.
 */
export function resolveParameters(parameters: unknown, data: unknown): unknown {
  if (Array.isArray(parameters)) return parameters.map((item) => resolveParameters(item, data));
  if (!isRecord(parameters)) return parameters;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith(".$") && typeof value === "string")
      out[key.slice(0, -2)] = readPath(data, value);
    else out[key] = resolveParameters(value, data);
  }
  return out;
}

/** Evaluates one Choice rule (`Variable` with a comparison, or `And`/`Or`/`Not`). */
function ruleHolds(rule: Record<string, unknown>, data: unknown): boolean {
  if (Array.isArray(rule.And)) return rule.And.every((r) => isRecord(r) && ruleHolds(r, data));
  if (Array.isArray(rule.Or)) return rule.Or.some((r) => isRecord(r) && ruleHolds(r, data));
  if (isRecord(rule.Not)) return !ruleHolds(rule.Not, data);
  const value = typeof rule.Variable === "string" ? readPath(data, rule.Variable) : undefined;
  if ("IsPresent" in rule) return (value !== undefined) === rule.IsPresent;
  if ("IsNull" in rule) return (value === null) === rule.IsNull;
  for (const op of ["StringEquals", "NumericEquals", "BooleanEquals"]) {
    if (op in rule) return value === rule[op];
  }
  if ("NumericGreaterThan" in rule)
    return typeof value === "number" && value > Number(rule.NumericGreaterThan);
  if ("NumericLessThan" in rule)
    return typeof value === "number" && value < Number(rule.NumericLessThan);
  return false;
}

/** The state a Choice state moves to: the first rule that holds, else `Default`. */
export function choose(state: Record<string, unknown>, data: unknown): string | undefined {
  const choices = Array.isArray(state.Choices) ? state.Choices : [];
  for (const choice of choices) {
    if (isRecord(choice) && ruleHolds(choice, data) && typeof choice.Next === "string") {
      return choice.Next;
    }
  }
  return typeof state.Default === "string" ? state.Default : undefined;
}

const JSON_TYPES: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === "string",
  number: (value) => typeof value === "number",
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === "boolean",
  object: isRecord,
  array: Array.isArray,
  null: (value) => value === null,
};

/**
 * Checks run input against the top level of a JSON Schema (`required`, property `type`,
 * `additionalProperties: false`), in the messages of the `jsonschema` library Flows uses.
 */
export function inputProblems(
  input: Record<string, unknown>,
  schema: Record<string, unknown>,
): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const problem = (loc: string, msg: string) =>
    problems.push({ loc: [loc], msg, type: "InvalidActionInput" });
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const key of required) {
    if (typeof key === "string" && !(key in input)) problem("$", `'${key}' is a required property`);
  }
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const [key, value] of Object.entries(input)) {
    const property = properties[key];
    if (property === undefined) {
      if (schema.additionalProperties === false) {
        problem("$", `Additional properties are not allowed ('${key}' was unexpected)`);
      }
      continue;
    }
    const type = isRecord(property) ? property.type : undefined;
    if (typeof type === "string" && JSON_TYPES[type] && !JSON_TYPES[type](value)) {
      problem(`$.${key}`, `${JSON.stringify(value).replaceAll('"', "'")} is not of type '${type}'`);
    }
  }
  return problems;
}
