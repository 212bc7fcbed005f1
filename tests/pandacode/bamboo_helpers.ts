/**
 * Shared pieces of bamboo's tests: a temporary directory holding a workspace and a sibling
 * "outside" directory, a Task aimed at a scripted chat server, and an executor context that keeps
 * its log lines.
 *
 * @module
 */
import { join } from "node:path";
import type { ExecutorContext, Task } from "../../pandacode/executor.ts";
import type { ChatServer } from "../fixtures/openai_chat_server.ts";

/** A temporary workspace (`ws`) next to a directory outside it (`outside`). */
export interface TempWorkspace extends AsyncDisposable {
  root: string;
  ws: string;
  outside: string;
}

/** Creates a {@link TempWorkspace}; dispose it to remove everything. */
export async function tempWorkspace(files: Record<string, string> = {}): Promise<TempWorkspace> {
  const root = await Deno.makeTempDir({ prefix: "bamboo-test-" });
  const ws = join(root, "ws");
  const outside = join(root, "outside");
  await Deno.mkdir(ws);
  await Deno.mkdir(outside);
  for (const [path, content] of Object.entries(files)) {
    const abs = join(ws, path);
    await Deno.mkdir(join(abs, ".."), { recursive: true });
    await Deno.writeTextFile(abs, content);
  }
  return {
    root,
    ws,
    outside,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/** A bamboo task for `cwd` talking to `server` as provider deepseek with key "test". */
export function bambooTask(cwd: string, server: ChatServer, overrides: Partial<Task> = {}): Task {
  return {
    runtime: "bamboo",
    provider: "deepseek",
    cwd,
    prompt: "do the task",
    baseUrl: server.baseUrl,
    env: { DEEPSEEK_API_KEY: "test", PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: cwd },
    ...overrides,
  };
}

/** An executor context with its own controller and collected log lines. */
export function testContext(): ExecutorContext & { logs: string[]; controller: AbortController } {
  const controller = new AbortController();
  const logs: string[] = [];
  return { signal: controller.signal, log: (m) => logs.push(m), logs, controller };
}

/** True while `pid` is a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Waits up to `ms` for `pid` to be gone; true when it is. */
export async function waitDead(pid: number, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}
