/**
 * `odw init [--path dir] [--force]`: sets a project up for odw (the files are listed in
 * `init_files.ts`). Idempotent: a file that is already there with the same content is "unchanged",
 * one with other content is "kept" (the user's) unless `--force` replaces it. Each file is written to
 * a temporary name and renamed into place, so a symlink at the path is replaced, never written
 * through, and an interrupted init leaves no half-written file.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../common/cli_kit.ts";
import { terminalLine } from "../common/terminal_text.ts";
import { HELP_OPTION, helpShown, noArguments, parseCommandArgs } from "./argv.ts";
import { INIT_GUIDE, type InitFile, initFiles } from "./init_files.ts";

/** Help text of `odw init`. */
export const INIT_HELP = `Usage: odw init [--path <dir>] [--force]

Sets up a project for odw: .odw/config.json (valid, with odw's defaults written out),
.odw/workflows/explain-project.js (a named example: odw exec explain-project), editor typings
(.odw/odw.d.ts and .odw/jsconfig.json), .odw/.gitignore (run records stay out of git) and the odw
skill at .claude/skills/odw/SKILL.md. Safe to run again: files already there are kept (and listed)
unless --force.

Options:
  --path <dir>   the project directory (default: the current directory; created if missing)
  --force        replace files that differ from odw's version
  -h, --help     this help`;

/** What happened to one file. */
export type InitAction = "created" | "unchanged" | "kept" | "replaced";

/** The file at `path` when it is a regular file, `link` or `other` when not; null when nothing is there. */
async function current(path: string): Promise<Uint8Array | "link" | "other" | null> {
  try {
    const info = await Deno.lstat(path);
    return info.isFile ? await Deno.readFile(path) : info.isSymlink ? "link" : "other";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Writes `content` to `path` through a temporary file and a rename. */
async function writeAtomically(path: string, content: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.odw-init-${Deno.pid}.tmp`;
  try {
    await Deno.writeFile(tmp, content);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Puts one file in place (or leaves it); returns what was done. */
async function place(projectDir: string, file: InitFile, force: boolean): Promise<InitAction> {
  const path = join(projectDir, file.path);
  const existing = await current(path);
  if (existing instanceof Uint8Array && sameBytes(existing, file.content)) return "unchanged";
  if (existing === "other" && force) {
    throw new UsageError(`cannot replace ${path}: it is not a regular file`);
  }
  if (existing !== null && !force) return "kept";
  await writeAtomically(path, file.content);
  return existing === null ? "created" : "replaced";
}

/** Sets up `projectDir`; returns each file with what was done to it. */
export async function initProject(
  projectDir: string,
  force: boolean,
): Promise<{ file: InitFile; action: InitAction }[]> {
  const done = [];
  for (const file of await initFiles()) {
    let action: InitAction;
    try {
      action = await place(projectDir, file, force);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const reason = e instanceof Deno.errors.PermissionDenied
        ? "permission denied"
        : e instanceof Deno.errors.NotADirectory || e instanceof Deno.errors.AlreadyExists
        ? "a file is in the way"
        : (e as Error).message.split("\n")[0];
      throw new UsageError(`cannot write ${join(projectDir, file.path)}: ${reason}`);
    }
    done.push({ file, action });
  }
  return done;
}

/** Runs `odw init`; returns the exit code. */
export async function initCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("init", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      path: { type: "string" },
      force: { type: "boolean", default: false },
      ...HELP_OPTION,
    },
  });
  if (helpShown(values, INIT_HELP)) return 0;
  noArguments(positionals, " (use --path <dir>)");
  const projectDir = resolve(values.path ?? ".");
  const done = await initProject(projectDir, values.force);
  console.log(`odw init: ${terminalLine(projectDir)}`);
  const width = Math.max(...done.map(({ file }) => file.path.length));
  for (const { file, action } of done) {
    console.log(`  ${action.padEnd(9)} ${file.path.padEnd(width)}  ${file.what}`);
  }
  const kept = done.filter(({ action }) => action === "kept").map(({ file }) => file.path);
  if (kept.length > 0) {
    console.log(`kept your version of ${kept.join(", ")} (odw init --force replaces them)`);
  }
  console.log(INIT_GUIDE);
  return 0;
}
