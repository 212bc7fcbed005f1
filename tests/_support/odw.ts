/**
 * Runs the real odw CLI as a subprocess in a temporary project directory, the way a person or an agent
 * runs it: the code-split bundle `scripts/odw` runs (`dist/launch/odw-…/bundle.js`, built or reused here
 * by the launcher's own `odw_bundle`; the sources when bundling is off or fails), with the project as
 * the working directory. A test gets back the exit code, stdout, stderr, the parsed `--json` object and the run
 * record (script copy, journal events, result.json).
 *
 * @example
 * ```ts
 * await withProject(async (project) => {
 *   await project.write("wf.js", workflowSource("return 1 + 1;"));
 *   const run = await project.odw(["exec", "wf.js", "--json"]);
 *   // run.code === 0, run.json?.result === 2
 * });
 * ```
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunEvent } from "../../src/engine/events.ts";
import { runBounded } from "./processes.ts";

/** The checkout's root directory. */
export const REPO: string = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The odw entrypoint the tests run. */
export const ODW_MAIN: string = join(REPO, "src", "cli", "main.ts");

/** The launcher a person runs (`scripts/odw`). */
export const ODW_LAUNCHER: string = join(REPO, "scripts", "odw");

/**
 * The bundle `scripts/odw` runs, as its `odw_bundle` finds or builds it (fresh against the sources;
 * `scripts/test` builds it before the tests start), or null when there is none (`ODW_FROM_SOURCE=1`,
 * another process building it, bundling failed): then the tests run the sources.
 */
export async function launcherBundle(name: "odw" | "pandacode", entry: string): Promise<string | null> {
  const out = await runBounded("bash", {
    args: [
      "-c",
      'source "$1" && odw_bundle "$2" "$3" && echo "$ODW_BUNDLE"',
      "odw_bundle",
      join(REPO, "scripts", "_deno.sh"),
      name,
      entry,
    ],
    cwd: REPO,
    what: `odw_bundle ${name}`,
  });
  const path = out.stdout.trim();
  return out.code === 0 && path !== "" ? path : null;
}

/** How the launchers run a bundle, after `run -A` (`ODW_BUNDLE_FLAGS` in `scripts/_deno.sh`). */
export const BUNDLE_FLAGS: string[] = (await runBounded("bash", {
  args: [
    "-c",
    'source "$1" && printf "%s\\n" "${ODW_BUNDLE_FLAGS[@]}"',
    "flags",
    join(REPO, "scripts", "_deno.sh"),
  ],
  cwd: REPO,
  what: "ODW_BUNDLE_FLAGS",
})).stdout.split("\n").filter(Boolean);

/** The odw bundle the tests run (see {@link launcherBundle}). */
export const ODW_BUNDLE: string | null = await launcherBundle("odw", "src/cli/bundle.ts");

/** Deno's arguments for running odw, as the launcher passes them: the bundle, else the sources. */
export function odwDenoArgs(args: string[]): string[] {
  if (ODW_BUNDLE) {
    return ["run", "-A", ...BUNDLE_FLAGS, "--no-prompt", "--unstable-worker-options", ODW_BUNDLE, ...args];
  }
  return ["run", "-A", "--quiet", "--no-prompt", "--config", join(REPO, "deno.json"), ODW_MAIN, ...args];
}

/**
 * Starts `odw <args>` in `dir` as the tests run it (stdin closed, stdout and stderr piped, no colour),
 * for a test that watches it while it runs; the caller reads its streams and awaits its status.
 */
export function startOdwProcess(dir: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: odwDenoArgs(args),
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

/** What one odw invocation did. */
export interface OdwRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is exactly one line of JSON (the `--json` output). */
  json?: Record<string, unknown>;
  /** Wall time of the whole process, in milliseconds. */
  ms: number;
}

/** A run directory read back from disk. */
export interface RunRecord {
  script: string;
  /** Every journal line, parsed (a line that is not JSON fails the read). */
  events: RunEvent[];
  /** The raw journal text. */
  journalText: string;
  result: Record<string, unknown>;
}

