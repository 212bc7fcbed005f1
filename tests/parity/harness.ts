/**
 * Parity harness: runs the same workflow script on Claude Code's built-in Workflow runtime
 * ({@link runBuiltin}, the real pinned `claude` CLI against a scripted server) and on odw's mock backend
 * ({@link runOdw}, the real odw CLI), with the same agent answers on both sides ({@link ReplyRule}s), and
 * returns both outcomes for comparison.
 *
 * @example
 * ```ts
 * const { builtin, odw } = await runBoth(workflowScript("log('hi'); return 1;"));
 * assert.deepEqual(comparable(odw), comparable(builtin));
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { odwDenoArgs, runProcess } from "../_support/odw.ts";
import { type BuiltinRun, type ParityOutcome, runBuiltin } from "./builtin_runner.ts";
import { mockScenario, type ReplyRule } from "./replies.ts";

export { type BuiltinRun, type ParityOutcome, runBuiltin } from "./builtin_runner.ts";
export { apiErrorText, type ReplyRule, UNSCRIPTED } from "./replies.ts";

/** An odw run: the outcome plus the process's output. */
export interface OdwParityRun extends ParityOutcome {
  code: number;
  stderr: string;
  ms: number;
}

/** Options of {@link runOdw}. */
export interface OdwParityOptions {
  /** `--args` JSON value (no `--args` when undefined). */
  args?: unknown;
  /** The mock scenario (`--mock-scenario`); see {@link mockScenario}. */
  scenario?: Record<string, unknown>;
  /** Extra files to create in the project directory (relative path → content). */
  files?: Record<string, string>;
  /** Kill odw's process tree and fail after this long (default `DEADLINES.process`). */
  timeoutMs?: number;
}

/** Prefixes `body` with the `export const meta` statement both runtimes require. */
export function workflowScript(body: string, name = "parity"): string {
  return `export const meta = { name: ${JSON.stringify(name)}, description: "parity probe" };\n${body}\n`;
}

/** The outcome an `odw exec --json` process printed (throws, with its output, when it printed none). */
export function odwOutcome(run: { code: number; stdout: string; stderr: string; ms: number }): OdwParityRun {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(run.stdout.trim());
  } catch {
    throw new Error(`odw exited ${run.code} without --json output\n${run.stderr}\n${run.stdout}`);
  }
  return {
    status: String(json.status),
    result: json.result ?? null,
    error: (json.error as string | null | undefined) ?? null,
    logs: (json.logs as string[] | undefined) ?? [],
    agentCount: Number(json.agentCount ?? 0),
    code: run.code,
    stderr: run.stderr,
    ms: run.ms,
  };
}

/** Runs `script` with `odw exec --json --quiet` on the mock backend in a temporary project. */
export async function runOdw(script: string, opts: OdwParityOptions = {}): Promise<OdwParityRun> {
  const dir = await Deno.makeTempDir({ prefix: "odw-parity-" });
  try {
    const files: Record<string, string> = { ...opts.files, "workflow.js": script };
    if (opts.scenario) files["scenario.json"] = JSON.stringify(opts.scenario);
    for (const [relative, content] of Object.entries(files)) {
      await Deno.mkdir(dirname(join(dir, relative)), { recursive: true });
      await Deno.writeTextFile(join(dir, relative), content);
    }
    const args = ["exec", "workflow.js", "--json", "--quiet"];
    if (opts.args !== undefined) args.push("--args", JSON.stringify(opts.args));
    if (opts.scenario) args.push("--mock-scenario", "scenario.json");
    const run = await runProcess(Deno.execPath(), odwDenoArgs(args), dir, { timeoutMs: opts.timeoutMs });
    return odwOutcome(run);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One parity case: the script and what both sides get. */
export interface ParityCase {
  args?: unknown;
  /** Agent answers, identical on both sides. */
  replies?: ReplyRule[];
  /** Files in the working directory (e.g. `.claude/workflows/child.js`). */
  files?: Record<string, string>;
}

/** Runs `script` on the built-in, then on odw, with the same args, answers and files. */
export async function runBoth(
  script: string,
  parityCase: ParityCase = {},
): Promise<{ builtin: BuiltinRun; odw: OdwParityRun }> {
  const replies = parityCase.replies ?? [];
  const builtin = await runBuiltin(script, { args: parityCase.args, replies, files: parityCase.files });
  const odw = await runOdw(script, {
    args: parityCase.args,
    scenario: mockScenario(replies),
    files: parityCase.files,
  });
  return { builtin, odw };
}

/** The first line of an error text (the built-in appends a stack to a thrown Error). */
export function firstLine(text: string | null): string | null {
  return text === null ? null : text.split("\n")[0];
}

/**
 * `text` without stack-frame lines (`    at …`): the built-in appends the engine's frames (Bun chunk
 * paths, `runInContext (native)`) to a thrown Error's text; they are environment-specific.
 */
export function withoutStackFrames(text: string): string {
  return text.split("\n").filter((line) => !/^\s+at /.test(line)).join("\n");
}

/** The fields both runtimes report, with stack frames removed from the error and the log lines. */
export function comparable(outcome: ParityOutcome): ParityOutcome {
  return {
    status: outcome.status,
    result: outcome.result,
    error: outcome.error === null ? null : withoutStackFrames(outcome.error),
    logs: outcome.logs.map(withoutStackFrames),
    agentCount: outcome.agentCount,
  };
}
