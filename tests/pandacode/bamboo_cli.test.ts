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

Deno.test("pandacode run --heartbeat: 'pandacode: alive' on stderr while an answer trickles in, at most once a second", async () => {
  await using tmp = await tempWorkspace({});
  // About 2.5 s of answer: some 640 bytes in 16-byte chunks, one every 60 ms (twice: two runs).
  const slow = { kind: "message", text: "x".repeat(500), trickleMs: 60 } as const;
  await using server = startChatServer([slow, slow]);
  const args = ["run", "--runtime", "bamboo", "--base-url", server.baseUrl, "--cwd", tmp.ws, "--json", "go"];
  const env = { env: { DEEPSEEK_API_KEY: "test" } };
  const [withBeat, without] = [await runCli([...args, "--heartbeat"], env), await runCli(args, env)];
  for (const run of [withBeat, without]) assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
  const beats = withBeat.stderr.split("\n").filter((line) => line === "pandacode: alive").length;
  assert.ok(beats >= 1 && beats <= 4, `heartbeats: ${beats}\n${withBeat.stderr}`);
  assert.ok(!without.stderr.includes("pandacode: alive"), "no heartbeat without the flag");
  assert.equal(JSON.parse(withBeat.stdout).text, "x".repeat(500), "stdout stays the one report");
});