/** Options of {@link OdwProject.odw}. */
export interface OdwOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the process tree and fail the test after this long (default: `DEADLINES.process`, 90 s). */
  timeoutMs?: number;
  /** Names the process in a deadline failure (default: the command and its arguments). */
  what?: string;
}

/** Prefixes a workflow body with a valid `export const meta` statement. */
export function workflowSource(body: string, name = "test-workflow"): string {
  return `export const meta = { name: ${JSON.stringify(name)}, description: "test workflow" };\n${body}\n`;
}

/**
 * Runs a command under a deadline (its process tree is killed and the test fails with a
 * `DeadlineError` when it passes); returns code, output and wall time.
 */
export async function runProcess(
  command: string,
  args: string[],
  cwd: string,
  opts: OdwOptions = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const run = await runBounded(command, {
    args,
    cwd,
    env: { NO_COLOR: "1", ...opts.env },
    deadlineMs: opts.timeoutMs,
    what: opts.what ?? `${basename(command)} ${args.join(" ")}`.slice(0, 200),
  });
  return { code: run.code, stdout: run.stdout, stderr: run.stderr, ms: run.ms };
}

/** A temporary project directory to run odw in. */
export class OdwProject {
  /** Absolute path of the project directory. */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Absolute path of `relative` inside the project. */
  path(relative: string): string {
    return join(this.dir, relative);
  }

  /** Writes a file (creating its folders); returns its absolute path. */
  async write(relative: string, content: string): Promise<string> {
    const full = this.path(relative);
    await Deno.mkdir(dirname(full), { recursive: true });
    await Deno.writeTextFile(full, content);
    return full;
  }

  /** Runs `odw <args>` in the project directory. */
  async odw(args: string[], opts: OdwOptions = {}): Promise<OdwRun> {
    const what = `odw ${args.join(" ")}`.slice(0, 200);
    const run: OdwRun = await runProcess(Deno.execPath(), odwDenoArgs(args), this.dir, { what, ...opts });
    const trimmed = run.stdout.trim();
    if (trimmed && !trimmed.includes("\n")) {
      try {
        const parsed = JSON.parse(trimmed);
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) run.json = parsed;
      } catch { /* not JSON output */ }
    }
    return run;
  }

  /** Reads a run directory: script copy, journal events (every line must be JSON) and result.json. */
  async readRun(runDir: string): Promise<RunRecord> {
    const journalText = await Deno.readTextFile(join(runDir, "journal.jsonl"));
    const lines = journalText.split("\n");
    if (lines.pop() !== "") throw new Error("journal.jsonl does not end with a newline");
    return {
      script: await Deno.readTextFile(join(runDir, "script.js")),
      events: lines.map((line) => JSON.parse(line) as RunEvent),
      journalText,
      result: JSON.parse(await Deno.readTextFile(join(runDir, "result.json"))),
    };
  }

  /** Names of the run directories under `.odw/runs` (empty when there is none). */
  async runIds(): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.path(".odw/runs"))) {
        if (entry.isDirectory) ids.push(entry.name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return ids.sort();
  }
}

/** Runs `fn` with a fresh project directory and removes the directory afterwards. */
export async function withProject(fn: (project: OdwProject) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "odw-cli-" });
  try {
    await fn(new OdwProject(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `odw exec <script> --json --quiet` for a workflow body and returns the run. */
export async function execWorkflow(
  project: OdwProject,
  body: string,
  extraArgs: string[] = [],
  opts: OdwOptions = {},
): Promise<OdwRun> {
  const script = await project.write("workflow.js", workflowSource(body));
  return await project.odw(["exec", script, "--json", "--quiet", ...extraArgs], opts);
}

/** Lines of a stack trace (`    at ...`) in some output. */
export function stackLines(text: string): string[] {
  return text.split("\n").filter((line) => /^\s+at /.test(line));
}

/** Maps `items` through `fn` with at most `limit` at a time (CLI processes are heavy on 2 cores). */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
