/**
 * Parses a workflow script with acorn the way the built-in does: an ES module body that may use
 * top-level `await` and top-level `return`. A syntax error is reported as the built-in reports it:
 * acorn's message, the offending line (at most 80 characters around the position) with a caret under
 * the position, and the plain-JavaScript hint.
 *
 * @module
 */
import { parse, type Position, type Program, type Token } from "acorn";
import { invalidScript, PLAIN_JAVASCRIPT_HINT } from "./messages.ts";

/**
 * Outcome of {@linkcode parseWorkflow}: the syntax tree and the tokens the parser read (in order), or
 * the refusal for a syntax error.
 */
export type ParseOutcome = { ok: true; program: Program; tokens: Token[] } | { ok: false; error: string };

/** Widest excerpt of the offending line shown above the caret. */
const EXCERPT_WIDTH = 80;

/**
 * Parses `source` (ecmaVersion latest, module, top-level await/return, with locations).
 *
 * @example
 * ```ts
 * parseWorkflow("let x = ;");
 * // { ok: false, error: "Invalid workflow script: Script parse error: Unexpected token (1:8)\n\nlet x = ;\n        ^\n\nWorkflow scripts must be plain JavaScript — …" }
 * ```
 */
export function parseWorkflow(source: string): ParseOutcome {
  const tokens: Token[] = [];
  try {
    const program = parse(source, {
      ecmaVersion: "latest",
      sourceType: "module",
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      locations: true,
      onToken: tokens,
    });
    return { ok: true, program, tokens };
  } catch (error) {
    if (error instanceof SyntaxError) {
      return { ok: false, error: invalidScript(parseErrorText(error, source)) };
    }
    throw error;
  }
}

/**
 * The built-in's parse-error text for acorn's `error` on `source`. Lines are split on `\n` only, as
 * the built-in splits them.
 */
function parseErrorText(error: SyntaxError, source: string): string {
  const loc = (error as SyntaxError & { loc?: Position }).loc;
  const line = loc ? source.split("\n")[loc.line - 1] : undefined;
  if (!loc || line === undefined) return `Script parse error: ${error.message}. ${PLAIN_JAVASCRIPT_HINT}`;
  const caret = Math.max(0, Math.min(loc.column, line.length));
  const start = Math.max(0, Math.min(caret - Math.floor(EXCERPT_WIDTH / 2), line.length - EXCERPT_WIDTH));
  const excerpt = line.slice(start, start + EXCERPT_WIDTH);
  return `Script parse error: ${error.message}\n\n${excerpt}\n${
    " ".repeat(caret - start)
  }^\n\n${PLAIN_JAVASCRIPT_HINT}`;
}
