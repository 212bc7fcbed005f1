/**
 * `odw mcp`: serves odw's tools to an MCP client (Claude Code, Codex, Cursor, …) over stdio. Stdout
 * carries only the protocol's frames: everything else odw would print goes to stderr. The server and
 * the SDK are loaded only here, after `--help`, so no other command pays for them.
 *
 * It ends when the client closes its stdin or on SIGINT/SIGTERM: the runs it started are cancelled
 * (their finished agents stay journaled; `odw resume` goes on) and it exits once they have ended.
 *
 * @module
 */
import { resolve } from "node:path";
import { parseCommandArgs } from "./argv.ts";
import { UsageError } from "../common/cli_kit.ts";
// Not main.ts's VERSION: this module loads while main.ts still awaits (a cycle would never resolve).
import denoJson from "../../deno.json" with { type: "json" };

/** Help text of `odw mcp`. */
export const MCP_HELP = `Usage: odw mcp [--project <dir>] [--run-dir <dir>]

Serves odw to an MCP client over stdio (e.g. claude mcp add odw -- odw mcp). Tools:
  run_workflow     run a script's text or a named workflow (args, backend mock|pandacode, scenario,
                   runtime/provider/model/effort, budget, timeoutSeconds); waits up to waitSeconds
                   (default 50) for the outcome, else answers "running" with the runId
  get_run          a run's status, result or error, last log lines, report path
  get_report       a run's report.html path (written when missing)
  cancel_run       cancel a run this server started
  list_runs        recent runs
  list_workflows   named workflows in .odw/workflows and .claude/workflows

Options:
  --project <dir>   the project the tools work in (default: the working directory)
  --run-dir <dir>   where run records go (default <project>/.odw/runs)
  -h, --help        this help`;

/** How long the server waits for its runs to end after it was asked to stop. */
const SHUTDOWN_WAIT_MS = 15_000;

/** Runs `odw mcp`; resolves with the exit code once the client has gone. */
export async function mcpCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("mcp", {
    args: argv,
    strict: true,
    options: {
      project: { type: "string" },
      "run-dir": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(MCP_HELP);
    return 0;
  }
  const projectDir = resolve(values.project ?? ".");
  if (!isDirectory(projectDir)) throw new UsageError(`--project ${values.project}: not a directory`);
  const runsDir = resolve(projectDir, values["run-dir"] ?? ".odw/runs");
  // Nothing but protocol frames on stdout, whatever a backend or a library prints.
  console.log = console.info = console.debug = console.error;
  const { serveStdio } = await import("../mcp/stdio.ts");
  return await serveStdio({ projectDir, runsDir, version: denoJson.version }, SHUTDOWN_WAIT_MS);
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
