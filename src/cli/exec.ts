/**
 * `odw exec <script.js>`: checks the script, runs it on a backend, shows live progress, prints the
 * result (or one JSON object with `--json`), and exits 0 completed / 1 failed / 2 refused or bad usage.
 *
 * @module
 */
import { resolve } from "node:path";
import type { Backend } from "../backends/backend.ts";
import { MockBackend } from "../backends/mock.ts";
import { jsonForTerminal, terminalText } from "../common/terminal_text.ts";
import { executeRun, type RunOutcome } from "../engine/run.ts";
import { recordRefusal } from "../engine/run_dir.ts";
import { defaultConcurrency } from "../engine/scheduler.ts";
import { analyzeScript } from "../script/analyze.ts";
import { ConfigError, loadConfig, type OdwConfig } from "../engine/config.ts";
import { parseCommandArgs } from "./argv.ts";
import { durationFlag, GUARDRAIL_FLAGS, GUARDRAIL_HELP, guardrailOptions } from "./exec_guardrails.ts";
import { summaryLine } from "./summary.ts";
import { progressFor } from "./progress.ts";
import { parseJsonOrUsage, positiveInt, readTextOrUsage, UsageError } from "../common/cli_kit.ts";

/** Help text of `odw exec`. */
export const EXEC_HELP = `Usage: odw exec <script.js> [options]   (or --script <path>)

Runs a workflow script on a backend and prints its result.

Options:
  --args <json>            the workflow's args (JSON); absent means undefined
  --args-file <file>       read args JSON from a file
  --backend <name>         mock (default)
  --mock-scenario <file>   script the mock backend's replies (see README "Mock scenarios")
  --concurrency <n>        global cap on agents running at once (default ${defaultConcurrency()})
  --budget <tokens>        hard ceiling on output tokens for the whole run
  --timeout <duration>     stop the whole run after this long (e.g. 30s, 5m)
  --run-dir <dir>          where run records go (default .odw/runs)
${GUARDRAIL_HELP}
  --json                   print one JSON object on stdout
  --quiet                  no live progress on stderr
  -h, --help               this help`;

/** Exit codes of a finished run. */
export const EXIT = { completed: 0, failed: 1, refused: 2 } as const;

/** Runs `odw exec` with its own argv; returns the exit code. */
export async function execCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("exec", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      script: { type: "string" },
      args: { type: "string" },
      "args-file": { type: "string" },
      backend: { type: "string", default: "mock" },
      "mock-scenario": { type: "string" },
      concurrency: { type: "string" },
      budget: { type: "string" },
      timeout: { type: "string" },
      "run-dir": { type: "string", default: ".odw/runs" },
      ...GUARDRAIL_FLAGS,
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(EXEC_HELP);
    return 0;
  }
  const scriptArg = values.script ?? positionals[0];
  if (!scriptArg) throw new UsageError("exec needs a script: odw exec <script.js>");
  if (values.script && positionals.length > 0 || positionals.length > 1) {
    throw new UsageError(`unexpected argument "${positionals[values.script ? 0 : 1]}"`);
  }
  if (values.args !== undefined && values["args-file"] !== undefined) {
    throw new UsageError("give either --args or --args-file, not both");
  }
  const scriptPath = resolve(scriptArg);
  const source = await readTextOrUsage(scriptPath, "script");
  let args: unknown;
  let hasArgs = false;
  if (values.args !== undefined) {
    args = parseJsonOrUsage(values.args, "--args");
    hasArgs = true;
  } else if (values["args-file"] !== undefined) {
    args = parseJsonOrUsage(await readTextOrUsage(values["args-file"], "args file"), values["args-file"]);
    hasArgs = true;
  }
  const concurrency = positiveInt(values.concurrency, "--concurrency") ?? defaultConcurrency();
  const budget = positiveInt(values.budget, "--budget") ?? null;
  const timeoutMs = durationFlag(values.timeout, "--timeout");
  const config = await loadConfigOrUsage(Deno.cwd());
  const guardrails = guardrailOptions(values, config);
  const backend = await makeBackend(values.backend, values["mock-scenario"]);
  const runsDir = resolve(values["run-dir"]);
  try {
    await Deno.mkdir(runsDir, { recursive: true });
  } catch (e) {
    const reason = e instanceof Deno.errors.AlreadyExists || e instanceof Deno.errors.NotADirectory
      ? "a file is in the way"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message.split(":")[0];
    throw new UsageError(`cannot create run directory ${runsDir}: ${reason}`);
  }

  const analysis = analyzeScript(source);
  if (!analysis.ok) {
    // As the built-in's tool reports a script its engine cannot compile.
    const error = analysis.error.startsWith("SyntaxError:")
      ? `Workflow script has a syntax error and was not launched:\n${analysis.error}`
      : analysis.error;
    const refused = await recordRefusal(runsDir, scriptPath, source, error);
    report(refused, values.json, values.quiet);
    return EXIT.refused;
  }

  const progress = progressFor(values.quiet);
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  let outcome: RunOutcome;
  try {
    outcome = await executeRun({
      scriptPath,
      source,
      body: analysis.body,
      name: analysis.meta.name,
      args,
      hasArgs,
      backend,
      concurrency,
      budget,
      ...guardrails,
      timeoutMs,
      runsDir,
      projectDir: Deno.cwd(),
      signal: cancel.signal,
      onEvent: (e) => progress.onEvent(e),
    });
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    progress.close();
  }
  report(outcome, values.json, values.quiet);
  return EXIT[outcome.status];
}

/** `.odw/config.json` of the project, or a one-line UsageError naming the bad key. */
async function loadConfigOrUsage(projectDir: string): Promise<OdwConfig> {
  try {
    return await loadConfig(projectDir);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

async function makeBackend(name: string, scenarioPath: string | undefined): Promise<Backend> {
  if (name !== "mock") throw new UsageError(`unknown backend "${name}" (available: mock)`);
  if (scenarioPath === undefined) return new MockBackend();
  try {
    const { loadScenario } = await import("../backends/mock_scenario.ts");
    return new MockBackend(await loadScenario(scenarioPath));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Prints the outcome: JSON on stdout with `--json`, else result on stdout and a summary on stderr. */
function report(outcome: RunOutcome, json: boolean, quiet = false): void {
  if (json) {
    console.log(jsonForTerminal({
      runId: outcome.runId,
      name: outcome.name,
      status: outcome.status,
      result: outcome.result ?? null,
      error: outcome.error ?? null,
      logs: outcome.logs,
      agentCount: outcome.agentCount,
      nodeCounts: outcome.nodeCounts,
      usage: outcome.usage,
      costUsd: outcome.costUsd,
      byModel: outcome.byModel,
      durationMs: outcome.durationMs,
      runDir: outcome.runDir,
    }));
    return;
  }
  if (outcome.status === "completed") {
    if (outcome.result !== undefined) console.log(jsonForTerminal(outcome.result, undefined, 2));
  } else {
    console.error(terminalText(String(outcome.error)));
  }
  if (quiet) return;
  console.error(terminalText(summaryLine(outcome)));
}
