/**
 * The orchestrator's view of the results bucket: one KV watch over its lineage's keys (updates only,
 * started before any lookup, so a result is either found by the lookup or delivered by the watch —
 * never missed, never polled for), waiters by key, and a direct lookup for keys published before.
 *
 * After a reconnect (a restarted server) the watch is started again and every key still waited for
 * is looked up once, so nothing written while the connection was down is lost.
 *
 * @example
 * ```ts
 * const watch = await ResultWatch.start(topology, lineage);
 * const waiter = watch.wait(key);            // before publishing
 * const bytes = await waiter.promise;        // the entry's bytes, when a worker writes it
 * ```
 * @module
 */
import { type KV, type KvEntry, KvWatchInclude } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

/** A wait for one key's entry. */
export interface ResultWaiter {
  promise: Promise<Uint8Array>;
  /** Stops waiting (the promise then never settles). */
  cancel(): void;
}

/** Watches one lineage's results. */
export class ResultWatch {
  readonly #kv: KV;
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #waiters = new Map<string, (bytes: Uint8Array) => void>();
  #stopped = false;
  #watch: { stop(): void } | undefined;

  private constructor(nc: NatsConnection, kv: KV, lineage: string) {
    this.#nc = nc;
    this.#kv = kv;
    this.#prefix = `${lineage}.`;
  }

  /** Starts watching `lineage`'s results (resolves once the watch is in place on the server). */
  static async start(topology: { nc: NatsConnection; results: KV }, lineage: string): Promise<ResultWatch> {
    const watch = new ResultWatch(topology.nc, topology.results, lineage);
    await watch.#open();
    watch.#followReconnects();
    return watch;
  }

  /** The entry stored under `key`, or null (none, or deleted). */
  async lookup(key: string): Promise<Uint8Array | null> {
    const entry = await this.#kv.get(key);
    return entry && entry.operation === "PUT" ? entry.value : null;
  }

  /** Waits for the next entry written under `key` (register before publishing). */
  wait(key: string): ResultWaiter {
    let cancel = () => {};
    const promise = new Promise<Uint8Array>((resolve) => {
      this.#waiters.set(key, resolve);
      cancel = () => {
        if (this.#waiters.get(key) === resolve) this.#waiters.delete(key);
      };
    });
    return { promise, cancel };
  }

  /** Ends the watch. */
  stop(): void {
    this.#stopped = true;
    this.#watch?.stop();
  }

  #deliver(entry: KvEntry): void {
    if (entry.operation !== "PUT") return;
    const resolve = this.#waiters.get(entry.key);
    if (!resolve) return;
    this.#waiters.delete(entry.key);
    resolve(entry.value);
  }

  async #open(): Promise<void> {
    const iterator = await this.#kv.watch({ key: `${this.#prefix}>`, include: KvWatchInclude.UpdatesOnly });
    this.#watch = iterator;
    (async () => {
      try {
        for await (const entry of iterator) this.#deliver(entry);
      } catch { /* ended by a reconnect or stop; reopened below */ }
    })();
  }

  /** On every reconnect: a fresh watch, then one lookup of every key still waited for. */
  #followReconnects(): void {
    (async () => {
      for await (const status of this.#nc.status()) {
        if (this.#stopped) return;
        if (status.type === "reconnect") await this.#recover();
      }
    })();
  }

  /** Reopens the watch and looks the waited keys up, trying again until JetStream answers. */
  async #recover(): Promise<void> {
    for (let attempt = 0; !this.#stopped && !this.#nc.isClosed(); attempt++) {
      try {
        this.#watch?.stop();
        await this.#open();
        for (const key of [...this.#waiters.keys()]) {
          const bytes = await this.lookup(key);
          const resolve = this.#waiters.get(key);
          if (bytes && resolve) {
            this.#waiters.delete(key);
            resolve(bytes);
          }
        }
        return;
      } catch {
        // JetStream is still recovering after the server's restart.
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 250 * 2 ** attempt)));
      }
    }
  }
}
