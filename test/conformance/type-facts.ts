/**
 * Checks a JSON value against a TypeScript type from `@globus/sdk`, at run time. The
 * official JavaScript SDK's types under `open-api/` are generated from Globus's published
 * OpenAPI specs, so they are facts about field names and value types that nobody here wrote.
 * The TypeScript compiler resolves the type; this module walks it beside the value.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const HERE = dirname(fileURLToPath(import.meta.url));
const PROBE_FILE = join(HERE, "__type_probe__.ts");
const JS_SDK_TYPES = "../../node_modules/@globus/sdk/dist/esm";

/** One mismatch between a value and its type, at a JSON path such as `$.DATA[0].id`. */
export interface TypeProblem {
  path: string;
  message: string;
}

/** What a check found. */
export interface TypeCheckResult {
  /** Values of the wrong type, missing required fields, unions nothing matched. */
  problems: TypeProblem[];
  /** Top-level fields the type declares (optional ones included) that the value lacks. */
  absentFields: string[];
  /** Top-level fields of the value that the type does not declare. */
  undeclaredFields: string[];
}

/**
 * Resolves named type expressions once, in one compiler program. `imports` are module
 * specifiers below `@globus/sdk`'s `dist/esm/` (as `open-api/types/flows`), bound to names.
 */
export class TypeFacts {
  readonly #checker: ts.TypeChecker;
  readonly #types = new Map<string, ts.Type>();
  readonly #node: ts.Node;

  constructor(imports: Record<string, string>, expressions: Record<string, string>) {
    const lines = [
      ...Object.entries(imports).map(
        ([name, module]) => `import type * as ${name} from "${JS_SDK_TYPES}/${module}.js";`,
      ),
      "type JsonOf<F extends (...args: any[]) => Promise<{ json(): Promise<unknown> }>> =",
      "  Awaited<ReturnType<Awaited<ReturnType<F>>['json']>>;",
      ...Object.entries(expressions).map(
        ([name, expression], i) => `export type T${i} = ${expression}; // ${name}`,
      ),
    ];
    const probe = lines.join("\n");
    const options: ts.CompilerOptions = {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      noEmit: true,
      types: [],
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError) =>
      fileName === PROBE_FILE
        ? ts.createSourceFile(fileName, probe, languageVersion, true)
        : getSourceFile(fileName, languageVersion, onError);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (fileName) => fileName === PROBE_FILE || fileExists(fileName);
    const program = ts.createProgram([PROBE_FILE], options, host);
    const source = program.getSourceFile(PROBE_FILE);
    if (!source) throw new Error("type probe did not load");
    const errors = ts
      .getPreEmitDiagnostics(program, source)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    if (errors.length > 0)
      throw new Error(`type expressions do not resolve:\n${errors.join("\n")}`);
    this.#checker = program.getTypeChecker();
    this.#node = source;
    const names = Object.keys(expressions);
    source.statements.filter(ts.isTypeAliasDeclaration).forEach((declaration) => {
      const index = Number(declaration.name.text.slice(1));
      if (!declaration.name.text.startsWith("T") || Number.isNaN(index)) return;
      this.#types.set(names[index]!, this.#checker.getTypeAtLocation(declaration.name));
    });
  }

  /** Checks `value` against the named type. */
  check(name: string, value: unknown): TypeCheckResult {
    const type = this.#types.get(name);
    if (!type) throw new Error(`no type named ${name}`);
    const problems: TypeProblem[] = [];
    this.#check(value, type, "$", problems, 0);
    // of a union (a success document or an error document, say), the member the value is
    const matched = type.isUnion()
      ? type.types.find((member) => {
          const found: TypeProblem[] = [];
          this.#check(value, member, "$", found, 0);
          return found.length === 0 && this.#isObjectType(member);
        })
      : type;
    const present = isPlainObject(value) ? Object.keys(value) : [];
    if (!matched || !this.#isObjectType(matched)) {
      return { problems, absentFields: [], undeclaredFields: [] };
    }
    const declared = new Set(this.#checker.getPropertiesOfType(matched).map((p) => p.name));
    const open = this.#checker.getIndexInfosOfType(matched).length > 0;
    return {
      problems,
      absentFields: [...declared].filter((key) => !present.includes(key)),
      undeclaredFields: open ? [] : present.filter((key) => !declared.has(key)),
    };
  }

  #isObjectType(type: ts.Type): boolean {
    return (
      ((type.flags & ts.TypeFlags.Object) !== 0 || type.isIntersection()) &&
      !this.#checker.isArrayType(type) &&
      !this.#checker.isTupleType(type)
    );
  }

