/**
 * `odw check <script.js>`: the static checks only (meta, determinism, module syntax); nothing runs.
 * Exit 0 when the script would be accepted, 2 with the refusal message otherwise.
 *
 * @module
 */
import { jsonForTerminal, terminalLine, terminalText } from "../common/terminal_text.ts";
import { checkScript } from "../script/analyze.ts";
import { parseCommandArgs } from "./argv.ts";
import { readTextOrUsage, UsageError } from "../common/cli_kit.ts";

/** Runs `odw check`; returns the exit code. */
export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("check", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { script: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const path = values.script ?? positionals[0];
  if (!path) throw new UsageError("check needs a script: odw check <script.js>");
  const extra = positionals[values.script ? 0 : 1];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const checked = checkScript(await readTextOrUsage(path, "script"));
  if (values.json) {
    // meta literals may hold a bigint or a regex, which JSON cannot carry: shown as their source text.
    const printable = (_key: string, v: unknown) =>
      typeof v === "bigint" ? `${v}n` : v instanceof RegExp ? String(v) : v;
    console.log(jsonForTerminal(checked.ok ? { ok: true, meta: checked.meta } : checked, printable));
  } else if (checked.ok) {
    console.log(`ok: ${terminalLine(checked.meta.name)} — ${terminalLine(checked.meta.description)}`);
  } else {
    console.error(terminalText(checked.error));
  }
  return checked.ok ? 0 : 2;
}
