/**
 * bamboo end to end through the real CLI: `pandacode run --runtime bamboo --provider deepseek
 * --base-url <scripted server> --json` edits a file in a temporary workspace and prints one report
 * with the edited file in filesChanged, the usage the server reported, and a cost from the table.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ReportSchema } from "../../src/common/contract_schema.ts";
import { costOf, findProvider } from "../../pandacode/bamboo/providers.ts";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { runCli } from "./cli_support.ts";
import { tempWorkspace } from "./bamboo_helpers.ts";

Deno.test("pandacode run --runtime bamboo --json edits a file and reports it", async () => {
  await using tmp = await tempWorkspace({
    "notes.md": "# Notes\nstatus: draft\n",
    "other.txt": "untouched\n",
  });
  await using server = startChatServer([
    reply.tools([{ name: "read", args: { path: "notes.md" } }], {
      prompt_tokens: 900,
      completion_tokens: 40,
    }),
    reply.tools(
      [{ name: "edit", args: { path: "notes.md", oldString: "status: draft", newString: "status: final" } }],
      { prompt_tokens: 1000, completion_tokens: 50, cached_tokens: 800 },
    ),
    reply.text("Marked the notes final.", { prompt_tokens: 1100, completion_tokens: 12 }),
  ]);
  const started = performance.now();
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
    "--json",
    "Mark the notes as final.",
  ], { env: { DEEPSEEK_API_KEY: "test" } });
  const elapsed = performance.now() - started;

  assert.equal(result.code, 0, result.stderr);
  const report = ReportSchema.parse(JSON.parse(result.stdout));
  assert.equal(report.status, "completed");
  assert.equal(report.runtime, "bamboo");
  assert.equal(report.provider, "deepseek");
  assert.equal(report.text, "Marked the notes final.");
  assert.deepEqual(report.filesChanged, ["notes.md"]);
  assert.equal(await Deno.readTextFile(join(tmp.ws, "notes.md")), "# Notes\nstatus: final\n");
  assert.deepEqual(report.usage, {
    inputTokens: 3000,
    outputTokens: 102,
    cachedInputTokens: 800,
    reasoningTokens: 0,
  });
  assert.ok(report.costUsd !== null && report.costUsd > 0);
  assert.equal(report.costUsd, costOf(findProvider("deepseek")!.prices, report.usage));
  assert.equal(report.error, null);
  assert.equal(server.requests.length, 3);
  assert.equal(server.requests[0].body.model, "deepseek-flash");
  assert.match(result.stderr, /bamboo: step 3: stop/);
  console.log(
    `cli: exit ${result.code} in ${elapsed.toFixed(0)} ms, usage ${JSON.stringify(report.usage)}, ` +
      `cost $${report.costUsd}, filesChanged ${JSON.stringify(report.filesChanged)}`,
  );
});
