/**
 * Locating the codex and claude CLIs: the `PANDACODE_CODEX_BIN` / `PANDACODE_CLAUDE_BIN` override
 * first, then `PATH`. Shared by `pandacode run` (task resolution) and `pandacode doctor`.
 *
 * @example
 * ```ts
 * const found = findCli("codex", Deno.env.toObject());
 * if (found.path === null) console.error(found.problem);
 * ```
 * @module
 */
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { type NodeError, nodeError } from "../../src/common/contract.ts";
import { isExecutableFile } from "../../src/common/process.ts";

/** The CLI-driven runtimes. */
export type CliName = "codex" | "claude";

/** How to get each CLI, and its override variable. */
export const CLI_INFO: Record<CliName, { envVar: string; npmPackage: string }> = {
  codex: { envVar: "PANDACODE_CODEX_BIN", npmPackage: "@openai/codex" },
  claude: { envVar: "PANDACODE_CLAUDE_BIN", npmPackage: "@anthropic-ai/claude-code" },
};

/** Result of {@link findCli}: a path and where it came from, or a one-line problem. */
export type CliLookup =
  | { path: string; source: "env" | "PATH"; problem?: undefined }
  | { path: null; source: null; problem: string };

/** Searches `PATH` in `env` for an executable called `name`. */
export function searchPath(name: string, env: Record<string, string | undefined>): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** The one-line message for a CLI that is not found, saying how to install it. */
export function notFoundMessage(name: CliName): string {
  const { envVar, npmPackage } = CLI_INFO[name];
  return `${name} CLI not found on PATH (install it with \`npm install -g ${npmPackage}\`, or set ${envVar})`;
}

/** The error block for a CLI that could not be started: not found (with how to install it) or other. */
export function spawnFailure(name: CliName, bin: string, err: unknown): NodeError {
  if (err instanceof Deno.errors.NotFound) {
    return nodeError("cli_not_found", `${notFoundMessage(name)}: ${bin}`);
  }
  return nodeError(
    "spawn_failed",
    `${name}: could not start ${bin}: ${err instanceof Error ? err.message : err}`,
  );
}

/**
 * Finds the `name` CLI: `PANDACODE_<NAME>_BIN` when set (it must be an executable file; a relative
 * path is taken from `baseDir`), else the first match on `PATH`.
 */
export function findCli(
  name: CliName,
  env: Record<string, string | undefined>,
  baseDir: string = Deno.cwd(),
): CliLookup {
  const { envVar } = CLI_INFO[name];
  const override = env[envVar];
  if (override) {
    const path = isAbsolute(override) ? override : resolve(baseDir, override);
    if (isExecutableFile(path)) return { path, source: "env" };
    return { path: null, source: null, problem: `${envVar}=${override} is not an executable file` };
  }
  const path = searchPath(name, env);
  if (path !== null) return { path, source: "PATH" };
  return { path: null, source: null, problem: notFoundMessage(name) };
}
