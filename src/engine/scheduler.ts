/**
 * The run's one global concurrency cap: a FIFO semaphore shared by every `parallel`, `pipeline` and
 * child workflow of a run. Agents beyond the cap queue in call order.
 *
 * @module
 */

/** Default cap: `min(16, max(2, cpus − 2))`. */
export function defaultConcurrency(cpus: number = navigator.hardwareConcurrency): number {
  return Math.min(16, Math.max(2, cpus - 2));
}

/** FIFO counting semaphore. */
export class Scheduler {
  readonly capacity: number;
  #running = 0;
  #waiting: Array<() => void> = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("concurrency must be ≥ 1");
    this.capacity = capacity;
  }

  /** Nodes holding a slot now. */
  get running(): number {
    return this.#running;
  }

  /** Nodes waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Waits for a slot; call the returned function exactly once to give it back. */
  async acquire(): Promise<() => void> {
    if (this.#running < this.capacity) this.#running++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    };
  }
}
