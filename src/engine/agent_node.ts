/**
 * One `agent()` call on the host: the programming-error checks that make `agent()` throw (schema
 * shape, budget ceiling, lifetime limit), then slot + budget reservation, dispatch to the backend,
 * schema validation with retry-with-errors, journaling, and the value the script receives (`null`
 * when the agent failed for good, with the `[label] failed:` log line).
 *
 * @module
 */
import { limitErrors, MAX_AGENTS_PER_RUN } from "../runtime/limits.ts";
import {
  addUsage,
  type Backend,
  type Effort,
  emptyUsage,
  type NodeError,
  type NodeRequest,
  type NodeStatus,
  type Usage,
} from "../backends/backend.ts";
import type { AgentCallOptions, AgentRequestMessage } from "../protocol.ts";
import { parseDuration } from "../util/duration.ts";
import type { Budget } from "./budget.ts";
import { nowIso, type RunEvent } from "./events.ts";
import type { NodeKeys } from "./node_key.ts";
import type { Scheduler } from "./scheduler.ts";
import {
  compileSchema,
  InvalidSchemaError,
  loadJsonSchemaSupport,
  objectSchemaProblem,
  parseJsonAnswer,
} from "../util/json_schema.ts";

export { MAX_AGENTS_PER_RUN };
/** Tries per node when the output does not match its schema (the built-in's retry cap). */
export const SCHEMA_TRIES = 5;

/** What a node needs from its run. */
export interface NodeContext {
  backend: Backend;
  scheduler: Scheduler;
  budget: Budget;
  keys: NodeKeys;
  /** Directory nodes run in. */
  cwd: string;
  /** Aborted when the run ends or is cancelled. */
  signal: AbortSignal;
  emit(event: RunEvent): void;
  log(message: string): void;
  /** Agents started so far in this run (children included); incremented by each call. */
  agentCount: number;
  /** Agents that were called but have not reserved their budget allowance yet. */
  contenders: number;
  usage: Usage;
}

/** The label shown for a node: its `label` option, else the prompt's first 60 characters, spaces folded. */
export function nodeLabel(prompt: string, options: AgentCallOptions): string {
  if (options.label !== undefined) return options.label;
  return Array.from(prompt).slice(0, 60).join("").replace(/\s+/g, " ").trim();
}

/** The built-in's class for agent() refusals it considers safe to report: `TelemetrySafeError`. */
function telemetrySafeError(message: string): Error {
  const error = new Error(message);
  error.name = "TelemetrySafeError";
  return error;
}

/** Why `schema` cannot be an agent's output schema (the built-in's wording), or null. */
async function schemaRefusal(schema: unknown): Promise<string | null> {
  await loadJsonSchemaSupport();
  try {
    compileSchema(schema as Record<string, unknown>);
  } catch (e) {
    if (e instanceof InvalidSchemaError) {
      return `agent({schema}) received an invalid JSON Schema: ${e.dataText}`;
    }
    throw e;
  }
  const problem = objectSchemaProblem(schema as Record<string, unknown>);
  if (problem === null) return null;
  const why = (schema as Record<string, unknown>).type !== "object"
    ? "the API only accepts an object-rooted tool input schema, so every request would be rejected: " +
      "the root schema must declare type: 'object' (the API rejects any other root type for a tool input " +
      "schema); wrap arrays or primitives in an object property"
    : `its root must be { type: "object", properties: {...} } with every required name declared: ${problem}`;
  return `agent({schema}) received an unusable JSON Schema \u2014 ${why}. ` +
    "The subagent was not started \u2014 fix the schema and call agent() again.";
}

function timeoutOf(options: AgentCallOptions): number | undefined {
  if (options.timeout === undefined) return undefined;
  if (typeof options.timeout === "number") {
    if (!(options.timeout > 0)) throw new TypeError(`agent() option "timeout" must be positive`);
    return options.timeout;
  }
  try {
    return parseDuration(options.timeout);
  } catch (e) {
    throw new TypeError(`agent() option "timeout": ${(e as Error).message}`);
  }
}

/**
 * Runs one agent request to its final value. Rejects (the script's `agent()` throws) only for
 * programming errors; a failed agent resolves to `null`.
 */
