/**
 * Failures through the real `codex` CLI: a `response.failed` stream event and an HTTP 400 become a
 * failed outcome with a clear message and no retries, and a hanging server aborted by the task's
 * signal ends as `timeout` / `cancelled` with the whole process tree gone.
 *
 * @module
 */
import assert from "node:assert/strict";
import { awaitDuring, DEADLINES } from "../_support/deadline.ts";
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
    const outcome = await env.run();
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
    const outcome = await env.run();
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
    const running = env.run(env.task(), controller.signal);
    // Starting codex (and its first model turn) can take many seconds on a loaded machine: wait for
    // the held request, or an early end of the run (which fails the test), with a deadline.
    await awaitDuring(
      env.server.hanging,
      running,
      DEADLINES.cliStart,
      "codex to reach the hanging server",
      () => controller.abort("cancelled"),
    );
    const seenAlive = env.livePids().map(commandLine);
    const abortAt = performance.now();
    const timer = setTimeout(() => controller.abort("timeout"), 2000);
    const outcome = await running.finally(() => clearTimeout(timer));
    const afterAbortMs = performance.now() - abortAt - 2000;
    assert.equal(outcome.status, "timeout");
    assert.equal(outcome.error?.kind, "timeout");
    assert.ok(seenAlive.some((c) => c.startsWith("node ")), `node wrapper ran: ${seenAlive.join(" | ")}`);
    assert.ok(seenAlive.some((c) => c === cmd), `the sandboxed command ran: ${seenAlive.join(" | ")}`);
    const { left, waitedMs } = await waitGone(env.livePids, 10_000);
    assert.deepEqual(left.map(commandLine), [], "no process of the tree survives");
    // Same clock as the abort timer; the bound only tells "killed on the abort" from "waited for the
    // command" (sleep 97), with room for a loaded machine.
    assert.ok(
      afterAbortMs >= 0 && afterAbortMs < 20_000,
      `ended ${afterAbortMs.toFixed(0)} ms after the abort`,
    );
    assert.ok(outcome.sessionId, "events before the hang were parsed");
    console.error(
      `codex timeout: ${seenAlive.length} processes alive while hanging, outcome ${
        afterAbortMs.toFixed(0)
      } ms ` +
        `after the abort, all gone ${waitedMs.toFixed(0)} ms later`,
    );
  },
});

Deno.test({
  name: "codex: cancelling a hanging run reports cancelled and kills the tree",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{ hang: true }]);
    const controller = new AbortController();
    // If the server is never reached the run ends on its own (and fails below) or at its deadline.
    env.server.hanging.then(() => controller.abort("cancelled"));
    const outcome = await env.run(env.task(), controller.signal);
    assert.equal(outcome.status, "cancelled");
    assert.equal(outcome.error?.retryable, false);
    assert.deepEqual((await waitGone(env.livePids, 10_000)).left, []);
  },
});

Deno.test({
  name: "codex: a CLI that refuses to start (broken config.toml) fails with its own error line",
  ignore,
  async fn() {
    await using env = await codexTestEnv([]);
    await Deno.writeTextFile(`${env.home}/config.toml`, `model_providers = "not a table"\n`);
    const outcome = await env.run();
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.error?.kind, "process_exit");
    assert.match(outcome.error?.message ?? "", /^codex: Error loading config\.toml/);
    assert.equal(outcome.sessionId, null);
    assert.equal(env.server.requests.length, 0);
  },
});
