/**
 * The claude stream-json parser on event lines shaped like those claude 2.1.328 printed against the
 * scripted server: init, assistant text, subagent text (ignored), API retries, synthetic API-error
 * messages, result events of every kind, and stray non-JSON lines.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ClaudeStream,
  errorFromResult,
  ResultEventSchema,
  usageFromResult,
} from "../../pandacode/executors/claude_stream.ts";

const SID = "8d6fc768-0341-400c-abdb-6c20b9175496";

function result(extra: Record<string, unknown>) {
  return ResultEventSchema.parse({
    type: "result",
    subtype: "success",
    is_error: false,
    session_id: SID,
    ...extra,
  });
}

Deno.test("stream: init, assistant text, result → session, model, final text, usage and cost", () => {
  const retries: string[] = [];
  const stream = new ClaudeStream((d) => retries.push(d));
  const lines = [
    JSON.stringify({
      type: "system",
      subtype: "init",
      session_id: SID,
      model: "claude-opus-5-5",
      tools: ["Bash"],
    }),
    JSON.stringify({
      type: "system",
      subtype: "api_retry",
      attempt: 1,
      max_retries: 10,
      error_status: 529,
      error: "overloaded",
    }),
    JSON.stringify({
      type: "assistant",
      parent_tool_use_id: null,
      message: { content: [{ type: "thinking", thinking: "hm" }, { type: "text", text: "Working on it." }] },
    }),
    JSON.stringify({
      type: "assistant",
      parent_tool_use_id: "toolu_1",
      message: { content: [{ type: "text", text: "subagent chatter" }] },
    }),
    "not json at all",
    "",
    JSON.stringify({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "Done.",
      session_id: SID,
      total_cost_usd: 0.012519,
      usage: {
        input_tokens: 1234,
        output_tokens: 567,
        cache_read_input_tokens: 890,
        cache_creation_input_tokens: 12,
        output_tokens_details: { thinking_tokens: 100 },
      },
    }),
  ];
  for (const line of lines) stream.push(line);
  assert.equal(stream.sessionId, SID);
  assert.equal(stream.model, "claude-opus-5-5");
  assert.deepEqual(stream.texts, ["Working on it."]);
  assert.deepEqual(stream.unparsed, ["not json at all"]);
  assert.equal(stream.retries, 1);
  assert.deepEqual(retries, ["API retry 1/10 after 529"]);
  assert.equal(stream.finalText(), "Done.");
  assert.equal(stream.result?.total_cost_usd, 0.012519);
  assert.deepEqual(usageFromResult(stream.result!), {
    inputTokens: 1234 + 890 + 12,
    outputTokens: 567,
    cachedInputTokens: 890,
    reasoningTokens: 100,
  });
  assert.equal(errorFromResult(stream.result!, stream.apiError), null);
});

Deno.test("stream: without a result the last assistant text is the answer", () => {
  const stream = new ClaudeStream();
  stream.push(JSON.stringify({ type: "assistant", message: { content: [{ type: "text", text: "first" }] } }));
  stream.push(
    JSON.stringify({ type: "assistant", message: { content: [{ type: "text", text: "second" }] } }),
  );
  assert.equal(stream.result, null);
  assert.equal(stream.finalText(), "second");
});

Deno.test("stream: a synthetic API-error message and an is_error result → a kind by status, retryable by kind", () => {
  const stream = new ClaudeStream();
  stream.push(JSON.stringify({
    type: "assistant",
    message: { model: "<synthetic>", content: [{ type: "text", text: "API Error: 503 busy" }] },
    is_api_error_message: true,
    api_error_status: 503,
    api_error_type: "api_error",
  }));
  assert.deepEqual(stream.texts, []);
  assert.deepEqual(stream.apiError, { status: 503, type: "api_error", message: "API Error: 503 busy" });
  // A result that lost the status still fails with the message's status.
  const error = errorFromResult(result({ is_error: true, result: "API Error: 503 busy" }), stream.apiError);
  assert.deepEqual(error, {
    kind: "server_error",
    message: "claude: model API error 503 (api_error): API Error: 503 busy",
    retryable: true,
  });
  const auth = errorFromResult(
    result({
      is_error: true,
      api_error_status: 401,
      api_error_type: "authentication_error",
      result: "bad\nkey",
    }),
    null,
  );
  assert.deepEqual(auth, {
    kind: "auth",
    message: "claude: model API error 401 (authentication_error): bad key",
    retryable: false,
  });
});

Deno.test("stream: error subtypes map to kinds", () => {
  assert.equal(
    errorFromResult(result({ subtype: "error_max_turns", is_error: true }), null)?.kind,
    "turn_limit",
  );
  assert.equal(
    errorFromResult(result({ subtype: "error_max_budget_usd", is_error: true }), null)?.kind,
    "spending_limit",
  );
  assert.equal(
    errorFromResult(result({ subtype: "error_max_structured_output_retries", is_error: true }), null)?.kind,
    "schema",
  );
  const during = errorFromResult(
    result({ subtype: "error_during_execution", is_error: true, errors: ["tool crashed", { code: 7 }] }),
    null,
  );
  assert.deepEqual(during, {
    kind: "runtime_error",
    message: 'claude: error_during_execution: tool crashed; {"code":7}',
    retryable: false,
  });
});

Deno.test("stream: odd field values do not break parsing", () => {
  const stream = new ClaudeStream();
  stream.push(JSON.stringify({
    type: "result",
    subtype: "success",
    result: "ok",
    total_cost_usd: "free",
    usage: { input_tokens: -3, output_tokens: 2.5, cache_read_input_tokens: null },
  }));
  assert.equal(stream.result?.total_cost_usd, null);
  assert.deepEqual(usageFromResult(stream.result!), {
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
  stream.push(JSON.stringify([1, 2, 3]));
  stream.push(JSON.stringify({ type: "user", message: { content: [] } }));
  assert.equal(stream.finalText(), "ok");
});
