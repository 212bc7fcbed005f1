/**
 * `odw list`: the project's named workflows (`.odw/workflows`, `.claude/workflows`) with their name,
 * description, whenToUse and phases, read statically (nothing runs). A file that would be refused is
 * listed with its one-line problem; `--json` prints one array.
 *
 * @module
 */
import { jsonForTerminal, terminalLine } from "../common/terminal_text.ts";
import { literalJsonReplacer } from "../script/literal.ts";
import { HELP_OPTION, helpShown, noArguments, parseCommandArgs } from "./argv.ts";
import { listNamedWorkflows, type NamedWorkflow } from "./named_workflows.ts";

/** Help text of `odw list`. */
export const LIST_HELP = `Usage: odw list [--json]

Lists the project's named workflows: every .js file in .odw/workflows and .claude/workflows of the
current directory, by the name odw exec <name> and workflow(name) take (the file name without .js),
with its description, when to use it and its phases. Files are only read, never run. A file the
static checks refuse is listed with its problem; a name in both folders runs from .odw/workflows
(the other is marked "shadowed").

Options:
  --json       print one JSON array: { name, file, meta | problem, shadowedBy? }
  -h, --help   this help`;

/** The text lines of one workflow. */
function describe(wf: NamedWorkflow): string[] {
  const lines = [`${terminalLine(wf.name)}  (${terminalLine(wf.file)})`];
  if (wf.shadowedBy) lines.push(`  shadowed: ${terminalLine(wf.shadowedBy)} runs under this name`);
  if (wf.problem !== undefined) {
    lines.push(`  problem: ${terminalLine(wf.problem)}`);
    return lines;
  }
  const meta = wf.meta!;
  if (meta.name !== wf.name) lines.push(`  meta.name: ${terminalLine(meta.name)}`);
  lines.push(`  ${terminalLine(meta.description)}`);
  if (meta.whenToUse) lines.push(`  when to use: ${terminalLine(meta.whenToUse)}`);
  if (meta.phases) lines.push(`  phases: ${meta.phases.map((p) => terminalLine(p.title)).join(" → ")}`);
  return lines;
}

/** Runs `odw list`; returns the exit code. */
export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("list", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      ...HELP_OPTION,
    },
  });
  if (helpShown(values, LIST_HELP)) return 0;
  noArguments(positionals);
  const workflows = await listNamedWorkflows(Deno.cwd());
  if (values.json) {
    console.log(jsonForTerminal(workflows, literalJsonReplacer));
    return 0;
  }
  if (workflows.length === 0) {
    console.log(
      "no named workflows (add .js files to .odw/workflows or .claude/workflows; odw init makes one)",
    );
    return 0;
  }
  console.log(workflows.map((wf) => describe(wf).join("\n")).join("\n\n"));
  return 0;
}
