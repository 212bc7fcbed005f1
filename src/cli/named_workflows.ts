/**
 * The project's named workflows (`.odw/workflows/NAME.js`, then `.claude/workflows/NAME.js`, the
 * directories and order `workflow(name)` uses), for `odw list` and for running one by name with
 * `odw exec <name>` / `odw check <name>` / `--script <name>`.
 *
 * A name is the file name without `.js` (what `workflow(name)` takes; `meta.name` may differ). Files
 * are read through `workflow_file.ts` (regular files inside the project, size capped) and checked
 * statically only; nothing runs. Precedence when a command gets an argument: an existing path always
 * wins; an argument ending in `.js` is a path; otherwise an argument that is a valid name (letters,
 * digits, `_`, `.`, `-`, not starting with `.`) is looked up by the rule `workflow(name)` follows
 * (`engine/named_workflows.ts`): `.odw/workflows` before `.claude/workflows`, and a file counts only
 * when its meta reads (a note says when both have it); an unknown name is one error line with the
 * close names.
 *
 * @example
 * ```ts
 * const { path, note } = await resolveScriptArgument("review", Deno.cwd()); // .odw/workflows/review.js
 * for (const wf of await listNamedWorkflows(Deno.cwd())) console.log(wf.name, wf.problem ?? wf.meta?.description);
 * ```
 * @module
 */
import { join, resolve } from "node:path";
import { distance } from "fastest-levenshtein";
import { UsageError } from "../common/cli_kit.ts";
import { readWorkflowFile, WORKFLOW_DIRS } from "../engine/workflow_file.ts";
import { isWorkflowName, isWorkflowSource } from "../engine/named_workflows.ts";
import { checkScript, type WorkflowMeta } from "../script/analyze.ts";

/** One workflow file found in a workflow directory. */
export interface NamedWorkflow {
  /** The name to run it by: the file name without `.js`. */
  name: string;
  /** Its file, relative to the project (`.odw/workflows/NAME.js`). */
  file: string;
  /** The meta, when the static checks pass. */
  meta?: WorkflowMeta;
  /** Why it cannot run (the first line of the refusal, or why the file is unreadable). */
  problem?: string;
  /** Set when a file of the same name in an earlier directory is the one that runs. */
  shadowedBy?: string;
}

/** The `.js` file names (without `.js`) in each workflow directory, in lookup order. */
async function workflowFileNames(projectDir: string): Promise<{ dir: string; names: string[] }[]> {
  const found = [];
  for (const dir of WORKFLOW_DIRS) {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(join(projectDir, dir))) {
        if (entry.name.endsWith(".js")) names.push(entry.name.slice(0, -3));
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
    }
    found.push({ dir, names: names.sort() });
  }
  return found;
}

/** What one workflow file holds; `counts` when `workflow(name)` would take it (its meta reads). */
interface Inspected extends Pick<NamedWorkflow, "meta" | "problem"> {
  counts: boolean;
}

/** Reads and checks one workflow file; never throws for a bad file. */
async function inspect(projectDir: string, file: string): Promise<Inspected> {
  let text: string;
  try {
    const read = await readWorkflowFile(file, projectDir);
    if (read === undefined) return { problem: "the file is gone (a broken link?)", counts: false };
    text = read.text;
  } catch (e) {
    return { problem: (e as Error).message.split("\n")[0], counts: false };
  }
  const checked = checkScript(text);
  const counts = isWorkflowSource(text);
  return checked.ok ? { meta: checked.meta, counts } : { problem: checked.error.split("\n")[0], counts };
}

/**
 * Every `.js` file of the project's workflow directories, sorted by name (`.odw/workflows` first
 * for a name in both), with its meta or its one-line problem.
 */
export async function listNamedWorkflows(projectDir: string): Promise<NamedWorkflow[]> {
  const rows: NamedWorkflow[] = [];
  const first = new Map<string, string>();
  for (const { dir, names } of await workflowFileNames(projectDir)) {
    for (const name of names) {
      const file = `${dir}/${name}.js`;
      const { counts, ...found } = await inspect(projectDir, file);
      const row: NamedWorkflow = { name, file, ...found };
      if (!isWorkflowName(name)) {
        row.problem ??= "this file name cannot be run by name (use letters, digits, _ . -)";
      } else if (first.has(name)) {
        row.shadowedBy = first.get(name);
      } else if (counts) {
        first.set(name, file); // a file whose meta does not read shadows nothing: workflow(name) skips it
      }
      rows.push(row);
    }
  }
  return rows.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Up to three of `names` close to `wanted` (edit distance, or one contains the other). */
export function closeNames(wanted: string, names: Iterable<string>): string[] {
  const target = wanted.toLowerCase().replace(/\.js$/, "");
  const limit = Math.max(2, Math.floor(target.length / 3));
  return [...new Set(names)]
    .map((name) => ({ name, d: distance(target, name.toLowerCase()) }))
    .filter(({ name, d }) => d <= limit || (target.length >= 3 && name.toLowerCase().includes(target)))
    .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : 1))
    .slice(0, 3)
    .map(({ name }) => name);
}

/** True when something (a file, a directory, a link) is at `path`. */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Where `odw exec <arg>` finds its script, and a note to show when the choice was ambiguous. */
export interface ScriptChoice {
  /** The argument itself when it is a path, else the workflow's file; relative to the project. */
  path: string;
  note?: string;
}

/**
 * Resolves a script argument: an existing path as is; else a workflow name from the workflow
 * directories; else a {@link UsageError} naming close workflow names (a path-like argument that does
 * not exist is returned as is, so reading it gives the usual "no such file").
 */
export async function resolveScriptArgument(arg: string, projectDir: string): Promise<ScriptChoice> {
  if (!isWorkflowName(arg) || await exists(resolve(projectDir, arg))) return { path: arg };
  const dirs = await workflowFileNames(projectDir);
  if (arg.endsWith(".js")) {
    const stem = arg.slice(0, -3);
    const named = dirs.some(({ names }) => names.includes(stem));
    if (!named) return { path: arg };
    throw new UsageError(
      `cannot read script ${arg}: no such file (to run the workflow: odw exec ${stem})`,
    );
  }
  const holders = dirs.filter(({ names }) => names.includes(arg)).map(({ dir }) => `${dir}/${arg}.js`);
  if (holders.length > 0) {
    // As workflow(name) picks: the first whose meta reads; when none does, the first (to show why).
    const workflows = [];
    for (const holder of holders) if ((await inspect(projectDir, holder)).counts) workflows.push(holder);
    const chosen = workflows[0] ?? holders[0];
    const others = holders.filter((holder) => holder !== chosen);
    const note = others.length > 0
      ? `odw: "${arg}" is in both ${holders.join(" and ")}; running ${chosen} (as workflow("${arg}") would)`
      : undefined;
    return { path: chosen, note };
  }
  const all = dirs.flatMap(({ names }) => names).filter(isWorkflowName);
  const close = closeNames(arg, all);
  const hint = close.length > 0
    ? `did you mean ${close.join(", ")}?`
    : all.length > 0
    ? `named workflows: ${[...new Set(all)].slice(0, 10).join(", ")}`
    : "there are none yet; odw init creates .odw/workflows";
  throw new UsageError(
    `no file "${arg}" and no workflow named "${arg}" in ${WORKFLOW_DIRS.join(" or ")} (${hint})`,
  );
}
