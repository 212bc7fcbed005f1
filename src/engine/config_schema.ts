/**
 * The zod schema of `.odw/config.json` and its validation: unknown keys are errors, so a typo cannot
 * silently do nothing, and each problem becomes one line naming the key. Loaded by `config.ts` only when
 * a project has a config file (a run without one does not load zod).
 *
 * @example
 * ```ts
 * const config = parseConfig('{"defaults":{"runtime":"bamboo"}}', ".odw/config.json");
 * ```
 * @module
 */
import { z } from "zod";
import { EFFORTS } from "../common/contract.ts";
import { parseDuration } from "../common/duration.ts";
import { ConfigError } from "./config.ts";

const duration = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  try {
    const ms = parseDuration(value);
    if (ms > 0) return ms;
    ctx.addIssue({ code: "custom", message: "must be longer than zero" });
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
  }
  return z.NEVER;
});

/** What a node may be told by config (defaults or a phase): routing and guardrails. */
export const NodeSettingsSchema = z.strictObject({
  runtime: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  effort: z.enum(EFFORTS).optional(),
  /** Kills the node unconditionally after this long. */
  timeout: duration.optional(),
  /** Kills the node when its executor shows no sign of life for this long (default 5 min). */
  stallTimeout: duration.optional(),
  /** Extra tries for retryable failures (rate limit, 5xx, stall); default 2. */
  retries: z.number().int().min(0).max(10).optional(),
});
/** Node settings after validation (durations in milliseconds). */
export type NodeSettings = z.infer<typeof NodeSettingsSchema>;

/** The whole config file. */
export const ConfigSchema = z.strictObject({
  /** Settings for every node, below the script's own options and `meta.phases[].model`. */
  defaults: NodeSettingsSchema.optional(),
  /** Settings for the nodes of one phase (by title), above `defaults`. */
  phases: z.record(z.string(), NodeSettingsSchema).optional(),
  /** Caps on concurrent nodes on top of the global `--concurrency`. */
  concurrency: z.strictObject({
    runtimes: z.record(z.string(), z.number().int().positive()).optional(),
    providers: z.record(z.string(), z.number().int().positive()).optional(),
  }).optional(),
  /** Default backend when `--backend` is not given: `mock` or `pandacode`. */
  backend: z.enum(["mock", "pandacode"]).optional(),
  /** A pandacode-compatible executable to spawn per node (like `--pandacode`). */
  pandacode: z.string().min(1).optional(),
  /** Where nodes run: `local` (default) or `nats` (on `odw worker`s, through the `nats` server). */
  dispatch: z.enum(["local", "nats"]).optional(),
  /** The NATS server of `dispatch: "nats"` and of `odw worker`/`odw workers` (like `--nats`). */
  nats: z.string().min(1).optional(),
}).refine((config) => config.dispatch !== "nats" || config.nats !== undefined, {
  path: ["nats"],
  message: 'a server address is needed with dispatch "nats" (e.g. "nats://127.0.0.1:4222")',
});
/** A validated `.odw/config.json`. */
export type OdwConfig = z.infer<typeof ConfigSchema>;

/** Validates config JSON text; throws {@link ConfigError} with the first problem per key. */
export function parseConfig(text: string, where: string): OdwConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`invalid ${where}: not JSON (${(e as Error).message})`);
  }
  const checked = ConfigSchema.safeParse(raw);
  if (checked.success) return checked.data;
  const problems = checked.error.issues.map((issue) => {
    const path = issue.path.join(".");
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === "unrecognized_keys" && keys) {
      return `${path ? `${path}: ` : ""}unknown key${keys.length > 1 ? "s" : ""} ${
        keys.map((k) => `"${k}"`).join(", ")
      }`;
    }
    return `${path || "config"}: ${issue.message}`;
  });
  throw new ConfigError(`invalid ${where}: ${problems.join("; ")}`);
}
