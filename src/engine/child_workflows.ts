/**
 * Resolves `workflow(nameOrRef)` to a checked child script, with the built-in's messages: a name is
 * looked up in the project's `.odw/workflows/NAME.js`, then `.claude/workflows/NAME.js` (see
 * `named_workflows.ts`);
 * `{ scriptPath }` is a path relative to the project directory (the directory odw runs in).
 *
 * Files are read through `workflow_file.ts` (inside the project only, regular files only, size
 * capped). A refusal quotes a file's text (a parse error's excerpt, a token) only when the file lies
 * in a workflow directory; for any other file it says that the file is not a valid workflow script
 * and points to `odw check`, so a script cannot read a project file back through the error.
 *
 * @module
 */
import { analyzeScript, type CallSite } from "../script/analyze.ts";
import { findNamedWorkflow, listNamedWorkflows, REFUSAL_PREFIX } from "./named_workflows.ts";
import { readWorkflowFile, type WorkflowFile, WorkflowFileError } from "./workflow_file.ts";

/** A child script ready for the worker. */
export interface ChildScript {
  /** The name the child is shown by: the name asked for, or the script's meta.name for a path. */
  name: string;
  path: string;
  body: string;
  /** The child's call sites, for the report. */
  callSites: CallSite[];
}

/** Names of the project's workflows (both directories), sorted. */
export async function availableWorkflows(projectDir: string): Promise<string[]> {
  return (await listNamedWorkflows(projectDir)).map((w) => w.name);
}

function checked(file: WorkflowFile, where: string, name?: string): ChildScript {
  const analysis = analyzeScript(file.text, { determinism: false });
  if (!analysis.ok) {
    if (!file.inWorkflowDir) {
      throw new Error(
        `${where}: not a valid workflow script (the reason is not shown for files outside .odw/workflows and .claude/workflows; run \`odw check\` on it)`,
      );
    }
    const reason = analysis.error.startsWith(REFUSAL_PREFIX)
      ? analysis.error.slice(REFUSAL_PREFIX.length)
      : analysis.error;
    throw new Error(`${where}: ${reason}`);
  }
  return {
    name: name ?? analysis.meta.name,
    path: file.path,
    body: analysis.body,
    callSites: analysis.callSites,
  };
}

/** Finds, reads and statically checks a child workflow; throws an Error with the built-in's message. */
export async function resolveChildWorkflow(
  ref: string | { scriptPath: string },
  projectDir: string,
): Promise<ChildScript> {
  if (typeof ref === "string") {
    const where = `workflow('${ref}')`;
    const file = await findNamedWorkflow(ref, projectDir);
    if (file) return checked(file, where, ref);
    const names = await availableWorkflows(projectDir);
    throw new Error(`${where}: no workflow with that name. Available: ${names.join(", ") || "(none)"}`);
  }
  const where = `workflow({scriptPath: '${ref.scriptPath}'})`;
  let file: WorkflowFile | undefined;
  try {
    file = await readWorkflowFile(ref.scriptPath, projectDir);
  } catch (e) {
    if (e instanceof WorkflowFileError) throw new Error(`${where}: ${e.message}`);
    throw e;
  }
  if (file === undefined) throw new Error(`${where}: Workflow script file not found: ${ref.scriptPath}`);
  return checked(file, where);
}
