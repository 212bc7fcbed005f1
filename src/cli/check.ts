/**
 * `odw check <script.js | name>`: the static checks only (meta, determinism, module syntax); nothing
 * runs. Exit 0 when the script would be accepted, 2 with the refusal message otherwise. `--portable`
 * adds warnings (stderr) for `agent()` options Claude Code's built-in would ignore (see
 * `src/script/portable.ts`); with `--strict` a warning makes the exit code 1.
 *
 * @module
 */
import { jsonForTerminal, terminalLine, terminalText } from "../common/terminal_text.ts";
import { analyzeScript } from "../script/analyze.ts";
import { portabilityWarnings } from "../script/portable.ts";
import { literalJsonReplacer } from "../script/literal.ts";
import { HELP_OPTION, helpShown, parseCommandArgs } from "./argv.ts";
import { readTextOrUsage, UsageError } from "../common/cli_kit.ts";
import { resolveScriptArgument } from "./named_workflows.ts";

/** Help text of `odw check`. */
export const CHECK_HELP = `Usage: odw check <script.js | name> [--portable [--strict]] [--json]

Runs the static checks odw and the built-in run before anything starts (meta first and a pure
literal, no clock or randomness, no module syntax) and exits 0 when the script would be accepted,
2 with the refusal otherwise. Nothing runs. A name is looked up as odw exec does (odw list).

Options:
  --script <path>   the script (instead of the positional argument)
  --portable        also warn (stderr, one line each) about agent() options Claude Code's built-in
                    ignores: runtime, provider, timeout, stallTimeout, retries (odw-only), names
                    neither knows, and options it cannot read statically
  --strict          with --portable: exit 1 when there is a warning
  --json            print one JSON object ({ ok, meta | error, warnings with --portable })
  -h, --help        this help`;

/** Exit code of `odw check --portable --strict` with warnings. */
export const EXIT_NOT_PORTABLE = 1;

/** Runs `odw check`; returns the exit code. */
export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("check", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      script: { type: "string" },
      json: { type: "boolean", default: false },
      portable: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      ...HELP_OPTION,
    },
  });
  if (helpShown(values, CHECK_HELP)) return 0;
  const arg = values.script ?? positionals[0];
  if (!arg) throw new UsageError("check needs a script: odw check <script.js>");
  const extra = positionals[values.script ? 0 : 1];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (values.strict && !values.portable) throw new UsageError("--strict needs --portable");
  const { path } = await resolveScriptArgument(arg, Deno.cwd());
  const analysis = analyzeScript(await readTextOrUsage(path, "script"));
  const warnings = values.portable && analysis.ok ? portabilityWarnings(analysis.callSites) : [];
  if (values.json) {
    const answer = analysis.ok ? { ok: true, meta: analysis.meta } : analysis;
    console.log(jsonForTerminal(values.portable ? { ...answer, warnings } : answer, literalJsonReplacer));
  } else if (analysis.ok) {
    for (const warning of warnings) console.error(`warning: ${terminalLine(warning.message)}`);
    console.log(`ok: ${terminalLine(analysis.meta.name)} — ${terminalLine(analysis.meta.description)}`);
  } else {
    console.error(terminalText(analysis.error));
  }
  if (!analysis.ok) return 2;
  return values.strict && warnings.length > 0 ? EXIT_NOT_PORTABLE : 0;
}
