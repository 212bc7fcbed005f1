/**
 * `pandacode run --runtime claude --json` end to end: the real pandacode CLI drives the real pinned
 * `claude` CLI against the scripted Anthropic server. The scripted model writes a file with claude's
 * Write tool (so headless permissions work), then answers; the printed report validates against
 * ReportSchema and carries the server's usage, the CLI's cost and the written file.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ReportSchema } from "../../src/common/contract_schema.ts";
import { DEADLINES } from "../_support/deadline.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { linesOf, runCli } from "./cli_support.ts";
import { withClaudeSandbox } from "./claude_harness.ts";

/** Deno's cache of the parent process, so the child CLI does not refetch npm packages under a temp HOME. */
function denoDir(): string {
  const explicit = Deno.env.get("DENO_DIR");
  if (explicit) return explicit;
  const xdg = Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/root", ".cache");
  return join(xdg, "deno");
}

const USAGE = {
  input_tokens: 300,
  output_tokens: 40,
  cache_read_input_tokens: 200,
  cache_creation_input_tokens: 0,
};

Deno.test({
  name: "pandacode run --runtime claude --json: a valid report with the server's usage and the file written",
  ignore: skipUnless("claude CLI", cachedCli("claude")),
  fn: async () => {
    let cwd = "";
    await withClaudeSandbox(
      (_req, turn) =>
        turn === 0
          ? {
            toolUse: { name: "Write", input: { file_path: join(cwd, "notes.txt"), content: "hi\n" } },
            usage: USAGE,
          }
          : { text: "Wrote notes.txt.", usage: USAGE },
      async (sb) => {
        cwd = sb.cwd;
        const { code, stdout, stderr } = await runCli(
          ["run", "--runtime", "claude", "--cwd", sb.cwd, "--model", "claude-sonnet-4-6", "--json"],
          {
            env: { ...sb.env, PANDACODE_CLAUDE_BIN: sb.bin, DENO_DIR: denoDir() },
            stdin: "Write hi into notes.txt",
            deadlineMs: DEADLINES.cli,
          },
        );
        assert.equal(code, 0, stderr);
        assert.equal(linesOf(stdout).length, 1, `one line on stdout: ${stdout}`);
        const report = ReportSchema.parse(JSON.parse(stdout));
        assert.equal(report.status, "completed", JSON.stringify(report.error));
        assert.equal(report.runtime, "claude");
        assert.equal(report.model, "claude-sonnet-4-6");
        assert.equal(report.text, "Wrote notes.txt.");
        assert.equal(report.error, null);
        assert.deepEqual(report.filesChanged, ["notes.txt"]);
        assert.equal(await Deno.readTextFile(join(sb.cwd, "notes.txt")), "hi\n");
        // Two model turns, each reporting USAGE.
        assert.deepEqual(report.usage, {
          inputTokens: 2 * (300 + 200),
          outputTokens: 2 * 40,
          cachedInputTokens: 2 * 200,
          reasoningTokens: 0,
        });
        const expectedCost = 2 * (300 * 3 + 40 * 15 + 200 * 0.3) / 1e6; // claude-sonnet-4-6 list prices
        assert.ok(Math.abs((report.costUsd ?? -1) - expectedCost) < 1e-9, `costUsd ${report.costUsd}`);
        assert.match(report.sessionId ?? "", /^[0-9a-f-]{36}$/);
        assert.equal(sb.server.turns().length, 2);
        assert.match(stderr, /claude: starting/);
      },
    );
  },
});
