/**
 * The pieces of the codex executor that do not need the CLI: folding JSONL lines recorded from codex
 * 0.169.0, classifying its failure messages, merging session usage, and the command lines.
 *
 * @module
 */
import assert from "node:assert/strict";
import { CodexEventCollector } from "../../pandacode/executors/codex_events.ts";
import { classifyCodexError, stderrReason } from "../../pandacode/executors/codex_errors.ts";
import { execArgs } from "../../pandacode/executors/codex_args.ts";

/** Lines printed by `codex exec --json` 0.169.0 for a tool call followed by an answer. */
const RECORDED = [
  `{"type":"thread.started","thread_id":"01a21327-ab2c-74b0-937f-9973b544a1ce"}`,
  `{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata for \`test-model\` not found."}}`,
  `{"type":"turn.started"}`,
  `{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -c 'echo hi > made.txt'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`,
  `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -c 'echo hi > made.txt'","aggregated_output":"done\\n","exit_code":0,"status":"completed"}}`,
  `{"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"src/a.ts","kind":"update"}],"status":"completed"}}`,
  `{"type":"item.completed","item":{"id":"item_3","type":"reasoning","text":"thinking"}}`,
  `{"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":"first"}}`,
  `{"type":"item.completed","item":{"id":"item_5","type":"agent_message","text":"all done"}}`,
  `{"type":"turn.completed","usage":{"input_tokens":120,"cached_input_tokens":50,"cache_write_input_tokens":0,"output_tokens":13,"reasoning_output_tokens":4}}`,
];

Deno.test("codex events: a recorded successful run folds into session, final text, usage and counts", () => {
  const logs: string[] = [];
  const events = new CodexEventCollector((m) => logs.push(m));
  for (const line of RECORDED) events.push(line);
  events.push("");
  events.push("not json");
  const summary = events.summary();
  assert.equal(summary.sessionId, "01a21327-ab2c-74b0-937f-9973b544a1ce");
  assert.equal(summary.text, "all done");
  assert.equal(summary.completed, true);
  assert.equal(summary.failure, null);
  assert.deepEqual(summary.usage, {
    inputTokens: 120,
    cachedInputTokens: 50,
    outputTokens: 13,
    reasoningTokens: 4,
  });
  assert.deepEqual(summary.changedPaths, ["src/a.ts"]);
  assert.equal(summary.counts["item.completed:agent_message"], 2);
  assert.equal(summary.counts["item.started:command_execution"], 1);
  assert.ok(logs.some((l) => l.includes("warning: Model metadata")));
  assert.ok(logs.includes("codex: not json"));
});

Deno.test("codex events: reconnect errors are not fatal, turn.failed is", () => {
  const events = new CodexEventCollector();
  events.push(`{"type":"thread.started","thread_id":"t1"}`);
  events.push(`{"type":"error","message":"Reconnecting... 2/5 (unexpected status 404 Not Found)"}`);
  assert.equal(events.summary().completed, false);
  events.push(
    `{"type":"turn.failed","error":{"message":"exceeded retry limit, last status: 429 Too Many Requests"}}`,
  );
  const summary = events.summary();
  assert.equal(summary.failure, "exceeded retry limit, last status: 429 Too Many Requests");
  assert.deepEqual(summary.usage, {
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
});

Deno.test("codex errors: messages observed from codex 0.169.0 are classified", () => {
  const cases: [string, string, boolean][] = [
    ["exceeded retry limit, last status: 429 Too Many Requests", "rate_limit", true],
    [
      "We’re currently experiencing high demand, which may cause temporary errors.",
      "server_error",
      true,
    ],
    ["stream disconnected before completion: the model exploded", "server_error", true],
    [
      `{"error":{"type":"invalid_request_error","message":"bad","code":"invalid_value"}}`,
      "invalid_request",
      false,
    ],
    [
      `{"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"too long"}}`,
      "context_window",
      false,
    ],
    ["unexpected status 401 Unauthorized: Incorrect API key provided", "auth", false],
    ["something nobody expected", "runtime_error", false],
  ];
  for (const [message, kind, retryable] of cases) {
    const error = classifyCodexError(message);
    assert.equal(error.kind, kind, message);
    assert.equal(error.retryable, retryable, message);
    assert.ok(error.message.startsWith("codex: "));
  }
  assert.equal(
    classifyCodexError(`{"error":{"type":"invalid_request_error","message":"bad","code":"invalid_value"}}`)
      .message,
    "codex: bad (invalid_request_error, invalid_value)",
  );
});

Deno.test("codex errors: the stderr line that explains a failed start", () => {
  const stderr = [
    `WARNING: proceeding, even though we could not create PATH aliases`,
    `Error loading config.toml: model_providers contains reserved built-in provider IDs: \`openai\`.`,
    "in `model_providers`",
    "",
  ].join("\n");
  assert.match(stderrReason(stderr), /^Error loading config.toml: model_providers contains reserved/);
  assert.equal(stderrReason("WARNING: x\nReading additional input from stdin...\n"), "");
});

Deno.test("codex args: prompt on stdin, sandbox, effort mapping, schema, base URL provider", () => {
  const env = { OPENAI_API_KEY: "k" };
  const task = {
    runtime: "codex" as const,
    cwd: "/w",
    prompt: "-p looks like a flag",
    env,
    model: "m",
    effort: "max" as const,
    baseUrl: "http://127.0.0.1:1/v1",
  };
  const args = execArgs(task, "/s.json");
  assert.deepEqual(args.slice(0, 7), [
    "exec",
    "--json",
    "--skip-git-repo-check",
    "--cd",
    "/w",
    "--sandbox",
    "workspace-write",
  ]);
  assert.equal(args.at(-1), "-");
  assert.ok(!args.includes(task.prompt));
  assert.ok(args.includes(`model_reasoning_effort="xhigh"`));
  assert.ok(args.includes(`model_providers.pandacode_base_url.base_url="http://127.0.0.1:1/v1"`));
  assert.ok(args.includes(`model_providers.pandacode_base_url.env_key="OPENAI_API_KEY"`));
  assert.deepEqual(args.slice(args.indexOf("--output-schema"), args.indexOf("--output-schema") + 2), [
    "--output-schema",
    "/s.json",
  ]);
  const noKey = execArgs({ ...task, env: {} });
  assert.ok(noKey.includes("model_providers.pandacode_base_url.requires_openai_auth=true"));
});
