/**
 * Regular expressions from hostile sources (a workflow's schema `pattern`, a model's `search` tool
 * call) compiled by re2js, a linear-time RE2 engine, never by the backtracking `RegExp`: a catastrophic
 * pattern such as `(a+)+$` cannot freeze the thread that runs it. RE2 syntax has no lookaround and no
 * backreferences; a pattern using them is refused with one line saying so. Linear in the input, but
 * times the size of the pattern's program: callers bound that ({@link LinearRegExp.programSize},
 * `maxProgramSize`) and the pattern's length ({@link MAX_PATTERN_CHARS}).
 *
 * @example
 * ```ts
 * await loadLinearRegExp();
 * linearRegExp("^(a+)+$").test("a".repeat(100_000) + "b"); // false, in linear time
 * ```
 * @module
 */
import type { RE2JS as RE2JSClass } from "re2js";

let RE2JS: typeof RE2JSClass | undefined;

/** Loads re2js once; await it before {@link linearRegExp}. */
export async function loadLinearRegExp(): Promise<void> {
  RE2JS ??= (await import("re2js")).RE2JS;
}

/** A compiled linear-time pattern. */
export interface LinearRegExp {
  /** True when the pattern matches anywhere in `text` (as `RegExp.prototype.test` without `^`/`$`). */
  test(text: string): boolean;
  /**
   * RE2's program size: the work per input character and the memory the pattern holds grow with it
   * (`[ab]{1000}` is about 1000; ordinary patterns are under 100).
   */
  programSize: number;
  toString(): string;
}

/** Longest pattern text accepted: RE2's compile time and memory grow with it. */
export const MAX_PATTERN_CHARS = 4096;

/**
 * `pattern`, read as a JavaScript pattern (`translateRegExp`), compiled by re2js. Throws an `Error`
 * with one line on syntax RE2 does not have (lookaround, backreferences) or on a bad pattern.
 */
export function linearRegExp(
  pattern: string,
  options: { ignoreCase?: boolean; maxProgramSize?: number } = {},
): LinearRegExp {
  if (!RE2JS) throw new Error("loadLinearRegExp() must be awaited first");
  if (pattern.length > MAX_PATTERN_CHARS) {
    throw new Error(`pattern of ${pattern.length} characters is too long (at most ${MAX_PATTERN_CHARS})`);
  }
  let compiled: RE2JSClass;
  try {
    const flags = options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0;
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern), flags);
  } catch (e) {
    const reason = (e as Error).message.replace(/^error parsing regexp: /, "");
    throw new Error(
      `pattern ${JSON.stringify(pattern)} is not supported by the linear-time (RE2) engine: ${reason}`,
    );
  }
  const programSize = compiled.programSize();
  if (options.maxProgramSize !== undefined && programSize > options.maxProgramSize) {
    throw new Error(
      `pattern ${JSON.stringify(pattern.slice(0, 80))} is too costly to run: its RE2 program has ` +
        `${programSize} instructions (at most ${options.maxProgramSize})`,
    );
  }
  return { test: (text) => compiled.test(text), programSize, toString: () => `re2:${pattern}` };
}
