/**
 * Structured output for bamboo: when the task has a JSON Schema, the model finishes by calling a
 * `submit` tool whose input is validated with ajv. An invalid submission becomes a tool error that
 * lists the validation errors, so the model can fix it on its next step; after
 * {@link SUBMIT_MAX_INVALID} invalid submissions the task fails. A valid one ends the loop.
 *
 * @module
 */
import { jsonSchema, type Tool, tool } from "ai";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/** Invalid submissions allowed before the task fails. */
export const SUBMIT_MAX_INVALID = 3;

/** Where the submissions stand. */
export interface SubmitState {
  /** The accepted (valid) output, once there is one. */
  accepted?: { value: unknown };
  /** Invalid submissions so far. */
  invalid: number;
  /** The validation errors of the last invalid submission. */
  lastErrors?: string;
}

/** A schema validator. */
export interface SchemaValidator {
  /** The schema as sent to the model (without `$schema`). */
  schema: Record<string, unknown>;
  /** Undefined when `value` is valid, else a readable list of errors. */
  check(value: unknown): string | undefined;
}

/** Compiles `schema` with ajv; throws with a readable message when the schema itself is invalid. */
export function compileSchema(schema: Record<string, unknown>): SchemaValidator {
  // Draft differences aside, ajv's default dialect handles what agents' schemas use; `$schema` is dropped
  // so a 2020-12 declaration does not make ajv refuse an otherwise ordinary schema.
  const { $schema: _ignored, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(rest);
  } catch (err) {
    throw new Error(`invalid JSON schema: ${(err as Error).message}`);
  }
  return {
    schema: rest,
    check(value) {
      return validate(value) ? undefined : formatErrors(validate.errors ?? []);
    },
  };
}

/** One line per ajv error: `<json pointer or (root)>: <message>`. */
export function formatErrors(errors: ErrorObject[]): string {
  return errors.map((e) => {
    const where = e.instancePath || "(root)";
    const extra = e.keyword === "additionalProperties"
      ? ` (${(e.params as { additionalProperty?: string }).additionalProperty})`
      : "";
    return `${where}: ${e.message ?? e.keyword}${extra}`;
  }).join("\n");
}

/** The `submit` tool and the state it updates. */
export function submitTool(validator: SchemaValidator): { tool: Tool; state: SubmitState } {
  const state: SubmitState = { invalid: 0 };
  const submit = tool({
    description: "Submit the final result of the task. Call it exactly once, when the work is done; " +
      "its input must match the required JSON schema. If it reports validation errors, fix them and call it again.",
    inputSchema: jsonSchema(validator.schema as Parameters<typeof jsonSchema>[0]),
    execute: (input: unknown) => {
      const errors = validator.check(input);
      if (errors === undefined) {
        state.accepted = { value: input };
        return "accepted";
      }
      state.invalid++;
      state.lastErrors = errors;
      const left = SUBMIT_MAX_INVALID - state.invalid;
      throw new Error(
        `the submission does not match the schema:\n${errors}\n` +
          (left > 0
            ? `Fix it and call submit again (${left} tr${left === 1 ? "y" : "ies"} left).`
            : "No tries left."),
      );
    },
  });
  return { tool: submit, state };
}

/**
 * Reads a final text answer as the structured output when it is (possibly fenced) JSON that passes
 * the schema; undefined otherwise.
 */
export function outputFromText(text: string, validator: SchemaValidator): { value: unknown } | undefined {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  const candidate = (fenced ? fenced[1] : text).trim();
  if (!candidate.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(candidate);
    return validator.check(value) === undefined ? { value } : undefined;
  } catch {
    return undefined;
  }
}
