/**
 * `odw exec <script.js>`: checks the script, runs it on a backend, shows live progress, prints the
 * result (or one JSON object with `--json`), and exits 0 completed / 1 failed / 2 refused or bad usage
 * / 130 interrupted. `odw resume` and `odw replay` run through here too (`exec_resume.ts` holds what is
 * theirs); SIGINT/SIGTERM are handled by `signals.ts`.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { jsonForTerminal, terminalLine, terminalText } from "../common/terminal_text.ts";
import type { RunOutcome } from "../engine/run.ts";
import { makeRunsDir, refuseScript, runChecked } from "../engine/launch.ts";
import { defaultConcurrency } from "../engine/scheduler.ts";
import { analyzeScript } from "../script/analyze.ts";
import { parseCommandArgs } from "./argv.ts";
import { durationFlag, GUARDRAIL_FLAGS, GUARDRAIL_HELP, guardrailOptions } from "./exec_guardrails.ts";
import { summaryLine } from "./summary.ts";
import {
  type ExecLiveView,
  REPORT_FLAGS,
  REPORT_HELP,
  saveReport,
  startLiveView,
  warmReport,
} from "./exec_report.ts";
import { progressFor } from "./progress.ts";
import { parseJsonOrUsage, positiveInt, readTextOrUsage, UsageError } from "../common/cli_kit.ts";
import { memoryFlag } from "../common/size.ts";
import {
  flagsToRecord,
  type FlagValues,
  givenFlags,
  inheritFlags,
  NO_BACKEND,
  openPrevious,
  type PreviousRun,
  resumeDispatcher,
  resumeLine,
  type ResumeReport,
  resumeReport,
} from "./exec_resume.ts";
import { EXIT_INTERRUPTED, stopOnSignals } from "./signals.ts";
import { REPLAY_HELP, RESUME_HELP } from "./resume_help.ts";
import { EXEC_ROUTING_HELP, EXEC_ROUTING_OPTIONS, setupExec } from "./exec_setup.ts";
import { dryRunPlan, dryRunText } from "./dry_run.ts";
import { resolveScriptArgument } from "./named_workflows.ts";
import { NATS_FLAGS, NATS_HELP, type NatsRun, natsUrlOf, startNatsRun } from "./exec_nats.ts";

/** Help text of `odw exec`. */
export const EXEC_HELP = `Usage: odw exec <script.js | name> [options]   (or --script <path>)

Runs a workflow script on a backend and prints its result. An argument that is not an existing
file and does not end in .js names a workflow of the project: .odw/workflows/<name>.js, else
.claude/workflows/<name>.js (odw list shows them; a note says when both folders have it).

Options:
  --args <json>            the workflow's args (JSON); absent means undefined
  --args-file <file>       read args JSON from a file
${EXEC_ROUTING_HELP}
  --mock-scenario <file>   script the mock backend's replies (see README "Mock scenarios")
  --concurrency <n>        global cap on agents running at once (default ${defaultConcurrency()})
${NATS_HELP}
  --budget <tokens>        hard ceiling on output tokens for the whole run
  --timeout <duration>     stop the whole run after this long (e.g. 30s, 5m)
  --max-memory <size>      memory cap of the workflow's sandbox (default 1g; e.g. 512m, 2g)
  --run-dir <dir>          where run records go (default .odw/runs)
  --resume-from <runId>    answer every agent() that completed in that run from its journal; keep
                           its flags and args unless given again (see odw resume --help)
${GUARDRAIL_HELP}
${REPORT_HELP}
  --json                   print one JSON object on stdout
  --quiet                  no live progress on stderr
  -h, --help               this help`;

/** Exit codes of a finished run (130: stopped by SIGINT/SIGTERM, resumable). */
export const EXIT = { completed: 0, failed: 1, refused: 2, cancelled: EXIT_INTERRUPTED } as const;

