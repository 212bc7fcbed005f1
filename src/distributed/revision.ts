/**
 * The repository revision a worktree node starts from on a remote worker: the orchestrator sends its
 * `HEAD` commit (never a path), and a worker runs the node only when its own checkout is at that
 * commit. Uncommitted changes stay on the orchestrator's machine.
 *
 * @example
 * ```ts
 * const revision = await gitRevision("/work/repo"); // "3f9a1c…" or undefined outside a repository
 * ```
 * @module
 */

async function git(cwd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const output = await new Deno.Command("git", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return { ok: output.success, out: new TextDecoder().decode(output.stdout).trim() };
  } catch {
    return { ok: false, out: "" };
  }
}

/** `HEAD`'s commit in `dir`, or undefined when `dir` is not in a repository with a commit. */
export async function gitRevision(dir: string): Promise<string | undefined> {
  const { ok, out } = await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  return ok && /^[0-9a-f]{7,64}$/.test(out) ? out : undefined;
}
