/**
 * Structured output through the real `codex` CLI: `--output-schema` reaches the Responses request as
 * `text.format`, the final message is validated with ajv, an invalid one is corrected once by
 * resuming the session, and a second invalid one fails the task.
 *
 * @module
 */
import assert from "node:assert/strict";
import { codexExecutor } from "../../pandacode/executors/codex.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { codexTestEnv, lastUserText } from "./codex_env.ts";

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
    const outcome = await codexExecutor.run(env.task({ prompt: "Answer as JSON", schema }), env.context());
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
  name: "codex: an invalid structured result is corrected once by resuming the session",
  ignore,
  async fn() {
    await using env = await codexTestEnv([
      { text: JSON.stringify({ answer: "x" }), usage: { inputTokens: 100, outputTokens: 10 } },
      {
        text: JSON.stringify({ answer: "x", count: 1 }),
        usage: { inputTokens: 200, cachedInputTokens: 100, outputTokens: 20, reasoningTokens: 2 },
      },
    ]);
    const outcome = await codexExecutor.run(env.task({ prompt: "Answer as JSON", schema }), env.context());
    assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
    assert.deepEqual(outcome.output, { answer: "x", count: 1 });
    // codex reports the thread's running total, so the resumed run's figure covers both responses.
    assert.deepEqual(outcome.usage, {
      inputTokens: 300,
      cachedInputTokens: 100,
      outputTokens: 30,
      reasoningTokens: 2,
    });
    const calls = env.server.responsesCalls();
    assert.equal(calls.length, 2);
    assert.match(lastUserText(calls[1].body), /must have required property 'count'/);
    assert.equal(calls[1].headers["session-id"], outcome.sessionId, "the same session was resumed");
    const history = JSON.stringify((calls[1].body as { input: unknown }).input);
    assert.ok(history.includes("Answer as JSON"), "the resumed request carries the first prompt");
  },
});

Deno.test({
  name: "codex: a structured result still invalid after one correction fails the task",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{ text: "not json at all" }, {
      text: JSON.stringify({ answer: 3 }),
    }]);
    const outcome = await codexExecutor.run(env.task({ prompt: "Answer as JSON", schema }), env.context());
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.error?.kind, "schema_validation");
    assert.match(outcome.error?.message ?? "", /after 1 correction.*\/answer: must be string/);
    assert.equal(outcome.output, undefined);
    assert.equal(env.server.responsesCalls().length, 2, "bounded: one correction only");
    assert.match(lastUserText(env.server.responsesCalls()[1].body), /not JSON/);
  },
});
