/**
 * The append-only run journal (`journal.jsonl`): one event per line, written in order and at once
 * (lines queued while a write is in flight go together), so a `kill -9` of odw loses at most the
 * events of the last moment. Written lines are made durable with one `fdatasync` per group: within
 * {@link SYNC_DELAY_MS}, so 1000 nodes in a row do not pay 1000 syncs, or at once when somebody waits:
 * {@link Journal.synced} lets the engine hold a node's value back until its `node.finished` line is on
 * disk (whatever the script does with that value, the journal has it), and closing syncs everything.
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

/**
 * How long a written line may wait for its `fdatasync` when nothing waits on it (see
 * {@link Journal.synced}): syncs are grouped over this much time.
 */
export const SYNC_DELAY_MS = 50;

/** Append-only JSONL writer with batched durability. */
export class Journal {
  #file: Deno.FsFile;
  #queue: string[] = [];
  #writing: Promise<void> | null = null;
  #encoder = new TextEncoder();
  /** Lines appended so far, written so far, and written and synced so far. */
  #appended = 0;
  #written = 0;
  #synced = 0;
  #waiters: Array<{ upTo: number; resolve: () => void }> = [];
  /** The pending group sync, or undefined. */
  #syncTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sync what is written now, not after {@link SYNC_DELAY_MS}: somebody waits on it, or it closes. */
  #urgent = false;
  #syncs = 0;

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Opens (creating or appending to) a journal file. */
  static async open(path: string): Promise<Journal> {
    return new Journal(await Deno.open(path, { create: true, append: true }));
  }

  /** Queues one event; it is written at once, in order, and synced within {@link SYNC_DELAY_MS}. */
  append(event: RunEvent): void {
    this.#queue.push(JSON.stringify(event) + "\n");
    this.#appended++;
    this.#kick();
  }

  /**
   * Resolves once every line appended before the call is written and synced (with the batch it went
   * in, not waiting for later lines), syncing now rather than after the group delay. Never rejects: a
   * write error surfaces from {@link flush}/{@link close}.
   */
  synced(): Promise<void> {
    if (this.#synced >= this.#appended) return Promise.resolve();
    const upTo = this.#appended;
    this.#urgent = true;
    this.#kick();
    return new Promise((resolve) => this.#waiters.push({ upTo, resolve }));
  }

  /** How many times the file was synced so far. */
  get syncs(): number {
    return this.#syncs;
  }

  /** Starts the writer unless it runs; when it ends, it starts again or arranges the group sync. */
  #kick(): void {
    if (this.#writing) return;
    this.#writing = this.#drain().then(() => {
      this.#writing = null;
      if (this.#queue.length > 0 || (this.#urgent && this.#synced < this.#written)) this.#kick();
      else if (this.#synced < this.#written) this.#syncLater();
    }, (error) => {
      this.#writing = null;
      this.#release(true); // a write failed: nobody is held back (the error reaches flush/close)
      throw error;
    });
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
    this.#urgent = true;
    this.#kick();
    while (this.#writing) await this.#writing;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.#syncTimer);
    this.#file.close();
  }

  /** Writes what is queued, then syncs when it is urgent (else the group sync follows within the delay). */
  async #drain(): Promise<void> {
    for (;;) {
      if (this.#queue.length > 0) {
        const lines = this.#queue.length;
        const bytes = this.#encoder.encode(this.#queue.join(""));
        this.#queue = [];
        let offset = 0;
        while (offset < bytes.length) offset += await this.#file.write(bytes.subarray(offset));
        this.#written += lines;
      } else if (this.#synced < this.#written && this.#urgent) {
        this.#urgent = false;
        const upTo = this.#written;
        await this.#file.syncData();
        this.#syncs++;
        this.#synced = upTo;
        this.#release();
      } else {
        if (this.#synced >= this.#written) this.#urgent = false;
        return;
      }
    }
  }

  #syncLater(): void {
    if (this.#syncTimer !== undefined) return;
    const timer = setTimeout(() => {
      this.#syncTimer = undefined;
      this.#urgent = true;
      this.#kick();
    }, SYNC_DELAY_MS);
    Deno.unrefTimer(timer);
    this.#syncTimer = timer;
  }
}
