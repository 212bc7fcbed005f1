/**
 * Starting the sandbox process early: `odw exec` spawns it before loading the engine and checking the
 * script, so its cold start overlaps theirs; the run then takes it over. One sandbox at most waits.
 *
 * @example
 * ```ts
 * prestartSandbox(1024);
 * // ... load modules, parse the script ...
 * const sandbox = takeSandbox({ maxMemoryMb: 1024 });
 * ```
 * @module
 */
import { parseMemoryMb } from "../common/size.ts";
import { DEFAULT_MAX_MEMORY_MB, type SandboxOptions, SandboxProcess } from "./sandbox_process.ts";

let waiting: SandboxProcess | undefined;

/** Starts a sandbox for a run that is about to begin (no-op when one is waiting already). */
export function prestartSandbox(maxMemoryMb: number): void {
  waiting ??= SandboxProcess.start({ maxMemoryMb });
}

/**
 * Starts the sandbox `odw exec <argv>` will want, reading `--max-memory` leniently (exec checks it
 * properly and replaces a sandbox that does not fit).
 */
export function prestartForExec(argv: string[]): void {
  if (argv.includes("--help") || argv.includes("-h")) return;
  const at = argv.findIndex((arg) => arg === "--max-memory" || arg.startsWith("--max-memory="));
  const flag = at < 0 ? undefined : argv[at].includes("=") ? argv[at].split("=")[1] : argv[at + 1];
  let mb = DEFAULT_MAX_MEMORY_MB;
  try {
    if (flag !== undefined) mb = parseMemoryMb(flag);
  } catch { /* exec reports it */ }
  prestartSandbox(mb);
}

/** The waiting sandbox when it fits `options`, else a new one (a misfit is killed). */
export function takeSandbox(options: SandboxOptions): SandboxProcess {
  const ready = waiting;
  waiting = undefined;
  if (ready && ready.maxMemoryMb === options.maxMemoryMb && options.workerSource === undefined) return ready;
  ready?.kill();
  return SandboxProcess.start(options);
}
