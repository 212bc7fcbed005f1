/**
 * One `agent()` call on the host, script-facing: the programming-error checks that make `agent()`
 * throw (schema shape, budget ceiling, lifetime limit), the node key, the hand-over to the run's
 * {@link Dispatcher} (which admits the node with its budget allowance), the journal, and the value the
 * script receives (`null` when the agent failed for good, with the `[label] failed:` log line).
 *
 * @module
 */
import { basename } from "node:path";
import { limitErrors, MAX_AGENTS_PER_RUN } from "../common/limits.ts";
import type { Effort, NodeSpec } from "../common/contract.ts";
import type { Price } from "../backends/backend.ts";
import { type Admission, admit, type Ceilings, settle } from "./admission.ts";
import type { CostCeiling } from "./cost_ceiling.ts";
import type { RunTotals } from "./run_totals.ts";
import type { AgentCallOptions, AgentRequestMessage, CallSiteRef } from "../protocol.ts";
import { parseDuration } from "../common/duration.ts";
import type { Budget } from "./budget.ts";
import { nowIso, type RunEvent } from "./events.ts";
import type { NodeKeys } from "./node_key.ts";
import type { Dispatcher } from "./dispatch.ts";
import type { ResolvedRouting, Router, Routing } from "./routing.ts";
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
  /** Resolves each node's runtime/provider/model/effort/timeout before its key and dispatch. */
  router: Router;
  budget: Budget;
  /** The `--max-cost` ceiling, when the run has one. */
  cost?: CostCeiling;
  /** The price of a node's route (null when unknown). */
  priceOf(spec: NodeSpec): Price | null;
  totals: RunTotals;
  keys: NodeKeys;
  /** Aborted when the run ends or is cancelled. */
  signal: AbortSignal;
  /** Journals an event. */
  emit(event: RunEvent): void;
  /** Resolves once every event emitted so far is on disk (synced now, not with the next group). */
  synced(): Promise<void>;
  /** Hold a node's value back until its `node.finished` line is on disk (see `Backend.hasEffects`). */
  durableReplies: boolean;
  log(message: string): void;
  /** Agents started so far in this run (children included); incremented by each call. */
  agentCount: number;
  /** Agents that were called but have not reserved their budget allowance yet. */
  contenders: number;
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
    // Compiled as the node's output check compiles it (coercing), so that check finds it cached.
    compileSchema(schema as Record<string, unknown>, { coerce: true });
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

/** A duration option (`timeout`, `stallTimeout`) in milliseconds: a duration string or a number. */
function durationOption(options: AgentCallOptions, name: "timeout" | "stallTimeout"): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value === "number") {
    if (!(value > 0)) throw new TypeError(`agent() option "${name}" must be positive`);
    return value;
  }
  try {
    return parseDuration(value);
  } catch (e) {
    throw new TypeError(`agent() option "${name}": ${(e as Error).message}`);
  }
}

/** The `retries` option: a whole number from 0 to 10. */
function retriesOption(options: AgentCallOptions): number | undefined {
  const value = options.retries;
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > 10) {
    throw new TypeError(`agent() option "retries" must be a whole number from 0 to 10`);
  }
  return value;
}

/**
 * The node's request: its routing resolved (every source), its key, label and options. The key hashes
 * the routing the node was resolved to, not the options as written, so a resume under another
 * `--model` or config re-runs exactly the nodes whose routing changed.
 */
function nodeSpecOf(
  ctx: NodeContext,
  { prompt, options, scope }: AgentRequestMessage,
  limits: Pick<Routing, "timeoutMs" | "stallTimeoutMs" | "retries">,
): { spec: NodeSpec; routing: ResolvedRouting } {
  const routing = ctx.router.resolve({
    runtime: options.runtime,
    provider: options.provider,
    model: options.model,
    effort: options.effort as Effort | undefined,
    ...limits,
  }, options.phase);
  const { chosen } = routing;
  const keyed: AgentCallOptions = {
    ...options,
    runtime: chosen.runtime,
    provider: chosen.provider,
    model: chosen.model,
    effort: chosen.effort,
  };
  const spec: NodeSpec = {
    key: ctx.keys.next(prompt, keyed, scope),
    prompt,
    label: nodeLabel(prompt, options),
    phase: options.phase,
    schema: options.schema,
    model: chosen.model,
    effort: chosen.effort,
    runtime: chosen.runtime,
    provider: chosen.provider,
    isolation: options.isolation === "worktree" ? "worktree" : undefined,
    agentType: options.agentType,
    timeoutMs: chosen.timeoutMs,
    stallTimeoutMs: chosen.stallTimeoutMs,
    retries: chosen.retries,
  };
  return { spec, routing };
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
  ctx.cost?.assertOpen();
  const timeoutMs = durationOption(options, "timeout");
  const stallTimeoutMs = durationOption(options, "stallTimeout");
  const retries = retriesOption(options);
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
  const { spec, routing } = nodeSpecOf(ctx, req, { timeoutMs, stallTimeoutMs, retries });
  const site = callSiteOf(req.site);
  if (site) spec.site = scope ? { ...site, file: basename(scope) } : site;
  const node = {
    key: spec.key,
    seq,
    label: spec.label,
    phase: options.phase,
    scope,
    ...(spec.site ? { site: spec.site } : {}),
  };
  ctx.emit({ type: "node.queued", ts: nowIso(), ...node });
  let admission: Admission | undefined;
  const ceilings: Ceilings = {
    budget: ctx.budget,
    cost: ctx.cost,
    priceOf: ctx.priceOf,
    contenders: () => ctx.contenders,
  };
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
          admission = await admit(ceilings, spec, freeSlots);
          return admission.tokens;
        } finally {
          stopContending();
        }
      },
      started: () =>
        ctx.emit({
          type: "node.started",
          ts: nowIso(),
          ...node,
          prompt,
          options,
          routing: { ...routing.shown, sources: routing.sources },
        }),
    });
  } finally {
    stopContending();
  }
  const cost = settle(ceilings, admission, result);
  ctx.totals.add(spec.label, result, cost);
  if (result.error) ctx.log(`[${spec.label}] failed: ${result.error.message}`);
  // Every field of the result is journaled, so whatever a dispatcher adds (a reused node's origin, a
  // worktree's branch) survives into the journal and a later resume of this run. The value reaches
  // the script only once its line is on disk when nodes have effects in the world: nothing downstream
  // of a node outlives its record. (The journal is ordered, so a later line on disk implies this one.)
  ctx.emit({
    type: "node.finished",
    ts: nowIso(),
    key: spec.key,
    seq,
    label: spec.label,
    ...result,
    costUsd: cost,
    runtime: result.runtime ?? routing.shown.runtime,
    provider: result.provider !== undefined ? result.provider : routing.shown.provider,
    model: result.model !== undefined ? result.model : routing.shown.model,
  });
  if (ctx.durableReplies) await ctx.synced();
  return result.value;
}

/** A call site as the worker reported it, if it is one (the worker's messages are not trusted). */
export function callSiteOf(site: unknown): CallSiteRef | undefined {
  const { line, column } = (site ?? {}) as Partial<CallSiteRef>;
  const valid = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) < 1e7;
  return valid(line) && valid(column) ? { line: line!, column: column! } : undefined;
}