  #check(value: unknown, type: ts.Type, path: string, problems: TypeProblem[], depth: number) {
    if (depth > 40) return;
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (type.isUnion()) {
      const attempts: TypeProblem[][] = [];
      for (const member of type.types) {
        const found: TypeProblem[] = [];
        this.#check(value, member, path, found, depth + 1);
        if (found.length === 0) return;
        // a present value is never `undefined`: that member explains nothing
        if (!(member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) attempts.push(found);
      }
      // report the alternative that came closest (fewest problems, then the deepest), so
      // the message names the real mismatch
      const depthOf = (found: TypeProblem[]) => Math.max(...found.map((p) => p.path.length));
      attempts.sort((a, b) => a.length - b.length || depthOf(b) - depthOf(a));
      const closest = attempts[0] ?? [];
      const shallow = closest.every((problem) => problem.path === path);
      if (shallow) {
        problems.push({
          path,
          message: `expected ${this.#checker.typeToString(type)}, got ${describe(value)}`,
        });
      } else problems.push(...closest);
      return;
    }
    if (f & ts.TypeFlags.Null) return expect(value === null, "null");
    if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void))
      return expect(value === undefined, "absent");
    if (f & ts.TypeFlags.Never) return expect(false, "nothing (never)");
    if (type.isStringLiteral()) return expect(value === type.value, JSON.stringify(type.value));
    if (type.isNumberLiteral()) return expect(value === type.value, String(type.value));
    if (f & ts.TypeFlags.BooleanLiteral) {
      const literal = this.#checker.typeToString(type) === "true";
      return expect(value === literal, String(literal));
    }
    if (f & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) {
      return expect(typeof value === "string", "a string");
    }
    if (f & ts.TypeFlags.Number) return expect(typeof value === "number", "a number");
    if (f & ts.TypeFlags.Boolean) return expect(typeof value === "boolean", "a boolean");
    if (this.#checker.isArrayType(type) || this.#checker.isTupleType(type)) {
      if (!Array.isArray(value)) return expect(false, "an array");
      const element = this.#checker.getTypeArguments(type as ts.TypeReference)[0];
      if (!element || this.#checker.isTupleType(type)) return;
      value.forEach((item, i) => {
        this.#check(item, element, `${path}[${i}]`, problems, depth + 1);
      });
      return;
    }
    if (
      type.isIntersection() &&
      type.types.some((m) => this.#checker.isArrayType(m) || this.#checker.isTupleType(m))
    ) {
      // `A[] & B[]` (GCS's `data` in its operation-specific `Result`s): the value fits each
      for (const member of type.types) this.#check(value, member, path, problems, depth + 1);
      return;
    }
    if (f & ts.TypeFlags.Object || type.isIntersection()) {
      if (!isPlainObject(value)) return expect(false, "an object");
      for (const property of this.#checker.getPropertiesOfType(type)) {
        const key = property.name;
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        const fieldPath = `${path}.${key}`;
        if (!Object.hasOwn(value, key)) {
          if (!optional) problems.push({ path: fieldPath, message: "required field is missing" });
          continue;
        }
        const propertyType = this.#checker.getTypeOfSymbolAtLocation(property, this.#node);
        this.#check(value[key], propertyType, fieldPath, problems, depth + 1);
      }
      const index = this.#checker.getIndexInfosOfType(type)[0];
      if (index) {
        const declared = new Set(this.#checker.getPropertiesOfType(type).map((p) => p.name));
        for (const [key, item] of Object.entries(value)) {
          if (!declared.has(key))
            this.#check(item, index.type, `${path}.${key}`, problems, depth + 1);
        }
      }
      return;
    }
    // anything else (enums of other kinds, symbols, bigint) has no JSON form to check

    function expect(ok: boolean, what: string) {
      if (!ok) problems.push({ path, message: `expected ${what}, got ${describe(value)}` });
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 60))}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
