/**
 * Parses human durations given on command lines (`--timeout 90s`, `5m`, `1h30m`, `1500ms`, `2.5s`).
 * A bare number is seconds.
 *
 * @example
 * ```ts
 * parseDuration("1m30s"); // 90_000
 * ```
 * @module
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in `text`, or throws `Error("invalid duration …")`. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new Error(`invalid duration "${text}" (use e.g. 500ms, 30s, 5m, 1h30m)`);
  }
  return Math.round(total);
}
