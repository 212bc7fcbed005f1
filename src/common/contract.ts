/**
 * The contract both binaries share: what one node (one coding task) is asked and what it reports.
 *
 * - {@link Usage}, {@link Effort}, {@link NodeStatus} and the runtimes, defined once;
 * - the closed {@link ErrorKind} union, with whether another try may help ({@link isRetryable})
 *   decided here and nowhere else;
 * - {@link ReportSchema}: the JSON object `pandacode run --json` prints (pandacode's public contract,
 *   also what odw's pandacode backend validates);
 * - {@link NodeSpecSchema} and {@link NodeResultSchema}: a node's request and its final outcome as odw journals it and as a remote worker hands it
 *   back (the wire form of the dispatch seam).
 *
 * pandacode imports only `src/common/` from `src/`; everything here is free of engine concerns.
 *
 * @example
 * ```ts
 * import { nodeError, ReportSchema } from "./contract.ts";
 * const report = ReportSchema.parse(JSON.parse(stdout));
 * const error = nodeError("rate_limit", "HTTP 429 from the provider"); // retryable: true
 * ```
 * @module
 */
import { z } from "zod";

/** Runtimes pandacode can drive. */
export const RUNTIMES = ["codex", "claude", "bamboo"] as const;
/** One of {@link RUNTIMES}. */
export type Runtime = typeof RUNTIMES[number];

/** Reasoning effort levels (`agent(p, { effort })`, `pandacode run --effort`). */
export const EFFORTS = ["low", "medium", "high", "xhigh", "max"] as const;
/** One of {@link EFFORTS}. */
export type Effort = typeof EFFORTS[number];

/** Final status of a node or task. */
export const StatusSchema = z.enum(["completed", "failed", "timeout", "cancelled"]);
/** One of the {@link StatusSchema} values. */
export type NodeStatus = z.infer<typeof StatusSchema>;

/** Token usage (summed over steps and tries). */
export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
});
/** Token counts of one node (or a sum of nodes). */
export type Usage = z.infer<typeof UsageSchema>;

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

const KIND_NAMES = Object.keys(ERROR_KINDS) as [ErrorKind, ...ErrorKind[]];

/** Whether another try of a node that failed this way may succeed. */
export function isRetryable(kind: ErrorKind): boolean {
  return ERROR_KINDS[kind];
}

/** Kinds that mean the account behind a runtime/provider cannot serve any more requests. */
export const ACCOUNT_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(["quota", "auth"]);

/** Why a node or task did not complete. `retryable` always equals `isRetryable(kind)`. */
export const ErrorSchema = z.object({
  kind: z.enum(KIND_NAMES),
  message: z.string(),
  retryable: z.boolean(),
  /** How long the server asked to wait before another try (its Retry-After), when it said so. */
  retryAfterMs: z.number().nonnegative().optional(),
});
/** The error block of a report or node result. */
export type NodeError = z.infer<typeof ErrorSchema>;

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

/** The whole report `pandacode run --json` prints. */
export const ReportSchema = z.object({
  status: StatusSchema,
  runtime: z.enum(RUNTIMES),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  text: z.string(),
  output: z.unknown().nullable(),
  usage: UsageSchema,
  costUsd: z.number().nonnegative().nullable(),
  durationMs: z.number().nonnegative(),
  filesChanged: z.array(z.string()),
  sessionId: z.string().nullable(),
  error: ErrorSchema.nullable(),
});
/** A validated pandacode report. */
export type Report = z.infer<typeof ReportSchema>;

/**
 * One node as the engine asks for it, with its key: plain data, no local paths, so it can cross a
 * process or a network boundary as it is (the request half of the dispatch seam).
 */
export const NodeSpecSchema = z.object({
  /** The node key (canonical request hash + `#occurrence`), stable across resumes. */
  key: z.string(),
  prompt: z.string(),
  label: z.string(),
  phase: z.string().optional(),
  /** JSON Schema the output must match (root `{type:"object", properties}`); absent for text. */
  schema: z.record(z.string(), z.unknown()).optional(),
  runtime: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  effort: z.enum(EFFORTS).optional(),
  isolation: z.literal("worktree").optional(),
  agentType: z.string().optional(),
  /** Per-node timeout in milliseconds (kills unconditionally). */
  timeoutMs: z.number().positive().optional(),
  /** Kill a try that shows no sign of life for this long (retryable `stall`). */
  stallTimeoutMs: z.number().positive().optional(),
  /** Extra tries for retryable failures (rate limit, 5xx, network, stall). */
  retries: z.number().int().nonnegative().optional(),
  /**
   * Where the script called `agent()`: 1-based line and column, in the child workflow's file when
   * `file` (its name) is given, else in the run's script. Cosmetic, not in the key.
   */
  site: z.object({
    line: z.number().int().positive(),
    column: z.number().int().positive(),
    file: z.string().optional(),
  }).optional(),
});
/** A validated node request. */
export type NodeSpec = z.infer<typeof NodeSpecSchema>;

/** What a worktree node left behind: its branch, the snapshot it started from, and its changes. */
export const WorktreeResultSchema = z.object({
  /** `odw/<runId>/<node>`: holds the snapshot plus the node's changes; kept until pruned. */
  branch: z.string(),
  /** The snapshot commit the node's worktree was made from (the user's tree at the node's start). */
  base: z.string(),
  /** The branch's tip when the node changed something (absent when it changed nothing). */
  commit: z.string().optional(),
  /** The node's changes, `base..commit`. */
  diffStat: z.object({
    filesChanged: z.number().int().nonnegative(),
    insertions: z.number().int().nonnegative(),
    deletions: z.number().int().nonnegative(),
  }),
});
/** A validated worktree record. */
export type WorktreeResult = z.infer<typeof WorktreeResultSchema>;

/**
 * A node's final outcome after every try: what `agent()` resolves to (`value`: text, an object, or
 * null when the node failed for good), with usage, cost and the routing that actually ran.
 */
export const NodeResultSchema = z.object({
  status: StatusSchema,
  value: z.unknown(),
  usage: UsageSchema,
  /** Summed over tries; null when a try's runtime reported no price. */
  costUsd: z.number().nonnegative().nullable(),
  durationMs: z.number().nonnegative(),
  /** Backend calls made for this node (schema tries and retries of transient failures). */
  attempts: z.number().int().nonnegative(),
  error: ErrorSchema.optional(),
  runtime: z.string().optional(),
  provider: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
  filesChanged: z.array(z.string()).optional(),
  /** Answered from this earlier run's journal (resume, replay): nothing ran, usage and cost are zero. */
  reusedFrom: z.string().optional(),
  /** Set for `isolation: "worktree"` nodes: where their changes are (a side effect already done). */
  worktree: WorktreeResultSchema.optional(),
  /** The `odw worker` that ran it (a run dispatched over NATS). */
  worker: z.string().optional(),
});
/** A validated node result. */
export type NodeResult = z.infer<typeof NodeResultSchema>;

/** The result of a node that ended before any try ran (cancelled, refused, not replayable): nothing spent. */
export function resultWithoutTries(status: NodeStatus, error: NodeError): NodeResult {
  return { status, value: null, usage: emptyUsage(), costUsd: 0, durationMs: 0, attempts: 0, error };
}
