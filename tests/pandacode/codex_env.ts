/**
 * Test setup for driving the real `codex` CLI against the scripted Responses server: a temporary
 * CODEX_HOME whose config.toml selects a loopback model provider (`wire_api = "responses"`, no
 * retries, analytics off), a temporary workspace, a child environment with a fake key, and a way to
 * find every process that still runs with that CODEX_HOME (to prove a process tree was killed).
 *
 * @example
 * ```ts
 * await using env = await codexTestEnv([{ text: "hi" }]);
 * const outcome = await env.run(env.task({ prompt: "say hi" }));
 * ```
 * @module
 */
import { join } from "node:path";
import type { ExecutorContext, ExecutorOutcome, Task } from "../../pandacode/executor.ts";
import { codexExecutor } from "../../pandacode/executors/codex.ts";
import { bounded, DEADLINES, pollUntil } from "../_support/deadline.ts";
import { cachedCli } from "../_support/prereq.ts";
import { pidsWithEnvEntry } from "../_support/processes.ts";
import {
  type ResponsesServer,
  type ScriptedReply,
  startResponsesServer,
} from "../fixtures/responses_server.ts";

/** The model name the test config selects. */
export const TEST_MODEL = "test-model";
/** The fake API key the scripted provider is given (through {@link TEST_KEY_VAR}). */
export const TEST_KEY = "sk-pandacode-test";
/** The environment variable the scripted provider reads its key from. */
export const TEST_KEY_VAR = "PANDACODE_TEST_OPENAI_KEY";

/** A ready codex test environment; disposing it stops the server and removes the directories. */
export interface CodexTestEnv extends AsyncDisposable {
  server: ResponsesServer;
  /** The temporary CODEX_HOME. */
  home: string;
  /** The temporary workspace (task cwd). */
  workspace: string;
  /** Environment for the codex child process. */
  env: Record<string, string>;
  /** Progress lines the executor logged through {@link CodexTestEnv.context}. */
  logs: string[];
  /** A codex task in the workspace with this environment. */
  task(overrides?: Partial<Task>): Task;
  /** An executor context whose log goes to {@link CodexTestEnv.logs}. */
  context(signal?: AbortSignal): ExecutorContext;
  /** Pids of live processes whose environment carries this CODEX_HOME. */
  livePids(): number[];
  /**
   * Runs the codex executor on `task` (default: `task()`) under a deadline (`DEADLINES.cli`): past
   * it the run is aborted (its process tree killed) and the test fails. `signal` aborts it earlier.
   */
  run(task?: Task, signal?: AbortSignal): Promise<ExecutorOutcome>;
}

/** config.toml whose selected model provider is the scripted Responses server at `baseUrl`. */
export function codexConfig(baseUrl: string): string {
  return [
    `model = "${TEST_MODEL}"`,
    `model_provider = "scripted"`,
    ``,
    `[analytics]`,
    `enabled = false`,
    ``,
    `[model_providers.scripted]`,
    `name = "scripted loopback"`,
    `base_url = "${baseUrl}"`,
    `wire_api = "responses"`,
    `env_key = "${TEST_KEY_VAR}"`,
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
  ].join("\n");
}

/** Polls `pids()` until it is empty or `withinMs` passed; returns the last list and the time waited. */
export async function waitGone(
  pids: () => number[],
  withinMs: number,
): Promise<{ left: number[]; waitedMs: number }> {
  const started = performance.now();
  await pollUntil(() => pids().length === 0, withinMs);
  return { left: pids(), waitedMs: performance.now() - started };
}

/**
 * Starts the scripted server with `script` and writes the CODEX_HOME config. `configBaseUrl`
 * overrides the provider URL written to config.toml (e.g. a dead port, to prove `--base-url` wins).
 */
export async function codexTestEnv(
  script: ScriptedReply[],
  options: { configBaseUrl?: string } = {},
): Promise<CodexTestEnv> {
  const server = startResponsesServer(script);
  const home = await Deno.makeTempDir({ prefix: "pandacode-codex-home-" });
  const workspace = await Deno.makeTempDir({ prefix: "pandacode-codex-ws-" });
  await Deno.writeTextFile(join(home, "config.toml"), codexConfig(options.configBaseUrl ?? server.baseUrl));
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    CODEX_HOME: home,
    [TEST_KEY_VAR]: TEST_KEY,
  };
  const bin = cachedCli("codex");
  if (bin) env.PANDACODE_CODEX_BIN = bin;
  const logs: string[] = [];
  const taskOf = (overrides: Partial<Task> = {}): Task => ({
    runtime: "codex",
    cwd: workspace,
    prompt: "say hello",
    env,
    ...overrides,
  });
  const contextOf = (signal = new AbortController().signal): ExecutorContext => ({
    signal,
    log: (m) => logs.push(m),
  });
  return {
    server,
    home,
    workspace,
    env,
    logs,
    task: taskOf,
    context: contextOf,
    livePids: () => pidsWithEnvEntry(`CODEX_HOME=${home}`),
    run: (task = undefined, signal) =>
      bounded(
        DEADLINES.cli,
        "the codex run",
        (bound) => codexExecutor.run(task ?? taskOf(), contextOf(bound)),
        signal,
      ),
    async [Symbol.asyncDispose]() {
      await server.close();
      await Deno.remove(home, { recursive: true }).catch(() => {});
      await Deno.remove(workspace, { recursive: true }).catch(() => {});
    },
  };
}

/** The text of the last user message codex sent in a Responses request body. */
export function lastUserText(body: unknown): string {
  const input = (body as { input: { role?: string; content?: { text?: string }[] }[] }).input;
  const user = input.filter((m) => m.role === "user").at(-1);
  return (user?.content ?? []).map((c) => c.text ?? "").join("");
}
