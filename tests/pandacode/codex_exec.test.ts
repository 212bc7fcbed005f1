/**
 * The codex executor driving the real pinned `codex` CLI (`codex exec --json`) against the scripted
 * Responses API server: plain text, a tool call, reasoning effort, `--base-url`, usage, and a missing
 * CLI. Structured output, failures and timeouts live in their own files.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Task } from "../../pandacode/executor.ts";
import { codexExecutor } from "../../pandacode/executors/codex.ts";
import { bounded, DEADLINES } from "../_support/deadline.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { codexTestEnv, lastUserText, TEST_KEY, TEST_MODEL } from "./codex_env.ts";

const ignore = skipUnless("codex CLI", cachedCli("codex"));

Deno.test({
  name: "codex: plain text result with the server's usage, session id and reasoning effort",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{
      text: "Hello from the scripted server.",
      reasoning: "The user wants a greeting.",
      usage: { inputTokens: 1234, cachedInputTokens: 1000, outputTokens: 56, reasoningTokens: 12 },
    }]);
    const started = performance.now();
    const outcome = await env.run(
      env.task({ prompt: "Say hello, please.", model: TEST_MODEL, effort: "max" }),
    );
    const ms = performance.now() - started;
    assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
    assert.equal(outcome.text, "Hello from the scripted server.");
    assert.deepEqual(outcome.usage, {
      inputTokens: 1234,
      cachedInputTokens: 1000,
      outputTokens: 56,
      reasoningTokens: 12,
    });
    assert.equal(outcome.costUsd, null);
    assert.equal(outcome.error, null);
    assert.equal(outcome.model, TEST_MODEL);

    const calls = env.server.responsesCalls();
    assert.equal(calls.length, 1, "one Responses call");
    assert.equal(env.server.requests.length, 1, "nothing but the Responses call");
    const body = calls[0].body as { model: string; stream: boolean; reasoning: { effort: string } };
    assert.equal(body.model, TEST_MODEL);
    assert.equal(body.stream, true);
    assert.equal(body.reasoning.effort, "xhigh", "effort max is sent as xhigh");
    assert.equal(lastUserText(body), "Say hello, please.");
    assert.equal(calls[0].headers.authorization, `Bearer ${TEST_KEY}`);
    assert.match(outcome.sessionId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(calls[0].headers["session-id"], outcome.sessionId);
    console.error(`codex text: ${ms.toFixed(0)} ms, usage ${JSON.stringify(outcome.usage)}`);
  },
});

Deno.test({
  name: "codex: a scripted exec_command runs in the workspace sandbox and usage sums both responses",
  ignore,
  async fn() {
    const cmd = "printf 'made by codex' > made.txt && echo wrote";
    await using env = await codexTestEnv([
      {
        functionCall: { name: "exec_command", arguments: JSON.stringify({ cmd, login: false }) },
        usage: { inputTokens: 500, cachedInputTokens: 0, outputTokens: 20, reasoningTokens: 5 },
      },
      {
        text: "Created made.txt.",
        usage: { inputTokens: 700, cachedInputTokens: 500, outputTokens: 9, reasoningTokens: 3 },
      },
    ]);
    const outcome = await env.run(env.task({ prompt: "Create made.txt" }));
    assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
    assert.equal(outcome.text, "Created made.txt.");
    assert.equal(await Deno.readTextFile(join(env.workspace, "made.txt")), "made by codex");
    assert.deepEqual(outcome.usage, {
      inputTokens: 1200,
      cachedInputTokens: 500,
      outputTokens: 29,
      reasoningTokens: 8,
    });
    const calls = env.server.responsesCalls();
    assert.equal(calls.length, 2);
    const input = (calls[1].body as { input: { type: string; output?: string }[] }).input;
    const toolOutput = input.find((i) => i.type === "function_call_output");
    assert.match(String(toolOutput?.output), /wrote/);
    assert.ok(env.logs.some((l) => l.includes("running") && l.includes("made.txt")), env.logs.join("\n"));
  },
});

Deno.test({
  name: "codex: --base-url defines a provider that wins over config.toml and uses OPENAI_API_KEY",
  ignore,
  async fn() {
    const dead = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const deadUrl = `http://127.0.0.1:${dead.addr.port}/v1`;
    dead.close();
    await using env = await codexTestEnv([{
      text: "via base url",
      usage: { inputTokens: 7, outputTokens: 3 },
    }], {
      configBaseUrl: deadUrl,
    });
    const task = env.task({
      baseUrl: env.server.baseUrl,
      env: { ...env.env, OPENAI_API_KEY: "sk-base-url" },
    });
    const outcome = await env.run(task);
    assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
    assert.equal(outcome.text, "via base url");
    assert.deepEqual(outcome.usage, {
      inputTokens: 7,
      outputTokens: 3,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    const calls = env.server.responsesCalls();
    assert.equal(calls.length, 1);
    assert.equal(calls[0].headers.authorization, "Bearer sk-base-url");
  },
});

Deno.test("codex: a missing CLI fails with an install hint", async () => {
  const task: Task = {
    runtime: "codex",
    cwd: Deno.cwd(),
    prompt: "x",
    env: { PANDACODE_CODEX_BIN: "/nonexistent/bin/codex" },
  };
  const outcome = await bounded(
    DEADLINES.executor,
    "the codex run without a CLI",
    (signal) => codexExecutor.run(task, { signal, log: () => {} }),
  );
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.kind, "cli_not_found");
  assert.match(outcome.error?.message ?? "", /npm install -g @openai\/codex/);
  assert.equal(outcome.error?.retryable, false);
});
