/**
 * The worker ↔ host protocol, typed in one place.
 *
 * The workflow script runs inside a permissionless Worker; every effect (an agent call, a log line, a
 * phase change, a child workflow) is a message to the host, and every answer comes back as a message.
 * Both sides import these types; nothing else crosses the boundary.
 *
 * @module
 */

/** An error as it crosses the boundary (an `Error` cannot be structured-cloned with its class). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

/** The options of one `agent()` call, after the worker checked their types. */
export interface AgentCallOptions {
  label?: string;
  phase?: string;
  schema?: Record<string, unknown>;
  model?: string;
  effort?: string;
  isolation?: string;
  agentType?: string;
  runtime?: string;
  provider?: string;
  /** Per-node timeout: a duration string (`"90s"`) or milliseconds. */
  timeout?: string | number;
  /** Per-node stall timeout (no sign of life for this long kills the try): a duration or milliseconds. */
  stallTimeout?: string | number;
  /** Extra tries for retryable failures (rate limit, 5xx, network, stall). */
  retries?: number;
}

/** Host → worker: start the workflow. */
export interface StartMessage {
  type: "start";
  /** The script body (see `analyzeScript().body`), evaluated as an async function body. */
  body: string;
  /** The `args` value, already JSON-parsed; absent means `undefined`. */
  args?: unknown;
  hasArgs: boolean;
  budgetTotal: number | null;
  /** Name of the workflow, for messages. */
  name: string;
}

/** Host → worker: the answer to one `agent()` call. */
export type AgentReplyMessage =
  | { type: "agent.reply"; id: number; ok: true; value: unknown; spent: number }
  | { type: "agent.reply"; id: number; ok: false; error: WireError; spent: number };

/** The resolved child workflow script for one `workflow()` call (sent inside `workflow.replies`). */
export type WorkflowReplyMessage =
  | { type: "workflow.reply"; id: number; ok: true; name: string; body: string; scope: string }
  | { type: "workflow.reply"; id: number; ok: false; error: WireError };

/**
 * Host → worker: the answers to the `workflow()` calls made in one turn, together, in call order (so
 * children started together begin in the same turn and interleave, as in the built-in).
 */
export interface WorkflowRepliesMessage {
  type: "workflow.replies";
  replies: WorkflowReplyMessage[];
}

/** Everything the host sends. */
export type HostMessage = StartMessage | AgentReplyMessage | WorkflowRepliesMessage;

/** Where a script called a primitive: 1-based line and column in its own file (as `odw check` counts). */
export interface CallSiteRef {
  line: number;
  column: number;
}

/** Worker → host: one `agent()` call. `scope` is the child workflow's path ("" for the top level). */
export interface AgentRequestMessage {
  type: "agent";
  id: number;
  prompt: string;
  options: AgentCallOptions;
  scope: string;
  /** The call's position in the script, read from the stack (absent when it could not be read). */
  site?: CallSiteRef;
}

/** Worker → host: `log(message)` (also the `parallel[i] failed:` lines and child markers). */
export interface LogMessage {
  type: "log";
  message: string;
}

/** Worker → host: `phase(title)`. */
export interface PhaseMessage {
  type: "phase";
  title: string;
}

/** One `workflow(nameOrRef, args)` call: the host resolves and checks the child script. */
export interface WorkflowRequest {
  id: number;
  ref: string | { scriptPath: string };
  /** The `workflow()` call's position in the parent script, read from the stack (when it could be read). */
  site?: CallSiteRef;
}

/**
 * Worker → host: the `workflow()` calls of one turn, together (answered by one `workflow.replies`, so
 * children started together begin together).
 */
export interface WorkflowRequestMessage {
  type: "workflow";
  requests: WorkflowRequest[];
}

/** Worker → host: the workflow returned (value already passed through JSON). */
export interface DoneMessage {
  type: "done";
  /** JSON text of the result; absent when the script returned `undefined`. */
  resultJson?: string;
}

/** Worker → host: the workflow threw. */
export interface FailedMessage {
  type: "failed";
  error: WireError;
}

/** Everything the worker sends. */
export type WorkerMessage =
  | AgentRequestMessage
  | LogMessage
  | PhaseMessage
  | WorkflowRequestMessage
  | DoneMessage
  | FailedMessage;
