/**
 * SIGINT and SIGTERM while a run goes (Ctrl-C, `kill`, `odw cancel`). The first one stops the run:
 * the sandbox is stopped (so nothing new is dispatched), in-flight nodes are cancelled (the backend's
 * abort kills each executor's process tree), the journal records them and the run's end (`cancelled`),
 * and odw exits 130; the run can be resumed. A second one forces: every executor process group still
 * alive is killed and odw exits 130 at once, with the journal as it is (still resumable: it is
 * append-only and a torn last line is tolerated).
 *
 * @example
 * ```ts
 * const cancel = new AbortController();
 * const signals = stopOnSignals(cancel);
 * try { await executeRun({ ..., signal: cancel.signal }); } finally { signals.dispose(); }
 * ```
 * @module
 */
import { killLiveGroups } from "../common/process.ts";
import { RunStop } from "../engine/run_stop.ts";

/** Exit code of a run stopped by a signal (the shell's 128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

const SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];

/** The listeners of one run. */
export interface RunSignals {
  /** The first signal received, if any. */
  readonly received: Deno.Signal | undefined;
  /** Removes the listeners (the default behaviour of the signals returns). */
  dispose(): void;
}

/** Listens for SIGINT/SIGTERM: the first aborts `cancel` with a {@link RunStop}, a second forces the exit. */
export function stopOnSignals(cancel: AbortController): RunSignals {
  let received: Deno.Signal | undefined;
  const listeners = new Map<Deno.Signal, () => void>();
  for (const signal of SIGNALS) {
    const onSignal = () => {
      if (received !== undefined) {
        const killed = killLiveGroups("SIGKILL");
        write(
          `odw: ${signal} again: forced exit${
            killed ? `, ${killed} executor process group(s) killed` : ""
          }\n`,
        );
        Deno.exit(EXIT_INTERRUPTED);
      }
      received = signal;
      write(`odw: ${signal}: stopping the run and cancelling running agents (${signal} again forces)\n`);
      cancel.abort(new RunStop("cancelled", `CancelledError: interrupted by ${signal}`));
    };
    try {
      Deno.addSignalListener(signal, onSignal);
      listeners.set(signal, onSignal);
    } catch { /* a signal this platform cannot listen for */ }
  }
  return {
    get received() {
      return received;
    },
    dispose() {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    },
  };
}

function write(text: string): void {
  try {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  } catch { /* stderr closed */ }
}
