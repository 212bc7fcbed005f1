/**
 * Failures through the real `codex` CLI: a `response.failed` stream event and an HTTP 400 become a
 * failed outcome with a clear message and no retries, and a hanging server aborted by the task's
 * signal ends as `timeout` / `cancelled` with the whole process tree gone.
 *
 * @module
 */
import assert from "node:assert/strict";
import { codexExecutor } from "../../pandacode/executors/codex.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { codexTestEnv, waitGone } from "./codex_env.ts";

const ignore = skipUnless("codex CLI", cachedCli("codex"));

Deno.test({
  name: "codex: a response.failed event fails the task once, retryable, with the server's message",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{
      failed: { code: "server_error", message: "the model exploded" },
    }]);
    const outcome = await codexExecutor.run(env.task(), env.context());
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.error?.kind, "server_error");
    assert.equal(outcome.error?.retryable, true);
    assert.match(outcome.error?.message ?? "", /^codex: .*the model exploded$/);
    assert.equal(outcome.error?.message.includes("\n"), false);
    assert.equal(env.server.responsesCalls().length, 1, "stream_max_retries = 0: no retry");
    assert.ok(outcome.sessionId, "the session had started");
  },
});

Deno.test({
  name: "codex: an HTTP 400 fails the task, not retryable, with the API error message",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{
      httpStatus: 400,
      error: { type: "invalid_request_error", message: "Unsupported parameter: 'foo'", code: "unsupported" },
    }]);
    const outcome = await codexExecutor.run(env.task(), env.context());
    assert.equal(outcome.status, "failed");
    assert.deepEqual(outcome.error, {
      kind: "invalid_request",
      message: "codex: Unsupported parameter: 'foo' (invalid_request_error, unsupported)",
      retryable: false,
    });
    assert.equal(env.server.responsesCalls().length, 1);
    assert.deepEqual(outcome.usage, {
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
  },
});

function commandLine(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

Deno.test({
  name: "codex: a hanging server times out after 2 s and the whole tree, sandboxed command included, dies",
  ignore,
  async fn() {
    // The model first starts a long command (codex keeps it running in the background inside its
    // bwrap sandbox, in another session), then the next model request hangs.
    const cmd = "sleep 97";
    await using env = await codexTestEnv([
      {
        functionCall: {
          name: "exec_command",
          arguments: JSON.stringify({ cmd, login: false, yield_time_ms: 300 }),
        },
      },
      { hang: true },
    ]);
    const controller = new AbortController();
    const started = performance.now();
    let seenAlive: string[] = [];
    const watcher = env.server.hanging.then(() => {
      seenAlive = env.livePids().map(commandLine);
      const left = Math.max(0, 2000 - (performance.now() - started));
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          controller.abort("timeout");
          resolve();
        }, left)
      );
    });
    const outcome = await codexExecutor.run(env.task(), env.context(controller.signal));
    const ms = performance.now() - started;
    await watcher;
    assert.equal(outcome.status, "timeout");
    assert.equal(outcome.error?.kind, "timeout");
    assert.ok(seenAlive.some((c) => c.startsWith("node ")), `node wrapper ran: ${seenAlive.join(" | ")}`);
    assert.ok(seenAlive.some((c) => c === cmd), `the sandboxed command ran: ${seenAlive.join(" | ")}`);
    const { left, waitedMs } = await waitGone(env.livePids, 1000);
    assert.deepEqual(left.map(commandLine), [], "no process of the tree survives");
    assert.ok(ms >= 2000 && ms < 6000, `ended ${ms.toFixed(0)} ms after start`);
    assert.ok(outcome.sessionId, "events before the hang were parsed");
    console.error(
      `codex timeout: ${seenAlive.length} processes alive while hanging, outcome at ${ms.toFixed(0)} ms, ` +
        `all gone ${waitedMs.toFixed(0)} ms later`,
    );
  },
});

Deno.test({
  name: "codex: cancelling a hanging run reports cancelled and kills the tree",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{ hang: true }]);
    const controller = new AbortController();
    env.server.hanging.then(() => controller.abort("cancelled"));
    const outcome = await codexExecutor.run(env.task(), env.context(controller.signal));
    assert.equal(outcome.status, "cancelled");
    assert.equal(outcome.error?.retryable, false);
    assert.deepEqual((await waitGone(env.livePids, 1000)).left, []);
  },
});

Deno.test({
  name: "codex: a CLI that refuses to start (broken config.toml) fails with its own error line",
  ignore,
  async fn() {
    await using env = await codexTestEnv([]);
    await Deno.writeTextFile(`${env.home}/config.toml`, `model_providers = "not a table"\n`);
    const outcome = await codexExecutor.run(env.task(), env.context());
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.error?.kind, "process_exit");
    assert.match(outcome.error?.message ?? "", /^codex: Error loading config\.toml/);
    assert.equal(outcome.sessionId, null);
    assert.equal(env.server.requests.length, 0);
  },
});
