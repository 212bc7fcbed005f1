/**
 * The claude runtime (stub until its executor lands).
 * @module
 */
import type { Executor } from "../executor.ts";

/** Runs a task on claude. */
export const claudeExecutor: Executor = {
  run() {
    return Promise.reject(new Error("the claude runtime is not implemented yet"));
  },
};
