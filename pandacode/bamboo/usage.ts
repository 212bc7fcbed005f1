/**
 * Token usage for bamboo: one AI SDK step's usage as a report usage record, and a running sum over
 * the steps of a task. Cached input is the SDK's `cacheReadTokens` (OpenAI's
 * `prompt_tokens_details.cached_tokens`) or, when a provider reports it its own way, DeepSeek's
 * `prompt_cache_hit_tokens` from the raw usage block.
 *
 * @module
 */
import type { LanguageModelUsage } from "ai";
import { emptyUsage, type Usage } from "../../src/common/contract.ts";

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** One step's usage as a report usage record (missing numbers are 0). */
export function stepUsage(usage: LanguageModelUsage | undefined): Usage {
  if (!usage) return emptyUsage();
  const raw = (usage.raw ?? {}) as Record<string, unknown>;
  return {
    inputTokens: count(usage.inputTokens),
    outputTokens: count(usage.outputTokens),
    cachedInputTokens: count(usage.inputTokenDetails?.cacheReadTokens) || count(raw.prompt_cache_hit_tokens),
    reasoningTokens: count(usage.outputTokenDetails?.reasoningTokens),
  };
}

/** A running total of usage over steps. */
export class UsageTotal {
  /** The sum so far. */
  readonly total: Usage = emptyUsage();
  /** Steps added so far. */
  steps = 0;

  /** Adds one step's usage. */
  add(usage: Usage): void {
    this.total.inputTokens += usage.inputTokens;
    this.total.outputTokens += usage.outputTokens;
    this.total.cachedInputTokens += usage.cachedInputTokens;
    this.total.reasoningTokens += usage.reasoningTokens;
    this.steps++;
  }
}
