/**
 * The append-only run journal (`journal.jsonl`): one event per line, written in order. Lines queued
 * while a write is in flight are written together and made durable with one `fdatasync` (group
 * commit), so a `kill -9` loses at most the events of the last moment, and a 1000-node fan-out does
 * not pay 1000 separate syncs. {@link Journal.synced} lets the engine hold a node's value back until
 * its `node.finished` line is on disk: whatever the script does with a value, the journal has it.
 *
 * @example
 * ```ts
 * const journal = await Journal.open(".odw/runs/x/journal.jsonl");
 * journal.append({ type: "log", ts: nowIso(), message: "hi" });
 * await journal.synced(); // that line is on disk
 * await journal.close();
 * ```
 * Reading journals back lives in `src/records/read.ts`.
 *
 * @module
 */
import type { RunEvent } from "./events.ts";

/** Append-only JSONL writer with batched durability. */
export class Journal {
  #file: Deno.FsFile;
  #queue: string[] = [];
  #writing: Promise<void> | null = null;
  #encoder = new TextEncoder();
  /** Lines appended so far, and lines written and synced so far. */
  #appended = 0;
  #synced = 0;
  #waiters: Array<{ upTo: number; resolve: () => void }> = [];

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Opens (creating or appending to) a journal file. */
  static async open(path: string): Promise<Journal> {
    return new Journal(await Deno.open(path, { create: true, append: true }));
  }

  /** Queues one event; it is written (and synced) shortly, in order. */
  append(event: RunEvent): void {
    this.#queue.push(JSON.stringify(event) + "\n");
    this.#appended++;
    if (!this.#writing) this.#writing = this.#drain();
  }

  /**
   * Resolves once every line appended before the call is written and synced (with the batch it went
   * in, not waiting for later lines). Never rejects: a write error surfaces from {@link flush}/{@link close}.
   */
  synced(): Promise<void> {
    if (this.#synced >= this.#appended) return Promise.resolve();
    const upTo = this.#appended;
    return new Promise((resolve) => this.#waiters.push({ upTo, resolve }));
  }

  #release(all = false): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (all || waiter.upTo <= this.#synced) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }

  /** Resolves once every event appended so far is written and synced. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    this.#file.close();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const lines = this.#queue.length;
        const batch = this.#queue.join("");
        this.#queue = [];
        const bytes = this.#encoder.encode(batch);
        let offset = 0;
        while (offset < bytes.length) offset += await this.#file.write(bytes.subarray(offset));
        await this.#file.syncData();
        this.#synced += lines;
        this.#release();
      }
    } finally {
      this.#writing = null;
      // Everything is synced, or a write failed: nobody is held back (the error reaches flush/close).
      this.#release(true);
    }
  }
}
