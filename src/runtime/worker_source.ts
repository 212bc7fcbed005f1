/**
 * Builds the sandbox Worker from the runtime functions: their source text becomes one blob-URL
 * module, so the worker needs no file on disk (and a bundled single-file odw still works).
 *
 * @module
 */
import { lockdown } from "./lockdown.ts";
import { workerMain } from "./worker_main.ts";

let cachedUrl: string | undefined;

/** Object URL of the worker module (created once per process). */
export function workerModuleUrl(): string {
  if (!cachedUrl) {
    const source = `(${workerMain.toString()})(${lockdown.toString()});\n`;
    cachedUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  }
  return cachedUrl;
}

/** Starts a sandboxed workflow Worker: module type, every Deno permission denied. */
export function startSandboxWorker(): Worker {
  return new Worker(workerModuleUrl(), {
    type: "module",
    name: "odw-workflow",
    deno: { permissions: "none" },
  } as WorkerOptions);
}
