/**
 * The command-line side of resume and replay (`odw exec --resume-from <runId>`, `odw resume`,
 * `odw replay`): finding the old run, keeping its options, and saying what was reused.
 *
 * A run records the `odw exec` flags it was given (`run.started.flags`, file paths made absolute); a
 * run that resumes from it takes every recorded flag it is not given again, and its args unless
 * `--args`/`--args-file` say otherwise. Per-invocation flags (`--json`, `--quiet`, `--run-dir`, …)
 * are never inherited. A boolean flag is turned off with `--no-<flag>`.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { UsageError } from "../common/cli_kit.ts";
import { isFile } from "../common/regular_file.ts";
import { canonicalJson } from "../engine/node_key.ts";
import type { Backend } from "../backends/backend.ts";
import type { NodeSpec } from "../common/contract.ts";
import type { Dispatcher } from "../engine/dispatch.ts";
import {
  missingNodeMessage,
  replayMisses,
  ResumeCache,
  ResumeDispatcher,
  type ResumeStats,
} from "../engine/resume.ts";
import { RunStop } from "../engine/run_stop.ts";
import { findRun } from "../records/find.ts";
import { runState } from "../records/list.ts";
import { readRun, RecordError, type RunRecord } from "../records/read.ts";

/** Flags of one invocation only: never recorded, never inherited. */
const PER_INVOCATION: ReadonlySet<string> = new Set([
  "script",
  "args",
  "args-file",
  "json",
  "quiet",
  "help",
  "run-dir",
  "resume-from",
  "dry-run",
  "open",
  "watch",
]);

/** Flags naming a file: recorded as absolute paths, so a resume from elsewhere finds the same file. */
const PATH_FLAGS: ReadonlySet<string> = new Set(["mock-scenario", "pandacode"]);

/** Parsed flag values, as parseArgs gives them. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** The parseArgs option table (name → type). */
export type FlagTable = Record<string, { type: "string" | "boolean" }>;

/** The names of the flags given on the command line (`--no-x` counts as `x`). */
export function givenFlags(
  tokens: ReadonlyArray<{ kind: string; name?: string }>,
  table: FlagTable,
): Set<string> {
  const given = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === undefined) continue;
    const name = !(token.name in table) && token.name.startsWith("no-") ? token.name.slice(3) : token.name;
    given.add(name);
  }
  return given;
}

/** Sets every flag the old run recorded and this command line does not give (known flags only). */
export function inheritFlags(
  values: FlagValues,
  given: ReadonlySet<string>,
  recorded: unknown,
  table: FlagTable,
) {
  if (recorded === null || typeof recorded !== "object") return;
  for (const [name, value] of Object.entries(recorded)) {
    if (given.has(name) || PER_INVOCATION.has(name) || typeof value !== table[name]?.type) continue;
    values[name] = value as string | boolean;
  }
}

/** The flags to record for this run: the given ones and the inherited ones, file paths absolute. */
export function flagsToRecord(
  values: FlagValues,
  given: Iterable<string>,
  inherited: unknown,
  cwd: string,
): Record<string, string | boolean> {
  const flags: Record<string, string | boolean> = {};
  const names = new Set([
    ...given,
    ...Object.keys(inherited !== null && typeof inherited === "object" ? inherited : {}),
  ]);
  for (const name of names) {
    const value = values[name];
    if (PER_INVOCATION.has(name) || value === undefined) continue;
    flags[name] = typeof value === "string" && PATH_FLAGS.has(name) ? resolve(cwd, value) : value;
  }
  return flags;
}

/** The run a resume or replay starts from. */
export interface PreviousRun {
  record: RunRecord;
  /** The script to run when none is given: the recorded path, or the run's copy when it is gone. */
  script: string;
  /** Set when the recorded script is gone and the copy is used. */
  scriptNote?: string;
  cache: ResumeCache;
}

/** Finds and reads the old run; every problem is one {@link UsageError} line. */
export async function openPrevious(runsDir: string, ref: string, replay: boolean): Promise<PreviousRun> {
  let record: RunRecord;
  try {
    record = await readRun(await findRun(runsDir, ref));
  } catch (e) {
    if (e instanceof RecordError) throw new UsageError(e.message);
    throw e;
  }
  if (runState(record) === "running") {
    throw new UsageError(
      `run ${record.runId} is still running (pid ${record.started.owner?.pid}); ` +
        `stop it first: odw cancel ${record.runId}`,
    );
  }
  const cache = replay
    ? ResumeCache.forReplay(record.runId, record.events)
    : ResumeCache.forResume(record.runId, record.events);
  const recorded = String(record.started.scriptPath ?? "");
  const copy = join(record.runDir, "script.js");
  if (recorded !== "" && await isFile(recorded)) return { record, script: recorded, cache };
  return {
    record,
    script: copy,
    scriptNote: `odw: ${recorded || "the script"} is gone; running the copy kept with run ${record.runId}`,
    cache,
  };
}

/** What `--json` says about a resume or replay. */
export interface ResumeReport extends ResumeStats {
  replay: boolean;
  /** Replay: whether the result equals the recorded run's (absent unless both completed). */
  sameResult?: boolean;
}

/** The report of a finished resume or replay. */
export function resumeReport(
  stats: ResumeStats,
  previous: PreviousRun,
  replay: boolean,
  outcome: { status: string; result?: unknown },
): ResumeReport {
  const report: ResumeReport = { ...stats, replay };
  const recorded = previous.record.finished;
  if (replay && recorded?.status === "completed" && outcome.status === "completed") {
    report.sameResult = canonicalJson(recorded.result ?? null) === canonicalJson(outcome.result ?? null);
  }
  return report;
}

/** One line for stderr: `resumed from <id>: 197 reused · 2 re-run · 1 new · 1 unused`. */
export function resumeLine(report: ResumeReport): string {
  if (report.replay) {
    const same = report.sameResult === undefined
      ? ""
      : report.sameResult
      ? " · result same as recorded"
      : " · result differs from the recorded one";
    return `replay of ${report.from}: ${report.reused.length} answered from the journal${same}`;
  }
  return `resumed from ${report.from}: ${report.reused.length} reused · ${report.rerun.length} re-run · ` +
    `${report.new.length} new · ${report.unused.length} unused`;
}

/** A replay's backend: never called (the replay dispatcher answers every node or stops the run). */
export const NO_BACKEND: Backend = {
  name: "replay",
  run: () => Promise.reject(new Error("a replay runs no backend")),
};

/**
 * The resume cache in front of the run's dispatcher; for a replay, in front of nothing: a node the
 * journal lacks stops the run with an error naming its call site.
 */
export function resumeDispatcher(
  previous: PreviousRun,
  mode: "exec" | "replay",
  cancel: AbortController,
  scriptName: string,
) {
  let dispatcher: ResumeDispatcher | undefined;
  const { runId } = previous.record;
  const stop = (spec: NodeSpec) =>
    cancel.abort(new RunStop("failed", missingNodeMessage(spec, runId, scriptName)));
  return {
    decorate: (inner: Dispatcher) =>
      dispatcher = new ResumeDispatcher(
        previous.cache,
        mode === "replay" ? replayMisses(runId, stop) : inner,
      ),
    stats: () => dispatcher!.stats(),
  };
}
