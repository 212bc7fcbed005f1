/**
 * Reads a child workflow's file for a (hostile) script, safely: the path must resolve — symlinks
 * followed — to a regular file inside the project directory, of at most
 * {@link MAX_WORKFLOW_SCRIPT_BYTES}. Nothing is opened before it is known to be a regular file (opening
 * a FIFO blocks; a device such as `/dev/zero` never ends), and the opened handle is checked to be the
 * file that was inspected (`src/common/regular_file.ts`). It also tells whether the file lies inside one of the workflow directories,
 * the only files whose content an error message may quote back to the script.
 *
 * @module
 */
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { readRegularFile, UnreadableFileError } from "../common/regular_file.ts";

/** Largest workflow script a `workflow()` call reads (1 MiB). */
export const MAX_WORKFLOW_SCRIPT_BYTES = 1024 * 1024;

/** The project's workflow directories, searched in this order for `workflow(name)`. */
export const WORKFLOW_DIRS = [".odw/workflows", ".claude/workflows"] as const;

/** Why a path cannot be read as a workflow script (the message names no file content). */
export class WorkflowFileError extends Error {
  override name = "WorkflowFileError";
}

/** A workflow file read from the project. */
export interface WorkflowFile {
  /** The file's absolute path as asked for (resolved against the project, symlinks kept). */
  path: string;
  /** Its text (UTF-8, a BOM dropped). */
  text: string;
  /** True when the real path lies inside `.odw/workflows` or `.claude/workflows` of the project. */
  inWorkflowDir: boolean;
}

/** True when `path` is `root` or below it (both absolute and normalised). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`));
}

/** `realPath`, or undefined when the path (or a symlink's target) does not exist. */
async function realPathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.realPath(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return undefined;
    throw e;
  }
}

/**
 * Reads `path` (relative to `projectDir`, or absolute) as a workflow script. Returns undefined when
 * nothing is there; throws {@link WorkflowFileError} when the path leaves the project, is not a
 * regular file or is too large.
 *
 * @example
 * ```ts
 * const file = await readWorkflowFile("lib/child.js", Deno.cwd());
 * if (file) console.log(file.path, file.inWorkflowDir);
 * ```
 */
export async function readWorkflowFile(path: string, projectDir: string): Promise<WorkflowFile | undefined> {
  const root = resolve(projectDir);
  const wanted = resolve(root, path);
  // Refused before the file system is asked anything about a path outside the project.
  if (!isInside(root, wanted)) throw new WorkflowFileError("the script must be inside the project directory");
  const realRoot = await Deno.realPath(root);
  const real = await realPathOrUndefined(wanted);
  if (real === undefined) return undefined;
  if (!isInside(realRoot, real)) {
    throw new WorkflowFileError("the script must be inside the project directory (it links outside)");
  }
  let text: string;
  try {
    text = new TextDecoder().decode(await readRegularFile(real, { maxBytes: MAX_WORKFLOW_SCRIPT_BYTES }));
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    throw new WorkflowFileError(
      e.reason === "not-regular"
        ? "the script is not a regular file"
        : e.reason === "too-large"
        ? `the script is larger than ${MAX_WORKFLOW_SCRIPT_BYTES / 1024 / 1024} MiB`
        : "the script changed while it was being read",
    );
  }
  const inWorkflowDir = WORKFLOW_DIRS.some((dir) => isInside(join(realRoot, dir), real));
  return { path: wanted, text, inWorkflowDir };
}
