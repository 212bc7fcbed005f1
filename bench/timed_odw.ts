/**
 * One `odw` process (the launcher's bundle) under `/usr/bin/time`: wall time, peak RSS and CPU
 * (user + system) of the process, and its stdout. Shared by the benchmark sections.
 *
 * @module
 */
import { odwDenoArgs } from "../tests/_support/odw.ts";

/** Runs odw once under /usr/bin/time; returns wall ms, peak RSS in MB and stdout. */
export async function timedOdw(
  args: string[],
  cwd: string,
): Promise<{ ms: number; rssMb: number; cpuMs: number; stdout: string }> {
  const deno = Deno.execPath();
  // As the launcher runs odw: its bundle (the sources when there is none).
  const argv = odwDenoArgs(args);
  const haveTime = await Deno.stat("/usr/bin/time").then(() => true, () => false);
  const cmd = haveTime ? "/usr/bin/time" : deno;
  const cmdArgs = haveTime ? ["-f", "ODW_MAXRSS_KB=%M ODW_CPU=%U+%S", deno, ...argv] : argv;
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, { args: cmdArgs, cwd, stdout: "piped", stderr: "piped" }).output();
  const ms = performance.now() - t0;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`odw failed: ${stderr}`);
  const kb = Number(/ODW_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
  const cpu = /ODW_CPU=([\d.]+)\+([\d.]+)/.exec(stderr);
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN;
  return { ms, rssMb: kb / 1024, cpuMs, stdout: new TextDecoder().decode(out.stdout) };
}
