/**
 * The report's model: a run's journal events joined with the static call sites of its scripts. Each
 * runtime node maps to its call site by the line and column the sandbox read from the stack for its
 * `agent()` call (`site` on `node.queued`/`node.started`), which are exactly those of one static call
 * site; journals without them (older runs, or a script that froze `Error`) fall back to matching the
 * prompt against the call site's prompt text, and say so (`mappedBy`). A call site that ran N times is
 * one group; each run of a child workflow gets its own groups.
 *
 * The same code runs in the page (for the live view, which folds events as they arrive): every function
 * here is self-contained — it uses only its arguments, built-ins and the other functions listed in
 * {@link MODEL_FUNCTIONS} — because the page embeds their source text (see `html.ts`). Types are erased.
 *
 * @example
 * ```ts
 * const model = buildModel({ sites: { "": analysis.callSites }, events: await readJournal(path) });
 * model.groups.map((g) => [g.title, g.nodes.length]);
 * ```
 * @module
 */
import type { RunEvent } from "../engine/events.ts";
import type { CallSite } from "../script/types.ts";

/** What a report is made of: the events of one run and the call sites of each script it ran. */
export interface ReportInput {
  /** Call sites by scope: `""` is the top-level script, a child's path its own. */
  sites: Record<string, CallSite[]>;
  events: RunEvent[];
  /** Served by `odw watch`: the page follows `/events`. */
  live?: boolean;
}

/** Where a node stands. */
export type NodeState = "queued" | "running" | "completed" | "failed" | "timeout" | "cancelled";

/** One runtime node (one `agent()` call that passed its checks). */
export interface ReportNode {
  /** Position in `ReportModel.nodes`. */
  index: number;
  seq: number;
  key: string;
  label: string;
  scope: string;
  /** The child run's phase marker (`▸ name #2`), "" at the top level. */
  childRun: string;
  phase?: string;
  /** Where the script called `agent()`, as the runtime reported it. */
  site?: { line: number; column: number };
  /** How the node was tied to its call site. */
  mappedBy: "site" | "prompt" | "none";
  state: NodeState;
  group: number;
  /** Milliseconds since the run started. */
  queuedAt?: number;
  startedAt?: number;
  finishedAt?: number;
  started?: Record<string, unknown>;
  finished?: Record<string, unknown>;
}

/** A call site (or, when unmapped, a label) and the nodes that ran from it in one scope / child run. */
export interface ReportGroup {
  index: number;
  scope: string;
  childRun: string;
  site?: CallSite;
  title: string;
  nodes: number[];
  counts: Record<NodeState, number>;
}

/** A run of a child workflow. */
export interface ChildRun {
  name: string;
  scope: string;
  /** The id of the parent's `workflow()` call site (found by the position the runtime reported). */
  callSite?: number;
  /** The phase marker its nodes carry. */
  marker: string;
}

/** The joined model the page renders. */
export interface ReportModel {
  run: Record<string, unknown>;
  /** Call sites by scope, children's included. */
  sites: Record<string, CallSite[]>;
  finished?: Record<string, unknown>;
  startMs: number;
  /** Milliseconds from start to the last event seen. */
  spanMs: number;
  nodes: ReportNode[];
  groups: ReportGroup[];
  childRuns: ChildRun[];
  logs: { at: number; message: string }[];
  phases: { at: number; title: string }[];
  routes: { route: string; nodes: number; tokens: number; costUsd: number | null }[];
  counts: Record<NodeState, number>;
  tokens: number;
  costUsd: number | null;
}

/** Joins events and call sites into the model. */
export function buildModel(input: ReportInput): ReportModel {
  const sites: Record<string, CallSite[]> = { ...input.sites };
  const events = input.events;
  const first = events.find((e) => e.type === "run.started") as Record<string, unknown> | undefined;
  const startMs = Date.parse(String(first?.ts ?? events[0]?.ts ?? "")) || 0;
  const at = (ts: unknown) => Math.max(0, (Date.parse(String(ts)) || startMs) - startMs);
  const model: ReportModel = {
    run: first ?? {},
    sites,
    startMs,
    spanMs: 0,
    nodes: [],
    groups: [],
    childRuns: [],
    logs: [],
    phases: [],
    routes: [],
    counts: emptyCounts(),
    tokens: 0,
    costUsd: 0,
  };
  const bySeq = new Map<number, ReportNode>();
  const groupIds = new Map<string, number>();
  const childCount = new Map<string, number>();
  for (const raw of events) {
    const e = raw as unknown as Record<string, unknown>;
    model.spanMs = Math.max(model.spanMs, at(e.ts));
    if (e.type === "log") model.logs.push({ at: at(e.ts), message: String(e.message) });
    else if (e.type === "phase") model.phases.push({ at: at(e.ts), title: String(e.title) });
    else if (e.type === "run.finished") model.finished = e;
    else if (e.type === "workflow.started") {
      const name = String(e.name);
      const n = (childCount.get(name) ?? 0) + 1;
      childCount.set(name, n);
      sites[String(e.scope)] ??= (e.callSites as CallSite[] | undefined) ?? [];
      model.childRuns.push({
        name,
        scope: String(e.scope),
        callSite: siteAt(sites[""] ?? [], "workflow", e.site)?.id,
        marker: `\u25b8 ${name}${n > 1 ? ` #${n}` : ""}`,
      });
    } else if (e.type === "node.queued" || e.type === "node.started" || e.type === "node.finished") {
      const node = nodeFor(model, bySeq, e, at(e.ts));
      if (e.type === "node.started") {
        node.started = e;
        node.startedAt = at(e.ts);
        node.phase = (e.phase as string | undefined) ?? node.phase;
        if (node.state === "queued") node.state = "running";
        if (e.site) node.site = e.site as ReportNode["site"];
      } else if (e.type === "node.finished") {
        node.finished = e;
        node.finishedAt = at(e.ts);
        node.state = e.status as NodeState;
      }
    }
  }
  for (const node of model.nodes) placeNode(model, node, sites, groupIds);
  for (const group of model.groups) {
    for (const i of group.nodes) group.counts[model.nodes[i].state]++;
  }
  addTotals(model);
  return model;
}

