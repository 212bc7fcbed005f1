/**
 * The library's way to run a workflow: {@link runWorkflow} takes a script's text and typed options,
 * sets the run up as `odw exec` does (the same backend choice, `.odw/config.json`, routing and
 * guardrails, the same checks and run record) and hands back the run's events as they happen and its
 * outcome. Options map onto `odw exec`'s flags, so a bad one is rejected with the same one-line
 * message (a {@link UsageError}) before anything runs.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { Scenario } from "../backends/mock_scenario.ts";
import type { Effort, Runtime } from "../common/contract.ts";
import { UsageError } from "../common/cli_kit.ts";
import type { RunEvent } from "../engine/events.ts";
import { type CheckedScript, makeRunsDir, refuseScript, runChecked } from "../engine/launch.ts";
import type { RunOutcome } from "../engine/run.ts";
import { defaultConcurrency } from "../engine/scheduler.ts";
import { writeRunReport } from "../report/write.ts";
import { analyzeScript } from "../script/analyze.ts";
import { guardrailOptions } from "../cli/exec_guardrails.ts";
import { commandLineRouting, setupRun } from "../cli/exec_setup.ts";
import { EventStream } from "./event_stream.ts";

/**
 * Which backend runs the workflow's agents.
 *
 * @example
 * ```ts
 * const mock: BackendOption = { name: "mock", scenario: { rules: [{ label: "review", reply: "LGTM" }] } };
 * const real: BackendOption = { name: "pandacode" }; // in-process; or { name: "pandacode", executable }
 * ```
 */
export type BackendOption =
  /** The deterministic mock (no model), optionally scripted by a scenario (README "Mock scenarios"). */
  | { name: "mock"; scenario?: Scenario }
  /** pandacode: in-process, or this pandacode-compatible executable per try. */
  | { name: "pandacode"; executable?: string };

/**
 * Default routing of every node (a node's own options and the config's phases win).
 *
 * @example
 * ```ts
 * const routing: RoutingOption = { runtime: "bamboo", provider: "deepseek", effort: "high", timeoutMs: 600_000 };
 * ```
 */
export interface RoutingOption {
  runtime?: Runtime;
  provider?: string;
  model?: string;
  effort?: Effort;
  /** Per-node timeout in milliseconds. */
  timeoutMs?: number;
}

/**
 * Caps on the run as a whole.
 *
 * @example
 * ```ts
 * const limits: RunLimits = { budget: 200_000, timeoutMs: 30 * 60_000, concurrency: 4, maxCostUsd: 5 };
 * ```
 */
export interface RunLimits {
  /** Hard ceiling on output tokens for the whole run (`--budget`). */
  budget?: number;
  /** Stop the run after this many milliseconds (`--timeout`); it ends `failed`. */
  timeoutMs?: number;
  /** Agents running at once (`--concurrency`; default: CPUs − 2, between 2 and 16). */
  concurrency?: number;
  /** The run's cost ceiling in USD (`--max-cost`). */
  maxCostUsd?: number;
  /** Memory cap of the workflow's sandbox in MiB (`--max-memory`; default 1024). */
  maxMemoryMb?: number;
  /** Extra tries of a node for retryable failures, 0 to 10 (`--retries`). */
  retries?: number;
}

/**
 * Options of {@link runWorkflow}; all optional.
 *
 * @example
 * ```ts
 * const options: RunWorkflowOptions = {
 *   args: { files: ["src/a.ts"] },
 *   backend: { name: "mock" },
 *   projectDir: "/path/to/repo",
 *   limits: { concurrency: 2 },
 *   signal: AbortSignal.timeout(60_000),
 * };
 * ```
 */
export interface RunWorkflowOptions {
  /** The workflow's `args` (JSON-compatible). Left out, `args` is undefined in the script. */
  args?: unknown;
  /** Default: as `odw exec` chooses (config `backend`, pandacode when a runtime is set, else mock). */
  backend?: BackendOption;
  /** Default routing of every node. */
  routing?: RoutingOption;
  limits?: RunLimits;
  /** Any failed or timed-out node fails the run (`--strict`). */
  strict?: boolean;
  /** Agents run here; `.odw/config.json` and named child workflows are read here. Default: the cwd. */
  projectDir?: string;
  /** Where the run record goes. Default: `<projectDir>/.odw/runs`. */
  runsDir?: string;
  /** The script's path as the run record names it (default: none; resume then uses the record's copy). */
  scriptPath?: string;
  /** Aborting cancels the run: running agents are stopped, finished ones stay journaled. */
  signal?: AbortSignal;
  /** Write the run's `report.html` when it ends (default true). */
  report?: boolean;
}

/**
 * How a run ended, with the path of its report.
 *
 * @example
 * ```ts
 * function summary(outcome: WorkflowOutcome): string {
 *   return `${outcome.runId} ${outcome.status}: ${outcome.agentCount} agents, ` +
 *     `${outcome.usage.outputTokens} output tokens, report ${outcome.report ?? "none"}`;
 * }
 * ```
 */
export interface WorkflowOutcome extends RunOutcome {
  /** The run's `report.html`, or null when none was written. */
  report: string | null;
}

