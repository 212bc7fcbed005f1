/**
 * The codex runtime (stub until its executor lands).
 * @module
 */
import type { Executor } from "../executor.ts";

/** Runs a task on codex. */
export const codexExecutor: Executor = {
  run() {
    return Promise.reject(new Error("the codex runtime is not implemented yet"));
  },
};
