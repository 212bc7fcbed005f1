/**
 * Nested `workflow()`: lookup by name (.odw/workflows, then .claude/workflows) or { scriptPath },
 * its own args, the shared agent counter, the two log lines, and the one-level limit.
 *
 * @module
 */
import assert from "node:assert/strict";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

const child = (name: string, body: string) =>
  `export const meta = { name: ${JSON.stringify(name)}, description: "child" };\n${body}`;

Deno.test("workflow(name) runs .odw/workflows/NAME.js with its own args and returns its value", async () => {
  const { outcome, events } = await runScript(
    withMeta(`
    const r = await workflow("greet", { who: "Ada" });
    const parentArgs = args;
    return { r, parentArgs };`),
    {
      args: { parent: true },
      files: {
        ".odw/workflows/greet.js": child(
          "greet",
          `const t = await agent("hello " + args.who, { label: "g" }); return { t, who: args.who };`,
        ),
        ".claude/workflows/greet.js": child("greet-claude", `return "wrong one";`),
      },
      scenario: { rules: [{ label: "g", reply: "hi Ada" }] },
    },
  );
  assert.equal(outcome.status, "completed");
  assert.deepEqual(outcome.result, { r: { t: "hi Ada", who: "Ada" }, parentArgs: { parent: true } });
  assert.deepEqual(outcome.logs, ["▸ running dynamic workflow greet", "▸ greet done"]);
  assert.equal(outcome.agentCount, 1);
  const started = eventsOf(events, "node.started")[0];
  assert.match(started.scope, /\.odw\/workflows\/greet\.js$/);
  // A child's agents belong to the child's own phase, named after it.
  assert.equal(started.phase, "▸ greet");
});

Deno.test("workflow(name) falls back to .claude/workflows; { scriptPath } works; counters are shared", async () => {
  const { outcome } = await runScript(
    withMeta(`
    await agent("parent agent");
    const a = await workflow("only-claude");
    const b = await workflow({ scriptPath: "lib/sub.js" }, 3);
    return { a, b };`),
    {
      files: {
        ".claude/workflows/only-claude.js": child(
          "only-claude",
          `await agent("c1"); return "from claude dir";`,
        ),
        "lib/sub.js": child("sub", `await agent("s1"); await agent("s2"); return args * 2;`),
      },
    },
  );
  assert.deepEqual(outcome.result, { a: "from claude dir", b: 6 });
  assert.equal(outcome.agentCount, 4);
});

Deno.test("an unknown workflow name throws; workflow() inside a child throws", async () => {
  const { outcome } = await runScript(
    withMeta(`
    const out = {};
    try { await workflow("nope"); out.unknown = "no throw"; } catch (e) { out.unknown = e.message; }
    try { out.nested = await workflow("nester"); } catch (e) { out.nested = "threw: " + e.message; }
    return out;`),
    {
      files: { ".odw/workflows/nester.js": child("nester", `return await workflow("nester");`) },
    },
  );
  const r = outcome.result as Record<string, string>;
  assert.equal(r.unknown, "workflow('nope'): no workflow with that name. Available: nester");
  assert.equal(
    r.nested,
    "threw: workflow() cannot be called from within a child workflow \u2014 nesting is limited to one level. " +
      "Inline the inner script or call its agents directly.",
  );
  assert.deepEqual(outcome.logs, [
    "▸ running dynamic workflow nester",
    "▸ nester failed: Error: workflow() cannot be called from within a child workflow \u2014 nesting is " +
    "limited to one level. Inline the inner script or call its agents directly.",
  ]);
});

Deno.test("a file without a readable meta is no named workflow; by scriptPath its refusal is reported", async () => {
  const { outcome } = await runScript(
    withMeta(`
    const out = [];
    for (const ref of ["bad", { scriptPath: ".odw/workflows/bad.js" }, "good"]) {
      try { out.push(await workflow(ref)); } catch (e) { out.push(e.message); }
    }
    return out;`),
    {
      files: {
        ".odw/workflows/bad.js": `const x = 1;\nexport const meta = { name: "bad", description: "d" };`,
        ".odw/workflows/good.js": child("good", `return "fine";`),
      },
    },
  );
  assert.deepEqual(outcome.result, [
    "workflow('bad'): no workflow with that name. Available: good",
    "workflow({scriptPath: '.odw/workflows/bad.js'}): `export const meta = { name, description, phases }` must be " +
    "the FIRST statement in the script",
    "fine",
  ]);
});

Deno.test("a child's log lines carry its name, its phase() is ignored, and repeated runs get numbered phases", async () => {
  const { outcome, events } = await runScript(
    withMeta(`
    phase("Parent");
    await workflow("step", 1);
    await workflow("step", 2);
    try { await workflow(42); } catch (e) { log(String(e)); }
    await agent("parent again", { label: "p" });
    return null;`),
    {
      files: {
        ".odw/workflows/step.js": child(
          "step",
          `phase("Inner"); log("n=" + args); log({}); await agent("in " + args); return args;`,
        ),
      },
    },
  );
  assert.deepEqual(outcome.logs, [
    "▸ running dynamic workflow step",
    "[step] n=1",
    "[step] [object]",
    "▸ step done",
    "▸ running dynamic workflow step",
    "[step] n=2",
    "[step] [object]",
    "▸ step done",
    "TypeError: workflow() expects a workflow name (string) or {scriptPath: string}",
  ]);
  assert.deepEqual(eventsOf(events, "node.started").map((e) => e.phase), ["▸ step", "▸ step #2", "Parent"]);
  assert.deepEqual(eventsOf(events, "phase").map((e) => e.title), ["Parent"]);
});

Deno.test("a child is not refused statically for Date.now(); the call throws inside the sandbox instead", async () => {
  const { outcome } = await runScript(
    withMeta(`
    try { return await workflow("clock"); } catch (e) { return String(e); }`),
    {
      files: { ".odw/workflows/clock.js": child("clock", `return Date.now();`) },
    },
  );
  const clock = "Error: Date.now() / new Date() are unavailable in workflow scripts (breaks resume). Stamp " +
    "results after the workflow returns, or pass timestamps via args.";
  assert.equal(outcome.result, clock);
  assert.deepEqual(outcome.logs, [
    "▸ running dynamic workflow clock",
    `▸ clock failed: ${clock}`,
  ]);
});
