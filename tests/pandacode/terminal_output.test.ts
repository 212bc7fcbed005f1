/**
 * pandacode's human output carries no terminal controls from a model or a provider: the runtime's
 * log lines and the summary line on stderr show them escaped (the `--json` report keeps them exact).
 *
 * @module
 */
import assert from "node:assert/strict";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { assertNoControls } from "../_support/terminal_controls.ts";
import { runCli } from "./cli_support.ts";
import { tempWorkspace } from "./bamboo_helpers.ts";

const HOSTILE = "\x1b]0;pwned\x07 \x1b[2J \x9b2J \rspoof \u202eevil";

Deno.test("pandacode stderr shows a provider's hostile error text escaped", async () => {
  await using tmp = await tempWorkspace({ "a.txt": "a\n" });
  await using server = startChatServer([reply.error(400, `bad request ${HOSTILE}`)]);
  const result = await runCli([
    "run",
    "--runtime",
    "bamboo",
    "--provider",
    "deepseek",
    "--base-url",
    server.baseUrl,
    "--cwd",
    tmp.ws,
    "--timeout",
    "20s",
    "Say hi.",
  ], { env: { DEEPSEEK_API_KEY: "test" } });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /pandacode: failed/);
  assertNoControls(result.stderr, "pandacode stderr");
  assert.match(result.stderr, /\\x1b\]0;pwned\\x07/);
});
