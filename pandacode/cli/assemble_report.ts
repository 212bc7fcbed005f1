/**
 * Report assembly: wraps whatever the executor did (returned an outcome, threw, or hung past the
 * grace period) into the public {@link Report}, adding runtime, provider/model, duration and
 * filesChanged, and forcing status `timeout`/`cancelled` when the task's signal fired. The result is
 * always validated with {@link ReportSchema}; an executor that returns something invalid yields a
 * `failed` report with an `internal` error instead.
 *
 * @example
 * ```ts
 * const report = assembleReport({ task, settled, abortReason: null, abortDetail: "", durationMs: 1200,
 *   filesChanged: ["a.txt"] });
 * ```
 * @module
 */
import type { ExecutorOutcome, Task } from "../executor.ts";
import { emptyUsage, type NodeError, nodeError, type Report } from "../../src/common/contract.ts";
import { ReportSchema } from "../../src/common/contract_schema.ts";
import type { AbortReason, Settled } from "./abort.ts";

/** Everything the report is made of. */
export interface ReportParts {
  task: Task;
  settled: Settled<ExecutorOutcome>;
  abortReason: AbortReason | null;
  /** Human explanation of the abort, e.g. "timed out after 30s" or "cancelled by SIGINT". */
  abortDetail: string;
  durationMs: number;
  filesChanged: string[];
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function emptyOutcome(error: NodeError): ExecutorOutcome {
  return { status: "failed", text: "", usage: emptyUsage(), costUsd: null, sessionId: null, error };
}

/** The executor's outcome, or a failed one standing in for a throw or a hang. */
function outcomeOf(settled: Settled<ExecutorOutcome>, abortDetail: string): ExecutorOutcome {
  if (settled.kind === "returned") return settled.value;
  if (settled.kind === "threw") {
    return emptyOutcome(nodeError("internal", errorMessage(settled.error)));
  }
  return emptyOutcome(
    nodeError(
      "internal",
      `the runtime did not stop within the grace period after the task was ${abortDetail}`,
    ),
  );
}

function abortError(reason: AbortReason, detail: string): NodeError {
  return nodeError(reason, `task ${detail}`);
}

/** Builds the report from its parts (before validation). */
function draftReport(parts: ReportParts): Report {
  const outcome = outcomeOf(parts.settled, parts.abortDetail);
  let status = outcome.status;
  let error = outcome.error;
  if (parts.abortReason !== null) {
    status = parts.abortReason;
    const keep = outcome.status === parts.abortReason && error !== null;
    if (!keep) error = abortError(parts.abortReason, parts.abortDetail);
  }
  return {
    status,
    runtime: parts.task.runtime,
    provider: outcome.provider ?? parts.task.provider ?? null,
    model: outcome.model ?? parts.task.model ?? null,
    text: outcome.text,
    output: outcome.output ?? null,
    usage: outcome.usage,
    costUsd: outcome.costUsd,
    durationMs: Math.max(0, Math.round(parts.durationMs)),
    filesChanged: parts.filesChanged,
    sessionId: outcome.sessionId,
    error,
  };
}

/** The validated report for a finished (or abandoned) task. */
export function assembleReport(parts: ReportParts): Report {
  const draft = draftReport(parts);
  const checked = ReportSchema.safeParse(draft);
  if (checked.success) return checked.data;
  const problems = checked.error.issues
    .map((issue) => `${issue.path.join(".") || "report"}: ${issue.message}`)
    .join("; ");
  return draftReport({
    ...parts,
    settled: {
      kind: "threw",
      error: new Error(`the ${parts.task.runtime} runtime returned an invalid outcome (${problems})`),
    },
  });
}
