/**
 * Shared pieces of bamboo's tests: a temporary directory holding a workspace and a sibling
 * "outside" directory, a Task aimed at a scripted chat server, an executor context that keeps
 * its log lines, and a bamboo run under a deadline.
 *
 * @module
 */
import { join } from "node:path";
import { type BambooOptions, runBamboo } from "../../pandacode/bamboo/executor.ts";
import type { ExecutorContext, ExecutorOutcome, Task } from "../../pandacode/executor.ts";
import { bounded, DEADLINES, pollUntil } from "../_support/deadline.ts";
import { isAlive } from "../_support/processes.ts";
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

/**
 * Runs bamboo on `task` under a deadline (`DEADLINES.executor`): past it the run is aborted and the
 * test fails with a `DeadlineError`. `ctx.signal` still aborts the run earlier (timeout, cancel tests).
 */
export function runBambooBounded(
  task: Task,
  ctx: ExecutorContext = testContext(),
  options?: BambooOptions,
): Promise<ExecutorOutcome> {
  return bounded(
    DEADLINES.executor,
    "the bamboo run",
    (signal) => runBamboo(task, { ...ctx, signal }, options),
    ctx.signal,
  );
}

/** Waits up to `ms` for `pid` to be gone; true when it is. */
export function waitDead(pid: number, ms: number): Promise<boolean> {
  return pollUntil(() => !isAlive(pid), ms, 50);
}
