/**
 * Schema checks for `agent(prompt, { schema })`: the root/required rules that make `agent()` throw,
 * and output validation with ajv (compiled once per distinct schema).
 *
 * @module
 */
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { canonicalJson } from "./node_key.ts";

let AjvClass: typeof Ajv | undefined;
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Loads ajv (once); must be awaited before the first schema check. Most runs never need it. */
export async function loadSchemaSupport(): Promise<void> {
  AjvClass ??= (await import("ajv")).Ajv;
}

/**
 * Why `schema` cannot be used as an agent schema, or `null` when it can: the root must be
 * `{ type: "object", properties: {...} }`, every `required` name a key of `properties`, and the whole
 * a valid JSON Schema.
 */
export function schemaProblem(schema: Record<string, unknown>): string | null {
  const props = schema.properties;
  if (schema.type !== "object" || !props || typeof props !== "object" || Array.isArray(props)) {
    return 'agent() schema root must be { type: "object", properties: { ... } }';
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required)) {
      return "agent() schema `required` must be an array of property names";
    }
    const missing = schema.required.filter((name) => typeof name !== "string" || !(name in props));
    if (missing.length > 0) {
      return `agent() schema \`required\` names ${missing.map((m) => JSON.stringify(m)).join(", ")} ` +
        "which are not keys of `properties`";
    }
  }
  try {
    validatorFor(schema);
  } catch (e) {
    return `agent() schema is not a valid JSON Schema: ${(e as Error).message}`;
  }
  return null;
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const id = canonicalJson(schema);
  let validate = compiled.get(id);
  if (!validate) {
    if (!AjvClass) throw new Error("loadSchemaSupport() must be awaited before schema checks");
    ajv ??= new AjvClass({ allErrors: true, strict: false });
    validate = ajv.compile(schema);
    compiled.set(id, validate);
  }
  return validate;
}

/** Validation errors of `value` against `schema` as readable lines, or `[]` when it is valid. */
export function validateOutput(schema: Record<string, unknown>, value: unknown): string[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeError);
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || "(root)";
  return `${where} ${error.message ?? "is invalid"}${
    error.params && Object.keys(error.params).length ? " " + JSON.stringify(error.params) : ""
  }`;
}
