/**
 * Command-line parsing for odw's commands: node's `parseArgs` with two adjustments. A string option
 * takes the next word as its value even when that word starts with `-` (the getopt habit), so
 * `--args -1` passes the number -1 and `--budget -5` reaches the flag's own check and its clear message
 * instead of node's "argument is ambiguous". And a parse error becomes one short {@link UsageError}
 * line that names the command's help.
 *
 * @example
 * ```ts
 * const { values } = parseCommandArgs("runs", { args: ["--json"], options: { json: { type: "boolean" } } });
 * ```
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../common/cli_kit.ts";

/** Parses `config.args` like node's `parseArgs`; bad usage throws a {@link UsageError}. */
export function parseCommandArgs<T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  const takesValue = new Set(
    Object.entries(config.options ?? {}).filter(([, o]) => o.type === "string").map(([name]) => `--${name}`),
  );
  const input = config.args ?? [];
  const args: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const word = input[i];
    if (word === "--") {
      args.push(...input.slice(i));
      break;
    }
    if (takesValue.has(word) && i + 1 < input.length) args.push(`${word}=${input[++i]}`);
    else args.push(word);
  }
  try {
    return parseArgs<T>({ ...config, args });
  } catch (e) {
    throw new UsageError(describeParseError(e as Error & { code?: string }, command));
  }
}

/** One line for a `parseArgs` error. */
function describeParseError(e: Error & { code?: string }, command: string): string {
  const quoted = /'([^']*)'/.exec(e.message)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${quoted} (try odw ${command} --help)`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument "${quoted}"`;
    default:
      return e.message.split("\n")[0];
  }
}

/** The `-h` / `--help` option every command takes (spread into its `options`). */
export const HELP_OPTION = { help: { type: "boolean", short: "h", default: false } } as const;

/** Prints `help` when the command was asked for it; true then (the command returns 0). */
export function helpShown(values: { help?: boolean }, help: string): boolean {
  if (values.help) console.log(help);
  return values.help === true;
}

/** Throws the one-line {@link UsageError} for a positional argument a command does not take. */
export function noArguments(positionals: string[], hint = ""): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"${hint}`);
}
