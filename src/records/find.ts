/**
 * Finding a run record by the id a person types: the whole run id, or any unique prefix of it
 * (`odw resume 20260101-1200` when only one run started in that minute).
 *
 * @example
 * ```ts
 * const runDir = await findRun(".odw/runs", "20260101-120000"); // ".odw/runs/20260101-120000-abcdef"
 * ```
 * @module
 */
import { join } from "node:path";
import { RecordError } from "./read.ts";

/** Run ids are UTC stamps with a random suffix; anything else (a path, `..`) is refused. */
const RUN_ID_TEXT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The directory of the run `ref` names under `runsDir`; a {@link RecordError} when none or several match. */
export async function findRun(runsDir: string, ref: string): Promise<string> {
  if (!RUN_ID_TEXT.test(ref) || ref.length > 200) {
    throw new RecordError(`"${ref.slice(0, 80)}" is not a run id (see odw runs)`);
  }
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(runsDir)) {
      if (entry.isDirectory && entry.name.startsWith(ref)) names.push(entry.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (names.includes(ref)) return join(runsDir, ref);
  if (names.length === 1) return join(runsDir, names[0]);
  if (names.length === 0) throw new RecordError(`no run "${ref}" in ${runsDir} (see odw runs)`);
  names.sort();
  const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? ", …" : "");
  throw new RecordError(`run id "${ref}" is ambiguous: ${names.length} runs match (${shown})`);
}
