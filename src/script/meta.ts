/**
 * Extracts `meta` from a workflow's syntax tree: the first statement must be
 * `export const meta = { ... }` with a pure-literal value, and its fields must have the documented
 * types (`name`, `description` non-empty strings; `whenToUse` a string; `phases` an array of
 * `{ title, detail?, model? }`). Unknown fields are kept for odw-only options.
 *
 * @module
 */
import type { ExportNamedDeclaration, Program } from "acorn";
import { evaluateLiteral } from "./literal.ts";
import { invalidScript, META_FIRST_MESSAGE } from "./messages.ts";
import type { WorkflowMeta } from "./types.ts";

/** Outcome of {@linkcode extractMeta}: the meta value and its statement, or the refusal line. */
export type MetaOutcome =
  | { ok: true; meta: WorkflowMeta; statement: ExportNamedDeclaration }
  | { ok: false; error: string };

/**
 * Reads and validates the meta statement of `program`.
 *
 * @example
 * ```ts
 * const parsed = parseWorkflow('export const meta = { name: "a", description: "b" };');
 * if (parsed.ok) extractMeta(parsed.program); // { ok: true, meta: { name: "a", description: "b" }, ... }
 * ```
 */
export function extractMeta(program: Program): MetaOutcome {
  const statement = program.body[0];
  if (statement?.type !== "ExportNamedDeclaration") return { ok: false, error: META_FIRST_MESSAGE };
  const declaration = statement.declaration;
  if (declaration?.type !== "VariableDeclaration" || declaration.kind !== "const") {
    return { ok: false, error: META_FIRST_MESSAGE };
  }
  const [declarator, ...others] = declaration.declarations;
  if (
    others.length > 0 || declarator.id.type !== "Identifier" || declarator.id.name !== "meta" ||
    declarator.init?.type !== "ObjectExpression"
  ) {
    return { ok: false, error: META_FIRST_MESSAGE };
  }
  const literal = evaluateLiteral(declarator.init);
  if (!literal.ok) return { ok: false, error: META_FIRST_MESSAGE };
  const fieldError = checkMetaFields(literal.value as Record<string, unknown>);
  if (fieldError) return { ok: false, error: fieldError };
  return { ok: true, meta: literal.value as WorkflowMeta, statement };
}

/** The refusal line for the first meta field with a wrong type, or null when all are fine. */
export function checkMetaFields(meta: Record<string, unknown>): string | null {
  for (const field of ["name", "description"]) {
    const value = meta[field];
    if (typeof value !== "string" || value.trim() === "") {
      return invalidScript(`meta.${field} must be a non-empty string`);
    }
  }
  if (meta.whenToUse !== undefined && typeof meta.whenToUse !== "string") {
    return invalidScript("meta.whenToUse must be a string");
  }
  if (meta.phases === undefined) return null;
  if (!Array.isArray(meta.phases)) {
    return invalidScript("meta.phases must be an array of { title, detail?, model? }");
  }
  for (const [index, phase] of meta.phases.entries()) {
    const where = `meta.phases[${index}]`;
    if (typeof phase !== "object" || phase === null || Array.isArray(phase)) {
      return invalidScript(`${where} must be an object { title, detail?, model? }`);
    }
    const entry = phase as Record<string, unknown>;
    if (typeof entry.title !== "string") return invalidScript(`${where}.title must be a string`);
    for (const optional of ["detail", "model"]) {
      if (entry[optional] !== undefined && typeof entry[optional] !== "string") {
        return invalidScript(`${where}.${optional} must be a string`);
      }
    }
  }
  return null;
}
