/**
 * What an aborted signal means for a task: `timeout` when its reason is the string "timeout" or a
 * `TimeoutError` (what `AbortSignal.timeout()` gives), else `cancelled`. Shared by odw's backends and
 * pandacode's runtimes.
 *
 * @module
 */

/** `timeout` or `cancelled`, from an aborted signal's reason. */
export function abortStatus(signal: AbortSignal): "timeout" | "cancelled" {
  const reason: unknown = signal.reason;
  if (reason === "timeout") return "timeout";
  const name = typeof reason === "object" && reason !== null
    ? (reason as { name?: unknown }).name
    : undefined;
  return name === "TimeoutError" ? "timeout" : "cancelled";
}
