/**
 * Output helpers: stdout written completely before the process exits (large reports included), and
 * diagnostics as `pandacode: …` lines on stderr.
 *
 * @example
 * ```ts
 * await writeStdout(JSON.stringify(report) + "\n");
 * diagnostic("stopped listing files after 50000");
 * ```
 * @module
 */

/** Writes all of `text` to stdout, waiting for the pipe to take it. */
export async function writeStdout(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

/** One `pandacode: <message>` line on stderr. */
export function diagnostic(message: string): void {
  console.error(`pandacode: ${message}`);
}
