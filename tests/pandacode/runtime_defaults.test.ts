/**
 * pandacode's table of the CLIs' default models (pandacode/runtimes.ts) against the real pinned CLIs:
 * run without a model, each asks the scripted server for exactly the model the table names, so the
 * routing odw shows and the list price it applies stay true when a CLI is upgraded.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { claudeExecutor } from "../../pandacode/executors/claude.ts";
import { codexExecutor } from "../../pandacode/executors/codex.ts";
import { CLAUDE_CLI_DEFAULT_MODEL, CODEX_CLI_DEFAULT_MODEL } from "../../pandacode/runtimes.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { withClaudeSandbox } from "./claude_harness.ts";
import { codexConfig, codexTestEnv } from "./codex_env.ts";

Deno.test({
  name: "runtime defaults: the pinned claude CLI uses the model the table names when given none",
  ignore: skipUnless("claude CLI", cachedCli("claude")),
  fn: () =>
    withClaudeSandbox([{ text: "hi" }], async (sb) => {
      const outcome = await claudeExecutor.run(sb.task({ prompt: "say hi" }), sb.ctx());
      assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
      const models = sb.server.turns().map((t) => t.body?.model);
      assert.deepEqual(models, [CLAUDE_CLI_DEFAULT_MODEL]);
      assert.equal(outcome.model, CLAUDE_CLI_DEFAULT_MODEL, "and reports it");
    }),
});

Deno.test({
  name: "runtime defaults: the pinned codex CLI uses the model the table names when its config names none",
  ignore: skipUnless("codex CLI", cachedCli("codex")),
  fn: async () => {
    await using env = await codexTestEnv([{ text: "hi", usage: { inputTokens: 5, outputTokens: 1 } }]);
    const config = codexConfig(env.server.baseUrl).replace(/^model = .*\n/m, "");
    await Deno.writeTextFile(join(env.home, "config.toml"), config);
    const outcome = await codexExecutor.run(env.task({ prompt: "say hi" }), env.context());
    assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
    const models = env.server.responsesCalls().map((c) => (c.body as { model?: string }).model);
    assert.deepEqual(models, [CODEX_CLI_DEFAULT_MODEL]);
  },
});
