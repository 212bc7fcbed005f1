/**
 * Structured output through the real `codex` CLI: `--output-schema` reaches the Responses request as
 * `text.format`, the final message is validated with ajv, and an invalid one fails the task with kind
 * `schema` after that one run (odw's engine owns the schema tries).
 *
 * @module
 */
import assert from "node:assert/strict";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { codexTestEnv } from "./codex_env.ts";

const ignore = skipUnless("codex CLI", cachedCli("codex"));

const schema = {
  type: "object",
  properties: { answer: { type: "string" }, count: { type: "integer" } },
  required: ["answer", "count"],
  additionalProperties: false,
};

Deno.test({
  name: "codex: structured result is sent as text.format and returned as a validated object",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{
      text: JSON.stringify({ answer: "forty-two", count: 42 }),
      usage: { inputTokens: 300, cachedInputTokens: 100, outputTokens: 15, reasoningTokens: 4 },
    }]);
    const outcome = await env.run(env.task({ prompt: "Answer as JSON", schema }));
    assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
    assert.deepEqual(outcome.output, { answer: "forty-two", count: 42 });
    assert.deepEqual(outcome.usage, {
      inputTokens: 300,
      cachedInputTokens: 100,
      outputTokens: 15,
      reasoningTokens: 4,
    });
    const calls = env.server.responsesCalls();
    assert.equal(calls.length, 1);
    const format =
      (calls[0].body as { text: { format: { type: string; schema: unknown; strict: boolean } } }).text
        .format;
    assert.equal(format.type, "json_schema");
    assert.deepEqual(format.schema, schema);
  },
});

Deno.test({
  name: "codex: an invalid structured result fails the task with kind schema after one run (no resume)",
  ignore,
  async fn() {
    await using env = await codexTestEnv([
      { text: JSON.stringify({ answer: 3 }), usage: { inputTokens: 100, outputTokens: 10 } },
      { text: JSON.stringify({ answer: "x", count: 1 }) },
    ]);
    const outcome = await env.run(env.task({ prompt: "Answer as JSON", schema }));
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.error?.kind, "schema");
    assert.equal(outcome.error?.retryable, false, "the engine's schema tries own the retry");
    assert.match(outcome.error?.message ?? "", /\/answer: must be string/);
    assert.match(outcome.error?.message ?? "", /must have required property 'count'/);
    assert.equal(outcome.output, undefined);
    assert.equal(env.server.responsesCalls().length, 1, "one structured-output attempt per task");
    assert.equal(outcome.usage.outputTokens, 10);
  },
});

Deno.test({
  name: "codex: a final message that is not JSON fails with kind schema",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{ text: "not json at all" }]);
    const outcome = await env.run(env.task({ prompt: "Answer as JSON", schema }));
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.error?.kind, "schema");
    assert.match(outcome.error?.message ?? "", /not JSON/);
    assert.equal(env.server.responsesCalls().length, 1);
  },
});
