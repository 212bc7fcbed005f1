// The report page: renders the run's header, graph (mermaid), timeline, logs and the details of what
// is clicked, from the JSON in #odw-data through OdwModel (src/report/model.ts, graph.ts). Every text
// from the run is set with textContent; model output rendered as markdown goes through marked, then
// DOMPurify. In the live view (data.live) events arrive from /events (SSE) and the page re-renders.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("odw-data").textContent);
  const { buildModel, graphSource } = globalThis.OdwModel;
  const mermaid = globalThis.mermaid;
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    maxTextSize: 5_000_000,
    maxEdges: 20_000,
    flowchart: { htmlLabels: true, useMaxWidth: false },
    theme: "neutral",
  });
  const purify = globalThis.DOMPurify;
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      node.setAttribute("rel", "noopener noreferrer");
      node.setAttribute("target", "_blank");
    }
  });

  const state = { model: null, expanded: [], selected: null, graphText: "", renders: 0, live: !!data.live };

  /** An element with attributes and children (strings become text nodes). */
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
    }
    return node;
  };
  const json = (value) => JSON.stringify(value, null, 2) ?? "undefined";
  const secs = (ms) => (typeof ms === "number" ? `${(ms / 1000).toFixed(2)}s` : "—");
  const money = (usd) => (usd === null || usd === undefined ? "$?" : `$${Number(usd).toFixed(4)}`);
  const tokens = (
    n,
  ) => (n < 1000 ? String(n) : n < 1e6 ? `${(n / 1000).toFixed(1)}k` : `${(n / 1e6).toFixed(1)}M`);

  /** Markdown → sanitised HTML, in a container. */
  const markdown = (text) => {
    const box = el("div", { class: "markdown" });
    const html = globalThis.marked.marked.parse(String(text), { async: false, gfm: true });
    box.innerHTML = purify.sanitize(html, {
      USE_PROFILES: { html: true },
      FORBID_TAGS: [
        "img",
        "picture",
        "source",
        "video",
        "audio",
        "iframe",
        "object",
        "embed",
        "link",
        "style",
        "form",
      ],
      FORBID_ATTR: ["style", "srcset", "ping"],
    });
    return box;
  };

  const runStatus = (model) => {
    const f = model.finished;
    if (!f) return state.live ? "running" : "unfinished";
    if (f.status === "failed" && /^CancelledError/.test(String(f.error ?? ""))) return "cancelled";
    return String(f.status);
  };

  function renderHeader(model) {
    const run = model.run;
    const f = model.finished ?? {};
    const status = runStatus(model);
    const counts = Object.entries(model.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    const routes = el(
      "table",
      { class: "routes" },
      el(
        "tr",
        {},
        el("th", {}, "runtime/model"),
        el("th", {}, "nodes"),
        el("th", {}, "tokens"),
        el("th", {}, "cost"),
      ),
      model.routes.map((r) =>
        el(
          "tr",
          {},
          el("td", {}, r.route),
          el("td", {}, r.nodes),
          el("td", {}, tokens(r.tokens)),
          el("td", {}, money(r.costUsd)),
        )
      ),
    );
    const header = el(
      "header",
      { id: "summary" },
      el(
        "h1",
        {},
        String(run.name || "(refused script)"),
        " ",
        el("span", { class: `badge st-${status}`, id: "run-status" }, status),
      ),
      el(
        "p",
        { class: "meta" },
        `run ${run.runId ?? "?"} · started ${run.ts ?? "?"} · ${
          secs(f.durationMs ?? model.spanMs)
        } · backend ${run.backend ?? "?"} · concurrency ${run.concurrency ?? "?"}`,
      ),
      el(
        "p",
        { id: "agents" },
        `${model.nodes.length} agents${counts.length ? `: ${counts.join(", ")}` : ""} · ${
          tokens(model.tokens)
        } tokens · ${money(model.costUsd)}`,
      ),
      model.routes.length ? routes : null,
      f.error ? el("pre", { class: "error", id: "run-error" }, String(f.error)) : null,
      el("details", {}, el("summary", {}, "args"), el("pre", { id: "args" }, json(run.args))),
      el(
        "details",
        { open: f.result !== undefined && json(f.result).length < 400 ? "" : false },
        el("summary", {}, "result"),
        el("pre", { id: "result" }, json(f.result)),
      ),
    );
    document.getElementById("summary").replaceWith(header);
  }

  function renderLogs(model) {
    const list = el(
      "ol",
      { id: "logs" },
      model.logs.map((l) => el("li", {}, el("span", { class: "t" }, secs(l.at)), " ", l.message)),
    );
    document.getElementById("logs").replaceWith(list);
  }

  async function renderGraph(model) {
    const { text, targets } = graphSource(model, state.expanded);
    if (text === state.graphText) return;
    state.graphText = text;
    const id = `odw-graph-${++state.renders}`;
    const holder = document.getElementById("graph");
    try {
      const { svg } = await mermaid.render(id, text);
      holder.innerHTML = svg;
    } catch (e) {
      holder.replaceChildren(el("pre", { class: "error" }, `graph could not be drawn: ${e?.message ?? e}`));
    }
    for (const g of holder.querySelectorAll("g.node, g.cluster")) {
      const target = targets[mermaidId(g, id)];
      if (!target) continue;
      g.classList.add("clickable");
      g.addEventListener("click", (event) => {
        event.stopPropagation();
        select(target);
      });
    }
    document.body.dataset.renders = String(state.renders);
    document.body.dataset.rendered ??= String(Math.round(performance.now()));
  }

  /** The id the graph text gave an SVG node (`<render>-flowchart-G3-7`) or cluster (`<render>-P0`). */
  const mermaidId = (g, renderId) => {
    const raw = g.id.startsWith(`${renderId}-`) ? g.id.slice(renderId.length + 1) : g.id;
    const m = /^flowchart-(.+)-\d+$/.exec(raw);
    return m ? m[1] : raw;
  };

  function renderTimeline(model) {
    const span = Math.max(1, model.finished?.durationMs ?? model.spanMs);
    const rows = model.nodes.slice().sort((a, b) =>
      (a.startedAt ?? a.queuedAt ?? 0) - (b.startedAt ?? b.queuedAt ?? 0)
    );
    const pct = (ms) => `${Math.min(100, Math.max(0, (ms / span) * 100)).toFixed(3)}%`;
    const box = el("div", { id: "timeline" });
    const axis = el(
      "div",
      { class: "tl-row tl-axis" },
      el("span", { class: "tl-label" }, `${rows.length} nodes`),
    );
    const ticks = el("span", { class: "tl-track" });
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      const tick = el("span", { class: "tl-tick" }, secs(span * f));
      tick.style.left = pct(span * f);
      ticks.append(tick);
    }
    axis.append(ticks);
    box.append(axis);
    for (const node of rows) {
      const start = node.startedAt ?? node.queuedAt ?? 0;
      const end = node.finishedAt ?? span;
      const track = el("span", { class: "tl-track" });
      if (node.queuedAt !== undefined && node.startedAt !== undefined && node.startedAt > node.queuedAt) {
        const wait = el("span", { class: "tl-wait" });
        wait.style.left = pct(node.queuedAt);
        wait.style.width = pct(node.startedAt - node.queuedAt);
        track.append(wait);
      }
      const bar = el("span", {
        class: `tl-bar st-${node.state}`,
        title: `#${node.seq} ${node.label}: ${node.state}`,
      });
      bar.style.left = pct(start);
      bar.style.width = `max(2px, ${pct(end - start)})`;
      track.append(bar);
      box.append(
        el(
          "div",
          {
            class: "tl-row",
            "data-node": node.index,
            onclick: () => select({ kind: "node", ref: node.index }),
          },
          el("span", { class: "tl-label" }, `#${node.seq} ${node.label}`),
          track,
        ),
      );
    }
    document.getElementById("timeline").replaceWith(box);
  }

  function select(target) {
    state.selected = target;
    renderPanel(state.model);
  }

  const field = (
    name,
    value,
  ) => (value === undefined || value === null || value === ""
    ? null
    : el("tr", {}, el("th", {}, name), el("td", {}, value)));
  const pre = (cls, text) => el("pre", { class: cls }, text);

  function nodePanel(model, node) {
    const s = node.started ?? {};
    const f = node.finished ?? {};
    const site = model.groups[node.group]?.site;
    const usage = f.usage;
    const worktree = f.worktree;
    const value = f.value;
    const mapping = {
      callSite: "by call-site id",
      prompt: "by prompt text (no call-site id in the journal)",
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
          site
            ? `${site.kind} at line ${site.line}, column ${site.column}${
              node.scope ? ` of ${node.scope}` : ""
            }`
            : undefined,
        ),
        field("mapped", mapping),
        field("phase", node.phase),
        field("key", node.key),
        field("ran on", [f.runtime, f.provider, f.model].filter(Boolean).join(" / ") || undefined),
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
        field(
          "worktree",
          worktree ? `${worktree.branch ?? ""} ${worktree.diffStat ?? ""}`.trim() : undefined,
        ),
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
        const i = state.expanded.indexOf(group.index);
        if (i >= 0) state.expanded.splice(i, 1);
        else state.expanded.push(group.index);
        renderGraph(model);
        renderPanel(model);
      },
    }, state.expanded.includes(group.index) ? "collapse in the graph" : "expand in the graph");
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
          { class: "clickable", "data-node": i, onclick: () => select({ kind: "node", ref: i }) },
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
          site
            ? `${site.kind} at line ${site.line}, column ${site.column}${
              group.scope ? ` of ${group.scope}` : ""
            }`
            : "not mapped to a call site",
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

  function sitePanel(model, site, scope) {
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
    const t = state.selected;
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
      content = sitePanel(model, model.sites[""][t.ref], "");
    } else if (t?.kind === "child" && model.childRuns[t.ref]) {
      const run = model.childRuns[t.ref];
      content = [el("h2", {}, run.marker), el("p", {}, `child workflow ${run.name} from ${run.scope}`)];
    }
    panel.replaceChildren(...content.filter(Boolean));
  }

  function renderAll() {
    const model = buildModel(data);
    state.model = model;
    renderHeader(model);
    renderTimeline(model);
    renderLogs(model);
    renderPanel(model);
    return renderGraph(model);
  }

  document.body.append(
    el(
      "div",
      { id: "layout" },
      el(
        "main",
        {},
        el("header", { id: "summary" }),
        el("h2", {}, "graph"),
        el("div", { id: "graph" }),
        el("h2", {}, "timeline"),
        el("div", { id: "timeline" }),
        el("h2", {}, "logs"),
        el("ol", { id: "logs" }),
      ),
      el("aside", { id: "panel" }),
    ),
  );
  let pending = null;
  const schedule = () => {
    pending ??= setTimeout(() => {
      pending = null;
      renderAll();
    }, 200);
  };
  renderAll();
  if (state.live) {
    const source = new EventSource("events");
    source.onmessage = (message) => {
      const event = JSON.parse(message.data);
      data.events.push(event);
      if (event.type === "run.finished") {
        source.close();
        state.live = false;
      }
      schedule();
    };
    source.onerror = () => {
      if (!state.live) return;
      source.close();
      state.live = false;
      document.body.dataset.disconnected = "true";
      schedule();
    };
  }
})();
