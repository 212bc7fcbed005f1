/**
 * Scenario features of the mock backend: label and prompt-regex matching, rule order, occurrence
 * (retries keep their node's number), attempt, sequences (last entry repeats), default entry,
 * failures, forced timeout, replies on schema nodes, usage and cost overrides, measured delays, and
 * per-instance counters.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import type { NodeRequest, TryResult } from "../../src/backends/backend.ts";
import { MockBackend } from "../../src/backends/mock.ts";
import type { Scenario } from "../../src/backends/mock_scenario.ts";

function request(fields: Partial<NodeRequest> = {}): NodeRequest {
  return { key: "node#1", prompt: "Say hello", label: "greet", cwd: "/tmp", attempt: 1, ...fields };
}

function run(backend: MockBackend, fields: Partial<NodeRequest> = {}): Promise<TryResult> {
  return backend.run(request(fields), new AbortController().signal);
}

const SCHEMA = {
  type: "object",
  properties: { answer: { type: "string" }, confidence: { type: "number", minimum: 0, maximum: 1 } },
  required: ["answer", "confidence"],
};

Deno.test("label matches exactly; unmatched calls get the derived reply", async () => {
  const backend = new MockBackend({ rules: [{ label: "plan", reply: "the plan" }] });
  assert.equal((await run(backend, { label: "plan" })).text, "the plan");
  assert.match((await run(backend, { label: "plan2" })).text!, /^mock reply to "Say hello"/);
  assert.match((await run(backend, { label: "Plan" })).text!, /^mock reply to/);
});

Deno.test("prompt is a regex searched in the prompt, with optional flags; first matching rule wins", async () => {
  const backend = new MockBackend({
    rules: [
      { prompt: "^review\\b", promptFlags: "i", reply: "R" },
      { prompt: "file \\d+", reply: "F" },
      { label: "x", prompt: "file", reply: "never: the rule above matches first" },
    ],
  });
  assert.equal((await run(backend, { prompt: "Review the diff" })).text, "R");
  assert.equal((await run(backend, { prompt: "reviewer notes" })).text?.startsWith("mock reply"), true);
  assert.equal((await run(backend, { prompt: "look at file 12 now", label: "x" })).text, "F");
  assert.match((await run(backend, { prompt: "file twelve" })).text!, /^mock reply/);
});

Deno.test("label and prompt must both hold when both are given", async () => {
  const backend = new MockBackend({ rules: [{ label: "a", prompt: "yes", reply: "both" }] });
  assert.equal((await run(backend, { label: "a", prompt: "yes please" })).text, "both");
  assert.match((await run(backend, { label: "b", prompt: "yes please" })).text!, /^mock reply/);
  assert.match((await run(backend, { label: "a", prompt: "no" })).text!, /^mock reply/);
});

Deno.test("occurrence picks the nth matching node; a retry of that node keeps its number", async () => {
  const backend = new MockBackend({ rules: [{ label: "w", occurrence: 2, reply: "second" }] });
  const first = await run(backend, { label: "w", key: "k#1" });
  const second = await run(backend, { label: "w", key: "k#2" });
  const unrelated = await run(backend, { label: "other", key: "o#1" });
  const third = await run(backend, { label: "w", key: "k#3" });
  const retryOfSecond = await run(backend, { label: "w", key: "k#2", attempt: 2 });
  assert.match(first.text!, /^mock reply/);
  assert.equal(second.text, "second");
  assert.match(unrelated.text!, /^mock reply/);
  assert.match(third.text!, /^mock reply/);
  assert.equal(retryOfSecond.text, "second");
});

Deno.test("occurrences are counted even for calls an earlier rule answered", async () => {
  const backend = new MockBackend({
    rules: [
      { label: "w", attempt: 2, reply: "retry" },
      { label: "w", occurrence: 1, reply: "first node" },
      { label: "w", occurrence: 2, reply: "second node" },
    ],
  });
  assert.equal((await run(backend, { label: "w", key: "a" })).text, "first node");
  assert.equal((await run(backend, { label: "w", key: "a", attempt: 2 })).text, "retry");
  assert.equal((await run(backend, { label: "w", key: "b" })).text, "second node");
});

Deno.test("attempt scripts invalid output on the first try only; the retry gets a valid object", async () => {
  const backend = new MockBackend({ rules: [{ label: "s", attempt: 1, output: { answer: 42 } }] });
  const ajv = new Ajv();
  const first = await run(backend, { label: "s", schema: SCHEMA });
  assert.deepEqual(first.output, { answer: 42 });
  assert.equal(first.text, '{"answer":42}');
  assert.equal(ajv.validate(SCHEMA, first.output), false);
  const second = await run(backend, { label: "s", schema: SCHEMA, attempt: 2, feedback: "bad" });
  assert.equal(ajv.validate(SCHEMA, second.output), true, JSON.stringify(second.output));
});

Deno.test("sequence answers successive calls in order and then repeats the last entry", async () => {
  const backend = new MockBackend({
    rules: [{
      label: "pick",
      sequence: [{ output: { wrong: true } }, { fail: "flaky" }, { output: { answer: "ok", confidence: 1 } }],
    }],
  });
  const results = [];
  for (let attempt = 1; attempt <= 5; attempt++) results.push(await run(backend, { label: "pick", attempt }));
  assert.deepEqual(results[0].output, { wrong: true });
  assert.equal(results[1].status, "failed");
  assert.equal(results[1].error?.message, "flaky");
  for (const later of results.slice(2)) assert.deepEqual(later.output, { answer: "ok", confidence: 1 });
});

Deno.test("default applies to unmatched calls, and may be a sequence", async () => {
  const backend = new MockBackend({
    rules: [{ label: "good", reply: "fine" }],
    default: { sequence: [{ fail: "first unmatched fails" }, { reply: "then replies" }] },
  });
  assert.equal((await run(backend, { label: "good" })).text, "fine");
  assert.equal((await run(backend, { label: "a" })).error?.message, "first unmatched fails");
  assert.equal((await run(backend, { label: "b" })).text, "then replies");
  assert.equal((await run(backend, { label: "c" })).text, "then replies");
});

Deno.test("fail gives status failed, error kind executor (or errorKind, retryable by kind), no text", async () => {
  const backend = new MockBackend({
    rules: [
      { label: "x", fail: "executor exploded" },
      { label: "q", fail: "You exceeded your current quota", errorKind: "quota" },
      { label: "r", fail: "429 Too Many Requests", errorKind: "rate_limit" },
    ],
  });
  assert.deepEqual((await run(backend, { label: "q" })).error, {
    kind: "quota",
    message: "You exceeded your current quota",
    retryable: false,
  });
  assert.deepEqual((await run(backend, { label: "r" })).error, {
    kind: "rate_limit",
    message: "429 Too Many Requests",
    retryable: true,
  });
  const result = await run(backend, { label: "x", prompt: "abcdefgh" });
  assert.equal(result.status, "failed");
  assert.deepEqual(result.error, { kind: "executor", message: "executor exploded", retryable: false });
  assert.equal(result.text, undefined);
  assert.equal(result.output, undefined);
  assert.deepEqual(result.usage, {
    inputTokens: 2,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
});

Deno.test("status forces timeout or failed, with a default or scripted message", async () => {
  const backend = new MockBackend({
    rules: [
      { label: "t", status: "timeout" },
      { label: "t2", status: "timeout", fail: "took too long" },
      { label: "f", status: "failed" },
    ],
  });
  const t = await run(backend, { label: "t" });
  assert.equal(t.status, "timeout");
  assert.deepEqual(t.error, { kind: "timeout", message: "mock: forced timeout", retryable: false });
  assert.equal((await run(backend, { label: "t2" })).error?.message, "took too long");
  const f = await run(backend, { label: "f" });
  assert.equal(f.status, "failed");
  assert.deepEqual(f.error, { kind: "executor", message: "mock: forced failure", retryable: false });
});

Deno.test("reply on a schema node: JSON text becomes output, other text leaves output absent", async () => {
  const backend = new MockBackend({
    rules: [
      { label: "json", reply: '{"answer":"yes","confidence":0.5}' },
      { label: "prose", reply: "Sure! Here is the answer: yes" },
    ],
  });
  const json = await run(backend, { label: "json", schema: SCHEMA });
  assert.deepEqual(json.output, { answer: "yes", confidence: 0.5 });
  const prose = await run(backend, { label: "prose", schema: SCHEMA });
  assert.equal(prose.status, "completed");
  assert.equal(prose.text, "Sure! Here is the answer: yes");
  assert.equal("output" in prose, false);
});

Deno.test("usage override replaces only the given fields; costUsd is reported", async () => {
  const backend = new MockBackend({
    rules: [{
      label: "big",
      reply: "12345678",
      usage: { outputTokens: 5000, reasoningTokens: 7 },
      costUsd: 0.25,
    }],
  });
  const result = await run(backend, { label: "big", prompt: "x".repeat(10) });
  assert.deepEqual(result.usage, {
    inputTokens: 3,
    outputTokens: 5000,
    cachedInputTokens: 0,
    reasoningTokens: 7,
  });
  assert.equal(result.costUsd, 0.25);
  assert.equal(result.text, "12345678");
});

Deno.test("delayMs is waited and shows in durationMs", async () => {
  // A delay long enough that an undelayed call cannot be mistaken for it on a loaded machine.
  const backend = new MockBackend({ rules: [{ label: "slow", delayMs: 1000, reply: "late" }] });
  const started = performance.now();
  const result = await run(backend, { label: "slow" });
  const elapsed = performance.now() - started;
  assert.equal(result.text, "late");
  // durationMs is the mock's clock, started before its delay timer: at least the delay.
  assert.ok(
    result.durationMs >= 1000 && result.durationMs < 1000 + 10_000,
    `durationMs ${result.durationMs}`,
  );
  assert.ok(elapsed >= 1000, `elapsed ${elapsed}`);
  const quick = await run(backend, { label: "fast" });
  assert.ok(quick.durationMs < 900, `an undelayed call took ${quick.durationMs} ms`);
});

Deno.test("concurrent delayed calls run side by side", async () => {
  // One after the other, 20 calls of 500 ms take 10 s; side by side, about 500 ms. The bound sits far
  // from both, so load cannot push the side-by-side case over it.
  const backend = new MockBackend({ default: { delayMs: 500 } });
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => run(backend, { key: `n#${i}`, prompt: `p${i}` })),
  );
  const elapsed = performance.now() - started;
  assert.equal(new Set(results.map((r) => r.text)).size, 20);
  assert.ok(elapsed >= 500 && elapsed < 5000, `20 calls of 500 ms took ${elapsed}ms`);
});

Deno.test("counters live per instance: a new backend starts its sequence again", async () => {
  const scenario: Scenario = { rules: [{ label: "s", sequence: [{ reply: "one" }, { reply: "two" }] }] };
  const a = new MockBackend(scenario);
  assert.equal((await run(a, { label: "s" })).text, "one");
  assert.equal((await run(a, { label: "s" })).text, "two");
  const b = new MockBackend(scenario);
  assert.equal((await run(b, { label: "s" })).text, "one");
});

Deno.test("a rule with only usage or delay keeps the derived answer", async () => {
  const backend = new MockBackend({ rules: [{ label: "s", usage: { cachedInputTokens: 9 } }] });
  const plain = await run(new MockBackend(), { label: "s", schema: SCHEMA });
  const scripted = await run(backend, { label: "s", schema: SCHEMA });
  assert.deepEqual(scripted.output, plain.output);
  assert.equal(scripted.usage.cachedInputTokens, 9);
});
