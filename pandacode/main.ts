/**
 * pandacode command-line entrypoint: `pandacode run | providers | doctor`, `--help`, `--version`.
 *
 * Bad usage prints one `pandacode: …` line on stderr and exits 2; `run` exits 0 when the task
 * completed and 1 otherwise. See pandacode/README.md for the whole contract.
 *
 * @example
 * ```sh
 * echo "fix the failing test" | pandacode run --runtime codex --json
 * ```
 * @module
 */
import { doctorCommand } from "./cli/doctor.ts";
import { diagnostic, writeStdout } from "./cli/io.ts";
import { providersCommand } from "./cli/providers.ts";
import { runCommand } from "./cli/run.ts";
import { EXIT_USAGE, MAIN_HELP, PANDACODE_VERSION, UsageError } from "./cli/usage.ts";

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runCommand,
  providers: providersCommand,
  doctor: doctorCommand,
};

/** Runs pandacode with `args` (without the program name) and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    throw new UsageError("missing command (use run, providers or doctor; see pandacode --help)");
  }
  if (first === "--help" || first === "-h" || first === "help") {
    await writeStdout(MAIN_HELP);
    return 0;
  }
  if (first === "--version" || first === "-V") {
    await writeStdout(`pandacode ${PANDACODE_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[first];
  if (command === undefined) {
    const what = first.startsWith("-")
      ? `unknown option ${first}`
      : `unknown command ${JSON.stringify(first)}`;
    throw new UsageError(`${what} (use run, providers or doctor; see pandacode --help)`);
  }
  return await command(rest);
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (error) {
    if (error instanceof UsageError) {
      diagnostic(error.message);
      code = EXIT_USAGE;
    } else {
      diagnostic(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    }
  }
  Deno.exit(code);
}
