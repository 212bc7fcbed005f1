/**
 * JSON Schema in one place, for odw's engine and every pandacode runtime: ajv loaded on first use,
 * compiling a schema into a validator with readable error lines, the object-root rule that agent
 * schemas must follow, and reading a JSON answer out of a model's text.
 *
 * Schemas come from workflow scripts (hostile input), so their regular expressions (`pattern`,
 * `patternProperties`, `propertyNames.pattern`) run in re2js, a linear-time RE2 engine, never in the
 * backtracking `RegExp`: a catastrophic pattern cannot hang the host. RE2 syntax has no lookaround and
 * no backreferences; a schema using them is refused as invalid.
 *
 * @example
 * ```ts
 * await loadJsonSchemaSupport();
 * const validator = compileSchema({ type: "object", properties: { n: { type: "integer" } } });
 * validator.check({ n: "x" }); // ["/n: must be integer"]
 * ```
 * @module
 */
import type { Ajv, ErrorObject } from "ajv";
import { linearRegExp, loadLinearRegExp } from "./linear_regexp.ts";
import { schemaBoundsProblem } from "./schema_bounds.ts";

let AjvClass: typeof Ajv | undefined;
let loaded = false;
const instances = new Map<boolean, Ajv>();

/** Loads ajv and re2js once. Await it before {@link compileSchema}; runs without schemas never pay for it. */
export async function loadJsonSchemaSupport(): Promise<void> {
  if (loaded) return;
  const [ajvModule] = await Promise.all([import("ajv"), loadLinearRegExp()]);
  // Deno's npm interop gives the named export; a bundle's CommonJS chunk only `default` (module.exports).
  AjvClass = ajvModule.Ajv ?? (ajvModule.default as unknown as { Ajv: typeof Ajv }).Ajv;
  loaded = true;
}

/**
 * Loads ajv and re2js and compiles ajv's meta-schema for the coercing checks an engine makes, ahead of
 * the first schema: for a run to call while it waits on its sandbox (about 15 ms it then saves).
 * Never rejects (the first real schema check reports what failed).
 */
export async function warmJsonSchemaSupport(): Promise<void> {
  try {
    await loadJsonSchemaSupport();
    ajv(true).validateSchema({});
  } catch { /* reported by the first real use */ }
}

/**
 * Compile time one schema's patterns may take together (RE2 compiles in time linear in the pattern's
 * expanded size, up to about a second for the largest pattern it accepts, e.g. `a{1000}` written
 * 1000 times); past it the schema is refused. Ordinary patterns compile in microseconds.
 */
export const SCHEMA_PATTERN_BUDGET_MS = 1000;
/** When the schema being compiled runs out of pattern-compile time (`performance.now()` clock). */
let patternDeadline = Infinity;

/**
 * RE2 program size one pattern, and one schema's patterns together, may have. A compiled program
 * holds about 100 bytes per instruction and, where RE2's DFA gives up (varied text), costs some 13 ns
 * per instruction for each character checked; ordinary patterns are under 100. (Without a bound, schemas of patterns such as `[ab]{1000}` written
 * hundreds of times grew odw's heap by 70 MB per pattern until it died.)
 */
export const SCHEMA_PATTERN_LIMITS = { programSize: 500, schemaProgramSize: 2_500 } as const;
/** Program size of the patterns compiled so far for the schema being compiled. */
let schemaProgram = 0;

/** ajv's hook for a custom engine: the function, plus the code a standalone module would import. */
const regExpEngine = Object.assign((pattern: string) => {
  if (performance.now() > patternDeadline) {
    throw new Error(`the schema's patterns take more than ${SCHEMA_PATTERN_BUDGET_MS} ms to compile`);
  }
  const compiled = linearRegExp(pattern, { maxProgramSize: SCHEMA_PATTERN_LIMITS.programSize });
  schemaProgram += compiled.programSize;
  if (schemaProgram > SCHEMA_PATTERN_LIMITS.schemaProgramSize) {
    throw new Error(
      `the schema's patterns are too costly together (RE2 programs over ` +
        `${SCHEMA_PATTERN_LIMITS.schemaProgramSize} instructions)`,
    );
  }
  return compiled;
}, { code: "linearRegExp" });

/** One ajv per mode, configured as the built-in runtime's (no format checks, 6-digit multipleOf). */
function ajv(coerce: boolean): Ajv {
  if (!AjvClass) throw new Error("loadJsonSchemaSupport() must be awaited before schema checks");
  let instance = instances.get(coerce);
  if (!instance) {
    instance = new AjvClass({
      allErrors: true,
      strict: false,
      validateFormats: false,
      multipleOfPrecision: 6,
      coerceTypes: coerce,
      code: { regExp: regExpEngine, optimize: false },
      logger: false,
    });
    instances.set(coerce, instance);
  }
  return instance;
}

/** A schema that cannot be compiled; `message` is one readable line (paths start at `schema`). */
export class InvalidSchemaError extends Error {
  override name = "InvalidSchemaError";
  /** The same problem worded with ajv's default `data` paths, as the built-in runtime reports it. */
  readonly dataText: string;
  constructor(message: string, dataText = message) {
    super(message);
    this.dataText = dataText;
  }
}

/** A compiled schema. */
export interface SchemaValidator {
  /** The schema as compiled (and as sent to a model): `$schema` dropped. */
  schema: Record<string, unknown>;
  /**
   * `[]` when `value` is valid, else one entry per error: `<json pointer or root>: <message>` plus the
   * built-in's detail (the offending key, the length seen, the allowed values). With `coerce`, scalar
   * values are converted in place where the schema asks for another type (`"1815"` → `1815`).
   */
  check(value: unknown): string[];
}

