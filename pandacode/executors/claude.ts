/**
 * The claude runtime: drives the official headless mode of Claude Code,
 * `claude -p --output-format stream-json --verbose`, in the task's directory, and turns its event
 * stream (see `claude_stream.ts`) into an {@link ExecutorOutcome}.
 *
 * - Prompt on stdin; `--model`, `--effort` (the CLI takes pandacode's levels as they are and sends
 *   them as `output_config.effort`; it leaves them out for models without effort, e.g. Sonnet 4.5),
 *   `--permission-mode bypassPermissions` so it can edit files with nobody to ask (as root the CLI
 *   refuses that unless `IS_SANDBOX=1`, which is then set).
 * - `--max-output-tokens` → `CLAUDE_CODE_MAX_OUTPUT_TOKENS`, `--base-url` → `ANTHROPIC_BASE_URL`.
 * - A schema goes to the CLI's `--json-schema` (it adds a `StructuredOutput` tool and validates its
 *   input). pandacode validates the result again with ajv; when it is missing or invalid the task
 *   fails with kind `schema` (one structured-output attempt per task: odw's engine owns the retries).
 * - An abort of `ctx.signal` kills the process tree and
 *   the outcome's status is the abort reason (`timeout` or `cancelled`).
 *
 * @example
 * ```ts
 * const outcome = await claudeExecutor.run(task, { signal, log: (m) => console.error(m) });
 * ```
 * @module
 */
import {
  compileSchema,
  loadJsonSchemaSupport,
  parseJsonAnswer,
  type SchemaValidator,
} from "../../src/common/json_schema.ts";
import type { Executor, ExecutorContext, ExecutorOutcome, Task } from "../executor.ts";
import { addUsage, emptyUsage, type NodeError, nodeError, oneLine } from "../../src/common/contract.ts";
import { spawnFailure } from "../cli/bins.ts";
import { runProcess } from "../../src/common/process.ts";
import { ClaudeStream, errorFromResult, usageFromResult } from "./claude_stream.ts";
import { abortStatus } from "../../src/common/abort.ts";

/** The claude executable for a task: the resolved path, `PANDACODE_CLAUDE_BIN`, or `claude` on PATH. */
export function claudeBin(task: Task): string {
  return task.bin ?? task.env.PANDACODE_CLAUDE_BIN ?? "claude";
}

/** Command-line arguments for one claude run (`resume`: the session to continue). */
export function claudeArgs(task: Task, resume?: string): string[] {
  const args = [
    "-p",
    "--output-format",
    "stream-json",
    "--verbose",
    "--permission-mode",
    "bypassPermissions",
  ];
  if (task.model) args.push("--model", task.model);
  if (task.effort) args.push("--effort", task.effort);
  if (task.schema) args.push("--json-schema", JSON.stringify(task.schema));
  if (resume) args.push("--resume", resume);
  return args;
}

function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** The child's environment: the task's, plus what a headless run needs. */
export function claudeEnv(task: Task): Record<string, string> {
  const env: Record<string, string> = { ...task.env };
  if (isRoot() && env.IS_SANDBOX === undefined) env.IS_SANDBOX = "1";
  env.DISABLE_AUTOUPDATER ??= "1";
  if (task.baseUrl) env.ANTHROPIC_BASE_URL = task.baseUrl;
  if (task.maxOutputTokens) env.CLAUDE_CODE_MAX_OUTPUT_TOKENS = String(task.maxOutputTokens);
  return env;
}

/** What one claude process produced. */
interface RunResult {
  stream: ClaudeStream;
  code: number;
  stderr: string;
  killed: boolean;
  /** Set when the process could not start. */
  spawnError?: NodeError;
}

