/**
 * The run's token budget: one pool of output tokens shared by all agents of a run (children
 * included). Before dispatch a node reserves an allowance so concurrent nodes cannot overshoot the
 * ceiling together; when it finishes its real usage replaces the reservation.
 *
 * @module
 */
import { limitErrors } from "../common/limits.ts";

/** Output-token budget with reservations. */
export class Budget {
  readonly total: number | null;
  #spent = 0;
  #reserved = 0;
  #settled: Array<() => void> = [];

  constructor(total: number | null) {
    this.total = total;
  }

  /** Output tokens used so far. */
  get spent(): number {
    return this.#spent;
  }

  /** Throws `WorkflowBudgetExceededError` (the built-in's) when nothing is left to spend. */
  assertOpen(): void {
    if (this.total !== null && this.total > 0 && this.#spent >= this.total) {
      throw limitErrors().budgetExceeded(this.#spent, this.total);
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
    const unreserved = this.total - this.#spent - this.#reserved;
    if (unreserved <= 0) return 0;
    const share = Math.max(1, Math.min(freeSlots, contenders));
    const allowance = Math.max(1, Math.floor(unreserved / share));
    this.#reserved += allowance;
    return allowance;
  }

  /** Replaces a reservation by what the node really spent. */
  settle(reserved: number | undefined, outputTokens: number): void {
    if (reserved !== undefined) this.#reserved -= reserved;
    this.#spent += outputTokens;
    const waiters = this.#settled;
    this.#settled = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at the next {@link settle} (used when all that is left is reserved). */
  nextSettle(): Promise<void> {
    return new Promise((resolve) => this.#settled.push(resolve));
  }
}
