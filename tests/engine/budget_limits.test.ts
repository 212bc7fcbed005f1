/**
 * `budget` and the run's hard limits: the shared output-token pool (no overshoot by concurrent
 * agents), the ceiling that makes `agent()` throw, and the 1000-agent lifetime cap.
 *
 * @module
 */
import assert from "node:assert/strict";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

Deno.test("without a budget: total null, remaining Infinity, spent counts output tokens", async () => {
  const { outcome, events } = await runScript(
    withMeta(`
    const before = budget.spent();
    await agent("one", { label: "one" });
    return { total: budget.total, inf: budget.remaining() === Infinity, before, after: budget.spent() };`),
    {
      scenario: { rules: [{ label: "one", reply: "x", usage: { outputTokens: 42 } }] },
    },
  );
  assert.deepEqual(outcome.result, { total: null, inf: true, before: 0, after: 42 });
  assert.equal(eventsOf(events, "node.finished")[0].usage.outputTokens, 42);
});

Deno.test("with a budget: remaining is total - spent, and agent() throws once the ceiling is reached", async () => {
  const { outcome } = await runScript(
    withMeta(`
    const seen = [];
    for (let i = 0; i < 5; i++) {
      try { await agent("step " + i); seen.push(budget.remaining()); }
      catch (e) { seen.push(e.name + ": " + e.message); break; }
    }
    return { total: budget.total, seen };`),
    { budget: 100, scenario: { default: { usage: { outputTokens: 40 } } } },
  );
  const r = outcome.result as { total: number; seen: Array<number | string> };
  assert.equal(r.total, 100);
  // Allowances cap each node: 40, 40, then the 20 left; then the ceiling is reached.
  assert.deepEqual(r.seen.slice(0, 3), [60, 20, 0]);
  assert.equal(
    r.seen[3],
    "WorkflowBudgetExceededError: Workflow token budget exceeded (100 / 100 output tokens). Stopping further " +
      "agent() calls. In-flight agents will complete; their results are preserved.",
  );
});

Deno.test("concurrent agents do not overshoot the budget", async () => {
  const { outcome, events } = await runScript(
    withMeta(`
    const r = await parallel(Array.from({ length: 20 }, (_, i) => () => agent("task " + i)));
    return { spent: budget.spent(), done: r.filter((x) => x !== null).length };`),
    {
      budget: 100,
      concurrency: 8,
      scenario: { default: { usage: { outputTokens: 30 }, delayMs: 20 } },
    },
  );
  const r = outcome.result as { spent: number; done: number };
  const total = eventsOf(events, "node.finished").reduce((n, e) => n + e.usage.outputTokens, 0);
  assert.ok(r.spent <= 100, `spent ${r.spent}`);
  assert.equal(total, r.spent);
  // Slots stopped by the budget become null silently, as in the built-in (no parallel[i] failed line).
  assert.ok(r.done < 20, `done ${r.done}`);
  assert.deepEqual(outcome.logs.filter((l) => l.startsWith("parallel[")), []);
});

Deno.test("a run may start at most 1000 agents; the 1001st agent() throws", async () => {
  const { outcome } = await runScript(
    withMeta(`
    const r = await parallel(Array.from({ length: 1000 }, (_, i) => () => agent("n" + i)));
    let extra;
    try { await agent("one too many"); extra = "no throw"; } catch (e) { extra = e.message; }
    return { ok: r.filter((x) => typeof x === "string").length, extra };`),
    { concurrency: 16 },
  );
  const r = outcome.result as { ok: number; extra: string };
  assert.equal(r.ok, 1000);
  assert.equal(
    r.extra,
    "Workflow agent() call cap reached (1000). This usually means a loop using budget.remaining() never " +
      "terminates because no token budget was set \u2014 remaining() returns Infinity when budget.total is null. " +
      "Add a hard iteration cap to the loop, or pass a token budget.",
  );
  assert.equal(outcome.agentCount, 1000);
});

Deno.test("once the budget is spent, a non-empty parallel()/pipeline() throws before starting a slot", async () => {
  const { outcome } = await runScript(
    withMeta(`
    await agent("spend it all", { label: "big" });
    const out = { empty: await parallel([]) };
    let ran = false;
    try { await parallel([() => { ran = true; return 1; }]); } catch (e) { out.parallel = e.name; }
    try { await pipeline([1], (x) => { ran = true; return x; }); } catch (e) { out.pipeline = e.name; }
    out.ran = ran;
    return out;`),
    { budget: 50, scenario: { rules: [{ label: "big", usage: { outputTokens: 50 } }] } },
  );
  assert.deepEqual(outcome.result, {
    empty: [],
    parallel: "WorkflowBudgetExceededError",
    pipeline: "WorkflowBudgetExceededError",
    ran: false,
  });
});
