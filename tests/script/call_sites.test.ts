/**
 * Tests of the static call-site graph: kinds, positions, prompt and options source text, options as
 * literal values when pure, and phase attribution.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript, type CallSite } from "../../src/script/analyze.ts";

function sitesOf(source: string): CallSite[] {
  const analysis = analyzeScript(source);
  assert.ok(analysis.ok, JSON.stringify(analysis));
  return analysis.callSites;
}

const SCRIPT =
  `export const meta = { name: "graph", description: "d", phases: [{ title: "Scan" }, { title: "Fix" }] };
log("starting");
phase("Scan");
const found = await parallel(args.files.map((file) => () =>
  agent(\`scan \${file}\`, { label: \`scan \${file}\`, effort: "low" })));
const summary = await agent("summarize", {
  label: "summary",
  schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
});
phase(\`Fix\`);
await pipeline(found, (x) => agent(x, { label: "fix", phase: "Repair" }));
const child = await workflow("lint", { strict: true });
phase(args.next);
await agent("after a computed phase");
return { summary, child };`;

Deno.test("every primitive call is listed in source order with 1-based positions", () => {
  const sites = sitesOf(SCRIPT);
  assert.deepEqual(
    sites.map((site) => [site.kind, site.line, site.column]),
    [
      ["log", 2, 1],
      ["phase", 3, 1],
      ["parallel", 4, 21],
      ["agent", 5, 3],
      ["agent", 6, 23],
      ["phase", 10, 1],
      ["pipeline", 11, 7],
      ["agent", 11, 30],
      ["workflow", 12, 21],
      ["phase", 13, 1],
      ["agent", 14, 7],
    ],
  );
});

Deno.test("prompts and options are kept as written; pure-literal options also as values", () => {
  const sites = sitesOf(SCRIPT);
  const [log, , parallel, scan, summary, , pipeline, fix, child] = sites;
  assert.deepEqual([log.promptSource, log.options, log.optionsSource], ['"starting"', null, null]);
  assert.equal(
    parallel.promptSource,
    'args.files.map((file) => () =>\n  agent(`scan ${file}`, { label: `scan ${file}`, effort: "low" }))',
  );
  assert.equal(parallel.options, null);
  assert.equal(scan.promptSource, "`scan ${file}`");
  assert.equal(scan.options, null, "a template label with an expression is not a literal");
  assert.equal(scan.optionsSource, '{ label: `scan ${file}`, effort: "low" }');
  assert.equal(summary.promptSource, '"summarize"');
  assert.deepEqual(summary.options, {
    label: "summary",
    schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
  });
  assert.equal(
    summary.optionsSource,
    '{\n  label: "summary",\n  schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },\n}',
  );
  assert.equal(pipeline.promptSource, "found");
  assert.equal(pipeline.options, null);
  assert.deepEqual(fix.options, { label: "fix", phase: "Repair" });
  assert.equal(child.promptSource, '"lint"');
  assert.deepEqual(child.options, { strict: true }, "a child workflow's literal args");
});

Deno.test("phase attribution follows literal phase() calls and literal phase options", () => {
  const sites = sitesOf(SCRIPT);
  assert.deepEqual(
    sites.map((site) => [site.kind, site.phase]),
    [
      ["log", undefined],
      ["phase", "Scan"],
      ["parallel", "Scan"],
      ["agent", "Scan"],
      ["agent", "Scan"],
      ["phase", "Fix"],
      ["pipeline", "Fix"],
      ["agent", "Repair"],
      ["workflow", "Fix"],
      ["phase", undefined],
      ["agent", undefined],
    ],
  );
  assert.equal("phase" in sites[0], false, "an unknown phase is left out, not set to undefined");
});

Deno.test("plain template options read as strings, member calls and other callees are not listed", () => {
  const sites = sitesOf(`export const meta = { name: "t", description: "d" };
const helpers = { agent: () => 1 };
helpers.agent("not a primitive");
console.log("not a primitive either");
await agent(\`plain\`, { label: \`plain label\`, phase: \`Plain\`, model: "m", effort: "high" });
await agent("no options");
return 1;`);
  assert.equal(sites.length, 2);
  assert.deepEqual(sites[0].options, { label: "plain label", phase: "Plain", model: "m", effort: "high" });
  assert.equal(sites[0].phase, "Plain");
  assert.equal(sites[0].promptSource, "`plain`");
  assert.deepEqual(
    [sites[1].promptSource, sites[1].options, sites[1].optionsSource, sites[1].line],
    ['"no options"', null, null, 6],
  );
});

Deno.test("each site has its index as id, and the fan-out or call whose arguments contain it as parent", () => {
  const sites = sitesOf(SCRIPT);
  assert.deepEqual(sites.map((site) => site.id), sites.map((_, i) => i));
  const nesting = sites.map((site) => [site.kind, site.parent ?? null, site.argument ?? null]);
  assert.deepEqual(nesting, [
    ["log", null, null],
    ["phase", null, null],
    ["parallel", null, null],
    ["agent", 2, 0],
    ["agent", null, null],
    ["phase", null, null],
    ["pipeline", null, null],
    ["agent", 6, 1],
    ["workflow", null, null],
    ["phase", null, null],
    ["agent", null, null],
  ]);
});
