/**
 * A throwaway git repository holding a copy of `examples/` with `scripts/` linked to the checkout's,
 * so an example's command line runs exactly as the README writes it (`scripts/odw exec examples/…`,
 * `cd examples && ../scripts/odw …`) without touching the checkout: worktree examples leave their
 * branches in the copy, and run records go to the copy's `.odw/`.
 *
 * @example
 * ```ts
 * await withExampleRepo(async (repo) => {
 *   const out = await repo.shell("scripts/odw exec examples/hello.js");
 *   // out.code === 0, JSON.parse(out.stdout).en is a string
 * });
 * ```
 * @module
 */
import { cp, symlink } from "node:fs/promises";
import { join, relative } from "node:path";
import { REPO } from "../_support/odw.ts";
import { type TempRepo, withRepo } from "../_support/git_repo.ts";
import { runBounded } from "../_support/processes.ts";

/** What one command line did. */
export interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A copy of the examples in a git repository. */
export interface ExampleRepo {
  repo: TempRepo;
  dir: string;
  /** Runs one command line with bash in the repository (NO_COLOR set); fails the test past its deadline. */
  shell(commandLine: string): Promise<ShellRun>;
  /** Runs `scripts/odw exec <args> --json --quiet` (in `cwd`, relative to the repository) and parses stdout. */
  execJson(args: string[], cwd?: string): Promise<Record<string, unknown> & { run: ShellRun }>;
}

/** Quotes one word for bash. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Makes the repository, runs `fn`, removes it. */
export async function withExampleRepo(fn: (examples: ExampleRepo) => Promise<void>): Promise<void> {
  await withRepo(async (repo) => {
    await cp(join(REPO, "examples"), join(repo.dir, "examples"), { recursive: true });
    await symlink(join(REPO, "scripts"), join(repo.dir, "scripts"));
    await repo.git("add", "examples");
    await repo.git("commit", "-qm", "examples");
    const shell = async (commandLine: string): Promise<ShellRun> => {
      const out = await runBounded("bash", {
        args: ["-c", commandLine],
        cwd: repo.dir,
        env: { NO_COLOR: "1" },
        what: commandLine,
      });
      return { code: out.code, stdout: out.stdout, stderr: out.stderr };
    };
    const execJson = async (args: string[], cwd = ".") => {
      const launcher = relative(join(repo.dir, cwd), join(repo.dir, "scripts", "odw"));
      const line = `cd ${shellWord(cwd)} && ${launcher} exec ${args.map(shellWord).join(" ")} --json --quiet`;
      const run = await shell(line);
      if (run.code !== 0 && run.code !== 1) throw new Error(`${line} exited ${run.code}: ${run.stderr}`);
      return { ...JSON.parse(run.stdout), run };
    };
    await fn({ repo, dir: repo.dir, shell, execJson });
  });
}
