/**
 * `pandacode run`: resolves the task, snapshots `--cwd`, runs the runtime's executor under the
 * timeout/SIGINT/SIGTERM signal, and prints the report — one JSON object on stdout with `--json`,
 * else the final text on stdout and a one-line summary on stderr. Returns the exit code
 * (0 completed, 1 failed/timeout/cancelled); bad usage throws {@link UsageError} before anything runs.
 *
 * @example
 * ```ts
 * Deno.exit(await runCommand(["--runtime", "claude", "--json", "say hi"]));
 * ```
 * @module
 */
import { jsonForTerminal, terminalText } from "../../src/common/terminal_text.ts";
import type { Executor, Task } from "../executor.ts";
import type { Report, Runtime } from "../../src/common/contract.ts";
import { settleWithGrace, startTaskAbort } from "./abort.ts";
import { parseRunArgs } from "./args.ts";
import { assembleReport } from "./assemble_report.ts";
import { changedFiles, snapshotTree } from "./files_changed.ts";
import { diagnostic, stderrLine, writeStdout } from "./io.ts";
import { resolveTask } from "./resolve.ts";
import { RUN_HELP } from "./usage.ts";

/** Loads only the chosen runtime's executor (keeps startup fast: bamboo pulls in the AI SDK). */
export async function loadExecutor(runtime: Runtime): Promise<Executor> {
  switch (runtime) {
    case "codex":
      return (await import("../executors/codex.ts")).codexExecutor;
    case "claude":
      return (await import("../executors/claude.ts")).claudeExecutor;
    case "bamboo":
      return (await import("../bamboo/executor.ts")).bambooExecutor;
  }
}

/** A runtime's log line for stderr, prefixed with the runtime's name unless it already starts with it. */
export function runtimeLogLine(runtime: Runtime, message: string): string {
  return message.startsWith(`${runtime}:`) ? message : `${runtime}: ${message}`;
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A throttled heartbeat: at most one `pandacode: alive` stderr line per `everyMs`. */
export function heartbeat(everyMs = 1000): () => void {
  let last = -Infinity;
  return () => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    diagnostic("alive");
  };
}

/** How {@link executeTask} is embedded: the standalone CLI uses the defaults. */
export interface ExecuteOptions {
  /** Time the executor gets to wind down after an abort (default 3 s). */
  graceMs?: number;
  /**
   * Abort from the embedding program (odw's in-process backend): followed instead of SIGINT/SIGTERM,
   * whose handlers are then left alone. Its reason decides `timeout` or `cancelled`.
   */
  signal?: AbortSignal;
  /** Where the runtime's log lines and pandacode's diagnostics go (default: stderr). */
  log?: (line: string) => void;
  /** Called on every sign of life of the runtime (an event, a step, an output line). */
  activity?: () => void;
}

/** Runs the task and returns its report (never throws for executor failures). */
export async function executeTask(
  task: Task,
  executor: Executor,
  options: ExecuteOptions = {},
): Promise<Report> {
  // Timed from before the timeout starts, so a timed-out task never reports less than its limit.
  const started = performance.now();
  const abort = startTaskAbort(task.timeoutMs, options.signal);
  const emit = options.log ?? stderrLine;
  const note = options.log ? (message: string) => emit(`pandacode: ${message}`) : diagnostic;
  const before = snapshotTree(task.cwd);
  const ctx = {
    signal: abort.signal,
    log: (message: string) => {
      options.activity?.();
      emit(runtimeLogLine(task.runtime, message));
    },
    activity: options.activity,
  };
  let work: Promise<Awaited<ReturnType<Executor["run"]>>>;
  try {
    work = executor.run(task, ctx);
  } catch (error) {
    work = Promise.reject(error);
  }
  const settled = await settleWithGrace(work, abort.signal, options.graceMs);
  const durationMs = performance.now() - started;
  const abortReason = abort.reason();
  abort.dispose();
  if (settled.kind === "abandoned") {
    note(`the ${task.runtime} runtime ignored the abort; reporting anyway`);
  }
  const after = snapshotTree(task.cwd);
  if (before.truncated || after.truncated) {
    note(`filesChanged may be incomplete: stopped listing files under ${task.cwd} at the cap`);
  }
  const abortDetail = abortReason === "timeout"
    ? `timed out after ${formatTimeout(task.timeoutMs ?? 0)}`
    : `cancelled by ${abort.osSignal() ?? (options.signal ? "the caller" : "a signal")}`;
  return assembleReport({
    task,
    settled,
    abortReason,
    abortDetail,
    durationMs,
    filesChanged: changedFiles(before, after),
  });
}

/** The one-line stderr summary printed without `--json`. */
export function summaryLine(report: Report): string {
  const parts: string[] = [report.status];
  parts.push(`${report.usage.inputTokens} in / ${report.usage.outputTokens} out tokens`);
  parts.push(report.costUsd === null ? "cost unknown" : `$${report.costUsd.toFixed(4)}`);
  parts.push(`${(report.durationMs / 1000).toFixed(1)}s`);
  if (report.filesChanged.length > 0) parts.push(`${report.filesChanged.length} file(s) changed`);
  if (report.error !== null) parts.push(`${report.error.kind}: ${report.error.message.split("\n")[0]}`);
  return parts.join(" · ");
}

/** `pandacode run …`: returns the process exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const flags = parseRunArgs(args);
  if (flags.help) {
    await writeStdout(RUN_HELP);
    return 0;
  }
  const task = await resolveTask(flags, Deno.env.toObject());
  const executor = await loadExecutor(task.runtime);
  const report = await executeTask(task, executor, {
    activity: flags.heartbeat ? heartbeat() : undefined,
  });
  if (flags.json) {
    await writeStdout(JSON.stringify(report) + "\n");
  } else {
    // The answer itself: exact on a pipe, controls escaped when a person reads it on a terminal.
    const answer = report.output !== null ? jsonForTerminal(report.output, undefined, 2) : report.text;
    const shown = Deno.stdout.isTerminal() ? terminalText(answer) : answer;
    if (shown !== "") await writeStdout(shown.endsWith("\n") ? shown : `${shown}\n`);
    diagnostic(summaryLine(report));
  }
  return report.status === "completed" ? 0 : 1;
}
