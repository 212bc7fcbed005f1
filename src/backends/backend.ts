/**
 * The Backend interface: how the engine hands one try of one `agent()` node to something that runs it.
 *
 * The engine owns scheduling, budget, schema validation and journaling; a backend only runs one
 * request and reports what happened. `mock` (token-free, deterministic) and `pandacode` (the executor)
 * are the implementations. The shared vocabulary (usage, effort, status, error kinds) lives in
 * `src/common/contract.ts`.
 *
 * @module
 */
import type { NodeError, NodeSpec, NodeStatus, Usage } from "../common/contract.ts";

/** One try of one node, as the engine hands it to a backend. */
export interface NodeRequest extends NodeSpec {
  /** Working directory the node runs in (a worktree when isolated). */
  cwd: string;
  /** 1-based try number for this node (schema tries and retries increase it). */
  attempt: number;
  /** Validation errors of the previous try's output, to send back to the agent. */
  feedback?: string;
  /** Output-token allowance left in the run's budget (absent when the run has no budget). */
  maxOutputTokens?: number;
}

/** What a backend reports for one try. */
export interface TryResult {
  status: NodeStatus;
  /** The agent's final text (for schema nodes, often the JSON text). */
  text?: string;
  /** The structured output, when the request had a schema. */
  output?: unknown;
  usage: Usage;
  costUsd?: number | null;
  durationMs: number;
  error?: NodeError;
  runtime?: string;
  provider?: string | null;
  model?: string | null;
  filesChanged?: string[];
}

/** A price per million tokens, with the date the table was last checked. */
export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Price of cache-hit input tokens, when discounted. */
  cachedInputPerMTok?: number;
  /** ISO date of the price table. */
  asOf: string;
  /** Where the price was read. */
  source?: string;
  /** What the numbers mean when it is not obvious (list price, tier, …). */
  note?: string;
}

/** What a backend uses for a runtime when a node names no provider or model. */
export interface RoutingDefaults {
  provider: string | null;
  model: string | null;
  /** Where the default comes from, for people (e.g. "the claude CLI's own default"). */
  note: string;
}

/** Something that runs one node try. Implementations must honour `signal` (abort → `cancelled`). */
export interface Backend {
  /** Short name shown in the run record (`mock`, `pandacode`). */
  readonly name: string;
  /**
   * Runs one try. `onActivity` is called on every sign of life of the executor (an event, a line of
   * output): the engine's stall detector kills a try that shows none for the stall timeout.
   */
  run(request: NodeRequest, signal: AbortSignal, onActivity?: () => void): Promise<TryResult>;
  /** The price that applies to a node with this routing (null when unknown); for cost ceilings. */
  priceOf?(routing: Pick<NodeRequest, "runtime" | "provider" | "model">): Price | null;
  /**
   * What the backend uses for `runtime` when a node names no provider or model (the last routing
   * source), or null when it has no defaults for it.
   */
  routingDefaults?(runtime: string, provider?: string): RoutingDefaults | null;
  /** How the backend runs nodes, for the run header and the journal (e.g. `in-process`). */
  readonly detail?: string;
  /**
   * Whether a node can change the world (files, branches, remote calls). When it can (the default),
   * a node's value reaches the script only once its journal line is on disk, so no later node's
   * effects outlive the record of what caused them; a backend without effects skips that wait.
   */
  readonly hasEffects?: boolean;
}
