/**
 * Worktree isolation of one run: each `isolation: "worktree"` node gets a `git worktree` of a
 * snapshot of the project's current tree (see snapshot.ts) on its own branch `odw/<runId>/<node>`,
 * in a private temporary directory; the node runs there. When the node ends its changes are
 * committed on that branch (whatever the agent committed itself stays below), the diff stat against
 * the snapshot is taken, and the worktree directory is removed — the branch stays until
 * `odw worktrees prune`. Snapshots (a private index each) and checkouts, the slow parts, run in
 * parallel; the choice of branch names and the steps that write git's worktree admin folders
 * (`worktree add --no-checkout`, `worktree remove`) are serialised, because `git worktree add` reads
 * every other worktree's admin folder and fails on one that is half made ("failed to read
 * .git/worktrees/…/commondir"). The same failure caused by another process (a second run, the user's
 * own git) is retried a few times. While a node runs its worktree is locked with the reason
 * `odw run <runId> pid <pid>`, so `git worktree prune` and `odw worktrees prune` leave it alone.
 *
 * @example
 * ```ts
 * const isolation = new WorktreeIsolation({ projectDir, runId });
 * await isolation.assertAvailable(); // WorktreeIsolationError outside a git repository
 * const tree = await isolation.open(spec);
 * try { await runTheNode(tree.cwd); } finally { result.worktree = await tree.close(); }
 * ```
 * @module
 */
import { basename, join, relative } from "node:path";
import { oneLine, type WorktreeResult } from "../common/contract.ts";
import { branchName, runSegment } from "./branch_name.ts";
import { diffStat } from "./diff_stat.ts";
import { git, GitError, repoTop, resolveCommit } from "./git.ts";
import { snapshotCommit } from "./snapshot.ts";

/** Why worktree isolation cannot work here (not a git repository, no git); `agent()` throws it. */
export class WorktreeIsolationError extends Error {
  override name = "WorktreeIsolationError";
}

/** The node fields isolation uses. */
export interface IsolatedNode {
  key: string;
  label: string;
}

/** One node's worktree while it runs. */
export interface IsolatedTree {
  /** Where the node runs: the worktree (or the project's subdirectory inside it). */
  cwd: string;
  branch: string;
  /** The worktree's directory (kept when saving the node's changes failed). */
  dir: string;
  /** Commits the node's changes on its branch, removes the worktree, and says what it left. */
  close(): Promise<WorktreeResult>;
}

/** Where worktrees go and what the snapshots leave out. */
export interface WorktreeIsolationOptions {
  /** The project directory (anywhere inside the repository's work tree). */
  projectDir: string;
  runId: string;
  /** Paths left out of snapshots (the run records, when they are inside the repository). */
  excludes?: string[];
  /** Parent of the temporary worktree directories (default: the system's temporary directory). */
  tempRoot?: string;
}

interface Repo {
  top: string;
  /** The project directory relative to `top` (`""` at the top). */
  sub: string;
}

/** The lock reason of a worktree while its node runs (read back by `odw worktrees`). */
export function lockReason(runId: string, pid = Deno.pid): string {
  return `odw run ${runSegment(runId)} pid ${pid}`;
}

/** `text` on one line, at most `max` characters, without control characters (commit messages, tables). */
export function plainLine(text: string, max: number): string {
  // deno-lint-ignore no-control-regex
  return oneLine(text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " "), max);
}

/** Makes and cleans up the worktrees of one run. */
export class WorktreeIsolation {
  readonly options: WorktreeIsolationOptions;
  #repo?: Promise<Repo>;
  #queue: Promise<unknown> = Promise.resolve();
  /** Branch names this run has handed out (a node's branch exists only once its worktree is added). */
  readonly #reserved = new Set<string>();

  constructor(options: WorktreeIsolationOptions) {
    this.options = options;
  }

  /** Resolves when isolation can work here; else rejects with a {@link WorktreeIsolationError}. */
  async assertAvailable(): Promise<void> {
    await this.#locate();
  }

