/**
 * Extracts `meta` from a workflow's syntax tree by the built-in's rules: the first statement must be
 * `export const meta = { ... }` (one declarator, an object literal), the literal must be pure (see
 * `literal.ts`), and `name` and `description` must be non-empty strings. `whenToUse` is kept only when
 * it is a string and `phases` only its `{ title: string }` entries; anything else there is ignored, not
 * refused. Unknown fields are kept for odw-only options.
 *
 * @module
 */
import type { ExportNamedDeclaration, ModuleDeclaration, ObjectExpression, Program, Statement } from "acorn";
import { evaluateLiteral } from "./literal.ts";
import { invalidScript, META_FIRST_MESSAGE, notPureLiteral } from "./messages.ts";
import type { PhaseMeta, WorkflowMeta } from "./types.ts";

/** Outcome of {@linkcode extractMeta}: the meta value and its statement, or the refusal line. */
export type MetaOutcome =
  | { ok: true; meta: WorkflowMeta; statement: ExportNamedDeclaration }
  | { ok: false; error: string };

/**
 * Reads and validates the meta statement of `program`.
 *
 * @example
 * ```ts
 * const parsed = parseWorkflow('export const meta = { name: "a", description: "b", whenToUse: 5 };');
 * if (parsed.ok) extractMeta(parsed.program); // { ok: true, meta: { name: "a", description: "b" }, ... }
 * ```
 */
export function extractMeta(program: Program): MetaOutcome {
  const statement = program.body[0];
  const init = metaInitializer(statement);
  if (!init) return { ok: false, error: META_FIRST_MESSAGE };
  const literal = evaluateLiteral(init, { nullPrototype: true });
  if (!literal.ok) return { ok: false, error: notPureLiteral(literal.reason) };
  const meta = readMetaFields(literal.value as Record<string, unknown>);
  if (typeof meta === "string") return { ok: false, error: meta };
  return { ok: true, meta, statement: statement as ExportNamedDeclaration };
}

/**
 * The meta's `name` when the first statement is the meta declaration and its literal has a non-empty
 * string `name`, even when other checks fail (for naming a refused run); "" otherwise.
 */
export function metaNameOf(program: Program): string {
  const init = metaInitializer(program.body[0]);
  const literal = init ? evaluateLiteral(init, { nullPrototype: true }) : undefined;
  if (!literal?.ok) return "";
  const name = (literal.value as Record<string, unknown>).name;
  return typeof name === "string" ? name : "";
}

/** The object literal of `export const meta = { ... }` when `statement` is exactly that, else null. */
function metaInitializer(statement: Statement | ModuleDeclaration | undefined): ObjectExpression | null {
  if (statement?.type !== "ExportNamedDeclaration") return null;
  const declaration = statement.declaration;
  if (declaration?.type !== "VariableDeclaration" || declaration.kind !== "const") return null;
  if (declaration.declarations.length !== 1) return null;
  const [declarator] = declaration.declarations;
  if (declarator.id.type !== "Identifier" || declarator.id.name !== "meta") return null;
  return declarator.init?.type === "ObjectExpression" ? declarator.init : null;
}

/**
 * The meta as odw keeps it (a plain object: the literal's fields, `whenToUse` and `phases`
 * normalized), or the refusal line for a missing or empty `name` / `description`.
 */
export function readMetaFields(literal: Record<string, unknown>): WorkflowMeta | string {
  for (const field of ["name", "description"]) {
    const value = literal[field];
    if (typeof value !== "string" || value.length === 0) {
      return invalidScript(`meta.${field} must be a non-empty string`);
    }
  }
  const meta = { ...literal } as WorkflowMeta;
  if (typeof literal.whenToUse !== "string") delete meta.whenToUse;
  const phases = readPhases(literal.phases);
  if (phases) meta.phases = phases;
  else delete meta.phases;
  return meta;
}

/** The entries of `phases` that are objects with a string `title`; undefined when none is. */
function readPhases(phases: unknown): PhaseMeta[] | undefined {
  if (!Array.isArray(phases)) return undefined;
  const kept: PhaseMeta[] = [];
  for (const entry of phases) {
    if (!entry || typeof entry !== "object" || !("title" in entry)) continue;
    const { title, detail, model } = entry as Record<string, unknown>;
    if (typeof title !== "string") continue;
    const phase: PhaseMeta = { title };
    if (typeof detail === "string") phase.detail = detail;
    if (typeof model === "string") phase.model = model;
    kept.push(phase);
  }
  return kept.length > 0 ? kept : undefined;
}
