/**
 * The pandacode backend's process mode: one pandacode-compatible executable per try, started in its
 * own process group with this process's environment, the prompt on stdin, and its one-line JSON
 * report read from stdout and validated with `ReportSchema`. Every stderr chunk and stdout line is a
 * sign of life. An abort sends SIGTERM to the group (pandacode then stops its runtime and still
 * prints a report) and SIGKILL after a grace period longer than pandacode's own.
 *
 * Anything else is a failed try with one clear line: the executable cannot be started, exits 2
 * (pandacode refused the request: `bad_input`), crashes, exits without a report, or prints something
 * that is not a valid report (`executor`).
 *
 * @example
 * ```ts
 * const answer = await runPandacodeProcess(["/usr/local/bin/pandacode"], task);
 * if ("report" in answer) console.log(answer.report.status);
 * ```
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { abortStatus } from "../common/abort.ts";
import { nodeError, oneLine, type Report } from "../common/contract.ts";
import { ReportSchema } from "../common/contract_schema.ts";
import { isExecutableFile, runProcess } from "../common/process.ts";
import type { PandacodeAnswer, PandacodeTask } from "./pandacode.ts";

/** SIGTERM → SIGKILL grace: longer than pandacode's own 3 s wind-down of its runtime. */
export const PROCESS_GRACE_MS = 5_000;

/** Most stdout kept from one process (a report with a large output stays well below). */
const STDOUT_LIMIT = 64 * 1024 * 1024;

/**
 * The bundled pandacode as a command for process mode: `dist/pandacode` when `deno task compile` built
 * it, else `pandacode/main.ts` run by this Deno (the benchmark compares it with in-process mode).
 */
export function bundledPandacodeCommand(): string[] {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const compiled = join(root, "dist", "pandacode");
  if (isExecutableFile(compiled)) return [compiled];
  const main = join(root, "pandacode", "main.ts");
  return [Deno.execPath(), "run", "-A", "--quiet", "--no-prompt", "--config", join(root, "deno.json"), main];
}

/** The last non-empty line of some text, on one line (at most 300 characters). */
function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return oneLine(lines.at(-1) ?? "", 300);
}

/** The report in `stdout`, or why there is none. */
export function parseReport(stdout: string): { report: Report } | { problem: string } {
  const text = stdout.trim();
  if (text === "") return { problem: "printed no report" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `printed something that is not a JSON report: ${oneLine(text, 200)}` };
  }
  const checked = ReportSchema.safeParse(value);
  if (checked.success) return { report: checked.data };
  const issues = checked.error.issues.slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "report"}: ${issue.message}`).join("; ");
  return { problem: `printed an invalid report (${issues})` };
}

function describeSpawnError(executable: string, error: unknown): string {
  const reason = error instanceof Deno.errors.NotFound
    ? "no such file"
    : error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : (error as Error).message;
  return `cannot start pandacode executable ${executable}: ${reason}`;
}

/** Runs one task through the executable `command[0]` (with `command.slice(1)` before its arguments). */
export async function runPandacodeProcess(command: string[], task: PandacodeTask): Promise<PandacodeAnswer> {
  const [executable, ...leading] = command;
  let stdout = "";
  let result;
  try {
    result = await runProcess({
      cmd: executable,
      args: [...leading, ...task.args],
      cwd: task.cwd,
      env: task.env,
      stdin: task.prompt,
      signal: task.signal,
      graceMs: PROCESS_GRACE_MS,
      onLine: (line) => {
        task.onActivity?.();
        if (stdout.length < STDOUT_LIMIT) stdout += `${line}\n`;
      },
      onStderr: () => task.onActivity?.(),
    });
  } catch (error) {
    return { error: nodeError("executor", describeSpawnError(executable, error)) };
  }
  const parsed = parseReport(stdout);
  // Stopped by the engine (timeout, stall, cancel), pandacode still reports what was spent.
  if ("report" in parsed) return parsed;
  if (result.killed) {
    const status = abortStatus(task.signal);
    return { error: nodeError(status, `pandacode was stopped (${status}) before it printed a report`) };
  }
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  const detail = lastLine(result.stderr);
  if (result.code === 2 && !result.signal) {
    return { error: nodeError("bad_input", `pandacode refused the request: ${detail || "no message"}`) };
  }
  return {
    error: nodeError(
      "executor",
      `pandacode ${how} and ${parsed.problem}${detail ? ` (stderr: ${detail})` : ""}`,
    ),
  };
}
