/**
 * Per-node routing: which runtime, provider, model, effort and timeout a node gets, resolved once,
 * before dispatch, from every source. First match wins, field by field:
 *
 * 1. the node's own options, `agent(p, { runtime, provider, model, effort, timeout })`;
 * 2. `meta.phases[].model` of the phase the node belongs to (by title);
 * 3. `.odw/config.json`: the node's phase under `phases`, then `defaults`;
 * 4. the command line (`--runtime`, `--provider`, `--model`, `--effort`, `--node-timeout`);
 * 5. the backend's defaults (pandacode's: bamboo's provider and its default model, the CLIs' models).
 *
 * A source that names a runtime lends its provider and model only to nodes that end up on that
 * runtime: `agent(p, { runtime: "claude" })` under `--runtime bamboo --model deepseek-chat` runs on
 * claude with claude's default model, never with a bamboo model. A provider from a source that names
 * no runtime goes to bamboo nodes only (providers are bamboo's). The node's own options always apply.
 *
 * A node's `stallTimeout` and `retries` come from its options, then its phase in the config; below
 * that the run's policy applies (`--stall-timeout` / `--retries`, then config `defaults`).
 *
 * What the node is sent ({@link ResolvedRouting.chosen}, also what its key hashes) is what sources
 * 1–4 chose; the backend's defaults are only shown ({@link ResolvedRouting.shown}) and priced, since the
 * backend applies them itself (and a claude/codex CLI may pick another model from its own config).
 *
 * @example
 * ```ts
 * const router = new Router({ commandLine: { runtime: "bamboo" }, config: { phases: { Review: { model: "m" } } } });
 * router.resolve({}, "Review").chosen; // { runtime: "bamboo", model: "m" }
 * ```
 * @module
 */
import type { RoutingDefaults } from "../backends/backend.ts";
import type { Effort } from "../common/contract.ts";
import type { NodeSettings, OdwConfig } from "./config.ts";

export type { RoutingDefaults };

/** The routing fields of a node. */
export interface Routing {
  runtime?: string;
  provider?: string;
  model?: string;
  effort?: Effort;
  /** Per-node timeout in milliseconds. */
  timeoutMs?: number;
  /** Stall timeout in milliseconds (only the node's options and its config phase; else the run's policy). */
  stallTimeoutMs?: number;
  /** Extra tries for retryable failures (only the node's options and its config phase; else the policy). */
  retries?: number;
}

/** Where a routing field came from. */
export type RoutingSource =
  | "agent"
  | "meta.phases"
  | "config.phases"
  | "config.defaults"
  | "command line"
  | "default";

/** A node's routing, resolved. */
export interface ResolvedRouting {
  /** What sources 1–4 chose: the node is sent this, and its key hashes it. */
  chosen: Routing;
  /** `chosen` completed with the backend's defaults: what will run, for display and prices. */
  shown: Routing;
  /** The source of each field of `shown`. */
  sources: Partial<Record<keyof Routing, RoutingSource>>;
}

/** The phase entries of `meta` the router reads. */
export interface PhaseModel {
  title: string;
  model?: string;
}

/** Everything the router resolves from. */
export interface RouterSources {
  /** `meta.phases` of the top-level script. */
  metaPhases?: readonly PhaseModel[];
  config?: OdwConfig;
  commandLine?: Routing;
  /** The backend's defaults for a runtime (and provider), or null when it has none. */
  defaults?: (runtime: string, provider?: string) => RoutingDefaults | null;
}

interface Layer {
  source: RoutingSource;
  routing: Routing;
}

const BOUND = ["provider", "model"] as const;

/**
 * Whether `layer` may give `field` (provider or model) to a node on `runtime`: the node's own options
 * always may; another source not when it names a different runtime, and a provider from a source
 * naming no runtime only to bamboo nodes (providers are bamboo's; codex and claude would only record it).
 */
function lends(layer: Layer, field: typeof BOUND[number], runtime: string | undefined): boolean {
  if (layer.source === "agent") return true;
  if (layer.routing.runtime !== undefined) return layer.routing.runtime === runtime;
  return field === "model" || runtime === undefined || runtime === "bamboo";
}
const FREE = ["effort", "timeoutMs"] as const;
/** Guardrails a node's phase may set; below that, `--stall-timeout`/`--retries` and config defaults apply. */
const GUARDRAILS = ["stallTimeoutMs", "retries"] as const;

/** The routing fields of a config entry. */
function fromSettings(settings: NodeSettings | undefined): Routing {
  if (!settings) return {};
  const { runtime, provider, model, effort, timeout, stallTimeout, retries } = settings;
  return { runtime, provider, model, effort, timeoutMs: timeout, stallTimeoutMs: stallTimeout, retries };
}

/** Resolves every node's routing from the same sources. */
export class Router {
  readonly #sources: RouterSources;

  constructor(sources: RouterSources = {}) {
    this.#sources = sources;
  }

  /** The routing of a node whose options say `written`, in phase `phase`. */
  resolve(written: Routing, phase?: string): ResolvedRouting {
    const { metaPhases, config, commandLine } = this.#sources;
    const phaseModel = phase === undefined ? undefined : metaPhases?.find((p) => p.title === phase)?.model;
    const layers: Layer[] = [
      { source: "agent", routing: written },
      { source: "meta.phases", routing: { model: phaseModel } },
      {
        source: "config.phases",
        routing: fromSettings(phase === undefined ? undefined : config?.phases?.[phase]),
      },
      { source: "config.defaults", routing: fromSettings(config?.defaults) },
      { source: "command line", routing: commandLine ?? {} },
    ];
    const chosen: Routing = {};
    const sources: ResolvedRouting["sources"] = {};
    const take = <K extends keyof Routing>(field: K, accepts: (layer: Layer) => boolean) => {
      const layer = layers.find((l) => l.routing[field] !== undefined && accepts(l));
      if (!layer) return;
      chosen[field] = layer.routing[field];
      sources[field] = layer.source;
    };
    take("runtime", () => true);
    for (const field of BOUND) take(field, (l) => lends(l, field, chosen.runtime));
    for (const field of FREE) take(field, () => true);
    for (const field of GUARDRAILS) take(field, (l) => l.source === "agent" || l.source === "config.phases");
    const shown: Routing = { ...chosen };
    const defaults = chosen.runtime === undefined
      ? null
      : this.#sources.defaults?.(chosen.runtime, chosen.provider) ?? null;
    if (defaults) {
      if (shown.provider === undefined && defaults.provider !== null) {
        shown.provider = defaults.provider;
        sources.provider = "default";
      }
      if (shown.model === undefined && defaults.model !== null) {
        shown.model = defaults.model;
        sources.model = "default";
      }
    }
    return { chosen, shown, sources };
  }

  /** The routing of a node that sets nothing itself and has no phase: the run's default routing. */
  defaultRouting(): ResolvedRouting {
    return this.resolve({});
  }

  /** The backend's note on a runtime's defaults (e.g. "the claude CLI's own default"), if any. */
  defaultsNote(runtime: string, provider?: string): string | undefined {
    return this.#sources.defaults?.(runtime, provider)?.note;
  }
}

/** A short label of a routing for progress lines: `bamboo/deepseek/deepseek-flash`, `claude/opus`. */
export function routingLabel(routing: Routing): string {
  const parts = [routing.runtime ?? "(no runtime)", routing.provider, routing.model];
  return parts.filter((p) => p !== undefined).join("/");
}
