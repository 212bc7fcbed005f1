/**
 * A run's events as an async iterable that any number of readers can walk, each from the first event,
 * at its own pace: the stream keeps every event (a run's journal holds them all too), so a reader that
 * starts late misses nothing. It ends when the run ends, or throws the error the run failed with.
 *
 * @example
 * ```ts
 * const stream = new EventStream<string>();
 * stream.push("a");
 * stream.end();
 * for await (const item of stream) console.log(item); // "a"
 * ```
 * @module
 */

/** Events pushed by one producer, read by any number of `for await` loops. */
export class EventStream<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #ended = false;
  #error: unknown = undefined;
  #failed = false;
  /** Wakes the readers waiting for the next item or the end. */
  #wake: () => void = () => {};
  #changed: Promise<void> = this.#nextChange();

  #nextChange(): Promise<void> {
    return new Promise((resolve) => this.#wake = resolve);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#changed = this.#nextChange();
    wake();
  }

  /** Adds an item (ignored after the end). */
  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#notify();
  }

  /** Ends the stream; with `error`, readers throw it after the last item. */
  end(...error: [] | [unknown]): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error.length > 0) {
      this.#failed = true;
      this.#error = error[0];
    }
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let next = 0;
    while (true) {
      while (next < this.#items.length) yield this.#items[next++];
      if (this.#ended) break;
      await this.#changed;
    }
    if (this.#failed) throw this.#error;
  }
}
