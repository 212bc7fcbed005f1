/**
 * bamboo's tools that look around the workspace: list (a directory listing, optionally recursive)
 * and search (a regular expression over the text files under a directory). Both stay inside the
 * {@link Workspace}: they never descend into `.git`, never follow symlinks, and cap their output.
 *
 * @module
 */
import { type Tool, tool } from "ai";
import { z } from "zod";
import { join } from "node:path";
import { readRegularFile, UnreadableFileError } from "../../src/common/regular_file.ts";
import {
  type LinearRegExp,
  linearRegExp,
  loadLinearRegExp,
  MAX_PATTERN_CHARS,
} from "../../src/common/linear_regexp.ts";
import type { Workspace } from "./jail.ts";
import { ToolFailure } from "./file_tools.ts";

/** Most entries `list` returns. */
export const LIST_MAX_ENTRIES = 500;
/** Deepest level a recursive `list` goes. */
export const LIST_MAX_DEPTH = 6;
/** Default and largest number of matching lines `search` returns. */
export const SEARCH_DEFAULT_RESULTS = 100;
/** Largest `maxResults` a search may ask for. */
export const SEARCH_MAX_RESULTS = 500;
/** Files larger than this are skipped by `search`. */
export const SEARCH_MAX_FILE_BYTES = 1024 * 1024;
/** Most files one `search` scans. */
export const SEARCH_MAX_FILES = 20_000;
const LINE_PREVIEW = 240;
/**
 * What one search may cost. RE2 is linear in the text but times the pattern's program size, and the
 * search runs on the executor's thread (in-process: odw's own), so: patterns are capped by program
 * size (where RE2's DFA gives up, as on varied text, it simulates the program at some 13 ns per
 * instruction and character: a 500-instruction pattern takes about 65 ms on a 10 000-character
 * line), each line is matched in its first {@link SEARCH_LINE_CHARS} characters, the search yields to
 * the event loop every {@link SEARCH_SLICE_MS} (timers, cancellation and timeouts keep working), and it
 * stops after {@link SEARCH_BUDGET_MS} with what it found.
 */
export const SEARCH_MAX_PROGRAM = 500;
/** Characters of each line the pattern is matched against (minified files have megabyte lines). */
export const SEARCH_LINE_CHARS = 10_000;
/** The longest the search holds the thread before it yields. */
const SEARCH_SLICE_MS = 20;
/** The longest one search call may take. */
export const SEARCH_BUDGET_MS = 10_000;

interface Entry {
  rel: string;
  /** `other`: a FIFO, socket or device (listed, never read). */
  kind: "file" | "dir" | "symlink" | "other";
  abs: string;
}

/** Walks `dir` breadth-first (sorted), skipping `.git`, not following symlinks. */
async function* walk(ws: Workspace, dir: string, maxDepth: number): AsyncGenerator<Entry> {
  let level: string[] = [dir];
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const nextLevel: string[] = [];
    for (const current of level) {
      const names: Deno.DirEntry[] = [];
      try {
        for await (const entry of Deno.readDir(current)) names.push(entry);
      } catch (err) {
        // Removed while the walk ran (another tool call of the same turn, a command): nothing to list.
        if (err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
      names.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of names) {
        if (entry.name === ".git") continue;
        const abs = join(current, entry.name);
        const kind = entry.isSymlink
          ? "symlink"
          : entry.isDirectory
          ? "dir"
          : entry.isFile
          ? "file"
          : "other";
        yield { rel: ws.display(abs), kind, abs };
        if (kind === "dir") nextLevel.push(abs);
      }
    }
    level = nextLevel;
  }
}

/** The `list` tool. */
export function listTool(ws: Workspace): Tool {
  return tool({
    description: "List a directory of the workspace (default: the root). Directories end with '/', " +
      `symlinks with '@'. recursive lists up to ${LIST_MAX_DEPTH} levels; at most ${LIST_MAX_ENTRIES} ` +
      "entries. .git is never listed.",
    inputSchema: z.object({
      path: z.string().optional().describe("Directory, relative to the workspace root (default '.')"),
      recursive: z.boolean().optional().describe("Include subdirectories"),
    }),
    execute: async ({ path, recursive }) => {
      const target = await ws.resolve(path ?? ".");
      if (!target.exists) throw new ToolFailure(`${target.rel}: no such directory`);
      if (!(await Deno.stat(target.abs)).isDirectory) {
        throw new ToolFailure(`${target.rel} is a file; use read`);
      }
      const lines: string[] = [];
      let more = false;
      for await (const entry of walk(ws, target.abs, recursive ? LIST_MAX_DEPTH : 1)) {
        if (lines.length >= LIST_MAX_ENTRIES) {
          more = true;
          break;
        }
        const shown = target.rel === "." ? entry.rel : entry.rel.slice(target.rel.length + 1);
        lines.push(shown + (entry.kind === "dir" ? "/" : entry.kind === "symlink" ? "@" : ""));
      }
      if (lines.length === 0) return `${target.rel} is empty`;
      if (more) lines.push(`[stopped at ${LIST_MAX_ENTRIES} entries; list a subdirectory for more]`);
      return lines.join("\n");
    },
  });
}

