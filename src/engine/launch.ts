/**
 * The steps every caller that launches a run shares (`odw exec`, the library's `runWorkflow`, the MCP
 * server): make the run records directory with a one-line error, record a script the static checks
 * refuse (worded as the built-in's tool words it), and run a checked script with its analysis.
 *
 * @example
 * ```ts
 * await makeRunsDir(runsDir);
 * const analysis = analyzeScript(source);
 * const outcome = analysis.ok
 *   ? await runChecked(analysis, { scriptPath, source, backend, concurrency: 4, budget: null, ... })
 *   : await refuseScript(runsDir, scriptPath, source, analysis.error);
 * ```
 * @module
 */
import { UsageError } from "../common/cli_kit.ts";
import { type Analysis, scriptName } from "../script/analyze.ts";
import { executeRun, type RunOptions, type RunOutcome } from "./run.ts";
import { recordRefusal } from "./run_dir.ts";

/** A script that passed the static checks. */
export type CheckedScript = Extract<Analysis, { ok: true }>;

/** Creates the run records directory, or a one-line UsageError saying why it cannot be. */
export async function makeRunsDir(runsDir: string): Promise<void> {
  try {
    await Deno.mkdir(runsDir, { recursive: true });
  } catch (e) {
    const reason = e instanceof Deno.errors.AlreadyExists || e instanceof Deno.errors.NotADirectory
      ? "a file is in the way"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message.split(":")[0];
    throw new UsageError(`cannot create run directory ${runsDir}: ${reason}`);
  }
}

/**
 * Records a refused script as a run (status `refused`, nothing ran; named by its `meta.name` when that
 * can be read) and returns its outcome.
 */
export function refuseScript(
  runsDir: string,
  scriptPath: string,
  source: string,
  error: string,
): Promise<RunOutcome> {
  // As the built-in's tool reports a script its engine cannot compile.
  const message = error.startsWith("SyntaxError:")
    ? `Workflow script has a syntax error and was not launched:\n${error}`
    : error;
  return recordRefusal(runsDir, scriptPath, source, message, scriptName(source));
}

/** Runs a checked script: its body, name and the backend's detail come from the analysis and backend. */
export function runChecked(
  analysis: CheckedScript,
  opts: Omit<RunOptions, "body" | "name" | "backendDetail">,
): Promise<RunOutcome> {
  return executeRun({
    ...opts,
    body: analysis.body,
    name: analysis.meta.name,
    backendDetail: opts.backend.detail,
  });
}
