/**
 * Branch names of worktree nodes: `odw/<runId>/<node>`, where `<node>` is a short safe form of the
 * node's label plus 8 hex digits of its key's hash (labels repeat, keys do not). Every part is
 * reduced to `[a-z0-9_-]`, so whatever a script puts in a label (spaces, `..`, `~^:?*[\`, `@{`,
 * control characters, `.lock`, non-ASCII) the name is a valid git branch name.
 *
 * @example
 * ```ts
 * branchName("20261125-143012-3f9a1c", "Fix the bug!", "ab12…#1");
 * // "odw/20261125-143012-3f9a1c/fix-the-bug-5d41402a"
 * parseBranchName("odw/20261125-143012-3f9a1c/fix-the-bug-5d41402a");
 * // { runId: "20261125-143012-3f9a1c", node: "fix-the-bug-5d41402a" }
 * ```
 * @module
 */
import { sha256Hex } from "../common/hash.ts";

/** Every odw branch lives under this prefix (`refs/heads/odw/…`). */
export const BRANCH_PREFIX = "odw/";

/** Longest label part of a node's branch name. */
const LABEL_CHARS = 32;

/** `text` reduced to lowercase `[a-z0-9_-]`, runs of anything else folded to one `-`, at most `max` long. */
export function safeSegment(text: string, max: number): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-").replace(/-{2,}/g, "-").slice(0, max).replace(/^[-_]+|[-_]+$/g, "");
}

/** Whether `runId` is usable as the run part of a branch name as it is. */
export function isSafeRunId(runId: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(runId);
}

/** The run part of a branch name: the run id when safe, else its safe form (never empty). */
export function runSegment(runId: string): string {
  return isSafeRunId(runId) ? runId : safeSegment(runId, 64) || "run";
}

/** The node part: the label's safe form (or `node`) and 8 hex digits of the key's hash. */
export function nodeSegment(label: string, key: string): string {
  const hash = sha256Hex(key).slice(0, 8);
  return `${safeSegment(label, LABEL_CHARS) || "node"}-${hash}`;
}

/** The branch of a worktree node: `odw/<runId>/<node>`. */
export function branchName(runId: string, label: string, key: string): string {
  return `${BRANCH_PREFIX}${runSegment(runId)}/${nodeSegment(label, key)}`;
}

/** Run and node of an odw branch name, or null for any other branch. */
export function parseBranchName(branch: string): { runId: string; node: string } | null {
  const m = /^odw\/([^/]+)\/(.+)$/.exec(branch);
  return m ? { runId: m[1], node: m[2] } : null;
}
