/**
 * bamboo's bash tool through the loop: the command runs in the workspace with its output and exit
 * code returned to the model, and a command past its timeout is killed with its whole process group.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CappedOutput } from "../../pandacode/bamboo/bash_tool.ts";
import { reply, startChatServer, toolResultsOf } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace, testContext, waitDead } from "./bamboo_helpers.ts";

Deno.test("bamboo bash runs in the workspace (without the API key) and returns output and exit code", async () => {
  await using tmp = await tempWorkspace({ "marker.txt": "m" });
  await using server = startChatServer([
    reply.tools([{
      name: "bash",
      args: { command: 'pwd; ls; echo "key=${DEEPSEEK_API_KEY:-unset}"; echo to-stderr >&2; exit 3' },
    }]),
    reply.text("ran it"),
  ]);
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), testContext());
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  const [result] = toolResultsOf(server.requests[1]);
  const lines = result.content.split("\n");
  assert.equal(lines[0], "exit code 3");
  assert.equal(lines[1], await Deno.realPath(tmp.ws));
  assert.ok(lines.includes("marker.txt"), result.content);
  assert.ok(lines.includes("to-stderr"), result.content);
  assert.ok(lines.includes("key=unset"), "the provider key is not passed to commands");
});

Deno.test("bamboo bash timeout kills the command and its children", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.tools([{
      name: "bash",
      args: {
        command: "echo $$ > shell.pid; sleep 30 & echo $! > sleeper.pid; echo started; wait",
        timeoutSeconds: 0.5,
      },
    }]),
    reply.text("it hung"),
  ]);
  const started = performance.now();
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), testContext());
  const elapsed = performance.now() - started;
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  const [result] = toolResultsOf(server.requests[1]);
  assert.match(result.content, /^timed out after 0.5 s; the command was killed/);
  assert.match(result.content, /\nstarted$/);
  // Without the kill the tool would wait for `sleep 30`; the bound leaves room for a loaded machine.
  assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
  const shell = Number(await Deno.readTextFile(join(tmp.ws, "shell.pid")));
  const sleeper = Number(await Deno.readTextFile(join(tmp.ws, "sleeper.pid")));
  assert.ok(await waitDead(shell, 10_000), `shell ${shell} still alive`);
  assert.ok(await waitDead(sleeper, 10_000), `sleep ${sleeper} still alive`);
  console.log(`bash timeout: tool returned after ${elapsed.toFixed(0)} ms; shell and sleep child gone`);
});

Deno.test("bash output keeps its head and tail when too long", () => {
  const out = new CappedOutput(20);
  out.append("0123456789");
  out.append("abcdefghij");
  out.append("KLMNOPQRST");
  assert.equal(out.toString(), "0123456789\n[… 10 characters omitted …]\nKLMNOPQRST");
  const small = new CappedOutput(20);
  small.append("short\n");
  assert.equal(small.toString(), "short\n");
});
