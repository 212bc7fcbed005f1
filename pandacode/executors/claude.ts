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
 *   input). pandacode validates the result again with ajv; when it is missing or invalid it resumes
 *   the session (`--resume <id>`) with the validation errors, up to {@link MAX_SCHEMA_TRIES} runs.
 * - Usage and cost are summed over those runs; an abort of `ctx.signal` kills the process tree and
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
} from "../../src/util/json_schema.ts";
import {
  type Executor,
  type ExecutorContext,
  type ExecutorOutcome,
  type Task,
  zeroUsage,
} from "../executor.ts";
import type { ReportError, ReportUsage } from "../report.ts";
import { runProcess } from "../process.ts";
import { ClaudeStream, errorFromResult, oneLine, usageFromResult } from "./claude_stream.ts";
import { abortStatus } from "../../src/util/abort.ts";

/** Most claude runs for one task with a schema (the first plus resumes with validation errors). */
export const MAX_SCHEMA_TRIES = 3;

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
  spawnError?: ReportError;
}

async function runOnce(
  task: Task,
  ctx: ExecutorContext,
  prompt: string,
  resume?: string,
): Promise<RunResult> {
  const stream = new ClaudeStream((d) => ctx.log(`claude: ${d}`));
  const bin = claudeBin(task);
  try {
    const res = await runProcess({
      cmd: bin,
      args: claudeArgs(task, resume),
      cwd: task.cwd,
      env: claudeEnv(task),
      stdin: prompt,
      signal: ctx.signal,
      onLine: (line) => stream.push(line),
    });
    return { stream, code: res.code, stderr: res.stderr, killed: res.killed };
  } catch (err) {
    const notFound = err instanceof Deno.errors.NotFound;
    return {
      stream,
      code: -1,
      stderr: "",
      killed: false,
      spawnError: notFound
        ? {
          kind: "cli_not_found",
          message:
            `claude CLI not found (${bin}): install it with "npm install -g @anthropic-ai/claude-code" ` +
            `or set PANDACODE_CLAUDE_BIN`,
          retryable: false,
        }
        : { kind: "spawn_error", message: `cannot start ${bin}: ${oneLine(String(err))}`, retryable: false },
    };
  }
}

function addUsage(a: ReportUsage, b: ReportUsage): ReportUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
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

function feedbackPrompt(errors: string): string {
  return `Your structured output was not valid: ${errors}. ` +
    `Call the StructuredOutput tool again with an object that satisfies the JSON schema.`;
}

/** Runs a task on claude. */
export const claudeExecutor: Executor = {
  async run(task: Task, ctx: ExecutorContext): Promise<ExecutorOutcome> {
    const check = task.schema ? await OutputCheck.create(task.schema) : null;
    let usage = zeroUsage();
    let cost: number | null = null;
    let sessionId: string | null = null;
    let model: string | null = task.model ?? null;
    let prompt = task.prompt;
    const outcome = (
      status: ExecutorOutcome["status"],
      text: string,
      error: ReportError | null,
      output?: unknown,
    ): ExecutorOutcome => ({ status, text, output, usage, costUsd: cost, sessionId, model, error });

    for (let attempt = 1;; attempt++) {
      ctx.log(`claude: ${attempt === 1 ? "starting" : `resuming session ${sessionId} (try ${attempt})`}`);
      const run = await runOnce(task, ctx, prompt, attempt === 1 ? undefined : sessionId ?? undefined);
      const stream = run.stream;
      const result = stream.result;
      sessionId = stream.sessionId ?? sessionId;
      model = stream.model ?? model;
      if (result) {
        usage = addUsage(usage, usageFromResult(result));
        if (result.total_cost_usd != null) cost = (cost ?? 0) + result.total_cost_usd;
      }
      const text = stream.finalText();

      if (run.spawnError) return outcome("failed", "", run.spawnError);
      if (run.killed || ctx.signal.aborted) {
        const status = abortStatus(ctx.signal);
        const limit = task.timeoutMs === undefined ? "" : ` after ${Math.round(task.timeoutMs / 100) / 10}s`;
        const message = status === "timeout"
          ? `claude: the task timed out${limit}`
          : "claude: the task was cancelled";
        return outcome(status, text, { kind: status, message, retryable: status === "timeout" });
      }
      if (!result) {
        const detail = lastLines(run.stderr) || stream.unparsed.at(-1) || "no output";
        return outcome("failed", text, {
          kind: "process_exit",
          message: `claude exited with code ${run.code} without a result: ${detail}`,
          retryable: false,
        });
      }
      const error = errorFromResult(result, stream.apiError);
      if (error) return outcome("failed", text, error);
      if (!check) return outcome("completed", text, null);

      const value = OutputCheck.candidate(stream);
      const problems = check.errors(value);
      if (problems === null) return outcome("completed", text, null, value);
      if (attempt >= MAX_SCHEMA_TRIES || !sessionId) {
        return outcome("failed", text, {
          kind: "schema",
          message: `claude: structured output invalid after ${attempt} tries: ${problems}`,
          retryable: true,
        });
      }
      ctx.log(`claude: structured output invalid (${problems}); asking again`);
      prompt = feedbackPrompt(problems);
    }
  },
};
