/**
 * The guardrails on the real engine with the mock backend: retries of transient failures (Retry-After
 * honoured, non-retryable kinds not retried), the stall watch (a silent try is killed and retried, a
 * slow but steadily alive one is not), the quota circuit breaker (no dispatch into a dead account
 * after the first quota error but those already in flight; the run fails), per-provider concurrency
 * caps, node outcome counts and `strict`, and the cost ceiling (never overshot).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Backend, NodeRequest } from "../../src/backends/backend.ts";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

/** Wraps a backend to record every try: when it started and ended, and how many ran at once. */
class Recorder {
  tries: Array<
    { label: string; provider?: string; attempt: number; start: number; end?: number; kind?: string }
  > = [];
  inFlight = 0;
  maxInFlight = 0;
  maxByProvider = new Map<string, number>();
  #byProvider = new Map<string, number>();

  wrap = (inner: Backend): Backend => ({
    name: inner.name,
    priceOf: inner.priceOf?.bind(inner),
    run: async (request: NodeRequest, signal: AbortSignal, onActivity?: () => void) => {
      const entry: Recorder["tries"][number] = {
        label: request.label,
        provider: request.provider,
        attempt: request.attempt,
        start: performance.now(),
      };
      this.tries.push(entry);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const p = request.provider ?? "";
      this.#byProvider.set(p, (this.#byProvider.get(p) ?? 0) + 1);
      this.maxByProvider.set(p, Math.max(this.maxByProvider.get(p) ?? 0, this.#byProvider.get(p)!));
      try {
        const result = await inner.run(request, signal, onActivity);
        entry.kind = result.error?.kind;
        return result;
      } finally {
        entry.end = performance.now();
        this.inFlight--;
        this.#byProvider.set(p, this.#byProvider.get(p)! - 1);
      }
    },
  });
}

Deno.test("retries: a rate limit is retried after its Retry-After; a non-retryable failure is not", async () => {
  const rec = new Recorder();
  const { outcome, events } = await runScript(
    withMeta(`
    const a = await agent("a", { label: "flaky" });
    const b = await agent("b", { label: "broken" });
    return { a, b };`),
    {
      wrapBackend: rec.wrap,
      scenario: {
        rules: [
          {
            label: "flaky",
            sequence: [{ fail: "429 Too Many Requests", errorKind: "rate_limit", retryAfterMs: 120 }, {
              reply: "recovered",
            }],
          },
          { label: "broken", fail: "400 bad request", errorKind: "invalid_request" },
        ],
      },
    },
  );
  assert.deepEqual(outcome.result, { a: "recovered", b: null });
  const flaky = rec.tries.filter((t) => t.label === "flaky");
  assert.equal(flaky.length, 2);
  assert.ok(flaky[1].start - flaky[0].end! >= 110, `waited ${flaky[1].start - flaky[0].end!} ms`);
  assert.equal(rec.tries.filter((t) => t.label === "broken").length, 1);
  const finished = eventsOf(events, "node.finished");
  assert.equal(finished[0].attempts, 2);
  assert.equal(finished[1].error?.kind, "invalid_request");
  assert.deepEqual(outcome.nodeCounts, { completed: 1, failed: 1, timeout: 0, cancelled: 0 });
});

Deno.test("retries: at most `retries` extra tries (option beats the run default), then the node fails", async () => {
  const rec = new Recorder();
  const { outcome } = await runScript(
    withMeta(`
    const a = await agent("a", { label: "a" });
    const b = await agent("b", { label: "b", retries: 0 });
    return [a, b];`),
    {
      wrapBackend: rec.wrap,
      run: { policy: { retries: 3, retryBaseMs: 5 } },
      scenario: { default: { fail: "HTTP 503", errorKind: "server_error" } },
    },
  );
  assert.deepEqual(outcome.result, [null, null]);
  assert.equal(rec.tries.filter((t) => t.label === "a").length, 4);
  assert.equal(rec.tries.filter((t) => t.label === "b").length, 1);
});

Deno.test("stall: a silent try is killed at the stall timeout and retried; a steady slow one completes", async () => {
  const rec = new Recorder();
  const { outcome, events } = await runScript(
    withMeta(`
    const [silent, steady] = await parallel([
      () => agent("s", { label: "silent" }),
      () => agent("t", { label: "steady" }),
    ]);
    return { silent, steady };`),
    {
      wrapBackend: rec.wrap,
      run: { policy: { stallTimeoutMs: 300, retryBaseMs: 5 } },
      scenario: {
        rules: [
          { label: "silent", sequence: [{ hang: true }, { reply: "second try" }] },
          { label: "steady", delayMs: 1200, heartbeatMs: 50, reply: "slow but alive" },
        ],
      },
    },
  );
  assert.deepEqual(outcome.result, { silent: "second try", steady: "slow but alive" });
  const silent = rec.tries.filter((t) => t.label === "silent");
  assert.equal(silent.length, 2);
  assert.equal(silent[0].kind, "cancelled", "the backend saw its try aborted");
  const killedAfter = silent[0].end! - silent[0].start;
  // The upper bound tells "killed at the stall timeout" from "never killed", with room for a loaded machine.
  assert.ok(killedAfter >= 290 && killedAfter < 15_000, `killed after ${killedAfter} ms`);
  assert.equal(rec.tries.filter((t) => t.label === "steady").length, 1);
  const steady = eventsOf(events, "node.finished").find((e) => e.label === "steady")!;
  assert.equal(steady.attempts, 1);
  assert.ok(steady.durationMs >= 1100);
});

Deno.test("circuit breaker: after a quota error only nodes already in flight reach the account; the run fails", async () => {
  const rec = new Recorder();
  const { outcome, events } = await runScript(
    withMeta(`
    const items = Array.from({ length: 40 }, (_, i) => i);
    const got = await parallel(items.map((i) => () => agent("item " + i, { label: "n" + i, provider: "deadco" })));
    const other = await agent("elsewhere", { label: "other", provider: "fine" });
    return { got: got.filter((x) => x !== null).length, other };`),
    {
      concurrency: 4,
      wrapBackend: rec.wrap,
      scenario: {
        rules: [{
          prompt: "^item",
          sequence: [
            { reply: "ok", delayMs: 20 },
            { reply: "ok", delayMs: 20 },
            { reply: "ok", delayMs: 20 },
            { reply: "ok", delayMs: 20 },
            { reply: "ok", delayMs: 20 },
            { fail: "You exceeded your current quota (insufficient_quota)", errorKind: "quota", delayMs: 20 },
          ],
        }],
      },
    },
  );
  const dead = rec.tries.filter((t) => t.provider === "deadco");
  const firstQuota = dead.findIndex((t) => t.kind === "quota");
  assert.ok(firstQuota >= 0);
  const quotaEnd = dead[firstQuota].end!;
  // A try whose slot was handed over in the same instant (the same macrotask) may still start; after
  // that, nothing: at most concurrency - 1 tries start once the quota error is back.
  const startedAfter = dead.filter((t) => t.start > quotaEnd);
  assert.ok(startedAfter.length <= 3, `${startedAfter.length} tries started after the quota error`);
  const lastStart = Math.max(...dead.map((t) => t.start));
  const stoppedAt = Math.max(...dead.map((t) => t.end!));
  assert.ok(lastStart <= stoppedAt, "every try on the dead account ended (nothing left running into it)");
  assert.ok(dead.length <= 5 + 2 * 3 + 1, `${dead.length} tries reached the account`);
  console.log(
    `breaker: ${dead.length} tries reached the dead account, ${startedAfter.length} after the quota error`,
  );
  assert.equal(outcome.status, "failed");
  assert.match(outcome.error ?? "", /^stopped: default\/deadco quota: You exceeded your current quota/);
  const result = outcome.result as { got: number; other: string };
  assert.equal(result.other.startsWith("mock reply"), true, "another route still runs");
  const stoppedNodes = eventsOf(events, "node.finished").filter((e) =>
    /^stopped:/.test(e.error?.message ?? "")
  );
  assert.ok(stoppedNodes.length >= 40 - dead.length);
  assert.ok(stoppedNodes.every((e) => e.attempts === 0), "stopped nodes were never dispatched");
});

Deno.test("concurrency caps: a provider's cap holds under the global cap, other providers use the rest", async () => {
  const rec = new Recorder();
  const { outcome } = await runScript(
    withMeta(`
    const xs = Array.from({ length: 8 }, (_, i) => () => agent("x" + i, { provider: "slowco" }));
    const ys = Array.from({ length: 8 }, (_, i) => () => agent("y" + i, { provider: "fastco" }));
    return (await parallel([...xs, ...ys])).length;`),
    {
      concurrency: 6,
      wrapBackend: rec.wrap,
      run: { caps: { providers: { slowco: 2 } } },
      scenario: { default: { delayMs: 60 } },
    },
  );
  assert.equal(outcome.result, 16);
  assert.equal(rec.maxByProvider.get("slowco"), 2);
  assert.ok(rec.maxInFlight >= 5, `max in flight ${rec.maxInFlight}`);
  assert.ok(rec.maxInFlight <= 6);
});

Deno.test("strict: a failed node fails the run with the first failure; without it the counts say so", async () => {
  const source = withMeta(
    `return [await agent("a", { label: "good" }), await agent("b", { label: "bad" })];`,
  );
  const scenario = { rules: [{ label: "bad", fail: "it broke" }] };
  const lax = await runScript(source, { scenario });
  assert.equal(lax.outcome.status, "completed");
  assert.deepEqual(lax.outcome.nodeCounts, { completed: 1, failed: 1, timeout: 0, cancelled: 0 });
  const strict = await runScript(source, { scenario, run: { strict: true } });
  assert.equal(strict.outcome.status, "failed");
  assert.equal(strict.outcome.error, "strict: 1 node failed; first: [bad] it broke");
  assert.deepEqual(strict.outcome.result, [
    'mock reply to "a" (' + /\(([0-9a-f]+)\)/.exec(
      String((lax.outcome.result as string[])[0]),
    )![1] + ")",
    null,
  ]);
});

Deno.test("cost ceiling: concurrent nodes never overshoot --max-cost, and agent() then throws", async () => {
  const { outcome, events } = await runScript(
    withMeta(`
    const results = await parallel(Array.from({ length: 12 }, (_, i) => () => agent("write a long essay " + i)));
    let after;
    try { await agent("one more"); } catch (e) { after = e.name; }
    return { ok: results.filter((r) => r !== null).length, after };`),
    {
      concurrency: 4,
      run: { maxCostUsd: 0.001 },
      scenario: {
        price: { inputPerMTok: 1, outputPerMTok: 10 },
        default: { reply: "x".repeat(400), delayMs: 10 },
      },
    },
  );
  const costs = eventsOf(events, "node.finished").map((e) => e.costUsd ?? 0);
  const total = costs.reduce((a, b) => a + b, 0);
  assert.ok(total <= 0.001 + 1e-12, `spent $${total}`);
  assert.ok(total > 0.0005, `spent only $${total}: the ceiling should be mostly used`);
  assert.equal(outcome.costUsd !== null && Math.abs(outcome.costUsd - total) < 1e-12, true);
  assert.equal((outcome.result as { after: string }).after, "WorkflowCostCeilingError");
});

Deno.test("cost ceiling: a route without a known price cannot start under --max-cost", async () => {
  const { outcome } = await runScript(withMeta(`return await agent("a");`), { run: { maxCostUsd: 1 } });
  assert.equal(outcome.status, "failed");
  assert.match(outcome.error ?? "", /^WorkflowCostCeilingError: no price is known for default/);
});