/** Compiled schemas by mode and JSON text, least recently used first; at most {@link SCHEMA_CACHE_SIZE}. */
const cache = new Map<string, SchemaValidator & { coerce: boolean }>();
/** How many compiled schemas are kept (a run's distinct schemas; hostile scripts may make many). */
export const SCHEMA_CACHE_SIZE = 256;

/** How many compiled schemas are kept now (at most {@link SCHEMA_CACHE_SIZE}). */
export function cachedSchemaCount(): number {
  return cache.size;
}

/**
 * Compiles `schema` (cached by its JSON text). `$schema` is dropped so a 2020-12 declaration does not
 * make ajv refuse an otherwise ordinary schema. `coerce` converts scalar types as the built-in's
 * structured output does. Throws {@link InvalidSchemaError}, also for a schema past the bounds of
 * `schema_bounds.ts` (size, nesting, text, unfolded references).
 */
export function compileSchema(
  schema: Record<string, unknown>,
  options: { coerce?: boolean } = {},
): SchemaValidator {
  const coerce = options.coerce === true;
  const tooBig = schemaBoundsProblem(schema);
  if (tooBig) throw new InvalidSchemaError(`schema is too large or too costly to check: ${tooBig}`);
  const id = `${coerce}:${JSON.stringify(schema)}`;
  const cached = cache.get(id);
  if (cached) {
    cache.delete(id); // most recently used last
    cache.set(id, cached);
    return cached;
  }
  // An array is no schema: ajv's own check says so (a copy of its keys would read as an object).
  const rest: Record<string, unknown> = Array.isArray(schema)
    ? schema
    : (({ $schema: _, ...r }) => r)(schema);
  const checker = ajv(coerce);
  if (!checker.validateSchema(rest)) {
    throw new InvalidSchemaError(
      checker.errorsText(checker.errors, { dataVar: "schema" }),
      checker.errorsText(checker.errors),
    );
  }
  let validate: ReturnType<Ajv["compile"]>;
  try {
    patternDeadline = performance.now() + SCHEMA_PATTERN_BUDGET_MS;
    schemaProgram = 0;
    validate = checker.compile(rest);
  } catch (e) {
    checker.removeSchema(rest);
    throw new InvalidSchemaError((e as Error).message.split("\n")[0]);
  } finally {
    patternDeadline = Infinity;
  }
  const validator = {
    schema: rest,
    coerce,
    check: (value: unknown) => (validate(value) ? [] : formatErrors(validate.errors ?? [], value)),
  };
  cache.set(id, validator);
  if (cache.size > SCHEMA_CACHE_SIZE) {
    // The oldest goes, from ajv's own cache too (it keeps every schema object it compiled).
    const [oldestId, oldest] = cache.entries().next().value!;
    cache.delete(oldestId);
    ajv(oldest.coerce).removeSchema(oldest.schema);
  }
  return validator;
}

/** The value at a JSON pointer inside `root`, or undefined. */
function at(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(node)) node = node[Number(key)];
    else if (node && typeof node === "object" && Object.hasOwn(node, key)) {
      node = (node as Record<string, unknown>)[key];
    } else return undefined;
  }
  return node;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\u2026` : text;
}

/** One entry per ajv error, worded as the built-in runtime words them. */
export function formatErrors(errors: ErrorObject[], value?: unknown): string[] {
  return errors.map((e) => {
    const base = `${e.instancePath || "root"}: ${e.message ?? e.keyword}`;
    const found = at(value, e.instancePath);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case "additionalProperties": {
        const key = params.additionalProperty;
        return typeof key === "string" ? `${base} ('${clip(key, 80)}' is not allowed)` : base;
      }
      case "minLength":
      case "maxLength":
        return typeof found === "string" ? `${base} (got ${Array.from(found).length})` : base;
      case "minItems":
      case "maxItems":
        return Array.isArray(found) ? `${base} (got ${found.length})` : base;
      case "minProperties":
      case "maxProperties":
        return found && typeof found === "object" && !Array.isArray(found)
          ? `${base} (got ${Object.keys(found).length})`
          : base;
      case "enum":
        return Array.isArray(params.allowedValues)
          ? `${base}: ${clip(JSON.stringify(params.allowedValues), 300)}`
          : base;
      case "const":
        return "allowedValue" in params ? `${base}: ${clip(JSON.stringify(params.allowedValue), 300)}` : base;
      default:
        return base;
    }
  });
}

/**
 * Why `schema` is not usable as an agent's output schema, or null: its root must be
 * `{ type: "object", properties: {...} }` and every `required` name a key of `properties`.
 */
export function objectSchemaProblem(schema: Record<string, unknown>): string | null {
  const props = schema.properties;
  if (schema.type !== "object") return 'its root must have "type": "object"';
  if (typeof props !== "object" || props === null || Array.isArray(props)) {
    return 'its root must have a "properties" object';
  }
  if (schema.required === undefined) return null;
  if (!Array.isArray(schema.required)) return '"required" must be an array of property names';
  for (const name of schema.required) {
    if (typeof name !== "string" || !Object.hasOwn(props, name)) {
      return `"required" names ${JSON.stringify(name)}, which is not in "properties"`;
    }
  }
  return null;
}

/** The JSON value in a model's answer (one surrounding ```json fence allowed), or undefined. */
export function parseJsonAnswer(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const fenced = trimmed.match(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/);
  try {
    return JSON.parse(fenced ? fenced[1] : trimmed);
  } catch {
    return undefined;
  }
}
