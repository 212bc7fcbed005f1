/**
 * Text from scripts, prompts, models and file names made safe to print on a terminal: every control
 * character a terminal acts on is shown as a visible escape (`\x1b`, `\r`, `\u202e`) instead of being
 * sent. That covers ANSI/VT sequences (CSI, OSC titles and hyperlinks, DCS: their introducers are
 * ESC or C1 characters), carriage returns and backspaces that overwrite a line, bells, DEL, the C1
 * range, Unicode line/paragraph separators, and bidirectional overrides and isolates that reorder what
 * is shown (Trojan Source). Output meant for programs (`--json`) is not passed through here: JSON
 * escapes control characters itself and must stay exact.
 *
 * Written here rather than taken from `strip-ansi`: that library removes the sequences it recognises
 * and leaves lone controls (`\r`, `\b`, a bare ESC, C1 bytes, bidi overrides) in place, while the rule
 * needed is simpler and total — no control character reaches the terminal — and showing the escape
 * keeps the evidence visible.
 *
 * @module
 */

/** C0 controls except tab and newline, DEL, C1, U+2028/U+2029, bidi embeddings/overrides/isolates/marks. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, plus tab and newline: for text that must stay on one line. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE_IN_LINE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b" };

function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every terminal control shown as an escape; newlines and tabs are kept (multi-line
 * messages stay readable).
 *
 * @example
 * ```ts
 * terminalText("ok\x1b]0;pwned\x07\nnext\rline"); // "ok\\x1b]0;pwned\\x07\nnext\\rline"
 * ```
 */
export function terminalText(text: string): string {
  return String(text).replace(UNSAFE, visible);
}

/**
 * `text` as one terminal line: like {@link terminalText}, and newlines and tabs are escaped too
 * (for labels, names, phases and single-line status output).
 *
 * @example
 * ```ts
 * terminalLine("label\nFAKE: done"); // "label\\nFAKE: done"
 * ```
 */
export function terminalLine(text: string): string {
  return String(text).replace(UNSAFE_IN_LINE, visible);
}

/** What `JSON.stringify` leaves raw that a terminal acts on (it escapes only U+0000–U+001F itself). */
const UNSAFE_IN_JSON = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify(value, replacer, space)` with the remaining terminal controls written as `\uXXXX`
 * escapes: the same JSON value, byte-safe on a terminal (such characters only occur inside strings).
 *
 * @example
 * ```ts
 * jsonForTerminal({ s: "\u202eevil" }); // '{"s":"\\u202eevil"}'
 * JSON.parse(jsonForTerminal({ s: "\u202eevil" })).s === "\u202eevil"; // true
 * ```
 */
export function jsonForTerminal(
  value: unknown,
  replacer?: (this: unknown, key: string, value: unknown) => unknown,
  space?: number,
): string {
  const text = JSON.stringify(value, replacer, space);
  return text === undefined
    ? text as unknown as string
    : text.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
