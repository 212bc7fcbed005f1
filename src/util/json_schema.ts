/**
 * JSON Schema in one place, for odw's engine and every pandacode runtime: ajv loaded on first use,
 * compiling a schema into a validator with readable error lines, the object-root rule that agent
 * schemas must follow, and reading a JSON answer out of a model's text.
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

let AjvClass: typeof Ajv | undefined;
let shared: Ajv | undefined;

/** Loads ajv once. Await it before {@link compileSchema}; runs without schemas never pay for it. */
export async function loadJsonSchemaSupport(): Promise<void> {
  AjvClass ??= (await import("ajv")).Ajv;
}

function ajv(): Ajv {
  if (!AjvClass) throw new Error("loadJsonSchemaSupport() must be awaited before schema checks");
  shared ??= new AjvClass({ allErrors: true, strict: false });
  return shared;
}

/** A schema that cannot be compiled; `message` is one readable line. */
export class InvalidSchemaError extends Error {
  override name = "InvalidSchemaError";
}

/** A compiled schema. */
export interface SchemaValidator {
  /** The schema as compiled (and as sent to a model): `$schema` dropped. */
  schema: Record<string, unknown>;
  /** `[]` when `value` is valid, else one line per error: `<json pointer or (root)>: <message>`. */
  check(value: unknown): string[];
}

const cache = new Map<string, SchemaValidator>();

/**
 * Compiles `schema` (cached by its JSON text). `$schema` is dropped so a 2020-12 declaration does not
 * make ajv refuse an otherwise ordinary schema. Throws {@link InvalidSchemaError}.
 */
export function compileSchema(schema: Record<string, unknown>): SchemaValidator {
  const id = JSON.stringify(schema);
  const cached = cache.get(id);
  if (cached) return cached;
  const { $schema: _dialect, ...rest } = schema;
  const checker = ajv();
  if (!checker.validateSchema(rest)) {
    throw new InvalidSchemaError(checker.errorsText(checker.errors, { dataVar: "schema" }));
  }
  let validate: ReturnType<Ajv["compile"]>;
  try {
    validate = checker.compile(rest);
  } catch (e) {
    throw new InvalidSchemaError((e as Error).message.split("\n")[0]);
  }
  const validator: SchemaValidator = {
    schema: rest,
    check: (value) => (validate(value) ? [] : formatErrors(validate.errors ?? [])),
  };
  cache.set(id, validator);
  return validator;
}

/** One line per ajv error: `<json pointer or (root)>: <message>`. */
export function formatErrors(errors: ErrorObject[]): string[] {
  return errors.map((e) => {
    const where = e.instancePath || "(root)";
    const extra = e.keyword === "additionalProperties"
      ? ` (${(e.params as { additionalProperty?: string }).additionalProperty})`
      : "";
    return `${where}: ${e.message ?? e.keyword}${extra}`;
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
