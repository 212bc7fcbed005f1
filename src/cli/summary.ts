/**
 * The summary a finished run prints on stderr: status, node outcomes (a run with failed nodes never
 * reads as plainly `completed`), tokens and cost — per runtime/model when more than one ran — and the
 * run directory.
 *
 * @example
 * ```ts
 * console.error(summaryLine(outcome));
 * // completed · 40 agents: 38 completed, 2 failed · 12.3k tokens · $0.0412 · 3.10s · .odw/runs/…
 * ```
 * @module
 */
import type { RunOutcome } from "../engine/run.ts";
import { formatTokens } from "./progress.ts";

/** `$0.0123`, or `$?` when unknown. */
export function formatCost(usd: number | null): string {
  if (usd === null) return "$?";
  return usd >= 100 ? `$${usd.toFixed(0)}` : usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** `38 completed, 2 failed, 1 timed out` (only the outcomes that happened). */
export function nodeCountsText(nodes: RunOutcome["nodeCounts"]): string {
  const parts = [
    [nodes.completed, "completed"],
    [nodes.failed, "failed"],
    [nodes.timeout, "timed out"],
    [nodes.cancelled, "cancelled"],
  ].filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}`);
  return parts.join(", ");
}

/** The summary: one line, plus one line per runtime/model when several ran. */
export function summaryLine(outcome: RunOutcome): string {
  const tokens = outcome.usage.inputTokens + outcome.usage.outputTokens;
  const counts = nodeCountsText(outcome.nodeCounts);
  const agents = `${outcome.agentCount} agent${outcome.agentCount === 1 ? "" : "s"}${
    counts ? `: ${counts}` : ""
  }`;
  const lines = [
    `${outcome.status} · ${agents} · ${formatTokens(tokens)} tokens · ${formatCost(outcome.costUsd)} · ` +
    `${(outcome.durationMs / 1000).toFixed(2)}s · ${outcome.runDir}`,
  ];
  if (outcome.byModel.length > 1) {
    for (const route of outcome.byModel) {
      const routeTokens = route.usage.inputTokens + route.usage.outputTokens;
      lines.push(
        `  ${route.runtime}${route.model ? `/${route.model}` : ""}: ${route.nodes} node${
          route.nodes === 1 ? "" : "s"
        } · ` +
          `${formatTokens(routeTokens)} tokens · ${formatCost(route.costUsd)}`,
      );
    }
  }
  return lines.join("\n");
}
