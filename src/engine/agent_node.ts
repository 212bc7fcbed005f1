/**
 * One `agent()` call on the host, script-facing: the programming-error checks that make `agent()`
 * throw (schema shape, budget ceiling, lifetime limit), the node key, the hand-over to the run's
 * {@link Dispatcher} (which admits the node with its budget allowance), the journal, and the value the
 * script receives (`null` when the agent failed for good, with the `[label] failed:` log line).
 *
 * @module
 */
import { limitErrors, MAX_AGENTS_PER_RUN } from "../common/limits.ts";
import { addUsage, type Effort, type NodeSpec, type Usage } from "../common/contract.ts";
import type { AgentCallOptions, AgentRequestMessage } from "../protocol.ts";
import { parseDuration } from "../common/duration.ts";
import type { Budget } from "./budget.ts";
import { nowIso, type RunEvent } from "./events.ts";
import type { NodeKeys } from "./node_key.ts";
import type { Dispatcher } from "./dispatch.ts";
import {
  compileSchema,
  InvalidSchemaError,
  loadJsonSchemaSupport,
  objectSchemaProblem,
} from "../common/json_schema.ts";

export { MAX_AGENTS_PER_RUN };
export { SCHEMA_TRIES } from "./node_runner.ts";

/** What a node needs from its run. */
export interface NodeContext {
  dispatcher: Dispatcher;
  budget: Budget;
  keys: NodeKeys;
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
  const spec: NodeSpec = {
    key: ctx.keys.next(prompt, options, scope),
    prompt,
    label: nodeLabel(prompt, options),
    phase: options.phase,
    schema: options.schema,
    model: options.model,
    effort: options.effort as Effort | undefined,
    runtime: options.runtime,
    provider: options.provider,
    isolation: options.isolation === "worktree" ? "worktree" : undefined,
    agentType: options.agentType,
    timeoutMs,
  };
  let allowance: number | undefined;
  ctx.contenders++;
  let contending = true;
  const stopContending = () => {
    if (contending) ctx.contenders--;
    contending = false;
  };
  let result;
  try {
    result = await ctx.dispatcher.dispatch(spec, {
      signal: ctx.signal,
      admit: async (freeSlots) => {
        try {
          for (;;) {
            ctx.budget.assertOpen();
            allowance = ctx.budget.reserve(freeSlots, ctx.contenders);
            if (allowance !== 0) return allowance;
            await ctx.budget.nextSettle();
          }
        } finally {
          stopContending();
        }
      },
      started: () =>
        ctx.emit({
          type: "node.started",
          ts: nowIso(),
          key: spec.key,
          seq,
          label: spec.label,
          phase: options.phase,
          scope,
          prompt,
          options,
        }),
    });
  } finally {
    stopContending();
  }
  ctx.budget.settle(allowance, result.usage.outputTokens);
  ctx.usage = addUsage(ctx.usage, result.usage);
  if (result.error) ctx.log(`[${spec.label}] failed: ${result.error.message}`);
  ctx.emit({
    type: "node.finished",
    ts: nowIso(),
    key: spec.key,
    seq,
    label: spec.label,
    status: result.status,
    value: result.value,
    usage: result.usage,
    costUsd: result.costUsd,
    durationMs: result.durationMs,
    attempts: result.attempts,
    error: result.error,
  });
  return result.value;
}
