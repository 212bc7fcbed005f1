/**
 * The Executor interface shared by pandacode's runtimes (codex, claude, bamboo).
 *
 * `main.ts` parses the command line into a {@link Task}, picks the executor, and wraps its
 * {@link ExecutorOutcome} into the public report (timing, files changed, timeout/cancel status).
 *
 * @module
 */
import type { Effort, NodeError, Runtime, Usage } from "../src/common/contract.ts";

/** One coding task, fully resolved from the command line. */
export interface Task {
  runtime: Runtime;
  /** bamboo provider id (deepseek, kimi, …); absent for codex/claude unless given. */
  provider?: string;
  model?: string;
  /** Absolute working directory; every file the agent touches lives under it. */
  cwd: string;
  prompt: string;
  /** Parsed JSON Schema (root `{type:"object"}`) the output must satisfy, when `--schema` was given. */
  schema?: Record<string, unknown>;
  effort?: Effort;
  /** Whole-task timeout in milliseconds (main.ts enforces it through `signal`). */
  timeoutMs?: number;
  maxOutputTokens?: number;
  /** Base URL override for the model endpoint (`--base-url`). */
  baseUrl?: string;
  /**
   * Transport retries of one model call (bamboo: HTTP 429/5xx and network errors; `--retries`,
   * default 4). odw sets 0: under odw the engine owns retries.
   */
  retries?: number;
  /** Environment for child processes and key lookup (defaults to the process env). */
  env: Record<string, string>;
  /**
   * Absolute path of the runtime's CLI (codex, claude), resolved by main.ts from
   * `PANDACODE_CODEX_BIN` / `PANDACODE_CLAUDE_BIN`, else `PATH`. Absent for bamboo.
   */
  bin?: string;
}

/** What an executor found out; main.ts turns it into the report. */
export interface ExecutorOutcome {
  status: "completed" | "failed" | "timeout" | "cancelled";
  text: string;
  output?: unknown;
  usage: Usage;
  costUsd: number | null;
  sessionId: string | null;
  error: NodeError | null;
  /** The model that actually ran, when the runtime said so. */
  model?: string | null;
  provider?: string | null;
}

/** Context main.ts gives an executor. */
export interface ExecutorContext {
  /** Aborted on timeout (reason "timeout") or SIGINT/SIGTERM (reason "cancelled"). */
  signal: AbortSignal;
  /** Progress/diagnostic line to stderr (never stdout). */
  log(message: string): void;
  /** A sign of life (an event, a streamed chunk): odw's stall detector resets on it. */
  activity?(): void;
}

/** One runtime adapter. */
export interface Executor {
  run(task: Task, ctx: ExecutorContext): Promise<ExecutorOutcome>;
}