/**
 * A glob (`*`, `**`, `?`) as a linear-time pattern over a workspace-relative path (the glob is the
 * model's: `*a*a*a*…b` as a backtracking RegExp would take exponential time). Await
 * `loadLinearRegExp()` first.
 */
export function globToRegExp(glob: string): LinearRegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return linearRegExp(`^${source}$`);
}

/** What {@link scanFiles} found, and why it stopped early, if it did. */
interface ScanResult {
  hits: string[];
  limit: number;
  stopped?: "matches" | "time";
}

/**
 * Matches `regex` against the lines of `files` (regular, non-binary files only), at most `limit` hits,
 * within {@link SEARCH_BUDGET_MS}, yielding to the event loop every {@link SEARCH_SLICE_MS}; throws the
 * signal's reason once it aborts.
 */
async function scanFiles(
  files: Entry[],
  regex: LinearRegExp,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<ScanResult> {
  const hits: string[] = [];
  const deadline = performance.now() + SEARCH_BUDGET_MS;
  let slice = performance.now();
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      // Regular files only (a FIFO would block the search), never through a hard link.
      bytes = await readRegularFile(file.abs, { maxBytes: SEARCH_MAX_FILE_BYTES, refuseHardLinks: true });
    } catch (err) {
      // Not a regular file, or gone since the walk saw it (say, a write's temp file renamed away by a
      // tool call running in the same turn): nothing to search.
      if (err instanceof UnreadableFileError || err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    if (bytes.subarray(0, 8192).includes(0)) continue;
    const lines = new TextDecoder().decode(bytes).split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (performance.now() - slice > SEARCH_SLICE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        signal?.throwIfAborted();
        if (performance.now() > deadline) return { hits, limit, stopped: "time" };
        slice = performance.now();
      }
      const text = lines[i];
      if (!regex.test(text.length > SEARCH_LINE_CHARS ? text.slice(0, SEARCH_LINE_CHARS) : text)) continue;
      if (hits.length >= limit) return { hits, limit, stopped: "matches" };
      hits.push(
        `${file.rel}:${i + 1}: ${text.length > LINE_PREVIEW ? text.slice(0, LINE_PREVIEW) + "…" : text}`,
      );
    }
  }
  return { hits, limit };
}

/** The `search` tool. */
export function searchTool(ws: Workspace): Tool {
  return tool({
    description: "Search text files under a directory of the workspace for a regular expression " +
      "(JavaScript syntax without lookaround or backreferences: it runs in a linear-time engine; " +
      `each line is matched in its first ${SEARCH_LINE_CHARS} characters). ` +
      "Returns 'path:line: text' for each matching line, at most maxResults " +
      `(default ${SEARCH_DEFAULT_RESULTS}). Skips .git, symlinks, binary files, files over 1 MiB, ` +
      "hard-linked files and anything that is not a regular file.",
    inputSchema: z.object({
      pattern: z.string().min(1).max(MAX_PATTERN_CHARS).describe("Regular expression to look for"),
      path: z.string().optional().describe("Directory or file to search (default '.')"),
      include: z.string().max(MAX_PATTERN_CHARS).optional().describe(
        "Only files matching this glob, e.g. '*.ts' or 'src/**/*.js'",
      ),
      ignoreCase: z.boolean().optional(),
      maxResults: z.number().int().min(1).max(SEARCH_MAX_RESULTS).optional(),
    }),
    execute: async ({ pattern, path, include, ignoreCase, maxResults }, { abortSignal }) => {
      // The model's pattern runs in a linear-time engine: a catastrophic one cannot freeze this thread
      // (in-process, odw's own).
      let regex: LinearRegExp;
      let filter: LinearRegExp | undefined;
      await loadLinearRegExp();
      try {
        regex = linearRegExp(pattern, { ignoreCase, maxProgramSize: SEARCH_MAX_PROGRAM });
      } catch (err) {
        throw new ToolFailure(`invalid regular expression: ${(err as Error).message}`);
      }
      try {
        filter = include ? globToRegExp(include) : undefined;
      } catch (err) {
        throw new ToolFailure(`invalid include glob: ${(err as Error).message}`);
      }
      const target = await ws.resolve(path ?? ".");
      if (!target.exists) throw new ToolFailure(`${target.rel}: no such file or directory`);
      const files: Entry[] = [];
      if ((await Deno.stat(target.abs)).isDirectory) {
        for await (const entry of walk(ws, target.abs, Infinity)) {
          if (entry.kind !== "file") continue;
          if (filter && !filter.test(include!.includes("/") ? entry.rel : entry.rel.split("/").pop()!)) {
            continue;
          }
          files.push(entry);
          if (files.length >= SEARCH_MAX_FILES) break;
        }
      } else {
        files.push({ rel: target.rel, kind: "file", abs: target.abs });
      }
      const found = await scanFiles(files, regex, maxResults ?? SEARCH_DEFAULT_RESULTS, abortSignal);
      const { hits } = found;
      if (found.stopped === "time") {
        hits.push(
          `[stopped after ${SEARCH_BUDGET_MS / 1000} s of searching; narrow the pattern or the path]`,
        );
      }
      if (hits.length === 0) return `no matches for /${pattern}/ in ${files.length} file(s)`;
      if (found.stopped === "matches") {
        hits.push(`[stopped at ${found.limit} matches; narrow the pattern or the path]`);
      }
      return hits.join("\n");
    },
  });
}
