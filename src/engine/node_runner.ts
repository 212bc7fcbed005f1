/**
 * One node, wherever it is executed: backend tries, then schema checking. The engine's schema tries
 * live here and only here ({@link SCHEMA_TRIES}, each retry told the previous try's validation errors);
 * an executor makes at most one structured-output attempt per try, so one node never becomes more
 * than `SCHEMA_TRIES` executor runs for its schema.
 *
 * The per-node timeout is enforced here too: it aborts the try, and the node ends `timeout`.
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
  addUsage,
  emptyUsage,
  type NodeError,
  nodeError,
  type NodeResult,
  type NodeSpec,
  type NodeStatus,
} from "../common/contract.ts";
import { compileSchema, parseJsonAnswer } from "../common/json_schema.ts";

/** Tries per node when the output does not match its schema (the built-in's retry cap). */
export const SCHEMA_TRIES = 5;

/** What one run of a node gets besides its spec. */
export interface RunNodeOptions {
  /** Aborted when the run ends or is cancelled (the node ends `cancelled`). */
  signal: AbortSignal;
  /** Output-token allowance (absent without a budget). */
  maxOutputTokens?: number;
}

/** Runs nodes on one backend in one directory. */
export class NodeRunner {
  readonly backend: Backend;
  readonly cwd: string;

  constructor(backend: Backend, cwd: string) {
    this.backend = backend;
    this.cwd = cwd;
  }

  /** Runs `spec` to its final result. Never rejects: a backend that throws is a failed node. */
  async run(spec: NodeSpec, options: RunNodeOptions): Promise<NodeResult> {
    const started = performance.now();
    const signal = spec.timeoutMs === undefined
      ? options.signal
      : AbortSignal.any([options.signal, AbortSignal.timeout(spec.timeoutMs)]);
    const base: NodeRequest = {
      ...spec,
      cwd: this.cwd,
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
    return { ...result, durationMs: Math.round(performance.now() - started) };
  }

  async #tries(
    base: NodeRequest,
    signal: AbortSignal,
    runSignal: AbortSignal,
    tally: Tally,
  ): Promise<NodeResult> {
    let feedback: string | undefined;
    let mismatch: NodeError | undefined;
    while (tally.attempts < SCHEMA_TRIES) {
      const attempt = tally.attempts + 1;
      const got = await this.backend.run({ ...base, attempt, feedback }, signal);
      tally.add(got);
      if (got.status !== "completed" || signal.aborted) {
        // An abort that is not the run's own is the node's timeout, whatever the backend called it.
        const status: NodeStatus = signal.aborted
          ? (runSignal.aborted ? "cancelled" : "timeout")
          : got.status;
        const error = got.status === status && got.error ? got.error : nodeError(
          status === "completed" ? "internal" : status === "failed" ? "executor" : status,
          describeStatus(status, base.timeoutMs),
        );
        return tally.result(status, null, error);
      }
      if (!base.schema) return tally.result("completed", got.text ?? "");
      const output = got.output !== undefined ? got.output : parseJsonAnswer(got.text);
      const errors = compileSchema(base.schema, { coerce: true }).check(output);
      if (errors.length === 0) return tally.result("completed", output);
      feedback = `Output does not match required schema: ${errors.join(", ")}`;
      mismatch = nodeError(
        "schema",
        `agent({schema}): StructuredOutput retry cap (${SCHEMA_TRIES}) exceeded \u2014 ${attempt} ` +
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
