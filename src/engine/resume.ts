/**
 * Resume by key: a {@link Dispatcher} decorator that answers every request whose key finished in an
 * earlier run's journal straight from that journal — zero executor calls, in whatever order the
 * (possibly edited) script asks — and hands every other request to the dispatcher behind it.
 *
 * - `odw resume` / `exec --resume-from`: only nodes that *completed* are answered; failed, timed-out,
 *   cancelled and unfinished nodes run again ({@link ResumeCache.forResume}).
 * - `odw replay`: every node that finished is answered as it ended, failures included, and nothing
 *   runs: a request the journal does not have stops the run with an error naming its call site
 *   ({@link replayMisses}).
 *
 * A reused node's journaled result is handed back whole (value, status, routing, and whatever else
 * was journaled with it, such as a worktree's branch), with usage, cost, duration and attempts set to
 * zero (nothing ran in this run) and `reusedFrom` naming the run it came from. The new run journals it
 * again, so a resume of the resumed run needs only the newest journal.
 *
 * @example
 * ```ts
 * const cache = ResumeCache.forResume(oldRecord.runId, oldRecord.events);
 * const resume = new ResumeDispatcher(cache, localDispatcher);
 * // ... run ...
 * resume.stats(); // { from, reused: [...keys], rerun: [...], new: [...], unused: [...] }
 * ```
 * @module
 */
import {
  emptyUsage,
  NODE_STATUSES,
  nodeError,
  type NodeResult,
  type NodeSpec,
  resultWithoutTries,
} from "../common/contract.ts";
import type { Dispatcher, DispatchHooks } from "./dispatch.ts";
import type { RunEvent } from "./events.ts";

/** The finished nodes of an earlier run, by key. */
export class ResumeCache {
  /** The run whose journal this is. */
  readonly runId: string;
  readonly #answers = new Map<string, NodeResult>();
  /** Every key the old run started or finished (answered or not). */
  readonly #known = new Set<string>();

  private constructor(runId: string) {
    this.runId = runId;
  }

  /** Nodes that completed in `events` (a resume re-runs everything else). */
  static forResume(runId: string, events: readonly RunEvent[]): ResumeCache {
    return ResumeCache.#from(runId, events, (result) => result.status === "completed");
  }

  /** Nodes that finished in `events`, however they ended (a replay answers failures as they were). */
  static forReplay(runId: string, events: readonly RunEvent[]): ResumeCache {
    return ResumeCache.#from(runId, events, () => true);
  }

  static #from(runId: string, events: readonly RunEvent[], answers: (r: NodeResult) => boolean) {
    const cache = new ResumeCache(runId);
    for (const event of events) {
      if (event.type !== "node.started" && event.type !== "node.finished") continue;
      if (typeof event.key !== "string") continue;
      cache.#known.add(event.key);
      if (event.type !== "node.finished") continue;
      const { type: _type, ts: _ts, key, seq: _seq, label: _label, ...journaled } = event;
      // The journal is a file: take only what reads as a node result, keep every field it journaled.
      if (!isJournaledResult(journaled)) continue;
      const result = journaled as NodeResult;
      if (answers(result)) cache.#answers.set(key, result);
      else cache.#answers.delete(key);
    }
    return cache;
  }

  /** Keys this cache can answer. */
  keys(): string[] {
    return [...this.#answers.keys()];
  }

  /** Whether the old run started or finished `key` at all. */
  knows(key: string): boolean {
    return this.#known.has(key);
  }

  /** The journaled result of `key` as this run receives it (nothing spent), or undefined. */
  answer(key: string): NodeResult | undefined {
    const journaled = this.#answers.get(key);
    if (!journaled) return undefined;
    return {
      ...journaled,
      usage: emptyUsage(),
      costUsd: 0,
      durationMs: 0,
      attempts: 0,
      reusedFrom: this.runId,
    };
  }
}

/**
 * Whether a journaled `node.finished` (without its event fields) reads as a node result: a known
 * status, and the fields the engine reads from a reused result of the right types. Written out
 * rather than `NodeResultSchema.safeParse`: zod's first thousand parses cost more than 100 ms, a
 * tenth of the whole resume of a 1000-node run.
 */
export function isJournaledResult(value: Record<string, unknown>): boolean {
  const optionalText = (v: unknown) => v === undefined || v === null || typeof v === "string";
  const error = value.error as { kind?: unknown; message?: unknown } | undefined;
  return STATUSES.has(value.status as string) && "value" in value &&
    (error === undefined ||
      (typeof error === "object" && error !== null && typeof error.message === "string" &&
        typeof error.kind === "string")) &&
    optionalText(value.runtime) && optionalText(value.provider) && optionalText(value.model);
}

const STATUSES: ReadonlySet<string> = new Set(NODE_STATUSES);

/** What a resumed run did with the old journal, as node keys. */
export interface ResumeStats {
  /** The run resumed from. */
  from: string;
  /** Answered from the journal. */
  reused: string[];
  /** Ran again: the old run had them but they did not complete (failed, cancelled, unfinished). */
  rerun: string[];
  /** Ran: the old run never asked for them (new or changed calls). */
  new: string[];
  /** Finished in the old run but not asked for this time (deleted or changed calls). */
  unused: string[];
}

/** Answers finished keys from a {@link ResumeCache}; everything else goes to `inner`. */
export class ResumeDispatcher implements Dispatcher {
  readonly cache: ResumeCache;
  readonly #inner: Dispatcher;
  readonly #reused: string[] = [];
  readonly #rerun: string[] = [];
  readonly #new: string[] = [];

  constructor(cache: ResumeCache, inner: Dispatcher) {
    this.cache = cache;
    this.#inner = inner;
  }

  async dispatch(spec: NodeSpec, hooks: DispatchHooks): Promise<NodeResult> {
    const answer = this.cache.answer(spec.key);
    if (answer) {
      this.#reused.push(spec.key);
      return answer;
    }
    (this.cache.knows(spec.key) ? this.#rerun : this.#new).push(spec.key);
    return await this.#inner.dispatch(spec, hooks);
  }

  /** The keys so far: reused, re-run, new, and the old run's finished keys nobody asked for. */
  stats(): ResumeStats {
    const reused = new Set(this.#reused);
    return {
      from: this.cache.runId,
      reused: [...this.#reused],
      rerun: [...this.#rerun],
      new: [...this.#new],
      unused: this.cache.keys().filter((key) => !reused.has(key)),
    };
  }
}

/**
 * Where a replay sends what its journal does not have: nothing runs; `stop` is told (it ends the
 * run with {@link missingNodeMessage}) and the node fails.
 */
export function replayMisses(runId: string, stop: (spec: NodeSpec) => void): Dispatcher {
  return {
    dispatch(spec: NodeSpec): Promise<NodeResult> {
      stop(spec);
      const error = nodeError("bad_input", `not in the journal of run ${runId} (a replay runs no backend)`);
      return Promise.resolve(resultWithoutTries("failed", error));
    },
  };
}

/**
 * The error line of a replay that met a node its journal does not have, naming the call:
 * `ReplayError: agent() at review.js:12:5 ("label") is not in the journal of run <id> (key …)`.
 */
export function missingNodeMessage(spec: NodeSpec, runId: string, scriptName: string): string {
  const site = spec.site;
  const where = site ? `${site.file ?? scriptName}:${site.line}:${site.column}` : "an unknown call site";
  const label = JSON.stringify(Array.from(spec.label).slice(0, 80).join(""));
  return `ReplayError: agent() at ${where} (${label}) is not in the journal of run ${runId} ` +
    `(key ${spec.key}); the script asks for a node the recorded run did not finish`;
}
