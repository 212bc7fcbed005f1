/**
 * End to end on the pandacode backend (in-process, the default): ONE `odw exec` whose nodes go to
 * bamboo (the scripted OpenAI-compatible server, as provider kimi), claude (the real pinned CLI
 * against the scripted Anthropic server) and codex (the real CLI against the scripted Responses
 * server), each node routed by a different source — the agent's options, `meta.phases[].model`,
 * `.odw/config.json` (a phase, then defaults), the command line, pandacode's defaults — with structured
 * output (claude; codex after a schema retry whose errors reach the second try's prompt) and a file
 * edit that really changes the file on disk. The servers' recorded requests prove which model each
 * runtime was asked for; the journal and `--json` say the same.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { NodeFinishedEvent, NodeStartedEvent } from "../../src/engine/events.ts";
import { withProject } from "../_support/odw.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { reply } from "../fixtures/openai_chat_server.ts";
import { lastUserText } from "../pandacode/codex_env.ts";
import { anthropicUserText, chatUserText, startWorld, writePandacodeLauncher } from "./pandacode_world.ts";

const ignore = skipUnless("claude and codex CLIs", cachedCli("claude") && cachedCli("codex"));

const SCRIPT = `export const meta = {
  name: "three-runtimes",
  description: "bamboo, claude and codex in one run",
  phases: [{ title: "Draft", model: "draft-model" }, { title: "Review" }, { title: "Edit" }],
};
phase("Draft");
const [draft, answer] = await parallel([
  () => agent("DRAFT the release note", { label: "draft" }),
  () => agent("CODEX compute the answer", {
    label: "answer",
    runtime: "codex",
    model: "codex-model",
    schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
  }),
]);
phase("Review");
const review = await agent("REVIEW the draft: " + draft, {
  label: "review",
  schema: { type: "object", properties: { verdict: { type: "string" }, score: { type: "integer" } }, required: ["verdict", "score"] },
});
phase("Edit");
const edit = await agent("EDIT notes/todo.txt: tick the ship item", { label: "edit" });
return { draft, answer, review, edit };`;

const CONFIG = {
  defaults: { provider: "kimi" },
  phases: { Review: { runtime: "claude", model: "claude-review-model" } },
};

for (const mode of ["in-process", "process"] as const) {
  Deno.test({
    name: `pandacode backend (${mode}): bamboo, claude and codex in one run, routed from every source`,
    ignore,
    fn: () => threeRuntimes(mode),
  });
}

/** The run, with pandacode in-process (the default) or as a process per node (the bundled pandacode). */
async function threeRuntimes(mode: "in-process" | "process"): Promise<void> {
  {
    await using world = await startWorld({
      anthropic: (request) => {
        if (!anthropicUserText(request.body).includes("REVIEW the draft")) return { text: "unexpected" };
        return { toolUse: { name: "StructuredOutput", input: { verdict: "ship it", score: 9 } } };
      },
      // The codex node's first answer misses the schema; the engine's second try gets the errors.
      responses: [
        { text: '{"wrong": 1}', usage: { inputTokens: 100, outputTokens: 5 } },
        { text: '{"answer": "42"}', usage: { inputTokens: 120, outputTokens: 6 } },
      ],
      chat: (request) => {
        const text = chatUserText(request.body);
        const last = request.body.messages.at(-1);
        if (text.includes("DRAFT")) {
          return reply.text("Draft: v1 ships", { prompt_tokens: 30, completion_tokens: 4 });
        }
        if (last.role === "tool") return reply.text("ticked", { prompt_tokens: 50, completion_tokens: 2 });
        if (text.includes("EDIT")) {
          return reply.tools([{
            name: "edit",
            args: { path: "notes/todo.txt", oldString: "- [ ] ship", newString: "- [x] ship" },
          }], { prompt_tokens: 40, completion_tokens: 9 });
        }
        return reply.error(400, "unexpected request");
      },
    });
    await withProject(async (project) => {
      await project.write("wf.js", SCRIPT);
      await project.write(".odw/config.json", JSON.stringify(CONFIG));
      await project.write("notes/todo.txt", "- [ ] ship\n- [ ] celebrate\n");
      const launcher = mode === "process" ? await writePandacodeLauncher(project.path(".")) : undefined;
      const extra = launcher ? ["--pandacode", launcher] : [];
      const run = await project.odw(
        ["exec", "wf.js", "--runtime", "bamboo", "--node-timeout", "3m", "--json", "--quiet", ...extra],
        { env: world.env, timeoutMs: 240_000 },
      );
      assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
      const result = run.json?.result as Record<string, unknown>;
      assert.deepEqual(result, {
        draft: "Draft: v1 ships",
        answer: { answer: "42" },
        review: { verdict: "ship it", score: 9 },
        edit: "ticked",
      }, `logs: ${JSON.stringify(run.json?.logs)}`);
      // The file edit really happened on disk.
      assert.equal(await Deno.readTextFile(project.path("notes/todo.txt")), "- [x] ship\n- [ ] celebrate\n");

      // Which model each runtime was asked for, as the servers saw it.
      const chatModels = world.chat.requests.map((r) => [chatUserText(r.body).slice(0, 12), r.body.model]);
      assert.ok(
        chatModels.some(([t, m]) => t.includes("DRAFT") && m === "draft-model"),
        JSON.stringify(chatModels),
      );
      assert.ok(
        chatModels.some(([t, m]) => t.includes("EDIT") && m === "kimi-k2.6"),
        JSON.stringify(chatModels),
      );
      const claudeTurns = world.anthropic.turns();
      assert.ok(claudeTurns.length >= 1);
      assert.ok(claudeTurns.every((t) => t.body?.model === "claude-review-model"));
      const codexCalls = world.responses.responsesCalls();
      assert.equal(codexCalls.length, 2, "one codex run per engine try");
      assert.ok(codexCalls.every((c) => (c.body as { model?: string }).model === "codex-model"));
      assert.doesNotMatch(lastUserText(codexCalls[0].body), /previous answer was rejected/);
      assert.match(lastUserText(codexCalls[1].body), /previous answer was rejected\. Output does not match/);

      // The journal: resolved routing with its sources at the start, what ran at the end.
      const record = await project.readRun(String(run.json?.runDir));
      const started = new Map(
        record.events.filter((e): e is NodeStartedEvent => e.type === "node.started").map((
          e,
        ) => [e.label, e]),
      );
      const finished = new Map(
        record.events.filter((e): e is NodeFinishedEvent => e.type === "node.finished").map((
          e,
        ) => [e.label, e]),
      );
      assert.deepEqual(started.get("draft")?.routing, {
        runtime: "bamboo",
        provider: "kimi",
        model: "draft-model",
        timeoutMs: 180_000,
        sources: {
          runtime: "command line",
          provider: "config.defaults",
          model: "meta.phases",
          timeoutMs: "command line",
        },
      });
      assert.deepEqual(started.get("answer")?.routing?.sources, {
        runtime: "agent",
        model: "agent",
        timeoutMs: "command line",
      });
      assert.deepEqual(started.get("review")?.routing?.sources, {
        runtime: "config.phases",
        model: "config.phases",
        timeoutMs: "command line",
      });
      assert.deepEqual(started.get("edit")?.routing, {
        runtime: "bamboo",
        provider: "kimi",
        model: "kimi-k2.6",
        timeoutMs: 180_000,
        sources: {
          runtime: "command line",
          provider: "config.defaults",
          model: "default",
          timeoutMs: "command line",
        },
      });
      const ran = (label: string) => {
        const e = finished.get(label);
        return [e?.status, e?.runtime, e?.provider, e?.model];
      };
      assert.deepEqual(ran("draft"), ["completed", "bamboo", "kimi", "scripted-model"]);
      assert.deepEqual(ran("answer"), ["completed", "codex", null, "codex-model"]);
      assert.deepEqual(ran("review").slice(0, 2), ["completed", "claude"]);
      assert.equal(finished.get("answer")?.attempts, 2);
      assert.deepEqual(finished.get("edit")?.filesChanged, ["notes/todo.txt"]);
      const runStarted = record.events[0];
      assert.ok(runStarted.type === "run.started");
      assert.equal(runStarted.backend, "pandacode");
      assert.equal(
        runStarted.backendDetail,
        launcher ? `process ${launcher}` : "in-process",
      );

      // --json lists every node with the routing that ran.
      const nodes = run.json?.nodes as { label: string; runtime: string }[];
      assert.deepEqual(nodes.map((n) => [n.label, n.runtime]).sort(), [
        ["answer", "codex"],
        ["draft", "bamboo"],
        ["edit", "bamboo"],
        ["review", "claude"],
      ]);
    });
  }
}
