/**
 * The contract's schemas (zod), for the places that validate what crosses a boundary: a pandacode
 * report (`ReportSchema`: what `pandacode run --json` prints, pandacode's public contract), a node's
 * request and result (`NodeSpecSchema`, `NodeResultSchema`: as odw journals them and as a remote worker
 * hands them back). The types they describe are re-exported by `contract.ts`, whose plain values and
 * functions load without zod: a run on the mock backend never loads it.
 *
 * @example
 * ```ts
 * import { ReportSchema } from "./contract_schema.ts";
 * const report = ReportSchema.parse(JSON.parse(stdout));
 * ```
 * @module
 */
import { z } from "zod";
import {
  EFFORTS,
  ERROR_KINDS,
  type ErrorKind,
  NODE_STATUSES,
  type NodeError,
  type NodeStatus,
  RUNTIMES,
  type Usage,
  type WorktreeResult,
} from "./contract.ts";

/** True when `A` and `B` are the same type: the written-out types of `contract.ts` against their schemas. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Final status of a node or task. */
export const StatusSchema = z.enum(NODE_STATUSES);

/** Token usage (summed over steps and tries). */
export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
});
/** Why a node or task did not complete. `retryable` always equals `isRetryable(kind)`. */
export const ErrorSchema = z.object({
  kind: z.enum(Object.keys(ERROR_KINDS) as [ErrorKind, ...ErrorKind[]]),
  message: z.string(),
  retryable: z.boolean(),
  /** How long the server asked to wait before another try (its Retry-After), when it said so. */
  retryAfterMs: z.number().nonnegative().optional(),
});
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
true satisfies Same<NodeStatus, z.infer<typeof StatusSchema>>;
true satisfies Same<Usage, z.infer<typeof UsageSchema>>;
true satisfies Same<NodeError, z.infer<typeof ErrorSchema>>;
true satisfies Same<WorktreeResult, z.infer<typeof WorktreeResultSchema>>;

/** A validated pandacode report. */
export type Report = z.infer<typeof ReportSchema>;
/** A validated node request. */
export type NodeSpec = z.infer<typeof NodeSpecSchema>;
/** A validated node result. */
export type NodeResult = z.infer<typeof NodeResultSchema>;
