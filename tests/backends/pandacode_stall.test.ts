/**
 * Stalls vs slow work through the real pandacode backend, in-process and as a process per try: the
 * engine's NodeRunner (stall watch, retries) with bamboo against the scripted server. An answer that
 * stops mid-way is killed at the stall timeout and retried; an answer that trickles in steadily for
 * longer than the stall timeout completes on its first try — in process mode only through pandacode's
 * heartbeat lines on stderr.
 *
 * @module
 */
import assert from "node:assert/strict";
import { PandacodeBackend } from "../../src/backends/pandacode.ts";
import { bundledPandacodeCommand } from "../../src/backends/pandacode_process.ts";
import { NodeRunner } from "../../src/engine/node_runner.ts";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { bambooTestEnv, inTempDir } from "./pandacode_world.ts";
import { bounded } from "../_support/deadline.ts";

const spec = { key: "k#1", prompt: "answer slowly", label: "slow", runtime: "bamboo" };

/** Stall timeouts per mode: a process needs time to start before its first sign of life. */
const STALL_MS = { "in-process": 800, process: 4000 } as const;

function backendFor(mode: "in-process" | "process", baseUrl: string): PandacodeBackend {
  const env = () => ({ PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...bambooTestEnv(baseUrl) });
  return new PandacodeBackend(
    mode === "in-process" ? { kind: "in-process" } : { kind: "process", command: bundledPandacodeCommand() },
    env,
  );
}

for (const mode of ["in-process", "process"] as const) {
  Deno.test(`pandacode backend (${mode}): an answer that stops mid-way is killed as a stall and retried`, async () => {
    await using server = startChatServer([
      { kind: "message", text: "partial answer that never ends", trickleMs: 20, stallAfterBytes: 64 },
      reply.text("second try answered"),
    ]);
    await inTempDir(async (dir) => {
      const runner = new NodeRunner(backendFor(mode, server.baseUrl), dir, {
        stallTimeoutMs: STALL_MS[mode],
        retryBaseMs: 10,
      });
      const result = await bounded(60_000, "the node run", (signal) => runner.run(spec, { signal }));
      assert.equal(result.status, "completed", JSON.stringify(result.error));
      assert.equal(result.value, "second try answered");
      assert.equal(result.attempts, 2);
      assert.equal(server.requests.length, 2);
    });
  });

  Deno.test(`pandacode backend (${mode}): a steady answer longer than the stall timeout is not killed`, async () => {
    const text = "a steady stream of words ".repeat(mode === "process" ? 60 : 12);
    await using server = startChatServer([{ kind: "message", text, trickleMs: 80 }]);
    await inTempDir(async (dir) => {
      const runner = new NodeRunner(backendFor(mode, server.baseUrl), dir, {
        stallTimeoutMs: STALL_MS[mode],
      });
      const started = performance.now();
      const result = await bounded(90_000, "the node run", (signal) => runner.run(spec, { signal }));
      const took = performance.now() - started;
      assert.equal(result.status, "completed", JSON.stringify(result.error));
      assert.equal(result.value, text);
      assert.equal(result.attempts, 1);
      assert.ok(took > 1.5 * STALL_MS[mode], `the answer took ${took} ms: longer than the stall timeout`);
    });
  });
}
