/**
 * `odw cancel <runId>`: stops a live run. It sends the run's process SIGTERM (the run stops
 * dispatching, cancels its in-flight nodes — their executors' process trees are killed — journals
 * it and exits 130), waits up to `--wait` for it to end, then sends SIGTERM again (odw's forced exit:
 * every executor process group killed, exit at once) and, as a last resort, SIGKILL. The process is
 * identified by pid *and* start time, so a pid reused after a crash is never signalled.
 *
 * @module
 */
import { resolve } from "node:path";
import { UsageError } from "../common/cli_kit.ts";
import { jsonForTerminal, terminalText } from "../common/terminal_text.ts";
import { findRun } from "../records/find.ts";
import { runState } from "../records/list.ts";
import { ownerState, type RunOwner } from "../records/owner.ts";
import { readRun, RecordError, type RunRecord } from "../records/read.ts";
import { parseCommandArgs } from "./argv.ts";
import { durationFlag } from "./exec_guardrails.ts";

/** Help text of `odw cancel`. */
export const CANCEL_HELP = `Usage: odw cancel <runId> [--wait <duration>] [--run-dir <dir>] [--json]

Stops a running run: sends its odw process SIGTERM, so it stops dispatching, cancels the agents in
flight (killing their executors' process trees), records it in the journal and exits; the run is then
"cancelled" in odw runs and odw resume <runId> continues it. If it has not ended after --wait, odw
forces it (a second SIGTERM: executors killed, immediate exit), then SIGKILL.

Exit codes: 0 stopped, 1 the run was not running (ended, dead or unknown), 2 bad usage.

Options:
  --wait <duration>   how long to wait for a graceful stop (default 30s)
  --run-dir <dir>     where run records are (default .odw/runs)
  --json              print one JSON object on stdout
  -h, --help          this help`;

/** How long the forced exit and then SIGKILL get. */
const FORCE_WAIT_MS = 5_000;

/** Runs `odw cancel`; returns the exit code. */
export async function cancelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("cancel", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      wait: { type: "string" },
      "run-dir": { type: "string", default: ".odw/runs" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(CANCEL_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "cancel needs a run id: odw cancel <runId>"
        : `unexpected argument "${positionals[1]}"`,
    );
  }
  const waitMs = durationFlag(values.wait, "--wait") ?? 30_000;
  const record = await readOrUsage(resolve(values["run-dir"]), positionals[0]);
  const say = (json: Record<string, unknown>, text: string, code: number) => {
    if (values.json) console.log(jsonForTerminal({ runId: record.runId, ...json }));
    else (code === 0 ? console.log : console.error)(terminalText(text));
    return code;
  };
  const state = runState(record);
  const owner = record.started.owner as RunOwner;
  if (state !== "running") {
    const why = state === "dead"
      ? `its process (pid ${owner.pid}) is gone; odw resume ${record.runId} continues it`
      : state === "unknown"
      ? "no live process is recorded for it on this host"
      : `it already ended (${state})`;
    return say({ stopped: false, status: state }, `odw: run ${record.runId} is not running: ${why}`, 1);
  }
  const steps: Array<[Deno.Signal, number]> = [["SIGTERM", waitMs], ["SIGTERM", FORCE_WAIT_MS], [
    "SIGKILL",
    FORCE_WAIT_MS,
  ]];
  let forced = false;
  for (const [index, [signal, wait]] of steps.entries()) {
    if (ownerState(owner) !== "alive") break;
    forced = index > 0;
    signalOwner(owner, signal);
    if (await ended(owner, wait)) break;
  }
  const after = runState(await readRun(record.runDir).catch(() => record));
  const stopped = ownerState(owner) !== "alive";
  return say(
    { stopped, forced, pid: owner.pid, status: stopped ? after : "running" },
    stopped
      ? `odw: run ${record.runId} stopped (pid ${owner.pid}${forced ? ", forced" : ""}): ${after}`
      : `odw: run ${record.runId} (pid ${owner.pid}) did not stop`,
    stopped ? 0 : 1,
  );
}

async function readOrUsage(runsDir: string, ref: string): Promise<RunRecord> {
  try {
    return await readRun(await findRun(runsDir, ref));
  } catch (e) {
    if (e instanceof RecordError) throw new UsageError(e.message);
    throw e;
  }
}

/** Signals the owner, checking its identity right before (never a reused pid). */
function signalOwner(owner: RunOwner, signal: Deno.Signal): void {
  if (ownerState(owner) !== "alive") return;
  try {
    Deno.kill(owner.pid, signal);
  } catch { /* it ended meanwhile */ }
}

/** Waits until the owner is gone, up to `ms`; true when it is. */
async function ended(owner: RunOwner, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (ownerState(owner) !== "alive") return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return ownerState(owner) !== "alive";
}
