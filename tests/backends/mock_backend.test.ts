/**
 * The mock backend without a scenario: deterministic derived text, schema objects that validate,
 * usage derived from lengths, and prompt cancellation (already aborted, aborted during a delay or a
 * hang, abort reason `timeout`) with no timer left behind (Deno's sanitizers are on).
 *
 * @module
 */
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import type { NodeRequest } from "../../src/backends/backend.ts";
import { derivedReply, MockBackend, requestHash } from "../../src/backends/mock.ts";
import { DEADLINES, withDeadline } from "../_support/deadline.ts";

/** A request with sensible defaults. */
export function request(fields: Partial<NodeRequest> = {}): NodeRequest {
  return { key: "node#1", prompt: "Say hello", label: "greet", cwd: "/tmp", attempt: 1, ...fields };
}

const live = () => new AbortController().signal;

/**
 * Counts timers that are still pending (the ops sanitizer is opt-in since Deno 2.8; scripts/test turns
 * it on, but this test must hold under a bare `deno test` too): wraps the global setTimeout/clearTimeout
 * until `restore()`.
 */
function trackTimers(): { pending: () => number; restore: () => void } {
  const active = new Set<unknown>();
  const originalSet = globalThis.setTimeout;
  const originalClear = globalThis.clearTimeout;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    const id = originalSet(() => {
      active.delete(id);
      fn();
    }, ms);
    active.add(id);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id?: number) => {
    active.delete(id);
    originalClear(id);
  }) as typeof clearTimeout;
  return {
    pending: () => active.size,
    restore: () => {
      globalThis.setTimeout = originalSet;
      globalThis.clearTimeout = originalClear;
    },
  };
}

Deno.test("same request twice gives the same result; other prompts and labels differ", async () => {
  const backend = new MockBackend();
  const prompt = "Summarise the repository layout in three bullet points, one line each please.";
  const a = await backend.run(request({ prompt }), live());
  const b = await backend.run(request({ prompt }), live());
  assert.equal(a.status, "completed");
  assert.equal(a.text, b.text);
  assert.deepEqual(a.usage, b.usage);
  assert.equal(
    a.text,
    `mock reply to "Summarise the repository layout in three bullet points, one…" (${
      requestHash("greet", prompt)
    })`,
  );
  const other = await backend.run(request({ prompt: prompt + "!" }), live());
  assert.notEqual(other.text, a.text);
  const otherLabel = await backend.run(request({ prompt, label: "other" }), live());
  assert.notEqual(otherLabel.text, a.text);
  // A fresh instance answers the same: nothing depends on time or randomness.
  assert.equal((await new MockBackend().run(request({ prompt }), live())).text, a.text);
});

Deno.test("short prompts are quoted whole, whitespace flattened", () => {
  assert.match(derivedReply("l", "fix\n  the   bug"), /^mock reply to "fix the bug" \([0-9a-f]{8}\)$/);
});

