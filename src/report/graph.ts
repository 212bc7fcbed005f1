/**
 * The report's graph as mermaid flowchart text: the static structure of the script (call sites in
 * source order, `parallel`/`pipeline` fan-outs and phases as subgraphs, each child workflow run as a
 * subgraph under its `workflow()` call) with what ran: one node per call site showing how many times it
 * ran and how those runs ended. An expanded group shows its runs as nodes (the first 30 by default;
 * the panel lists them all).
 *
 * Every label goes through {@link mermaidLabel}: all but letters, digits and spaces become mermaid
 * entity codes (`#60;`), so no text can end a label, start a directive or add a statement.
 *
 * Self-contained like `model.ts`: the page embeds these functions' source (see {@link GRAPH_FUNCTIONS}).
 *
 * @module
 */
import type { CallSite } from "../script/types.ts";
import { groupTitle, type ReportGroup, type ReportModel } from "./model.ts";

/** What a mermaid node or subgraph id stands for. */
export interface GraphTarget {
  kind: "group" | "node" | "child" | "site";
  /** Group index, node index, child-run index or call-site id. */
  ref: number;
}

/** The mermaid text and what each of its ids stands for. */
export interface GraphSource {
  text: string;
  targets: Record<string, GraphTarget>;
}

/** Label text as mermaid reads it literally: `<b>"x"` becomes `#60;b#62;#34;x#34;`. */
export function mermaidLabel(text: string, max = 48): string {
  const chars = Array.from(text.replace(/\s+/g, " ").trim());
  const clipped = chars.length > max ? [...chars.slice(0, max - 1), "\u2026"] : chars;
  return clipped.map((c) => /^[A-Za-z0-9 ]$/.test(c) ? c : `#${c.codePointAt(0)};`).join("");
}

/** The graph of `model`; `expanded` holds the indexes of groups shown with their runs. */
export function graphSource(model: ReportModel, expanded: number[], limit = 30): GraphSource {
  const out: string[] = ["flowchart TD"];
  const targets: Record<string, GraphTarget> = {};
  const ctx = { model, expanded, limit, out, targets, sites: model.sites };
  chain(out, containerItems(ctx, "", "", undefined));
  out.push(
    "classDef ok fill:#e8f5e9,stroke:#2e7d32,color:#1b1b1b",
    "classDef bad fill:#ffebee,stroke:#c62828,color:#1b1b1b",
    "classDef run fill:#fff8e1,stroke:#f9a825,color:#1b1b1b",
    "classDef off fill:#eceff1,stroke:#90a4ae,color:#455a64,stroke-dasharray:4 3",
    "classDef inst fill:#ffffff,stroke:#607d8b,color:#1b1b1b",
  );
  return { text: out.join("\n"), targets };
}

interface GraphCtx {
  model: ReportModel;
  expanded: number[];
  /** Runs shown as nodes in an expanded group (the panel lists them all). */
  limit: number;
  out: string[];
  targets: Record<string, GraphTarget>;
  sites: Record<string, CallSite[]>;
}

/** The nearest ancestor of `site` that the graph draws as a container. */
function drawnParent(sites: CallSite[], site: CallSite): number | undefined {
  let parent = site.parent;
  while (parent !== undefined && !["parallel", "pipeline"].includes(sites[parent]?.kind)) {
    parent = sites[parent]?.parent;
  }
  return parent;
}

/** An item of a container: its static phase, and how to emit it (returns its mermaid id). */
interface Item {
  phase?: string;
  emit(): string;
}

