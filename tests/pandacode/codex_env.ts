/**
 * Test setup for driving the real `codex` CLI against the scripted Responses server: a temporary
 * CODEX_HOME whose config.toml selects a loopback model provider (`wire_api = "responses"`, no
 * retries, analytics off), a temporary workspace, a child environment with a fake key, and a way to
 * find every process that still runs with that CODEX_HOME (to prove a process tree was killed).
 *
 * @example
 * ```ts
 * await using env = await codexTestEnv([{ text: "hi" }]);
 * const outcome = await codexExecutor.run(env.task({ prompt: "say hi" }), env.context());
 * ```
 * @module
 */
import { join } from "node:path";
import type { ExecutorContext, Task } from "../../pandacode/executor.ts";
import { cachedCli } from "../_support/prereq.ts";
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

/** Pids of live processes whose environment contains `entry` (`NAME=value`). */
export function pidsWithEnvEntry(entry: string): number[] {
  const needle = new TextEncoder().encode(`${entry}\0`);
  const pids: number[] = [];
  for (const dirent of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(dirent.name)) continue;
    let environ: Uint8Array;
    try {
      environ = Deno.readFileSync(`/proc/${dirent.name}/environ`);
    } catch {
      continue; // gone, or not ours
    }
    if (indexOf(environ, needle) >= 0) pids.push(Number(dirent.name));
  }
  return pids;
}

/** Polls `pids()` until it is empty or `withinMs` passed; returns the last list and the time waited. */
export async function waitGone(
  pids: () => number[],
  withinMs: number,
): Promise<{ left: number[]; waitedMs: number }> {
  const started = performance.now();
  let left = pids();
  while (left.length > 0 && performance.now() - started < withinMs) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    left = pids();
  }
  return { left, waitedMs: performance.now() - started };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
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
  return {
    server,
    home,
    workspace,
    env,
    logs,
    task: (overrides = {}) => ({ runtime: "codex", cwd: workspace, prompt: "say hello", env, ...overrides }),
    context: (signal = new AbortController().signal) => ({ signal, log: (m) => logs.push(m) }),
    livePids: () => pidsWithEnvEntry(`CODEX_HOME=${home}`),
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
