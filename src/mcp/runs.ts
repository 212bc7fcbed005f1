/**
 * The runs the MCP server knows: the ones it started (it can wait for them and cancel them, and
 * cancels them all when it shuts down, so their finished work is journaled) and every run record under
 * the run directory (status, result and report, read from the records as `odw runs` reads them). A run
 * id is looked up with `findRun`, which refuses anything but a run id (no `../`, no path).
 *
 * @example
 * ```ts
 * const runs = new McpRuns(".odw/runs");
 * const { runId, run } = await runs.start((signal) => runWorkflow(source, { signal }));
 * await runs.shutdown(10_000); // cancels it, waits until it has ended
 * ```
 * @module
 */
import { basename, join } from "node:path";
import type { WorkflowOutcome, WorkflowRun } from "../api/run_workflow.ts";
import { UsageError } from "../common/cli_kit.ts";
import { isFile } from "../common/regular_file.ts";
import { findRun } from "../records/find.ts";
import { summariseRun } from "../records/list.ts";
import { RecordError } from "../records/read.ts";
import { REPORT_FILE, writeRunReport } from "../report/write.ts";

/** Log lines a run's view carries (the last ones); the journal has them all. */
export const LOG_TAIL = 20;

/** What the tools say about a run. */
export interface RunView {
  runId: string;
  name: string;
  /** How it ended, or `running` / `dead` / `unknown` (see `odw runs --help`). */
  status: string;
  result?: unknown;
  error?: string;
  /** The last {@link LOG_TAIL} log lines. */
  logs?: string[];
  agents: number;
  tokens: number;
  costUsd?: number | null;
  startedAt: string | null;
  durationMs: number | null;
  runDir: string;
  /** The run's report.html, when it has been written. */
  report: string | null;
}

/** A run this server started. */
interface Started {
  stop: AbortController;
  outcome: Promise<WorkflowOutcome>;
}

/** The runs of one server, under one run directory. */
export class McpRuns {
  readonly #runsDir: string;
  readonly #started = new Map<string, Started>();
  /** Every run being started or going, until it has ended (shutdown waits for these). */
  readonly #live = new Set<Promise<unknown>>();
  readonly #stops = new Set<AbortController>();
  #closing = false;

  constructor(runsDir: string) {
    this.#runsDir = runsDir;
  }

  /**
   * Starts a run with a signal this server controls, keeps it so it can be cancelled, and stops it at
   * shutdown (also when shutdown came while it was being set up).
   */
  async start(
    begin: (signal: AbortSignal) => Promise<WorkflowRun>,
  ): Promise<{ runId: string; run: WorkflowRun }> {
    const stop = new AbortController();
    if (this.#closing) stop.abort();
    this.#stops.add(stop);
    const starting = (async () => {
      const run = await begin(stop.signal);
      const runId = await run.runId;
      this.#started.set(runId, { stop, outcome: run.outcome });
      return { runId, run };
    })();
    const live = starting.then(({ runId, run }) => run.outcome.finally(() => this.#started.delete(runId)));
    this.#live.add(live);
    live.catch(() => {}).finally(() => {
      this.#live.delete(live);
      this.#stops.delete(stop);
    });
    return await starting;
  }

  /** The run directory of `ref` (a run id or a unique prefix); a one-line UsageError otherwise. */
  async dirOf(ref: string): Promise<string> {
    try {
      return await findRun(this.#runsDir, ref);
    } catch (e) {
      if (e instanceof RecordError) throw new UsageError(e.message);
      throw e;
    }
  }

  /** A run's status, result (when it ended) and report path, from its record. */
  async view(ref: string): Promise<RunView> {
    const runDir = await this.dirOf(ref);
    const summary = await summariseRun(runDir);
    if (!summary) throw new UsageError(`run ${ref} has no readable record in ${this.#runsDir}`);
    const view: RunView = {
      runId: summary.runId,
      name: summary.name,
      status: summary.status,
      agents: summary.agents,
      tokens: summary.tokens,
      startedAt: summary.startedAt,
      durationMs: summary.durationMs,
      runDir,
      report: await isFile(join(runDir, REPORT_FILE)) ? join(runDir, REPORT_FILE) : null,
    };
    const ended = await readResult(runDir);
    if (ended) Object.assign(view, ended);
    return view;
  }

  /** The run's report.html, written now unless the run has ended and has one. */
  async report(ref: string): Promise<string> {
    const runDir = await this.dirOf(ref);
    const path = join(runDir, REPORT_FILE);
    if (await isFile(join(runDir, "result.json")) && await isFile(path)) return path;
    try {
      return await writeRunReport(runDir);
    } catch (e) {
      throw new UsageError(`cannot write the report of ${ref}: ${(e as Error).message.split("\n")[0]}`);
    }
  }

  /** Cancels a run this server started and waits (up to `waitMs`) for it to end. */
  async cancel(ref: string, waitMs: number): Promise<RunView> {
    const runId = basename(await this.dirOf(ref));
    const run = this.#started.get(runId);
    if (!run) {
      const { status } = await this.view(runId);
      if (status !== "running") return await this.view(runId);
      throw new UsageError(`run ${runId} was not started by this server (use odw cancel ${runId})`);
    }
    run.stop.abort();
    await settled(run.outcome, waitMs);
    return await this.view(runId);
  }

  /** Cancels every run this server started and waits (up to `waitMs`) until they have ended. */
  async shutdown(waitMs: number): Promise<void> {
    this.#closing = true;
    for (const stop of this.#stops) stop.abort();
    await settled(Promise.allSettled([...this.#live]), waitMs);
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. */
export async function settled(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The end of a run from its `result.json`, or null when it has not ended (or the file is unreadable). */
async function readResult(runDir: string): Promise<Partial<RunView> | null> {
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(await Deno.readTextFile(join(runDir, "result.json")));
  } catch {
    return null;
  }
  const logs = Array.isArray(saved.logs) ? saved.logs.slice(-LOG_TAIL) : undefined;
  return {
    ...("result" in saved ? { result: saved.result } : {}),
    ...(typeof saved.error === "string" ? { error: saved.error } : {}),
    ...(logs ? { logs } : {}),
    ...(typeof saved.costUsd === "number" || saved.costUsd === null ? { costUsd: saved.costUsd } : {}),
  };
}
