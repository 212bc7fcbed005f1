/**
 * The checks of `odw doctor`, each one `ok` or a `problem` with how to fix it: Deno, git, the
 * project's config, pandacode (the configured executable, else the in-process one), the codex and
 * claude CLIs with their versions (pandacode's own lookup: `PANDACODE_*_BIN`, then `PATH`), which
 * bamboo provider keys are set (names only; a value is never read into the result), and whether the
 * run directory is writable. Every external command runs under a short deadline.
 *
 * @example
 * ```ts
 * const checks = await doctorChecks({ env: Deno.env.toObject(), projectDir: Deno.cwd(), runsDir: ".odw/runs" });
 * const healthy = checks.every((c) => c.ok);
 * ```
 * @module
 */
import { dirname, resolve } from "node:path";
import { CLI_INFO, inspectCli, providerRows, searchPath, versionOf } from "../backends/pandacode_prereqs.ts";
import { configPath, loadConfig, type OdwConfig } from "../engine/config.ts";
import { VERSION } from "../common/version.ts";
import { isExecutableFile } from "../common/process.ts";
import { sandboxDeno } from "../sandbox/deno_binary.ts";

/** The Deno version odw is tested on (the launcher installs it). */
export const TESTED_DENO = "2.9.6";

/** Default time each external `--version` may take. */
export const DOCTOR_VERSION_DEADLINE_MS = 5_000;

/** One line of `odw doctor`. */
export interface DoctorCheck {
  /** What was checked (`deno`, `git`, `config`, `pandacode`, `codex`, `claude`, `keys`, `run dir`). */
  name: string;
  ok: boolean;
  /** What was found (a version, a path, the names of the keys set). */
  detail: string;
  /** How to fix it, when it is a problem. */
  fix?: string;
}

/** Where and with what the checks run. */
export interface DoctorOptions {
  env: Record<string, string>;
  projectDir: string;
  runsDir: string;
  /** Deadline of each `--version` (default {@link DOCTOR_VERSION_DEADLINE_MS}). */
  versionDeadlineMs?: number;
}

const ok = (name: string, detail: string): DoctorCheck => ({ name, ok: true, detail });
const problem = (name: string, detail: string, fix: string): DoctorCheck => ({
  name,
  ok: false,
  detail,
  fix,
});

/** The deno line: odw's own Deno, and for a compiled odw (`execPath` not `deno`) the sandbox's. */
export function denoCheck(env: Record<string, string>, execPath: string = Deno.execPath()): DoctorCheck {
  const version = Deno.version.deno;
  if (!version.startsWith("2.")) {
    return problem("deno", version, `odw needs Deno 2.x; scripts/odw installs Deno ${TESTED_DENO} from npm`);
  }
  const sandbox = sandboxDeno(execPath, env);
  // A compiled odw starts each run's sandbox with another Deno: it must be there.
  const found = sandbox.own
    ? sandbox.command
    : sandbox.command.includes("/")
    ? (isExecutableFile(sandbox.command) ? sandbox.command : null)
    : searchPath(sandbox.command, env);
  if (found === null) {
    return problem(
      "deno",
      `${version}, but no Deno for the sandbox (${sandbox.command})`,
      "a compiled odw runs its sandbox with Deno 2.x: set ODW_DENO to a deno binary or put deno on PATH",
    );
  }
  const tested = version === TESTED_DENO ? version : `${version} (odw is tested on ${TESTED_DENO})`;
  return ok("deno", sandbox.own ? tested : `${tested}; sandbox: ${found}`);
}

async function gitCheck(env: Record<string, string>, deadlineMs: number): Promise<DoctorCheck> {
  const git = searchPath("git", env);
  const fix = 'install git (isolation: "worktree" and odw worktrees need it)';
  if (git === null) return problem("git", "not found on PATH", fix);
  const { version, problem: why } = await versionOf(git, env, deadlineMs);
  return version ? ok("git", version) : problem("git", `${git}: ${why}`, fix);
}

/** The project's config, read once for the config and pandacode lines. */
async function configCheck(projectDir: string): Promise<{ check: DoctorCheck; config: OdwConfig }> {
  try {
    const config = await loadConfig(projectDir);
    const exists = await Deno.stat(configPath(projectDir)).then(() => true, () => false);
    return { check: ok("config", exists ? configPath(projectDir) : "none (odw's defaults)"), config };
  } catch (e) {
    const fix = `correct the key it names (see README ".odw/config.json"), or move the file away`;
    return { check: problem("config", (e as Error).message, fix), config: {} };
  }
}

