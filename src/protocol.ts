/**
 * The worker ↔ host protocol, typed in one place, with the caps the host enforces on it.
 *
 * The workflow script runs inside a permissionless Worker, itself inside a sandbox process of its own;
 * every effect (an agent call, a log line, a phase change, a child workflow) is a message to the host,
 * and every answer comes back as a message. Messages travel as JSON text. Both sides import these
 * types; the host validates everything it receives against them (`protocol_schema.ts`), because a
 * hostile script may have subverted the runtime that sends them.
 *
 * @module
 */

/** Caps on what crosses the boundary, enforced by the host (the runtime mirrors some to fail early). */
export const PROTOCOL_LIMITS = {
  /** Items in any array crossing the boundary (the built-in's VM boundary cap). */
  maxArrayItems: 4096,
  /** Nesting of a value crossing the boundary (results, agent options). */
  maxDepth: 1000,
  /** UTF-8 bytes of one agent prompt. */
  maxPromptBytes: 4 * 1024 * 1024,
  /** UTF-8 bytes of the workflow result's JSON. */
  maxResultBytes: 16 * 1024 * 1024,
  /** Lines a run may log (`log()`, `console.*`, `phase()`), children included. */
  maxLogLines: 20_000,
  /** UTF-8 bytes of all those lines together (each line is clipped first, see `clipLogLine`). */
  maxLogBytes: 16 * 1024 * 1024,
  /** Bytes of any one message on the wire (the sandbox process's pipe). */
  maxMessageBytes: 64 * 1024 * 1024,
  /** Characters of a workflow name or `scriptPath`. */
  maxRefChars: 4096,
} as const;

/**
 * A log line as the built-in records it: past 11024 characters, its first and last 5000 around a
 * marker. Self-contained: the runtime clips too, so a long line never crosses whole.
 */
export function clipLogLine(line: string): string {
  const limit = 11_024;
  const keep = 5_000;
  if (line.length <= limit) return line;
  const cut = line.length - 2 * keep;
  return `${line.slice(0, keep)}\n\n... [${cut} characters truncated] ...\n\n${line.slice(-keep)}`;
}

/** The caps, as the runtime receives them in `start`. */
export type ProtocolLimits = { [K in keyof typeof PROTOCOL_LIMITS]: number };

/**
 * UTF-8 length of a string in bytes (a lone surrogate counts 3, as TextEncoder writes U+FFFD).
 * Self-contained: the runtime receives it as source text (where TextEncoder is gone, it counts).
 */
export function utf8Length(text: string): number {
  if (typeof TextEncoder === "function") return new TextEncoder().encode(text).length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

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
  /** The caps the host enforces (the runtime refuses an oversized prompt before sending it). */
  limits: ProtocolLimits;
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

/** Worker → host: the runtime is locked down and listening; the host may send `start`. */
export interface ReadyMessage {
  type: "ready";
}

/**
 * Sandbox process → host: the Worker died of an uncaught error (sent by the sandbox process's own main
 * thread, which runs no script code; validated like everything else).
 */
export interface SandboxErrorMessage {
  type: "sandbox.error";
  message: string;
}

/** Everything the worker (or its sandbox process) sends. */
export type WorkerMessage =
  | ReadyMessage
  | SandboxErrorMessage
  | AgentRequestMessage
  | LogMessage
  | PhaseMessage
  | WorkflowRequestMessage
  | DoneMessage
  | FailedMessage;