/**
 * A run under way.
 *
 * @example
 * ```ts
 * async function follow(run: WorkflowRun): Promise<unknown> {
 *   console.error("run", await run.runId);
 *   for await (const event of run.events) if (event.type === "phase") console.error("phase", event.title);
 *   return (await run.outcome).result;
 * }
 * ```
 */
export interface WorkflowRun {
  /** The run's id, as soon as its record exists. */
  runId: Promise<string>;
  /**
   * Every event of the run in order (the journal's events), ending when the run ends. Each `for await`
   * starts from the first event. A script refused by the static checks has no events.
   */
  events: AsyncIterable<RunEvent>;
  /**
   * How the run ended. It does not reject for the workflow's own failures: a script the static checks
   * refuse resolves with status `refused` and `error`; a throwing script, `failed`; an abort,
   * `cancelled`. It rejects only when odw itself fails (e.g. the disk is full).
   */
  outcome: Promise<WorkflowOutcome>;
}

/** The `odw exec` flag values the options stand for (so both are checked by one code path). */
function flagValues(options: RunWorkflowOptions) {
  const text = (value: number | undefined, unit = "") => value === undefined ? undefined : `${value}${unit}`;
  return {
    runtime: options.routing?.runtime,
    provider: options.routing?.provider,
    model: options.routing?.model,
    effort: options.routing?.effort,
    "node-timeout": text(options.routing?.timeoutMs, "ms"),
    "max-cost": text(options.limits?.maxCostUsd),
    retries: text(options.limits?.retries),
    strict: options.strict,
  };
}

/** A positive whole number or undefined; otherwise a UsageError naming the option. */
function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && value > 0)) return value;
  throw new UsageError(`limits.${name} must be a positive whole number, got ${value}`);
}

/**
 * Runs a workflow script (its text) to its end, in the background. Resolves once the run is set up
 * (options, config and backend checked); rejects with a one-line {@link UsageError} for a bad option.
 *
 * @example
 * ```ts
 * const source = `export const meta = { name: "hi", description: "greets" };
 * return await agent("Say hi to " + args.who);`;
 * const run = await runWorkflow(source, { args: { who: "Ada" }, backend: { name: "mock" } });
 * for await (const event of run.events) {
 *   if (event.type === "node.finished") console.error(event.status);
 * }
 * const outcome = await run.outcome;
 * console.log(outcome.status, outcome.result, outcome.report);
 * ```
 */
export async function runWorkflow(source: string, options: RunWorkflowOptions = {}): Promise<WorkflowRun> {
  const projectDir = resolve(options.projectDir ?? Deno.cwd());
  const runsDir = resolve(projectDir, options.runsDir ?? join(".odw", "runs"));
  const limits = options.limits ?? {};
  const values = flagValues(options);
  const setup = await setupRun(
    {
      backend: options.backend?.name,
      mockScenario: options.backend?.name === "mock" ? options.backend.scenario : undefined,
      pandacode: options.backend?.name === "pandacode" ? options.backend.executable : undefined,
      routing: commandLineRouting(values),
    },
    Deno.env.toObject(),
    projectDir,
  );
  const guardrails = guardrailOptions(values, setup.config);
  const concurrency = positive(limits.concurrency, "concurrency") ?? defaultConcurrency();
  const budget = positive(limits.budget, "budget") ?? null;
  const timeoutMs = positive(limits.timeoutMs, "timeoutMs");
  const maxMemoryMb = positive(limits.maxMemoryMb, "maxMemoryMb");
  await makeRunsDir(runsDir);

  const events = new EventStream<RunEvent>();
  const scriptPath = options.scriptPath === undefined ? "" : resolve(projectDir, options.scriptPath);
  const analysis = analyzeScript(source);
  let started = (_runId: string) => {};
  const runId = new Promise<string>((resolve) => started = resolve);
  const run = async (checked: CheckedScript): Promise<RunOutcome> =>
    await runChecked(checked, {
      scriptPath,
      source,
      args: options.args,
      hasArgs: "args" in options,
      backend: setup.backend,
      router: setup.router(checked.meta.phases),
      concurrency,
      budget,
      ...guardrails,
      timeoutMs,
      maxMemoryMb,
      runsDir,
      projectDir,
      signal: options.signal,
      onEvent: (event) => {
        if (event.type === "run.started") started(event.runId);
        events.push(event);
      },
    });
  const outcome = (async (): Promise<WorkflowOutcome> => {
    const ended = analysis.ok
      ? await run(analysis)
      : await refuseScript(runsDir, scriptPath, source, analysis.error);
    started(ended.runId);
    return { ...ended, report: options.report === false ? null : await reportOf(ended) };
  })();
  outcome.then(() => events.end(), (error) => events.end(error));
  // A run that fails before it starts rejects runId too (its rejection is handled: outcome reports it).
  const id = Promise.race([runId, outcome.then((o) => o.runId)]);
  id.catch(() => {});
  return { runId: id, events, outcome };
}

/** Writes the run's report; null when it cannot be written (the outcome stands). */
async function reportOf(outcome: RunOutcome): Promise<string | null> {
  try {
    return await writeRunReport(outcome.runDir);
  } catch {
    return null;
  }
}
