/**
 * Builds the sandbox Worker from the runtime functions: their source text becomes one blob-URL
 * module, so the worker needs no file on disk (and a bundled single-file odw still works).
 *
 * The module evaluates the runtime with a fixed `sourceURL`, so the stack frames a script can read
 * (`new Error().stack`) name `odw-runtime.js`, not the blob URL with its random UUID (a source of
 * randomness that would differ between a run and its resume).
 *
 * @module
 */
import { makeCombinators } from "./combinators.ts";
import { makeConsole } from "./console.ts";
import { limitErrors } from "../common/limits.ts";
import { lockdown } from "./lockdown.ts";
import { workerMain } from "./worker_main.ts";

let cachedUrl: string | undefined;

/** Object URL of the worker module (created once per process). */
export function workerModuleUrl(): string {
  if (!cachedUrl) {
    const runtime =
      `"use strict";\n(${workerMain.toString()})(${lockdown.toString()}, ${makeCombinators.toString()}, ${limitErrors.toString()}, ${makeConsole.toString()});\n` +
      `//# sourceURL=odw-runtime.js\n`;
    const source = `(0, eval)(${JSON.stringify(runtime)});\n`;
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
