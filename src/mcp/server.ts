/**
 * `odw mcp`'s server: the MCP tools over one project, built on the official SDK's `McpServer`.
 *
 * - `run_workflow`: a script's text or a named workflow, with args, backend (mock with an optional
 *   scenario, or pandacode with routing), budget and timeout. It waits for the outcome up to
 *   `waitSeconds` (default {@link DEFAULT_WAIT_SECONDS}, under the 60 s an MCP client commonly allows a
 *   call); a run still going then is reported `running` with its id, and goes on in the server.
 * - `get_run`, `get_report`, `cancel_run`, `list_runs`: a run's status, result and report path, read
 *   from the run records (`src/records/`).
 * - `list_workflows`: the named workflows of `.odw/workflows` and `.claude/workflows`.
 *
 * Every failure is a tool error whose text is one line; the server itself never stops for one.
 * Inputs are capped: script text at 1 MiB, args and scenario at {@link MAX_ARGS_BYTES} of JSON, and
 * the whole call at {@link MAX_INPUT_ELEMENTS} array items and object members.
 *
 * @module
 */
// The SDK's `./*` export maps `x.js` to types at `x.js.d.ts`, which it does not ship: name them.
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import { z } from "zod";
import { runWorkflow, type RunWorkflowOptions, type WorkflowOutcome } from "../api/run_workflow.ts";
import { UsageError } from "../common/cli_kit.ts";
import { EFFORTS, RUNTIMES } from "../common/contract.ts";
import { findNamedWorkflow, listNamedWorkflows } from "../engine/named_workflows.ts";
import { MAX_WORKFLOW_SCRIPT_BYTES } from "../engine/workflow_file.ts";
import { listRuns } from "../records/list.ts";
import { LOG_TAIL, type McpRuns, settled } from "./runs.ts";

/** How long `run_workflow` waits for the outcome by default, in seconds. */
export const DEFAULT_WAIT_SECONDS = 50;
/** Largest args (and scenario) a call may pass, as UTF-8 bytes of JSON. */
export const MAX_ARGS_BYTES = 4 * 1024 * 1024;
/** Largest number of array items and object members in one call's arguments. */
export const MAX_INPUT_ELEMENTS = 200_000;

/** Where the server works. */
export interface ServerPlace {
  /** The project: agents run here, named workflows and `.odw/config.json` are read here. */
  projectDir: string;
  /** The run records directory. */
  runsDir: string;
  /** odw's version, for the server's name. */
  version: string;
}

const RUN_INPUT = {
  // Characters first (cheap), then the bytes the cap is about: a character may take up to 3 of them.
  script: z.string().max(MAX_WORKFLOW_SCRIPT_BYTES).refine(
    (text) => new TextEncoder().encode(text).length <= MAX_WORKFLOW_SCRIPT_BYTES,
    { message: `the script is over ${MAX_WORKFLOW_SCRIPT_BYTES} bytes (UTF-8)` },
  ).optional().describe(
    "The workflow script's text (JavaScript; first statement `export const meta = { name, description }`). Give this or `name`.",
  ),
  name: z.string().max(255).optional().describe(
    "A named workflow of the project (.odw/workflows/NAME.js, then .claude/workflows/NAME.js; see list_workflows).",
  ),
  args: z.unknown().optional().describe("The workflow's `args` (any JSON value)."),
  backend: z.enum(["mock", "pandacode"]).optional().describe(
    "mock (no model, deterministic) or pandacode (real agents). Default: as `odw exec` chooses (config, else mock).",
  ),
  scenario: z.record(z.string(), z.unknown()).optional().describe(
    "A mock scenario (the JSON of `odw exec --mock-scenario`): scripted replies per label or prompt.",
  ),
  runtime: z.enum(RUNTIMES).optional().describe("Default runtime of every agent (pandacode)."),
  provider: z.string().max(200).optional().describe("Default provider (bamboo: deepseek, kimi, qwen, …)."),
  model: z.string().max(200).optional().describe("Default model."),
  effort: z.enum(EFFORTS).optional().describe("Default effort."),
  budget: z.number().int().positive().optional().describe("Hard ceiling on output tokens for the run."),
  timeoutSeconds: z.number().positive().max(7 * 24 * 3600).optional().describe(
    "Stop the run after this long.",
  ),
  waitSeconds: z.number().min(0).max(3600).optional().describe(
    `Wait this long for the outcome (default ${DEFAULT_WAIT_SECONDS}); a run still going is reported ` +
      "`running` with its runId (poll get_run). 0 returns at once.",
  ),
};

const RUN_ID = {
  runId: z.string().max(200).describe("A run id (or a unique prefix of one), as list_runs shows."),
};

/** A tool's answer: its JSON, pretty-printed. */
function json(value: unknown, isError = false): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
    ...(isError ? { isError } : {}),
  };
}

/** A tool error: one line. */
function failure(message: string): CallToolResult {
  const line = message.replace(/\s*\n\s*/g, " ").slice(0, 2000);
  return { content: [{ type: "text", text: line }], isError: true };
}

