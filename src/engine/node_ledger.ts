/**
 * The per-node lines of a run's outcome (`--json` `nodes`, `result.json`): built from the run's own
 * events, so they say exactly what the journal says — label, phase, status, the runtime, provider and
 * model that ran, usage, cost, duration, tries and the error — without the node's value.
 *
 * @example
 * ```ts
 * const ledger = new NodeLedger();
 * for (const event of events) ledger.onEvent(event);
 * ledger.nodes(); // [{ key, label, status: "completed", runtime: "claude", ... }]
 * ```
 * @module
 */
import type { NodeStatus, Usage } from "../common/contract.ts";
import type { RunEvent } from "./events.ts";

/** One finished node, as the outcome lists it. */
export interface NodeSummary {
  key: string;
  label: string;
  phase?: string;
  status: NodeStatus;
  runtime?: string;
  provider?: string | null;
  model?: string | null;
  usage: Usage;
  costUsd: number | null;
  durationMs: number;
  attempts: number;
  /** The failure's message, when the node did not complete. */
  error?: string;
  filesChanged?: string[];
}

/** Collects {@link NodeSummary} lines from run events, in finishing order. */
export class NodeLedger {
  #phases = new Map<string, string | undefined>();
  #nodes: NodeSummary[] = [];

  /** Feeds one run event. */
  onEvent(event: RunEvent): void {
    if (event.type === "node.started") {
      this.#phases.set(event.key, event.phase);
      return;
    }
    if (event.type !== "node.finished") return;
    const phase = this.#phases.get(event.key);
    this.#phases.delete(event.key);
    const line: NodeSummary = {
      key: event.key,
      label: event.label,
      ...(phase !== undefined ? { phase } : {}),
      status: event.status,
      runtime: event.runtime,
      provider: event.provider,
      model: event.model,
      usage: event.usage,
      costUsd: event.costUsd,
      durationMs: event.durationMs,
      attempts: event.attempts,
    };
    if (event.error) line.error = event.error.message;
    if (event.filesChanged) line.filesChanged = event.filesChanged;
    this.#nodes.push(line);
  }

  /** The finished nodes so far. */
  nodes(): NodeSummary[] {
    return [...this.#nodes];
  }
}
