/**
 * One execution of a workflow script: creates the run record, starts the sandboxed Worker, answers
 * its messages (agents through the scheduler and backend, logs, phases, child workflows), enforces the
 * run timeout, and turns the end into a {@link RunOutcome} written to `result.json`.
 *
 * @example
 * ```ts
 * const outcome = await executeRun({ scriptPath, source, body, name, backend: new MockBackend(), ... });
 * console.log(outcome.status, outcome.result);
 * ```
 * @module
 */
import type { Usage } from "../common/contract.ts";
import type { HostMessage, WireError, WorkerMessage, WorkflowReplyMessage } from "../protocol.ts";
import { startSandboxWorker } from "../runtime/worker_source.ts";
import { callSiteOf, runAgentNode } from "./agent_node.ts";
import { resolveChildWorkflow } from "./child_workflows.ts";
import { nowIso, type RunEvent, type RunStartedEvent, type RunStatus } from "./events.ts";
import { currentOwner } from "../records/owner.ts";
import { stopEnd } from "./run_stop.ts";
import { Journal } from "./journal.ts";
import { createRunDir, writeResult } from "./run_dir.ts";
import { type NodeOptions, nodeVerdict, setUpNodes } from "./run_nodes.ts";
import type { NodeCounts, RouteTotals } from "./run_totals.ts";
import { NodeLedger, type NodeSummary } from "./node_ledger.ts";
import type { Router } from "./routing.ts";

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
  /** Whole-run timeout in milliseconds. */
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

/** Log lines longer than this keep their first and last 5000 characters, as the built-in keeps them. */
const LOG_LINE_LIMIT = 11_024;
const LOG_LINE_KEEP = 5_000;

/** A log line as the built-in records it: past 11024 characters, head and tail around a marker. */
export function clipLogLine(line: string): string {
  if (line.length <= LOG_LINE_LIMIT) return line;
  const cut = line.length - 2 * LOG_LINE_KEEP;
  return `${line.slice(0, LOG_LINE_KEEP)}\n\n... [${cut} characters truncated] ...\n\n${
    line.slice(-LOG_LINE_KEEP)
  }`;
}

/** First line of an error as `Name: message`. */
export function errorLine(error: WireError): string {
  const text = error.message ? `${error.name}: ${error.message}` : error.name;
  return text.split("\n")[0];
}

/** The run's default routing as `run.started` records it. */
function journaledDefaults(router: Router) {
  const { shown, sources } = router.defaultRouting();
  return { ...shown, sources };
}

/** Runs a checked workflow script to its end. Never throws for workflow errors. */
export async function executeRun(opts: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const { runId, runDir } = await createRunDir(opts.runsDir, opts.source);
  const journal = await Journal.open(`${runDir}/journal.jsonl`);
  const logs: string[] = [];
  const ledger = new NodeLedger();
  const emit = (event: RunEvent) => {
    journal.append(event);
    ledger.onEvent(event);
    opts.onEvent?.(event);
    return journal.synced();
  };
  const log = (raw: string) => {
    const message = clipLogLine(raw);
    logs.push(message);
    emit({ type: "log", ts: nowIso(), message });
  };
  const nodes = new AbortController();
  const runNodes = setUpNodes({ ...opts, runId }, nodes.signal, emit, log);
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

  const worker = startSandboxWorker();
  const inFlight = new Set<Promise<unknown>>();
  let childQueue: Promise<unknown> = Promise.resolve();
  let settled = false;
  const toWorker = (m: HostMessage) => {
    if (!settled) worker.postMessage(m);
  };
  const end = await new Promise<{ status: RunStatus; result?: unknown; error?: string }>((resolve) => {
    const finish = (r: { status: RunStatus; result?: unknown; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onCancel);
      worker.terminate();
      resolve(r);
    };
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() =>
      finish({
        status: "failed",
        error: `TimeoutError: the workflow did not finish within the run timeout (${opts.timeoutMs} ms)`,
      }), opts.timeoutMs);
    const onCancel = () => finish(stopEnd(opts.signal?.reason));
    if (opts.signal?.aborted) onCancel();
    opts.signal?.addEventListener("abort", onCancel);
    const track = (p: Promise<unknown>) => {
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    };

    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      switch (m.type) {
        case "log":
          log(m.message);
          break;
        case "phase":
          emit({ type: "phase", ts: nowIso(), title: m.title });
          break;
        case "agent":
          track(
            runAgentNode(ctx, m).then(
              (value) => toWorker({ type: "agent.reply", id: m.id, ok: true, value, spent: budget.spent }),
              (err: Error) =>
                toWorker({
                  type: "agent.reply",
                  id: m.id,
                  ok: false,
                  error: { name: err.name, message: err.message },
                  spent: budget.spent,
                }),
            ),
          );
          break;
        case "workflow":
          // The workflow() calls of one turn are resolved together and answered in one message, in
          // call order, so children started together begin together (as in the built-in).
          childQueue = childQueue.then(() =>
            Promise.all(m.requests.map((request) =>
              resolveChildWorkflow(request.ref, opts.projectDir).then(
                ({ callSites, ...child }): WorkflowReplyMessage => {
                  emit({
                    type: "workflow.started",
                    ts: nowIso(),
                    name: child.name,
                    scope: child.path,
                    ...(callSiteOf(request.site) ? { site: callSiteOf(request.site) } : {}),
                    callSites,
                  });
                  return { type: "workflow.reply", id: request.id, ok: true, ...child, scope: child.path };
                },
                (err: Error): WorkflowReplyMessage => ({
                  type: "workflow.reply",
                  id: request.id,
                  ok: false,
                  error: { name: "Error", message: err.message },
                }),
              )
            ))
          ).then((replies) => toWorker({ type: "workflow.replies", replies }));
          track(childQueue);
          break;
        case "done":
          finish({
            status: "completed",
            result: m.resultJson === undefined ? undefined : JSON.parse(m.resultJson),
          });
          break;
        case "failed":
          finish({ status: "failed", error: errorLine(m.error) });
          break;
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const message = (e.message ?? "worker error").replace(/^Uncaught (\(in promise\) )?/, "");
      finish({
        status: "failed",
        error: (/^\w*Error: /.test(message) ? message : `Error: ${message}`).split("\n")[0],
      });
    };
    worker.postMessage(
      {
        type: "start",
        body: opts.body,
        args: opts.args,
        hasArgs: opts.hasArgs,
        budgetTotal: opts.budget,
        name: opts.name,
      } satisfies HostMessage,
    );
  });

  // Nodes the script left running are cancelled and still journaled.
  nodes.abort("cancelled");
  await Promise.allSettled([...inFlight]);
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