Deno.test("usage is derived from lengths; cost 0; model and provider echoed", async () => {
  const prompt = "x".repeat(41);
  const result = await new MockBackend().run(
    request({ prompt, model: "m-1", provider: "kimi" }),
    live(),
  );
  assert.deepEqual(result.usage, {
    inputTokens: 11,
    outputTokens: Math.ceil(result.text!.length / 4),
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
  assert.equal(result.costUsd, 0);
  assert.equal(result.model, "m-1");
  assert.equal(result.provider, "kimi");
  assert.equal(result.runtime, "mock");
  // No delay is scripted: the answer comes without waiting (a generous bound for a loaded machine).
  assert.ok(result.durationMs >= 0 && result.durationMs < 2000, `durationMs ${result.durationMs}`);
});

Deno.test("a schema request gets a generated object that validates, as JSON text too", async () => {
  const schema = {
    type: "object",
    properties: {
      verdict: { enum: ["approve", "reject"] },
      score: { type: "integer", minimum: 1, maximum: 5 },
      notes: { type: "array", items: { type: "string" }, minItems: 2 },
    },
    required: ["verdict", "score", "notes"],
  };
  const backend = new MockBackend();
  const result = await backend.run(request({ prompt: "Review it", schema }), live());
  assert.equal(result.status, "completed");
  assert.ok(new Ajv().validate(schema, result.output));
  assert.equal(result.text, JSON.stringify(result.output));
  assert.equal(result.usage.outputTokens, Math.ceil(result.text!.length / 4));
  const again = await backend.run(request({ prompt: "Review it", schema }), live());
  assert.deepEqual(again.output, result.output);
  const other = await backend.run(request({ prompt: "Review that", schema }), live());
  assert.notDeepEqual(other.output, result.output);
});

Deno.test("an already aborted signal gives cancelled at once", async () => {
  const controller = new AbortController();
  controller.abort();
  const result = await new MockBackend().run(request(), controller.signal);
  assert.equal(result.status, "cancelled");
  assert.deepEqual(result.error, { kind: "cancelled", message: "cancelled", retryable: false });
  assert.equal(result.text, undefined);
  assert.equal(result.usage.outputTokens, 0);
});

Deno.test("abort during a long delay resolves cancelled promptly and clears the timer", async () => {
  const backend = new MockBackend({ rules: [{ label: "slow", delayMs: 60_000 }] });
  const controller = new AbortController();
  const started = performance.now();
  const timers = trackTimers();
  let result;
  try {
    const pending = backend.run(request({ label: "slow" }), controller.signal);
    setTimeout(() => controller.abort(), 30);
    result = await withDeadline(pending, DEADLINES.executor, "the mock run to end on the abort");
    assert.equal(timers.pending(), 0, "a timer is still pending after the result");
  } finally {
    timers.restore();
  }
  const elapsed = performance.now() - started;
  assert.equal(result.status, "cancelled");
  // The delay is 60 s: the abort (30 ms in) must end it long before. The mock's clock starts when
  // run() is called, before the test arms the abort: durationMs is at least 30.
  assert.ok(elapsed < 10_000, `took ${elapsed}ms`);
  assert.ok(result.durationMs >= 30 && result.durationMs < 10_000, `durationMs ${result.durationMs}`);
});

Deno.test("hang until aborted with reason 'timeout' gives status timeout with the node's limit", async () => {
  const backend = new MockBackend({ rules: [{ prompt: "forever", hang: true }] });
  const controller = new AbortController();
  const pending = backend.run(request({ prompt: "wait forever", timeoutMs: 40 }), controller.signal);
  setTimeout(() => controller.abort("timeout"), 40);
  const result = await withDeadline(pending, DEADLINES.executor, "the mock run to end on the abort");
  assert.equal(result.status, "timeout");
  assert.deepEqual(result.error, { kind: "timeout", message: "timed out after 40 ms", retryable: false });
  assert.ok(result.durationMs >= 40 && result.durationMs < 10_000, `durationMs ${result.durationMs}`);
});

Deno.test("hang under AbortSignal.any([run, AbortSignal.timeout]) (the engine's wiring) gives timeout", async () => {
  const backend = new MockBackend({ default: { hang: true } });
  const run = new AbortController();
  const started = performance.now();
  const signal = AbortSignal.any([run.signal, AbortSignal.timeout(30)]);
  const result = await withDeadline(
    backend.run(request({ timeoutMs: 30 }), signal),
    DEADLINES.executor,
    "the mock run to end on its timeout signal",
  );
  const elapsed = performance.now() - started;
  assert.equal(result.status, "timeout");
  assert.equal(result.error?.message, "timed out after 30 ms");
  assert.ok(elapsed >= 30 && elapsed < 10_000, `elapsed ${elapsed}`);
});

Deno.test("hang cancelled by the run (plain abort) gives cancelled", async () => {
  const backend = new MockBackend({ default: { hang: true } });
  const run = new AbortController();
  const nodeTimeout = new AbortController(); // never fires here
  const signal = AbortSignal.any([run.signal, nodeTimeout.signal]);
  const pending = backend.run(request({ timeoutMs: 60_000 }), signal);
  setTimeout(() => run.abort(), 20);
  const result = await withDeadline(pending, DEADLINES.executor, "the mock run to end on the abort");
  assert.equal(result.status, "cancelled");
  assert.ok(result.durationMs >= 20 && result.durationMs < 10_000, `durationMs ${result.durationMs}`);
});
