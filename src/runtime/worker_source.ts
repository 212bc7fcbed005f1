/**
 * The sandbox Worker's module text, built from the runtime functions' source: the sandbox process
 * turns it into a blob-URL module, so the worker needs no file on disk (and a bundled single-file odw
 * still works).
 *
 * The module evaluates the runtime with a fixed `sourceURL`, so the stack frames a script can read
 * (`new Error().stack`) name `odw-runtime.js`, not the blob URL with its random UUID (a source of
 * randomness that would differ between a run and its resume).
 *
 * @module
 */
import { clipLogLine, utf8Length } from "../protocol.ts";
import { makeCallSite } from "./call_site.ts";
import { makeCombinators } from "./combinators.ts";
import { makeConsole } from "./console.ts";
import { makeRuntimeCore } from "./core.ts";
import { limitErrors } from "../common/limits.ts";
import { lockdown } from "./lockdown.ts";
import { makeHostValues } from "./host_values.ts";
import { makeRings } from "./ring.ts";
import { makeFrameWriter } from "./frame_writer.ts";
import { makeValueHelpers } from "./values.ts";
import { workerMain } from "./worker_main.ts";

let cached: string | undefined;

/** The worker module's source text (built once per process). */
export function workerSource(): string {
  if (!cached) {
    const parts = {
      makeRuntimeCore,
      lockdown,
      makeCombinators,
      limitErrors,
      makeConsole,
      makeValueHelpers,
      makeRings,
      makeFrameWriter,
      makeHostValues,
      makeCallSite,
      utf8Length,
      clipLogLine,
    };
    const entries = Object.entries(parts).map(([name, fn]) => `${name}: (${fn.toString()})`).join(",\n");
    const runtime =
      `"use strict";\n(${workerMain.toString()})({\n${entries}\n});\n//# sourceURL=odw-runtime.js\n`;
    cached = `(0, eval)(${JSON.stringify(runtime)});\n`;
  }
  return cached;
}
