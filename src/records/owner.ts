/**
 * Which process owns a run, recorded in its `run.started` so `odw runs` can tell a live run from a
 * dead one and `odw cancel` signals the right process: the pid, the process's start time (Linux
 * `/proc/<pid>/stat` field 22, clock ticks since boot) and the host name. A pid alone is not enough:
 * after a crash the pid may be reused by an unrelated process, whose start time then differs.
 *
 * @example
 * ```ts
 * const owner = currentOwner();   // { pid: 4242, startTicks: 1234567, host: "ci-7" }
 * ownerState(owner);               // "alive"
 * ```
 * @module
 */

/** The process that runs (or ran) a run. */
export interface RunOwner {
  pid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22); null where unknown. */
  startTicks: number | null;
  host: string;
}

/** Whether a run's owner is still running: `unknown` on another host or without `/proc`. */
export type OwnerState = "alive" | "gone" | "unknown";

/**
 * A live process's start time from `/proc/<pid>/stat`, or null when there is no such process, it has
 * exited and waits to be reaped (a zombie), or there is no /proc.
 */
export function processStartTicks(pid: number): number | null {
  try {
    return startTicksOf(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return null;
  }
}

/** The start time in a `/proc/<pid>/stat` line, or null for a zombie or a line that does not parse. */
export function startTicksOf(stat: string): number | null {
  // Field 2 (the command name) is in parentheses and may itself contain spaces and ")"; fields 3..
  // follow the last ")". Field 3 is the state, field 22 the start time (the 20th after the name).
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (rest[0] === "Z" || rest[0] === "X") return null;
  const ticks = rest[19] === undefined || rest[19] === "" ? NaN : Number(rest[19]);
  return Number.isSafeInteger(ticks) ? ticks : null;
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "";
  }
}

/** This process, as a run's owner. */
export function currentOwner(): RunOwner {
  return { pid: Deno.pid, startTicks: processStartTicks(Deno.pid), host: hostName() };
}

/** Whether `owner` is still the same live process (a reused pid has another start time). */
export function ownerState(owner: unknown): OwnerState {
  if (!isOwner(owner) || owner.host !== hostName() || owner.startTicks === null) return "unknown";
  let procAvailable = true;
  try {
    Deno.statSync("/proc/self/stat");
  } catch {
    procAvailable = false;
  }
  if (!procAvailable) return "unknown";
  return processStartTicks(owner.pid) === owner.startTicks ? "alive" : "gone";
}

/** A well-formed {@link RunOwner} (journals are files anyone could have edited). */
export function isOwner(value: unknown): value is RunOwner {
  const o = value as RunOwner;
  return typeof value === "object" && value !== null && Number.isSafeInteger(o.pid) && o.pid > 1 &&
    (o.startTicks === null || Number.isSafeInteger(o.startTicks)) && typeof o.host === "string";
}