/** Emits the items of one container (a scope's top, or a fan-out); returns their ids in order. */
function containerItems(
  ctx: GraphCtx,
  scope: string,
  childRun: string,
  parent: number | undefined,
): string[] {
  const items: Item[] = [];
  const sites = ctx.sites[scope] ?? [];
  for (const site of sites) {
    if (!["agent", "workflow", "parallel", "pipeline"].includes(site.kind)) continue;
    if (drawnParent(sites, site) !== parent) continue;
    const phase = scope === "" ? site.phase : undefined;
    if (site.kind === "agent") {
      const groups = ctx.model.groups.filter((g) =>
        g.scope === scope && g.childRun === childRun && g.site?.id === site.id
      );
      if (groups.length === 0) items.push({ phase, emit: () => idleSite(ctx, scope, site) });
      for (const g of groups) items.push({ phase, emit: () => groupItem(ctx, g) });
    } else if (site.kind === "workflow") items.push({ phase, emit: () => workflowItem(ctx, site) });
    else items.push({ phase, emit: () => fanOut(ctx, scope, childRun, site) });
  }
  if (parent === undefined) {
    for (const group of ctx.model.groups) {
      if (group.scope === scope && group.childRun === childRun && !group.site) {
        items.push({ emit: () => groupItem(ctx, group) });
      }
    }
    if (scope === "") {
      ctx.model.childRuns.forEach((run, k) => {
        if (run.callSite === undefined || sites[run.callSite]?.kind !== "workflow") {
          items.push({ emit: () => childItem(ctx, k) });
        }
      });
    }
  }
  return parent === undefined && scope === "" ? phaseBlocks(ctx, items) : items.map((item) => item.emit());
}

/** An agent call site that never ran. */
function idleSite(ctx: GraphCtx, scope: string, site: CallSite): string {
  const id = `S${scopeTag(ctx, scope)}_${site.id}`;
  const label = groupTitle(site, site.promptSource);
  ctx.out.push(`${id}["${mermaidLabel(label)}<br/>${mermaidLabel(`line ${site.line} not run`)}"]:::off`);
  ctx.targets[id] = { kind: "site", ref: site.id };
  return id;
}

/** One group: a node, or a subgraph of its runs when expanded. */
function groupItem(ctx: GraphCtx, group: ReportGroup): string {
  const id = `G${group.index}`;
  const c = group.counts;
  const tally = [
    `\u00d7${group.nodes.length}`,
    c.completed && `\u2713${c.completed}`,
    c.failed + c.timeout && `\u2717${c.failed + c.timeout}`,
    c.cancelled && `\u2298${c.cancelled}`,
    c.running + c.queued && `\u25b6${c.running + c.queued}`,
  ].filter(Boolean).join(" ");
  const where = group.site ? `line ${group.site.line}` : "unmapped";
  const css = c.failed + c.timeout > 0
    ? "bad"
    : c.running + c.queued > 0
    ? "run"
    : c.completed > 0
    ? "ok"
    : "off";
  ctx.targets[id] = { kind: "group", ref: group.index };
  if (!ctx.expanded.includes(group.index)) {
    ctx.out.push(
      `${id}["${mermaidLabel(group.title)}<br/>${mermaidLabel(`${where} ${tally}`, 60)}"]:::${css}`,
    );
    return id;
  }
  ctx.out.push(`subgraph ${id}["${mermaidLabel(`${group.title} ${tally}`, 60)}"]`, "direction LR");
  for (const i of group.nodes.slice(0, ctx.limit)) {
    const node = ctx.model.nodes[i];
    const state = node.state === "completed" ? "\u2713" : node.state === "running" ? "\u25b6" : node.state;
    ctx.out.push(
      `N${i}["${mermaidLabel(`#${node.seq} ${node.label}`, 32)}<br/>${mermaidLabel(state)}"]:::inst`,
    );
    ctx.targets[`N${i}`] = { kind: "node", ref: i };
  }
  if (group.nodes.length > ctx.limit) {
    ctx.out.push(
      `${id}_more["${mermaidLabel(`${group.nodes.length - ctx.limit} more in the panel`)}"]:::off`,
    );
    ctx.targets[`${id}_more`] = { kind: "group", ref: group.index };
  }
  ctx.out.push("end");
  return id;
}

