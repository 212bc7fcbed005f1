/**
 * Which workers are alive and what they run: each `odw worker` keeps an entry in the `odw-workers`
 * KV bucket (refreshed every third of the bucket's age limit and whenever its running nodes change,
 * deleted when it exits; a killed worker's entry expires), and `odw workers` reads them back together
 * with the queue depth of every lane's consumer.
 *
 * @example
 * ```ts
 * const presence = new Presence(topology, () => describe(worker));
 * presence.start();          // presence.changed() on every change; await presence.stop() at exit
 * const view = await listWorkers(topology); // { workers: [...], lanes: [...] }
 * ```
 * @module
 */
import { z } from "zod";
import { consumerName, LANES, STREAM } from "./names.ts";
import type { Topology } from "./topology.ts";

/** One worker's presence entry. */
export const PresenceSchema = z.object({
  v: z.literal(1),
  name: z.string(),
  host: z.string(),
  pid: z.number().int(),
  concurrency: z.number().int(),
  lanes: z.array(z.string()),
  running: z.array(z.object({
    key: z.string(),
    label: z.string(),
    lineage: z.string(),
    run: z.string(),
    since: z.string(),
  })),
  /** Nodes it finished since it started. */
  finished: z.number().int(),
  /** It stopped pulling and finishes what it runs (Ctrl-C). */
  draining: z.boolean(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
/** A validated presence entry. */
export type PresenceEntry = z.infer<typeof PresenceSchema>;

/** Keeps one worker's entry fresh. */
export class Presence {
  readonly #topology: Topology;
  readonly #describe: () => Omit<PresenceEntry, "v" | "updatedAt">;
  readonly #everyMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #pending: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(topology: Topology, describe: () => Omit<PresenceEntry, "v" | "updatedAt">, everyMs = 10_000) {
    this.#topology = topology;
    this.#describe = describe;
    this.#everyMs = everyMs;
  }

  /** Writes the entry now and then regularly. */
  start(): void {
    this.#write();
    this.#timer = setInterval(() => this.#write(), this.#everyMs);
  }

  /** Something changed: written within 250 ms (changes in between are folded into one write). */
  changed(): void {
    this.#pending ??= setTimeout(() => {
      this.#pending = undefined;
      this.#write();
    }, 250);
  }

  /** Stops refreshing and deletes the entry. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#pending);
    await this.#writing;
    await this.#topology.workers.delete(this.#describe().name).catch(() => undefined);
  }

  #write(): void {
    const entry: PresenceEntry = { v: 1, ...this.#describe(), updatedAt: new Date().toISOString() };
    this.#writing = this.#writing.then(() =>
      this.#topology.workers.put(entry.name, JSON.stringify(entry)).catch(() => undefined)
    );
  }
}

/** The depth of one lane's queue. */
export interface LaneDepth {
  lane: string;
  /** Requests no worker has taken yet. */
  waiting: number;
  /** Requests a worker holds (running, or delivered and not yet acked). */
  running: number;
  /** Requests redelivered at least once. */
  redelivered: number;
}

/** Workers alive and the queue, as `odw workers` shows them. */
export interface WorkersView {
  workers: PresenceEntry[];
  lanes: LaneDepth[];
}

/** Reads every live worker's entry and every lane's depth. */
export async function listWorkers(topology: Topology): Promise<WorkersView> {
  const workers: PresenceEntry[] = [];
  // A key updated while the listing runs is listed again: each name once.
  const names = new Set<string>();
  for await (const name of await topology.workers.keys()) names.add(name);
  for (const name of names) {
    const entry = await topology.workers.get(name);
    if (!entry || entry.operation !== "PUT") continue;
    try {
      const checked = PresenceSchema.safeParse(entry.json());
      if (checked.success) workers.push(checked.data);
    } catch { /* not JSON: not ours */ }
  }
  workers.sort((a, b) => a.name.localeCompare(b.name));
  const lanes: LaneDepth[] = [];
  for (const lane of LANES) {
    const info = await topology.jsm.consumers.info(STREAM, consumerName(lane));
    lanes.push({
      lane,
      waiting: info.num_pending,
      running: info.num_ack_pending,
      redelivered: info.num_redelivered,
    });
  }
  return { workers, lanes };
}
