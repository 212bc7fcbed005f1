/**
 * The workspace jail for bamboo's file tools: every path the model gives is resolved against the
 * task's working directory and refused when it leaves it.
 *
 * Refused, with a {@link JailError} whose message the model sees as the tool error:
 * - lexical escapes (`../x`, `a/../../x`) and absolute paths outside the workspace;
 * - paths that resolve through a symlink to a place outside the workspace (the real path of an
 *   existing target is checked; for a new file, the real path of its nearest existing ancestor);
 * - dangling symlinks (writing through one could create a file anywhere);
 * - anything inside a `.git` directory (git internals), before or after resolving symlinks.
 *
 * What a path names is checked by the file tools: only regular files are read, searched or written
 * (a FIFO, socket or device would block or never end), a file with several hard links is not read or
 * edited (another of its names may be outside the workspace), and writes replace the file through a
 * temporary file and a rename, so they never write through a hard link into another file.
 *
 * Checks happen right before each file operation; a race with another process changing the tree in
 * between is out of scope (the jail keeps a model's mistakes inside the workspace; it is not a
 * sandbox against a hostile local process, and the bash tool is not jailed at all).
 *
 * @module
 */
import { isAbsolute, relative, resolve, sep } from "node:path";

/** A path the jail refused; the message is meant for the model. */
export class JailError extends Error {
  override name = "JailError";
}

/** A path inside the workspace. */
export interface JailedPath {
  /** Absolute path to operate on (symlinks inside the workspace resolved). */
  abs: string;
  /** Path relative to the workspace root, `.` for the root, for messages to the model. */
  rel: string;
  /** Whether something exists there now. */
  exists: boolean;
}

/** The workspace root and the checks against it. */
export class Workspace {
  /** The root as given (absolute). */
  readonly root: string;
  /** The root with symlinks resolved. */
  readonly realRoot: string;

  private constructor(root: string, realRoot: string) {
    this.root = root;
    this.realRoot = realRoot;
  }

  /** Opens a workspace at `cwd` (which must exist and be a directory). */
  static async open(cwd: string): Promise<Workspace> {
    const root = resolve(cwd);
    const realRoot = await Deno.realPath(root);
    if (!(await Deno.stat(realRoot)).isDirectory) throw new Error(`${cwd} is not a directory`);
    return new Workspace(root, realRoot);
  }

  /** Resolves `path` (relative to the root, or absolute inside it) or throws a {@link JailError}. */
  async resolve(path: string): Promise<JailedPath> {
    const given = path.trim() === "" ? "." : path;
    const lexical = this.lexicalInside(given);
    const rel = relative(this.realRoot, lexical) || ".";
    if (isGitInternal(rel)) {
      throw new JailError(
        `refused "${path}": .git internals are off limits to file tools (use git through bash)`,
      );
    }
    const { real, exists } = await realTarget(lexical, path);
    if (!isInside(this.realRoot, real)) {
      throw new JailError(
        `refused "${path}": it resolves through a symlink to ${real}, outside the workspace ${this.root}`,
      );
    }
    const realRel = relative(this.realRoot, real) || ".";
    if (isGitInternal(realRel)) {
      throw new JailError(
        `refused "${path}": it resolves to .git internals, which are off limits to file tools`,
      );
    }
    return { abs: real, rel: realRel, exists };
  }

  /** Path relative to the root for display (`abs` must be inside the real root). */
  display(abs: string): string {
    return relative(this.realRoot, abs) || ".";
  }

  /** The lexical absolute path under the real root, or a JailError when it leaves the workspace. */
  private lexicalInside(path: string): string {
    if (path.includes("\0")) throw new JailError(`refused "${path}": the path contains a NUL byte`);
    if (isAbsolute(path)) {
      const abs = resolve(path);
      // Absolute paths may be spelled with the root as given or with its real path.
      for (const base of [this.root, this.realRoot]) {
        if (isInside(base, abs)) return resolve(this.realRoot, relative(base, abs));
      }
      throw new JailError(`refused "${path}": absolute path outside the workspace ${this.root}`);
    }
    const abs = resolve(this.realRoot, path);
    if (!isInside(this.realRoot, abs)) {
      throw new JailError(
        `refused "${path}": it leaves the workspace ${this.root} (file tools work only inside it)`,
      );
    }
    return abs;
  }
}

/** True when `child` is `parent` or below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  // Segment-based: `..foo` is a name inside `parent`, only `..` itself or `../…` leaves it.
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** True when a workspace-relative path names `.git` or something inside it (at any depth). */
export function isGitInternal(rel: string): boolean {
  return rel.split(sep).some((part) => part.toLowerCase() === ".git");
}

/** Real path of `abs`, or of its nearest existing ancestor joined with the missing rest. */
async function realTarget(abs: string, shown: string): Promise<{ real: string; exists: boolean }> {
  const missing: string[] = [];
  let current = abs;
  for (;;) {
    let linkInfo: Deno.FileInfo | undefined;
    try {
      linkInfo = await Deno.lstat(current);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (linkInfo) {
      let real: string;
      try {
        real = await Deno.realPath(current);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound && linkInfo.isSymlink) {
          throw new JailError(`refused "${shown}": it goes through a dangling symlink (${current})`);
        }
        throw err;
      }
      return { real: resolve(real, ...missing.reverse()), exists: missing.length === 0 };
    }
    const parent = resolve(current, "..");
    if (parent === current) return { real: abs, exists: false };
    missing.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
    current = parent;
  }
}
