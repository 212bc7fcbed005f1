/**
 * The diff stat between two commits (files changed, lines inserted, lines deleted), from
 * `git diff --numstat`: binary files count as changed with no lines; renames count as a deletion
 * and an addition (`--no-renames`), so the numbers do not depend on rename detection settings.
 *
 * @example
 * ```ts
 * await diffStat(top, base, tip); // { filesChanged: 2, insertions: 3, deletions: 1 }
 * ```
 * @module
 */
import type { WorktreeResult } from "../common/contract.ts";
import { git } from "./git.ts";

/** Files changed, insertions and deletions. */
export type DiffStat = WorktreeResult["diffStat"];

/** Sums `git diff --numstat` output (`added<TAB>deleted<TAB>path` per file; `-` for binary). */
export function parseNumstat(text: string): DiffStat {
  const stat: DiffStat = { filesChanged: 0, insertions: 0, deletions: 0 };
  for (const line of text.split("\n")) {
    const m = /^(\d+|-)\t(\d+|-)\t/.exec(line);
    if (!m) continue;
    stat.filesChanged++;
    if (m[1] !== "-") stat.insertions += Number(m[1]);
    if (m[2] !== "-") stat.deletions += Number(m[2]);
  }
  return stat;
}

/** The diff stat of `from..to` in the repository at `cwd`. */
export async function diffStat(cwd: string, from: string, to: string): Promise<DiffStat> {
  if (from === to) return { filesChanged: 0, insertions: 0, deletions: 0 };
  const out = await git(
    ["diff", "--numstat", "--no-renames", "--no-ext-diff", "--no-textconv", from, to, "--"],
    { cwd },
  );
  return parseNumstat(out.stdout);
}
