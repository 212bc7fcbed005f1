/**
 * One execution of a workflow script: creates the run record, takes a sandbox process (see
 * `sandbox/`), lets a {@link SandboxSession} answer it (agents through the scheduler and backend, logs,
 * phases, child workflows, every message validated and capped), and turns the end into a
 * {@link RunOutcome} written to `result.json` — also when the sandbox crashed or sent garbage.
 *
 * @example
 * ```ts
 * const outcome = await executeRun({ scriptPath, source, body, name, backend: new MockBackend(), ... });
 * console.log(outcome.status, outcome.result);
 * ```
 * @module
 */
import type { Usage } from "../common/contract.ts";
import { warmJsonSchemaSupport } from "../common/json_schema.ts";
import { clipLogLine } from "../protocol.ts";
import { takeSandbox } from "../sandbox/prestart.ts";
import { DEFAULT_MAX_MEMORY_MB } from "../sandbox/sandbox_process.ts";
import { callSiteOf, runAgentNode } from "./agent_node.ts";
import { resolveChildWorkflow } from "./child_workflows.ts";
import { nowIso, type RunEvent, type RunStartedEvent, type RunStatus } from "./events.ts";
import { currentOwner } from "../records/owner.ts";
import { Journal } from "./journal.ts";
import { PromptStore } from "../records/prompts.ts";
import { createRunDir, writeResult } from "./run_dir.ts";
import { type NodeOptions, nodeVerdict, setUpNodes } from "./run_nodes.ts";
import type { NodeCounts, RouteTotals } from "./run_totals.ts";
import { NodeLedger, type NodeSummary } from "./node_ledger.ts";
import type { Router } from "./routing.ts";
import { SandboxSession } from "./sandbox_session.ts";

/** Everything a run needs. The script must already have passed the static checks. */
export interface RunOptions extends NodeOptions {
  /** Any failed or timed-out node fails the run (`--strict`). */
  strict?: boolean;
  scriptPath: string;
  source: string;
  /** Body from `analyzeScript()`. */
  body: string;
  name: string;
  args?: unknown;
  hasArgs: boolean;
  /** How the backend runs nodes, for the journal (e.g. `in-process`). */
  backendDetail?: string;
  /** Run timeout in milliseconds, counted from the workflow's start (see `SandboxSession`). */
  timeoutMs?: number;
  /** Root of run records (`.odw/runs`). */
  runsDir: string;
  /** Project directory: agents run here; child workflows are looked up here. */
  projectDir: string;
  /** Aborting ends the run: cancelled, or as a `RunStop` reason says (see run_stop.ts). */
  signal?: AbortSignal;
  /** Every event, as it happens (live progress). */
  onEvent?: (event: RunEvent) => void;
  /** Extra facts for `run.started`: the run resumed, whether it replays, the flags it was given. */
  record?: Pick<RunStartedEvent, "resumeOf" | "replay" | "flags">;
  /** The sandbox's memory cap in MiB (`--max-memory`; default 1024). */
  maxMemoryMb?: number;
  /** The worker module's source, for tests that play a subverted runtime (default: odw's runtime). */
  workerSource?: string;
}

/** How a run ended. */
export interface RunOutcome {
  runId: string;
  runDir: string;
  name: string;
  status: RunStatus;
  /** The workflow's return value passed through JSON (absent when it returned undefined). */
  result?: unknown;
  /** First line of the error, `Name: message`, when the run failed. */
  error?: string;
  logs: string[];
  agentCount: number;
  /** Nodes by how they ended. */
  nodeCounts: NodeCounts;
  usage: Usage;
  /** Cost of all nodes in USD (null when some node's cost is unknown). */
  costUsd: number | null;
  /** Tokens and cost per runtime/model. */
  byModel: RouteTotals[];
  durationMs: number;
  /** One line per finished node: label, phase, status, routing that ran, usage, cost, duration. */
  nodes?: NodeSummary[];
}

