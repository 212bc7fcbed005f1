/**
 * Command-line parsing for pandacode's commands with `node:util` parseArgs (strict), turning its
 * errors into one-line {@link UsageError}s.
 *
 * @example
 * ```ts
 * const flags = parseRunArgs(["--runtime", "codex", "--json", "fix the test"]);
 * flags.runtime; // "codex"
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "./usage.ts";

/** Flags of `pandacode run`, as given (strings, not yet validated). */
export interface RunFlags {
  runtime?: string;
  provider?: string;
  model?: string;
  cwd?: string;
  schema?: string;
  effort?: string;
  timeout?: string;
  maxOutputTokens?: string;
  baseUrl?: string;
  promptFile?: string;
  retries?: string;
  json: boolean;
  /** Print a throttled `pandacode: alive` line on stderr on every sign of life of the runtime. */
  heartbeat: boolean;
  help: boolean;
  /** Positional words; joined with spaces they are the prompt. */
  positionals: string[];
}

/** Flags of `pandacode providers` and `pandacode doctor`. */
export interface ListFlags {
  json: boolean;
  help: boolean;
}

const STRING_FLAGS = [
  "runtime",
  "provider",
  "model",
  "cwd",
  "schema",
  "effort",
  "timeout",
  "max-output-tokens",
  "base-url",
  "prompt-file",
  "retries",
] as const;

/** Rewrites parseArgs' multi-sentence errors into one short line naming the command. */
function usageErrorFrom(error: unknown, command: string): UsageError {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  const help = `see pandacode ${command} --help`;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) {
    return new UsageError(`unknown option ${option} for pandacode ${command} (${help})`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    return new UsageError(`option ${option} needs a value (${help})`);
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return new UsageError(`pandacode ${command} takes no arguments (${help})`);
  }
  return new UsageError(`${message.split("\n")[0]} (${help})`);
}

/** Parses the arguments after `run`. Throws {@link UsageError} on unknown or incomplete options. */
export function parseRunArgs(args: string[]): RunFlags {
  const options = Object.fromEntries(STRING_FLAGS.map((name) => [name, { type: "string" as const }]));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        ...options,
        json: { type: "boolean" },
        heartbeat: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw usageErrorFrom(error, "run");
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const str = (name: string) => v[name] as string | undefined;
  return {
    runtime: str("runtime"),
    provider: str("provider"),
    model: str("model"),
    cwd: str("cwd"),
    schema: str("schema"),
    effort: str("effort"),
    timeout: str("timeout"),
    maxOutputTokens: str("max-output-tokens"),
    baseUrl: str("base-url"),
    promptFile: str("prompt-file"),
    retries: str("retries"),
    json: v.json === true,
    heartbeat: v.heartbeat === true,
    help: v.help === true,
    positionals: parsed.positionals,
  };
}

/** Parses the arguments after `providers` or `doctor` (only `--json` and `--help`). */
export function parseListArgs(args: string[], command: "providers" | "doctor"): ListFlags {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
    return { json: values.json === true, help: values.help === true };
  } catch (error) {
    throw usageErrorFrom(error, command);
  }
}
