/**
 * The project's `.odw/config.json`: node defaults and per-phase overrides (routing, timeouts,
 * retries), concurrency caps per runtime/provider, and run defaults. Validated by `config_schema.ts`
 * (zod, loaded only when the file exists); each problem becomes one line naming the key.
 *
 * @example
 * ```ts
 * const config = await loadConfig("/work/repo"); // {} when the file does not exist
 * config.defaults?.runtime; // "bamboo"
 * ```
 * @module
 */
import { join } from "node:path";
import type { OdwConfig } from "./config_schema.ts";

export type { NodeSettings, OdwConfig } from "./config_schema.ts";

/** A config file that cannot be used; the message is one line naming the file and the key. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Where the config file of `projectDir` lives. */
export function configPath(projectDir: string): string {
  return join(projectDir, ".odw", "config.json");
}

/** Reads `.odw/config.json` of `projectDir`; `{}` when there is none. */
export async function loadConfig(projectDir: string): Promise<OdwConfig> {
  const path = configPath(projectDir);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return {};
    throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const { parseConfig } = await import("./config_schema.ts");
  return parseConfig(text, path);
}
