/**
 * Structured output for bamboo: when the task has a JSON Schema, the model finishes by calling a
 * `submit` tool whose input is validated with ajv. An invalid submission becomes a tool error that
 * lists the validation errors, so the model can fix it on its next step; after
 * {@link SUBMIT_MAX_INVALID} invalid submissions the task fails. A valid one ends the loop.
 *
 * @module
 */
import { jsonSchema, type Tool, tool } from "ai";
import {
  compileSchema,
  loadJsonSchemaSupport,
  parseJsonAnswer,
  type SchemaValidator,
} from "../../src/common/json_schema.ts";

export type { SchemaValidator };

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

/** Compiles the task's schema; throws `invalid JSON schema: …` when the schema itself is invalid. */
export async function compileTaskSchema(schema: Record<string, unknown>): Promise<SchemaValidator> {
  await loadJsonSchemaSupport();
  try {
    return compileSchema(schema);
  } catch (err) {
    throw new Error(`invalid JSON schema: ${(err as Error).message}`);
  }
}

/** The `submit` tool and the state it updates. */
export function submitTool(validator: SchemaValidator): { tool: Tool; state: SubmitState } {
  const state: SubmitState = { invalid: 0 };
  const submit = tool({
    description: "Submit the final result of the task. Call it exactly once, when the work is done; " +
      "its input must match the required JSON schema. If it reports validation errors, fix them and call it again.",
    inputSchema: jsonSchema(validator.schema as Parameters<typeof jsonSchema>[0]),
    execute: (input: unknown) => {
      const problems = validator.check(input);
      const errors = problems.join("\n");
      if (problems.length === 0) {
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
  const value = parseJsonAnswer(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return validator.check(value).length === 0 ? { value } : undefined;
}
