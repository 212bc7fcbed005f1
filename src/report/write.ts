/**
 * Writes a run's `report.html` from its run directory alone: the journal (events) and `script.js` (the
 * script as it ran, analysed again for its call sites; children's call sites are in the journal). So
 * the report of a run recorded before this existed can be rebuilt too (`odw report <runId>`).
 *
 * @example
 * ```ts
 * const path = await writeRunReport(".odw/runs/20261125-143012-3f9a1c");
 * ```
 * @module
 */
import { join } from "node:path";
import { readJournal } from "../records/read.ts";
import { analyzeScript, type CallSite } from "../script/analyze.ts";
import { reportHtml } from "./html.ts";
import type { ReportInput } from "./model.ts";

/** File name of the report in a run directory. */
export const REPORT_FILE = "report.html";

/** The call sites of the run's top-level script (none when it is missing or was refused). */
export async function scriptSites(runDir: string): Promise<CallSite[]> {
  try {
    const analysis = analyzeScript(await Deno.readTextFile(join(runDir, "script.js")), {
      determinism: false,
    });
    return analysis.ok ? analysis.callSites : [];
  } catch {
    return [];
  }
}

/** What a report of `runDir` is made of. */
export async function reportInput(runDir: string): Promise<ReportInput> {
  // A damaged line is left out: the report shows what can be read.
  const { events } = await readJournal(join(runDir, "journal.jsonl"));
  return { sites: { "": await scriptSites(runDir) }, events };
}

/** Writes the report (atomically: temp file + rename) to `out` (default: in the run directory). */
export async function writeRunReport(runDir: string, out = join(runDir, REPORT_FILE)): Promise<string> {
  const html = await reportHtml(await reportInput(runDir));
  const tmp = `${out}.tmp`;
  await Deno.writeFile(tmp, html);
  await Deno.rename(tmp, out);
  return out;
}
