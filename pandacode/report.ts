/**
 * The pandacode report: the one JSON object `pandacode run --json` prints, and odw's contract with it.
 *
 * Exported as a zod schema so odw (and tests) can validate what a pandacode process printed.
 *
 * @example
 * ```ts
 * import { ReportSchema } from "./report.ts";
 * const report = ReportSchema.parse(JSON.parse(stdout));
 * ```
 * @module
 */
import { z } from "zod";

/** Runtimes pandacode can drive. */
export const RUNTIMES = ["codex", "claude", "bamboo"] as const;
/** One of {@link RUNTIMES}. */
export type Runtime = typeof RUNTIMES[number];

/** Final status of a task. */
export const StatusSchema = z.enum(["completed", "failed", "timeout", "cancelled"]);

/** Token usage as reported by the runtime (summed over steps). */
export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
});

/** Why a task did not complete. `retryable` tells odw whether another try may help. */
export const ErrorSchema = z.object({
  kind: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});

/** The whole report. */
export const ReportSchema = z.object({
  status: StatusSchema,
  runtime: z.enum(RUNTIMES),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  text: z.string(),
  output: z.unknown().nullable(),
  usage: UsageSchema,
  costUsd: z.number().nonnegative().nullable(),
  durationMs: z.number().nonnegative(),
  filesChanged: z.array(z.string()),
  sessionId: z.string().nullable(),
  error: ErrorSchema.nullable(),
});

/** A validated pandacode report. */
export type Report = z.infer<typeof ReportSchema>;
/** Report usage block. */
export type ReportUsage = z.infer<typeof UsageSchema>;
/** Report error block. */
export type ReportError = z.infer<typeof ErrorSchema>;
