/**
 * The pandacode backend class with real components (bamboo on the scripted OpenAI-compatible server,
 * the bundled pandacode as a process): both modes give the same try result, every sign of life of the
 * executor reaches `onActivity`, the process's environment passes through to the child, an abort stops
 * a try in time, a schema miss comes back for the engine's tries, and prices and defaults come from
 * pandacode's tables.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { NodeRequest } from "../../src/backends/backend.ts";
import { PandacodeBackend, promptOf } from "../../src/backends/pandacode.ts";
import { bundledPandacodeCommand } from "../../src/backends/pandacode_process.ts";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { bambooTestEnv, chatUserText, inTempDir } from "./pandacode_world.ts";
import { bounded } from "../_support/deadline.ts";

function env(baseUrl: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    ...bambooTestEnv(baseUrl),
  };
}

const request = (cwd: string, over: Partial<NodeRequest> = {}): NodeRequest => ({
  key: "k#1",
  prompt: "list the files",
  label: "l",
  runtime: "bamboo",
  cwd,
  attempt: 1,
  ...over,
});

for (const mode of ["in-process", "process"] as const) {
  Deno.test(`pandacode backend (${mode}): a tool-using bamboo node completes, with activity on every step`, async () => {
    await using server = startChatServer((req, i) =>
      i === 0
        ? reply.tools([{ name: "list", args: { path: "." } }], { prompt_tokens: 30, completion_tokens: 5 })
        : reply.text(`listed: ${req.body.messages.at(-1).content.includes("a.txt")}`, {
          prompt_tokens: 40,
          completion_tokens: 3,
        })
    );
    await inTempDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/a.txt`, "x");
      const backend = new PandacodeBackend(
        mode === "in-process"
          ? { kind: "in-process" }
          : { kind: "process", command: bundledPandacodeCommand() },
        () => env(server.baseUrl),
      );
      let activity = 0;
      const got = await bounded(
        60_000,
        "the backend run",
        (signal) => backend.run(request(dir), signal, () => activity++),
      );
      assert.equal(got.status, "completed", JSON.stringify(got.error));
      assert.equal(got.text, "listed: true");
      assert.deepEqual(got.usage, {
        inputTokens: 70,
        outputTokens: 8,
        cachedInputTokens: 0,
        reasoningTokens: 0,
      });
      assert.deepEqual([got.runtime, got.provider, got.model], ["bamboo", "deepseek", "scripted-model"]);
      assert.ok(activity >= 2, `activity ${activity}: at least one sign of life per model step`);
      assert.equal(
        server.requests[0].headers.authorization,
        "Bearer test-deepseek-key",
        "the key came from the env",
      );
    });
  });

  Deno.test(`pandacode backend (${mode}): an abort stops a hanging try in time`, async () => {
    await using server = startChatServer(() => reply.hang());
    await inTempDir(async (dir) => {
      const backend = new PandacodeBackend(
        mode === "in-process"
          ? { kind: "in-process" }
          : { kind: "process", command: bundledPandacodeCommand() },
        () => env(server.baseUrl),
      );
      const controller = new AbortController();
      const started = performance.now();
      const pending = backend.run(request(dir), controller.signal);
      // Abort once the request is being held (or after 20 s, which fails the test below).
      const deadline = performance.now() + 20_000;
      while (server.requests.length === 0 && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      controller.abort();
      const got = await pending;
      assert.equal(got.status, "cancelled", JSON.stringify(got));
      assert.ok(performance.now() - started < 25_000);
    });
  });
}

Deno.test("pandacode backend: the child process gets this process's environment", async () => {
  await inTempDir(async (dir) => {
    const exe = `${dir}/echo-env.sh`;
    await Deno.writeTextFile(
      exe,
      `#!/bin/sh
cat >/dev/null
printf '{"status":"completed","runtime":"bamboo","provider":null,"model":null,"text":"%s|%s","output":null,' "$ODW_TEST_PASS" "$1"
printf '"usage":{"inputTokens":0,"outputTokens":0,"cachedInputTokens":0,"reasoningTokens":0},"costUsd":null,'
printf '"durationMs":0,"filesChanged":[],"sessionId":null,"error":null}\\n'
`,
    );
    await Deno.chmod(exe, 0o755);
    const backend = new PandacodeBackend(
      { kind: "process", command: [exe] },
      () => ({ ODW_TEST_PASS: "through" }),
    );
    const got = await bounded(20_000, "the backend run", (signal) => backend.run(request(dir), signal));
    assert.equal(got.text, "through|run");
  });
});

Deno.test("pandacode backend: a schema miss comes back for the engine's tries, with the errors in the next prompt", async () => {
  await using server = startChatServer((req) =>
    reply.tools([{
      name: "submit",
      args: chatUserText(req.body).includes("previous answer was rejected") ? { n: 2 } : { n: "two" },
    }], { prompt_tokens: 1, completion_tokens: 1 })
  );
  await inTempDir(async (dir) => {
    const backend = new PandacodeBackend({ kind: "in-process" }, () => env(server.baseUrl));
    const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    // bamboo's three invalid submissions make its report `failed`/`schema`: the engine gets it as an
    // answer to check (completed, no output), so its own schema tries go on.
    const first = await bounded(
      60_000,
      "the first try",
      (signal) => backend.run(request(dir, { schema }), signal),
    );
    assert.equal(first.status, "completed", JSON.stringify(first));
    assert.equal(first.error, undefined);
    assert.equal(first.output, undefined);
    const feedback = "Output does not match required schema: /n: must be integer";
    const second = await bounded(
      60_000,
      "the second try",
      (signal) => backend.run(request(dir, { schema, attempt: 2, feedback }), signal),
    );
    assert.deepEqual([second.status, second.output], ["completed", { n: 2 }]);
    const retried = server.requests.find((r) =>
      chatUserText(r.body).includes("previous answer was rejected")
    );
    assert.ok(retried, "the second try's prompt carried the feedback");
    assert.ok(chatUserText(retried.body).includes(feedback));
    assert.equal(
      promptOf(request(dir, { feedback })),
      `list the files\n\n---\nYour previous answer was rejected. ${feedback}\n` +
        "Answer again, with output that matches the required schema exactly.",
    );
  });
});

Deno.test("pandacode backend: list prices and defaults come from pandacode's tables", () => {
  const backend = new PandacodeBackend({ kind: "in-process" });
  assert.deepEqual(backend.routingDefaults("bamboo")?.model, "deepseek-flash");
  assert.deepEqual(backend.routingDefaults("bamboo", "kimi")?.model, "kimi-k2.6");
  assert.equal(backend.routingDefaults("claude")?.model, "claude-opus-5-5");
  assert.equal(backend.routingDefaults("codex")?.model, "gpt-6.1-sol");
  assert.equal(backend.routingDefaults("gpt"), null);
  const claude = backend.priceOf({ runtime: "claude" });
  assert.deepEqual([claude?.inputPerMTok, claude?.outputPerMTok, claude?.cachedInputPerMTok], [4, 20, 0.2]);
  assert.match(claude?.note ?? "", /list price/);
  assert.equal(backend.priceOf({ runtime: "codex", model: "gpt-6.1-sol" })?.inputPerMTok, 2);
  assert.equal(backend.priceOf({ runtime: "bamboo", provider: "kimi" })?.outputPerMTok, 4);
  assert.equal(backend.priceOf({ runtime: "bamboo", model: "some-other-model" }), null);
  assert.equal(backend.priceOf({ runtime: "claude", model: "claude-unknown" }), null);
});
