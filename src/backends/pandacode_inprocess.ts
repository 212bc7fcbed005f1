/**
 * The pandacode backend's in-process mode: the same steps as `pandacode run --json` — the flags
 * parsed and checked by pandacode's own `parseRunArgs`/`resolveTask`, the runtime's executor run by
 * `executeTask` — called directly, so a node costs no process of its own. The task follows the
 * engine's signal (abort → `timeout` or `cancelled`, with the runtime's process tree killed) instead
 * of the process's SIGINT/SIGTERM; the runtime's log lines are signs of life, not output.
 *
 * A request pandacode refuses (unknown runtime or provider, missing key, CLI not found, bad schema)
 * is a failed try with pandacode's one-line message, worded as in process mode.
 *
 * @example
 * ```ts
 * const answer = await runPandacodeInProcess({ args: runArgs(request), prompt, cwd, env, signal });
 * ```
 * @module
 */
import { nodeError, oneLine } from "../common/contract.ts";
import { UsageError } from "../common/cli_kit.ts";
import { parseRunArgs } from "../../pandacode/cli/args.ts";
import { resolveTask } from "../../pandacode/cli/resolve.ts";
import { executeTask, loadExecutor } from "../../pandacode/cli/run.ts";
import type { PandacodeAnswer, PandacodeTask } from "./pandacode.ts";

/** Runs one task in this process; never throws. */
export async function runPandacodeInProcess(task: PandacodeTask): Promise<PandacodeAnswer> {
  try {
    const flags = parseRunArgs(task.args.slice(1));
    const resolved = await resolveTask({ ...flags, positionals: [task.prompt] }, task.env, task.cwd);
    const executor = await loadExecutor(resolved.runtime);
    const report = await executeTask(resolved, executor, {
      signal: task.signal,
      activity: task.onActivity,
      log: () => task.onActivity?.(),
    });
    return { report };
  } catch (error) {
    if (error instanceof UsageError) {
      return { error: nodeError("bad_input", `pandacode refused the request: ${error.message}`) };
    }
    return {
      error: nodeError(
        "executor",
        `pandacode failed: ${oneLine(String((error as Error)?.message ?? error))}`,
      ),
    };
  }
}
