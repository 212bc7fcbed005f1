/**
 * Structured output for codex: the final agent message (a JSON string when `--output-schema` was
 * given) is parsed and validated against the task's JSON Schema with ajv; the errors become the
 * prompt of the one corrective retry.
 *
 * @example
 * ```ts
 * const check = outputChecker({ type: "object", required: ["n"], properties: { n: { type: "integer" } } });
 * check('{"n": 1}'); // { ok: true, value: { n: 1 } }
 * check('{"n": "x"}'); // { ok: false, errors: "data/n must be integer" }
 * ```
 * @module
 */
import { Ajv } from "ajv";

/** Result of checking one final message. */
export type OutputCheck = { ok: true; value: unknown } | { ok: false; errors: string };

/** Compiles `schema` once; the returned function checks a final message. Throws on an invalid schema. */
export function outputChecker(schema: Record<string, unknown>): (text: string) => OutputCheck {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  return (text: string): OutputCheck => {
    let value: unknown;
    try {
      value = JSON.parse(stripFence(text));
    } catch (err) {
      return { ok: false, errors: `the final message is not JSON (${(err as Error).message})` };
    }
    if (validate(value)) return { ok: true, value };
    return { ok: false, errors: ajv.errorsText(validate.errors, { separator: "; " }) };
  };
}

/** Drops one surrounding ```json fence, which models sometimes add despite the schema. */
function stripFence(text: string): string {
  const match = text.trim().match(/^```(?:json)?\s*\n([\s\S]*?)\n?```$/);
  return match ? match[1] : text;
}

/** The follow-up prompt sent (by resuming the session) when the output did not validate. */
export function correctionPrompt(errors: string): string {
  return [
    "Your final answer did not satisfy the required JSON Schema:",
    errors,
    "Reply again with only the corrected JSON object that satisfies the schema; do not redo finished work.",
  ].join("\n");
}
