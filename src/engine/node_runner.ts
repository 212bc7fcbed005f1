/**
 * One node, wherever it is executed: isolation, then backend tries, then schema checking. A node with
 * `isolation: "worktree"` runs every try in its own git worktree (src/git/isolated_run.ts); the
 * result then carries the branch and diff stat. Every retry of a node lives here and only here:
 * - the engine's schema tries ({@link SCHEMA_TRIES}, each told the previous try's validation errors;
 *   an executor makes at most one structured-output attempt per try);
 * - retries of transient failures (retryable kinds: rate limit, 5xx, network, stall), up to the
 *   node's `retries` with backoff honouring Retry-After.
 *
 * Each try runs under the stall watch (no sign of life for the stall timeout → killed, kind `stall`)
 * and the run's circuit breaker (a route whose account is out of quota or authorisation is not
 * dispatched again). The per-node timeout kills unconditionally: the node ends `timeout`.
 *
 * @example
 * ```ts
 * const runner = new NodeRunner(new MockBackend(), "/work/repo");
 * const result = await runner.run(spec, { signal, maxOutputTokens: 2000 });
 * ```
 * @module
 */
import type { Backend, NodeRequest, TryResult } from "../backends/backend.ts";
import {
  ACCOUNT_KINDS,
  addUsage,
  emptyUsage,
  type NodeError,
  nodeError,
  type NodeResult,
  type NodeSpec,
  type NodeStatus,
} from "../common/contract.ts";
import { compileSchema, parseJsonAnswer } from "../common/json_schema.ts";
import {
  backoffMs,
  CircuitBreaker,
  DEFAULT_RETRIES,
  DEFAULT_STALL_TIMEOUT_MS,
  routeOf,
  sleep,
  StallWatch,
} from "./guardrails.ts";
import { runInWorktree } from "../git/isolated_run.ts";
import { WorktreeIsolation } from "../git/worktree.ts";
import { newRunId } from "./run_dir.ts";

/** Tries per node when the output does not match its schema (the built-in's retry cap). */
export const SCHEMA_TRIES = 5;

/** What one run of a node gets besides its spec. */
export interface RunNodeOptions {
  /** Aborted when the run ends or is cancelled (the node ends `cancelled`). */
  signal: AbortSignal;
  /** Output-token allowance (absent without a budget). */
  maxOutputTokens?: number;
}

/** How a runner treats failures; every field has a default. Per-node values in the spec win. */
export interface RunnerPolicy {
  /** Extra tries for retryable failures (default {@link DEFAULT_RETRIES}). */
  retries?: number;
  /** Default stall timeout (default {@link DEFAULT_STALL_TIMEOUT_MS}). */
  stallTimeoutMs?: number;
  /** First backoff between retries, doubled per retry (default 1000 ms); a Retry-After wins. */
  retryBaseMs?: number;
  /** The run's quota circuit breaker (one per run, shared by every node). */
  breaker?: CircuitBreaker;
}

/** Runs nodes on one backend in one directory. */
export class NodeRunner {
  readonly backend: Backend;
  readonly cwd: string;
  readonly policy: Required<RunnerPolicy>;
  /** Makes the worktrees of `isolation: "worktree"` nodes (default: branches under a fresh run id). */
  readonly isolation: WorktreeIsolation;

  constructor(backend: Backend, cwd: string, policy: RunnerPolicy = {}, isolation?: WorktreeIsolation) {
    this.backend = backend;
    this.cwd = cwd;
    this.isolation = isolation ?? new WorktreeIsolation({ projectDir: cwd, runId: newRunId() });
    this.policy = {
      retries: policy.retries ?? DEFAULT_RETRIES,
      stallTimeoutMs: policy.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      retryBaseMs: policy.retryBaseMs ?? 1000,
      breaker: policy.breaker ?? new CircuitBreaker(),
    };
  }

  /**
   * Rejects with a `WorktreeIsolationError` when `spec` asks for a worktree and there is no git
   * repository (or no git) here: `agent()` throws it, as the built-in does. Dispatchers call it first.
   */
  async preflight(spec: NodeSpec): Promise<void> {
    if (spec.isolation === "worktree") await this.isolation.assertAvailable();
  }

  /** Runs `spec` to its final result. Never rejects: a backend that throws is a failed node. */
  async run(spec: NodeSpec, options: RunNodeOptions): Promise<NodeResult> {
    const started = performance.now();
    const result = spec.isolation === "worktree"
      ? await runInWorktree(this.isolation, spec, (cwd) => this.#run(spec, cwd, options))
      : await this.#run(spec, this.cwd, options);
    return { ...result, durationMs: Math.round(performance.now() - started) };
  }

  /** Every try of `spec` in `cwd`, to the node's result. */
  async #run(spec: NodeSpec, cwd: string, options: RunNodeOptions): Promise<NodeResult> {
    const signal = spec.timeoutMs === undefined
      ? options.signal
      : AbortSignal.any([options.signal, AbortSignal.timeout(spec.timeoutMs)]);
    const base: NodeRequest = {
      ...spec,
      cwd,
      attempt: 1,
      maxOutputTokens: options.maxOutputTokens,
    };
    const tally = new Tally();
    let result: NodeResult;
    try {
      result = await this.#tries(base, signal, options.signal, tally);
    } catch (e) {
      result = tally.result("failed", null, nodeError("executor", `backend error: ${(e as Error).message}`));
    }
    return result;
  }

