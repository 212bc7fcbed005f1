/**
 * The node side of one run, set up in one place: the dispatcher (local unless one is given), the
 * runner's policy with the run's circuit breaker, the ceilings, the totals — and the run's verdict on
 * its nodes at the end (a tripped breaker or, with `--strict`, any failed node fails the run).
 *
 * @module
 */
import type { Backend } from "../backends/backend.ts";
import type { NodeContext } from "./agent_node.ts";
import { Budget } from "./budget.ts";
import { CostCeiling } from "./cost_ceiling.ts";
import type { Dispatcher } from "./dispatch.ts";
import type { RunEvent, RunStatus } from "./events.ts";
import { CircuitBreaker } from "./guardrails.ts";
import { LocalDispatcher } from "./local.ts";
import { NodeKeys } from "./node_key.ts";
import { NodeRunner, type RunnerPolicy } from "./node_runner.ts";
import { RunTotals } from "./run_totals.ts";
import { Router } from "./routing.ts";
import { Scheduler } from "./scheduler.ts";
import { newRunId } from "./run_dir.ts";
import { WorktreeIsolation } from "../git/worktree.ts";

/** What the run's options say about its nodes. */
export interface NodeOptions {
  backend: Backend;
  concurrency: number;
  /** Caps on concurrent nodes per runtime / per provider, on top of `concurrency`. */
  caps?: { runtimes?: Record<string, number>; providers?: Record<string, number> };
  budget: number | null;
  /** `--max-cost`: the run's cost ceiling in USD. */
  maxCostUsd?: number;
  /** Retries, stall timeout and backoff for every node (per-node options win). */
  policy?: Omit<RunnerPolicy, "breaker">;
  /** Where nodes run; default: this process, on `backend`. */
  dispatcher?: Dispatcher;
  /** The run's quota circuit breaker; default: a new one (a remote dispatcher shares it). */
  breaker?: CircuitBreaker;
  /** Wraps the run's dispatcher (e.g. the resume cache in front of it). */
  decorate?: (inner: Dispatcher) => Dispatcher;
  /** Resolves each node's routing (default: the script's own options only). */
  router?: Router;
  /** Project directory: nodes run here. */
  projectDir: string;
  /** The run's id: names its worktree branches (`odw/<runId>/<node>`). */
  runId?: string;
  /** Root of run records: left out of worktree snapshots when inside the repository. */
  runsDir?: string;
}

/** The node context of a run, and its breaker. */
export interface RunNodes {
  ctx: NodeContext;
  breaker: CircuitBreaker;
}

/** Sets up the node side of a run. */
export function setUpNodes(
  opts: NodeOptions,
  signal: AbortSignal,
  journal: { emit(event: RunEvent): void; synced(): Promise<void> },
  log: (message: string) => void,
): RunNodes {
  const breaker = opts.breaker ?? new CircuitBreaker();
  const isolation = new WorktreeIsolation({
    projectDir: opts.projectDir,
    runId: opts.runId ?? newRunId(),
    excludes: opts.runsDir === undefined ? [] : [opts.runsDir],
  });
  const runner = new NodeRunner(opts.backend, opts.projectDir, { ...opts.policy, breaker }, isolation);
  const inner = opts.dispatcher ?? new LocalDispatcher(runner, new Scheduler(opts.concurrency), opts.caps);
  const dispatcher = opts.decorate ? opts.decorate(inner) : inner;
  const ctx: NodeContext = {
    dispatcher,
    router: opts.router ?? new Router(),
    budget: new Budget(opts.budget),
    cost: opts.maxCostUsd === undefined ? undefined : new CostCeiling(opts.maxCostUsd),
    priceOf: (spec) => opts.backend.priceOf?.(spec) ?? null,
    totals: new RunTotals(),
    keys: new NodeKeys(),
    signal,
    emit: journal.emit,
    synced: journal.synced,
    durableReplies: opts.dispatcher !== undefined || opts.backend.hasEffects !== false,
    log,
    agentCount: 0,
    contenders: 0,
  };
  return { ctx, breaker };
}

/** How the run ended once its nodes are taken into account. */
export interface Verdict {
  status: RunStatus;
  error?: string;
}

/**
 * The run's status after its nodes: a tripped circuit breaker fails the run (`stopped: <route>
 * <reason>`), and so does any failed or timed-out node under `strict`; otherwise the script's own end.
 */
export function nodeVerdict(end: Verdict, nodes: RunNodes, strict: boolean): Verdict {
  if (end.status !== "completed") return end;
  const stopped = nodes.breaker.firstStop;
  if (stopped) return { status: "failed", error: stopped };
  const { totals } = nodes.ctx;
  if (strict && totals.failures > 0) {
    return {
      status: "failed",
      error: `strict: ${totals.failures} node${
        totals.failures > 1 ? "s" : ""
      } failed; first: ${totals.firstFailure}`,
    };
  }
  return end;
}
