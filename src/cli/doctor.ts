/**
 * `odw doctor [--json] [--run-dir dir]`: checks what odw needs (see `doctor_checks.ts`) and prints one
 * line per check, `ok` or `problem` with how to fix it; exit 1 when there is a problem.
 *
 * @module
 */
import { jsonForTerminal, terminalLine } from "../common/terminal_text.ts";
import { HELP_OPTION, helpShown, noArguments, parseCommandArgs } from "./argv.ts";
import { type DoctorCheck, doctorChecks } from "./doctor_checks.ts";

/** Help text of `odw doctor`. */
export const DOCTOR_HELP = `Usage: odw doctor [--json] [--run-dir <dir>]

Checks what odw needs, one line each, "ok" or "problem" with how to fix it: Deno, git, the project's
.odw/config.json, pandacode (the configured executable, else the in-process one), the codex and
claude CLIs and their versions (PANDACODE_CODEX_BIN / PANDACODE_CLAUDE_BIN, else PATH; 5 s each),
which bamboo provider keys are set (names only, never values), and whether the run directory is
writable. Exit 0 when all is well, 1 when there is a problem.

Options:
  --run-dir <dir>   the run directory to check (default .odw/runs)
  --json            print one JSON object: { ok, checks: [{ name, ok, detail, fix? }] }
  -h, --help        this help`;

/** The human-readable lines. */
export function doctorText(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks.map((c) => {
    const head = `${c.ok ? "ok     " : "problem"}  ${c.name.padEnd(width)}  ${terminalLine(c.detail)}`;
    return c.ok ? head : `${head}\n         ${"".padEnd(width)}  fix: ${terminalLine(c.fix ?? "")}`;
  }).join("\n");
}

/** Runs `odw doctor`; returns the exit code. */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("doctor", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      "run-dir": { type: "string", default: ".odw/runs" },
      json: { type: "boolean", default: false },
      ...HELP_OPTION,
    },
  });
  if (helpShown(values, DOCTOR_HELP)) return 0;
  noArguments(positionals);
  const checks = await doctorChecks({
    env: Deno.env.toObject(),
    projectDir: Deno.cwd(),
    runsDir: values["run-dir"],
  });
  const healthy = checks.every((c) => c.ok);
  console.log(values.json ? jsonForTerminal({ ok: healthy, checks }) : doctorText(checks));
  return healthy ? 0 : 1;
}
