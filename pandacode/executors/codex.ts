/**
 * The codex runtime: runs one task through the official headless mode `codex exec --json` (prompt on
 * stdin, sandbox `workspace-write`, `--output-schema` for structured output) and folds its JSONL
 * events into an {@link ExecutorOutcome}.
 *
 * With a schema, the final agent message is parsed and validated with ajv; when it does not validate,
 * the task fails with kind `schema` (one structured-output attempt per task: odw's engine owns the
 * retries, sending the errors with the next try). Usage comes from `turn.completed`. codex reports no price, so `costUsd` is null. An aborted
 * `ctx.signal` kills the whole process tree (node wrapper, native codex, its commands) via
 * {@link runProcess}; the outcome's status is then the abort reason (`timeout` or `cancelled`).
 *
 * @example
 * ```ts
 * const outcome = await codexExecutor.run(
 *   { runtime: "codex", cwd: "/work/repo", prompt: "Fix the failing test", env: Deno.env.toObject() },
 *   { signal: AbortSignal.timeout(600_000), log: console.error },
 * );
 * ```
 * @module
 */
import { join } from "node:path";
import type { Executor, ExecutorContext, ExecutorOutcome, Task } from "../executor.ts";
import { emptyUsage, type NodeError, nodeError, type Usage } from "../../src/common/contract.ts";
import { spawnFailure } from "../cli/bins.ts";
import { runProcess } from "../../src/common/process.ts";
import { execArgs } from "./codex_args.ts";
import { CodexEventCollector, type CodexRunSummary } from "./codex_events.ts";
import { classifyCodexError, stderrReason } from "./codex_errors.ts";
import { type OutputCheck, outputChecker } from "./codex_output.ts";
import { abortStatus } from "../../src/common/abort.ts";

/** One `codex` process run: its folded events, and how the process ended. */
interface Attempt {
  summary: CodexRunSummary;
  code: number | null;
  stderr: string;
  /** Set when the process could not be started at all. */
  spawnError?: Error;
}

/** The codex binary for a task: the resolved `bin`, else `PANDACODE_CODEX_BIN`, else `codex` on PATH. */
export function codexBin(task: Task): string {
  return task.bin ?? task.env.PANDACODE_CODEX_BIN ?? "codex";
}

async function runAttempt(
  bin: string,
  args: string[],
  prompt: string,
  task: Task,
  ctx: ExecutorContext,
): Promise<Attempt> {
  const events = new CodexEventCollector(ctx.log);
  try {
    const result = await runProcess({
      cmd: bin,
      args,
      cwd: task.cwd,
      env: task.env,
      stdin: prompt,
      signal: ctx.signal,
      onLine: (line) => {
        events.push(line);
        ctx.activity?.();
      },
      onStderr: () => ctx.activity?.(),
    });
    return { summary: events.summary(), code: result.code, stderr: result.stderr };
  } catch (err) {
    return { summary: events.summary(), code: null, stderr: "", spawnError: err as Error };
  }
}

/** Why a finished-but-not-completed attempt failed. */
function attemptError(bin: string, attempt: Attempt): NodeError {
  if (attempt.spawnError) return spawnFailure("codex", bin, attempt.spawnError);
  const reason = attempt.summary.failure ?? stderrReason(attempt.stderr);
  if (reason) return classifyCodexError(reason, attempt.summary.failure ? "runtime_error" : "process_exit");
  return nodeError("process_exit", `codex exited with code ${attempt.code} without completing the turn`);
}

function outcomeOf(
  task: Task,
  status: ExecutorOutcome["status"],
  summary: CodexRunSummary,
  usage: Usage,
  extra: Partial<ExecutorOutcome> = {},
): ExecutorOutcome {
  return {
    status,
    text: summary.text,
    usage,
    costUsd: null,
    sessionId: summary.sessionId,
    error: null,
    model: task.model ?? null,
    provider: null,
    ...extra,
  };
}

function stoppedOutcome(
  task: Task,
  ctx: ExecutorContext,
  summary: CodexRunSummary,
  usage: Usage,
): ExecutorOutcome {
  const status = abortStatus(ctx.signal);
  const limit = task.timeoutMs === undefined ? "" : ` after ${Math.round(task.timeoutMs / 100) / 10}s`;
  const message = status === "timeout"
    ? `codex: the task timed out${limit}`
    : "codex: the task was cancelled";
  return outcomeOf(task, status, summary, usage, {
    error: nodeError(status, message),
  });
}

/** Runs one task on codex (see the module doc). */
async function runCodexTask(task: Task, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  const bin = codexBin(task);
  if (task.maxOutputTokens !== undefined) {
    ctx.log("codex: --max-output-tokens has no codex equivalent; ignored");
  }
  let check: ((text: string) => OutputCheck) | undefined;
  if (task.schema) {
    try {
      check = await outputChecker(task.schema);
    } catch (err) {
      const error = nodeError("invalid_schema", `invalid schema: ${(err as Error).message}`);
      return outcomeOf(task, "failed", new CodexEventCollector().summary(), emptyUsage(), { error });
    }
  }
  const tmp = task.schema ? await Deno.makeTempDir({ prefix: "pandacode-codex-" }) : undefined;
  try {
    const schemaFile = tmp === undefined ? undefined : join(tmp, "output-schema.json");
    if (schemaFile !== undefined) await Deno.writeTextFile(schemaFile, JSON.stringify(task.schema));

    const attempt = await runAttempt(bin, execArgs(task, schemaFile), task.prompt, task, ctx);
    const usage = attempt.summary.usage;
    if (ctx.signal.aborted) return stoppedOutcome(task, ctx, attempt.summary, usage);
    if (!attempt.summary.completed) {
      return outcomeOf(task, "failed", attempt.summary, usage, { error: attemptError(bin, attempt) });
    }
    if (check === undefined) return outcomeOf(task, "completed", attempt.summary, usage);
    // One structured-output attempt per task: odw's engine owns the schema tries (with the errors).
    const checked = check(attempt.summary.text);
    if (checked.ok) return outcomeOf(task, "completed", attempt.summary, usage, { output: checked.value });
    const error = nodeError(
      "schema",
      `codex: the final message does not satisfy the schema: ${checked.errors}`,
    );
    return outcomeOf(task, "failed", attempt.summary, usage, { error });
  } finally {
    if (tmp !== undefined) await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Runs a task on codex. */
export const codexExecutor: Executor = { run: runCodexTask };
