/**
 * The mock backend's file effects, like an agent editing its working directory: `writeFiles`
 * (relative path → content) writes files into the node's directory (`request.cwd`, the worktree for
 * an isolated node), and `replyFile` answers with a file's text. Paths are jailed to that directory:
 * relative, no `..`, no writing through a symlink (scenario files are input like any other).
 *
 * @example
 * ```ts
 * await writeMockFiles(request.cwd, { "src/a.ts": "export const a = 1;\n" });
 * const text = await readMockFile(request.cwd, "src/a.ts");
 * ```
 * @module
 */
import { dirname, join, resolve, sep } from "node:path";

/** Why a scripted path is unusable, or null when it is a plain relative path. */
export function mockPathProblem(path: string): string | null {
  if (path === "" || path.includes("\0")) return "must be a non-empty path";
  if (path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:/.test(path)) return "must be relative";
  if (path.split(/[\\/]/).some((part) => part === "..")) return `must not contain ".."`;
  return null;
}

/** Throws unless `path` (already resolved) is inside `root` once symlinks are followed. */
async function assertInside(root: string, path: string, shown: string): Promise<void> {
  const realRoot = await Deno.realPath(root);
  const real = await Deno.realPath(path).catch(() => null); // a dangling symlink leads nowhere
  if (real === null || real !== realRoot && !real.startsWith(realRoot + sep)) {
    throw new Error(`mock: ${shown} leads outside the node's directory`);
  }
}

/** Writes each file under `cwd` (creating folders); refuses paths that leave it. */
export async function writeMockFiles(cwd: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const problem = mockPathProblem(path);
    if (problem) throw new Error(`mock: writeFiles path ${JSON.stringify(path)} ${problem}`);
    const root = resolve(cwd);
    const full = resolve(root, path);
    // Check the deepest folder that exists before creating any: a symlinked folder may point out.
    let existing = dirname(full);
    while (existing !== root && !(await Deno.lstat(existing).then(() => true, () => false))) {
      existing = dirname(existing);
    }
    await assertInside(cwd, existing, JSON.stringify(path));
    await Deno.mkdir(dirname(full), { recursive: true });
    const target = await Deno.lstat(full).catch(() => null);
    if (target?.isSymlink) throw new Error(`mock: ${JSON.stringify(path)} is a symlink; not written`);
    await Deno.writeTextFile(full, content);
  }
}

/** The text of `path` under `cwd`; throws a one-line error when it cannot be read. */
export async function readMockFile(cwd: string, path: string): Promise<string> {
  const problem = mockPathProblem(path);
  if (problem) throw new Error(`mock: replyFile path ${JSON.stringify(path)} ${problem}`);
  const full = join(cwd, path);
  if (!(await Deno.lstat(full).then(() => true, () => false))) {
    throw new Error(`mock: cannot read ${path}: no such file`);
  }
  await assertInside(cwd, full, JSON.stringify(path));
  return await Deno.readTextFile(full);
}
