/**
 * The run's cost ceiling (`--max-cost <usd>`): like the token budget, one pool shared by every node,
 * from which each node reserves its worst case before dispatch — the prompt's cost plus its
 * output-token allowance at the route's price — so nodes running together cannot overshoot it. A
 * node's real cost (as reported, else usage × price) replaces its reservation when it ends.
 *
 * @example
 * ```ts
 * const ceiling = new CostCeiling(2.5);
 * const r = ceiling.reserve({ inputPerMTok: 3, outputPerMTok: 15, asOf: "2026-11-25" }, 1200, 4, 1);
 * // r.maxOutputTokens: what the node may write; ceiling.settle(r.usd, 0.04) when it ends
 * ```
 * @module
 */
import type { Usage } from "../common/contract.ts";
import type { Price } from "../backends/backend.ts";
import { ReservedPool } from "./budget.ts";

/** `agent()` past the cost ceiling: thrown into the script, like the token budget's error. */
export function costCeilingError(spent: number, total: number): Error {
  const error = new Error(
    `Workflow cost ceiling reached ($${spent.toFixed(4)} / $${total.toFixed(2)}). ` +
      "No further agents can be started in this run; raise --max-cost to continue.",
  );
  error.name = "WorkflowCostCeilingError";
  return error;
}

/** A node's reservation: the dollars set aside and the output tokens they allow. */
export interface CostReservation {
  usd: number;
  maxOutputTokens: number;
}

/** What a node costs: its reported cost, else its usage at the price (null when neither is known). */
export function costOf(
  reported: number | null | undefined,
  usage: Usage,
  price: Price | null,
): number | null {
  if (reported != null) return reported;
  if (!price) return null;
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1e6;
}

/** Dollar ceiling with reservations. */
export class CostCeiling extends ReservedPool {
  readonly total: number;

  constructor(total: number) {
    super();
    this.total = total;
  }

  /** Dollars spent by finished nodes. */
  get spent(): number {
    return this.spentAmount;
  }

  /** Throws {@link costCeilingError} when nothing is left. */
  assertOpen(): void {
    if (this.spentAmount >= this.total) throw costCeilingError(this.spentAmount, this.total);
  }

  /**
   * Reserves a node's worst case: an even share of the unreserved remainder (over the nodes starting
   * now), of which the prompt's cost is set aside and the rest becomes the output allowance. Returns
   * null when the share cannot even pay for the prompt and one output token while others hold
   * reservations (wait for {@link nextSettle}); throws when the share cannot pay for them at all.
   */
  reserve(price: Price, promptTokens: number, freeSlots: number, contenders: number): CostReservation | null {
    this.assertOpen();
    const unreserved = this.total - this.spentAmount - this.reservedAmount;
    const share = unreserved / Math.max(1, Math.min(freeSlots, contenders));
    const promptUsd = (promptTokens * price.inputPerMTok) / 1e6;
    const maxOutputTokens = price.outputPerMTok > 0
      ? Math.floor(((share - promptUsd) * 1e6) / price.outputPerMTok)
      : Number.MAX_SAFE_INTEGER;
    if (maxOutputTokens < 1) {
      if (this.reservedAmount > 0) return null;
      throw costCeilingError(this.spentAmount, this.total);
    }
    const usd = Math.min(share, promptUsd + (maxOutputTokens * price.outputPerMTok) / 1e6);
    this.reservedAmount += usd;
    return { usd, maxOutputTokens };
  }
}
