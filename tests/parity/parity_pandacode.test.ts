/**
 * Parity through real agents: the same scripts on Claude Code's built-in Workflow runtime and on
 * `odw exec --backend pandacode --runtime claude --json` (every node a real `claude` CLI run through
 * pandacode), both against scripted Anthropic servers giving the same answers. Both must report the
 * same outcome: status, result, errors, log lines and agent count.
 *
 * @module
 */
import assert from "node:assert/strict";
import { completed, parityTest } from "./expect.ts";
import { comparable, runBuiltin, workflowScript } from "./harness.ts";
import { runOdwOnClaude } from "./pandacode_runner.ts";
import type { ReplyRule } from "./replies.ts";

async function expectPandacodeParity(
  body: string,
  replies: ReplyRule[],
  expected: ReturnType<typeof completed>,
) {
  const script = workflowScript(body);
  const builtin = await runBuiltin(script, { replies });
  const odw = await runOdwOnClaude(script, { replies });
  assert.deepEqual(comparable(builtin), expected, "the built-in's outcome");
  assert.deepEqual(comparable(odw), expected, `odw's outcome on pandacode/claude (stderr: ${odw.stderr})`);
  return { builtin, odw };
}

parityTest(
  "pandacode/claude: parallel text agents, a throwing thunk and a structured agent agree",
  async () => {
    const person = {
      type: "object",
      properties: { name: { type: "string" }, year: { type: "integer" } },
      required: ["name", "year"],
    };
    const { odw } = await expectPandacodeParity(
      `phase("Ask");
const r = await parallel([
  () => agent("say hello please", { label: "hello" }),
  async () => { throw new Error("boom"); },
  () => agent("name a colour"),
]);
log("asked " + r.length);
const p = await agent("give person", { schema: ${JSON.stringify(person)} });
log(typeof p + " " + p.name);
return { r, p };`,
      [
        { prompt: "hello", reply: "Hello there" },
        { prompt: "colour", reply: "teal" },
        { prompt: "person", output: { name: "Ada", year: 1815 } },
      ],
      completed(
        { r: ["Hello there", null, "teal"], p: { name: "Ada", year: 1815 } },
        ["parallel[1] failed: boom", "asked 3", "object Ada"],
        3,
      ),
    );
    assert.equal(odw.code, 0);
    // Each agent was a real claude run that received the script's prompt.
    for (const prompt of ["say hello please", "name a colour", "give person"]) {
      assert.ok(
        odw.agentPrompts.some((p) => p.includes(prompt)),
        `${prompt}: ${JSON.stringify(odw.agentPrompts)}`,
      );
    }
  },
);
