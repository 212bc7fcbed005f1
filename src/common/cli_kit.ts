/**
 * What both command lines (odw and pandacode) share: {@link UsageError}, thrown anywhere in a command,
 * caught once in each `main.ts`, printed as one line on stderr with exit code 2 (never a stack
 * trace), and the readers that turn unreadable files and bad JSON into such errors.
 *
 * @module
 */

/** Exit code for bad usage (unknown flag, unreadable file, invalid JSON, refused script). */
export const EXIT_USAGE = 2;

/**
 * A mistake in how a command was called; `message` is the whole line shown to the user.
 *
 * @example
 * ```ts
 * throw new UsageError('unknown runtime "gpt" (use codex, claude or bamboo)');
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Reads a text file or throws a {@link UsageError} naming what could not be read. */
export async function readTextOrUsage(path: string, what: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "is a directory"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new UsageError(`cannot read ${what} ${path}: ${reason}`);
  }
}

/** Parses JSON text or throws a {@link UsageError} saying where it came from. */
export function parseJsonOrUsage(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`invalid JSON in ${what}: ${(e as Error).message}`);
  }
}

/** Parses a positive integer flag or throws a {@link UsageError}. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`${flag} expects a positive integer, got "${value}"`);
  }
  return Number(value);
}
