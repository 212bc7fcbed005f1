/**
 * The guardrails a node runs under, each small and on its own: the quota circuit breaker (an account
 * that is out of quota or not authorised stops every new dispatch to its route at once), the stall
 * watch (a try that shows no sign of life for the stall timeout is aborted), and the backoff between
 * retries of transient failures (honouring Retry-After).
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker();
 * breaker.trip("bamboo/deepseek", nodeError("quota", "HTTP 402: Insufficient Balance"));
 * breaker.check("bamboo/deepseek")?.message; // "stopped: bamboo/deepseek quota: HTTP 402: …"
 * ```
 * @module
 */
import { type NodeError, nodeError, type NodeSpec } from "../common/contract.ts";

/** Default stall timeout: five minutes without any event or output. */
export const DEFAULT_STALL_TIMEOUT_MS = 5 * 60_000;
/** Default extra tries for retryable failures. */
export const DEFAULT_RETRIES = 2;

/** The account a node's requests go to: `runtime/provider` as resolved (`default` when unset). */
export function routeOf(spec: Pick<NodeSpec, "runtime" | "provider">): string {
  return `${spec.runtime ?? "default"}${spec.provider ? `/${spec.provider}` : ""}`;
}

/** Remembers which routes are out of quota or authorisation for the rest of the run. */
export class CircuitBreaker {
  #open = new Map<string, NodeError>();
  #first: string | undefined;

  /** Opens the breaker of `route` with the error that proved the account dead. */
  trip(route: string, error: NodeError): void {
    if (this.#open.has(route)) return;
    const stopped = nodeError(error.kind, `stopped: ${route} ${error.kind}: ${error.message}`);
    this.#open.set(route, stopped);
    this.#first ??= stopped.message;
  }

  /** The error a node on `route` fails with without being dispatched, or null when the route is open. */
  check(route: string): NodeError | null {
    return this.#open.get(route) ?? null;
  }

  /** The first trip's message (the run's error), or undefined when nothing tripped. */
  get firstStop(): string | undefined {
    return this.#first;
  }
}

/**
 * Aborts its signal when `touch()` has not been called for `timeoutMs`. `stop()` clears the timer;
 * `fired` says whether the stall was what aborted.
 */
export class StallWatch {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.touch();
  }

  /** Aborted when the try stalled. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** A sign of life: the countdown starts again. */
  touch = (): void => {
    if (this.fired) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort("stall");
    }, this.#timeoutMs);
  };

  /** Ends the watch (the try ended). */
  stop(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * How long to wait before retry number `retry` (1-based): the server's Retry-After when it gave one,
 * else exponential from `baseMs` (×2 per retry, capped at 30 s) with ±25 % jitter.
 */
export function backoffMs(
  retry: number,
  baseMs: number,
  retryAfterMs?: number,
  jitter = Math.random(),
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return retryAfterMs;
  const plain = Math.min(30_000, baseMs * 2 ** (retry - 1));
  return Math.round(plain * (0.75 + 0.5 * jitter));
}

/** Waits `ms`, or until `signal` aborts (then resolves at once). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
