/**
 * The isolation step of a node (called by the NodeRunner for `isolation: "worktree"`): open the
 * node's worktree, run every try of the node there, then save its changes on the branch and put the
 * {@link WorktreeResult} on the node's result. Schema and transient retries happen inside `run`, so
 * they share one worktree (one branch per node). Never rejects for git trouble: a worktree that
 * cannot be made fails the node (`bad_input` outside a repository, else `internal`), and changes that
 * cannot be saved fail it too, naming the kept worktree directory.
 *
 * @example
 * ```ts
 * const result = await runInWorktree(isolation, spec, (cwd) => runTries({ ...spec, cwd }));
 * result.worktree?.branch; // "odw/<runId>/<node>"
 * ```
 * @module
 */
import { nodeError, type NodeResult, resultWithoutTries } from "../common/contract.ts";
import {
  type IsolatedNode,
  type IsolatedTree,
  type WorktreeIsolation,
  WorktreeIsolationError,
} from "./worktree.ts";

/** Runs one node in its own worktree; see the module doc. */
export async function runInWorktree(
  isolation: WorktreeIsolation,
  node: IsolatedNode,
  run: (cwd: string) => Promise<NodeResult>,
): Promise<NodeResult> {
  let tree: IsolatedTree;
  try {
    tree = await isolation.open(node);
  } catch (e) {
    const kind = e instanceof WorktreeIsolationError ? "bad_input" : "internal";
    const message = e instanceof WorktreeIsolationError
      ? (e as Error).message
      : `Cannot create agent worktree: ${(e as Error).message}`;
    return resultWithoutTries("failed", nodeError(kind, message));
  }
  let result: NodeResult;
  try {
    result = await run(tree.cwd);
  } catch (e) {
    await tree.close().catch(() => {}); // keep what the node did; the runner's error wins
    throw e;
  }
  try {
    return { ...result, worktree: await tree.close() };
  } catch (e) {
    const why = `could not save the node's changes on ${tree.branch}: ${(e as Error).message}`;
    return {
      ...result,
      status: "failed",
      value: null,
      error: nodeError("internal", `worktree: ${why}; its worktree is kept at ${tree.dir}`),
    };
  }
}
