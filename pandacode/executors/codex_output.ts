/**
 * Structured output for codex: the final agent message (a JSON string when `--output-schema` was
 * given) is parsed and validated against the task's JSON Schema with ajv; the errors become the
 * prompt of the one corrective retry.
 *
 * @example
 * ```ts
 * const check = await outputChecker({ type: "object", required: ["n"], properties: { n: { type: "integer" } } });
 * check('{"n": 1}'); // { ok: true, value: { n: 1 } }
 * check('{"n": "x"}'); // { ok: false, errors: "/n: must be integer" }
 * ```
 * @module
 */
import { compileSchema, loadJsonSchemaSupport, parseJsonAnswer } from "../../src/common/json_schema.ts";

/** Result of checking one final message. */
export type OutputCheck = { ok: true; value: unknown } | { ok: false; errors: string };

/** Compiles `schema` once; the returned function checks a final message. Rejects on an invalid schema. */
export async function outputChecker(schema: Record<string, unknown>): Promise<(text: string) => OutputCheck> {
  await loadJsonSchemaSupport();
  const validator = compileSchema(schema);
  return (text: string): OutputCheck => {
    const value = parseJsonAnswer(text);
    if (value === undefined) return { ok: false, errors: "the final message is not JSON" };
    const errors = validator.check(value);
    return errors.length === 0 ? { ok: true, value } : { ok: false, errors: errors.join("; ") };
  };
}
