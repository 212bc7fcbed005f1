/**
 * What the benchmarks share: running a command while sampling the resident memory of its whole
 * process tree (the process and every descendant, summed, from `/proc`), and small statistics.
 *
 * @example
 * ```ts
 * const run = await sampledRun(Deno.execPath(), ["--version"], Deno.cwd(), {});
 * console.log(run.ms, run.peakTreeRssMb);
 * ```
 * @module
 */

/** Pid → parent pid, for every live process. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // The command name may hold spaces and parentheses: the fields start after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      map.set(Number(entry.name), Number(fields[1]));
    } catch { /* gone */ }
  }
  return map;
}

function rssKb(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** `root` and all its live descendants. */
export function treePids(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, parent] of parents()) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const found: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    found.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** One sampled run. */
export interface SampledRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** Highest sum of the tree's resident memory seen while it ran. */
  peakTreeRssMb: number;
  /** Most processes seen in the tree at once. */
  peakProcesses: number;
}

/** Runs a command to its end (killed after `timeoutMs`), sampling its tree every `everyMs`. */
export async function sampledRun(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  { everyMs = 20, timeoutMs = 300_000 } = {},
): Promise<SampledRun> {
  const started = performance.now();
  const child = new Deno.Command(cmd, { args, cwd, env, clearEnv: true, stdout: "piped", stderr: "piped" })
    .spawn();
  let peakKb = 0;
  let peakProcesses = 0;
  const sample = () => {
    const pids = treePids(child.pid);
    peakProcesses = Math.max(peakProcesses, pids.length);
    peakKb = Math.max(peakKb, pids.reduce((sum, pid) => sum + rssKb(pid), 0));
  };
  const timer = setInterval(sample, everyMs);
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const output = await child.output();
  clearInterval(timer);
  clearTimeout(killer);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    ms: performance.now() - started,
    peakTreeRssMb: peakKb / 1024,
    peakProcesses,
  };
}

/** The median of some numbers. */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The mean of some numbers. */
export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Milliseconds for a table: `123 ms`, `1.5 ms`. */
export function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}
