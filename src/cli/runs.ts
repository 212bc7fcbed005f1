/**
 * `odw runs`: lists the run records under the run directory (id, name, status, agents, tokens,
 * started, duration, and the run a resume came from), newest first; `--json` prints them as an array.
 * A run without an end is `running` only while its process lives, else `dead` (see
 * `src/records/list.ts`).
 *
 * @module
 */
import { resolve } from "node:path";
import { jsonForTerminal, terminalLine } from "../common/terminal_text.ts";
import { listRuns } from "../records/list.ts";
import { parseCommandArgs } from "./argv.ts";
import { formatTokens } from "./progress.ts";

/** Help text of `odw runs`. */
export const RUNS_HELP = `Usage: odw runs [--json] [--run-dir <dir>]

Lists run records, newest first. STATUS is how a run ended (completed, failed, refused, cancelled), or
running (its process is alive), dead (its process is gone: crashed or killed; odw resume <id> goes on),
unknown (no process recorded, or another host). FROM names the run a resume or replay started from.

Options:
  --run-dir <dir>   where run records are (default .odw/runs)
  --json            print the rows as one JSON array
  -h, --help        this help`;

/** Runs `odw runs`; returns the exit code. */
export async function runsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("runs", {
    args: argv,
    strict: true,
    options: {
      "run-dir": { type: "string", default: ".odw/runs" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(RUNS_HELP);
    return 0;
  }
  const rows = await listRuns(resolve(values["run-dir"]));
  if (values.json) {
    console.log(jsonForTerminal(rows));
    return 0;
  }
  if (rows.length === 0) {
    console.log("no runs yet");
    return 0;
  }
  const table = [["RUN", "NAME", "STATUS", "AGENTS", "TOKENS", "STARTED", "DURATION", "FROM"]];
  for (const r of rows) {
    table.push([
      terminalLine(r.runId),
      terminalLine(r.name) || "-",
      terminalLine(r.status),
      r.reused > 0 ? `${r.agents} (${r.reused} reused)` : String(r.agents),
      formatTokens(r.tokens),
      r.startedAt ? terminalLine(r.startedAt.replace("T", " ").slice(0, 19)) : "-",
      r.durationMs === null ? "-" : `${(r.durationMs / 1000).toFixed(2)}s`,
      r.resumeOf === null ? "" : terminalLine(`${r.replay ? "replay of " : ""}${r.resumeOf}`),
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  return 0;
}
