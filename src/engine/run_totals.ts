/**
 * What a run's nodes added up to: how many ended each way (so a run with failed nodes never reads as
 * plainly `completed`), and tokens and cost per runtime/model.
 *
 * @module
 */
import { addUsage, emptyUsage, type NodeResult, type NodeStatus, type Usage } from "../common/contract.ts";

/** Nodes by how they ended. */
export type NodeCounts = Record<NodeStatus, number>;

/** Tokens and cost of the nodes of one runtime/model. */
export interface RouteTotals {
  runtime: string;
  model: string | null;
  nodes: number;
  usage: Usage;
  /** Null when some node's cost is unknown (its runtime reports none and no price is known). */
  costUsd: number | null;
}

/** Running totals of a run. */
export class RunTotals {
  readonly counts: NodeCounts = { completed: 0, failed: 0, timeout: 0, cancelled: 0 };
  usage: Usage = emptyUsage();
  costUsd: number | null = 0;
  #routes = new Map<string, RouteTotals>();
  /** The first failure, `[label] message`, for `--strict`. */
  firstFailure: string | undefined;

  /** Adds one finished node; `cost` is its cost as admission settled it. */
  add(label: string, result: NodeResult, cost: number | null): void {
    this.counts[result.status]++;
    this.usage = addUsage(this.usage, result.usage);
    this.costUsd = this.costUsd === null || cost === null ? null : this.costUsd + cost;
    if (result.status === "failed" || result.status === "timeout") {
      this.firstFailure ??= `[${label}] ${result.error?.message ?? result.status}`;
    }
    const runtime = result.runtime ?? "unknown";
    const model = result.model ?? null;
    const id = `${runtime}\u0000${model}`;
    const route = this.#routes.get(id) ?? { runtime, model, nodes: 0, usage: emptyUsage(), costUsd: 0 };
    route.nodes++;
    route.usage = addUsage(route.usage, result.usage);
    route.costUsd = route.costUsd === null || cost === null ? null : route.costUsd + cost;
    this.#routes.set(id, route);
  }

  /** Nodes that failed for good or timed out. */
  get failures(): number {
    return this.counts.failed + this.counts.timeout;
  }

  /** Totals per runtime/model, in first-seen order. */
  get routes(): RouteTotals[] {
    return [...this.#routes.values()];
  }
}