async function runOnce(
  task: Task,
  ctx: ExecutorContext,
  prompt: string,
): Promise<RunResult> {
  const stream = new ClaudeStream(
    (d) => ctx.log(`claude: ${d}`),
    (name) => ctx.log(`claude: tool ${name}`),
  );
  const bin = claudeBin(task);
  try {
    const res = await runProcess({
      cmd: bin,
      args: claudeArgs(task),
      cwd: task.cwd,
      env: claudeEnv(task),
      stdin: prompt,
      signal: ctx.signal,
      onLine: (line) => {
        stream.push(line);
        ctx.activity?.();
      },
      onStderr: () => ctx.activity?.(),
    });
    return { stream, code: res.code, stderr: res.stderr, killed: res.killed };
  } catch (err) {
    return {
      stream,
      code: -1,
      stderr: "",
      killed: false,
      spawnError: spawnFailure("claude", bin, err),
    };
  }
}

function lastLines(text: string, count = 3): string {
  return oneLine(text.trim().split("\n").filter((l) => l.trim() !== "").slice(-count).join(" | "));
}

/** Validates structured output against the task's schema. */
class OutputCheck {
  private constructor(private readonly validator: SchemaValidator) {}

  /** Compiles the task's schema. */
  static async create(schema: Record<string, unknown>): Promise<OutputCheck> {
    await loadJsonSchemaSupport();
    return new OutputCheck(compileSchema(schema));
  }

  /** The structured value from a run: `structured_output`, else the answer text parsed as JSON. */
  static candidate(stream: ClaudeStream): unknown {
    if (stream.result?.structured_output !== undefined) return stream.result.structured_output;
    return parseJsonAnswer(stream.finalText());
  }

  /** Null when `value` is valid, else the validation errors as one line. */
  errors(value: unknown): string | null {
    if (value === undefined) return "no structured output was given";
    const errors = this.validator.check(value);
    return errors.length === 0 ? null : errors.join("; ");
  }
}

/** Runs a task on claude. */
export const claudeExecutor: Executor = {
  async run(task: Task, ctx: ExecutorContext): Promise<ExecutorOutcome> {
    const check = task.schema ? await OutputCheck.create(task.schema) : null;
    let usage = emptyUsage();
    let cost: number | null = null;
    let sessionId: string | null = null;
    let model: string | null = task.model ?? null;
    const outcome = (
      status: ExecutorOutcome["status"],
      text: string,
      error: NodeError | null,
      output?: unknown,
    ): ExecutorOutcome => ({ status, text, output, usage, costUsd: cost, sessionId, model, error });

    ctx.log("claude: starting");
    const run = await runOnce(task, ctx, task.prompt);
    const stream = run.stream;
    const result = stream.result;
    sessionId = stream.sessionId ?? sessionId;
    model = stream.model ?? model;
    if (result) {
      usage = addUsage(usage, usageFromResult(result));
      if (result.total_cost_usd != null) cost = result.total_cost_usd;
    }
    const text = stream.finalText();

    if (run.spawnError) return outcome("failed", "", run.spawnError);
    if (run.killed || ctx.signal.aborted) {
      const status = abortStatus(ctx.signal);
      const limit = task.timeoutMs === undefined ? "" : ` after ${Math.round(task.timeoutMs / 100) / 10}s`;
      const message = status === "timeout"
        ? `claude: the task timed out${limit}`
        : "claude: the task was cancelled";
      return outcome(status, text, nodeError(status, message));
    }
    if (!result) {
      const detail = lastLines(run.stderr) || stream.unparsed.at(-1) || "no output";
      return outcome(
        "failed",
        text,
        nodeError("process_exit", `claude exited with code ${run.code} without a result: ${detail}`),
      );
    }
    const error = errorFromResult(result, stream.apiError);
    if (error) return outcome("failed", text, error);
    if (!check) return outcome("completed", text, null);
    // One structured-output attempt per task: odw's engine owns the schema tries (with the errors).
    const value = OutputCheck.candidate(stream);
    const problems = check.errors(value);
    if (problems === null) return outcome("completed", text, null, value);
    return outcome("failed", text, nodeError("schema", `claude: structured output invalid: ${problems}`));
  },
};
