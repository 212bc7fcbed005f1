/**
 * Resolves `workflow(nameOrRef)` to a checked child script: a name is looked up in the project's
 * `.odw/workflows/NAME.js`, then `.claude/workflows/NAME.js`; `{ scriptPath }` is a path relative
 * to the project directory (the directory odw runs in).
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { analyzeScript } from "../script/analyze.ts";

/** A child script ready for the worker. */
export interface ChildScript {
  name: string;
  path: string;
  body: string;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Finds, reads and statically checks a child workflow; throws an Error with a clear message. */
export async function resolveChildWorkflow(
  ref: string | { scriptPath: string },
  projectDir: string,
): Promise<ChildScript> {
  let path: string | undefined;
  let source: string | undefined;
  if (typeof ref === "string") {
    if (!/^[\w.-]+$/.test(ref) || ref.startsWith(".")) throw new Error(`invalid workflow name "${ref}"`);
    for (const dir of [".odw/workflows", ".claude/workflows"]) {
      const candidate = join(projectDir, dir, `${ref}.js`);
      source = await readIfExists(candidate);
      if (source !== undefined) {
        path = candidate;
        break;
      }
    }
    if (source === undefined || path === undefined) {
      throw new Error(`unknown workflow "${ref}" (looked in .odw/workflows and .claude/workflows)`);
    }
  } else {
    path = isAbsolute(ref.scriptPath) ? ref.scriptPath : resolve(projectDir, ref.scriptPath);
    source = await readIfExists(path);
    if (source === undefined) throw new Error(`workflow script not found: ${ref.scriptPath}`);
  }
  const analysis = analyzeScript(source);
  if (!analysis.ok) throw new Error(`${path}: ${analysis.error}`);
  return { name: analysis.meta.name, path, body: analysis.body };
}
