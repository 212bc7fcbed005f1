/**
 * A deadline for one awaited step of a hostile-input test: the step either settles in time or the
 * test fails with what it was waiting for (a hang becomes a failure, never a stalled suite). Work that
 * could block the test's own thread (a regular expression, a generator) is run in a subprocess with a
 * kill timer instead (see `runProcess` in `tests/_support/odw.ts`).
 *
 * @module
 */

/**
 * Awaits `promise`, failing after `ms` milliseconds with `what` in the message.
 *
 * @example
 * ```ts
 * const run = await withinDeadline(runScript(source), 30_000, "the hostile run");
 * ```
 */
export async function withinDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
