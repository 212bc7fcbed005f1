/**
 * Ending a run early on purpose: whoever holds the run's abort controller aborts it with a
 * {@link RunStop} saying how the run ends (`cancelled` for SIGINT/SIGTERM and `odw cancel`, `failed`
 * for a replay that met a node its journal does not have). Any other abort reason is a plain cancel.
 *
 * @example
 * ```ts
 * cancel.abort(new RunStop("cancelled", "CancelledError: interrupted by SIGINT"));
 * ```
 * @module
 */
import type { RunStatus } from "./events.ts";

/** Why and how a run was stopped; `message` is the run's error line (`Name: text`). */
export class RunStop extends Error {
  override name = "RunStop";
  readonly status: Extract<RunStatus, "cancelled" | "failed">;

  constructor(status: Extract<RunStatus, "cancelled" | "failed">, message: string) {
    super(message);
    this.status = status;
  }
}

/** The run's end for an abort reason. */
export function stopEnd(reason: unknown): { status: RunStatus; error: string } {
  if (reason instanceof RunStop) return { status: reason.status, error: reason.message };
  return { status: "cancelled", error: "CancelledError: the run was cancelled" };
}
