/**
 * Task resolution: turns the parsed flags of `pandacode run` into a fully checked {@link Task}.
 * Every problem is a one-line {@link UsageError} (exit 2) raised before anything runs.
 *
 * @example
 * ```ts
 * const task = await resolveTask(parseRunArgs(Deno.args), Deno.env.toObject());
 * ```
 * @module
 */
import { resolve } from "node:path";
import { parseDuration } from "../../src/common/duration.ts";
import {
  DEFAULT_PROVIDER,
  findProvider,
  type ProviderInfo,
  providerKey,
  PROVIDERS,
} from "../bamboo/providers.ts";
import { type Effort, EFFORTS } from "../../src/common/contract.ts";
import type { Task } from "../executor.ts";
import { type Runtime, RUNTIMES } from "../../src/common/contract.ts";
import type { RunFlags } from "./args.ts";
import { findCli } from "./bins.ts";
import { readPrompt } from "./prompt.ts";
import { loadSchema } from "./schema.ts";
import { UsageError } from "./usage.ts";

/** Provider bamboo uses when `--provider` is not given. */
export const DEFAULT_BAMBOO_PROVIDER = DEFAULT_PROVIDER;

/** Values accepted by `--effort` (the contract's). */
export { EFFORTS };

function checkRuntime(value: string | undefined): Runtime {
  if (value === undefined) throw new UsageError("missing --runtime (codex, claude or bamboo)");
  const runtime = RUNTIMES.find((r) => r === value);
  if (runtime === undefined) {
    throw new UsageError(`unknown runtime ${JSON.stringify(value)} (use codex, claude or bamboo)`);
  }
  return runtime;
}

function checkBambooProvider(value: string | undefined): ProviderInfo {
  const provider = findProvider(value ?? DEFAULT_BAMBOO_PROVIDER);
  if (provider === undefined) {
    const known = PROVIDERS.map((p) => p.id).join(", ");
    throw new UsageError(`unknown provider ${JSON.stringify(value)} (known: ${known})`);
  }
  return provider;
}

function checkKey(provider: ProviderInfo, env: Record<string, string>): void {
  if (providerKey(provider, env) !== undefined) return;
  const [first, ...others] = provider.keyEnv;
  const alternatives = others.length > 0 ? ` (nor ${others.join(" nor ")})` : "";
  throw new UsageError(
    `${first} is not set${alternatives}: bamboo provider ${provider.id} needs an API key`,
  );
}

function checkEffort(value: string | undefined): Effort | undefined {
  if (value === undefined) return undefined;
  const effort = EFFORTS.find((e) => e === value);
  if (effort === undefined) {
    throw new UsageError(`invalid --effort ${JSON.stringify(value)} (use ${EFFORTS.join(", ")})`);
  }
  return effort;
}

function checkTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw new UsageError(`invalid --timeout: ${(error as Error).message}`);
  }
  if (ms <= 0) throw new UsageError(`invalid --timeout "${value}": it must be more than zero`);
  return ms;
}

function checkMaxOutputTokens(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0) {
    throw new UsageError(`invalid --max-output-tokens ${JSON.stringify(value)} (a positive integer)`);
  }
  return Number(value);
}

function checkBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = URL.parse(value);
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`invalid --base-url ${JSON.stringify(value)} (an http or https URL)`);
  }
  return value;
}

function checkCwd(value: string | undefined, baseDir: string): string {
  const path = resolve(baseDir, value ?? ".");
  let real: string;
  try {
    real = Deno.realPathSync(path);
  } catch {
    throw new UsageError(`--cwd ${value} does not exist`);
  }
  if (!Deno.statSync(real).isDirectory) throw new UsageError(`--cwd ${value} is not a directory`);
  return real;
}

function checkRetries(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 10) {
    throw new UsageError(`invalid --retries ${JSON.stringify(value)} (a whole number from 0 to 10)`);
  }
  return n;
}

/**
 * Checks every flag, the runtime's prerequisites (bamboo key, codex/claude binary) and reads the
 * prompt. Relative `--cwd`, `--schema` and `--prompt-file` paths are taken from `baseDir`.
 * bamboo without `--provider` uses {@link DEFAULT_BAMBOO_PROVIDER} and its default model.
 */
export async function resolveTask(
  flags: RunFlags,
  env: Record<string, string>,
  baseDir: string = Deno.cwd(),
): Promise<Task> {
  const runtime = checkRuntime(flags.runtime);
  const bamboo = runtime === "bamboo" ? checkBambooProvider(flags.provider) : undefined;
  const effort = checkEffort(flags.effort);
  const timeoutMs = checkTimeout(flags.timeout);
  const maxOutputTokens = checkMaxOutputTokens(flags.maxOutputTokens);
  const retries = checkRetries(flags.retries);
  const baseUrl = checkBaseUrl(flags.baseUrl);
  const cwd = checkCwd(flags.cwd, baseDir);
  const schema = flags.schema === undefined ? undefined : await loadSchema(flags.schema, baseDir);
  let bin: string | undefined;
  if (bamboo !== undefined) {
    checkKey(bamboo, env);
  } else if (runtime === "codex" || runtime === "claude") {
    const found = findCli(runtime, env, baseDir);
    if (found.path === null) throw new UsageError(found.problem);
    bin = found.path;
  }
  const prompt = await readPrompt(flags, baseDir);
  const task: Task = { runtime, cwd, prompt, env };
  const provider = bamboo?.id ?? flags.provider;
  const model = flags.model ?? bamboo?.defaultModel;
  if (provider !== undefined) task.provider = provider;
  if (model !== undefined) task.model = model;
  if (schema !== undefined) task.schema = schema;
  if (effort !== undefined) task.effort = effort;
  if (timeoutMs !== undefined) task.timeoutMs = timeoutMs;
  if (maxOutputTokens !== undefined) task.maxOutputTokens = maxOutputTokens;
  if (baseUrl !== undefined) task.baseUrl = baseUrl;
  if (bin !== undefined) task.bin = bin;
  if (retries !== undefined) task.retries = retries;
  return task;
}
