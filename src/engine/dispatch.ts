/**
 * The one dispatch seam of the engine: a keyed node request in, a {@link NodeResult} out.
 *
 * The local scheduler ({@link LocalDispatcher} in `local.ts`) is the first implementation; the resume
 * cache (a decorator answering finished keys from an old journal) and the NATS dispatcher are others.
 * Whatever runs behind it, the engine around it stays the same: `agent_node.ts` does the script-facing
 * checks, hands the request over, and journals what comes back.
 *
 * @example
 * ```ts
 * const result = await dispatcher.dispatch(request, {
 *   signal,
 *   admit: async () => budget.reserve(1),
 *   started: () => journal.append({ type: "node.started", ... }),
 * });
 * ```
 * @module
 */
import type { NodeResult, NodeSpec } from "../common/contract.ts";

export type { NodeSpec };

/** What the engine lends a dispatcher for one node. */
export interface DispatchHooks {
  /** Aborted when the run ends or is cancelled. */
  signal: AbortSignal;
  /**
   * Called once, when the node may start (it holds its slot): reserves the node's output-token
   * allowance (undefined without a budget). Rejects when the run's ceiling is reached; the dispatcher
   * then gives the slot back and rejects with the same error.
   */
  admit(freeSlots: number): Promise<number | undefined>;
  /** Called once, right before the node starts executing (the engine journals `node.started`). */
  started(): void;
}

/** Where nodes run. */
export interface Dispatcher {
  /**
   * Runs one node to its final result. Rejects only with the error `admit` rejected with, or, before
   * the node starts, with a `WorktreeIsolationError` when its isolation cannot work where it would run.
   */
  dispatch(spec: NodeSpec, hooks: DispatchHooks): Promise<NodeResult>;
}
