/**
 * The codex runtime: runs one task through the official headless mode `codex exec --json` (prompt on
 * stdin, sandbox `workspace-write`, `--output-schema` for structured output) and folds its JSONL
 * events into an {@link ExecutorOutcome}.
 *
 * With a schema, the final agent message is parsed and validated with ajv; when it does not validate,
 * the same session is resumed once (`codex exec resume <id>`) with the validation errors. Usage comes
 * from `turn.completed`, which codex reports as the thread's running total, so a resumed session's
 * figure already includes the first attempt. codex reports no price, so `costUsd` is null. An aborted
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
import {
  type Executor,
  type ExecutorContext,
  type ExecutorOutcome,
  type Task,
  zeroUsage,
} from "../executor.ts";
import type { ReportError, ReportUsage } from "../report.ts";
import { runProcess } from "../process.ts";
import { execArgs, resumeArgs } from "./codex_args.ts";
import { CodexEventCollector, type CodexRunSummary } from "./codex_events.ts";
import { classifyCodexError, stderrReason } from "./codex_errors.ts";
import { correctionPrompt, type OutputCheck, outputChecker } from "./codex_output.ts";
import { abortStatus } from "../../src/util/abort.ts";

/** How many times a schema-invalid final message is sent back for correction. */
export const MAX_SCHEMA_RETRIES = 1;

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
      onLine: (line) => events.push(line),
    });
    return { summary: events.summary(), code: result.code, stderr: result.stderr };
  } catch (err) {
    return { summary: events.summary(), code: null, stderr: "", spawnError: err as Error };
  }
}

/**
 * Usage over two runs of one session: codex reports the thread's running total, so the later figure
 * wins when it covers the earlier one; otherwise (a run that never completed) the two are added.
 */
export function mergeSessionUsage(earlier: ReportUsage, later: ReportUsage): ReportUsage {
  const keys = Object.keys(earlier) as (keyof ReportUsage)[];
  if (keys.every((k) => later[k] >= earlier[k])) return { ...later };
  const sum = { ...earlier };
  for (const k of keys) sum[k] += later[k];
  return sum;
}

/** Why a finished-but-not-completed attempt failed. */
function attemptError(bin: string, attempt: Attempt): ReportError {
  const err = attempt.spawnError;
  if (err) {
    if (err instanceof Deno.errors.NotFound) {
      return {
        kind: "cli_not_found",
        message:
          `codex CLI not found (${bin}); install it with \`npm install -g @openai/codex\` or set PANDACODE_CODEX_BIN`,
        retryable: false,
      };
    }
    return {
      kind: "spawn_failed",
      message: `codex: could not start ${bin}: ${err.message}`,
      retryable: false,
    };
  }
  const reason = attempt.summary.failure ?? stderrReason(attempt.stderr);
  if (reason) return classifyCodexError(reason, attempt.summary.failure ? "model_error" : "codex_error");
  return {
    kind: "codex_error",
    message: `codex exited with code ${attempt.code} without completing the turn`,
    retryable: false,
  };
}

function outcomeOf(
  task: Task,
  status: ExecutorOutcome["status"],
  summary: CodexRunSummary,
  usage: ReportUsage,
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
  usage: ReportUsage,
): ExecutorOutcome {
  const status = abortStatus(ctx.signal);
  const limit = task.timeoutMs === undefined ? "" : ` after ${Math.round(task.timeoutMs / 100) / 10}s`;
  const message = status === "timeout"
    ? `codex: the task timed out${limit}`
    : "codex: the task was cancelled";
  return outcomeOf(task, status, summary, usage, {
    error: { kind: status, message, retryable: status === "timeout" },
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
      const error = {
        kind: "invalid_schema",
        message: `invalid schema: ${(err as Error).message}`,
        retryable: false,
      };
      return outcomeOf(task, "failed", new CodexEventCollector().summary(), zeroUsage(), { error });
    }
  }
  const tmp = task.schema ? await Deno.makeTempDir({ prefix: "pandacode-codex-" }) : undefined;
  try {
    const schemaFile = tmp === undefined ? undefined : join(tmp, "output-schema.json");
    if (schemaFile !== undefined) await Deno.writeTextFile(schemaFile, JSON.stringify(task.schema));

    let attempt = await runAttempt(bin, execArgs(task, schemaFile), task.prompt, task, ctx);
    let usage = attempt.summary.usage;
    for (let retry = 0;; retry++) {
      if (ctx.signal.aborted) return stoppedOutcome(task, ctx, attempt.summary, usage);
      if (!attempt.summary.completed) {
        return outcomeOf(task, "failed", attempt.summary, usage, { error: attemptError(bin, attempt) });
      }
      if (check === undefined) return outcomeOf(task, "completed", attempt.summary, usage);
      const checked = check(attempt.summary.text);
      if (checked.ok) return outcomeOf(task, "completed", attempt.summary, usage, { output: checked.value });
      const sessionId = attempt.summary.sessionId;
      if (retry >= MAX_SCHEMA_RETRIES || sessionId === null) {
        const message = `codex: the final message does not satisfy the schema` +
          (retry > 0 ? ` after ${retry} correction${retry > 1 ? "s" : ""}` : "") + `: ${checked.errors}`;
        return outcomeOf(task, "failed", attempt.summary, usage, {
          error: { kind: "schema_validation", message, retryable: true },
        });
      }
      ctx.log(`codex: output does not satisfy the schema (${checked.errors}); asking for a correction`);
      const args = resumeArgs(task, sessionId, schemaFile);
      attempt = await runAttempt(bin, args, correctionPrompt(checked.errors), task, ctx);
      usage = mergeSessionUsage(usage, attempt.summary.usage);
      attempt.summary.sessionId ??= sessionId;
    }
  } finally {
    if (tmp !== undefined) await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Runs a task on codex. */
export const codexExecutor: Executor = { run: runCodexTask };
