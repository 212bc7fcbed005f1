/**
 * Run events: what the journal records (one JSON object per line of `journal.jsonl`) and what the
 * live progress display listens to.
 *
 * @module
 */
import type { NodeError, NodeStatus, Usage, WorktreeResult } from "../common/contract.ts";
import type { AgentCallOptions, CallSiteRef } from "../protocol.ts";
import type { RunOwner } from "../records/owner.ts";
import type { CallSite } from "../script/types.ts";
import type { ResolvedRouting, Routing } from "./routing.ts";

/** A node's routing as journaled: what will run, and where each field came from. */
export interface JournaledRouting extends Routing {
  sources: ResolvedRouting["sources"];
}

/** Final status of a run (`cancelled`: stopped by SIGINT/SIGTERM or `odw cancel`). */
export type RunStatus = "completed" | "failed" | "refused" | "cancelled";

/** `run.started`: the first line of every journal. */
export interface RunStartedEvent {
  type: "run.started";
  ts: string;
  runId: string;
  name: string;
  scriptPath: string;
  args?: unknown;
  backend: string;
  /** How the backend runs nodes, e.g. `in-process` or `process /usr/local/bin/pandacode`. */
  backendDetail?: string;
  /** The routing of a node that sets nothing itself (config defaults, command line, backend defaults). */
  routing?: JournaledRouting;
  concurrency: number;
  budget: number | null;
  /** The process running it (pid + start time), so `odw runs` can tell `running` from `dead`. */
  owner?: RunOwner;
  /** The run whose journal this one resumed (or replayed) from. */
  resumeOf?: string;
  /** A replay: nodes answered from `resumeOf`'s journal only, no backend. */
  replay?: boolean;
  /** The `odw exec` flags given (paths absolute), which a resume keeps unless told otherwise. */
  flags?: Record<string, string | boolean>;
}

/** `phase`: the script called `phase(title)`. */
export interface PhaseEvent {
  type: "phase";
  ts: string;
  title: string;
}

/** `log`: a log line (from `log()`, a failed node, parallel/pipeline, child workflow markers). */
export interface LogEvent {
  type: "log";
  ts: string;
  message: string;
}

/** What identifies a node in the events that announce it (`node.queued`, `node.started`). */
export interface NodeIdentity {
  ts: string;
  key: string;
  seq: number;
  label: string;
  phase?: string;
  scope: string;
  /** Where the script called `agent()` (line and column; `file`: the child workflow's), when known. */
  site?: CallSiteRef & { file?: string };
}

/** `node.queued`: an `agent()` call passed its checks and waits for a slot (fan-out progress). */
export interface NodeQueuedEvent extends NodeIdentity {
  type: "node.queued";
}

/** `workflow.started`: a `workflow()` call resolved its child script, which now runs. */
export interface WorkflowStartedEvent {
  type: "workflow.started";
  ts: string;
  name: string;
  /** The child script's path: the `scope` of its nodes. */
  scope: string;
  /** Where the parent script called `workflow()`, when known. */
  site?: CallSiteRef;
  /** The child script's own call sites (its nodes' `site` positions are among them). */
  callSites: CallSite[];
}

/** `node.started`: an agent node got its slot and is being dispatched. */
export interface NodeStartedEvent extends NodeIdentity {
  type: "node.started";
  /** The prompt ("" when it is stored by hash: see `promptRef`). */
  prompt: string;
  /** A large prompt stored once in the run's `prompts/<sha256>.txt` (src/records/prompts.ts). */
  promptRef?: { sha256: string; bytes: number };
  options: AgentCallOptions;
  /** The node's resolved runtime/provider/model/effort/timeout and their sources. */
  routing?: JournaledRouting;
}

/** `node.finished`: an agent node's final outcome (after schema retries). */
export interface NodeFinishedEvent {
  type: "node.finished";
  ts: string;
  key: string;
  seq: number;
  label: string;
  status: NodeStatus;
  /** The value `agent()` resolved to (text, object or null). */
  value: unknown;
  usage: Usage;
  costUsd: number | null;
  durationMs: number;
  attempts: number;
  error?: NodeError;
  /** The runtime, provider and model that ran (as the backend reported them). */
  runtime?: string;
  provider?: string | null;
  model?: string | null;
  filesChanged?: string[];
  /** Answered from this earlier run's journal: nothing ran (usage, cost and attempts are zero). */
  reusedFrom?: string;
  /** An `isolation: "worktree"` node's branch, snapshot and diff stat (its changes are there). */
  worktree?: WorktreeResult;
}

/** `run.finished`: the last line of a journal that ended normally. */
export interface RunFinishedEvent {
  type: "run.finished";
  ts: string;
  status: RunStatus;
  result?: unknown;
  error?: string;
  usage: Usage;
  agentCount: number;
  /** Nodes by how they ended. */
  nodeCounts?: Record<NodeStatus, number>;
  /** Cost of all nodes in USD (null when some node's cost is unknown). */
  costUsd?: number | null;
  durationMs: number;
}

/** Any journal event. */
export type RunEvent =
  | RunStartedEvent
  | PhaseEvent
  | LogEvent
  | NodeQueuedEvent
  | WorkflowStartedEvent
  | NodeStartedEvent
  | NodeFinishedEvent
  | RunFinishedEvent;

/** Current time as an ISO string (host side only; the sandbox has no clock). */
export function nowIso(): string {
  return new Date().toISOString();
}
