/**
 * Helpers for the pandacode CLI tests: run the real CLI as a subprocess — the bundle `scripts/pandacode`
 * runs (see `launcherBundle`), else `pandacode/main.ts` — with a controlled environment and a deadline, and make tiny executable scripts in temp dirs.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type BoundedChild, spawnBounded } from "../_support/processes.ts";
import { BUNDLE_FLAGS, launcherBundle } from "../_support/odw.ts";

/** The checkout root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = await launcherBundle("pandacode", "pandacode/main.ts");
/** Deno's arguments that start pandacode: its bundle, else its sources. */
const START = BUNDLE
  ? ["run", "-A", ...BUNDLE_FLAGS, BUNDLE]
  : ["run", "-A", "--quiet", "--config", `${ROOT}deno.json`, `${ROOT}pandacode/main.ts`];

/** How the CLI ended. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface CliOptions {
  /** Extra environment (on top of HOME, a minimal PATH and Deno's cache variables). */
  env?: Record<string, string>;
  /** Text fed on stdin; absent: stdin is closed at once (empty, not a terminal). */
  stdin?: string;
  cwd?: string;
  /** Kill the CLI's process tree and fail after this long; default `DEADLINES.process`. */
  deadlineMs?: number;
}

/** The environment every CLI run starts from: no provider keys, no CLI overrides, PATH without the CLIs. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin" };
  for (const name of ["HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Starts the CLI under a deadline (`DEADLINES.process`): when it passes, the CLI's process tree is
 * killed and `output()` rejects with a `DeadlineError`. `stdin` is fed and closed at once.
 */
export function spawnCli(args: string[], options: CliOptions = {}): BoundedChild {
  return spawnBounded(Deno.execPath(), {
    args: [...START, ...args],
    env: { ...baseEnv(), ...options.env },
    clearEnv: true,
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin ?? "",
    deadlineMs: options.deadlineMs,
    what: `pandacode ${args.join(" ")}`.slice(0, 200),
  });
}

/** Runs `pandacode <args>` to its end (under the deadline of {@link spawnCli}). */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { code, stdout, stderr } = await spawnCli(args, options).output();
  return { code, stdout, stderr };
}

/** Lines of `text`, without the trailing empty one. */
export function linesOf(text: string): string[] {
  return text.split("\n").filter((line, i, all) => !(line === "" && i === all.length - 1));
}

/** Writes an executable shell script `name` in `dir` and returns its path. */
export function writeScript(dir: string, name: string, body: string): string {
  const path = `${dir}/${name}`;
  Deno.writeTextFileSync(path, `#!/bin/sh\n${body}\n`);
  Deno.chmodSync(path, 0o755);
  return path;
}
