/**
 * The library's static check of a workflow script: what `odw check` checks (syntax, the `meta`
 * statement, determinism, call sites), nothing run.
 *
 * @module
 */
import { analyzeScript } from "../script/analyze.ts";
import type { CallSite, WorkflowMeta } from "../script/types.ts";

/**
 * A script's static check: its meta and call sites, or the one message a run would be refused with.
 *
 * @example
 * ```ts
 * function agents(check: WorkflowCheck): number {
 *   return check.ok ? check.callSites.filter((site) => site.kind === "agent").length : 0;
 * }
 * ```
 */
export type WorkflowCheck =
  | { ok: true; meta: WorkflowMeta; callSites: CallSite[] }
  | { ok: false; error: string };

/**
 * Checks a workflow script without running it.
 *
 * @example
 * ```ts
 * checkWorkflow("return 1"); // { ok: false, error: "Invalid workflow script: `export const meta …" }
 * ```
 */
export function checkWorkflow(source: string): WorkflowCheck {
  const analysis = analyzeScript(source);
  return analysis.ok ? { ok: true, meta: analysis.meta, callSites: analysis.callSites } : analysis;
}
