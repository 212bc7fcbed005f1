/**
 * What `odw exec` does about the report: `--watch` serves the live view while the run goes (its URL on
 * stderr), every run ends with its `report.html` written (the path printed with the summary), and
 * `--open` opens it (with `--watch`, the live view as soon as it is up). A report that cannot be
 * written is one line on stderr; the run's outcome and exit code stand.
 *
 * @module
 */
import type { RunEvent } from "../engine/events.ts";
import type { RunOutcome } from "../engine/run.ts";
import { EventFeed, serveLive } from "../report/live.ts";
import { openInBrowser } from "../report/open.ts";
import { writeRunReport } from "../report/write.ts";
import { warmReportAssets } from "../report/assets.ts";
import type { CallSite } from "../script/types.ts";

/** The report flags of `odw exec`. */
export const REPORT_FLAGS = {
  open: { type: "boolean", default: false },
  watch: { type: "boolean", default: false },
} as const;

/** Their lines in `odw exec --help`. */
export const REPORT_HELP =
  `  --open                   open the run's report.html when it ends (with --watch: the live view)
  --watch                  serve a live view on 127.0.0.1 while the run goes (its URL on stderr)`;

/** A live view fed by the run's events. */
export interface ExecLiveView {
  onEvent(event: RunEvent): void;
  /** After the run: waits until the view has sent the end to its pages and stopped (at most a few s). */
  close(): Promise<void>;
}

/** Starts the live view for a run of a script with these call sites; prints its URL. */
export async function startLiveView(sites: CallSite[], open: boolean): Promise<ExecLiveView> {
  const feed = new EventFeed({ "": sites });
  const view = await serveLive(feed);
  console.error(`watch: ${view.url}`);
  if (open) openInBrowser(view.url);
  return {
    onEvent: (event) => feed.push(event),
    async close() {
      const grace = setTimeout(() => view.stop(), 3000);
      try {
        await view.finished;
      } finally {
        clearTimeout(grace);
      }
    },
  };
}

/**
 * Prepares the report's assets (decoded, their scripts hashed) on the next turn of the event loop,
 * when a run that just started mostly waits on its sandbox, rather than after the run.
 */
export function warmReport(): void {
  setTimeout(() => void warmReportAssets(), 0);
}

/** Writes the run's report.html (and opens it with `--open`); its path, or null when it failed. */
export async function saveReport(outcome: RunOutcome, open: boolean): Promise<string | null> {
  try {
    const path = await writeRunReport(outcome.runDir);
    if (open) openInBrowser(path);
    return path;
  } catch (e) {
    console.error(`odw: report.html not written: ${(e as Error).message}`);
    return null;
  }
}
