/**
 * The Backend interface: how the engine hands one `agent()` node to something that runs it.
 *
 * The engine owns scheduling, budget, schema validation and journaling; a backend only runs one
 * request and reports what happened. `mock` (token-free, deterministic) and `pandacode` (spawns the
 * executor CLI) are the two implementations.
 *
 * @module
 */

/** Reasoning effort levels accepted by `agent(prompt, { effort })`. */
export type Effort = "low" | "medium" | "high" | "xhigh" | "max";

/** Token counts of one node (or a sum of nodes). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
}

/** A zero usage record, to start sums from. */
export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0 };
}

/** Adds `b` into a copy of `a`. */
export function addUsage(a: Usage, b: Partial<Usage> | undefined): Usage {
  return {
    inputTokens: a.inputTokens + (b?.inputTokens ?? 0),
    outputTokens: a.outputTokens + (b?.outputTokens ?? 0),
    cachedInputTokens: a.cachedInputTokens + (b?.cachedInputTokens ?? 0),
    reasoningTokens: a.reasoningTokens + (b?.reasoningTokens ?? 0),
  };
}

/** One try of one `agent()` node, as the engine hands it to a backend. */
export interface NodeRequest {
  /** The node key (canonical request hash + `#occurrence`), stable across resumes. */
  key: string;
  /** The prompt, verbatim. On a retry after a schema mismatch, `feedback` says what was wrong. */
  prompt: string;
  label: string;
  phase?: string;
  /** JSON Schema the output must match (root is `{type:"object", properties}`); absent for text. */
  schema?: Record<string, unknown>;
  model?: string;
  effort?: Effort;
  runtime?: string;
  provider?: string;
  isolation?: "worktree";
  agentType?: string;
  /** Per-node timeout in milliseconds. */
  timeoutMs?: number;
  /** Output-token allowance left in the run's budget (absent when the run has no budget). */
  maxOutputTokens?: number;
  /** Working directory the node runs in (a worktree when isolated). */
  cwd: string;
  /** 1-based try number for this node (schema retries increase it). */
  attempt: number;
  /** Validation errors of the previous try's output, to send back to the agent. */
  feedback?: string;
}

/** Final state of one node try. */
export type NodeStatus = "completed" | "failed" | "timeout" | "cancelled";

/** What went wrong, when a try did not complete. */
export interface NodeError {
  kind: string;
  message: string;
  retryable: boolean;
}

/** What a backend reports for one try. */
export interface NodeResult {
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

/** Something that runs one node try. Implementations must honour `signal` (abort → `cancelled`). */
export interface Backend {
  /** Short name shown in the run record (`mock`, `pandacode`). */
  readonly name: string;
  run(request: NodeRequest, signal: AbortSignal): Promise<NodeResult>;
}
