/**
 * The report's model and graph text, without a browser: each node maps to its call site by the position
 * the runtime reported (children's too), journals without it map by prompt text and say so, a call site that
 * ran N times is one group, and no label can break the mermaid syntax.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript } from "../../src/script/analyze.ts";
import { buildModel } from "../../src/report/model.ts";
import { graphSource, mermaidLabel } from "../../src/report/graph.ts";
import type { RunEvent } from "../../src/engine/events.ts";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

const SCRIPT = withMeta(`phase("One");
const xs = await parallel([1, 2, 3].map((i) => () => agent(\`item \${i}\`)));
const same = await agent("item 1");
const child = await workflow("kid", { n: 1 });
await workflow("kid");
return { xs, same, child };`);

const CHILD = withMeta(
  `const a = await agent("child says " + args?.n, { label: "kid-agent" });
return a;`,
  "kid",
);

Deno.test("nodes map to their call sites by position; children per run; a site that ran 3 times is one group", async () => {
  const { events } = await runScript(SCRIPT, { files: { ".odw/workflows/kid.js": CHILD } });
  const analysis = analyzeScript(SCRIPT);
  assert.ok(analysis.ok);
  const agentSites = analysis.callSites.filter((s) => s.kind === "agent");
  const started = eventsOf(events, "node.started");
  const at = (s: { line: number; column: number }) => `${s.line}:${s.column}`;
  assert.deepEqual(
    started.filter((e) => e.scope === "").map((e) => e.site && at(e.site)).sort(),
    [agentSites[0], agentSites[0], agentSites[0], agentSites[1]].map(at).sort(),
  );
  assert.equal(eventsOf(events, "node.queued").length, started.length);
  const model = buildModel({ sites: { "": analysis.callSites }, events });
  assert.ok(
    model.nodes.every((n) => n.mappedBy === "site"),
    JSON.stringify(model.nodes.map((n) => n.mappedBy)),
  );
  const top = model.groups.filter((g) => g.scope === "");
  // "item 1" twice: once from the fan-out, once from its own call — two groups, told apart by call site.
  assert.deepEqual(top.map((g) => [g.site?.id, g.nodes.length]), [[agentSites[0].id, 3], [
    agentSites[1].id,
    1,
  ]]);
  assert.deepEqual(model.childRuns.map((r) => r.marker), ["\u25b8 kid", "\u25b8 kid #2"]);
  const workflowSites = analysis.callSites.filter((s) => s.kind === "workflow").map((s) => s.id);
  assert.deepEqual(model.childRuns.map((r) => r.callSite), workflowSites);
  const childGroups = model.groups.filter((g) => g.scope !== "");
  assert.deepEqual(childGroups.map((g) => [g.childRun, g.site?.kind, g.nodes.length]), [
    ["\u25b8 kid", "agent", 1],
    ["\u25b8 kid #2", "agent", 1],
  ]);
  assert.deepEqual(model.counts.completed, 6);
  const graph = graphSource(model, []);
  assert.equal((graph.text.match(/^G\d+\[/gm) ?? []).length, 4, graph.text);
  assert.match(graph.text, /^subgraph C0\[/m);
  assert.match(graph.text, /^W\d+ --> C1$/m);
});

Deno.test("a journal without call-site positions (an older run) maps by prompt text and says so", async () => {
  const { events } = await runScript(SCRIPT, { files: { ".odw/workflows/kid.js": CHILD } });
  const analysis = analyzeScript(SCRIPT);
  assert.ok(analysis.ok);
  const old = events
    .filter((e) => e.type !== "node.queued" && e.type !== "workflow.started")
    .map((e) => {
      const { site: _, ...rest } = e as RunEvent & { site?: unknown };
      return rest as RunEvent;
    });
  const model = buildModel({ sites: { "": analysis.callSites }, events: old });
  const top = model.nodes.filter((n) => n.scope === "");
  assert.ok(top.every((n) => n.mappedBy === "prompt"), JSON.stringify(top.map((n) => n.mappedBy)));
  // By prompt, "item 1" cannot be told from the template's first item: the first matching site wins.
  assert.equal(model.groups.filter((g) => g.scope === "" && g.site).length, 1);
  assert.ok(model.nodes.filter((n) => n.scope !== "").every((n) => n.mappedBy === "none"));
});

Deno.test("labels are entity-coded: no text can end a label, start a directive or add a statement", () => {
  const hostile =
    'a"]; click G0 call alert(1)\n%%{init: {"securityLevel":"loose"}}%%<img src=x onerror=alert(1)>`#;';
  const label = mermaidLabel(hostile, 500);
  assert.match(label, /^[A-Za-z0-9 #;]*$/);
  assert.ok(!label.includes('"') && !label.includes("%") && !label.includes("\n"));
  assert.equal(mermaidLabel("x".repeat(100)).length, 47 + "#8230;".length, "clipped with an ellipsis");
  const events = [
    {
      type: "run.started",
      ts: "2026-01-01T00:00:00.000Z",
      runId: "r",
      name: "n",
      scriptPath: "s",
      backend: "mock",
      concurrency: 1,
      budget: null,
    },
    {
      type: "node.started",
      ts: "2026-01-01T00:00:01.000Z",
      key: "k#1",
      seq: 1,
      label: hostile,
      scope: "",
      prompt: "p",
      options: {},
    },
  ] as RunEvent[];
  const { text } = graphSource(buildModel({ sites: { "": [] }, events }), [0]);
  for (const line of text.split("\n")) {
    const quoted = line.match(/\["[^"]*"\]/g) ?? [];
    assert.ok(line.replace(/\["[^"]*"\]/g, "").match(/^[\w ->:;,#.-]*$/), `line outside labels: ${line}`);
    assert.ok(quoted.every((q) => !q.slice(2, -2).includes('"')), line);
  }
});
