/**
 * odw command-line entrypoint: dispatches to one module per command and turns any bad usage into
 * one line on stderr with exit code 2.
 *
 * @module
 */
import { UsageError } from "../common/cli_kit.ts";
import { terminalText } from "../common/terminal_text.ts";
import { VERSION } from "../common/version.ts";

const HELP = `odw ${VERSION} — runs agent-authored JavaScript workflows

Usage:
  odw init [--path <dir>] [--force]                                    set up .odw/, the skill, typings
  odw exec <script.js> [--args <json>] [--backend mock] [--json] ...   run a workflow
  odw check <script.js> [--portable [--strict]]                        static checks only
  odw list [--json]                                                    named workflows (odw exec <name>)
  odw resume <runId> [--script <edited.js>] [exec options]             run again, reusing finished nodes
  odw replay <runId> [--script <path>]                                 run against a recorded run, no backend
  odw runs [--json]                                                    list run records and their state
  odw cancel <runId>                                                   stop a running run
  odw report <runId> [--out <file>] [--open]                           (re)build a run's report.html
  odw watch <runId> [--open]                                           live view of a run in the browser
  odw worktrees [list|prune] [--run <id>]                              branches of worktree nodes
  odw worker --nats <url> [--concurrency n] [--runtimes claude,bamboo] run nodes of distributed runs here
  odw workers --nats <url>                                             workers alive, their nodes, queue depth
  odw mcp [--project <dir>]                                            serve odw's tools to an MCP client (stdio)
  odw doctor [--json]                                                  check Deno, git, CLIs, keys, run dir
  odw --version                                                        print "odw <version>"

Run "odw <command> --help" (or "odw help <command>") for each command's options.`;

/** Commands, loaded on use so `odw --help` and `odw check` do not pay for the engine. */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  init: async () => (await import("./init.ts")).initCommand,
  exec: async () => (await import("./exec.ts")).execCommand,
  check: async () => (await import("./check.ts")).checkCommand,
  list: async () => (await import("./list.ts")).listCommand,
  doctor: async () => (await import("./doctor.ts")).doctorCommand,
  runs: async () => (await import("./runs.ts")).runsCommand,
  resume: async () => {
    const { execCommand } = await import("./exec.ts");
    return (argv) => execCommand(argv, "resume");
  },
  replay: async () => {
    const { execCommand } = await import("./exec.ts");
    return (argv) => execCommand(argv, "replay");
  },
  cancel: async () => (await import("./cancel.ts")).cancelCommand,
  report: async () => (await import("./report.ts")).reportCommand,
  watch: async () => (await import("./watch.ts")).watchCommand,
  worktrees: async () => (await import("./worktrees.ts")).worktreesCommand,
  worker: async () => (await import("./worker.ts")).workerCommand,
  workers: async () => (await import("./workers.ts")).workersCommand,
  mcp: async () => (await import("./mcp.ts")).mcpCommand,
};

/** The names of odw's commands (each takes `--help`). */
export function commandNames(): string[] {
  return Object.keys(COMMANDS);
}

/** Runs the CLI with `argv` (without the program name); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "help" && argv.length > 1) return await main([argv[1], "--help"]);
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-V") {
    console.log(`odw ${VERSION}`);
    return 0;
  }
  const load = COMMANDS[command];
  // The sandbox process of a run boots while the engine loads and the script is checked.
  if (command === "exec" || command === "resume" || command === "replay") {
    (await import("../sandbox/prestart.ts")).prestartForExec(rest);
  }
  try {
    if (!load) throw new UsageError(`unknown command "${command}" (try odw --help)`);
    return await (await load())(rest);
  } catch (e) {
    const message = e instanceof UsageError
      ? e.message
      : (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
      ? (e as Error).message.split("\n")[0]
      : `internal error: ${(e as Error).message ?? e}`;
    console.error(`odw: ${terminalText(message)}`);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
