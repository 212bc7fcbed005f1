/**
 * End to end through the pandacode CLI: `deno run pandacode/main.ts run --runtime codex --json …`
 * drives the real codex CLI against the scripted Responses server; the printed report validates
 * against {@link ReportSchema} and carries the server's usage, the file the agent made, and a
 * timeout when the server hangs.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ReportSchema } from "../../src/common/contract_schema.ts";
import { DEADLINES } from "../_support/deadline.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { codexTestEnv, TEST_MODEL, waitGone } from "./codex_env.ts";
import { runCli } from "./cli_support.ts";

const ignore = skipUnless("codex CLI", cachedCli("codex"));

/** The codex test environment minus HOME, so the Deno child keeps its own module cache. */
function cliEnv(env: Record<string, string>): Record<string, string> {
  const { HOME: _home, ...rest } = env;
  return rest;
}

Deno.test({
  name: "pandacode run --runtime codex --json: report with the server's usage and the agent's file",
  ignore,
  async fn() {
    const cmd = "printf 'hello' > hello.txt";
    await using env = await codexTestEnv([
      {
        functionCall: { name: "exec_command", arguments: JSON.stringify({ cmd, login: false }) },
        usage: { inputTokens: 900, cachedInputTokens: 0, outputTokens: 30, reasoningTokens: 10 },
      },
      {
        text: "Wrote hello.txt.",
        usage: { inputTokens: 1000, cachedInputTokens: 900, outputTokens: 12, reasoningTokens: 2 },
      },
    ]);
    const started = performance.now();
    const result = await runCli(
      [
        "run",
        "--runtime",
        "codex",
        "--json",
        "--cwd",
        env.workspace,
        "--model",
        TEST_MODEL,
        "--effort",
        "low",
      ],
      { env: cliEnv(env.env), stdin: "Write hello.txt", deadlineMs: DEADLINES.cli },
    );
    const ms = performance.now() - started;
    assert.equal(result.code, 0, result.stderr);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    assert.equal(report.status, "completed");
    assert.equal(report.runtime, "codex");
    assert.equal(report.model, TEST_MODEL);
    assert.equal(report.text, "Wrote hello.txt.");
    assert.deepEqual(report.usage, {
      inputTokens: 1900,
      cachedInputTokens: 900,
      outputTokens: 42,
      reasoningTokens: 12,
    });
    assert.equal(report.costUsd, null);
    assert.deepEqual(report.filesChanged, ["hello.txt"]);
    assert.match(report.sessionId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(report.error, null);
    const body = env.server.responsesCalls()[0].body as { reasoning: { effort: string } };
    assert.equal(body.reasoning.effort, "low");
    console.error(`pandacode codex e2e: ${ms.toFixed(0)} ms, durationMs ${report.durationMs}`);
  },
});

Deno.test({
  name: "pandacode run --runtime codex --timeout 2s against a hanging server: timeout report, exit 1",
  ignore,
  async fn() {
    await using env = await codexTestEnv([{ hang: true }]);
    const result = await runCli(
      ["run", "--runtime", "codex", "--json", "--cwd", env.workspace, "--timeout", "2s", "say hello"],
      { env: cliEnv(env.env), deadlineMs: DEADLINES.cli },
    );
    assert.equal(result.code, 1, result.stderr);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    assert.equal(report.status, "timeout");
    assert.equal(report.error?.kind, "timeout");
    assert.match(report.error?.message ?? "", /timed out after 2s/);
    // pandacode counts durationMs from the instant it armed the timeout, so at least 2000; the upper
    // bound leaves room for the kill (SIGTERM, then SIGKILL after 1.5 s) on a loaded machine.
    assert.ok(report.durationMs >= 2000, `durationMs ${report.durationMs} < the 2 s timeout`);
    assert.ok(report.durationMs < 2000 + 20_000, `durationMs ${report.durationMs}`);
    assert.deepEqual((await waitGone(env.livePids, 10_000)).left, [], "the CLI left no codex process behind");
  },
});