/** The run's default routing as `run.started` records it. */
function journaledDefaults(router: Router) {
  const { shown, sources } = router.defaultRouting();
  return { ...shown, sources };
}

/** Runs a checked workflow script to its end. Never throws for workflow errors. */
export async function executeRun(opts: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  // The sandbox boots while the run record is made (a prestarted one may be up already).
  const sandbox = takeSandbox({
    maxMemoryMb: opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB,
    workerSource: opts.workerSource,
  });
  // A script that names schemas gets ajv ready while the sandbox boots.
  if (/\bschema\b/.test(opts.body)) setTimeout(() => void warmJsonSchemaSupport(), 0);
  const { runId, runDir } = await createRunDir(opts.runsDir, opts.source);
  const journal = await Journal.open(`${runDir}/journal.jsonl`);
  const logs: string[] = [];
  const ledger = new NodeLedger();
  const prompts = new PromptStore(runDir);
  const emit = (event: RunEvent) => {
    journal.append(prompts.compact(event));
    ledger.onEvent(event);
    opts.onEvent?.(event);
  };
  const log = (raw: string) => {
    const message = clipLogLine(raw);
    logs.push(message);
    emit({ type: "log", ts: nowIso(), message });
  };
  const nodes = new AbortController();
  const runNodes = setUpNodes(
    { ...opts, runId },
    nodes.signal,
    { emit, synced: () => journal.synced() },
    log,
  );
  const { ctx } = runNodes;
  const budget = ctx.budget;
  emit({
    type: "run.started",
    ts: nowIso(),
    runId,
    name: opts.name,
    scriptPath: opts.scriptPath,
    args: opts.hasArgs ? opts.args : undefined,
    backend: opts.backend.name,
    ...(opts.backendDetail ? { backendDetail: opts.backendDetail } : {}),
    routing: journaledDefaults(ctx.router),
    concurrency: opts.concurrency,
    budget: opts.budget,
    owner: currentOwner(),
    ...opts.record,
  });

  const session = new SandboxSession({
    sandbox,
    start: {
      body: opts.body,
      args: opts.args,
      hasArgs: opts.hasArgs,
      budgetTotal: opts.budget,
      name: opts.name,
    },
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    hooks: {
      log,
      phase: (title) => emit({ type: "phase", ts: nowIso(), title }),
      agent: (request) => runAgentNode(ctx, request),
      child: async (request) => {
        const { callSites, ...child } = await resolveChildWorkflow(request.ref, opts.projectDir);
        const site = callSiteOf(request.site);
        emit({
          type: "workflow.started",
          ts: nowIso(),
          name: child.name,
          scope: child.path,
          ...(site ? { site } : {}),
          callSites,
        });
        return child;
      },
      spent: () => budget.spent,
    },
  });
  const end = await session.end;

  // Nodes the script left running are cancelled and still journaled.
  nodes.abort("cancelled");
  await session.settled();
  // The session killed the sandbox when it ended: reap it, so no process or pipe outlives the run.
  await sandbox.exited;
  const verdict = nodeVerdict(end, runNodes, opts.strict === true);
  const { totals } = ctx;
  const outcome: RunOutcome = {
    runId,
    runDir,
    name: opts.name,
    status: verdict.status,
    result: end.result,
    error: verdict.error,
    logs,
    agentCount: ctx.agentCount,
    nodeCounts: { ...totals.counts },
    usage: totals.usage,
    costUsd: totals.costUsd,
    byModel: totals.routes,
    durationMs: Math.round(performance.now() - started),
    nodes: ledger.nodes(),
  };
  emit({
    type: "run.finished",
    ts: nowIso(),
    status: outcome.status,
    result: outcome.result,
    error: outcome.error,
    usage: outcome.usage,
    agentCount: outcome.agentCount,
    nodeCounts: outcome.nodeCounts,
    costUsd: outcome.costUsd,
    durationMs: outcome.durationMs,
  });
  await journal.close();
  await writeResult(runDir, outcome);
  return outcome;
}
