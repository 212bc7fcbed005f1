/**
 * One `agent()` call on the host: the programming-error checks that make `agent()` throw (schema
 * shape, budget ceiling, lifetime limit), then slot + budget reservation, dispatch to the backend,
 * schema validation with retry-with-errors, journaling, and the value the script receives (`null`
 * when the agent failed for good, with the `[label] failed:` log line).
 *
 * @module
 */
import { addUsage, type Backend, emptyUsage, type NodeResult, type Usage } from "../backends/backend.ts";
import type { AgentCallOptions, AgentRequestMessage } from "../protocol.ts";
import { parseDuration } from "../util/duration.ts";
import type { Budget } from "./budget.ts";
import { nowIso, type RunEvent } from "./events.ts";
import type { NodeKeys } from "./node_key.ts";
import type { Scheduler } from "./scheduler.ts";
import { loadSchemaSupport, schemaProblem, validateOutput } from "./schema.ts";

/** At most this many agents per run, children included. */
export const MAX_AGENTS_PER_RUN = 1000;
/** Tries per node when the output does not match its schema. */
export const SCHEMA_TRIES = 3;

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

/** The label shown for a node: its `label` option, else the start of its prompt. */
export function nodeLabel(prompt: string, options: AgentCallOptions): string {
  if (options.label) return options.label;
  const firstLine = prompt.trim().split("\n")[0] ?? "";
  return firstLine.length > 40 ? `${firstLine.slice(0, 39)}…` : firstLine || "agent";
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
  if (ctx.agentCount >= MAX_AGENTS_PER_RUN) {
    throw new RangeError(`agent limit reached: a run may start at most ${MAX_AGENTS_PER_RUN} agents`);
  }
  if (options.schema) {
    await loadSchemaSupport();
    const problem = schemaProblem(options.schema);
    if (problem) throw new TypeError(problem);
  }
  const timeoutMs = timeoutOf(options);
  ctx.budget.assertOpen();
  ctx.agentCount++;
  const seq = ctx.agentCount;
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
  const signals = [ctx.signal];
  if (timeoutMs !== undefined) signals.push(AbortSignal.timeout(timeoutMs));
  const signal = AbortSignal.any(signals);
  let usage = emptyUsage();
  let costUsd: number | null = 0;
  let attempts = 0;
  let last: NodeResult | undefined;
  let value: unknown = null;
  let failure: string | undefined;
  try {
    let feedback: string | undefined;
    while (attempts < SCHEMA_TRIES) {
      attempts++;
      last = await ctx.backend.run({
        key,
        prompt,
        label,
        phase: options.phase,
        schema: options.schema,
        model: options.model,
        effort: options.effort as never,
        runtime: options.runtime,
        provider: options.provider,
        isolation: options.isolation === "worktree" ? "worktree" : undefined,
        agentType: options.agentType,
        timeoutMs,
        maxOutputTokens: allowance,
        cwd: ctx.cwd,
        attempt: attempts,
        feedback,
      }, signal);
      usage = addUsage(usage, last.usage);
      costUsd = last.costUsd == null || costUsd === null ? null : costUsd + last.costUsd;
      if (signal.aborted && last.status === "completed") last = { ...last, status: "cancelled" };
      if (last.status !== "completed") {
        failure = last.error?.message ?? describeStatus(last.status, timeoutMs);
        if (last.status === "timeout" || (timeoutMs !== undefined && signal.aborted && !ctx.signal.aborted)) {
          last = { ...last, status: "timeout" };
          failure = last.error?.message ?? describeStatus("timeout", timeoutMs);
        }
        break;
      }
      if (!options.schema) {
        value = last.text ?? "";
        break;
      }
      const output = last.output !== undefined ? last.output : parseJson(last.text);
      const errors = validateOutput(options.schema, output);
      if (errors.length === 0) {
        value = output;
        break;
      }
      feedback = `Your output did not match the required JSON schema:\n- ${errors.join("\n- ")}`;
      failure = `output did not match the schema after ${attempts} tries: ${errors.join("; ")}`;
    }
  } catch (e) {
    failure = `backend error: ${(e as Error).message}`;
    last = undefined;
  } finally {
    ctx.budget.settle(allowance, usage.outputTokens);
    ctx.usage = addUsage(ctx.usage, usage);
    release();
  }
  const status = value !== null
    ? "completed"
    : (last?.status === "completed" ? "failed" : last?.status ?? "failed");
  if (value === null) ctx.log(`[${label}] failed: ${failure ?? "no result"}`);
  ctx.emit({
    type: "node.finished",
    ts: nowIso(),
    key,
    seq,
    label,
    status,
    value,
    usage,
    costUsd,
    durationMs: Math.round(performance.now() - started),
    attempts,
    error: value === null
      ? { kind: last?.error?.kind ?? status, message: failure ?? "no result", retryable: false }
      : undefined,
  });
  return value;
}

function describeStatus(status: string, timeoutMs: number | undefined): string {
  if (status === "timeout") return `timed out${timeoutMs !== undefined ? ` after ${timeoutMs} ms` : ""}`;
  if (status === "cancelled") return "cancelled";
  return "the agent failed";
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
