/**
 * Which lane a worker's free slot pulls from next, when it serves several (one durable consumer per
 * lane, and a pull waits on one consumer only). A slot stays on the lane that last gave it work; an
 * idle slot goes to the lane with the most requests waiting (one look at every lane's consumer,
 * shared by all slots for a short while); when nothing waits anywhere, the first slots park one on
 * each lane (so every lane has someone waiting on it) and the others on the lane that last had work.
 *
 * @example
 * ```ts
 * const picker = new LanePicker(consumers);
 * const lane = await picker.pick(slot, previousLane); // index into consumers
 * ```
 * @module
 */
import type { Consumer } from "@nats-io/jetstream";

/** How long one look at the lanes' depths is shared. */
const PROBE_MS = 250;

/** Picks lanes for slots. */
export class LanePicker {
  readonly #consumers: readonly Consumer[];
  #probe: { at: number; pending: Promise<number[]> } | undefined;
  #hot = 0;

  constructor(consumers: readonly Consumer[]) {
    this.#consumers = consumers;
  }

  /** How long a slot's pull may wait on one lane before it looks elsewhere. */
  get expiresMs(): number {
    return this.#consumers.length === 1 ? 5000 : 2000;
  }

  /** The lane (an index) slot `slot` pulls from; `busy` is the lane that just gave it work. */
  async pick(slot: number, busy?: number): Promise<number> {
    if (this.#consumers.length === 1) return 0;
    if (busy !== undefined) return this.#hot = busy;
    const pending = await this.#pending();
    const most = pending.reduce((best, n, i) => (n > pending[best] ? i : best), 0);
    if (pending[most] > 0) return most;
    return slot < this.#consumers.length ? slot : this.#hot;
  }

  /** Requests waiting per lane (zeros when the server cannot tell now). */
  #pending(): Promise<number[]> {
    const now = performance.now();
    if (!this.#probe || now - this.#probe.at > PROBE_MS) {
      this.#probe = {
        at: now,
        pending: Promise.all(
          this.#consumers.map((c) => c.info(false).then((info) => info.num_pending, () => 0)),
        ),
      };
    }
    return this.#probe.pending;
  }
}
