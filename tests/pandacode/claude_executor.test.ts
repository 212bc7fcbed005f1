/**
 * The claude executor driving the real pinned `claude` CLI against the scripted Anthropic server:
 * plain text, structured output (directly, and after a resume with validation errors), model errors,
 * a hanging server (timeout, whole process tree killed), usage and cost as the server reported them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { claudeExecutor } from "../../pandacode/executors/claude.ts";
import type { Task } from "../../pandacode/executor.ts";
import { awaitDuring, bounded, DEADLINES, pollUntil } from "../_support/deadline.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { PERSON_SCHEMA, processesWithMarker, userText, withClaudeSandbox } from "./claude_harness.ts";

const ignore = skipUnless("claude CLI", cachedCli("claude"));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

Deno.test({
  name: "claude: plain text answer, with model, effort, max tokens and the prompt passed through",
  ignore,
  fn: () =>
    withClaudeSandbox([{ text: "Hello from the scripted model." }], async (sb) => {
      const outcome = await sb.run({
        prompt: "Say hello, please.",
        model: "claude-sonnet-4-6",
        effort: "high",
        maxOutputTokens: 2000,
      });
      assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
      assert.equal(outcome.text, "Hello from the scripted model.");
      assert.equal(outcome.error, null);
      assert.equal(outcome.output, undefined);
      assert.equal(outcome.model, "claude-sonnet-4-6");
      assert.match(outcome.sessionId ?? "", UUID);

      const turns = sb.server.turns();
      assert.equal(turns.length, 1);
      const body = turns[0].body!;
      assert.equal(body.model, "claude-sonnet-4-6");
      assert.equal(body.max_tokens, 2000);
      assert.deepEqual(body.output_config, { effort: "high" });
      assert.match(userText(body), /Say hello, please\./);
      assert.equal(turns[0].headers["x-api-key"], "test-key");
    }),
});

Deno.test({
  name: "claude: usage and cost are what the server reported",
  ignore,
  fn: () =>
    withClaudeSandbox([{
      text: "Counted.",
      usage: {
        input_tokens: 1234,
        output_tokens: 567,
        cache_read_input_tokens: 890,
        cache_creation_input_tokens: 12,
      },
    }], async (sb) => {
      const outcome = await sb.run({ model: "claude-sonnet-4-6" });
      assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
      assert.deepEqual(outcome.usage, {
        inputTokens: 1234 + 890 + 12,
        outputTokens: 567,
        cachedInputTokens: 890,
        reasoningTokens: 0,
      });
      assert.equal(typeof outcome.costUsd, "number");
      // The CLI prices claude-sonnet-4-6 at $3 / $15 per million in/out, $0.30 cache read, $3.75 cache write.
      const expected = (1234 * 3 + 567 * 15 + 890 * 0.3 + 12 * 3.75) / 1e6;
      assert.ok(Math.abs(outcome.costUsd! - expected) < 1e-9, `costUsd ${outcome.costUsd} vs ${expected}`);
    }),
});

Deno.test({
  name: "claude: a schema goes through --json-schema and the StructuredOutput value comes back validated",
  ignore,
  fn: () =>
    withClaudeSandbox([{
      toolUse: { name: "StructuredOutput", input: { name: "Ada Lovelace", year: 1815 } },
    }], async (sb) => {
      const outcome = await sb.run({ prompt: "Who wrote the first program?", schema: PERSON_SCHEMA });
      assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
      assert.deepEqual(outcome.output, { name: "Ada Lovelace", year: 1815 });
      assert.deepEqual(JSON.parse(outcome.text), { name: "Ada Lovelace", year: 1815 });

      const turns = sb.server.turns();
      assert.equal(turns.length, 1);
      const tools = turns[0].body!.tools as { name: string; input_schema: unknown }[];
      const tool = tools.find((t) => t.name === "StructuredOutput");
      assert.deepEqual(tool?.input_schema, PERSON_SCHEMA);
    }),
});

Deno.test({
  name: "claude: no structured output → failed with kind schema after one run (no resume)",
  ignore,
  fn: () =>
    withClaudeSandbox([
      { text: "It was Ada." }, // ignores the tool
      { text: "Still just text." }, // the CLI's own reminder turn
      { toolUse: { name: "StructuredOutput", input: { name: "Ada Lovelace", year: 1815 } } },
    ], async (sb) => {
      const outcome = await sb.run({ prompt: "Who wrote the first program?", schema: PERSON_SCHEMA });
      assert.equal(outcome.status, "failed");
      assert.equal(outcome.error?.kind, "schema");
      assert.equal(outcome.error?.retryable, false, "the engine's schema tries own the retry");
      assert.match(outcome.error?.message ?? "", /no structured output was given/);
      // One claude process: its first turn and its own reminder turn, never a resumed session.
      assert.equal(sb.server.turns().length, 2);
      assert.ok(!sb.logs.some((l) => /resuming session/.test(l)), sb.logs.join("\n"));
    }),
});

Deno.test({
  name: "claude: a 400 from the model API → failed, not retryable, with the server's message",
  ignore,
  fn: () =>
    withClaudeSandbox(
      () => ({
        error: { status: 400, type: "invalid_request_error", message: "scripted: model not available" },
      }),
      async (sb) => {
        const outcome = await sb.run();
        assert.equal(outcome.status, "failed");
        assert.equal(outcome.error?.kind, "invalid_request");
        assert.equal(outcome.error?.retryable, false);
        assert.match(outcome.error?.message ?? "", /400/);
        assert.match(outcome.error?.message ?? "", /scripted: model not available/);
        assert.doesNotMatch(outcome.error?.message ?? "", /\n/);
        // On a 400 the CLI tries again with fewer beta features before it gives up.
        const turns = sb.server.turns();
        assert.ok(turns.length >= 1);
        assert.ok(turns.every((t) => t.answer === "error 400"));
        assert.deepEqual(outcome.usage, {
          inputTokens: 0,
          outputTokens: 0,
          cachedInputTokens: 0,
          reasoningTokens: 0,
        });
      },
    ),
});

Deno.test({
  name: "claude: a 529 overload after the CLI's retries → failed and retryable",
  ignore,
  fn: () =>
    withClaudeSandbox(
      () => ({ error: { status: 529, type: "overloaded_error", message: "scripted: overloaded" } }),
      async (sb) => {
        const outcome = await sb.run();
        assert.equal(outcome.status, "failed");
        assert.equal(outcome.error?.kind, "server_error");
        assert.equal(outcome.error?.retryable, true);
        assert.match(outcome.error?.message ?? "", /529/);
        assert.equal(sb.server.turns().length, 2); // first call + CLAUDE_CODE_MAX_RETRIES=1
        assert.ok(sb.logs.some((l) => /API retry 1\/1/.test(l)), sb.logs.join("\n"));
      },
      { CLAUDE_CODE_MAX_RETRIES: "1" },
    ),
});

Deno.test({
  name: "claude: a hanging server and an abort 2 s into the hang → timeout, whole process tree gone",
  ignore,
  fn: () =>
    withClaudeSandbox([{ hang: true }], async (sb) => {
      const controller = new AbortController();
      const running = sb.run({}, controller.signal);
      // The CLI can need many seconds to start on a loaded machine: wait for the held request (or an
      // early end of the run, which fails the test) with a deadline, and only then start the 2 s.
      await awaitDuring(
        sb.server.hanging,
        running,
        DEADLINES.cliStart,
        "the claude CLI to reach the hanging server",
        () => controller.abort("cancelled"),
      );
      assert.ok(
        processesWithMarker(sb.marker).length > 0,
        "the CLI should be running while the server hangs",
      );
      const abortAt = performance.now();
      const timer = setTimeout(() => controller.abort("timeout"), 2000);
      try {
        const outcome = await running;
        const afterAbortMs = performance.now() - abortAt - 2000;
        assert.equal(outcome.status, "timeout");
        assert.equal(outcome.error?.kind, "timeout");
        // The executor stops the CLI on the abort (SIGTERM, SIGKILL after its 1.5 s grace), so the
        // outcome follows it within seconds, not when the (never answering) server would let go.
        assert.ok(afterAbortMs >= 0, `the outcome came ${-afterAbortMs} ms before the abort`);
        assert.ok(afterAbortMs < 20_000, `the outcome came ${afterAbortMs} ms after the abort`);
        const gone = await pollUntil(() => processesWithMarker(sb.marker).length === 0, 10_000);
        assert.ok(gone, `still running: ${processesWithMarker(sb.marker).join(", ")}`);
      } finally {
        clearTimeout(timer);
      }
    }),
});

Deno.test("claude: a missing CLI → failed with how to install it", async () => {
  const task: Task = {
    runtime: "claude",
    cwd: Deno.cwd(),
    prompt: "hi",
    env: { PANDACODE_CLAUDE_BIN: "/nonexistent/claude" },
  };
  const outcome = await bounded(
    DEADLINES.executor,
    "the claude run without a CLI",
    (signal) => claudeExecutor.run(task, { signal, log() {} }),
  );
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.kind, "cli_not_found");
  assert.match(outcome.error?.message ?? "", /npm install -g @anthropic-ai\/claude-code/);
});
