/**
 * Builds the text the sandbox evaluates as the body of an `AsyncFunction` whose parameters are the
 * primitives (`agent`, `parallel`, `pipeline`, `phase`, `log`, `args`, `budget`, `workflow`, and
 * `__odwImport`). Every line and, except on lines with a dynamic import, every column stays where it
 * is in the user's file, so runtime error positions match it:
 *
 * - `export ` of the meta statement becomes `{      ` and a final `\n}` closes that block. `const meta`
 *   stays readable by the script, and the script's top-level declarations live in a block of their
 *   own, so `const log = ...` or `let args = ...` shadow a primitive as they would shadow a global in a
 *   module, instead of clashing with a parameter of the same name (a SyntaxError).
 * - each dynamic `import(` becomes `__odwImport(`: the runtime passes a function that rejects with a
 *   sandbox error, so `import()` fails inside the workflow and never loads a module.
 * - a hashbang line `#!...` becomes a `//...` comment.
 *
 * @module
 */
import type { ImportExpression, Node, Program } from "acorn";
import { simple } from "acorn-walk";

/** Name of the parameter the runtime must provide in place of dynamic `import()`. */
export const IMPORT_REPLACEMENT = "__odwImport";

/** One replacement of `source.slice(start, end)` by `text`. */
export interface BodyEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The evaluable body of a script whose syntax tree is `program` and meta statement `metaStatement`.
 *
 * @example
 * ```ts
 * // source: 'export const meta = { name: "a", description: "b" };\nreturn await import("x");'
 * buildBody(source, program, program.body[0]);
 * // '{      const meta = { name: "a", description: "b" };\nreturn await __odwImport("x");\n}'
 * ```
 */
export function buildBody(source: string, program: Program, metaStatement: Node): string {
  return applyBodyEdits(source, bodyEdits(source, program, metaStatement));
}

/** The body made of `source` with `edits` (from {@link bodyEdits}) applied and the block closed. */
export function applyBodyEdits(source: string, edits: readonly BodyEdit[]): string {
  let body = "";
  let cursor = 0;
  for (const edit of edits) {
    body += source.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return body + source.slice(cursor) + BODY_CLOSING;
}

/** Text appended after the script: closes the block the meta statement opens (on a line of its own). */
export const BODY_CLOSING = "\n}";

/**
 * The replacements {@link buildBody} makes, in source order (the hashbang, the meta statement's
 * `export`, each dynamic `import`). The compiled-body check maps the script's tokens through them.
 */
export function bodyEdits(source: string, program: Program, metaStatement: Node): BodyEdit[] {
  const edits: BodyEdit[] = [];
  if (source.startsWith("#!")) edits.push({ start: 0, end: 2, text: "//" });
  // The statement starts with the 6 letters `export`; a block brace and 5 spaces take their place.
  edits.push({ start: metaStatement.start, end: metaStatement.start + "export".length, text: "{     " });
  simple(program, {
    ImportExpression(node: ImportExpression) {
      edits.push({ start: node.start, end: node.start + "import".length, text: IMPORT_REPLACEMENT });
    },
  });
  edits.sort((a, b) => a.start - b.start);
  return edits;
}