/** A parallel/pipeline call: a subgraph of the sites inside it (a pipeline's stages chained). */
function fanOut(ctx: GraphCtx, scope: string, childRun: string, site: CallSite): string {
  const id = `F${scopeTag(ctx, scope)}_${site.id}_${childRunTag(ctx, childRun)}`;
  ctx.out.push(`subgraph ${id}["${mermaidLabel(`${site.kind} fan-out, line ${site.line}`)}"]`);
  ctx.out.push(site.kind === "parallel" ? "direction LR" : "direction TB");
  const items = containerItems(ctx, scope, childRun, site.id);
  if (site.kind === "pipeline") chain(ctx.out, items);
  if (items.length === 0) {
    ctx.out.push(`${id}_empty["${mermaidLabel("no agent call inside")}"]:::off`);
  }
  ctx.out.push("end");
  ctx.targets[id] = { kind: "site", ref: site.id };
  return id;
}

/** A `workflow()` call: a node, followed by a subgraph per child run it started. */
function workflowItem(ctx: GraphCtx, site: CallSite): string {
  const id = `W${site.id}`;
  const runs = ctx.model.childRuns.map((run, k) => ({ run, k })).filter(({ run }) =>
    run.callSite === site.id
  );
  ctx.out.push(
    `${id}["${mermaidLabel(`workflow ${site.promptSource}`)}<br/>${
      mermaidLabel(`line ${site.line} \u00d7${runs.length}`)
    }"]:::${runs.length ? "ok" : "off"}`,
  );
  ctx.targets[id] = { kind: "site", ref: site.id };
  for (const { k } of runs) ctx.out.push(`${id} --> ${childItem(ctx, k)}`);
  return id;
}

/** One child workflow run: a subgraph with the child's own structure. */
function childItem(ctx: GraphCtx, k: number): string {
  const run = ctx.model.childRuns[k];
  const id = `C${k}`;
  ctx.out.push(`subgraph ${id}["${mermaidLabel(run.marker)}"]`, "direction TB");
  const items = containerItems(ctx, run.scope, run.marker, undefined);
  chain(ctx.out, items);
  if (items.length === 0) ctx.out.push(`${id}_empty["${mermaidLabel("no agents")}"]:::off`);
  ctx.out.push("end");
  ctx.targets[id] = { kind: "child", ref: k };
  return id;
}

/** Emits top-level items, wrapping runs of items that share a static phase in a subgraph. */
function phaseBlocks(ctx: GraphCtx, items: Item[]): string[] {
  const blocks: string[] = [];
  let i = 0;
  while (i < items.length) {
    const phase = items[i].phase;
    let j = i + 1;
    while (j < items.length && items[j].phase === phase) j++;
    if (phase === undefined) blocks.push(...items.slice(i, j).map((item) => item.emit()));
    else {
      const id = `P${i}`;
      ctx.out.push(`subgraph ${id}["${mermaidLabel(`phase ${phase}`)}"]`, "direction TB");
      chain(ctx.out, items.slice(i, j).map((item) => item.emit()));
      ctx.out.push("end");
      blocks.push(id);
    }
    i = j;
  }
  return blocks;
}

/** Edges between consecutive items (source order). */
function chain(out: string[], ids: string[]): void {
  for (let i = 1; i < ids.length; i++) out.push(`${ids[i - 1]} --> ${ids[i]}`);
}

/** A short id for a scope (0 for the top level). */
function scopeTag(ctx: GraphCtx, scope: string): number {
  return Object.keys(ctx.sites).indexOf(scope) + 1;
}

/** A short id for a child run (0 for none). */
function childRunTag(ctx: GraphCtx, childRun: string): number {
  return ctx.model.childRuns.findIndex((run) => run.marker === childRun) + 1;
}

/** The functions the page embeds. */
export const GRAPH_FUNCTIONS = {
  mermaidLabel,
  graphSource,
  drawnParent,
  containerItems,
  idleSite,
  groupItem,
  fanOut,
  workflowItem,
  childItem,
  phaseBlocks,
  chain,
  scopeTag,
  childRunTag,
};