export async function runAgentNode(ctx: NodeContext, req: AgentRequestMessage): Promise<unknown> {
  const { prompt, options, scope } = req;
  // As in the built-in: the cap and the budget first, option errors next, then the call counts
  // (synchronously, so concurrent calls cannot slip past the cap); schema problems come after.
  if (ctx.agentCount >= MAX_AGENTS_PER_RUN) throw limitErrors().agentCap();
  ctx.budget.assertOpen();
  const timeoutMs = timeoutOf(options);
  ctx.agentCount++;
  const seq = ctx.agentCount;
  if (options.schema !== undefined) {
    // The built-in keys a WeakMap by the schema, which a primitive cannot be (JavaScriptCore's words).
    if (typeof options.schema !== "object") {
      throw new TypeError("WeakMap keys must be objects or non-registered symbols");
    }
    const refusal = await schemaRefusal(options.schema);
    if (refusal) throw telemetrySafeError(refusal);
  }
  const key = ctx.keys.next(prompt, options, scope);
  const label = nodeLabel(prompt, options);

  ctx.contenders++;
  const release = await ctx.scheduler.acquire();
  let allowance: number | undefined;
  try {
    for (;;) {
      ctx.budget.assertOpen();
      allowance = ctx.budget.reserve(ctx.scheduler.capacity - ctx.scheduler.running + 1, ctx.contenders);
      if (allowance !== 0) break;
      await ctx.budget.nextSettle();
    }
  } catch (e) {
    release();
    throw e;
  } finally {
    ctx.contenders--;
  }

  ctx.emit({
    type: "node.started",
    ts: nowIso(),
    key,
    seq,
    label,
    phase: options.phase,
    scope,
    prompt,
    options,
  });
  const started = performance.now();
  const signal = timeoutMs === undefined
    ? ctx.signal
    : AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  const base: NodeRequest = {
    key,
    prompt,
    label,
    phase: options.phase,
    schema: options.schema,
    model: options.model,
    effort: options.effort as Effort | undefined,
    runtime: options.runtime,
    provider: options.provider,
    isolation: options.isolation === "worktree" ? "worktree" : undefined,
    agentType: options.agentType,
    timeoutMs,
    maxOutputTokens: allowance,
    cwd: ctx.cwd,
    attempt: 1,
  };
  let settled: Settled;
  try {
    settled = await dispatchWithRetries(ctx.backend, base, signal, () => ctx.signal.aborted);
  } catch (e) {
    settled = {
      ...noResult(),
      error: { kind: "backend", message: `backend error: ${(e as Error).message}`, retryable: false },
    };
  } finally {
    release();
  }
  ctx.budget.settle(allowance, settled.usage.outputTokens);
  ctx.usage = addUsage(ctx.usage, settled.usage);
  if (settled.error) ctx.log(`[${label}] failed: ${settled.error.message}`);
  ctx.emit({
    type: "node.finished",
    ts: nowIso(),
    key,
    seq,
    label,
    status: settled.status,
    value: settled.value,
    usage: settled.usage,
    costUsd: settled.costUsd,
    durationMs: Math.round(performance.now() - started),
    attempts: settled.attempts,
    error: settled.error,
  });
  return settled.value;
}

/** A node's final state after all its tries. `error` is set exactly when `value` is null. */
interface Settled {
  value: unknown;
  status: NodeStatus;
  error?: NodeError;
  usage: Usage;
  costUsd: number | null;
  attempts: number;
}

function noResult(): Settled {
  return { value: null, status: "failed", usage: emptyUsage(), costUsd: 0, attempts: 0 };
}

/**
 * Calls the backend until it gives a usable value: text, or output valid against the schema (up to
 * {@link SCHEMA_TRIES} tries, each retry told the previous try's validation errors).
 */
async function dispatchWithRetries(
  backend: Backend,
  base: NodeRequest,
  signal: AbortSignal,
  runCancelled: () => boolean,
): Promise<Settled> {
  const settled = noResult();
  let feedback: string | undefined;
  while (settled.attempts < SCHEMA_TRIES) {
    settled.attempts++;
    const result = await backend.run({ ...base, attempt: settled.attempts, feedback }, signal);
    settled.usage = addUsage(settled.usage, result.usage);
    settled.costUsd = result.costUsd == null || settled.costUsd === null
      ? null
      : settled.costUsd + result.costUsd;
    if (result.status !== "completed" || signal.aborted) {
      // An abort that is not the run's own is the node's timeout, whatever the backend called it.
      const status: NodeStatus = signal.aborted ? (runCancelled() ? "cancelled" : "timeout") : result.status;
      const message = result.status === status && result.error?.message
        ? result.error.message
        : describeStatus(status, base.timeoutMs);
      return { ...settled, status, error: { kind: result.error?.kind ?? status, message, retryable: false } };
    }
    if (!base.schema) return { ...settled, status: "completed", value: result.text ?? "" };
    const output = result.output !== undefined ? result.output : parseJsonAnswer(result.text);
    const errors = compileSchema(base.schema, { coerce: true }).check(output);
    if (errors.length === 0) return { ...settled, status: "completed", value: output, error: undefined };
    const mismatch = `Output does not match required schema: ${errors.join(", ")}`;
    feedback = mismatch;
    settled.error = {
      kind: "schema",
      message:
        `agent({schema}): StructuredOutput retry cap (${SCHEMA_TRIES}) exceeded \u2014 ${settled.attempts} ` +
        `failed calls with no valid output \u2014 last StructuredOutput error: ${mismatch}`,
      retryable: false,
    };
  }
  return settled;
}

function describeStatus(status: NodeStatus, timeoutMs: number | undefined): string {
  if (status === "timeout") return `timed out${timeoutMs !== undefined ? ` after ${timeoutMs} ms` : ""}`;
  if (status === "cancelled") return "cancelled";
  return "the agent failed";
}
