/**
 * `odw exec`'s backend and routing flags, in one place: `--backend`, `--pandacode`, the command-line
 * routing defaults (`--runtime`, `--provider`, `--model`, `--effort`, `--node-timeout`) and
 * `--dry-run`, together with `.odw/config.json`. It picks the backend, builds the run's
 * {@link Router}, and words the run header. Every bad value is one {@link UsageError} line.
 *
 * The backend: `--backend`; else `mock` with `--mock-scenario`, `pandacode` with `--pandacode`; else
 * config `backend`; else `pandacode` when a runtime is given on the command line or configured (config
 * `defaults.runtime` or a phase's `runtime`); else `mock`. pandacode runs in-process unless an executable is named
 * (`--pandacode`, then `ODW_PANDACODE_BIN`, then config `pandacode`).
 *
 * @example
 * ```ts
 * const setup = await setupExec(values, Deno.env.toObject(), Deno.cwd());
 * console.error(setup.header); // "odw: backend pandacode (in-process) · default routing bamboo/…"
 * ```
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import type { Backend } from "../backends/backend.ts";
import { createBackend } from "../backends/registry.ts";
import { UsageError } from "../common/cli_kit.ts";
import { durationFlag } from "./exec_guardrails.ts";
import { EFFORTS, RUNTIMES } from "../common/contract.ts";
import { isExecutableFile } from "../common/process.ts";
import { ConfigError, configPath, loadConfig, type OdwConfig } from "../engine/config.ts";
import { type ResolvedRouting, Router, type Routing, routingLabel } from "../engine/routing.ts";
import type { PhaseMeta } from "../script/analyze.ts";

/** The parseArgs options this module reads (merged into `odw exec`'s). */
export const EXEC_ROUTING_OPTIONS = {
  backend: { type: "string" },
  pandacode: { type: "string" },
  runtime: { type: "string" },
  provider: { type: "string" },
  model: { type: "string" },
  effort: { type: "string" },
  "node-timeout": { type: "string" },
  "dry-run": { type: "boolean", default: false },
} as const;

/** The help lines of these options. */
export const EXEC_ROUTING_HELP =
  `  --backend <name>         mock or pandacode (default: pandacode when a runtime is given or
                           configured, else mock)
  --pandacode <path>       run each node through this pandacode-compatible executable (also
                           ODW_PANDACODE_BIN, config "pandacode"); default: in-process
  --runtime <r>            default runtime of every node: codex, claude or bamboo
  --provider <p>           default provider (bamboo: deepseek, kimi, qwen, …)
  --model <m>              default model
  --effort <e>             default effort: low, medium, high, xhigh or max
  --node-timeout <d>       default per-node timeout (e.g. 90s, 10m)
  --dry-run                print each agent() call site's routing and price, run nothing`;

/** The values of these options as parseArgs gives them. */
export interface ExecRoutingValues {
  backend?: string;
  pandacode?: string;
  runtime?: string;
  provider?: string;
  model?: string;
  effort?: string;
  "node-timeout"?: string;
  "dry-run"?: boolean;
  "mock-scenario"?: string;
}

/** What `odw exec` runs with. */
export interface ExecSetup {
  backend: Backend;
  config: OdwConfig;
  /** The command-line routing defaults. */
  commandLine: Routing;
  /** Builds the run's router for a script's `meta.phases`. */
  router(metaPhases?: readonly PhaseMeta[]): Router;
  /** One line for stderr: the backend and the default routing. */
  header(router: Router): string;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`${flag} needs a value`);
  return value;
}

function checkRuntime(value: string | undefined, where: string): string | undefined {
  if (value === undefined || (RUNTIMES as readonly string[]).includes(value)) return value;
  throw new UsageError(`${where}: unknown runtime "${value}" (use ${RUNTIMES.join(", ")})`);
}

/** The command-line routing defaults, checked. */
export function commandLineRouting(values: ExecRoutingValues): Routing {
  const routing: Routing = {};
  const runtime = checkRuntime(nonEmpty(values.runtime, "--runtime"), "--runtime");
  if (runtime !== undefined) routing.runtime = runtime;
  const provider = nonEmpty(values.provider, "--provider");
  if (provider !== undefined) routing.provider = provider;
  const model = nonEmpty(values.model, "--model");
  if (model !== undefined) routing.model = model;
  if (values.effort !== undefined) {
    const effort = EFFORTS.find((e) => e === values.effort);
    if (!effort) {
      throw new UsageError(`--effort: invalid value "${values.effort}" (use ${EFFORTS.join(", ")})`);
    }
    routing.effort = effort;
  }
  const timeoutMs = durationFlag(values["node-timeout"], "--node-timeout");
  if (timeoutMs !== undefined) routing.timeoutMs = timeoutMs;
  return routing;
}

