/**
 * Runs a workflow script on Claude Code's real built-in Workflow runtime: the pinned `claude` CLI,
 * headless (`-p … --output-format stream-json --verbose --permission-mode bypassPermissions`), with
 * workflows switched on by `CLAUDE_CODE_WORKFLOWS=1`, against a scripted Anthropic server on 127.0.0.1.
 *
 * The server plays two roles. The main loop's first turn answers with a `Workflow` tool call carrying
 * the script and args; every later main-loop turn (the "launched in background" tool result, the task
 * notification) gets a plain `end_turn` text. Requests whose system prompt carries the workflow
 * subagent marker are the script's `agent()` calls and are answered by the {@link ReplyRule}s.
 *
 * The outcome is read from the run record the built-in writes when the workflow ends,
 * `$CLAUDE_CONFIG_DIR/projects/<cwd>/<session>/workflows/wf_<id>.json`
 * (`status`, `result`, `error`, `logs`, `agentCount`). When the script is refused before it starts,
 * no record exists and the Workflow tool result (an error) is returned instead.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { DEADLINES } from "../_support/deadline.ts";
import { cachedCli } from "../_support/prereq.ts";
import { claudeTestEnv } from "../_support/claude_env.ts";
import { runBounded } from "../_support/processes.ts";
import { type RecordedRequest, startAnthropicServer } from "../fixtures/anthropic_server.ts";
import { anthropicReply, framedPrompt, type ReplyRule } from "./replies.ts";

/** What a workflow run produced, as both runtimes report it. */
export interface ParityOutcome {
  /** `completed` / `failed`, or `refused` when the script never started. */
  status: string;
  result: unknown;
  /** Error text (null when completed). */
  error: string | null;
  logs: string[];
  agentCount: number;
}

/** A built-in run: the outcome plus what the CLI did. */
export interface BuiltinRun extends ParityOutcome {
  /** Prompts of the subagent requests, in arrival order (one per API call, retries included). */
  agentPrompts: string[];
  /** Every request the server saw. */
  requests: RecordedRequest[];
  /** The CLI's stream-json events. */
  events: Record<string, unknown>[];
  /** Wall time of the CLI process, in milliseconds. */
  ms: number;
}

/** Options of {@link runBuiltin}. */
export interface BuiltinOptions {
  /** The Workflow tool's `args` (left out of the tool input when undefined). */
  args?: unknown;
  /** How the script's agents are answered. */
  replies?: ReplyRule[];
  /** Extra files to create in the working directory (relative path → content). */
  files?: Record<string, string>;
  /** Kill the CLI's process tree and fail after this long (default `DEADLINES.cli`). */
  timeoutMs?: number;
}

/** Marker at the start of a workflow subagent's system prompt. */
export const SUBAGENT_MARKER = "You are a subagent spawned by a workflow orchestration script";

/** The user prompt the main loop receives; it only needs to be there. */
const MAIN_PROMPT = "Run the parity workflow.";

function isSubagent(request: RecordedRequest): boolean {
  return JSON.stringify(request.body?.system ?? "").includes(SUBAGENT_MARKER);
}

/** True when the main loop has not yet been given the Workflow call (no assistant turn so far). */
function isFirstMainTurn(request: RecordedRequest): boolean {
  const messages = (request.body?.messages ?? []) as { role: string }[];
  return !messages.some((m) => m.role === "assistant");
}

async function findFiles(dir: string, test: (path: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) found.push(...await findFiles(path, test));
      else if (entry.isFile && test(path)) found.push(path);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return found;
}

/** The Workflow tool's result text in the stream (the refusal message when the script was refused). */
function workflowToolResult(events: Record<string, unknown>[]): { text: string; isError: boolean } | null {
  for (const event of events) {
    if (event.type !== "user") continue;
    const content = (event.message as { content?: unknown })?.content;
    if (!Array.isArray(content)) continue;
    for (const block of content as { type?: string; content?: unknown; is_error?: boolean }[]) {
      if (block.type !== "tool_result") continue;
      const text = typeof block.content === "string" ? block.content : JSON.stringify(block.content);
      return { text, isError: block.is_error === true };
    }
  }
  return null;
}

