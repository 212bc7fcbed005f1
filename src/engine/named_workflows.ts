/**
 * Named workflows: the project's `.odw/workflows/NAME.js`, then `.claude/workflows/NAME.js` (the
 * built-in's lookup order; the first directory wins a name both have). One resolver for
 * `workflow(name)` in a script, `odw list`, `odw exec <name>` and the MCP server. Files are read
 * through `workflow_file.ts` (inside the project, regular files, size capped); a file counts as a
 * workflow only when its `meta` reads, as in the built-in.
 *
 * @example
 * ```ts
 * for (const w of await listNamedWorkflows(Deno.cwd())) console.log(w.name, w.description);
 * const file = await findNamedWorkflow("review", Deno.cwd()); // undefined when there is none
 * ```
 * @module
 */
import { join } from "node:path";
import { analyzeScript } from "../script/analyze.ts";
import { readWorkflowFile, WORKFLOW_DIRS, type WorkflowFile, WorkflowFileError } from "./workflow_file.ts";

/** The prefix of a refusal about the script's form (parse, meta), as opposed to what it does. */
export const REFUSAL_PREFIX = "Invalid workflow script: ";

/** A named workflow as `odw list` shows it. */
export interface NamedWorkflow {
  name: string;
  /** `meta.description`; empty when the script is refused for what it does (see `error`). */
  description: string;
  whenToUse?: string;
  /** The titles of `meta.phases`. */
  phases: string[];
  /** The file's absolute path. */
  path: string;
  /** Why `odw check` refuses the script, when it does (its meta still reads). */
  error?: string;
}

/** True when `name` can name a workflow file (no path, no leading dot). */
export function isWorkflowName(name: string): boolean {
  return /^[\w.-]+$/.test(name) && !name.startsWith(".") && name.length <= 255;
}

/** A named workflow's file, or undefined when it is missing or not a readable workflow file. */
async function readNamed(path: string, projectDir: string): Promise<WorkflowFile | undefined> {
  try {
    return await readWorkflowFile(path, projectDir);
  } catch (e) {
    if (e instanceof WorkflowFileError) return undefined;
    throw e;
  }
}

/** A file is a named workflow only when its meta reads (parse and meta checks pass), as in the built-in. */
export function isWorkflowSource(source: string): boolean {
  const analysis = analyzeScript(source, { determinism: false });
  return analysis.ok || !analysis.error.startsWith(REFUSAL_PREFIX);
}

/** The file of the workflow called `name`, or undefined when no workflow directory has one. */
export async function findNamedWorkflow(name: string, projectDir: string): Promise<WorkflowFile | undefined> {
  if (!isWorkflowName(name)) return undefined;
  for (const dir of WORKFLOW_DIRS) {
    const file = await readNamed(join(dir, `${name}.js`), projectDir);
    if (file && isWorkflowSource(file.text)) return file;
  }
  return undefined;
}

/** The project's named workflows (both directories), sorted by name. */
export async function listNamedWorkflows(projectDir: string): Promise<NamedWorkflow[]> {
  const found = new Map<string, NamedWorkflow>();
  for (const dir of WORKFLOW_DIRS) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(join(projectDir, dir)));
    } catch {
      continue; // no such directory
    }
    for (const entry of entries) {
      const name = entry.name.slice(0, -3);
      if (!entry.name.endsWith(".js") || found.has(name) || !isWorkflowName(name)) continue;
      const file = await readNamed(join(dir, entry.name), projectDir);
      if (file && isWorkflowSource(file.text)) found.set(name, describe(name, file));
    }
  }
  return [...found.values()].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** What `odw list` shows of one workflow file whose meta reads. */
function describe(name: string, file: WorkflowFile): NamedWorkflow {
  const analysis = analyzeScript(file.text);
  if (!analysis.ok) return { name, description: "", phases: [], path: file.path, error: analysis.error };
  const { meta } = analysis;
  return {
    name,
    description: meta.description,
    ...(meta.whenToUse === undefined ? {} : { whenToUse: meta.whenToUse }),
    phases: (meta.phases ?? []).map((p) => p.title),
    path: file.path,
  };
}
