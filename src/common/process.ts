/**
 * Child processes for executors: spawn in a new process group, stream stdout line by line, and kill
 * the whole tree (the group) when the task's signal aborts.
 *
 * @example
 * ```ts
 * const res = await runProcess({ cmd: "codex", args: ["exec", "--json"], cwd, env, stdin: prompt,
 *   signal, onLine: (l) => events.push(JSON.parse(l)) });
 * ```
 * @module
 */

/** How to start one child process. */
export interface ProcessSpec {
  cmd: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to the child's stdin, then stdin is closed. Absent: stdin is closed at once. */
  stdin?: string;
  /** Aborting kills the whole process group (SIGTERM, then SIGKILL after `graceMs`). */
  signal: AbortSignal;
  /** Called with each complete stdout line (without the newline). */
  onLine?: (line: string) => void;
  /** Called with each stderr chunk as text. */
  onStderr?: (text: string) => void;
  /** Time between SIGTERM and SIGKILL on abort; default 1500 ms. */
  graceMs?: number;
}

/** How a child process ended. */
export interface ProcessResult {
  code: number;
  signal: string | null;
  /** Last 64 KiB of stderr. */
  stderr: string;
  /** True when the process was killed because `signal` aborted. */
  killed: boolean;
}

const STDERR_KEEP = 64 * 1024;

/** Process groups started by {@link runProcess} whose pipes are still open. */
const liveGroups = new Set<number>();

/**
 * Kills every process group {@link runProcess} started that still holds its pipes: for an exit that
 * cannot wait for each task's own abort (a second Ctrl-C), so no executor outlives odw.
 */
export function killLiveGroups(sig: Deno.Signal = "SIGKILL"): number {
  for (const pid of liveGroups) killGroup(pid, sig, true);
  return liveGroups.size;
}

/** True when `path` is a regular file (after symlinks) with an execute bit. */
export function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/**
 * Kills a process group, ignoring "no such process". While the leader may still be running (not yet
 * reaped), a failed group kill falls back to the leader itself; once it has been reaped
 * (`leaderReaped`), only the group is signalled, so a reused pid is never hit.
 */
export function killGroup(pid: number, sig: Deno.Signal, leaderReaped = false): void {
  try {
    Deno.kill(-pid, sig);
  } catch {
    if (leaderReaped) return;
    try {
      Deno.kill(pid, sig);
    } catch { /* already gone */ }
  }
}

/** Runs one child process to its end (or until `spec.signal` aborts and the tree is killed). */
export async function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  const child = new Deno.Command(spec.cmd, {
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  liveGroups.add(child.pid);
  let killed = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => {
    killed = true;
    killGroup(child.pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(child.pid, "SIGKILL"), spec.graceMs ?? 1500);
  };
  if (spec.signal.aborted) onAbort();
  else spec.signal.addEventListener("abort", onAbort, { once: true });

  const writer = child.stdin.getWriter();
  const feed = (async () => {
    try {
      if (spec.stdin !== undefined) await writer.write(new TextEncoder().encode(spec.stdin));
      await writer.close();
    } catch { /* child closed stdin early */ }
  })();

  let stderr = "";
  const readErr = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      spec.onStderr?.(chunk);
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    }
  })();
  const readOut = (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, "");
        buf = buf.slice(nl + 1);
        spec.onLine?.(line);
      }
    }
    if (buf.length > 0) spec.onLine?.(buf);
  })();

  const status = await child.status;
  // The leader is reaped: no later kill may fall back to its (possibly reused) pid.
  if (killTimer !== undefined) clearTimeout(killTimer);
  spec.signal.removeEventListener("abort", onAbort);
  // Make sure no grandchild keeps the pipes open.
  if (killed) killGroup(child.pid, "SIGKILL", true);
  await Promise.allSettled([feed, readErr, readOut]);
  // The pipes are closed: nothing of the group holds them any more.
  liveGroups.delete(child.pid);
  return { code: status.code, signal: status.signal ?? null, stderr, killed };
}
