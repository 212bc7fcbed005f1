/**
 * `parallel()` and `pipeline()` semantics from WORKFLOW-SPEC.md.
 *
 * @module
 */
import assert from "node:assert/strict";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

Deno.test("parallel returns results in input order, null for a failed thunk, and passes plain values", async () => {
  const { outcome } = await runScript(
    withMeta(`
    return await parallel([
      () => agent("first", { label: "slow" }),
      () => 5,
      async () => { throw new Error("boom"); },
      () => agent("second", { label: "fast" }),
      () => { throw new TypeError("sync boom"); },
    ]);`),
    {
      scenario: { rules: [{ label: "slow", reply: "S", delayMs: 150 }, { label: "fast", reply: "F" }] },
    },
  );
  assert.deepEqual(outcome.result, ["S", 5, null, "F", null]);
  // As the built-in: failure lines come once every slot settled, in index order.
  assert.deepEqual(outcome.logs, ["parallel[2] failed: boom", "parallel[4] failed: sync boom"]);
});

Deno.test("parallel is a barrier: it resolves only after every thunk settled", async () => {
  const { outcome } = await runScript(
    withMeta(`
    const order = [];
    const r = await parallel([
      () => agent("a", { label: "slow" }).then(() => order.push("slow")),
      () => agent("b", { label: "fast" }).then(() => order.push("fast")),
    ]);
    order.push("after");
    return order;`),
    { scenario: { rules: [{ label: "slow", delayMs: 200 }] } },
  );
  assert.deepEqual(outcome.result, ["fast", "slow", "after"]);
});

Deno.test("parallel given promises throws the exact TypeError; [] gives []; over 4096 throws", async () => {
  const { outcome } = await runScript(withMeta(`
    const out = {};
    try { await parallel([agent("a"), agent("b")]); out.promises = "no throw"; } catch (e) { out.promises = String(e); }
    out.empty = await parallel([]);
    try { await parallel(Array.from({ length: 4097 }, () => () => 1)); out.big = "no throw"; } catch (e) { out.big = String(e); }
    try { await parallel([() => 1, 5]); out.value = "no throw"; } catch (e) { out.value = String(e); }
    try { await parallel("x"); out.notArray = "no throw"; } catch (e) { out.notArray = String(e); }
    out.max = (await parallel(Array.from({ length: 4096 }, (_, i) => () => i))).length;
    return out;`));
  const r = outcome.result as Record<string, unknown>;
  assert.equal(
    r.promises,
    "TypeError: parallel() expects an array of functions, not promises. Wrap each call: () => agent(...)",
  );
  assert.deepEqual(r.empty, []);
  assert.equal(
    r.big,
    "Error: array length 4097 exceeds the maximum of 4096 supported across the workflow VM boundary",
  );
  assert.equal(
    r.value,
    "TypeError: parallel() expects an array of functions, not promises. Wrap each call: () => agent(...)",
  );
  assert.equal(r.notArray, "TypeError: parallel() expects an array of functions");
  assert.equal(r.max, 4096);
});

Deno.test("pipeline stages get (previous, item, index) and the first stage gets the item", async () => {
  const { outcome } = await runScript(withMeta(`
    return await pipeline(["a", "b"],
      (prev, item, i) => [prev, item, i],
      (prev, item, i) => ({ prev, item, i }));`));
  assert.deepEqual(outcome.result, [
    { prev: ["a", "a", 0], item: "a", i: 0 },
    { prev: ["b", "b", 1], item: "b", i: 1 },
  ]);
});

Deno.test("pipeline has no barrier between stages: a fast item reaches stage 3 while a slow one is in stage 1", async () => {
  const { outcome } = await runScript(
    withMeta(`
    const trace = [];
    await pipeline([0, 1],
      async (_p, item) => { await agent("stage1 item" + item, { label: "s1-" + item }); trace.push("s1:" + item); return item; },
      async (p) => { trace.push("s2:" + p); return p; },
      async (p) => { await agent("stage3 item" + p, { label: "s3-" + p }); trace.push("s3:" + p); return p; });
    return trace;`),
    { scenario: { rules: [{ label: "s1-0", delayMs: 300 }] } },
  );
  const trace = outcome.result as string[];
  assert.ok(trace.indexOf("s3:1") < trace.indexOf("s1:0"), trace.join(","));
});

Deno.test("a throwing stage nulls its item, skips its later stages and logs pipeline[i] failed:", async () => {
  const { outcome } = await runScript(withMeta(`
    const seen = [];
    const r = await pipeline([1, 2, 3],
      (x) => { if (x === 2) throw new Error("bad item " + x); return x * 10; },
      (x) => { seen.push(x); return x + 1; });
    return { r, seen };`));
  assert.deepEqual(outcome.result, { r: [11, null, 31], seen: [10, 30] });
  assert.deepEqual(outcome.logs, ["pipeline[1] failed: bad item 2"]);
});

Deno.test("pipeline([]) is [] and pipeline(items) with no stages is the items", async () => {
  const { outcome } = await runScript(
    withMeta(`return [await pipeline([], (x) => x), await pipeline([1, "a", null])];`),
  );
  assert.deepEqual(outcome.result, [[], [1, "a", null]]);
});

Deno.test("one global concurrency cap across parallel and pipeline; extra agents queue", async () => {
  const { outcome, events } = await runScript(
    withMeta(`
    await Promise.all([
      parallel(Array.from({ length: 6 }, (_, i) => () => agent("p" + i))),
      pipeline([1, 2, 3, 4], (x) => agent("q" + x)),
    ]);
    return "ok";`),
    { concurrency: 3, scenario: { default: { delayMs: 40 } } },
  );
  assert.equal(outcome.result, "ok");
  let running = 0;
  let peak = 0;
  for (const e of events) {
    if (e.type === "node.started") peak = Math.max(peak, ++running);
    if (e.type === "node.finished") running--;
  }
  assert.equal(peak, 3);
  assert.equal(eventsOf(events, "node.finished").length, 10);
});

Deno.test("pipeline argument errors carry the built-in's messages; [] wins over bad stages", async () => {
  const { outcome } = await runScript(withMeta(`
    const out = {};
    try { await pipeline("x", (v) => v); } catch (e) { out.notArray = String(e); }
    try { await pipeline([1], (v) => v, 3); } catch (e) { out.badStage = String(e); }
    out.empty = await pipeline([], 3);
    try { await pipeline(Array.from({ length: 4097 }, (_, i) => i)); } catch (e) { out.big = String(e); }
    return out;`));
  assert.deepEqual(outcome.result, {
    notArray: "TypeError: pipeline() expects an array as the first argument",
    badStage: "TypeError: pipeline() stages must be functions: pipeline(items, item => ..., result => ...)",
    empty: [],
    big: "Error: array length 4097 exceeds the maximum of 4096 supported across the workflow VM boundary",
  });
});

Deno.test("a pipeline item whose value becomes null skips its remaining stages, with no failure line", async () => {
  const { outcome } = await runScript(withMeta(`
    const seen = [];
    const r = await pipeline([1, null, 3],
      (x) => (x === 3 ? null : x),
      (x, item) => { seen.push(item); return x * 2; });
    return { r, seen };`));
  assert.deepEqual(outcome.result, { r: [2, null, null], seen: [1] });
  assert.deepEqual(outcome.logs, []);
});
