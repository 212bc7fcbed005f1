/**
 * `odw exec --dry-run`: for each static `agent()` call site, the options as written, the routing it
 * resolves to (every source: the call's literal options, `meta.phases[].model`, `.odw/config.json`, the
 * command line, the backend's defaults) and the list price per million tokens that would apply. Runs
 * nothing and writes no run record. Options computed at run time (`{ runtime: args.rt }`, spreads) are
 * not known statically: such sites say so, and show what the other sources give.
 *
 * @example
 * ```ts
 * const plan = dryRunPlan(analysis, router, backend);
 * console.log(json ? JSON.stringify(plan) : dryRunText(plan));
 * ```
 * @module
 */
import type { Backend, Price } from "../backends/backend.ts";
import type { Effort } from "../common/contract.ts";
import { parseDuration } from "../common/duration.ts";
import type { ResolvedRouting, Router, Routing } from "../engine/routing.ts";
import { routingLabel } from "../engine/routing.ts";
import type { CallSite } from "../script/analyze.ts";

/** One `agent()` call site in the plan. */
export interface DryRunSite {
  line: number;
  column: number;
  /** The literal `label` option, else the start of the prompt as written. */
  label: string;
  phase: string | null;
  /** The options argument as written (source text), or null. */
  options: string | null;
  /** Routing options computed at run time (`...` for a spread): they may change the routing shown. */
  computed: string[];
  routing: Routing;
  sources: ResolvedRouting["sources"];
  /** List price per million tokens for that routing, or null when unknown. */
  price: Price | null;
  /** What the backend's defaults mean, when a field came from them. */
  defaultsNote?: string;
}

/** The whole plan. */
export interface DryRunPlan {
  dryRun: true;
  name: string;
  backend: string;
  backendDetail: string | null;
  defaultRouting: Routing & { sources: ResolvedRouting["sources"] };
  callSites: DryRunSite[];
  /** `workflow()` calls: their children's agents are routed when they run. */
  childWorkflows: number;
}

/** Options that take part in routing (and `...`, a spread that may carry any of them). */
const ROUTING_OPTIONS: ReadonlySet<string> = new Set([
  "runtime",
  "provider",
  "model",
  "effort",
  "timeout",
  "phase",
  "...",
]);

function stringOption(options: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = options?.[key];
  return typeof value === "string" ? value : undefined;
}

/** The routing options a call site writes as literals. */
function writtenRouting(site: CallSite): Routing {
  const options = site.literalOptions;
  const routing: Routing = {
    runtime: stringOption(options, "runtime"),
    provider: stringOption(options, "provider"),
    model: stringOption(options, "model"),
    effort: stringOption(options, "effort") as Effort | undefined,
  };
  const timeout = options?.timeout;
  if (typeof timeout === "number" && timeout > 0) routing.timeoutMs = timeout;
  if (typeof timeout === "string") {
    try {
      routing.timeoutMs = parseDuration(timeout);
    } catch { /* refused when the call runs */ }
  }
  return routing;
}

/** The plan for a checked script. */
export function dryRunPlan(
  name: string,
  callSites: CallSite[],
  router: Router,
  backend: Backend,
): DryRunPlan {
  const sites = callSites.filter((site) => site.kind === "agent").map((site): DryRunSite => {
    const resolved = router.resolve(writtenRouting(site), site.phase);
    const runtime = resolved.shown.runtime;
    const note = runtime !== undefined && Object.values(resolved.sources).includes("default")
      ? router.defaultsNote(runtime, resolved.chosen.provider)
      : undefined;
    return {
      ...(note ? { defaultsNote: note } : {}),
      line: site.line,
      column: site.column,
      label: stringOption(site.literalOptions, "label") ?? site.promptSource.slice(0, 60),
      phase: site.phase ?? null,
      options: site.optionsSource,
      computed: (site.computedOptions ?? []).filter((name) => ROUTING_OPTIONS.has(name)),
      routing: resolved.shown,
      sources: resolved.sources,
      price: backend.priceOf?.(resolved.shown) ?? null,
    };
  });
  const defaults = router.defaultRouting();
  return {
    dryRun: true,
    name,
    backend: backend.name,
    backendDetail: backend.detail ?? null,
    defaultRouting: { ...defaults.shown, sources: defaults.sources },
    callSites: sites,
    childWorkflows: callSites.filter((site) => site.kind === "workflow").length,
  };
}

function priceText(price: Price | null): string {
  if (price === null) return "unknown (no list price for this routing)";
  const cached = price.cachedInputPerMTok === undefined ? "" : ` (cached $${price.cachedInputPerMTok})`;
  return `$${price.inputPerMTok} in${cached} / $${price.outputPerMTok} out per 1M tokens, list price as of ${price.asOf}`;
}

function routingText(site: DryRunSite, backend: string): string {
  const extras = [
    site.routing.effort ? `effort ${site.routing.effort}` : "",
    site.routing.timeoutMs ? `timeout ${site.routing.timeoutMs} ms` : "",
  ].filter((x) => x !== "");
  const from = Object.entries(site.sources)
    .map(([field, source]) => `${field}: ${source === "default" ? `${backend} default` : source}`);
  return [routingLabel(site.routing), ...extras].join(" · ") + (from.length ? ` (${from.join(", ")})` : "");
}

/** The plan for people. */
export function dryRunText(plan: DryRunPlan): string {
  const backend = plan.backendDetail ? `${plan.backend} (${plan.backendDetail})` : plan.backend;
  const lines = [
    `dry run of ${plan.name} on backend ${backend}: ${plan.callSites.length} agent() call site(s), nothing runs`,
  ];
  for (const site of plan.callSites) {
    lines.push("");
    lines.push(`line ${site.line}:${site.column}  ${site.label}${site.phase ? `  [${site.phase}]` : ""}`);
    if (site.options !== null) lines.push(`  options: ${site.options.replace(/\s+/g, " ").slice(0, 160)}`);
    if (site.computed.length > 0) {
      lines.push(`  (computed at run time, may change this routing: ${site.computed.join(", ")})`);
    }
    lines.push(`  routing: ${routingText(site, plan.backend)}`);
    if (site.defaultsNote) lines.push(`  default: ${site.defaultsNote}`);
    lines.push(`  price:   ${priceText(site.price)}`);
  }
  if (plan.childWorkflows > 0) {
    lines.push("");
    lines.push(`${plan.childWorkflows} workflow() call(s): their agents are routed when they run`);
  }
  return lines.join("\n");
}
