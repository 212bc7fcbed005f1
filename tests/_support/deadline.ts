/**
 * Deadlines for every wait in a test. Deno's test runner has no per-test timeout, so a promise that
 * never settles (a process that never exits, a server request that never comes) would stall the whole
 * suite. Each wait goes through one of these instead and fails the test with a message saying what
 * did not happen in time. Timers are always cleared, so the ops sanitizer stays quiet.
 *
 * The figures in {@link DEADLINES} are bounds for a hang, not expectations: they are generous because a
 * shared 2-core CI machine can stretch a normal wait many times over.
 *
 * @example
 * ```ts
 * const outcome = await bounded(DEADLINES.executor, "the bamboo run", (signal) => runBamboo(task, { signal, log }));
 * await awaitDuring(server.hanging, running, DEADLINES.cliStart, "the CLI to reach the server", () => ac.abort());
 * await waitUntil(() => !isAlive(pid), 5_000, `process ${pid} to exit`);
 * ```
 * @module
 */

/** Bounds (ms) for the kinds of waits the tests make. */
export const DEADLINES = {
  /** An odw or pandacode CLI process (a `deno run`), including its Deno startup. */
  process: 90_000,
  /** A run of the real claude / codex CLI, in-process through an executor or as a child. */
  cli: 120_000,
  /** An in-process executor or workflow run against a scripted server or the mock backend. */
  executor: 90_000,
  /** A real CLI starting up and reaching our loopback server. */
  cliStart: 60_000,
  /** Closing a loopback server (held requests are released first). */
  serverClose: 10_000,
  /** Time a bounded operation gets to wind down after its deadline signal aborted. */
  windDown: 10_000,
} as const;

/** A wait that passed its deadline. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/** The message of a {@link DeadlineError}: what did not happen, within how long. */
export function deadlineMessage(what: string, ms: number): string {
  return `deadline passed: waited ${ms} ms for ${what}`;
}

/**
 * Resolves like `work`, or rejects with a {@link DeadlineError} naming `what` when `work` has not
 * settled after `ms`. The timer is cleared either way.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(deadlineMessage(what, ms))), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * Runs `fn` with a signal that aborts at the deadline (or when `linked`, the caller's own signal,
 * aborts), so the operation can stop what it started (kill a process, drop a request). Resolves with
 * `fn`'s value when it finishes in time; otherwise gives it {@link DEADLINES.windDown} to wind down
 * and rejects with a {@link DeadlineError}, whatever `fn` returned after the deadline.
 */
export async function bounded<T>(
  ms: number,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
  linked?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const message = deadlineMessage(what, ms);
  const timer = setTimeout(() => controller.abort(new DeadlineError(message)), ms);
  const signal = linked ? AbortSignal.any([linked, controller.signal]) : controller.signal;
  try {
    const work = fn(signal);
    const value = await withDeadline(
      work,
      ms + DEADLINES.windDown,
      `${what} to wind down after its deadline`,
    );
    if (controller.signal.aborted) throw new DeadlineError(message);
    return value;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` (for polling loops; never as a way to wait for something to happen). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` every `everyMs` until it is true or `ms` pass; returns its last value. For waits whose
 * failure the test reports itself (e.g. `assert.ok(await pollUntil(...), "still alive")`).
 */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  ms: number,
  everyMs = 25,
): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (await check()) return true;
    await pause(everyMs);
  }
  return await check();
}

/**
 * Polls `check` until it gives a value (not undefined) and returns it; rejects with a
 * {@link DeadlineError} naming `what` after `ms`.
 */
export async function waitForValue<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
  everyMs = 25,
): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > until) throw new DeadlineError(deadlineMessage(what, ms));
    await pause(everyMs);
  }
}

/** Polls `check` until it is true; rejects with a {@link DeadlineError} naming `what` after `ms`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
  everyMs = 25,
): Promise<void> {
  if (!await pollUntil(check, ms, everyMs)) throw new DeadlineError(deadlineMessage(what, ms));
}

/**
 * Waits, with a deadline, for `event` (say, a scripted server holding a request) while `work` runs.
 * Fails when `work` ends first (the event can no longer come) or the deadline passes; then `stop` is
 * called (e.g. abort the work) and `work` is given {@link DEADLINES.windDown} to end, so nothing is
 * left running behind the failure.
 */
export async function awaitDuring<T>(
  event: Promise<unknown>,
  work: Promise<T>,
  ms: number,
  what: string,
  stop: () => void,
): Promise<void> {
  const ended = Symbol("ended");
  const first = await withDeadline(Promise.race([event, work.then(() => ended)]), ms, what)
    .catch(async (error) => {
      stop();
      await withDeadline(work, DEADLINES.windDown, `${what}: the work to stop`).catch(() => {});
      throw error;
    });
  if (first === ended) {
    throw new Error(`${what}: the work ended first, with ${JSON.stringify(await work)}`);
  }
}
