/**
 * Child processes under a deadline, and what tests ask about processes (alive? which ones carry this
 * environment entry?). A process started here runs in a session of its own; when its deadline passes,
 * it and every descendant are killed and the test fails with a {@link DeadlineError} that quotes the
 * tail of the output, instead of waiting on a pipe that never closes. Linux only (reads `/proc`).
 *
 * @example
 * ```ts
 * const run = await runBounded(Deno.execPath(), { args: ["--version"], what: "deno --version" });
 * // run.code === 0, run.stdout starts with "deno"
 * const child = spawnBounded("sleep", { args: ["60"], deadlineMs: 5_000, what: "sleep" });
 * child.kill("SIGTERM");
 * (await child.output()).signal === "SIGTERM";
 * ```
 * @module
 */
import { DeadlineError, deadlineMessage, DEADLINES, withDeadline } from "./deadline.ts";

/** How to start one bounded child. */
export interface BoundedOptions {
  args?: string[];
  cwd?: string;
  /** Added to the inherited environment, or the whole environment with `clearEnv`. */
  env?: Record<string, string>;
  clearEnv?: boolean;
  /** Written to stdin, which is then closed (a stream: when it ends); absent: stdin is /dev/null. */
  stdin?: string | ReadableStream<Uint8Array>;
  /** Kill the process tree and fail after this long; default {@link DEADLINES.process}. */
  deadlineMs?: number;
  /** Names the process in a deadline failure, e.g. `odw exec wf.js`. */
  what?: string;
}

/** How a bounded child ended. */
export interface BoundedOutput {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds (`performance.now()`). */
  ms: number;
}

/** A started child; its deadline runs from the spawn. */
export interface BoundedChild {
  readonly pid: number;
  /** Sends `signal` to the child itself (not its tree). */
  kill(signal?: Deno.Signal): void;
  /** SIGKILLs the child and all its descendants (e.g. when the test gives up on it early). */
  killTree(): void;
  /** The child's end and output; rejects with a {@link DeadlineError} once the deadline killed it. */
  output(): Promise<BoundedOutput>;
}

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

function numericDirs(): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) if (/^\d+$/.test(entry.name)) pids.push(Number(entry.name));
  return pids;
}

/** Live pids whose environment holds the entry `NAME=value` (every process of a test's run carries it). */
export function pidsWithEnvEntry(entry: string): number[] {
  return numericDirs().filter((pid) => {
    try {
      const environ = Deno.readTextFileSync(`/proc/${pid}/environ`);
      return environ.split("\0").includes(entry) && isAlive(pid);
    } catch {
      return false; // gone, or not ours to read
    }
  });
}

/** Pids of every live descendant of `pid` (children first found through `/proc/<pid>/stat`). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const candidate of numericDirs()) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${candidate}/stat`);
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...children.get(parent) ?? [], candidate]);
    } catch { /* gone */ }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** SIGKILLs `pid`, its process group and every descendant; "no such process" is ignored. */
export function killTree(pid: number): void {
  const targets = [-pid, pid, ...descendantsOf(pid)];
  for (const target of targets) {
    try {
      Deno.kill(target, "SIGKILL");
    } catch { /* already gone */ }
  }
}

/** Reads a whole stream as text; `cancel()` stops reading (and releases the pipe) early. */
function collect(stream: ReadableStream<Uint8Array>): { text: Promise<string>; cancel(): void } {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const done = (async () => {
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        text += decoder.decode(r.value, { stream: true });
      }
    } catch { /* cancelled */ }
    return text + decoder.decode();
  })();
  return { text: done, cancel: () => void reader.cancel().catch(() => {}) };
}

function tail(text: string, chars = 2000): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`;
}

/** Starts `command` under a deadline (see {@link BoundedOptions}). */
export function spawnBounded(command: string, options: BoundedOptions = {}): BoundedChild {
  const deadlineMs = options.deadlineMs ?? DEADLINES.process;
  const what = options.what ?? [command, ...options.args ?? []].join(" ").slice(0, 200);
  const started = performance.now();
  const child = new Deno.Command(command, {
    args: options.args ?? [],
    cwd: options.cwd,
    env: options.env,
    clearEnv: options.clearEnv,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const input = options.stdin;
  const feed = input === undefined
    ? Promise.resolve()
    : typeof input !== "string"
    ? input.pipeTo(child.stdin).catch(() => {})
    : (async () => {
      const writer = child.stdin.getWriter();
      try {
        await writer.write(new TextEncoder().encode(input));
        await writer.close();
      } catch { /* the child closed stdin early */ }
    })();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    killTree(child.pid);
  }, deadlineMs);
  const ended = (async (): Promise<BoundedOutput> => {
    const status = await child.status;
    clearTimeout(timer);
    const ms = Math.round(performance.now() - started);
    if (expired) killTree(child.pid); // a descendant that escaped the first kill
    // A descendant holding the pipes open must not stall the test: stop reading after a while.
    const drained = Promise.all([stdout.text, stderr.text, feed]);
    const [out, err] = await withDeadline(drained, DEADLINES.windDown, `the output pipes of ${what}`)
      .catch(() => {
        stdout.cancel();
        stderr.cancel();
        return drained;
      });
    if (expired) {
      throw new DeadlineError(
        `${deadlineMessage(what, deadlineMs)} (killed its process tree)\n` +
          `stderr: ${tail(err)}\nstdout: ${tail(out)}`,
      );
    }
    return { code: status.code, signal: status.signal, stdout: out, stderr: err, ms };
  })();
  ended.catch(() => {}); // observed through output(); never an unhandled rejection
  return {
    pid: child.pid,
    kill: (signal: Deno.Signal = "SIGTERM") => child.kill(signal),
    killTree: () => killTree(child.pid),
    output: () => ended,
  };
}

/**
 * Opens the FIFO at `path` for writing, again and again, from `afterMs` on: code stuck opening it for
 * reading (a regression; possibly the test's own thread, where no timer can fire) gets end-of-file
 * instead of hanging the suite, and its test fails on what it read. Dispose it to stop it.
 */
export function fifoUnblocker(path: string, afterMs: number): AsyncDisposable {
  const child = spawnBounded("sh", {
    args: ["-c", 'sleep "$1"; while :; do : > "$2"; done', "sh", String(afterMs / 1000), path],
    deadlineMs: afterMs + DEADLINES.process,
    what: `the FIFO unblocker for ${path}`,
  });
  return {
    async [Symbol.asyncDispose]() {
      child.killTree();
      await child.output().catch(() => {});
    },
  };
}

/** Runs `command` to its end under a deadline; see {@link spawnBounded}. */
export function runBounded(command: string, options: BoundedOptions = {}): Promise<BoundedOutput> {
  return spawnBounded(command, options).output();
}
