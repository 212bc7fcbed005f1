/**
 * `pandacode doctor [--json]`: finds the codex and claude CLIs (override variable, then PATH), runs
 * `--version` on each (10 s limit), and lists which provider keys are set. Always exit 0.
 *
 * @example
 * ```ts
 * const cli = await inspectCli("codex", Deno.env.toObject()); // { found: true, version: "codex-cli …" }
 * ```
 * @module
 */
import { runProcess } from "../../src/common/process.ts";
import { parseListArgs } from "./args.ts";
import { CLI_INFO, type CliName, findCli } from "./bins.ts";
import { writeStdout } from "./io.ts";
import { providerRows } from "./providers.ts";
import { DOCTOR_HELP } from "./usage.ts";

/** Time `--version` may take. */
export const VERSION_TIMEOUT_MS = 10_000;

/** What doctor found out about one CLI. */
export interface CliCheck {
  name: CliName;
  envVar: string;
  found: boolean;
  path: string | null;
  source: "env" | "PATH" | null;
  version: string | null;
  /** Why it is missing or unusable, when it is. */
  problem: string | null;
}

/** doctor's whole answer (`--json` prints this). */
export interface DoctorReport {
  clis: CliCheck[];
  providers: { id: string; keyEnv: string[]; keySet: boolean }[];
}

/** Runs `<path> --version` (at most `timeoutMs`): its output as one line, or why there is none. */
export async function versionOf(
  path: string,
  env: Record<string, string>,
  timeoutMs: number = VERSION_TIMEOUT_MS,
): Promise<{ version: string | null; problem: string | null }> {
  const lines: string[] = [];
  try {
    const result = await runProcess({
      cmd: path,
      args: ["--version"],
      cwd: Deno.cwd(),
      env,
      signal: AbortSignal.timeout(timeoutMs),
      onLine: (line) => lines.push(line),
    });
    const version = lines.map((l) => l.trim()).filter((l) => l !== "").join(" ");
    if (result.killed) {
      return { version: null, problem: `--version took more than ${timeoutMs / 1000}s` };
    }
    if (result.code !== 0) {
      const detail = result.stderr.trim().split("\n").at(-1) ?? "";
      return {
        version: null,
        problem: `--version exited with code ${result.code}${detail ? `: ${detail}` : ""}`,
      };
    }
    return { version: version || null, problem: version ? null : "--version printed nothing" };
  } catch (error) {
    return { version: null, problem: `cannot run it: ${(error as Error).message}` };
  }
}

/** Locates one CLI and asks its version (`--version` may take `timeoutMs`). */
export async function inspectCli(
  name: CliName,
  env: Record<string, string>,
  timeoutMs: number = VERSION_TIMEOUT_MS,
): Promise<CliCheck> {
  const found = findCli(name, env);
  const base = { name, envVar: CLI_INFO[name].envVar };
  if (found.path === null) {
    return { ...base, found: false, path: null, source: null, version: null, problem: found.problem };
  }
  const { version, problem } = await versionOf(found.path, env, timeoutMs);
  return { ...base, found: true, path: found.path, source: found.source, version, problem };
}

/** Runs every check. */
export async function doctorReport(env: Record<string, string>): Promise<DoctorReport> {
  const clis = await Promise.all([inspectCli("codex", env), inspectCli("claude", env)]);
  const providers = providerRows(env).map(({ id, keyEnv, keySet }) => ({ id, keyEnv, keySet }));
  return { clis, providers };
}

/** The human-readable doctor output. */
export function doctorText(report: DoctorReport): string {
  const cliLines = report.clis.map((c) => {
    if (!c.found) return `${c.name}: not found — ${c.problem}`;
    const where = `${c.path} (from ${c.source === "env" ? c.envVar : "PATH"})`;
    return c.version !== null ? `${c.name}: ${c.version} — ${where}` : `${c.name}: ${where} — ${c.problem}`;
  });
  const keyLines = report.providers.map((p) =>
    `  ${p.id.padEnd(11)} ${p.keySet ? "set    " : "not set"}  ${p.keyEnv.join(" or ")}`
  );
  return `${cliLines.join("\n")}\n\nprovider keys (bamboo):\n${keyLines.join("\n")}\n`;
}

/** `pandacode doctor …`: returns the exit code (0 unless the usage is bad). */
export async function doctorCommand(args: string[]): Promise<number> {
  const flags = parseListArgs(args, "doctor");
  if (flags.help) {
    await writeStdout(DOCTOR_HELP);
    return 0;
  }
  const report = await doctorReport(Deno.env.toObject());
  await writeStdout(flags.json ? JSON.stringify(report, null, 2) + "\n" : doctorText(report));
  return 0;
}
