/**
 * Helpers for the pandacode CLI tests: run the real CLI (`deno run pandacode/main.ts`) as a
 * subprocess with a controlled environment, and make tiny executable scripts in temp dirs.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The checkout root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = `${ROOT}pandacode/main.ts`;

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

/** Starts the CLI; the caller reads `output()` or signals the child. */
export function spawnCli(args: string[], options: CliOptions = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", `${ROOT}deno.json`, MAIN, ...args],
    env: { ...baseEnv(), ...options.env },
    clearEnv: true,
    cwd: options.cwd ?? ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Feeds `text` (or nothing) on the child's stdin and closes it. */
export async function feedStdin(child: Deno.ChildProcess, text?: string): Promise<void> {
  const writer = child.stdin.getWriter();
  if (text !== undefined) await writer.write(new TextEncoder().encode(text));
  await writer.close();
}

/** Runs `pandacode <args>` to its end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  await feedStdin(child, options.stdin);
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
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

/** True while a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Polls `check` every 25 ms until it is true or `ms` pass; returns its last value. */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
