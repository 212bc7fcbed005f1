/**
 * Running git for odw: one function, {@link git}, that runs `git <args>` in a process group with a
 * deadline (a hung filter or credential helper is killed with its whole tree), and a fixed, quiet
 * environment:
 * - no hooks (`core.hooksPath=/dev/null`), no signing prompts, no automatic gc or maintenance, no
 *   fsmonitor daemon, no split index, no optional locks on the user's index (`GIT_OPTIONAL_LOCKS=0`),
 *   no terminal prompts;
 * - location variables a parent git may have set (`GIT_DIR`, `GIT_INDEX_FILE`, …) are dropped, so
 *   `cwd` alone says which repository is meant;
 * - commits odw makes carry the identity `odw <odw@localhost>`.
 *
 * @example
 * ```ts
 * const top = await repoTop("/work/project"); // null outside a repository
 * const { stdout } = await git(["rev-parse", "HEAD"], { cwd: top! });
 * ```
 * @module
 */
import { runProcess } from "../common/process.ts";
import { oneLine } from "../common/contract.ts";

/** Default deadline of one git command. */
export const GIT_TIMEOUT_MS = 120_000;

/** A git command that could not run or failed; `message` is one line fit for a user. */
export class GitError extends Error {
  override name = "GitError";
}

/** How to run one git command. */
export interface GitOptions {
  cwd: string;
  /** Extra environment (e.g. `GIT_INDEX_FILE` for a private index). */
  env?: Record<string, string>;
  /** Kill git after this long (default {@link GIT_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Exit codes that are answers, not failures (e.g. 1 for `rev-parse --verify --quiet`). */
  okCodes?: number[];
}

/** What a git command printed and how it ended. */
export interface GitOutput {
  code: number;
  /** stdout with its final newline removed. */
  stdout: string;
  stderr: string;
}

const QUIET_CONFIG = [
  "core.hooksPath=/dev/null",
  "commit.gpgSign=false",
  "tag.gpgSign=false",
  "gc.auto=0",
  "maintenance.auto=false",
  "core.fsmonitor=false",
  "core.splitIndex=false",
  "advice.detachedHead=false",
].flatMap((setting) => ["-c", setting]);

const LOCATION_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

const IDENTITY = {
  GIT_AUTHOR_NAME: "odw",
  GIT_AUTHOR_EMAIL: "odw@localhost",
  GIT_COMMITTER_NAME: "odw",
  GIT_COMMITTER_EMAIL: "odw@localhost",
};

function gitEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of LOCATION_VARS) delete env[name];
  return { ...env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C", ...IDENTITY, ...extra };
}

/** The last non-empty line of git's stderr (where git says what went wrong). */
function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return oneLine(lines.at(-1) ?? "", 300);
}

/** Runs `git <args>`; throws {@link GitError} when git is missing, times out, or fails. */
export async function git(args: string[], opts: GitOptions): Promise<GitOutput> {
  const timeoutMs = opts.timeoutMs ?? GIT_TIMEOUT_MS;
  const lines: string[] = [];
  let result;
  try {
    result = await runProcess({
      cmd: "git",
      args: [...QUIET_CONFIG, ...args],
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      signal: AbortSignal.timeout(timeoutMs),
      onLine: (line) => lines.push(line),
      graceMs: 500,
    });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new GitError(
        (await dirExists(opts.cwd)) ? "git was not found on PATH" : `no such directory: ${opts.cwd}`,
      );
    }
    throw new GitError(`cannot run git: ${oneLine((e as Error).message, 300)}`);
  }
  if (result.killed) throw new GitError(`git ${args[0]} did not finish within ${timeoutMs} ms; killed`);
  const output = { code: result.code, stdout: lines.join("\n"), stderr: result.stderr };
  if (result.code !== 0 && !(opts.okCodes ?? []).includes(result.code)) {
    const why = lastLine(result.stderr) || `exit code ${result.code}`;
    throw new GitError(`git ${args[0]} failed: ${why}`);
  }
  return output;
}

async function dirExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** The top directory of the work tree containing `dir`, or null when `dir` is in none. */
export async function repoTop(dir: string): Promise<string | null> {
  const out = await git(["rev-parse", "--show-toplevel"], { cwd: dir, okCodes: [128] });
  return out.code === 0 && out.stdout ? out.stdout : null;
}

/** The commit `rev` names, or null when it names none (e.g. `HEAD` in a repository without commits). */
export async function resolveCommit(top: string, rev: string): Promise<string | null> {
  const out = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], {
    cwd: top,
    okCodes: [1, 128],
  });
  return out.code === 0 ? out.stdout : null;
}
