/**
 * Portability between odw and Claude Code's built-in Workflow tool, for `odw check --portable`: the
 * `agent()` options written at each call site that the built-in does not know. The built-in reads
 * `label`, `phase`, `schema`, `model`, `effort`, `isolation` and `agentType`; odw adds `runtime`,
 * `provider`, `timeout`, `stallTimeout` and `retries`, which the built-in silently ignores (the
 * script still runs there, on the built-in's own routing and limits). A name neither knows is
 * ignored by both (a typo, most likely). Options odw cannot see statically (a variable, a spread,
 * a computed key) are reported as unchecked. Works on the call sites of `call_sites.ts`.
 *
 * @example
 * ```ts
 * const analysis = analyzeScript(source);
 * if (analysis.ok) for (const w of portabilityWarnings(analysis.callSites)) console.error(w.message);
 * ```
 * @module
 */
import type { CallSite } from "./types.ts";

/** The `agent()` options Claude Code's built-in Workflow tool reads. */
export const BUILT_IN_AGENT_OPTIONS: ReadonlySet<string> = new Set([
  "label",
  "phase",
  "schema",
  "model",
  "effort",
  "isolation",
  "agentType",
]);

/** The `agent()` options only odw reads, with what the built-in does instead. */
export const ODW_ONLY_AGENT_OPTIONS: Readonly<Record<string, string>> = {
  runtime: "the built-in runs every agent on Claude",
  provider: "the built-in has no bamboo providers",
  timeout: "the built-in applies no per-agent time limit",
  stallTimeout: "the built-in has no stall detector",
  retries: "the built-in uses its own retry policy",
};

/** One portability warning at a call site. */
export interface PortabilityWarning {
  line: number;
  column: number;
  /** The option it is about (`...` for options odw cannot read statically). */
  option: string;
  /** `odw-only`: odw reads it, the built-in ignores it; `unknown`: neither reads it; `unchecked`. */
  kind: "odw-only" | "unknown" | "unchecked";
  /** One line: `line:column: agent() option "runtime" is odw-only: …`. */
  message: string;
}

/** The warnings for one agent() call site's option names (literal and computed). */
function warningsAt(site: CallSite): PortabilityWarning[] {
  const at = `${site.line}:${site.column}`;
  const warn = (option: string, kind: PortabilityWarning["kind"], text: string): PortabilityWarning => ({
    line: site.line,
    column: site.column,
    option,
    kind,
    message: `${at}: ${text}`,
  });
  if (site.optionsSource !== null && site.literalOptions === undefined) {
    return [
      warn("...", "unchecked", "agent() options are not an object literal; not checked for odw-only options"),
    ];
  }
  const names = [...Object.keys(site.literalOptions ?? {}), ...(site.computedOptions ?? [])];
  const warnings: PortabilityWarning[] = [];
  for (const option of new Set(names)) {
    if (option === "...") {
      warnings.push(
        warn(option, "unchecked", "agent() options with a spread or computed key are not checked"),
      );
    } else if (Object.hasOwn(ODW_ONLY_AGENT_OPTIONS, option)) {
      const instead = ODW_ONLY_AGENT_OPTIONS[option];
      warnings.push(
        warn(
          option,
          "odw-only",
          `agent() option "${option}" is odw-only; the built-in ignores it (${instead})`,
        ),
      );
    } else if (!BUILT_IN_AGENT_OPTIONS.has(option)) {
      warnings.push(
        warn(option, "unknown", `agent() option "${option}" is not an option of odw or the built-in`),
      );
    }
  }
  return warnings;
}

/** The portability warnings of a script's call sites, in source order. */
export function portabilityWarnings(callSites: readonly CallSite[]): PortabilityWarning[] {
  return callSites.filter((site) => site.kind === "agent").flatMap(warningsAt);
}
