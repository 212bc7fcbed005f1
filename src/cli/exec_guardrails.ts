/**
 * `odw exec`'s guardrail flags, parsed in one place: `--strict`, `--max-cost <usd>`,
 * `--stall-timeout <duration>`, `--retries <n>`, plus the concurrency caps of `.odw/config.json`
 * (and its default `retries` / `stallTimeout`). Bad values throw a one-line {@link UsageError}.
 *
 * @module
 */
import { UsageError } from "../common/cli_kit.ts";
import { parseDuration } from "../common/duration.ts";
import type { OdwConfig } from "../engine/config.ts";
import type { RunOptions } from "../engine/run.ts";

/** The parseArgs options of the guardrail flags. */
export const GUARDRAIL_FLAGS = {
  strict: { type: "boolean", default: false },
  "max-cost": { type: "string" },
  "stall-timeout": { type: "string" },
  retries: { type: "string" },
} as const;

/** Help lines of the guardrail flags. */
export const GUARDRAIL_HELP = `  --strict                 any failed or timed-out node fails the run (exit 1)
  --max-cost <usd>         hard cost ceiling: each node reserves its worst case before it starts
  --stall-timeout <dur>    kill a node try with no sign of life for this long (default 5m; retried)
  --retries <n>            extra tries for rate limits, 5xx, network errors and stalls (default 2)`;

/** Parsed guardrail flag values, as parseArgs gives them. */
export interface GuardrailValues {
  strict?: boolean;
  "max-cost"?: string;
  "stall-timeout"?: string;
  retries?: string;
}

/** A positive duration flag in milliseconds, or a UsageError. */
export function durationFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
  if (ms <= 0) throw new UsageError(`${flag} must be longer than zero, got "${value}"`);
  return ms;
}

/** The run options the guardrail flags and the config file give. */
export function guardrailOptions(
  values: GuardrailValues,
  config: OdwConfig,
): Pick<RunOptions, "strict" | "maxCostUsd" | "policy" | "caps"> {
  let maxCostUsd: number | undefined;
  if (values["max-cost"] !== undefined) {
    maxCostUsd = Number(values["max-cost"].replace(/^\$/, ""));
    if (!Number.isFinite(maxCostUsd) || maxCostUsd <= 0) {
      throw new UsageError(`--max-cost must be a positive amount in USD, got "${values["max-cost"]}"`);
    }
  }
  let retries: number | undefined;
  if (values.retries !== undefined) {
    retries = Number(values.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
      throw new UsageError(`--retries must be a whole number from 0 to 10, got "${values.retries}"`);
    }
  }
  return {
    strict: values.strict === true,
    maxCostUsd,
    policy: {
      retries: retries ?? config.defaults?.retries,
      stallTimeoutMs: durationFlag(values["stall-timeout"], "--stall-timeout") ??
        config.defaults?.stallTimeout,
    },
    caps: config.concurrency,
  };
}
