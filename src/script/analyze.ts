/**
 * The static side of odw: everything decided about a workflow script before anything runs. It parses
 * the script (acorn), reads and checks `meta`, refuses clock/randomness reads and module syntax with
 * the messages Claude Code's built-in workflow runtime gives, and produces the body the sandbox
 * evaluates plus the call-site graph for the report.
 *
 * Checks run in the built-in's order and the first failure is the answer: syntax, meta (the FIRST
 * statement, a pure literal, `name` / `description`), determinism, then what would not compile
 * (module syntax, `await using`), then the same checks on exactly the text the sandbox compiles (see
 * `compiled_body.ts`: the module parse and the function-body compile must read the same tokens).
 *
 * @example
 * ```ts
 * const analysis = analyzeScript('export const meta = { name: "hi", description: "d" };\nreturn await agent("hi");');
 * if (analysis.ok) console.log(analysis.meta.name, analysis.callSites.length); // "hi" 1
 * else console.error(analysis.error);
 * ```
 * @module
 */
import { applyBodyEdits, bodyEdits } from "./body.ts";
import { checkCompiledBody } from "./compiled_body.ts";
import { collectCallSites } from "./call_sites.ts";
import { findNondeterminism } from "./determinism.ts";
import { DETERMINISM_MESSAGE } from "./messages.ts";
import { extractMeta, metaNameOf } from "./meta.ts";
import { findModuleSyntax } from "./module_syntax.ts";
import { parseWorkflow } from "./parse.ts";
import type { Analysis, WorkflowMeta } from "./types.ts";

export type { Analysis, CallSite, PhaseMeta, WorkflowMeta } from "./types.ts";
export { DETERMINISM_MESSAGE, META_FIRST_MESSAGE, PLAIN_JAVASCRIPT_HINT } from "./messages.ts";
export { IMPORT_REPLACEMENT } from "./body.ts";

/** Options of {@link analyzeScript}. */
export interface AnalyzeOptions {
  /**
   * Refuse `Date.now()`/`Math.random()`/`new Date()` (default true). The built-in skips this check for
   * child workflows, whose calls then throw at run time in the sandbox.
   */
  determinism?: boolean;
}

/**
 * Analyses a workflow script: `{ ok: true, meta, body, callSites }`, or `{ ok: false, error }` with
 * the refusal, worded as the built-in words it (a parse error spans several lines: message, the
 * offending line with a caret, a hint; every other refusal is one line).
 *
 * @example
 * ```ts
 * analyzeScript("log(Date.now())");
 * // { ok: false, error: "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script" }
 * ```
 */
export function analyzeScript(source: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = parseWorkflow(source);
  if (!parsed.ok) return parsed;
  const { program } = parsed;
  const meta = extractMeta(program);
  if (!meta.ok) return meta;
  if (options.determinism !== false && findNondeterminism(program)) {
    return { ok: false, error: DETERMINISM_MESSAGE };
  }
  const compileError = findModuleSyntax(source, program, meta.statement);
  if (compileError) return { ok: false, error: compileError };
  const edits = bodyEdits(source, program, meta.statement);
  const body = applyBodyEdits(source, edits);
  const compiledError = checkCompiledBody(source, parsed.tokens, edits, body, options);
  if (compiledError) return { ok: false, error: compiledError };
  return {
    ok: true,
    meta: meta.meta,
    body,
    callSites: collectCallSites(source, program),
  };
}

/**
 * The static checks only, for `odw check`: the validated meta, or the refusal line.
 *
 * @example
 * ```ts
 * const checked = checkScript(await Deno.readTextFile("examples/hello.js"));
 * if (!checked.ok) console.error(checked.error);
 * ```
 */
export function checkScript(source: string): { ok: true; meta: WorkflowMeta } | { ok: false; error: string } {
  const analysis = analyzeScript(source);
  return analysis.ok ? { ok: true, meta: analysis.meta } : analysis;
}

/**
 * The name a script gives itself in `meta.name`, read as far as the script parses (a script refused
 * for determinism, or for a meta without a description, still has one); "" when there is none.
 *
 * @example
 * ```ts
 * scriptName('export const meta = { name: "x", description: "d" };\nDate.now();'); // "x"
 * ```
 */
export function scriptName(source: string): string {
  const parsed = parseWorkflow(source);
  return parsed.ok ? metaNameOf(parsed.program) : "";
}