/** `odw exec`'s flags (parseArgs options). */
const EXEC_OPTIONS = {
  script: { type: "string" },
  args: { type: "string" },
  "args-file": { type: "string" },
  ...EXEC_ROUTING_OPTIONS,
  "mock-scenario": { type: "string" },
  concurrency: { type: "string" },
  budget: { type: "string" },
  timeout: { type: "string" },
  "max-memory": { type: "string" },
  "run-dir": { type: "string", default: ".odw/runs" },
  "resume-from": { type: "string" },
  ...NATS_FLAGS,
  ...GUARDRAIL_FLAGS,
  ...REPORT_FLAGS,
  json: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The commands that run a workflow: `exec`, and `resume`/`replay` (whose argument is a run id). */
export type RunCommand = "exec" | "resume" | "replay";

/** Flags a replay takes (it runs no backend, so backend and node flags do not apply). */
const REPLAY_FLAGS: ReadonlySet<string> = new Set([
  "script",
  "args",
  "args-file",
  "run-dir",
  "budget",
  "strict",
  "timeout",
  "max-memory",
  "json",
  "quiet",
  "open",
  "watch",
  "help",
]);

/** Parses the command line of `odw exec`/`resume`/`replay`; null after printing the help. */
function parseRunArgs(argv: string[], command: RunCommand) {
  const { values, positionals, tokens } = parseCommandArgs(command, {
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    tokens: true,
    options: EXEC_OPTIONS,
  });
  if (values.help) {
    console.log(command === "exec" ? EXEC_HELP : command === "resume" ? RESUME_HELP : REPLAY_HELP);
    return null;
  }
  const given = givenFlags(tokens, EXEC_OPTIONS);
  const mode: "exec" | "replay" = command === "replay" ? "replay" : "exec";
  if (command !== "exec") {
    const misplaced = [...given].find((flag) =>
      flag === "resume-from" || (mode === "replay" && !REPLAY_FLAGS.has(flag))
    );
    if (misplaced) {
      throw new UsageError(`--${misplaced} does not apply to odw ${command} (try odw ${command} --help)`);
    }
    values["resume-from"] = positionals.shift();
    if (values["resume-from"] === undefined) {
      throw new UsageError(`${command} needs a run id: odw ${command} <runId>`);
    }
  }
  if (values.args !== undefined && values["args-file"] !== undefined) {
    throw new UsageError("give either --args or --args-file, not both");
  }
  return { values, positionals, given, mode };
}

/**
 * The script to run: `--script`, the positional, else the resumed run's; an argument that is not an
 * existing path may name a workflow of the project (see `named_workflows.ts`).
 */
async function scriptArgument(
  values: { script?: string; quiet?: boolean },
  positionals: string[],
  previous: PreviousRun | undefined,
): Promise<string> {
  const scriptArg = values.script ?? positionals[0] ?? previous?.script;
  if (!scriptArg) throw new UsageError("exec needs a script: odw exec <script.js>");
  if (values.script && positionals.length > 0 || positionals.length > 1) {
    throw new UsageError(`unexpected argument "${positionals[values.script ? 0 : 1]}"`);
  }
  if (scriptArg === previous?.script && previous.scriptNote && !values.quiet) {
    console.error(terminalText(previous.scriptNote));
  }
  const choice = await resolveScriptArgument(scriptArg, Deno.cwd());
  if (choice.note && !values.quiet) console.error(terminalText(choice.note));
  return resolve(choice.path);
}

/** Runs `odw exec` (or `odw resume` / `odw replay`) with its own argv; returns the exit code. */
export async function execCommand(argv: string[], command: RunCommand = "exec"): Promise<number> {
  const parsed = parseRunArgs(argv, command);
  if (!parsed) return 0;
  const { values, positionals, given, mode } = parsed;
  const runsDir = resolve(values["run-dir"]);
  const previous = values["resume-from"] === undefined
    ? undefined
    : await openPrevious(runsDir, values["resume-from"], mode === "replay");
  if (previous) inheritFlags(values as FlagValues, given, previous.record.started.flags, EXEC_OPTIONS);
  const scriptPath = await scriptArgument(values, positionals, previous);
  const source = await readTextOrUsage(scriptPath, "script");
  const { args, hasArgs } = await argsOf(values, previous);
  const concurrencyFlag = positiveInt(values.concurrency, "--concurrency");
  const budget = positiveInt(values.budget, "--budget") ?? null;
  const timeoutMs = durationFlag(values.timeout, "--timeout");
  const maxMemoryMb = memoryFlag(values["max-memory"], "--max-memory");
  const setup = await setupExec(
    values,
    Deno.env.toObject(),
    Deno.cwd(),
    mode === "replay" ? NO_BACKEND : undefined,
  );
  const guardrails = guardrailOptions(values, setup.config);
  const backend = setup.backend;
  if (!values["dry-run"]) await makeRunsDir(runsDir);

  const analysis = analyzeScript(source);
  if (!analysis.ok && values["dry-run"]) {
    console.error(terminalText(analysis.error));
    return EXIT.refused;
  }
  if (!analysis.ok) {
    const refused = await refuseScript(runsDir, scriptPath, source, analysis.error);
    report(refused, values.json, values.quiet, await saveReport(refused, values.open));
    return EXIT.refused;
  }

  const router = setup.router(analysis.meta.phases);
  if (values["dry-run"]) {
    const plan = dryRunPlan(analysis.meta.name, analysis.callSites, router, backend);
    console.log(values.json ? jsonForTerminal(plan) : terminalText(dryRunText(plan)));
    return 0;
  }
  const natsUrl = mode === "replay" ? undefined : natsUrlOf(values.nats, setup.config);
  const nats = natsUrl === undefined ? undefined : await startNatsRun(natsUrl, {
    concurrency: concurrencyFlag,
    ...guardrails,
    previous: previous?.record,
    runsDir,
    projectDir: Deno.cwd(),
    backend,
  });
  if (!values.json && !values.quiet) console.error(terminalText(setup.header(router)));
  if (nats?.note && !values.quiet && !values.json) console.error(nats.note);
  const progress = progressFor(values.quiet);
  const cancel = new AbortController();
  const signals = stopOnSignals(cancel);
  const resume = previous && resumeDispatcher(previous, mode, cancel, basename(scriptPath));
  let outcome: RunOutcome;
  let live: ExecLiveView | undefined;
  try {
    if (values.watch) live = await startLiveView(analysis.callSites, values.open);
    warmReport();
    outcome = await runChecked(analysis, {
      scriptPath,
      source,
      args,
      hasArgs,
      backend,
      router,
      concurrency: concurrencyFlag ?? defaultConcurrency(),
      ...nats?.options,
      budget,
      ...guardrails,
      timeoutMs,
      maxMemoryMb,
      runsDir,
      projectDir: Deno.cwd(),
      signal: cancel.signal,
      decorate: resume?.decorate,
      record: {
        flags: flagsToRecord(values as FlagValues, given, previous?.record.started.flags, Deno.cwd()),
        resumeOf: previous?.record.runId,
        replay: mode === "replay" || undefined,
      },
      onEvent: (nats?.onEvent ?? ((next) => next))((e) => {
        progress.onEvent(e);
        live?.onEvent(e);
      }),
    });
  } finally {
    signals.dispose();
    progress.close();
    await nats?.close();
  }
  const reportPath = await saveReport(outcome, values.open && !values.watch);
  await live?.close();
  const resumed = resume && resumeReport(resume.stats(), previous!, mode === "replay", outcome);
  report(outcome, values.json, values.quiet, reportPath, resumed, nats);
  return EXIT[outcome.status];
}

/** The workflow's args: `--args`, `--args-file`, else the resumed run's, else none. */
async function argsOf(
  values: { args?: string; "args-file"?: string },
  previous: PreviousRun | undefined,
): Promise<{ args: unknown; hasArgs: boolean }> {
  if (values.args !== undefined) return { args: parseJsonOrUsage(values.args, "--args"), hasArgs: true };
  const file = values["args-file"];
  if (file !== undefined) {
    return { args: parseJsonOrUsage(await readTextOrUsage(file, "args file"), file), hasArgs: true };
  }
  const started = previous?.record.started;
  if (started && "args" in started) return { args: started.args, hasArgs: true };
  return { args: undefined, hasArgs: false };
}

/**
 * Prints the outcome: JSON on stdout with `--json`, else result on stdout and a summary on stderr, with
 * the report's path.
 */
function report(
  outcome: RunOutcome,
  json: boolean,
  quiet: boolean,
  reportPath: string | null,
  resumed?: ResumeReport,
  nats?: NatsRun,
): void {
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
      report: reportPath,
      nodes: outcome.nodes ?? [],
      ...(resumed ? { resume: resumed } : {}),
      ...(nats ? { reattached: nats.reattached() } : {}),
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
  if (reportPath) console.error(`report: ${terminalLine(reportPath)}`);
  if (resumed) console.error(terminalText(resumeLine(resumed)));
  if (nats?.reattached()) console.error(`re-attached ${nats.reattached()} node result(s) from NATS`);
}
