/**
 * Run outcomes: the result passed through JSON, the failed run's first error line with its logs
 * kept, the whole-run timeout, and the journal's shape.
 *
 * @module
 */
import assert from "node:assert/strict";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

Deno.test("the result passes through JSON: NaN/Infinity become null, undefined properties are dropped", async () => {
  const { outcome } = await runScript(
    withMeta(`return { a: NaN, b: Infinity, c: undefined, d: [undefined, 1], e: "x" };`),
  );
  assert.deepEqual(outcome.result, { a: null, b: null, d: [null, 1], e: "x" });
});

Deno.test("returning nothing completes with an undefined result", async () => {
  const { outcome } = await runScript(withMeta(`log("did things");`));
  assert.equal(outcome.status, "completed");
  assert.equal(outcome.result, undefined);
});

Deno.test("a script that throws fails with the error's first line and keeps its logs", async () => {
  const { outcome, events } = await runScript(withMeta(`
    log("before");
    await agent("work");
    throw new Error("deliberate: first\\nsecond line");`));
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error, "Error: deliberate: first");
  assert.deepEqual(outcome.logs, ["before"]);
  const last = events.at(-1)!;
  assert.equal(last.type, "run.finished");
  assert.equal(outcome.agentCount, 1);
});

Deno.test("custom error classes keep their name in the first line", async () => {
  const { outcome } = await runScript(
    withMeta(`class Oops extends Error { name = "Oops"; } throw new Oops("bad");`),
  );
  assert.equal(outcome.error, "Oops: bad");
});

Deno.test("the whole-run timeout stops a hung workflow and cancels its running agents", async () => {
  const { outcome, events } = await runScript(withMeta(`await agent("forever", { label: "h" }); return 1;`), {
    timeoutMs: 300,
    scenario: { rules: [{ label: "h", hang: true }] },
  });
  // The run's own clock starts before its timeout is armed; without the timeout the agent would hang
  // until the test's deadline.
  assert.ok(
    outcome.durationMs >= 300 && outcome.durationMs < 300 + 20_000,
    `durationMs ${outcome.durationMs}`,
  );
  assert.equal(outcome.status, "failed");
  assert.match(outcome.error!, /^TimeoutError: the workflow did not finish within the run timeout/);
  assert.equal(eventsOf(events, "node.finished")[0].status, "cancelled");
});

Deno.test("the journal starts with run.started, ends with run.finished and pairs node events", async () => {
  const { events } = await runScript(
    withMeta(`phase("P"); log("L"); await parallel([() => agent("a"), () => agent("b")]); return 1;`),
  );
  assert.equal(events[0].type, "run.started");
  assert.equal(events.at(-1)!.type, "run.finished");
  const started = eventsOf(events, "node.started").map((e) => e.key).sort();
  const finished = eventsOf(events, "node.finished");
  assert.deepEqual(finished.map((e) => e.key).sort(), started);
  for (const f of finished) {
    assert.equal(typeof f.value, "string");
    assert.ok(f.usage.inputTokens > 0 && f.usage.outputTokens > 0);
    assert.ok(f.durationMs >= 0);
  }
  assert.ok(started.every((k) => /^[0-9a-f]{32}#1$/.test(k)));
});

Deno.test("a workflow awaiting a promise that nothing can settle fails at once instead of hanging", async () => {
  const { outcome } = await runScript(withMeta(`
    await agent("first");
    log("waiting forever");
    await new Promise(() => {});
    return "unreachable";`));
  // No run timeout is set: without the stuck detection this would wait for the test's deadline.
  assert.ok(outcome.durationMs < 20_000, `durationMs ${outcome.durationMs}`);
  assert.equal(outcome.status, "failed");
  assert.match(outcome.error!, /^Error: the workflow is stuck: it awaits a promise that nothing can settle/);
  assert.deepEqual(outcome.logs, ["waiting forever"]);
});

Deno.test("pending timers and agents keep a workflow alive (no false stuck detection)", async () => {
  const { outcome } = await runScript(
    withMeta(`
    const waited = await new Promise((resolve) => setTimeout(() => resolve("timer"), 150));
    const slow = await agent("slow", { label: "slow" });
    const cleared = await new Promise((resolve) => {
      const id = setTimeout(() => resolve("never"), 10_000);
      clearTimeout(id);
      setTimeout(() => resolve("second"), 20);
    });
    return [waited, slow, cleared];`),
    { scenario: { rules: [{ label: "slow", reply: "S", delayMs: 200 }] } },
  );
  assert.equal(outcome.status, "completed", outcome.error);
  assert.deepEqual(outcome.result, ["timer", "S", "second"]);
});
