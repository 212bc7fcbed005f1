/**
 * The run's token budget: one pool of output tokens shared by all agents of a run (children
 * included). Before dispatch a node reserves an allowance so concurrent nodes cannot overshoot the
 * ceiling together; when it finishes its real usage replaces the reservation.
 *
 * @module
 */
import { limitErrors } from "../common/limits.ts";

/**
 * A ceiling shared by the nodes of a run: what finished nodes spent, what running nodes reserved,
 * and who waits for the next settle. The token budget and the cost ceiling are both one of these.
 */
export class ReservedPool {
  protected spentAmount = 0;
  protected reservedAmount = 0;
  #settled: Array<() => void> = [];

  /** Replaces a reservation by what the node really spent. */
  settle(reserved: number | undefined, spent: number): void {
    if (reserved !== undefined) this.reservedAmount -= reserved;
    this.spentAmount += spent;
    const waiters = this.#settled;
    this.#settled = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at the next {@link settle} (used when all that is left is reserved). */
  nextSettle(): Promise<void> {
    return new Promise((resolve) => this.#settled.push(resolve));
  }
}

/** Output-token budget with reservations. */
export class Budget extends ReservedPool {
  readonly total: number | null;

  constructor(total: number | null) {
    super();
    this.total = total;
  }

  /** Output tokens used so far. */
  get spent(): number {
    return this.spentAmount;
  }

  /** Throws `WorkflowBudgetExceededError` (the built-in's) when nothing is left to spend. */
  assertOpen(): void {
    if (this.total !== null && this.total > 0 && this.spentAmount >= this.total) {
      throw limitErrors().budgetExceeded(this.spentAmount, this.total);
    }
  }

  /**
   * Reserves an allowance for one node: the unreserved remainder split evenly over the nodes that
   * want to start now (`contenders`, at most `freeSlots` of them), at least 1 token. A lone
   * sequential agent gets everything left; a fan-out shares it. Returns `undefined` when the run has
   * no budget, or `0` when everything left is reserved by running nodes (the caller then waits for
   * {@link nextSettle}).
   */
  reserve(freeSlots: number, contenders = 1): number | undefined {
    if (this.total === null) return undefined;
    const unreserved = this.total - this.spentAmount - this.reservedAmount;
    if (unreserved <= 0) return 0;
    const share = Math.max(1, Math.min(freeSlots, contenders));
    const allowance = Math.max(1, Math.floor(unreserved / share));
    this.reservedAmount += allowance;
    return allowance;
  }
}
