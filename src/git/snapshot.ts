/**
 * A snapshot commit of the current tree of a repository — tracked files as they are on disk
 * (uncommitted changes included) and untracked files that are not ignored — made without touching
 * the user's index or working tree: `git add -A` runs against a private index file
 * (`GIT_INDEX_FILE`, seeded with a copy of the real index so unchanged files are not hashed again),
 * then `git write-tree` and `git commit-tree` (parent: `HEAD`, when the repository has a commit).
 *
 * @example
 * ```ts
 * const { commit } = await snapshotCommit(top, scratchDir, { message: "odw snapshot", excludes: [runsDir] });
 * ```
 * @module
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { git, resolveCommit } from "./git.ts";

/** What to snapshot. */
export interface SnapshotOptions {
  /** Commit message (the first line is the subject). */
  message: string;
  /** Absolute paths left out of the snapshot (odw's own run records, when inside the repository). */
  excludes?: string[];
}

/** A snapshot: its commit and that commit's tree. */
export interface Snapshot {
  commit: string;
  tree: string;
}

/** Pathspecs for `git add -A` from the top of the repository: everything but `excludes` inside it. */
export function snapshotPathspecs(top: string, excludes: string[] = []): string[] {
  const specs = ["."];
  for (const path of excludes) {
    const rel = relative(top, resolve(path));
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) continue;
    specs.push(`:(exclude,literal,top)${rel}`);
  }
  return specs;
}

/**
 * Commits the tree of `top` as it is on disk. `scratch` is a private directory for the temporary
 * index (the caller removes it).
 */
export async function snapshotCommit(top: string, scratch: string, opts: SnapshotOptions): Promise<Snapshot> {
  const index = join(scratch, "snapshot.index");
  const env = { GIT_INDEX_FILE: index };
  const add = ["add", "-A", "--", ...snapshotPathspecs(top, opts.excludes)];
  const seeded = await seedIndex(top, index);
  try {
    await git(add, { cwd: top, env });
  } catch (e) {
    // A copied index this git cannot extend (e.g. a split index): start from an empty one.
    if (!seeded) throw e;
    await Deno.remove(index).catch(() => {});
    await git(add, { cwd: top, env });
  }
  const tree = (await git(["write-tree"], { cwd: top, env })).stdout;
  await Deno.remove(index).catch(() => {});
  const head = await resolveCommit(top, "HEAD");
  const parents = head ? ["-p", head] : [];
  const commit = (await git(["commit-tree", tree, ...parents, "-m", opts.message], { cwd: top })).stdout;
  return { commit, tree };
}

/** Copies the repository's index to `index`; false when it has none (a fresh repository). */
async function seedIndex(top: string, index: string): Promise<boolean> {
  const path = (await git(["rev-parse", "--path-format=absolute", "--git-path", "index"], { cwd: top }))
    .stdout;
  try {
    await Deno.copyFile(path, index);
    return true;
  } catch {
    return false;
  }
}
