/**
 * A `fetch` that retries what is worth retrying, given to the AI SDK provider (whose own retries are
 * switched off with `maxRetries: 0`, so there is exactly one retry policy).
 *
 * Retried: HTTP 429 and 5xx answers, and network errors (the request never got an answer). Never
 * retried: any other status (400, 401, 403, 404, 422, …), a 429 whose body says the account is out
 * of quota (waiting will not help), and nothing once the caller's signal has aborted. The wait honours `retry-after-ms` and `Retry-After` (seconds or an HTTP date), capped at
 * {@link RetryOptions.maxRetryAfterMs}; without one it is a jittered exponential backoff. After the
 * last attempt the final response is returned for the SDK to report, or a {@link NetworkError} thrown.
 *
 * Request bodies must be re-sendable (the AI SDK sends JSON strings, which are).
 *
 * @module
 */

import { classifyApiFailure } from "../errors.ts";

/** The request never got an answer, after every attempt. */
export class NetworkError extends Error {
  override name = "NetworkError";
  /** Attempts made. */
  readonly attempts: number;
  constructor(cause: unknown, attempts: number) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`network error after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${detail}`, { cause });
    this.attempts = attempts;
  }
}

/** One retry about to happen. */
export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number;
  maxAttempts: number;
  /** HTTP status, or undefined for a network error. */
  status?: number;
  error?: unknown;
  delayMs: number;
  /** True when the delay came from the server (Retry-After). */
  fromRetryAfter: boolean;
}

/** Retry policy. */
export interface RetryOptions {
  /** Total attempts including the first; default 5. */
  maxAttempts?: number;
  /** First backoff step; default 1000 ms (doubling each attempt). */
  baseDelayMs?: number;
  /** Largest backoff step; default 30 s. */
  maxDelayMs?: number;
  /** Largest wait a Retry-After may impose; default 60 s. */
  maxRetryAfterMs?: number;
  /** Called before each wait. */
  onRetry?: (event: RetryEvent) => void;
  /** Random source in [0, 1) for the jitter (tests pin it). */
  random?: () => number;
  /** The fetch to wrap; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Called for every chunk of a response body as it arrives (a sign of life for odw). */
  onActivity?: () => void;
}

/** The response with `onChunk` called for each chunk of its body as the reader pulls it. */
function watchBody(response: Response, onChunk: () => void): Response {
  if (!response.body) return response;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onChunk();
        controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** A 429 that says the account is out of quota or credit: waiting will not help, so it is not retried. */
async function isQuotaAnswer(response: Response): Promise<boolean> {
  if (response.status !== 429) return false;
  const text = await response.clone().text().catch(() => "");
  return classifyApiFailure(429, text) === "quota";
}

/** Whether an HTTP status is worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The delay a response asks for, in ms: `retry-after-ms`, else `Retry-After` as seconds or an HTTP
 * date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Jittered exponential backoff for `attempt` (1-based): uniform in [step/2, step]. */
export function backoffMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function signalOf(input: RequestInfo | URL, init?: RequestInit): AbortSignal | undefined {
  return init?.signal ?? (input instanceof Request ? input.signal : undefined);
}

/** Wraps a fetch with the retry policy. */
export function createRetryingFetch(options: RetryOptions = {}): typeof fetch {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const random = options.random ?? Math.random;
  const inner = options.fetch ?? globalThis.fetch;

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const signal = signalOf(input, init);
    for (let attempt = 1;; attempt++) {
      let response: Response;
      try {
        response = await inner(input, init);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (attempt >= maxAttempts) throw new NetworkError(error, attempt);
        const delayMs = backoffMs(attempt, baseDelayMs, maxDelayMs, random);
        options.onRetry?.({ attempt, maxAttempts, error, delayMs, fromRetryAfter: false });
        await sleep(delayMs, signal);
        continue;
      }
      options.onActivity?.();
      if (!isRetryableStatus(response.status) || attempt >= maxAttempts || await isQuotaAnswer(response)) {
        return options.onActivity ? watchBody(response, options.onActivity) : response;
      }
      const asked = retryAfterMs(response.headers);
      const delayMs = asked !== undefined
        ? Math.min(asked, maxRetryAfterMs)
        : backoffMs(attempt, baseDelayMs, maxDelayMs, random);
      await response.body?.cancel().catch(() => {});
      options.onRetry?.({
        attempt,
        maxAttempts,
        status: response.status,
        delayMs,
        fromRetryAfter: asked !== undefined,
      });
      await sleep(delayMs, signal);
    }
  };
}
