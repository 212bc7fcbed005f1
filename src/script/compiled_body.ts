/**
 * The static checks on exactly the text the sandbox compiles. The script is parsed as a module (as the
 * built-in parses it), but the runtime compiles its body with `new AsyncFunction(...params,
 * BODY_PREFIX + body)`: script goal, where Annex B's HTML-like comments exist (`<!--` anywhere, `-->`
 * at the start of a line, also after a block comment that spans lines). Text the module parse reads as
 * a template or a string could then be code the checks never saw (a real `import("node:…")`, a clock
 * read). So the body is parsed a second time, in script mode, inside the very wrapper V8 builds for a
 * dynamic function (`async function anonymous(params\n) {\nbody\n}`), and:
 *
 * - the two token streams must be the same (the script's tokens, mapped through the body's edits:
 *   `export` → `{`, `import` → `__odwImport`, plus the closing `}`), else the script is refused;
 * - the wrapper must parse as that one function and end where V8's does (nothing breaks out of it);
 * - the determinism check and the "no `import()` left" check run on that compiled syntax tree.
 *
 * @module
 */
import { type Node, parse, type Program, type Token } from "acorn";
import { simple } from "acorn-walk";
import { BODY_CLOSING, type BodyEdit } from "./body.ts";
import { findNondeterminism } from "./determinism.ts";
import { DETERMINISM_MESSAGE } from "./messages.ts";

/**
 * What the runtime puts before the body it compiles (`src/runtime/worker_main.ts` must use the same
 * text: the body is compiled as `new AsyncFunction(...params, BODY_PREFIX + body)`).
 */
export const BODY_PREFIX = '"use strict"; ';

/**
 * The source text V8 synthesises for `new AsyncFunction(...params, BODY_PREFIX + body)` (what
 * `Function.prototype.toString` returns for it).
 *
 * @example
 * ```ts
 * compiledFunctionText("return 1;", ["agent", "log"]);
 * // 'async function anonymous(agent,log\n) {\n"use strict"; return 1;\n}'
 * ```
 */
export function compiledFunctionText(body: string, params: readonly string[]): string {
  return `${compiledFunctionHead(params)}${BODY_PREFIX}${body}\n}`;
}

function compiledFunctionHead(params: readonly string[]): string {
  return `async function anonymous(${params.join(",")}\n) {\n`;
}

/** Options of {@link checkCompiledBody}. */
export interface CompiledCheckOptions {
  /** Run the determinism refusal on the compiled tree (default true). */
  determinism?: boolean;
}

/**
 * Checks `body` (built from `source` with `edits`) as the engine compiles it, against the module
 * parse's `sourceTokens`. Returns null when the two agree and the compiled tree passes the checks,
 * else the one-line refusal.
 *
 * @example
 * ```ts
 * // a script whose `<!--` hides a template's opening backtick from the function-body compile:
 * checkCompiledBody(source, tokens, edits, body);
 * // "SyntaxError: line 3 reads differently when compiled as the workflow's function body (…)"
 * ```
 */
export function checkCompiledBody(
  source: string,
  sourceTokens: readonly Token[],
  edits: readonly BodyEdit[],
  body: string,
  options: CompiledCheckOptions = {},
): string | null {
  const head = compiledFunctionHead([]) + BODY_PREFIX;
  const text = compiledFunctionText(body, []);
  const compiledTokens: Token[] = [];
  let program: Program;
  try {
    program = parse(text, { ecmaVersion: "latest", sourceType: "script", onToken: compiledTokens });
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const pos = (error as SyntaxError & { pos?: number }).pos ?? head.length;
    return disagreement(source, lineOf(body, pos - head.length));
  }
  const fn = program.body[0];
  if (program.body.length !== 1 || fn.type !== "FunctionDeclaration" || fn.end !== text.length) {
    return disagreement(source, lineOf(body, body.length));
  }
  const mismatch = firstMismatch(source, sourceTokens, edits, body, compiledTokens, head.length);
  if (mismatch !== null) return disagreement(source, mismatch);
  if (options.determinism !== false && findNondeterminism(fn.body)) return DETERMINISM_MESSAGE;
  if (hasImportExpression(fn.body)) return "SyntaxError: import() escaped the workflow's import rewrite";
  return null;
}

/**
 * The 1-based line of the first token where the compiled body differs from the script, or null when
 * every token agrees. The compiled tokens of the body are those after the wrapper's head and before
 * the wrapper's closing brace.
 */
function firstMismatch(
  source: string,
  sourceTokens: readonly Token[],
  edits: readonly BodyEdit[],
  body: string,
  compiledTokens: readonly Token[],
  bodyOffset: number,
): number | null {
  const replaced = new Map(edits.map((edit) => [edit.start, edit.text.trim()]));
  const expected = sourceTokens
    .filter((token) => token.type.label !== "eof")
    .map((token) => ({
      text: replaced.get(token.start) ?? source.slice(token.start, token.end),
      line: token.loc?.start.line ?? lineOf(source, token.start),
    }));
  expected.push({ text: BODY_CLOSING.trim(), line: lineOf(body, body.length) });
  const seen = compiledTokens.filter((token) =>
    token.start >= bodyOffset && token.end <= bodyOffset + body.length && token.type.label !== "eof"
  );
  const compiledText = (token: Token) => body.slice(token.start - bodyOffset, token.end - bodyOffset);
  const count = Math.max(expected.length, seen.length);
  for (let i = 0; i < count; i++) {
    if (expected[i]?.text !== (seen[i] && compiledText(seen[i]))) {
      return expected[i]?.line ?? lineOf(body, seen[i].start - bodyOffset);
    }
  }
  return null;
}

/** True when a dynamic `import()` (any phase) is still in the compiled tree. */
function hasImportExpression(node: Node): boolean {
  let found = false;
  simple(node, {
    ImportExpression() {
      found = true;
    },
  });
  return found;
}

/** 1-based line of `offset` in `text`, counting every ECMAScript line terminator (CRLF once). */
function lineOf(text: string, offset: number): number {
  const before = text.slice(0, Math.max(0, offset));
  return (before.match(/\r\n?|[\n\u2028\u2029]/g)?.length ?? 0) + 1;
}

/** The refusal for a script whose module parse and function-body compile disagree. */
function disagreement(source: string, line: number): string {
  const hint = /<!--|-->/.test(source)
    ? " (an HTML-like comment: `<!--`, or `-->` at the start of a line, is a comment there and not in a module)"
    : "";
  return `SyntaxError: line ${line} reads differently when compiled as the workflow's function body${hint}`;
}
