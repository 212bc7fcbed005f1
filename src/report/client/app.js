// The report page: renders the run's header, graph (mermaid), timeline, logs and the details of what
// is clicked (panels.js), from the JSON in #odw-data through OdwModel (src/report/model.ts, graph.ts).
// Every text from the run is set as text (kit.js). In the live view (data.live) events arrive from
// /events (server-sent events) and the page re-renders.
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

  const state = { model: null, expanded: [], selected: null, graphText: "", renders: 0, live: !!data.live };
  const { el, json, secs, money, tokens } = globalThis.OdwKit;
  const { renderPanel } = globalThis.OdwPanels({ state, select, renderGraph });

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
