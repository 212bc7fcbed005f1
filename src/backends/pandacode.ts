/**
 * The `pandacode` backend: every try of a node is one pandacode task (`pandacode run … --json`, the
 * prompt on stdin), and the report it prints — validated with the shared `ReportSchema` — is the try's
 * result. Two ways to run it behind the same contract:
 *
 * - **in-process** (the default for the bundled executors): the same code path as `pandacode run`
 *   (`resolveTask` + `executeTask`), called directly, without a process per node;
 * - **process**: spawns a pandacode-compatible executable per try (`--pandacode <path>`,
 *   `ODW_PANDACODE_BIN`, or config `pandacode`), in its own process group, killed on abort.
 *
 * The engine owns the schema tries: a try after a schema mismatch gets the previous try's validation
 * errors appended to its prompt. Prices and each runtime's defaults come from pandacode's tables.
 *
 * @example
 * ```ts
 * const backend = new PandacodeBackend({ kind: "in-process" });
 * const got = await backend.run({ key, prompt, label, runtime: "bamboo", cwd, attempt: 1 }, signal);
 * ```
 * @module
 */
import { type NodeError, nodeError, type Report } from "../common/contract.ts";
import { isRuntime, listPrice, runtimeDefaults } from "../../pandacode/runtimes.ts";
import type { Backend, NodeRequest, Price, RoutingDefaults, TryResult } from "./backend.ts";
import { runPandacodeProcess } from "./pandacode_process.ts";

/** How pandacode tasks are run. */
export type PandacodeMode =
  | { kind: "in-process" }
  /** `command[0]` is the executable, the rest its leading arguments (before `run`). */
  | { kind: "process"; command: string[] };

/** One task for a runner: pandacode's `run` flags and the prompt (sent on stdin). */
export interface PandacodeTask {
  args: string[];
  prompt: string;
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onActivity?: () => void;
}

/** A runner's answer: the validated report, or why there is none. */
export type PandacodeAnswer = { report: Report } | { error: NodeError };

/** The flags of `pandacode run` for one request (no prompt: it goes on stdin). */
export function runArgs(request: NodeRequest): string[] {
  const args = ["run", "--runtime", request.runtime ?? ""];
  if (request.provider !== undefined) args.push("--provider", request.provider);
  if (request.model !== undefined) args.push("--model", request.model);
  args.push("--cwd", request.cwd);
  if (request.schema !== undefined) args.push("--schema", JSON.stringify(request.schema));
  if (request.effort !== undefined) args.push("--effort", request.effort);
  if (request.maxOutputTokens !== undefined) {
    args.push("--max-output-tokens", String(Math.max(1, request.maxOutputTokens)));
  }
  // The engine owns retries (bamboo's transport retries off); heartbeat lines are signs of life.
  args.push("--retries", "0", "--heartbeat", "--json");
  return args;
}

/** The prompt of a try: the node's prompt, plus the previous try's validation errors after a mismatch. */
export function promptOf(request: NodeRequest): string {
  if (request.feedback === undefined) return request.prompt;
  return `${request.prompt}\n\n---\nYour previous answer was rejected. ${request.feedback}\n` +
    "Answer again, with output that matches the required schema exactly.";
}

/**
 * A report as the engine's try result. An executor's own schema failure (kind `schema`: its one
 * structured-output attempt missed) comes back as an answer for the engine to check, so the engine's
 * schema tries go on with the validation errors as feedback, as for any other mismatch.
 */
export function tryResultOf(report: Report): TryResult {
  const schemaMiss = report.status === "failed" && report.error?.kind === "schema";
  const result: TryResult = {
    status: schemaMiss ? "completed" : report.status,
    text: report.text,
    usage: report.usage,
    costUsd: report.costUsd,
    durationMs: report.durationMs,
    runtime: report.runtime,
    provider: report.provider,
    model: report.model,
    filesChanged: report.filesChanged,
  };
  if (report.output !== null) result.output = report.output;
  if (report.error !== null && !schemaMiss) result.error = report.error;
  return result;
}

function failed(error: NodeError, request: NodeRequest): TryResult {
  return {
    status: "failed",
    usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0 },
    durationMs: 0,
    error,
    runtime: request.runtime,
    provider: request.provider ?? null,
    model: request.model ?? null,
  };
}

/** Runs node tries through pandacode. */
export class PandacodeBackend implements Backend {
  readonly name = "pandacode";
  readonly mode: PandacodeMode;
  readonly detail: string;
  readonly #env: () => Record<string, string>;

  /** `env`: the environment tasks get (default: this process's, read at each try). */
  constructor(mode: PandacodeMode, env: () => Record<string, string> = () => Deno.env.toObject()) {
    this.mode = mode;
    this.detail = mode.kind === "in-process" ? "in-process" : `process ${mode.command.join(" ")}`;
    this.#env = env;
  }

  async run(request: NodeRequest, signal: AbortSignal, onActivity?: () => void): Promise<TryResult> {
    if (request.runtime === undefined) {
      return failed(
        nodeError(
          "bad_input",
          "no runtime for this node: set agent(p, { runtime }), runtime in .odw/config.json, or --runtime " +
            "(codex, claude or bamboo)",
        ),
        request,
      );
    }
    const task: PandacodeTask = {
      args: runArgs(request),
      prompt: promptOf(request),
      cwd: request.cwd,
      env: this.#env(),
      signal,
      onActivity,
    };
    const answer = this.mode.kind === "process"
      ? await runPandacodeProcess(this.mode.command, task)
      : await (await import("./pandacode_inprocess.ts")).runPandacodeInProcess(task);
    return "report" in answer ? tryResultOf(answer.report) : failed(answer.error, request);
  }

  priceOf(routing: Pick<NodeRequest, "runtime" | "provider" | "model">): Price | null {
    if (routing.runtime === undefined || !isRuntime(routing.runtime)) return null;
    const prices = listPrice(routing.runtime, routing.provider ?? null, routing.model ?? null);
    if (!prices) return null;
    const price: Price = {
      inputPerMTok: prices.inputPerMillion,
      outputPerMTok: prices.outputPerMillion,
      asOf: prices.asOf,
    };
    if (prices.cachedInputPerMillion !== undefined) price.cachedInputPerMTok = prices.cachedInputPerMillion;
    if (prices.source !== undefined) price.source = prices.source;
    if (prices.note !== undefined) price.note = prices.note;
    return price;
  }

  routingDefaults(runtime: string, provider?: string): RoutingDefaults | null {
    if (!isRuntime(runtime)) return null;
    const defaults = runtimeDefaults(runtime, provider);
    return { provider: defaults.provider, model: defaults.model, note: defaults.note };
  }
}
