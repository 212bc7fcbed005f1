/**
 * Writing `report.html` on a Worker thread, so `odw exec` does not spend its own thread on the report's
 * 3 MB of assets (decoding, hashing, writing) after the run: the worker is started with the run
 * ({@link prestartReportWorker}), loads and prepares the assets while the run goes, and writes the report
 * when asked ({@link writeReportInBackground}). Where no worker can start, or it fails, the report is
 * written on the calling thread as before: a report is never lost to this.
 *
 * This module is the calling thread's side and loads nothing of the report's own; the worker's module
 * is `report_worker_main.ts` from the sources, while a bundle names its own entry
 * ({@link useReportWorkerModule}; {@link isReportWorker} tells that entry it runs as the worker).
 *
 * @example
 * ```ts
 * prestartReportWorker();
 * // ... the run ...
 * const path = await writeReportInBackground(runDir);
 * ```
 * @module
 */

/** The name the report worker is started with (`self.name` inside it). */
export const REPORT_WORKER_NAME = "odw-report";

/** A request to the worker. */
export interface WriteRequest {
  runDir: string;
}
/** The worker's answer: the report's path, or why it could not write it. */
export type WriteAnswer = { path: string } | { error: string };

let started: RunningWorker | undefined;
let moduleUrl = new URL("./report_worker_main.ts", import.meta.url);

/** The worker's module, for a bundle whose entry serves as the worker too. */
export function useReportWorkerModule(url: URL): void {
  moduleUrl = url;
}

/** True on the report worker's thread. */
export function isReportWorker(): boolean {
  return (globalThis as { name?: unknown }).name === REPORT_WORKER_NAME;
}

/** The started worker and how it ended, if it did before its write. */
interface RunningWorker {
  worker: Worker;
  /** Settles with the worker's answer, or rejects once it fails (from its start on). */
  answer: Promise<WriteAnswer>;
}

/** Starts the report worker. At most one runs; it ends with the write it was started for. */
export function prestartReportWorker(): void {
  if (started) return;
  let worker: Worker;
  try {
    worker = new Worker(moduleUrl, { type: "module", name: REPORT_WORKER_NAME });
  } catch {
    return;
  }
  const answer = new Promise<WriteAnswer>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WriteAnswer>) => resolve(event.data);
    // A worker that fails (at load or later) is not the run's problem: the report is written here.
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
  });
  answer.catch(() => {});
  started = { worker, answer };
}

/** Where a report was written, and by which thread. */
export interface WrittenReport {
  path: string;
  writer: "worker" | "thread";
}

/** Writes `runDir`'s report on the worker when one was started, else (or when it fails) on this thread. */
export async function writeReportInBackground(runDir: string): Promise<WrittenReport> {
  const running = started;
  started = undefined;
  const here = async (): Promise<WrittenReport> => ({
    path: await (await import("./write.ts")).writeRunReport(runDir),
    writer: "thread",
  });
  if (!running) return here();
  try {
    running.worker.postMessage({ runDir } satisfies WriteRequest);
    const answer = await running.answer;
    if ("error" in answer) throw new Error(answer.error);
    return { path: answer.path, writer: "worker" };
  } catch {
    // The worker could not do it: this thread writes the report (and reports its own error, if any).
    return here();
  } finally {
    running.worker.terminate();
  }
}
