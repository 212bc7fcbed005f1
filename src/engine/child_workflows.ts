/**
 * Resolves `workflow(nameOrRef)` to a checked child script, with the built-in's messages: a name is
 * looked up in the project's `.odw/workflows/NAME.js`, then `.claude/workflows/NAME.js`;
 * `{ scriptPath }` is a path relative to the project directory (the directory odw runs in).
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { analyzeScript } from "../script/analyze.ts";

/** A child script ready for the worker. */
export interface ChildScript {
  /** The name the child is shown by: the name asked for, or the script's meta.name for a path. */
  name: string;
  path: string;
  body: string;
}

const WORKFLOW_DIRS = [".odw/workflows", ".claude/workflows"];
const REFUSAL_PREFIX = "Invalid workflow script: ";

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) return undefined;
    throw e;
  }
}

/** A file is a named workflow only when its meta reads (parse and meta checks pass), as in the built-in. */
function isWorkflow(source: string): boolean {
  const analysis = analyzeScript(source, { determinism: false });
  return analysis.ok || !analysis.error.startsWith(REFUSAL_PREFIX);
}

/** Names of the project's workflows (both directories), sorted. */
export async function availableWorkflows(projectDir: string): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of WORKFLOW_DIRS) {
    try {
      for await (const entry of Deno.readDir(join(projectDir, dir))) {
        if (!entry.isFile || !entry.name.endsWith(".js")) continue;
        const source = await readIfExists(join(projectDir, dir, entry.name));
        if (source !== undefined && isWorkflow(source)) names.add(entry.name.slice(0, -3));
      }
    } catch { /* no such directory */ }
  }
  return [...names].sort();
}

function checked(source: string, where: string, path: string, name?: string): ChildScript {
  const analysis = analyzeScript(source, { determinism: false });
  if (!analysis.ok) {
    const reason = analysis.error.startsWith(REFUSAL_PREFIX)
      ? analysis.error.slice(REFUSAL_PREFIX.length)
      : analysis.error;
    throw new Error(`${where}: ${reason}`);
  }
  return { name: name ?? analysis.meta.name, path, body: analysis.body };
}

/** Finds, reads and statically checks a child workflow; throws an Error with the built-in's message. */
export async function resolveChildWorkflow(
  ref: string | { scriptPath: string },
  projectDir: string,
): Promise<ChildScript> {
  if (typeof ref === "string") {
    const where = `workflow('${ref}')`;
    if (/^[\w.-]+$/.test(ref) && !ref.startsWith(".")) {
      for (const dir of WORKFLOW_DIRS) {
        const path = join(projectDir, dir, `${ref}.js`);
        const source = await readIfExists(path);
        if (source !== undefined && isWorkflow(source)) return checked(source, where, path, ref);
      }
    }
    const names = await availableWorkflows(projectDir);
    throw new Error(`${where}: no workflow with that name. Available: ${names.join(", ") || "(none)"}`);
  }
  const where = `workflow({scriptPath: '${ref.scriptPath}'})`;
  const path = isAbsolute(ref.scriptPath) ? ref.scriptPath : resolve(projectDir, ref.scriptPath);
  const source = await readIfExists(path);
  if (source === undefined) throw new Error(`${where}: Workflow script file not found: ${ref.scriptPath}`);
  return checked(source, where, path);
}
