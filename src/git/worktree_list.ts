/**
 * odw's branches in a repository, for `odw worktrees`: every `refs/heads/odw/<runId>/<node>` with its
 * node's label, diff stat against its snapshot, date, and state — `kept` (the usual: the node ended
 * and its worktree is gone), `in use` (a live odw process holds its worktree: a node is running) or
 * `stale` (a worktree left by an odw process that is gone, e.g. killed). {@link pruneOdwBranches}
 * deletes branches (all, or one run's), removing stale worktrees first and leaving `in use` ones alone
 * unless forced.
 *
 * @example
 * ```ts
 * const rows = await listOdwBranches(top, { runId: "20261125-143012-3f9a1c" });
 * const { deleted, inUse } = await pruneOdwBranches(top, { runId: "20261125-143012-3f9a1c" });
 * ```
 * @module
 */
import { basename, dirname } from "node:path";
import { BRANCH_PREFIX, parseBranchName } from "./branch_name.ts";
import { type DiffStat, diffStat } from "./diff_stat.ts";
import { git } from "./git.ts";
import { plainLine, removeWorktree, snapshotSubject } from "./worktree.ts";

/** One odw branch. */
export interface OdwBranch {
  branch: string;
  runId: string;
  node: string;
  /** The node's label (from its snapshot commit), when known. */
  label: string | null;
  /** The branch tip and its commit date (ISO 8601). */
  tip: string;
  date: string;
  /** The snapshot the node started from (null when it cannot be found, e.g. a hand-made branch). */
  base: string | null;
  diffStat: DiffStat | null;
  state: "kept" | "in use" | "stale";
  /** The worktree that has the branch checked out, when there is one. */
  worktree: string | null;
}

/** Which branches. */
export interface BranchFilter {
  /** Only this run's branches. */
  runId?: string;
}

interface WorktreeEntry {
  path: string;
  locked: string | null;
}

/** Worktrees by the branch they have checked out (`git worktree list --porcelain -z`). */
async function worktreesByBranch(top: string): Promise<Map<string, WorktreeEntry>> {
  const out = await git(["worktree", "list", "--porcelain", "-z"], { cwd: top });
  const byBranch = new Map<string, WorktreeEntry>();
  let path = "";
  let branch = "";
  let locked: string | null = null;
  for (const field of [...out.stdout.split("\0"), ""]) {
    if (field === "") {
      if (branch) byBranch.set(branch, { path, locked });
      path = branch = "";
      locked = null;
    } else if (field.startsWith("worktree ")) path = field.slice(9);
    else if (field.startsWith("branch refs/heads/")) branch = field.slice(18);
    else if (field === "locked" || field.startsWith("locked ")) locked = field.slice(7);
  }
  return byBranch;
}

/** Whether the odw process named by a worktree's lock reason still runs (unknown: assume it does). */
function lockHolderAlive(reason: string | null): boolean {
  const pid = /^odw run \S+ pid (\d+)$/.exec(reason ?? "")?.[1];
  if (pid === undefined) return reason !== null; // locked by someone else: not ours to judge
  try {
    Deno.statSync("/proc/self");
  } catch {
    return true; // no /proc to ask
  }
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** The snapshot a node's branch started from, and the node's label, or nulls. */
async function baseOf(top: string, branch: string): Promise<{ base: string | null; label: string | null }> {
  // odw's own names are plain; a hand-made branch with other characters has no snapshot of ours.
  if (/[^A-Za-z0-9_/-]/.test(branch)) return { base: null, label: null };
  const out = await git(
    [
      "log",
      "-1",
      "--format=%H%x09%(trailers:key=odw-label,valueonly,separator=%x20)",
      "--end-of-options",
      `refs/heads/${branch}^{/^${snapshotSubject(branch)}}`,
    ],
    { cwd: top, okCodes: [128] },
  );
  if (out.code !== 0 || !out.stdout) return { base: null, label: null };
  const [base, label = ""] = out.stdout.split("\t");
  return { base, label: plainLine(label, 200) || null };
}

/** odw's branches, newest first. */
export async function listOdwBranches(top: string, filter: BranchFilter = {}): Promise<OdwBranch[]> {
  const prefix = `refs/heads/${BRANCH_PREFIX}${filter.runId ? `${filter.runId}/` : ""}`;
  const refs = await git(
    ["for-each-ref", "--format=%(refname:lstrip=2)%09%(objectname)%09%(committerdate:iso-strict)", prefix],
    { cwd: top },
  );
  const worktrees = await worktreesByBranch(top);
  const rows: OdwBranch[] = [];
  for (const line of refs.stdout.split("\n")) {
    const [branch, tip, date] = line.split("\t");
    const parsed = parseBranchName(branch ?? "");
    if (!parsed || !tip) continue;
    const { base, label } = await baseOf(top, branch);
    const wt = worktrees.get(branch);
    rows.push({
      branch,
      runId: parsed.runId,
      node: parsed.node,
      label,
      tip,
      date,
      base,
      diffStat: base === null ? null : await diffStat(top, base, tip),
      state: wt === undefined ? "kept" : lockHolderAlive(wt.locked) ? "in use" : "stale",
      worktree: wt?.path ?? null,
    });
  }
  return rows.sort((a, b) => b.date.localeCompare(a.date) || a.branch.localeCompare(b.branch));
}

/** What a prune did. */
export interface PruneOutcome {
  deleted: string[];
  /** Branches left because a live odw process still uses their worktree. */
  inUse: string[];
}

/**
 * Deletes odw's branches (those of `filter.runId`, or all), removing their stale worktrees first.
 * Branches `in use` are kept unless `force` (which removes their worktrees under the running node).
 */
export async function pruneOdwBranches(
  top: string,
  opts: BranchFilter & { force?: boolean } = {},
): Promise<PruneOutcome> {
  const outcome: PruneOutcome = { deleted: [], inUse: [] };
  for (const row of await listOdwBranches(top, opts)) {
    if (row.state === "in use" && !opts.force) {
      outcome.inUse.push(row.branch);
      continue;
    }
    if (row.worktree !== null) {
      await removeWorktree(top, row.worktree);
      // odw's temporary parent goes too once empty (never recursively: it may not be ours alone).
      const scratch = dirname(row.worktree);
      if (basename(scratch).startsWith("odw-wt-")) await Deno.remove(scratch).catch(() => {});
    }
    outcome.deleted.push(row.branch);
  }
  for (let i = 0; i < outcome.deleted.length; i += 50) {
    await git(["branch", "-D", ...outcome.deleted.slice(i, i + 50)], { cwd: top });
  }
  return outcome;
}
