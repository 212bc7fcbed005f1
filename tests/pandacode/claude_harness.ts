/**
 * Shared setup for the claude runtime tests: a scripted Anthropic server, a temporary HOME and
 * workspace, the environment that points the real pinned `claude` CLI at that server, and a way to
 * find every process of a run afterwards (each run's environment carries a unique marker).
 *
 * @example
 * ```ts
 * await withClaudeSandbox([{ text: "hi" }], async (sb) => {
 *   const outcome = await sb.run({ prompt: "say hi" });
 * });
 * ```
 * @module
 */
import { join } from "node:path";
import type { ExecutorContext, ExecutorOutcome, Task } from "../../pandacode/executor.ts";
import { claudeExecutor } from "../../pandacode/executors/claude.ts";
import { bounded, DEADLINES } from "../_support/deadline.ts";
import { cachedCli } from "../_support/prereq.ts";
import { claudeTestEnv } from "../_support/claude_env.ts";
import { pidsWithEnvEntry } from "../_support/processes.ts";
import {
  type AnthropicReply,
  type AnthropicServer,
  type RecordedRequest,
  startAnthropicServer,
} from "../fixtures/anthropic_server.ts";

/** One test's world. */
export interface ClaudeSandbox {
  server: AnthropicServer;
  /** Temporary workspace (the task's cwd). */
  cwd: string;
  /** Temporary HOME / CLAUDE_CONFIG_DIR parent. */
  home: string;
  /** Environment for the CLI (and for pandacode/main.ts in end-to-end tests). */
  env: Record<string, string>;
  /** Value of `PANDACODE_TEST_MARKER` in `env`: every process of the run inherits it. */
  marker: string;
  /** Path of the pinned claude CLI. */
  bin: string;
  /** A task for this sandbox (prompt, cwd, env and bin filled in). */
  task(over?: Partial<Task>): Task;
  /** An executor context; `signal` defaults to one that never aborts. `logs` collects log lines. */
  ctx(signal?: AbortSignal): ExecutorContext;
  logs: string[];
  /**
   * Runs the claude executor on `sb.task(over)` under a deadline (`DEADLINES.cli`): past it the run is
   * aborted (its process tree killed) and the test fails. `signal` aborts the run earlier.
   */
  run(over?: Partial<Task>, signal?: AbortSignal): Promise<ExecutorOutcome>;
}

/** Runs `fn` with a fresh sandbox and removes everything afterwards. */
export async function withClaudeSandbox(
  script: AnthropicReply[] | ((request: RecordedRequest, turn: number) => AnthropicReply),
  fn: (sb: ClaudeSandbox) => Promise<void>,
  extraEnv: Record<string, string> = {},
): Promise<void> {
  const bin = cachedCli("claude");
  if (!bin) throw new Error("claude CLI is missing (run scripts/install-test-deps)");
  const root = await Deno.makeTempDir({ prefix: "pandacode-claude-" });
  const server = startAnthropicServer(script);
  try {
    const home = join(root, "home");
    const cwd = join(root, "ws");
    await Deno.mkdir(join(home, ".claude"), { recursive: true });
    await Deno.mkdir(cwd);
    const marker = crypto.randomUUID();
    const env: Record<string, string> = {
      ...claudeTestEnv(home, server.url),
      PANDACODE_TEST_MARKER: marker,
      ...extraEnv,
    };
    const logs: string[] = [];
    const sb: ClaudeSandbox = {
      server,
      cwd,
      home,
      env,
      marker,
      bin,
      logs,
      task: (over = {}) => ({ runtime: "claude", cwd, prompt: "hello", env, bin, ...over } as Task),
      ctx: (signal = new AbortController().signal) => ({ signal, log: (m) => logs.push(m) }),
      run: (over = {}, signal) =>
        bounded(
          DEADLINES.cli,
          "the claude run",
          (bound) => claudeExecutor.run(sb.task(over), sb.ctx(bound)),
          signal,
        ),
    };
    await fn(sb);
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
}

/** Pids of live processes whose environment contains `PANDACODE_TEST_MARKER=<marker>`. */
export function processesWithMarker(marker: string): number[] {
  return pidsWithEnvEntry(`PANDACODE_TEST_MARKER=${marker}`);
}

/** A JSON Schema used by the structured tests. */
export const PERSON_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: { name: { type: "string" }, year: { type: "integer" } },
  required: ["name", "year"],
  additionalProperties: false,
};

/** Text of the last message the CLI sent in a recorded request. */
export function lastMessageText(body: Record<string, unknown> | null): string {
  const messages = (body?.messages ?? []) as { content: unknown }[];
  return JSON.stringify(messages.at(-1)?.content ?? "");
}

/** Text of all user messages of a recorded request. */
export function userText(body: Record<string, unknown> | null): string {
  const messages = (body?.messages ?? []) as { role: string; content: unknown }[];
  return messages.filter((m) => m.role === "user").map((m) => JSON.stringify(m.content)).join("\n");
}
