/**
 * bamboo's tool loop end to end against the scripted chat server: the real AI SDK provider, the
 * real tools on a temporary workspace, usage summed over steps and cost from the providers table.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { costOf, findProvider } from "../../pandacode/bamboo/providers.ts";
import { reply, startChatServer, toolResultsOf } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace, testContext } from "./bamboo_helpers.ts";

Deno.test("bamboo reads then edits a file over three steps and sums usage", async () => {
  await using tmp = await tempWorkspace({ "a.txt": "hello world\n" });
  await using server = startChatServer([
    reply.tools([{ name: "read", args: { path: "a.txt" } }], { prompt_tokens: 100, completion_tokens: 20 }),
    reply.tools(
      [{ name: "edit", args: { path: "a.txt", oldString: "world", newString: "bamboo" } }],
      { prompt_tokens: 150, completion_tokens: 30, cached_tokens: 80 },
    ),
    reply.text("Changed world to bamboo.", {
      prompt_tokens: 200,
      completion_tokens: 10,
      reasoning_tokens: 4,
    }),
  ]);
  const ctx = testContext();
  const started = performance.now();
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server, { prompt: "say hello to bamboo" }), ctx);
  const elapsed = performance.now() - started;

  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  assert.equal(outcome.text, "Changed world to bamboo.");
  assert.equal(await Deno.readTextFile(join(tmp.ws, "a.txt")), "hello bamboo\n");
  assert.deepEqual(outcome.usage, {
    inputTokens: 450,
    outputTokens: 60,
    cachedInputTokens: 80,
    reasoningTokens: 4,
  });
  const prices = findProvider("deepseek")!.prices;
  assert.equal(outcome.costUsd, costOf(prices, outcome.usage));
  assert.ok(outcome.costUsd! > 0);
  assert.equal(outcome.provider, "deepseek");
  assert.equal(outcome.model, "scripted-model");

  assert.equal(server.requests.length, 3);
  const first = server.requests[0];
  assert.equal(first.path, "/v1/chat/completions");
  assert.equal(first.headers.authorization, "Bearer test");
  assert.equal(first.body.model, "deepseek-flash");
  assert.deepEqual(
    first.body.tools.map((t: { function: { name: string } }) => t.function.name),
    ["read", "list", "search", "edit", "write", "bash"],
  );
  assert.match(first.body.messages[0].content, /Workspace: /);
  assert.equal(first.body.messages[1].content, "say hello to bamboo");
  // The tool results the model saw on the following requests.
  assert.deepEqual(toolResultsOf(server.requests[1]).map((r) => r.content), ["hello world\n"]);
  assert.deepEqual(toolResultsOf(server.requests[2]).map((r) => r.content).slice(-1), [
    "edited a.txt: replaced 1 occurrence",
  ]);
  assert.equal(ctx.logs.filter((l) => l.startsWith("bamboo: step")).length, 3);
  console.log(
    `loop: 3 steps in ${elapsed.toFixed(0)} ms, usage ${
      JSON.stringify(outcome.usage)
    }, cost ${outcome.costUsd}`,
  );
});

Deno.test("bamboo passes effort and max output tokens to the endpoint", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([reply.text("ok", { prompt_tokens: 1, completion_tokens: 1 })]);
  const outcome = await runBambooBounded(
    bambooTask(tmp.ws, server, { effort: "high", maxOutputTokens: 1234, model: "deepseek-v4-pro" }),
    testContext(),
  );
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  const body = server.requests[0].body;
  assert.equal(body.model, "deepseek-v4-pro");
  assert.equal(body.reasoning_effort, "high");
  assert.equal(body.max_tokens, 1234);
  assert.notEqual(body.stream, true);
  assert.equal(outcome.costUsd, null, "the table prices only the default model");
});