/** Runs a tool body; a UsageError (bad input) or any other error becomes a one-line tool error. */
async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) return failure(e.message);
    return failure(`internal error: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** UTF-8 bytes of a value's JSON; a UsageError when it is too large or cannot be JSON. */
function checkJsonSize(value: unknown, what: string): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new UsageError(`${what} is not JSON: ${(e as Error).message}`);
  }
  const bytes = new TextEncoder().encode(text ?? "").length;
  if (bytes > MAX_ARGS_BYTES) {
    throw new UsageError(`${what} is ${bytes} bytes of JSON; the limit is ${MAX_ARGS_BYTES}`);
  }
}

type RunInput = { [K in keyof typeof RUN_INPUT]?: z.infer<typeof RUN_INPUT[K]> };

/** The script to run: its text, or the named workflow's file. */
async function scriptOf(input: RunInput, projectDir: string): Promise<{ source: string; path?: string }> {
  if ((input.script === undefined) === (input.name === undefined)) {
    throw new UsageError("give either script (the text) or name (a named workflow), not both");
  }
  if (input.script !== undefined) return { source: input.script };
  const file = await findNamedWorkflow(input.name!, projectDir);
  if (file) return { source: file.text, path: file.path };
  const names = (await listNamedWorkflows(projectDir)).map((w) => w.name);
  throw new UsageError(
    `no workflow named "${input.name!.slice(0, 80)}" (available: ${names.join(", ") || "none"})`,
  );
}

/** `run_workflow`'s input as {@link runWorkflow}'s options. */
function runOptions(input: RunInput, place: ServerPlace, signal: AbortSignal): RunWorkflowOptions {
  if ("args" in input && input.args !== undefined) checkJsonSize(input.args, "args");
  if (input.scenario !== undefined) checkJsonSize(input.scenario, "scenario");
  const backend = input.backend === "pandacode"
    ? { name: "pandacode" as const }
    : input.backend === "mock" || input.scenario !== undefined
    ? { name: "mock" as const, scenario: input.scenario }
    : undefined;
  if (input.backend === "pandacode" && input.scenario !== undefined) {
    throw new UsageError("a scenario needs the mock backend");
  }
  return {
    ...(input.args === undefined ? {} : { args: input.args }),
    backend,
    routing: { runtime: input.runtime, provider: input.provider, model: input.model, effort: input.effort },
    limits: {
      budget: input.budget,
      timeoutMs: input.timeoutSeconds === undefined ? undefined : Math.ceil(input.timeoutSeconds * 1000),
    },
    projectDir: place.projectDir,
    runsDir: place.runsDir,
    signal,
  };
}

/** What `run_workflow` answers for a run that ended. */
function ended(outcome: WorkflowOutcome): CallToolResult {
  const view = {
    runId: outcome.runId,
    name: outcome.name,
    status: outcome.status,
    ...(outcome.result === undefined ? {} : { result: outcome.result }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    logs: outcome.logs.slice(-LOG_TAIL),
    agents: outcome.agentCount,
    usage: outcome.usage,
    costUsd: outcome.costUsd,
    durationMs: outcome.durationMs,
    runDir: outcome.runDir,
    report: outcome.report,
  };
  return json(view, outcome.status === "refused" || outcome.status === "failed");
}

/** Creates the server with odw's tools; `runs` keeps the runs it starts. */
export function createServer(place: ServerPlace, runs: McpRuns): McpServer {
  const server = new McpServer(
    { name: "odw", version: place.version },
    { maxToolInputElements: MAX_INPUT_ELEMENTS },
  );
  server.registerTool("run_workflow", {
    description: "Run an odw workflow (script text or a named workflow) on the mock or through pandacode. " +
      "Returns the outcome (status, result, report path), or `running` with the runId when it takes " +
      "longer than waitSeconds.",
    inputSchema: RUN_INPUT,
  }, (input) =>
    guarded(async () => {
      const { source, path } = await scriptOf(input, place.projectDir);
      const { runId, run } = await runs.start((signal) =>
        runWorkflow(source, { ...runOptions(input, place, signal), scriptPath: path })
      );
      const waitMs = (input.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
      if (await settled(run.outcome, waitMs)) return ended(await run.outcome);
      return json({ runId, status: "running", note: "poll get_run with this runId; cancel_run stops it" });
    }));
  server.registerTool("get_run", {
    description: "A run's status, result or error, last log lines and report path, from its run record.",
    inputSchema: RUN_ID,
  }, ({ runId }) => guarded(async () => json(await runs.view(runId))));
  server.registerTool("get_report", {
    description: "The path of a run's report.html (written now when it is missing or the run is going).",
    inputSchema: RUN_ID,
  }, ({ runId }) => guarded(async () => json({ runId, report: await runs.report(runId) })));
  server.registerTool("cancel_run", {
    description: "Cancel a run this server started; finished agents stay journaled (odw resume goes on).",
    inputSchema: RUN_ID,
  }, ({ runId }) => guarded(async () => json(await runs.cancel(runId, 30_000))));
  server.registerTool("list_runs", {
    description: "The most recent runs (newest first): id, name, status, agents, tokens.",
    inputSchema: {
      limit: z.number().int().positive().max(1000).optional().describe("At most this many (20)."),
    },
  }, ({ limit }) =>
    guarded(async () => {
      const rows = await listRuns(place.runsDir);
      return json(rows.slice(0, limit ?? 20).map(({ pid: _pid, ...row }) => row));
    }));
  server.registerTool("list_workflows", {
    description: "The project's named workflows (.odw/workflows, .claude/workflows): name, description, " +
      "whenToUse, phases.",
    inputSchema: {},
  }, () => guarded(async () => json(await listNamedWorkflows(place.projectDir))));
  return server;
}
