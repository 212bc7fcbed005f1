/**
 * One world for odw runs on the pandacode backend with all three runtimes at once: the scripted
 * Anthropic server (the real pinned `claude` CLI talks to it), the scripted Responses server (the real
 * `codex` CLI, through a temporary CODEX_HOME), and the scripted OpenAI-compatible server (bamboo, as
 * the `deepseek` and `kimi` providers), plus the environment that points every runtime at them.
 *
 * @example
 * ```ts
 * await using world = await startWorld({ chat: () => reply.text("hi") });
 * const run = await project.odw(["exec", "wf.js", "--runtime", "bamboo", "--json"], { env: world.env });
 * ```
 * @module
 */
import { join } from "node:path";
import { cachedCli } from "../_support/prereq.ts";
import { claudeTestEnv } from "../_support/claude_env.ts";
import {
  type AnthropicReply,
  type AnthropicServer,
  type RecordedRequest as AnthropicRequest,
  startAnthropicServer,
} from "../fixtures/anthropic_server.ts";
import { type ChatServer, reply, type Script, startChatServer } from "../fixtures/openai_chat_server.ts";
import {
  type ResponsesServer,
  type ScriptedReply as ResponsesReply,
  startResponsesServer,
} from "../fixtures/responses_server.ts";
import { codexConfig, TEST_KEY, TEST_KEY_VAR } from "../pandacode/codex_env.ts";
import { bundledPandacodeCommand } from "../../src/backends/pandacode_process.ts";

/** What each server answers. */
export interface WorldScripts {
  anthropic?: (request: AnthropicRequest, turn: number) => AnthropicReply;
  responses?: ResponsesReply[];
  chat?: Script;
}

/** The running servers and the environment for odw. */
export interface PandacodeWorld extends AsyncDisposable {
  anthropic: AnthropicServer;
  responses: ResponsesServer;
  chat: ChatServer;
  /** Environment for `odw exec` (and so for pandacode and the CLIs). */
  env: Record<string, string>;
}

/** The user messages of an Anthropic request, as text. */
export function anthropicUserText(body: Record<string, unknown> | null): string {
  const messages = (body?.messages ?? []) as { role: string; content: unknown }[];
  return messages.filter((m) => m.role === "user").map((m) => JSON.stringify(m.content)).join("\n");
}

/** The user messages of a chat-completions request, as text. */
// deno-lint-ignore no-explicit-any
export function chatUserText(body: any): string {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  // deno-lint-ignore no-explicit-any
  return messages.filter((m: any) => m.role === "user").map((m: any) => JSON.stringify(m.content)).join("\n");
}

/** bamboo's keys and base URLs for the providers deepseek and kimi, both pointing at `baseUrl`. */
export function bambooTestEnv(baseUrl: string): Record<string, string> {
  return {
    DEEPSEEK_API_KEY: "test-deepseek-key",
    DEEPSEEK_BASE_URL: baseUrl,
    MOONSHOT_API_KEY: "test-kimi-key",
    MOONSHOT_BASE_URL: baseUrl,
  };
}

/** Starts the three servers and writes the runtimes' homes. */
export async function startWorld(scripts: WorldScripts): Promise<PandacodeWorld> {
  const claude = cachedCli("claude");
  const codex = cachedCli("codex");
  if (!claude || !codex) throw new Error("the pinned CLIs are missing (run scripts/install-test-deps)");
  const root = await Deno.makeTempDir({ prefix: "odw-pandacode-world-" });
  const anthropic = startAnthropicServer(scripts.anthropic ?? (() => ({ text: "unscripted" })));
  const responses = startResponsesServer(scripts.responses ?? []);
  const chat = startChatServer(scripts.chat ?? (() => reply.error(400, "unscripted")));
  const home = join(root, "home");
  const codexHome = join(root, "codex");
  await Deno.mkdir(join(home, ".claude"), { recursive: true });
  await Deno.mkdir(codexHome);
  await Deno.writeTextFile(join(codexHome, "config.toml"), codexConfig(responses.baseUrl));
  const env: Record<string, string> = {
    ...claudeTestEnv(home, anthropic.url),
    PANDACODE_CLAUDE_BIN: claude,
    CODEX_HOME: codexHome,
    PANDACODE_CODEX_BIN: codex,
    [TEST_KEY_VAR]: TEST_KEY,
    ...bambooTestEnv(chat.baseUrl),
  };
  const close = async () => {
    await Promise.all([anthropic.close(), responses.close(), chat.close()]);
    await Deno.remove(root, { recursive: true }).catch(() => {});
  };
  return { anthropic, responses, chat, env, [Symbol.asyncDispose]: close };
}

/**
 * Writes `<dir>/pandacode`, an executable that execs the bundled pandacode with this Deno (so it adds no
 * process of its own and does not depend on HOME, unlike scripts/pandacode); returns its path.
 */
export async function writePandacodeLauncher(dir: string): Promise<string> {
  const path = join(dir, "pandacode");
  const command = bundledPandacodeCommand().map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  await Deno.writeTextFile(path, `#!/bin/sh\nexec ${command} "$@"\n`, { mode: 0o755 });
  await Deno.chmod(path, 0o755);
  return path;
}

/** Runs `fn` with a fresh temporary directory and removes it afterwards. */
export async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "odw-pandacode-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
