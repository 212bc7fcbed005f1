/**
 * `--schema <file-or-json>`: reads the schema (inline JSON when the value starts with `{`, else a
 * file path), checks it is a valid JSON Schema with ajv, and that its root is
 * `{type: "object", properties: {...}}` whose `required` names only declared properties.
 *
 * @example
 * ```ts
 * const schema = await loadSchema('{"type":"object","properties":{"ok":{"type":"boolean"}}}', Deno.cwd());
 * ```
 * @module
 */
import { resolve } from "node:path";
import {
  compileSchema,
  InvalidSchemaError,
  loadJsonSchemaSupport,
  objectSchemaProblem,
} from "../../src/common/json_schema.ts";
import { UsageError } from "./usage.ts";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads the raw schema text: inline JSON or the contents of a file (relative to `baseDir`). */
function readSchemaText(value: string, baseDir: string): { text: string; where: string } {
  if (value.trimStart().startsWith("{")) return { text: value, where: "--schema" };
  const path = resolve(baseDir, value);
  try {
    return { text: Deno.readTextFileSync(path), where: `schema file ${value}` };
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
    throw new UsageError(`cannot read schema file ${value}: ${reason}`);
  }
}

/**
 * Loads and checks `--schema`. Throws {@link UsageError} (one line) when it is unreadable, not JSON,
 * not a valid JSON Schema, or not an object schema with properties.
 */
export async function loadSchema(value: string, baseDir: string): Promise<Record<string, unknown>> {
  const { text, where } = readSchemaText(value, baseDir);
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`invalid schema: ${where} is not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(schema)) throw new UsageError(`invalid schema: ${where} is not a JSON object`);
  await loadJsonSchemaSupport();
  try {
    compileSchema(schema);
  } catch (error) {
    if (error instanceof InvalidSchemaError) throw new UsageError(`invalid schema: ${error.message}`);
    throw error;
  }
  const problem = objectSchemaProblem(schema);
  if (problem !== null) throw new UsageError(`invalid schema: ${problem}`);
  return schema;
}
