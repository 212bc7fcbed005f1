/**
 * The report worker's side (see `report_worker.ts`): prepares the report's assets as soon as it starts,
 * while the run goes, then writes each report it is asked for and answers with its path or the error.
 * Importing this module starts serving; the sources start the worker on this module, a bundle's entry
 * imports it when it finds itself on the worker's thread.
 *
 * @module
 */
import { reportAssets } from "./assets.ts";
import type { WriteAnswer, WriteRequest } from "./report_worker.ts";
import { writeRunReport } from "./write.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WriteRequest>) => void) | null;
  postMessage(answer: WriteAnswer): void;
};
reportAssets().catch(() => {}); // a failure shows when the report is written
scope.onmessage = async (event) => {
  try {
    scope.postMessage({ path: await writeRunReport(event.data.runDir) });
  } catch (e) {
    scope.postMessage({ error: (e as Error).message });
  }
};
