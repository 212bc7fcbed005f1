/**
 * How a bamboo run ends when it does not simply complete: aborted (timeout / cancelled) while the
 * endpoint hangs or while a tool runs, the step limit, an HTTP error half-way (usage so far kept),
 * and configuration problems (unknown provider, missing key). Also the provider resolution: base URL
 * from the provider's env variable and DeepSeek's own cache-hit usage field.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace, testContext, waitDead } from "./bamboo_helpers.ts";

Deno.test("bamboo: a timeout abort while the endpoint hangs ends with status timeout", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([reply.hang()]);
  const ctx = testContext();
  // Abort once the request is being held (however long loading takes on a busy machine), or at 20 s.
  const deadline = performance.now() + 20_000;
  let abortedAt = 0;
  const poll = setInterval(() => {
    if (abortedAt > 0 || (server.requests.length === 0 && performance.now() < deadline)) return;
    abortedAt = performance.now();
    ctx.controller.abort("timeout");
  }, 10);
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), ctx).finally(() => clearInterval(poll));
  const afterAbortMs = performance.now() - abortedAt;
  assert.equal(outcome.status, "timeout");
  assert.equal(outcome.error, null);
  // The endpoint never answers: only the abort ends the run, and promptly (room for a loaded machine).
  assert.ok(abortedAt > 0 && afterAbortMs < 20_000, `ended ${afterAbortMs} ms after the abort`);
  assert.equal(server.requests.length, 1);
});

Deno.test("bamboo: cancelling during a bash command kills it and reports cancelled", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.tools([{ name: "bash", args: { command: "echo $$ > shell.pid; sleep 30" } }], {
      prompt_tokens: 7,
      completion_tokens: 2,
    }),
  ]);
  const ctx = testContext();
  const pidFile = join(tmp.ws, "shell.pid");
  const poll = setInterval(() => {
    try {
      if (Deno.readTextFileSync(pidFile).trim()) ctx.controller.abort("cancelled");
    } catch { /* not yet */ }
  }, 20);
  const started = performance.now();
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), ctx).finally(() => clearInterval(poll));
  const elapsed = performance.now() - started;
  assert.equal(outcome.status, "cancelled");
  // Without the kill the command would run its 30 s; the bound leaves room for a loaded machine.
  assert.ok(elapsed < 20_000, `ended after ${elapsed} ms`);
  assert.deepEqual(outcome.usage, {
    inputTokens: 7,
    outputTokens: 2,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
  const pid = Number(Deno.readTextFileSync(pidFile));
  assert.ok(await waitDead(pid, 10_000), `bash ${pid} still alive`);
});

Deno.test("bamboo: the step limit stops a model that never stops calling tools", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer(() =>
    reply.tools([{ name: "list", args: {} }], { prompt_tokens: 3, completion_tokens: 1 })
  );
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), testContext(), { maxSteps: 4 });
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.kind, "turn_limit");
  assert.equal(server.requests.length, 4);
  assert.deepEqual(outcome.usage, {
    inputTokens: 12,
    outputTokens: 4,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
});

Deno.test("bamboo: an HTTP error half-way fails but keeps the usage so far", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.tools([{ name: "list", args: {} }], { prompt_tokens: 20, completion_tokens: 5 }),
    reply.error(401, "invalid api key"),
  ]);
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), testContext());
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.kind, "auth");
  assert.equal(outcome.error?.retryable, false);
  assert.deepEqual(outcome.usage, {
    inputTokens: 20,
    outputTokens: 5,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
  assert.ok(outcome.costUsd! > 0);
});

Deno.test("bamboo: unknown provider and missing key fail with a clear message", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([]);
  const unknown = await runBambooBounded(bambooTask(tmp.ws, server, { provider: "nosuch" }), testContext());
  assert.equal(unknown.status, "failed");
  assert.equal(unknown.error?.kind, "unknown_provider");
  assert.match(unknown.error!.message, /unknown bamboo provider "nosuch"; known: deepseek, kimi/);

  const noKey = await runBambooBounded(
    bambooTask(tmp.ws, server, { provider: "kimi", env: {} }),
    testContext(),
  );
  assert.equal(noKey.error?.kind, "missing_key");
  assert.equal(noKey.error?.message, "no API key for Kimi (Moonshot): set MOONSHOT_API_KEY or KIMI_API_KEY");
  assert.equal(server.requests.length, 0);
});

Deno.test("bamboo: base URL from the provider's env variable; DeepSeek cache hits counted", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.text("hi", { prompt_tokens: 1000, completion_tokens: 10, prompt_cache_hit_tokens: 600 }),
  ]);
  const task = bambooTask(tmp.ws, server, { provider: undefined, baseUrl: undefined });
  task.env.DEEPSEEK_BASE_URL = server.baseUrl;
  const outcome = await runBambooBounded(task, testContext());
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  assert.equal(outcome.provider, "deepseek");
  assert.deepEqual(outcome.usage, {
    inputTokens: 1000,
    outputTokens: 10,
    cachedInputTokens: 600,
    reasoningTokens: 0,
  });
  // 400 fresh at $0.30/M + 600 cached at $0.006/M + 10 out at $1.20/M
  assert.ok(Math.abs(outcome.costUsd! - (400 * 0.3 + 600 * 0.006 + 10 * 1.2) / 1e6) < 1e-12);
});
