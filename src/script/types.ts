/**
 * The public shapes of the static analysis: workflow meta, call sites and the analysis outcome.
 * Re-exported by `analyze.ts`, which is where other modules import them from.
 *
 * @module
 */

/** One entry of `meta.phases`. */
export interface PhaseMeta {
  /** Title shown for the phase; `phase(title)` calls refer to it. */
  title: string;
  /** Longer description of the phase. */
  detail?: string;
  /** Model the phase's agents are meant to use. */
  model?: string;
}

/** The `meta` literal of a workflow script, validated. Extra fields (odw-only options) are kept. */
export interface WorkflowMeta {
  /** Workflow name (non-empty). */
  name: string;
  /** What the workflow does (non-empty). */
  description: string;
  /** When an agent should pick this workflow. */
  whenToUse?: string;
  /** The phases the workflow goes through. */
  phases?: PhaseMeta[];
  /** Further fields, e.g. odw-only options; passed through as written. */
  [odwOnly: string]: unknown;
}

/** A statically visible call of a workflow primitive, for the report's graph. */
export interface CallSite {
  /**
   * The call site's id: its index in the script's list of primitive calls (source order). Runtime nodes
   * map to it by line and column (the report joins them).
   */
  id: number;
  /** Which primitive is called. */
  kind: "agent" | "workflow" | "parallel" | "pipeline" | "phase" | "log";
  /** 1-based line of the call. */
  line: number;
  /** 1-based column of the call (as in stack traces and editors). */
  column: number;
  /** Source text of the first argument ("" when there is none); template literals as written. */
  promptSource: string;
  /**
   * The options object as a literal value when it is one (else null): the 2nd argument of `agent`,
   * the args object of `workflow`; null for the other primitives.
   */
  options: Record<string, unknown> | null;
  /** Source text of that options argument, or null when absent. */
  optionsSource: string | null;
  /**
   * `agent` calls with an object literal as options: its properties whose values are literals, even
   * when others are computed (e.g. `{ runtime: "codex", schema: FINDINGS }` gives `{ runtime: "codex" }`).
   */
  literalOptions?: Record<string, unknown>;
  /** The options of such a call that are computed at run time (`...` for a spread or computed key). */
  computedOptions?: string[];
  /**
   * The phase the call belongs to when known statically: the call's own literal `phase` option, else
   * the title of the last literal `phase("...")` call before it in source order (a `phase()` call with
   * a computed title makes it unknown until the next literal one). A `phase` call carries its own title.
   */
  phase?: string;
  /** Source text of an agent call's `label` option as written (a template too), when it has one. */
  labelSource?: string;
  /**
   * The id of the innermost primitive call whose arguments contain this one (a `parallel`/`pipeline`
   * fan-out, or an `agent`/`workflow` call written inside another's arguments); absent at the top.
   */
  parent?: number;
  /** Which argument of that parent call contains this one (0-based: a pipeline's stage is 1, 2, …). */
  argument?: number;
}

/** Outcome of `analyzeScript`: what the runtime needs, or the one-line refusal. */
export type Analysis =
  | { ok: true; meta: WorkflowMeta; body: string; callSites: CallSite[] }
  | { ok: false; error: string };
