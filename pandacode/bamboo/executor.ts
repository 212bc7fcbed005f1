/**
 * The bamboo runtime (stub until its executor lands).
 * @module
 */
import type { Executor } from "../executor.ts";

/** Runs a task on bamboo. */
export const bambooExecutor: Executor = {
  run() {
    return Promise.reject(new Error("the bamboo runtime is not implemented yet"));
  },
};
