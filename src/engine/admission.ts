/**
 * Admission of one node when it gets its slot: the run's ceilings (the output-token budget, the cost
 * ceiling) reserve its worst case before dispatch, and its real usage and cost replace the
 * reservation when it ends. A node admitted here cannot make the run overshoot either ceiling.
 *
 * @module
 */
import type { NodeResult, NodeSpec } from "../common/contract.ts";
import type { Price } from "../backends/backend.ts";
import type { Budget } from "./budget.ts";
import { type CostCeiling, costCeilingError, costOf, type CostReservation } from "./cost_ceiling.ts";
import { routeOf } from "./guardrails.ts";

/** The run's ceilings and what admission needs to know about the node. */
export interface Ceilings {
  budget: Budget;
  cost?: CostCeiling;
  /** The price of a route (for the cost ceiling and for costing nodes whose runtime reports none). */
  priceOf(spec: NodeSpec): Price | null;
  /** Agents called but not yet admitted (they share what is left). */
  contenders(): number;
}

/** What a node reserved. */
export interface Admission {
  tokens?: number;
  cost?: CostReservation;
  price: Price | null;
}

/** A prompt's size in tokens, estimated (4 characters a token, the schema included). */
export function promptTokens(spec: NodeSpec): number {
  return Math.ceil((spec.prompt.length + (spec.schema ? JSON.stringify(spec.schema).length : 0)) / 4);
}

/**
 * Reserves the node's allowance from every ceiling, waiting while everything left is reserved by
 * running nodes; throws the ceiling's error (into the script) when nothing is left.
 */
export async function admit(ceilings: Ceilings, spec: NodeSpec, freeSlots: number): Promise<Admission> {
  const price = ceilings.priceOf(spec);
  if (ceilings.cost && !price) {
    const error = costCeilingError(ceilings.cost.spent, ceilings.cost.total);
    error.message = `no price is known for ${routeOf(spec)}${spec.model ? ` (model ${spec.model})` : ""}; ` +
      "with --max-cost only agents whose price is known can start";
    throw error;
  }
  const admission: Admission = { price };
  for (;;) {
    ceilings.budget.assertOpen();
    ceilings.cost?.assertOpen();
    const tokens = ceilings.budget.reserve(freeSlots, ceilings.contenders());
    if (tokens === 0) {
      await ceilings.budget.nextSettle();
      continue;
    }
    if (!ceilings.cost || !price) return { ...admission, tokens };
    const cost = ceilings.cost.reserve(price, promptTokens(spec), freeSlots, ceilings.contenders());
    if (cost) {
      const limit = tokens === undefined ? cost.maxOutputTokens : Math.min(tokens, cost.maxOutputTokens);
      if (tokens !== undefined) ceilings.budget.settle(tokens - limit, 0);
      return { ...admission, tokens: limit, cost };
    }
    ceilings.budget.settle(tokens, 0);
    await ceilings.cost.nextSettle();
  }
}

/** Replaces the node's reservations by what it really used; returns its cost (null when unknown). */
export function settle(
  ceilings: Ceilings,
  admission: Admission | undefined,
  result: NodeResult,
): number | null {
  ceilings.budget.settle(admission?.tokens, result.usage.outputTokens);
  const cost = costOf(result.costUsd, result.usage, admission?.price ?? null);
  if (ceilings.cost && admission?.cost) ceilings.cost.settle(admission.cost.usd, cost ?? admission.cost.usd);
  return cost;
}
