/**
 * The run record on disk: `.odw/runs/<runId>/` holds `script.js` (the script as it ran),
 * `journal.jsonl` (events) and `result.json` (the outcome). Run ids sort by start time.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { emptyUsage } from "../common/contract.ts";
import { nowIso } from "./events.ts";
import { Journal } from "./journal.ts";
import type { RunOutcome } from "./run.ts";

/** A new run id: UTC start time plus random suffix, e.g. `20261125-143012-3f9a1c`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  return `${stamp}-${suffix}`;
}

/** Creates the run directory with a copy of the script. */
export async function createRunDir(
  runsDir: string,
  source: string,
): Promise<{ runId: string; runDir: string }> {
  const runId = newRunId();
  const runDir = resolve(runsDir, runId);
  await Deno.mkdir(runDir, { recursive: true });
  await Deno.writeTextFile(join(runDir, "script.js"), source);
  return { runId, runDir };
}

/** Writes `result.json` (atomically: temp file + rename). */
export async function writeResult(runDir: string, outcome: RunOutcome): Promise<void> {
  const tmp = join(runDir, "result.json.tmp");
  await Deno.writeTextFile(tmp, JSON.stringify({ ...outcome, finishedAt: nowIso() }, null, 2) + "\n");
  await Deno.rename(tmp, join(runDir, "result.json"));
}

/**
 * Leaves a record for a script refused by the static checks (nothing ran); `name` is the script's
 * `meta.name` when it could be read, else "".
 */
export async function recordRefusal(
  runsDir: string,
  scriptPath: string,
  source: string,
  error: string,
  name = "",
): Promise<RunOutcome> {
  const { runId, runDir } = await createRunDir(runsDir, source);
  const journal = await Journal.open(join(runDir, "journal.jsonl"));
  const outcome: RunOutcome = {
    runId,
    runDir,
    name,
    status: "refused",
    error,
    logs: [],
    agentCount: 0,
    nodeCounts: { completed: 0, failed: 0, timeout: 0, cancelled: 0 },
    usage: emptyUsage(),
    costUsd: 0,
    byModel: [],
    durationMs: 0,
  };
  journal.append({
    type: "run.started",
    ts: nowIso(),
    runId,
    name,
    scriptPath,
    backend: "none",
    concurrency: 0,
    budget: null,
  });
  journal.append({
    type: "run.finished",
    ts: nowIso(),
    status: "refused",
    error,
    usage: outcome.usage,
    agentCount: 0,
    durationMs: 0,
  });
  await journal.close();
  await writeResult(runDir, outcome);
  return outcome;
}
