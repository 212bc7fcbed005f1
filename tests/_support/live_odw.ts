/**
 * A real `odw` process the test can watch and signal while it runs (for SIGINT/SIGTERM, SIGKILL and
 * `odw cancel` tests): its pid, its stderr as it comes, its run's journal as it grows, and its end —
 * every wait under a deadline, and the process killed when the test gives up on it.
 *
 * @example
 * ```ts
 * const live = spawnOdw(project, ["exec", "wf.js", "--quiet"]);
 * const journal = await live.journalWhere((events) => events.length > 3, 30_000, "three events");
 * live.signal("SIGINT");
 * const end = await live.ended(30_000);
 * ```
 * @module
 */
import { join } from "node:path";
import type { RunEvent } from "../../src/engine/events.ts";
import { parseJournal } from "../../src/records/read.ts";
import { waitForValue, withDeadline } from "./deadline.ts";
import { type OdwProject, startOdwProcess } from "./odw.ts";

/** How a live odw process ended. */
export interface LiveEnd {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** Waits until `check` returns a value (not undefined), polling; fails after `ms` naming `what`. */
export function waitFor<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  return waitForValue(check, ms, what, 20);
}

/** A running odw process. */
export class LiveOdw {
  readonly pid: number;
  readonly #project: OdwProject;
  readonly #child: Deno.ChildProcess;
  readonly #before: Set<string>;
  readonly #end: Promise<LiveEnd>;
  #stderr = "";
  #runDir: string | undefined;

  constructor(project: OdwProject, args: string[], before: Set<string>) {
    this.#project = project;
    this.#before = before;
    const child = startOdwProcess(project.dir, args);
    this.#child = child;
    this.pid = child.pid;
    const decoder = new TextDecoder();
    const stderr = (async () => {
      for await (const chunk of child.stderr) this.#stderr += decoder.decode(chunk, { stream: true });
    })();
    const stdout = new Response(child.stdout).text();
    this.#end = (async () => {
      const status = await child.status;
      await stderr;
      return { code: status.code, signal: status.signal, stdout: await stdout, stderr: this.#stderr };
    })();
  }

  /** Sends a signal to the odw process. */
  signal(signal: Deno.Signal): void {
    this.#child.kill(signal);
  }

  /** stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The directory of the run this process created (waits for it to appear). */
  async runDir(ms = 60_000): Promise<string> {
    this.#runDir ??= await waitFor(
      async () => {
        const fresh = (await this.#project.runIds()).filter((id) => !this.#before.has(id));
        return fresh.length === 1 ? this.#project.path(`.odw/runs/${fresh[0]}`) : undefined;
      },
      ms,
      "the run directory",
    );
    return this.#runDir;
  }

  /** The journal's events once `ready(events)` holds (polled; a torn last line is skipped). */
  async journalWhere(ready: (events: RunEvent[]) => boolean, ms: number, what: string): Promise<RunEvent[]> {
    const path = join(await this.runDir(ms), "journal.jsonl");
    return await waitFor(
      async () => {
        const text = await Deno.readTextFile(path).catch(() => "");
        const { events } = parseJournal(text);
        return ready(events) ? events : undefined;
      },
      ms,
      what,
    );
  }

  /** Waits for stderr to match `pattern`. */
  async stderrMatches(pattern: RegExp, ms: number): Promise<void> {
    await waitFor(
      () => Promise.resolve(pattern.test(this.#stderr) ? true : undefined),
      ms,
      `stderr ${pattern}`,
    );
  }

  /** The process's end; SIGKILLs it and fails when it has not ended within `ms`. */
  ended(ms: number): Promise<LiveEnd> {
    return withDeadline(this.#end, ms, `odw (pid ${this.pid}) to exit`).catch((error) => {
      this.kill();
      throw error;
    });
  }

  /** SIGKILLs the process (when a test gives up on it); safe when it already ended. */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
  }

  /** Kills it if still running and waits for its end (for `finally` blocks). */
  async dispose(): Promise<void> {
    this.kill();
    await this.#end.catch(() => undefined);
  }
}

/** Starts `odw <args>` in the project. */
export async function spawnOdw(project: OdwProject, args: string[]): Promise<LiveOdw> {
  return new LiveOdw(project, args, new Set(await project.runIds()));
}

/** What {@link startRun} starts: a script and a mock scenario, `concurrency` nodes at a time. */
export interface SlowRun {
  script: string;
  scenario: unknown;
  concurrency: number;
}

/**
 * Writes `wf.js` and `scenario.json`, starts `odw exec` on them, and waits until `concurrency` nodes
 * have started (the run is then busy); returns the live process and its run id.
 */
export async function startRun(project: OdwProject, run: SlowRun, ms: number) {
  await project.write("wf.js", run.script);
  await project.write("scenario.json", JSON.stringify(run.scenario));
  const args = [
    "exec",
    "wf.js",
    "--mock-scenario",
    "scenario.json",
    "--concurrency",
    String(run.concurrency),
  ];
  const live = await spawnOdw(project, args);
  try {
    const events = await live.journalWhere(
      (events) => keysOf(events).started.size === run.concurrency,
      ms,
      `${run.concurrency} nodes started`,
    );
    return { live, events, runId: (await live.runDir()).split("/").at(-1)! };
  } catch (e) {
    await live.dispose();
    throw e;
  }
}

/** Node keys by journal event: started, finished (any status), completed. */
export function keysOf(
  events: RunEvent[],
): { started: Set<string>; finished: Set<string>; completed: Set<string> } {
  const started = new Set<string>();
  const finished = new Set<string>();
  const completed = new Set<string>();
  for (const e of events) {
    if (e.type === "node.started") started.add(e.key);
    if (e.type !== "node.finished") continue;
    finished.add(e.key);
    if (e.status === "completed") completed.add(e.key);
  }
  return { started, finished, completed };
}