/** The node for an event's `seq`, created on first sight. */
function nodeFor(
  model: ReportModel,
  bySeq: Map<number, ReportNode>,
  e: Record<string, unknown>,
  at: number,
): ReportNode {
  const seq = Number(e.seq);
  let node = bySeq.get(seq);
  if (!node) {
    node = {
      index: model.nodes.length,
      seq,
      key: String(e.key),
      label: String(e.label),
      scope: String(e.scope ?? ""),
      phase: e.phase as string | undefined,
      childRun: "",
      site: e.site as ReportNode["site"],
      mappedBy: "none",
      state: "queued",
      group: -1,
      queuedAt: at,
    };
    bySeq.set(seq, node);
    model.nodes.push(node);
  }
  return node;
}

/** Puts a node in its group: by call site (line and column), else by prompt text, else by label. */
function placeNode(
  model: ReportModel,
  node: ReportNode,
  sites: Record<string, CallSite[]>,
  groupIds: Map<string, number>,
): void {
  // A child's nodes all carry its run's marker as their phase (`▸ name #2`).
  if (node.scope !== "") node.childRun = node.phase ?? "";
  const scopeSites = sites[node.scope] ?? [];
  let site = siteAt(scopeSites, "agent", node.site);
  if (site) node.mappedBy = "site";
  else {
    site = siteByPrompt(scopeSites, String(node.started?.prompt ?? ""));
    if (site) node.mappedBy = "prompt";
  }
  const id = `${node.scope}\u0000${node.childRun}\u0000${site ? `#${site.id}` : `label:${node.label}`}`;
  let index = groupIds.get(id);
  if (index === undefined) {
    index = model.groups.length;
    groupIds.set(id, index);
    model.groups.push({
      index,
      scope: node.scope,
      childRun: node.childRun,
      site,
      title: groupTitle(site, node.label),
      nodes: [],
      counts: emptyCounts(),
    });
  }
  node.group = index;
  model.groups[index].nodes.push(node.index);
}

/**
 * A group's title: the call's literal label, else its label template as written (`` `scan ${f}` ``), else
 * the first node's label.
 */
export function groupTitle(site: CallSite | undefined, label: string): string {
  if (site?.options?.label !== undefined) return String(site.options.label);
  return site?.labelSource?.startsWith("`") ? site.labelSource : label;
}

/** The call site of `kind` at a runtime-reported position (`{ line, column }`), if one is there. */
function siteAt(sites: CallSite[], kind: string, at: unknown): CallSite | undefined {
  const { line, column } = (at ?? {}) as { line?: unknown; column?: unknown };
  return sites.find((s) => s.kind === kind && s.line === line && s.column === column);
}

/**
 * The agent call site whose prompt, as written, matches `prompt`: a string literal equal to it, or a
 * template literal whose fixed parts appear in order (for journals without call-site ids).
 */
function siteByPrompt(sites: CallSite[], prompt: string): CallSite | undefined {
  for (const site of sites) {
    if (site.kind !== "agent") continue;
    const text = site.promptSource.trim();
    const quote = text[0];
    if ((quote === '"' || quote === "'") && text.endsWith(quote)) {
      try {
        if (JSON.parse(quote === '"' ? text : `"${text.slice(1, -1).replace(/"/g, '\\"')}"`) === prompt) {
          return site;
        }
      } catch { /* not a plain literal */ }
    } else if (quote === "`" && text.endsWith("`")) {
      const parts = text.slice(1, -1).split(/\$\{[^}]*\}/);
      const pattern = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*");
      if (parts.join("").length > 0 && new RegExp(`^${pattern}$`).test(prompt)) return site;
    }
  }
  return undefined;
}

/** Outcome counts, tokens and cost, per runtime/model too. */
function addTotals(model: ReportModel): void {
  const routes = new Map<string, { route: string; nodes: number; tokens: number; costUsd: number | null }>();
  for (const node of model.nodes) {
    model.counts[node.state]++;
    const f = node.finished;
    if (!f) continue;
    const usage = (f.usage ?? {}) as Record<string, number>;
    const tokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
    const cost = typeof f.costUsd === "number" ? f.costUsd : null;
    const route = `${f.runtime ?? "unknown"}${f.model ? `/${f.model}` : ""}`;
    const entry = routes.get(route) ?? { route, nodes: 0, tokens: 0, costUsd: 0 };
    entry.nodes++;
    entry.tokens += tokens;
    entry.costUsd = entry.costUsd === null || cost === null ? null : entry.costUsd + cost;
    routes.set(route, entry);
    model.tokens += tokens;
    model.costUsd = model.costUsd === null || cost === null ? null : model.costUsd + cost;
  }
  model.routes = [...routes.values()];
}

/** All states at zero. */
function emptyCounts(): Record<NodeState, number> {
  return { queued: 0, running: 0, completed: 0, failed: 0, timeout: 0, cancelled: 0 };
}

/** The functions the page embeds, by the name the page calls them. */
export const MODEL_FUNCTIONS = {
  buildModel,
  nodeFor,
  placeNode,
  siteAt,
  groupTitle,
  siteByPrompt,
  addTotals,
  emptyCounts,
};