  /** Makes the worktree of one node (branch name, snapshot, `git worktree add`). */
  async open(node: IsolatedNode): Promise<IsolatedTree> {
    const repo = await this.#locate();
    const wanted = branchName(this.options.runId, node.label, node.key);
    // Only the choice of a free name is serialised; snapshots and checkouts of parallel nodes overlap.
    const branch = await this.#serial(async () => {
      const free = await freeBranch(repo.top, wanted, this.#reserved);
      this.#reserved.add(free);
      return free;
    });
    const scratch = await Deno.makeTempDir({ prefix: "odw-wt-", dir: this.options.tempRoot });
    try {
      return await this.#add(repo, scratch, node, branch);
    } catch (e) {
      await Deno.remove(scratch, { recursive: true }).catch(() => {});
      throw e;
    }
  }

  async #add(repo: Repo, scratch: string, node: IsolatedNode, branch: string): Promise<IsolatedTree> {
    const trailers =
      `odw-run: ${plainLine(this.options.runId, 100)}\nodw-node: ${plainLine(node.key, 200)}\n` +
      `odw-label: ${plainLine(node.label, 200)}`;
    const base = await snapshotCommit(repo.top, scratch, {
      message: `${snapshotSubject(branch)}\n\n${trailers}`,
      excludes: this.options.excludes,
    });
    const dir = join(scratch, basename(repo.top) || "repo");
    const reason = lockReason(this.options.runId);
    await this.#serial(() => addWorktree(repo.top, dir, branch, base.commit, reason));
    try {
      await git(["reset", "--hard", "--quiet"], { cwd: dir });
    } catch (e) {
      // A checkout that failed (disk full, too many open files) leaves no registration or branch.
      await this.#serial(async () => {
        await removeWorktree(repo.top, dir).catch(() => {});
        await git(["branch", "-D", branch], { cwd: repo.top, okCodes: [1] }).catch(() => {});
      });
      throw e;
    }
    let closed: Promise<WorktreeResult> | undefined;
    const save = async () => {
      const message = `odw: ${plainLine(node.label, 72)}\n\n${trailers}`;
      const result = await this.#save(repo.top, dir, branch, base.commit, message);
      await this.#serial(() => removeWorktree(repo.top, dir));
      await Deno.remove(scratch, { recursive: true }).catch(() => {});
      return result;
    };
    return { cwd: repo.sub ? join(dir, repo.sub) : dir, branch, dir, close: () => closed ??= save() };
  }

  /** Commits whatever the node left in `dir` and points `branch` at the result. */
  async #save(
    top: string,
    dir: string,
    branch: string,
    base: string,
    message: string,
  ): Promise<WorktreeResult> {
    await git(["add", "-A"], { cwd: dir });
    const tree = (await git(["write-tree"], { cwd: dir })).stdout;
    // The agent may have committed, or even switched branches: build on whatever it left checked out.
    const head = await resolveCommit(dir, "HEAD") ?? base;
    const headTree = (await git(["rev-parse", `${head}^{tree}`], { cwd: dir })).stdout;
    const tip = tree === headTree
      ? head
      : (await git(["commit-tree", tree, "-p", head, "-m", message], { cwd: dir })).stdout;
    await git(["update-ref", `refs/heads/${branch}`, tip], { cwd: top });
    const result: WorktreeResult = { branch, base, diffStat: await diffStat(top, base, tip) };
    if (tip !== base) result.commit = tip;
    return result;
  }

  #serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(step, step);
    this.#queue = next.catch(() => {});
    return next;
  }

  #locate(): Promise<Repo> {
    return this.#repo ??= locate(this.options.projectDir);
  }
}

/** The subject of a node's snapshot commit (`odw worktrees` finds the base by it). */
export function snapshotSubject(branch: string): string {
  return `odw snapshot for ${branch} `;
}

async function locate(projectDir: string): Promise<Repo> {
  let top: string | null;
  try {
    top = await repoTop(projectDir);
  } catch (e) {
    throw new WorktreeIsolationError(`Cannot create agent worktree: ${(e as Error).message}`);
  }
  if (top === null) {
    throw new WorktreeIsolationError(
      `Cannot create agent worktree: not in a git repository (${projectDir}); ` +
        `run "git init" there, or drop isolation: "worktree"`,
    );
  }
  const real = await Deno.realPath(projectDir);
  return { top, sub: relative(await Deno.realPath(top), real) };
}

/** `wanted`, or `wanted-2`, `-3`… when a branch of that name exists or is `taken` already. */
async function freeBranch(top: string, wanted: string, taken: Set<string>): Promise<string> {
  for (let n = 1; n <= 100; n++) {
    const name = n === 1 ? wanted : `${wanted}-${n}`;
    if (!taken.has(name) && await resolveCommit(top, `refs/heads/${name}`) === null) return name;
  }
  throw new GitError(`no free branch name for ${wanted}`);
}

/** How often `worktree add` is tried when another process's half-made worktree trips it. */
const ADD_TRIES = 5;

/**
 * Registers the worktree `dir` on a new branch `branch` at `commit`, locked with `reason`, without
 * checking files out. Retries git's failure to read another worktree's half-made admin folder; on
 * any other failure the new branch is deleted again.
 */
async function addWorktree(top: string, dir: string, branch: string, commit: string, reason: string) {
  await git(["branch", "--no-track", branch, commit], { cwd: top });
  const add = ["worktree", "add", "--quiet", "--no-checkout", "--lock", "--reason", reason, dir, branch];
  for (let attempt = 1;; attempt++) {
    try {
      await git(add, { cwd: top });
      return;
    } catch (e) {
      const racing = /failed to read .*worktrees\//.test((e as Error).message);
      if (!racing || attempt >= ADD_TRIES) {
        await git(["branch", "-D", branch], { cwd: top, okCodes: [1] }).catch(() => {});
        throw e;
      }
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** Removes a worktree of ours (locked: hence `-f -f`); tolerates one that is already gone. */
export async function removeWorktree(top: string, dir: string): Promise<void> {
  try {
    await git(["worktree", "remove", "-f", "-f", dir], { cwd: top });
  } catch {
    // Gone or unreadable: drop the directory, then the registration (git keeps locked ones).
    await git(["worktree", "unlock", dir], { cwd: top, okCodes: [128] });
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await git(["worktree", "prune"], { cwd: top });
  }
}
