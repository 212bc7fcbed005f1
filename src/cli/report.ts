/**
 * `odw report <runId> [--out file] [--open]`: (re)builds a run's `report.html` from its journal and
 * script copy, so runs recorded before reports existed, or cut short by a crash, get one too.
 *
 * @module
 */
import { resolve } from "node:path";
import { UsageError } from "../common/cli_kit.ts";
import { findRun } from "../records/find.ts";
import { RecordError } from "../records/read.ts";
import { openInBrowser } from "../report/open.ts";
import { writeRunReport } from "../report/write.ts";
import { parseCommandArgs } from "./argv.ts";

/** Help text of `odw report`. */
export const REPORT_HELP = `Usage: odw report <runId> [--out <file>] [--open] [--run-dir <dir>]

Writes the run's report.html (default: into its run directory) from its journal, and prints its path.

Options:
  --out <file>       write the report here instead
  --open             open it in the browser ($BROWSER, else the system's opener)
  --run-dir <dir>    where run records are (default .odw/runs)
  -h, --help         this help`;

/** The run directory named by a command's one positional argument (a run id), or a UsageError. */
export function runDirArgument(command: string, positionals: string[], runsDir: string): Promise<string> {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `${command} needs a run id: odw ${command} <runId>`
        : `unexpected argument "${positionals[1]}"`,
    );
  }
  return runDirOf(resolve(runsDir), positionals[0]);
}

/** The run directory of `ref` (a run id or its unique prefix) under `runsDir`, or a UsageError. */
async function runDirOf(runsDir: string, ref: string): Promise<string> {
  try {
    return await findRun(runsDir, ref);
  } catch (e) {
    if (e instanceof RecordError) throw new UsageError(e.message);
    throw e;
  }
}

/** Runs `odw report`; returns the exit code. */
export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("report", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: "string" },
      open: { type: "boolean", default: false },
      "run-dir": { type: "string", default: ".odw/runs" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  const runDir = await runDirArgument("report", positionals, values["run-dir"]);
  let path: string;
  try {
    path = await writeRunReport(runDir, values.out === undefined ? undefined : resolve(values.out));
  } catch (e) {
    throw new UsageError(`cannot write the report: ${(e as Error).message.split("\n")[0]}`);
  }
  console.log(path);
  if (values.open) openInBrowser(path);
  return 0;
}
