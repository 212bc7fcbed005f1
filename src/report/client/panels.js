// The report page's details panel: what a clicked node, group (call site), fan-out or child run shows.
// Every text is set as text; only model output goes through the kit's markdown (marked + DOMPurify).
// Defines globalThis.OdwPanels(page) → { renderPanel(model) }, page being { state, select, renderGraph }.
globalThis.OdwPanels = (page) => {
  "use strict";
  const { el, json, secs, money, tokens, markdown, field, pre, callSiteText } = globalThis.OdwKit;

  // A worktree node's record: `odw/<run>/<node> · 2 files +3 -1 · commit 1a2b3c4d5e6f (base 0f9e8d7c6b5a)`.
  function worktreeText(worktree) {
    const d = worktree.diffStat ?? {};
    const files = `${d.filesChanged ?? 0} file${d.filesChanged === 1 ? "" : "s"}`;
    const commit = worktree.commit ? `commit ${String(worktree.commit).slice(0, 12)}` : "no changes";
    const base = worktree.base ? ` (base ${String(worktree.base).slice(0, 12)})` : "";
    return `${worktree.branch ?? "?"} · ${files} +${d.insertions ?? 0} -${
      d.deletions ?? 0
    } · ${commit}${base}`;
  }

  function nodePanel(model, node) {
    const s = node.started ?? {};
    const f = node.finished ?? {};
    const site = model.groups[node.group]?.site;
    const usage = f.usage;
    const worktree = f.worktree;
    const value = f.value;
    const mapping = {
      site: "by call site (line and column)",
      prompt: "by prompt text (no call-site position in the journal)",
      none: "not mapped to a call site",
    }[node.mappedBy];
    return [
      el(
        "h2",
        {},
        `#${node.seq} ${node.label} `,
        el("span", { class: `badge st-${node.state}` }, node.state),
      ),
      el(
        "table",
        { class: "fields" },
        field(
          "call site",
          callSiteText(site, node.scope, undefined),
        ),
        field("mapped", mapping),
        field("phase", node.phase),
        field("key", node.key),
        field("ran on", [f.runtime, f.provider, f.model].filter(Boolean).join(" / ") || undefined),
        field("worker", f.worker),
        field("reused from", f.reusedFrom),
        field("tries", f.attempts),
        field("duration", f.durationMs !== undefined ? secs(f.durationMs) : undefined),
        field(
          "usage",
          usage
            ? `${usage.inputTokens} in · ${usage.outputTokens} out · ${
              usage.cachedInputTokens ?? 0
            } cached · ${usage.reasoningTokens ?? 0} reasoning`
            : undefined,
        ),
        field("cost", f.finished !== undefined || node.finished ? money(f.costUsd) : undefined),
        field(
          "timeline",
          `queued ${secs(node.queuedAt)} · started ${secs(node.startedAt)} · finished ${
            secs(node.finishedAt)
          }`,
        ),
        field("worktree", worktree ? worktreeText(worktree) : undefined),
        field("files changed", Array.isArray(f.filesChanged) ? f.filesChanged.join(", ") : undefined),
      ),
      f.error
        ? el(
          "section",
          {},
          el("h3", {}, "error"),
          pre("error", `${f.error.kind ?? "error"}: ${f.error.message ?? ""}`),
        )
        : null,
      site?.optionsSource
        ? el("section", {}, el("h3", {}, "options as written"), pre("code", site.optionsSource))
        : null,
      s.options ? el("section", {}, el("h3", {}, "options at run time"), pre("code", json(s.options))) : null,
      s.routing ? el("section", {}, el("h3", {}, "resolved routing"), pre("code", json(s.routing))) : null,
      el("section", {}, el("h3", {}, "prompt"), pre("prompt", String(s.prompt ?? "(not started)"))),
      s.options?.schema
        ? el("section", {}, el("h3", {}, "schema"), pre("code", json(s.options.schema)))
        : null,
      node.finished
        ? el(
          "section",
          {},
          el("h3", {}, "output"),
          typeof value === "string" ? markdown(value) : pre("code output", json(value)),
        )
        : null,
    ];
  }

  function groupPanel(model, group) {
    const site = group.site;
    const toggle = el("button", {
      id: "expand",
      onclick: () => {
        const i = page.state.expanded.indexOf(group.index);
        if (i >= 0) page.state.expanded.splice(i, 1);
        else page.state.expanded.push(group.index);
        page.renderGraph(model);
        renderPanel(model);
      },
    }, page.state.expanded.includes(group.index) ? "collapse in the graph" : "expand in the graph");
    const counts = Object.entries(group.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(
      ", ",
    );
    const runs = el(
      "table",
      { class: "runs" },
      el(
        "tr",
        {},
        ["#", "label", "state", "ran on", "tokens", "duration", "cost"].map((h) => el("th", {}, h)),
      ),
      group.nodes.map((i) => {
        const n = model.nodes[i];
        const f = n.finished ?? {};
        const u = f.usage;
        return el(
          "tr",
          { class: "clickable", "data-node": i, onclick: () => page.select({ kind: "node", ref: i }) },
          el("td", {}, n.seq),
          el("td", {}, n.label),
          el("td", {}, el("span", { class: `badge st-${n.state}` }, n.state)),
          el("td", {}, [f.runtime, f.model].filter(Boolean).join("/")),
          el("td", {}, u ? tokens(u.inputTokens + u.outputTokens) : ""),
          el("td", {}, f.durationMs !== undefined ? secs(f.durationMs) : ""),
          el("td", {}, n.finished ? money(f.costUsd) : ""),
        );
      }),
    );
    return [
      el("h2", {}, group.title),
      el(
        "table",
        { class: "fields" },
        field(
          "call site",
          callSiteText(site, group.scope, "not mapped to a call site"),
        ),
        field("child run", group.childRun),
        field(
          "ran",
          `${group.nodes.length} time${group.nodes.length === 1 ? "" : "s"}${counts ? `: ${counts}` : ""}`,
        ),
      ),
      toggle,
      site ? el("section", {}, el("h3", {}, "prompt as written"), pre("code", site.promptSource)) : null,
      site?.optionsSource
        ? el("section", {}, el("h3", {}, "options as written"), pre("code", site.optionsSource))
        : null,
      el("section", {}, el("h3", {}, "runs"), runs),
    ];
  }

  function sitePanel(site, scope) {
    return [
      el("h2", {}, `${site.kind} at line ${site.line}`),
      el(
        "section",
        {},
        el("h3", {}, site.kind === "workflow" ? "workflow as written" : "argument as written"),
        pre("code", site.promptSource),
      ),
      site.optionsSource
        ? el("section", {}, el("h3", {}, "options as written"), pre("code", site.optionsSource))
        : null,
      el("p", {}, scope ? `in ${scope}` : "in the top-level script"),
    ];
  }

  function renderPanel(model) {
    const panel = document.getElementById("panel");
    const t = page.state.selected;
    let content = [
      el(
        "p",
        { class: "hint" },
        "Click a node in the graph, a row of the timeline or a run to see its details.",
      ),
    ];
    if (t?.kind === "node" && model.nodes[t.ref]) content = nodePanel(model, model.nodes[t.ref]);
    else if (t?.kind === "group" && model.groups[t.ref]) content = groupPanel(model, model.groups[t.ref]);
    else if (t?.kind === "site" && model.sites[""]?.[t.ref]) {
      content = sitePanel(model.sites[""][t.ref], "");
    } else if (t?.kind === "child" && model.childRuns[t.ref]) {
      const run = model.childRuns[t.ref];
      content = [el("h2", {}, run.marker), el("p", {}, `child workflow ${run.name} from ${run.scope}`)];
    }
    panel.replaceChildren(...content.filter(Boolean));
  }

  return { renderPanel };
};
