/**
 * `odw watch <runId>`: serves the live view of a run that is going (in this or another process) on
 * 127.0.0.1, following its journal; prints the URL, and stops when the run ends or on Ctrl-C. A run
 * that already ended has its report instead (path printed).
 *
 * @module
 */
import { join } from "node:path";
import { readJournal } from "../records/read.ts";
import { EventFeed, serveLive, tailJournal } from "../report/live.ts";
import { openInBrowser } from "../report/open.ts";
import { REPORT_FILE, scriptSites } from "../report/write.ts";
import { parseCommandArgs } from "./argv.ts";
import { runDirArgument } from "./report.ts";

/** Help text of `odw watch`. */
export const WATCH_HELP = `Usage: odw watch <runId> [--open] [--run-dir <dir>]

Serves the run's live view on 127.0.0.1 (a free port; the URL is printed) until the run ends or Ctrl-C.

Options:
  --open             open the live view in the browser
  --run-dir <dir>    where run records are (default .odw/runs)
  -h, --help         this help`;

/** Runs `odw watch`; returns the exit code. */
export async function watchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("watch", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      open: { type: "boolean", default: false },
      "run-dir": { type: "string", default: ".odw/runs" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(WATCH_HELP);
    return 0;
  }
  const runDir = await runDirArgument("watch", positionals, values["run-dir"]);
  const journal = join(runDir, "journal.jsonl");
  if ((await readJournal(journal)).events.some((e) => e.type === "run.finished")) {
    console.log(`run ${positionals[0]} already ended; its report: ${join(runDir, REPORT_FILE)}`);
    return 0;
  }
  const feed = new EventFeed({ "": await scriptSites(runDir) });
  const view = await serveLive(feed);
  console.log(`watch: ${view.url}`);
  if (values.open) openInBrowser(view.url);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    await tailJournal(journal, feed, stop.signal);
    if (stop.signal.aborted) await view.stop();
    else await view.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  console.log(stop.signal.aborted ? "watch: stopped" : "watch: the run ended");
  return 0;
}
