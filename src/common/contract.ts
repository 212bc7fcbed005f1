/**
 * The contract both binaries share: what one node (one coding task) is asked and what it reports.
 *
 * - {@link Usage}, {@link Effort}, {@link NodeStatus} and the runtimes, defined once;
 * - the closed {@link ErrorKind} union, with whether another try may help ({@link isRetryable})
 *   decided here and nowhere else;
 * - the types of a pandacode report ({@link Report}), a node's request ({@link NodeSpec}) and its
 *   result ({@link NodeResult}); their zod schemas, for the places that validate them, are in
 *   `contract_schema.ts`, so code that only builds and reads these values does not load zod.
 *
 * pandacode imports only `src/common/` from `src/`; everything here is free of engine concerns.
 *
 * @example
 * ```ts
 * import { nodeError } from "./contract.ts";
 * const error = nodeError("rate_limit", "HTTP 429 from the provider"); // retryable: true
 * ```
 * @module
 */
import type { NodeResult } from "./contract_schema.ts";

export type { NodeResult, NodeSpec, Report } from "./contract_schema.ts";

/** Final statuses of a node or task. */
export const NODE_STATUSES = ["completed", "failed", "timeout", "cancelled"] as const;
/** One of {@link NODE_STATUSES}. */
export type NodeStatus = typeof NODE_STATUSES[number];

/*
 * The types the library (`mod.ts`) exposes are written out here, not inferred from their zod schemas,
 * so the package's public API has no slow types; `contract_schema.ts` checks that each still equals
 * its schema's type.
 */

/** Token counts of one node (or a sum of nodes). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
}

/** Runtimes pandacode can drive. */
export const RUNTIMES = ["codex", "claude", "bamboo"] as const;
/** One of {@link RUNTIMES}. */
export type Runtime = typeof RUNTIMES[number];

/** Reasoning effort levels (`agent(p, { effort })`, `pandacode run --effort`). */
export const EFFORTS = ["low", "medium", "high", "xhigh", "max"] as const;
/** One of {@link EFFORTS}. */
export type Effort = typeof EFFORTS[number];

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

/**
 * Every kind of failure, and whether another try of the same node may help. Transient trouble
 * (rate limits, server errors, network, a stalled executor, a garbled answer) is retryable; an account
 * that is out of quota or not authorised, a bad request, a missing tool, a timeout or a cancellation
 * is not. Schema mismatches are retried by the engine's schema tries, so they are not retryable here.
 */
export const ERROR_KINDS = {
  rate_limit: true,
  server_error: true,
  network: true,
  stall: true,
  invalid_response: true,
  quota: false,
  auth: false,
  context_window: false,
  invalid_request: false,
  invalid_schema: false,
  bad_input: false,
  missing_key: false,
  unknown_provider: false,
  cli_not_found: false,
  spawn_failed: false,
  process_exit: false,
  runtime_error: false,
  turn_limit: false,
  spending_limit: false,
  no_submission: false,
  schema: false,
  timeout: false,
  cancelled: false,
  executor: false,
  internal: false,
} as const satisfies Record<string, boolean>;

/** One of the keys of {@link ERROR_KINDS}. */
export type ErrorKind = keyof typeof ERROR_KINDS;

/** Whether another try of a node that failed this way may succeed. */
export function isRetryable(kind: ErrorKind): boolean {
  return ERROR_KINDS[kind];
}

/** Kinds that mean the account behind a runtime/provider cannot serve any more requests. */
export const ACCOUNT_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(["quota", "auth"]);

/** The error block of a report or node result. `retryable` always equals `isRetryable(kind)`. */
export interface NodeError {
  kind: ErrorKind;
  message: string;
  retryable: boolean;
  /** How long the server asked to wait before another try (its Retry-After), when it said so. */
  retryAfterMs?: number;
}

/** What a worktree node left behind: its branch, the snapshot it started from, and its changes. */
export interface WorktreeResult {
  /** `odw/<runId>/<node>`: holds the snapshot plus the node's changes; kept until pruned. */
  branch: string;
  /** The snapshot commit the node's worktree was made from (the user's tree at the node's start). */
  base: string;
  /** The branch's tip when the node changed something (absent when it changed nothing). */
  commit?: string;
  /** The node's changes, `base..commit`. */
  diffStat: { filesChanged: number; insertions: number; deletions: number };
}

/** Collapses whitespace so a message fits on one line (at most `max` characters). */
export function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The error block for `kind`, its message on one line and `retryable` decided by the kind. */
export function nodeError(kind: ErrorKind, message: string, retryAfterMs?: number): NodeError {
  const error: NodeError = { kind, message: oneLine(message), retryable: isRetryable(kind) };
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return error;
}

/** The result of a node that ended before any try ran (cancelled, refused, not replayable): nothing spent. */
export function resultWithoutTries(status: NodeStatus, error: NodeError): NodeResult {
  return { status, value: null, usage: emptyUsage(), costUsd: 0, durationMs: 0, attempts: 0, error };
}