  /** One try under the stall watch; a stalled try is a failed one with the retryable kind `stall`. */
  async #try(request: NodeRequest, signal: AbortSignal): Promise<TryResult> {
    const stallMs = request.stallTimeoutMs ?? this.policy.stallTimeoutMs;
    const watch = new StallWatch(stallMs);
    try {
      const got = await this.backend.run(request, AbortSignal.any([signal, watch.signal]), watch.touch);
      if (!watch.fired || signal.aborted) return got;
      const error = nodeError("stall", `no sign of life for ${stallMs} ms; killed`);
      return { ...got, status: "failed", error };
    } finally {
      watch.stop();
    }
  }

  async #tries(
    base: NodeRequest,
    signal: AbortSignal,
    runSignal: AbortSignal,
    tally: Tally,
  ): Promise<NodeResult> {
    // The account is the provider that will serve the node: the backend's default when it names none.
    const provider = base.provider ??
      (base.runtime ? this.backend.routingDefaults?.(base.runtime)?.provider ?? undefined : undefined);
    const route = routeOf({ runtime: base.runtime, provider });
    const retries = base.retries ?? this.policy.retries;
    let feedback: string | undefined;
    let mismatch: NodeError | undefined;
    let schemaTries = 0;
    let transientRetries = 0;
    while (schemaTries < SCHEMA_TRIES) {
      const stopped = this.policy.breaker.check(route);
      if (stopped) return tally.result("failed", null, stopped);
      const got = await this.#try({ ...base, attempt: tally.attempts + 1, feedback }, signal);
      tally.add(got);
      if (signal.aborted) {
        // An abort that is not the run's own is the node's timeout, whatever the backend called it.
        const status: NodeStatus = runSignal.aborted ? "cancelled" : "timeout";
        const error = got.status === status && got.error
          ? got.error
          : nodeError(status, describeStatus(status, base.timeoutMs));
        return tally.result(status, null, error);
      }
      if (got.status !== "completed") {
        const error = got.error ??
          nodeError(
            got.status === "failed" ? "executor" : got.status,
            describeStatus(got.status, base.timeoutMs),
          );
        if (ACCOUNT_KINDS.has(error.kind)) this.policy.breaker.trip(route, error);
        if (!error.retryable || got.status !== "failed" || transientRetries >= retries) {
          return tally.result(got.status, null, error);
        }
        transientRetries++;
        await sleep(backoffMs(transientRetries, this.policy.retryBaseMs, error.retryAfterMs), signal);
        continue;
      }
      schemaTries++;
      if (!base.schema) return tally.result("completed", got.text ?? "");
      const output = got.output !== undefined ? got.output : parseJsonAnswer(got.text);
      const errors = compileSchema(base.schema, { coerce: true }).check(output);
      if (errors.length === 0) return tally.result("completed", output);
      feedback = `Output does not match required schema: ${errors.join(", ")}`;
      mismatch = nodeError(
        "schema",
        `agent({schema}): StructuredOutput retry cap (${SCHEMA_TRIES}) exceeded \u2014 ${schemaTries} ` +
          `failed calls with no valid output \u2014 last StructuredOutput error: ${feedback}`,
      );
    }
    return tally.result("failed", null, mismatch);
  }
}

/** Sums what the tries of one node reported. */
class Tally {
  attempts = 0;
  usage = emptyUsage();
  costUsd: number | null = 0;
  last?: TryResult;

  add(got: TryResult): void {
    this.attempts++;
    this.usage = addUsage(this.usage, got.usage);
    this.costUsd = got.costUsd == null || this.costUsd === null ? null : this.costUsd + got.costUsd;
    this.last = got;
  }

  result(status: NodeStatus, value: unknown, error?: NodeError): NodeResult {
    const result: NodeResult = {
      status,
      value,
      usage: this.usage,
      costUsd: this.costUsd,
      durationMs: 0,
      attempts: this.attempts,
    };
    if (error) result.error = error;
    if (this.last?.runtime !== undefined) result.runtime = this.last.runtime;
    if (this.last?.provider !== undefined) result.provider = this.last.provider;
    if (this.last?.model !== undefined) result.model = this.last.model;
    if (this.last?.filesChanged !== undefined) result.filesChanged = this.last.filesChanged;
    return result;
  }
}

function describeStatus(status: NodeStatus, timeoutMs: number | undefined): string {
  if (status === "timeout") return `timed out${timeoutMs !== undefined ? ` after ${timeoutMs} ms` : ""}`;
  if (status === "cancelled") return "cancelled";
  return "the agent failed";
}
