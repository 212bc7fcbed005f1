/**
 * Output helpers: stdout written completely before the process exits (large reports included), and
 * diagnostics as `pandacode: …` lines on stderr, with control characters from models, prompts and file
 * names shown as escapes (`src/common/terminal_text.ts`).
 *
 * @example
 * ```ts
 * await writeStdout(JSON.stringify(report) + "\n");
 * diagnostic("stopped listing files after 50000");
 * ```
 * @module
 */

import { terminalText } from "../../src/common/terminal_text.ts";

/** Writes all of `text` to stdout, waiting for the pipe to take it. */
export async function writeStdout(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

/** One `pandacode: <message>` line on stderr (terminal controls in `message` escaped). */
export function diagnostic(message: string): void {
  console.error(`pandacode: ${terminalText(message)}`);
}

/** A line from a runtime (a model's words, a tool's output) on stderr, terminal controls escaped. */
export function stderrLine(message: string): void {
  console.error(terminalText(message));
}