async function pandacodeCheck(
  config: OdwConfig,
  projectDir: string,
  env: Record<string, string>,
  deadlineMs: number,
): Promise<DoctorCheck> {
  if (config.pandacode !== undefined) {
    const path = resolve(projectDir, config.pandacode);
    const { version, problem: why } = await versionOf(path, env, deadlineMs);
    if (version) return ok("pandacode", `${version} (${path}, from .odw/config.json)`);
    return problem("pandacode", `${path}: ${why}`, 'correct "pandacode" in .odw/config.json, or remove it');
  }
  try {
    await import("../backends/pandacode_inprocess.ts");
    return ok("pandacode", `pandacode ${VERSION} (in-process)`);
  } catch (e) {
    return problem(
      "pandacode",
      `cannot load: ${(e as Error).message}`,
      "reinstall odw (its files are incomplete)",
    );
  }
}

async function cliCheck(
  name: "codex" | "claude",
  env: Record<string, string>,
  deadlineMs: number,
): Promise<DoctorCheck> {
  const cli = await inspectCli(name, env, deadlineMs);
  if (cli.path === null) {
    const { envVar, npmPackage } = CLI_INFO[name];
    const overridden = env[envVar] !== undefined && env[envVar] !== "";
    const detail = overridden ? cli.problem ?? "" : "not found on PATH";
    return problem(name, detail, `npm install -g ${npmPackage}, or set ${envVar} to its path`);
  }
  if (cli.version === null) {
    return problem(
      name,
      `${cli.path}: ${cli.problem}`,
      `reinstall it, or point ${cli.envVar} at a working one`,
    );
  }
  return ok(name, `${cli.version} (${cli.path})`);
}

function keysCheck(env: Record<string, string>): DoctorCheck {
  const rows = providerRows(env);
  const set = rows.filter((row) => row.keySet).map((row) => `${row.id} (${row.keyEnv.join(" or ")})`);
  if (set.length > 0) return ok("keys", `provider keys set for ${set.join(", ")}`);
  const names = rows.map((row) => row.keyEnv[0]).join(", ");
  return problem("keys", "no bamboo provider key is set", `export one of ${names}`);
}

/** `stat` of `path`, or null when nothing is there. */
async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** The run directory, or its nearest existing parent when it does not exist yet, takes a new file. */
async function runDirCheck(runsDir: string): Promise<DoctorCheck> {
  const wanted = resolve(runsDir);
  const fix = "make it writable, or give another one with --run-dir";
  let dir = wanted;
  let info = await statOrNull(dir);
  while (info === null && dirname(dir) !== dir) {
    dir = dirname(dir);
    info = await statOrNull(dir);
  }
  if (info !== null && !info.isDirectory) return problem("run dir", `${dir} is a file, not a folder`, fix);
  try {
    const probe = await Deno.makeTempFile({ dir, prefix: ".odw-doctor-" });
    await Deno.remove(probe);
    return ok("run dir", dir === wanted ? `${dir} is writable` : `${wanted} can be created`);
  } catch (e) {
    const why = e instanceof Deno.errors.PermissionDenied ? "permission denied" : (e as Error).message;
    return problem("run dir", `${dir}: ${why}`, fix);
  }
}

/** Runs every check; external commands at the same time. */
export async function doctorChecks(options: DoctorOptions): Promise<DoctorCheck[]> {
  const { env, projectDir } = options;
  const deadline = options.versionDeadlineMs ?? DOCTOR_VERSION_DEADLINE_MS;
  const { check: config, config: odwConfig } = await configCheck(projectDir);
  const [git, pandacode, codex, claude, runDir] = await Promise.all([
    gitCheck(env, deadline),
    pandacodeCheck(odwConfig, projectDir, env, deadline),
    cliCheck("codex", env, deadline),
    cliCheck("claude", env, deadline),
    runDirCheck(resolve(projectDir, options.runsDir)),
  ]);
  return [denoCheck(env), git, config, pandacode, codex, claude, keysCheck(env), runDir];
}
