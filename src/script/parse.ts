/**
 * Parses a workflow script with acorn the way the runtime runs it: an ES module body that may use
 * top-level `await` and top-level `return`.
 *
 * @module
 */
import { parse, type Program } from "acorn";
import { invalidScript } from "./messages.ts";

/** Outcome of {@linkcode parseWorkflow}: the syntax tree, or the refusal line for a syntax error. */
export type ParseOutcome = { ok: true; program: Program } | { ok: false; error: string };

/**
 * Parses `source` (ecmaVersion latest, module, top-level await/return, with locations).
 *
 * @example
 * ```ts
 * parseWorkflow("let x = ;");
 * // { ok: false, error: "Invalid workflow script: SyntaxError: Unexpected token (1:8)" }
 * ```
 */
export function parseWorkflow(source: string): ParseOutcome {
  try {
    const program = parse(source, {
      ecmaVersion: "latest",
      sourceType: "module",
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      locations: true,
    });
    return { ok: true, program };
  } catch (error) {
    if (error instanceof SyntaxError) {
      return { ok: false, error: invalidScript(`SyntaxError: ${error.message}`) };
    }
    throw error;
  }
}
