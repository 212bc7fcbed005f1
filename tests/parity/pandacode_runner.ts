/**
 * The parity path through real agents: runs a workflow with exactly
 * `odw exec workflow.js --backend pandacode --runtime claude --json`, where every node is a real
 * pinned `claude` CLI (through pandacode, `PANDACODE_CLAUDE_BIN`) talking to a scripted Anthropic
 * server (`ANTHROPIC_BASE_URL`) that answers with the same {@link ReplyRule}s the built-in's
 * subagents get in {@link runBuiltin}. So the same script is compared side by side with Claude Code's
 * own runtime on the same answers, with no mock in between.
 *
 * @example
 * ```ts
 * const odw = await runOdwOnClaude(workflowScript('return await agent("hi");'), { replies });
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { odwDenoArgs, runProcess } from "../_support/odw.ts";
import { cachedCli } from "../_support/prereq.ts";
import { claudeTestEnv } from "../_support/claude_env.ts";
import { type RecordedRequest, startAnthropicServer } from "../fixtures/anthropic_server.ts";
import { odwOutcome, type OdwParityRun } from "./harness.ts";
import { anthropicReply, type ReplyRule } from "./replies.ts";

/** An odw run on the claude runtime, with what its agents were asked. */
export interface OdwClaudeRun extends OdwParityRun {
  /** The user text of each main agent turn the server saw, in arrival order. */
  agentPrompts: string[];
  requests: RecordedRequest[];
}

/** Options of {@link runOdwOnClaude}. */
export interface OdwClaudeOptions {
  args?: unknown;
  replies?: ReplyRule[];
  files?: Record<string, string>;
  /** Kill odw after this long (default 120 s). */
  timeoutMs?: number;
}

/** The text blocks of the first user message (the prompt pandacode sent on stdin, plus any reminders). */
function userPrompt(body: Record<string, unknown> | null): string {
  const first = ((body?.messages ?? []) as { role: string; content: unknown }[])[0];
  if (!first) return "";
  if (typeof first.content === "string") return first.content;
  return (first.content as { type?: string; text?: string }[])
    .filter((b) => b.type === "text" && !(b.text ?? "").startsWith("<system-reminder>"))
    .map((b) => b.text ?? "").join("\n");
}

/** Runs `script` on odw's pandacode backend with the claude runtime. */
export async function runOdwOnClaude(script: string, opts: OdwClaudeOptions = {}): Promise<OdwClaudeRun> {
  const bin = cachedCli("claude");
  if (!bin) throw new Error("claude CLI is missing (run scripts/install-test-deps)");
  const replies = opts.replies ?? [];
  const agentPrompts: string[] = [];
  const server = startAnthropicServer((request) => {
    const prompt = userPrompt(request.body);
    agentPrompts.push(prompt);
    return anthropicReply(replies, prompt);
  });
  const root = await Deno.makeTempDir({ prefix: "odw-parity-pandacode-" });
  try {
    const home = join(root, "home");
    const dir = join(root, "project");
    await Deno.mkdir(join(home, ".claude"), { recursive: true });
    for (const [relative, content] of Object.entries({ ...opts.files, "workflow.js": script })) {
      await Deno.mkdir(dirname(join(dir, relative)), { recursive: true });
      await Deno.writeTextFile(join(dir, relative), content);
    }
    const args = [
      "exec",
      "workflow.js",
      "--backend",
      "pandacode",
      "--runtime",
      "claude",
      "--json",
      "--quiet",
    ];
    if (opts.args !== undefined) args.push("--args", JSON.stringify(opts.args));
    const env = { ...claudeTestEnv(home, server.url), PANDACODE_CLAUDE_BIN: bin };
    const run = await runProcess(Deno.execPath(), odwDenoArgs(args), dir, {
      env,
      timeoutMs: opts.timeoutMs ?? 120_000,
    });
    return { ...odwOutcome(run), agentPrompts, requests: server.requests };
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
}
