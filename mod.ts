/**
 * odw as a library: run agent-authored JavaScript workflow scripts from your own program, on the mock
 * backend (no model; deterministic, for tests and CI) or through pandacode (codex, claude or bamboo
 * agents), with the run recorded under `.odw/runs/<runId>/` exactly as `odw exec` records it.
 *
 * Run as a program (`deno run -A jsr:@odw/odw exec wf.js`), this module is odw's command line; the
 * command line alone is also `jsr:@odw/odw/cli`. Everything heavy is loaded on first use, so importing
 * this module or running the command line does not load the engine until a run needs it.
 *
 * @example Run a workflow on the mock and print its result
 * ```ts
 * import { runWorkflow } from "@odw/odw";
 *
 * const run = await runWorkflow(
 *   `export const meta = { name: "greet", description: "says hi" };
 *    const [a, b] = await parallel([() => agent("hi in English"), () => agent("hi in French")]);
 *    return { a, b };`,
 *   { backend: { name: "mock" }, limits: { timeoutMs: 60_000 } },
 * );
 * const outcome = await run.outcome;
 * if (outcome.status !== "completed") throw new Error(outcome.error);
 * console.log(outcome.result, outcome.report);
 * ```
 * @module
 */
import type { RunWorkflowOptions, WorkflowRun } from "./src/api/run_workflow.ts";
import type { WorkflowCheck } from "./src/api/check_workflow.ts";

export type {
  BackendOption,
  RoutingOption,
  RunLimits,
  RunWorkflowOptions,
  WorkflowOutcome,
  WorkflowRun,
} from "./src/api/run_workflow.ts";
export type { WorkflowCheck } from "./src/api/check_workflow.ts";
export type { RunEvent, RunStatus } from "./src/engine/events.ts";
export type { Scenario } from "./src/backends/mock_scenario.ts";
export type { CallSite, WorkflowMeta } from "./src/script/types.ts";

/**
 * Runs a workflow script (its source text) in odw's sandbox, on the backend the options name. It
 * resolves once the run is set up, with the run's id, its events as they happen and its outcome; a bad
 * option (unknown runtime, invalid mock scenario, unreadable `.odw/config.json`, …) rejects with one
 * line (an `Error` named `UsageError`) before anything runs. The outcome never rejects for the
 * workflow's own failures: a script the static checks refuse ends `refused` (and is recorded, as
 * `odw exec` records it), a throwing script `failed`, an aborted run `cancelled`.
 *
 * @example Events as they happen, and cancelling
 * ```ts
 * import { runWorkflow } from "@odw/odw";
 *
 * const stop = new AbortController();
 * const run = await runWorkflow(
 *   `export const meta = { name: "review", description: "reviews files" };
 *    return await parallel(args.files.map((f) => () => agent("Review " + f, { label: f })));`,
 *   {
 *     args: { files: ["a.ts", "b.ts"] },
 *     backend: { name: "mock", scenario: { default: { reply: "looks fine" } } },
 *     limits: { concurrency: 2, budget: 50_000 },
 *     signal: stop.signal,
 *   },
 * );
 * console.error("run", await run.runId);
 * for await (const event of run.events) {
 *   if (event.type === "node.finished") console.error(event.status, event.usage?.outputTokens);
 *   if (event.type === "log" && event.message.includes("give up")) stop.abort();
 * }
 * const { status, result, runDir } = await run.outcome;
 * console.log(status, result, runDir);
 * ```
 */
export async function runWorkflow(source: string, options: RunWorkflowOptions = {}): Promise<WorkflowRun> {
  const { runWorkflow } = await import("./src/api/run_workflow.ts");
  return await runWorkflow(source, options);
}

/**
 * The static checks `odw check` makes (syntax, the `meta` statement, determinism, call sites),
 * without running anything: the workflow's meta and call sites, or the one message a run would be
 * refused with.
 *
 * @example
 * ```ts
 * import { checkWorkflow } from "@odw/odw";
 *
 * const check = await checkWorkflow(`export const meta = { name: "t", description: "d" };
 * return Date.now();`);
 * if (!check.ok) console.error(check.error); // "Workflow scripts must be deterministic: …"
 * else console.log(check.meta.name, check.callSites.length);
 * ```
 */
export async function checkWorkflow(source: string): Promise<WorkflowCheck> {
  const { checkWorkflow } = await import("./src/api/check_workflow.ts");
  return checkWorkflow(source);
}

if (import.meta.main) {
  const { main } = await import("./src/cli/main.ts");
  Deno.exit(await main(Deno.args));
}
