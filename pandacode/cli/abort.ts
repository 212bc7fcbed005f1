/**
 * The task's abort signal: aborted with reason `"timeout"` when `--timeout` elapses, or
 * `"cancelled"` on SIGINT/SIGTERM — or, for a task run inside another program (odw's in-process
 * backend), when that program's signal aborts (its reason kept: `timeout` or `cancelled`), without
 * touching the process's signal handlers. Also {@link settleWithGrace}, which waits for the executor but
 * gives up a grace period after the abort, so a report is printed even if an executor hangs.
 *
 * @example
 * ```ts
 * const abort = startTaskAbort(30_000);
 * const settled = await settleWithGrace(executor.run(task, { signal: abort.signal, log }), abort.signal);
 * abort.dispose();
 * ```
 * @module
 */
import { abortStatus } from "../../src/common/abort.ts";

/** Why the task was aborted. */
export type AbortReason = "timeout" | "cancelled";

/** A running task's abort controller with its timer and signal listeners. */
export interface TaskAbort {
  signal: AbortSignal;
  /** The abort reason, or null while not aborted. */
  reason(): AbortReason | null;
  /** The OS signal that cancelled the task (SIGINT, SIGTERM), when one did. */
  osSignal(): Deno.Signal | null;
  /** Clears the timer and removes the signal listeners. */
  dispose(): void;
}

const OS_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];

/**
 * Starts the timeout (when given) and listens for SIGINT/SIGTERM, or, when `outer` is given, follows
 * that signal instead of the OS signals.
 */
export function startTaskAbort(timeoutMs?: number, outer?: AbortSignal): TaskAbort {
  const controller = new AbortController();
  let received: Deno.Signal | null = null;
  const timer = timeoutMs === undefined
    ? undefined
    : setTimeout(() => controller.abort("timeout" satisfies AbortReason), timeoutMs);
  const follow = () => {
    if (outer && !controller.signal.aborted) controller.abort(abortStatus(outer) satisfies AbortReason);
  };
  if (outer?.aborted) follow();
  else outer?.addEventListener("abort", follow, { once: true });
  const handlers = (outer ? [] : OS_SIGNALS).map((sig) => {
    const handler = () => {
      if (controller.signal.aborted) return;
      received = sig;
      controller.abort("cancelled" satisfies AbortReason);
    };
    Deno.addSignalListener(sig, handler);
    return { sig, handler };
  });
  return {
    signal: controller.signal,
    reason: () => (controller.signal.aborted ? controller.signal.reason as AbortReason : null),
    osSignal: () => received,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener("abort", follow);
      for (const { sig, handler } of handlers) Deno.removeSignalListener(sig, handler);
    },
  };
}

/** How an executor's promise ended: a value, a throw, or no answer within the grace period. */
export type Settled<T> =
  | { kind: "returned"; value: T }
  | { kind: "threw"; error: unknown }
  | { kind: "abandoned" };

/** Default time an executor gets to wind down after the abort. */
export const DEFAULT_GRACE_MS = 3000;

/**
 * Waits for `work`; if `signal` aborts and `work` has not settled `graceMs` later, stops waiting and
 * returns `{kind: "abandoned"}`.
 */
export function settleWithGrace<T>(
  work: Promise<T>,
  signal: AbortSignal,
  graceMs: number = DEFAULT_GRACE_MS,
): Promise<Settled<T>> {
  return new Promise((resolve) => {
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      graceTimer = setTimeout(() => finish({ kind: "abandoned" }), graceMs);
    };
    const finish = (settled: Settled<T>) => {
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      signal.removeEventListener("abort", onAbort);
      resolve(settled);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => finish({ kind: "returned", value }),
      (error) => finish({ kind: "threw", error }),
    );
  });
}
