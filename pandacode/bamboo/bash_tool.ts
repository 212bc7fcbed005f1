/**
 * bamboo's `bash` tool: runs one command with `bash -c` in the workspace through
 * {@link runProcess} (its own process group, killed as a whole on timeout or when the task aborts),
 * and returns the exit code with stdout and stderr interleaved as they arrived, capped in size.
 *
 * The command is not jailed: it runs with the task's environment and the user's permissions, like
 * the shell tools of codex and claude. The file tools are the jailed ones.
 *
 * @module
 */
import { type Tool, tool } from "ai";
import { z } from "zod";
import { runProcess } from "../../src/common/process.ts";

/** Default command timeout. */
export const BASH_DEFAULT_TIMEOUT_MS = 120_000;
/** Largest timeout the model may ask for. */
export const BASH_MAX_TIMEOUT_MS = 600_000;
/** Output kept for the model, in characters (head and tail when longer). */
export const BASH_OUTPUT_MAX_CHARS = 30_000;

/** What one command did. */
export interface BashResult {
  exitCode: number;
  /** True when the command was killed for running past its timeout. */
  timedOut: boolean;
  output: string;
}

/** Options of {@link runBash}. */
export interface BashOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** The task's signal: aborting kills the command too. */
  signal?: AbortSignal;
  /** SIGTERM→SIGKILL grace, default 1000 ms. */
  graceMs?: number;
}

/** Collects output keeping its first and last part when it grows past `max` characters. */
export class CappedOutput {
  private head = "";
  private tail = "";
  private total = 0;
  constructor(private readonly max: number = BASH_OUTPUT_MAX_CHARS) {}

  /** Adds a chunk. */
  append(text: string): void {
    this.total += text.length;
    const headMax = Math.floor(this.max / 2);
    if (this.head.length < headMax) {
      const take = text.slice(0, headMax - this.head.length);
      this.head += take;
      text = text.slice(take.length);
    }
    if (text) this.tail = (this.tail + text).slice(-(this.max - headMax));
  }

  /** The kept text, with a marker where characters were dropped. */
  toString(): string {
    const dropped = this.total - this.head.length - this.tail.length;
    return dropped > 0
      ? `${this.head}\n[… ${dropped} characters omitted …]\n${this.tail}`
      : this.head + this.tail;
  }
}

/** Runs one command to its end, its timeout, or the abort of `signal`. */
export async function runBash(options: BashOptions): Promise<BashResult> {
  const killer = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killer.abort("timeout");
  }, options.timeoutMs);
  const onAbort = () => killer.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const output = new CappedOutput();
  const append = (text: string) => output.append(text);
  try {
    const result = await runProcess({
      cmd: "bash",
      args: ["-c", options.command],
      cwd: options.cwd,
      env: options.env,
      signal: killer.signal,
      onLine: (line) => append(line + "\n"),
      onStderr: append,
      graceMs: options.graceMs ?? 1000,
    });
    return { exitCode: result.code, timedOut, output: output.toString() };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** The `bash` tool for a workspace. */
export function bashTool(cwd: string, env: Record<string, string>): Tool {
  return tool({
    description: "Run a shell command with bash in the workspace root (tests, builds, git, …). " +
      `Returns the exit code and the combined output (capped at ${BASH_OUTPUT_MAX_CHARS} characters). ` +
      `Default timeout ${BASH_DEFAULT_TIMEOUT_MS / 1000} s, at most ${BASH_MAX_TIMEOUT_MS / 1000} s; ` +
      "on timeout the whole process group is killed. No interactive input.",
    inputSchema: z.object({
      command: z.string().min(1).describe("The command line, run with bash -c"),
      timeoutSeconds: z.number().positive().optional().describe("Kill the command after this many seconds"),
    }),
    execute: async ({ command, timeoutSeconds }, { abortSignal }) => {
      const timeoutMs = Math.min(
        BASH_MAX_TIMEOUT_MS,
        timeoutSeconds !== undefined ? Math.round(timeoutSeconds * 1000) : BASH_DEFAULT_TIMEOUT_MS,
      );
      const result = await runBash({ command, cwd, env, timeoutMs, signal: abortSignal });
      const head = result.timedOut
        ? `timed out after ${timeoutMs / 1000} s; the command was killed (exit code ${result.exitCode})`
        : `exit code ${result.exitCode}`;
      return `${head}\n${result.output}`.trimEnd();
    },
  });
}