function parseEvents(stdout: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line));
    } catch { /* not an event */ }
  }
  return events;
}

/** Reads the outcome from the built-in's run record(s); the top-level run is the one with a taskId. */
async function readRunRecord(configDir: string): Promise<ParityOutcome | null> {
  const records = await findFiles(
    join(configDir, "projects"),
    (path) => /\/workflows\/wf_[^/]+\.json$/.test(path) && !path.includes("/subagents/"),
  );
  for (const path of records) {
    const record = JSON.parse(await Deno.readTextFile(path));
    if (!record.taskId) continue;
    return {
      status: record.status,
      result: record.result ?? null,
      error: record.error ?? null,
      logs: record.logs ?? [],
      agentCount: record.agentCount ?? 0,
    };
  }
  return null;
}

/** Runs `script` on the built-in Workflow runtime and returns what it reported. */
export async function runBuiltin(script: string, opts: BuiltinOptions = {}): Promise<BuiltinRun> {
  const bin = cachedCli("claude");
  if (!bin) throw new Error("claude CLI is missing (run scripts/install-test-deps)");
  const replies = opts.replies ?? [];
  const agentPrompts: string[] = [];
  const workflowInput: Record<string, unknown> = { script };
  if (opts.args !== undefined) workflowInput.args = opts.args;
  const server = startAnthropicServer((request) => {
    if (isSubagent(request)) {
      const prompt = framedPrompt(request.body) ?? "";
      agentPrompts.push(prompt);
      return anthropicReply(replies, prompt);
    }
    const usage = { output_tokens: 0 }; // main-loop tokens would count in the built-in's budget.spent()
    if (isFirstMainTurn(request)) return { toolUse: { name: "Workflow", input: workflowInput }, usage };
    return { text: "done", usage };
  });
  const root = await Deno.makeTempDir({ prefix: "odw-parity-" });
  try {
    const home = join(root, "home");
    const configDir = join(home, ".claude");
    const cwd = join(root, "ws");
    const tmp = join(root, "tmp");
    await Deno.mkdir(configDir, { recursive: true });
    await Deno.mkdir(cwd);
    await Deno.mkdir(tmp, { mode: 0o700 });
    for (const [relative, content] of Object.entries(opts.files ?? {})) {
      await Deno.mkdir(dirname(join(cwd, relative)), { recursive: true });
      await Deno.writeTextFile(join(cwd, relative), content);
    }
    const env: Record<string, string> = {
      ...claudeTestEnv(home, server.url),
      CLAUDE_CONFIG_DIR: configDir,
      CLAUDE_CODE_TMPDIR: tmp,
      CLAUDE_CODE_WORKFLOWS: "1",
    };
    const output = await runBounded(bin, {
      args: [
        "-p",
        MAIN_PROMPT,
        "--output-format",
        "stream-json",
        "--verbose",
        "--permission-mode",
        "bypassPermissions",
      ],
      cwd,
      env,
      clearEnv: true,
      deadlineMs: opts.timeoutMs ?? DEADLINES.cli,
      what: "the built-in Workflow run (claude -p)",
    });
    const ms = output.ms;
    const stdout = output.stdout;
    const events = parseEvents(stdout);
    const extras = { agentPrompts, requests: server.requests, events, ms };
    const record = await readRunRecord(configDir);
    if (record) return { ...record, ...extras };
    const tool = workflowToolResult(events);
    if (tool?.isError) {
      const error = tool.text.replace(/^<tool_use_error>|<\/tool_use_error>$/g, "");
      return { status: "refused", result: null, error, logs: [], agentCount: 0, ...extras };
    }
    const stderr = output.stderr;
    throw new Error(
      `claude exited ${output.code} after ${ms} ms without a workflow record\n${stderr}\n${
        stdout.slice(-2000)
      }`,
    );
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
}
