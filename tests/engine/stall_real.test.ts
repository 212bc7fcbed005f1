/**
 * Stalls vs slow work with real components: the engine's NodeRunner (stall watch, retries) driving
 * bamboo against the scripted OpenAI-compatible server. A server that stops sending mid-answer is
 * killed at the stall timeout and retried; a server that sends slowly but steadily for longer than the
 * stall timeout completes on its first try.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runBamboo } from "../../pandacode/bamboo/executor.ts";
import type { Backend, NodeRequest, TryResult } from "../../src/backends/backend.ts";
import { NodeRunner } from "../../src/engine/node_runner.ts";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { bounded, DEADLINES } from "../_support/deadline.ts";
import { bambooTask, tempWorkspace } from "../pandacode/bamboo_helpers.ts";

/** bamboo in-process as a backend try (what the pandacode backend does, without the report step). */
function bambooBackend(baseTask: ReturnType<typeof bambooTask>): Backend {
  return {
    name: "bamboo-direct",
    async run(request: NodeRequest, signal: AbortSignal, onActivity?: () => void): Promise<TryResult> {
      const started = performance.now();
      const outcome = await runBamboo({ ...baseTask, prompt: request.prompt, retries: 0 }, {
        signal,
        log: () => {},
        activity: onActivity,
      });
      return {
        status: outcome.status,
        text: outcome.text,
        usage: outcome.usage,
        costUsd: outcome.costUsd,
        durationMs: performance.now() - started,
        error: outcome.error ?? undefined,
        runtime: "bamboo",
      };
    },
  };
}

const spec = { key: "k#1", prompt: "answer slowly", label: "slow" };

Deno.test("stall: a server that stops mid-answer is killed at the stall timeout and retried", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    { kind: "message", text: "partial answer that never ends", trickleMs: 20, stallAfterBytes: 64 },
    reply.text("second try answered"),
  ]);
  const runner = new NodeRunner(bambooBackend(bambooTask(tmp.ws, server)), tmp.ws, {
    stallTimeoutMs: 400,
    retryBaseMs: 10,
  });
  const started = performance.now();
  const result = await bounded(DEADLINES.executor, "the node run", (signal) => runner.run(spec, { signal }));
  const took = performance.now() - started;
  assert.equal(result.status, "completed", JSON.stringify(result.error));
  assert.equal(result.value, "second try answered");
  assert.equal(result.attempts, 2);
  assert.equal(server.requests.length, 2);
  assert.ok(took >= 400 && took < 15_000, `took ${took} ms`);
});

Deno.test("stall: a slow but steady answer longer than the stall timeout completes on its first try", async () => {
  await using tmp = await tempWorkspace();
  const text = "a steady stream of words ".repeat(14);
  await using server = startChatServer([{ kind: "message", text, trickleMs: 40 }]);
  const runner = new NodeRunner(bambooBackend(bambooTask(tmp.ws, server)), tmp.ws, { stallTimeoutMs: 500 });
  const started = performance.now();
  const result = await bounded(DEADLINES.executor, "the node run", (signal) => runner.run(spec, { signal }));
  const took = performance.now() - started;
  assert.equal(result.status, "completed", JSON.stringify(result.error));
  assert.equal(result.value, text);
  assert.equal(result.attempts, 1);
  assert.ok(took > 1000, `the answer took ${took} ms: longer than twice the stall timeout`);
});
