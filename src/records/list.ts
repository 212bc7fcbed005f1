/**
 * The run records under a run directory, summarised for `odw runs`: one row per run with its status
 * as it really is. A run whose journal has no `run.finished` is `running` only while the process that
 * owns it lives (same pid and same start time, see `owner.ts`); otherwise it is `dead` (or `unknown`
 * when the journal names no owner, or one on another host).
 *
 * @example
 * ```ts
 * for (const row of await listRuns(".odw/runs")) console.log(row.runId, row.status);
 * ```
 * @module
 */
import { join } from "node:path";
import { ownerState, type RunOwner } from "./owner.ts";
import { readJournal, recordOf, type RunRecord } from "./read.ts";

/** A run's status: how it ended, or whether it still runs. */
export type RunState = "completed" | "failed" | "refused" | "cancelled" | "running" | "dead" | "unknown";

/** One row of `odw runs`. */
export interface RunSummary {
  runId: string;
  name: string;
  status: RunState;
  /** Nodes that ran or were answered from an earlier run's journal. */
  agents: number;
  /** Nodes answered from an earlier run's journal (resume). */
  reused: number;
  tokens: number;
  startedAt: string | null;
  durationMs: number | null;
  runDir: string;
  /** The process that ran it, when recorded. */
  pid: number | null;
  /** The run this one resumed or replayed, if any. */
  resumeOf: string | null;
  /** The run was a replay (no backend). */
  replay: boolean;
}

/** The state of a run record: its end, or `running` / `dead` / `unknown` from its owner process. */
export function runState(record: Pick<RunRecord, "started" | "finished">): RunState {
  if (record.finished) return record.finished.status;
  const state = ownerState(record.started.owner);
  return state === "alive" ? "running" : state === "gone" ? "dead" : "unknown";
}

/** Summarises one run directory from its journal (null when it holds no readable run record). */
export async function summariseRun(runDir: string): Promise<RunSummary | null> {
  let record: RunRecord;
  try {
    // Lenient: a damaged line does not hide the run from the list.
    record = recordOf(runDir, await readJournal(join(runDir, "journal.jsonl")));
  } catch {
    return null;
  }
  const { started, finished } = record;
  let agents = 0;
  let reused = 0;
  let tokens = 0;
  for (const e of record.events) {
    if (e.type === "node.started") agents++;
    if (e.type !== "node.finished") continue;
    if (e.reusedFrom !== undefined) {
      reused++;
      agents++;
    }
    tokens += (e.usage?.inputTokens ?? 0) + (e.usage?.outputTokens ?? 0);
  }
  return {
    runId: started.runId,
    name: started.name,
    status: runState(record),
    agents,
    reused,
    tokens,
    startedAt: started.ts,
    durationMs: finished ? finished.durationMs : null,
    runDir,
    pid: (started.owner as RunOwner | undefined)?.pid ?? null,
    resumeOf: started.resumeOf ?? null,
    replay: started.replay === true,
  };
}

/** All runs under `runsDir`, newest first. */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  const rows: RunSummary[] = [];
  try {
    for await (const entry of Deno.readDir(runsDir)) {
      if (!entry.isDirectory) continue;
      const row = await summariseRun(join(runsDir, entry.name));
      if (row) rows.push(row);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  // Run ids sort by start time to the second only; the journal's start stamp orders runs within one.
  return rows.sort((a, b) =>
    (b.startedAt ?? "").localeCompare(a.startedAt ?? "") || b.runId.localeCompare(a.runId)
  );
}
