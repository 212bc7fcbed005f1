/**
 * `odw runs`: lists the run records under the run directory (id, name, status, agents, tokens,
 * started, duration), newest first; `--json` prints them as an array.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { jsonForTerminal, terminalLine } from "../common/terminal_text.ts";
import { readJournal } from "../engine/journal.ts";
import { parseCommandArgs } from "./argv.ts";
import { formatTokens } from "./progress.ts";

/** One row of `odw runs`. */
export interface RunSummary {
  runId: string;
  name: string;
  status: string;
  agents: number;
  tokens: number;
  startedAt: string | null;
  durationMs: number | null;
  runDir: string;
}

/** Summarises one run directory from its journal (result.json is not needed, so crashed runs show). */
export async function summariseRun(runDir: string): Promise<RunSummary | null> {
  let events;
  try {
    events = await readJournal(join(runDir, "journal.jsonl"));
  } catch {
    return null;
  }
  const started = events.find((e) => e.type === "run.started");
  if (!started || started.type !== "run.started") return null;
  const finished = events.findLast((e) => e.type === "run.finished");
  let agents = 0;
  let tokens = 0;
  for (const e of events) {
    if (e.type === "node.started") agents++;
    if (e.type === "node.finished") tokens += e.usage.inputTokens + e.usage.outputTokens;
  }
  return {
    runId: started.runId,
    name: started.name,
    status: finished?.type === "run.finished" ? finished.status : "unfinished",
    agents,
    tokens,
    startedAt: started.ts,
    durationMs: finished?.type === "run.finished" ? finished.durationMs : null,
    runDir,
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

/** Runs `odw runs`; returns the exit code. */
export async function runsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("runs", {
    args: argv,
    strict: true,
    options: {
      "run-dir": { type: "string", default: ".odw/runs" },
      json: { type: "boolean", default: false },
    },
  });
  const rows = await listRuns(resolve(values["run-dir"]));
  if (values.json) {
    console.log(jsonForTerminal(rows));
    return 0;
  }
  if (rows.length === 0) {
    console.log("no runs yet");
    return 0;
  }
  const table = [["RUN", "NAME", "STATUS", "AGENTS", "TOKENS", "STARTED", "DURATION"]];
  for (const r of rows) {
    table.push([
      terminalLine(r.runId),
      terminalLine(r.name) || "-",
      terminalLine(r.status),
      String(r.agents),
      formatTokens(r.tokens),
      r.startedAt ? terminalLine(r.startedAt.replace("T", " ").slice(0, 19)) : "-",
      r.durationMs === null ? "-" : `${(r.durationMs / 1000).toFixed(2)}s`,
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  return 0;
}
