/**
 * Which Deno runs a run's sandbox process: the one running odw when odw runs on `deno` (the launchers,
 * `deno run`), else — a compiled odw, which cannot run other scripts itself — `ODW_DENO`, else `deno`
 * on PATH. `odw doctor` reports it, so a compiled odw on a machine without Deno says so before a run.
 *
 * @example
 * ```ts
 * const { command, own } = sandboxDeno();
 * ```
 * @module
 */

/** The sandbox's Deno: the command to start, and whether it is the binary running odw itself. */
export interface SandboxDeno {
  command: string;
  own: boolean;
}

/** The Deno that starts sandboxes for an odw running as `execPath` with `env`. */
export function sandboxDeno(
  execPath: string = Deno.execPath(),
  env: Record<string, string | undefined> = Deno.env.toObject(),
): SandboxDeno {
  if (/(^|[\\/])deno(\.exe)?$/.test(execPath)) return { command: execPath, own: true };
  return { command: env.ODW_DENO || "deno", own: false };
}