/** Reads the config and checks its runtimes (the schema itself is checked by `loadConfig`). */
async function readConfig(projectDir: string): Promise<OdwConfig> {
  let config: OdwConfig;
  try {
    config = await loadConfig(projectDir);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const where = `invalid ${configPath(projectDir)}`;
  checkRuntime(config.defaults?.runtime, `${where}: defaults.runtime`);
  for (const [title, settings] of Object.entries(config.phases ?? {})) {
    checkRuntime(settings.runtime, `${where}: phases.${title}.runtime`);
  }
  return config;
}

/** The pandacode executable to spawn, checked, or undefined for in-process. */
function pandacodeExecutable(
  values: Pick<RunSetupChoice, "pandacode">,
  env: Record<string, string | undefined>,
  config: OdwConfig,
  projectDir: string,
): string | undefined {
  const candidates: [string | undefined, string, string][] = [
    [values.pandacode, "--pandacode", Deno.cwd()],
    [env.ODW_PANDACODE_BIN || undefined, "ODW_PANDACODE_BIN", Deno.cwd()],
    [config.pandacode, `${configPath(projectDir)} "pandacode"`, projectDir],
  ];
  const found = candidates.find(([value]) => value !== undefined);
  if (!found) return undefined;
  const [value, where, base] = found as [string, string, string];
  const path = isAbsolute(value) ? value : resolve(base, value);
  if (!isExecutableFile(path)) {
    throw new UsageError(`${where} ${value}: ${exists(path) ? "not an executable file" : "no such file"}`);
  }
  return path;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether a runtime is given on the command line or configured. */
function runtimeConfigured(commandLine: Routing, config: OdwConfig): boolean {
  return commandLine.runtime !== undefined || config.defaults?.runtime !== undefined ||
    Object.values(config.phases ?? {}).some((p) => p.runtime !== undefined);
}

/**
 * What a run is set up from, typed: the backend asked for (else chosen as the module doc says), a
 * mock scenario (a file or a value), the pandacode executable, and the routing defaults.
 */
export interface RunSetupChoice {
  backend?: string;
  /** A mock scenario file (`--mock-scenario`). */
  mockScenarioFile?: string;
  /** A mock scenario as a value (a library caller's). */
  mockScenario?: unknown;
  /** A pandacode-compatible executable (`--pandacode`); relative to the working directory. */
  pandacode?: string;
  /** The routing defaults given by the caller (the command line's, or a library caller's). */
  routing: Routing;
}

/** Reads the flags, the environment and the config; creates the backend. */
export function setupExec(
  values: ExecRoutingValues,
  env: Record<string, string | undefined>,
  projectDir: string,
  /** A backend to use instead of choosing one (a replay's, which runs nothing). */
  fixedBackend?: Backend,
): Promise<ExecSetup> {
  const choice: RunSetupChoice = {
    backend: values.backend,
    mockScenarioFile: values["mock-scenario"],
    pandacode: values.pandacode,
    routing: commandLineRouting(values),
  };
  return setupRun(choice, env, projectDir, fixedBackend);
}

/** Reads the config and the environment for a run chosen as `choice`; creates the backend. */
export async function setupRun(
  choice: RunSetupChoice,
  env: Record<string, string | undefined>,
  projectDir: string,
  fixedBackend?: Backend,
): Promise<ExecSetup> {
  const commandLine = choice.routing;
  const config = await readConfig(projectDir);
  const mocked = choice.mockScenarioFile !== undefined || choice.mockScenario !== undefined;
  const name = choice.backend ??
    (mocked ? "mock" : undefined) ??
    (choice.pandacode !== undefined ? "pandacode" : undefined) ??
    config.backend ??
    (runtimeConfigured(commandLine, config) ? "pandacode" : "mock");
  const backend = fixedBackend ?? await createBackend({
    name,
    mockScenario: choice.mockScenarioFile,
    scenario: choice.mockScenario,
    pandacode: name === "pandacode" ? pandacodeExecutable(choice, env, config, projectDir) : choice.pandacode,
  });
  return {
    backend,
    config,
    commandLine,
    router: (metaPhases) =>
      new Router({
        metaPhases,
        config,
        commandLine,
        defaults: backend.routingDefaults?.bind(backend),
      }),
    header: (router) => runHeader(backend, router.defaultRouting()),
  };
}

/** `backend pandacode (in-process) · default routing bamboo/deepseek/deepseek-flash (runtime from …)`. */
export function runHeader(backend: Backend, defaults: ResolvedRouting): string {
  const detail = backend.detail ? ` (${backend.detail})` : "";
  const { shown, sources } = defaults;
  if (Object.keys(sources).length === 0) {
    return `odw: backend ${backend.name}${detail} · default routing: none (each node's own options)`;
  }
  const routed = shown.runtime ?? shown.provider ?? shown.model;
  const label = [
    routed === undefined ? "" : routingLabel(shown),
    shown.effort === undefined ? "" : `effort ${shown.effort}`,
    shown.timeoutMs === undefined ? "" : `timeout ${shown.timeoutMs} ms`,
  ].filter((part) => part !== "").join(" · ");
  const from = (Object.keys(sources) as (keyof typeof sources)[])
    .map((field) =>
      `${field} from ${sources[field] === "default" ? `${backend.name} default` : sources[field]}`
    );
  return `odw: backend ${backend.name}${detail} · default routing ${label} (${from.join(", ")})`;
}
