/**
 * `--schema <file-or-json>`: reads the schema (inline JSON when the value starts with `{`, else a
 * file path), checks it is a valid JSON Schema with ajv, and that its root is
 * `{type: "object", properties: {...}}` whose `required` names only declared properties.
 *
 * @example
 * ```ts
 * const schema = loadSchema('{"type":"object","properties":{"ok":{"type":"boolean"}}}', Deno.cwd());
 * ```
 * @module
 */
import { resolve } from "node:path";
import { Ajv } from "ajv";
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

/** Checks the shape pandacode requires of a root schema; returns a problem or null. */
function rootProblem(schema: Record<string, unknown>): string | null {
  if (schema.type !== "object") return 'its root must have "type": "object"';
  if (!isPlainObject(schema.properties)) return 'its root must have a "properties" object';
  if (schema.required === undefined) return null;
  if (!Array.isArray(schema.required)) return '"required" must be an array of property names';
  for (const name of schema.required) {
    if (typeof name !== "string" || !Object.hasOwn(schema.properties, name)) {
      return `"required" names ${JSON.stringify(name)}, which is not in "properties"`;
    }
  }
  return null;
}

/**
 * Loads and checks `--schema`. Throws {@link UsageError} (one line) when it is unreadable, not JSON,
 * not a valid JSON Schema, or not an object schema with properties.
 */
export function loadSchema(value: string, baseDir: string): Record<string, unknown> {
  const { text, where } = readSchemaText(value, baseDir);
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`invalid schema: ${where} is not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(schema)) throw new UsageError(`invalid schema: ${where} is not a JSON object`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  if (!ajv.validateSchema(schema)) {
    throw new UsageError(`invalid schema: ${ajv.errorsText(ajv.errors, { dataVar: "schema" })}`);
  }
  try {
    ajv.compile(schema);
  } catch (error) {
    throw new UsageError(`invalid schema: ${(error as Error).message.split("\n")[0]}`);
  }
  const problem = rootProblem(schema);
  if (problem !== null) throw new UsageError(`invalid schema: ${problem}`);
  return schema;
}
