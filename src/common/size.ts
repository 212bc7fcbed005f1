/**
 * Memory sizes as flags take them: `512m`, `1g`, `1.5g`, `2048` (MiB when no unit), `64M`, `1G`.
 *
 * @example
 * ```ts
 * parseMemoryMb("1g"); // 1024
 * memoryFlag(undefined, "--max-memory"); // 1024, the default
 * ```
 * @module
 */
import { UsageError } from "./cli_kit.ts";

/** `--max-memory` when not given, in MiB. */
export const DEFAULT_MAX_MEMORY_MB = 1024;
/** The smallest `--max-memory` the sandbox boots with, in MiB. */
const MIN_MEMORY_MB = 64;

const UNITS: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024 };

/** A size in whole MiB (rounded down); throws an Error naming what is wrong. */
export function parseMemoryMb(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg])?(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a size (examples: 512m, 1g, 2048)`);
  const mb = Math.floor(Number(match[1]) * UNITS[(match[2] ?? "m").toLowerCase()]);
  if (!Number.isFinite(mb)) throw new Error(`"${text}" is not a size (examples: 512m, 1g, 2048)`);
  return mb;
}

/** A memory-cap flag in MiB: the default when absent, a UsageError when unreadable or too small. */
export function memoryFlag(value: string | undefined, flag: string): number {
  if (value === undefined) return DEFAULT_MAX_MEMORY_MB;
  let mb: number;
  try {
    mb = parseMemoryMb(value);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
  if (mb < MIN_MEMORY_MB) throw new UsageError(`${flag} must be at least ${MIN_MEMORY_MB}m, got "${value}"`);
  return mb;
}
