/**
 * The JSONL events `codex exec --json` prints, and a collector that folds them into what pandacode
 * reports (session id, final message, usage, failure).
 *
 * Event shapes follow codex-rs/exec/src/exec_events.rs (`ThreadEvent`) as emitted by codex 0.169.0:
 * `thread.started`, `turn.started`, `turn.completed` (usage is the thread's running total),
 * `turn.failed`, `item.started|updated|completed` (agent_message, reasoning, command_execution,
 * file_change, mcp_tool_call, web_search, todo_list, error …), `item.plan.delta`,
 * `request_user_input` and `error`. A top-level `error` is not necessarily fatal (codex also uses it
 * for "Reconnecting... n/5"); only `turn.failed` or a missing `turn.completed` ends a run as failed.
 *
 * @example
 * ```ts
 * const events = new CodexEventCollector();
 * for (const line of stdoutLines) events.push(line);
 * events.summary(); // { sessionId, text, usage, completed, failure, ... }
 * ```
 * @module
 */
import { emptyUsage, type Usage } from "../../src/common/contract.ts";

/** Usage as codex prints it in `turn.completed` (cumulative over the thread). */
export interface CodexUsage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  /** Present since codex 0.1xx; absent in older builds. */
  reasoning_output_tokens?: number;
  cache_write_input_tokens?: number;
}

/** A thread item (the `item` of `item.*` events); `type` selects the payload. */
export interface CodexItem {
  id: string;
  type: string;
  /** agent_message, reasoning, plan, error (`message` for error items). */
  text?: string;
  message?: string;
  /** command_execution */
  command?: string;
  aggregated_output?: string;
  exit_code?: number | null;
  status?: string;
  /** file_change */
  changes?: { path: string; kind: string }[];
  /** mcp_tool_call */
  server?: string;
  tool?: string;
}

/** One line of `codex exec --json` output. */
export type CodexEvent =
  | { type: "thread.started"; thread_id: string }
  | { type: "turn.started" }
  | { type: "turn.completed"; usage: CodexUsage }
  | { type: "turn.failed"; error: { message: string } }
  | { type: "item.started" | "item.updated" | "item.completed"; item: CodexItem }
  | { type: "item.plan.delta"; item_id: string; delta: string }
  | { type: "request_user_input"; id: string; call_id: string; questions: unknown[] }
  | { type: "error"; message: string };

/** What one codex run amounted to. */
export interface CodexRunSummary {
  sessionId: string | null;
  /** Text of the last completed agent_message ("" when none). */
  text: string;
  /** Usage from the last `turn.completed` (zero when the turn never completed). */
  usage: Usage;
  /** True once `turn.completed` was seen. */
  completed: boolean;
  /** The `turn.failed` message, else the last top-level `error` message; null when none. */
  failure: string | null;
  /** Paths of completed file_change items, in order, without duplicates. */
  changedPaths: string[];
  /** Number of events per `type` (items counted as `item.completed:<item type>`). */
  counts: Record<string, number>;
}

/** Converts codex's usage record into the report's. */
export function toReportUsage(usage: CodexUsage | undefined): Usage {
  if (!usage) return emptyUsage();
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.trunc(v) : 0);
  return {
    inputTokens: n(usage.input_tokens),
    outputTokens: n(usage.output_tokens),
    cachedInputTokens: n(usage.cached_input_tokens),
    reasoningTokens: n(usage.reasoning_output_tokens),
  };
}

/** Folds codex's JSONL events into a {@link CodexRunSummary}; reports progress through `log`. */
export class CodexEventCollector {
  #sessionId: string | null = null;
  #text = "";
  #usage: Usage = emptyUsage();
  #completed = false;
  #turnFailure: string | null = null;
  #lastError: string | null = null;
  #changed = new Set<string>();
  #counts: Record<string, number> = {};
  #log: (message: string) => void;

  /** `log` receives one-line progress notes (commands run, files changed, warnings). */
  constructor(log: (message: string) => void = () => {}) {
    this.#log = log;
  }

  /** Feeds one stdout line; blank and non-JSON lines are ignored (non-JSON ones logged). */
  push(line: string): void {
    const trimmed = line.trim();
    if (trimmed === "") return;
    let event: CodexEvent;
    try {
      event = JSON.parse(trimmed);
    } catch {
      this.#log(`codex: ${trimmed.slice(0, 200)}`);
      return;
    }
    if (event === null || typeof event !== "object" || typeof event.type !== "string") return;
    this.apply(event);
  }

  /** Applies one parsed event. */
  apply(event: CodexEvent): void {
    const key = "item" in event && event.item ? `${event.type}:${event.item.type}` : event.type;
    this.#counts[key] = (this.#counts[key] ?? 0) + 1;
    switch (event.type) {
      case "thread.started":
        this.#sessionId = event.thread_id;
        break;
      case "turn.completed":
        this.#completed = true;
        this.#usage = toReportUsage(event.usage);
        break;
      case "turn.failed":
        this.#turnFailure = event.error?.message ?? "turn failed";
        break;
      case "error":
        this.#lastError = event.message;
        this.#log(`codex: ${event.message}`);
        break;
      case "item.started":
        if (event.item.type === "command_execution") this.#log(`codex: running ${event.item.command}`);
        break;
      case "item.completed":
        this.#itemCompleted(event.item);
        break;
      case "request_user_input":
        this.#log("codex: the model asked for user input, which a headless run cannot give");
        break;
    }
  }

  #itemCompleted(item: CodexItem): void {
    switch (item.type) {
      case "agent_message":
        this.#text = item.text ?? "";
        break;
      case "command_execution":
        this.#log(`codex: ${item.status ?? "done"} (exit ${item.exit_code ?? "?"}) ${item.command}`);
        break;
      case "file_change":
        for (const change of item.changes ?? []) this.#changed.add(change.path);
        this.#log(`codex: ${item.status ?? "changed"} ${(item.changes ?? []).map((c) => c.path).join(", ")}`);
        break;
      case "error":
        this.#log(`codex: warning: ${item.message ?? ""}`);
        break;
    }
  }

  /** The summary so far. */
  summary(): CodexRunSummary {
    return {
      sessionId: this.#sessionId,
      text: this.#text,
      usage: { ...this.#usage },
      completed: this.#completed,
      failure: this.#turnFailure ?? this.#lastError,
      changedPaths: [...this.#changed],
      counts: { ...this.#counts },
    };
  }
}
