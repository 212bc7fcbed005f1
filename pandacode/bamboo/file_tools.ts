/**
 * bamboo's file tools that touch one file: read (optionally a line range, size-capped), write
 * (create or overwrite) and edit (exact, unique string replacement). Every path goes through the
 * {@link Workspace} jail; a refused path or a failed operation throws, and the AI SDK hands the
 * error message to the model as the tool result so it can correct itself.
 *
 * @module
 */
import { type Tool, tool } from "ai";
import { z } from "zod";
import { basename, dirname, join } from "node:path";
import { checkRegularFile, readRegularFile, UnreadableFileError } from "../../src/common/regular_file.ts";
import type { Workspace } from "./jail.ts";

/** Largest text `read` returns in one call, in characters. */
export const READ_MAX_CHARS = 100_000;
/** Largest file `read` or `edit` will load, in bytes. */
export const FILE_MAX_BYTES = 10 * 1024 * 1024;

/** The failure the model sees for a file operation that could not be done. */
export class ToolFailure extends Error {
  override name = "ToolFailure";
}

/** The model-facing failure for a file the regular-file reader refused. */
export function unreadable(rel: string, error: UnreadableFileError): ToolFailure {
  switch (error.reason) {
    case "not-regular":
      return new ToolFailure(`${rel} is not a regular file (a FIFO, socket or device); not touching it`);
    case "too-large":
      return new ToolFailure(`${rel} is ${error.size} bytes, over the ${FILE_MAX_BYTES}-byte limit`);
    case "hard-linked":
      return new ToolFailure(
        `${rel} has several hard links (another name may be outside the workspace); file tools do not ` +
          "read or edit it (write replaces it with a new file)",
      );
    case "changed":
      return new ToolFailure(`${rel} changed while it was being opened; try again`);
  }
}

async function loadText(ws: Workspace, path: string): Promise<{ abs: string; rel: string; text: string }> {
  const target = await ws.resolve(path);
  if (!target.exists) throw new ToolFailure(`${target.rel}: no such file`);
  if ((await Deno.stat(target.abs)).isDirectory) {
    throw new ToolFailure(`${target.rel} is a directory; use the list tool`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(target.abs, { maxBytes: FILE_MAX_BYTES, refuseHardLinks: true });
  } catch (err) {
    if (err instanceof UnreadableFileError) throw unreadable(target.rel, err);
    throw err;
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    throw new ToolFailure(`${target.rel} looks binary; not reading it`);
  }
  return { abs: target.abs, rel: target.rel, text: new TextDecoder().decode(bytes) };
}

/** The `read` tool. */
export function readTool(ws: Workspace): Tool {
  return tool({
    description: "Read a text file in the workspace. Optionally give a 1-based inclusive line range " +
      `(startLine, endLine). Output is capped at ${READ_MAX_CHARS} characters; read large files in ranges.`,
    inputSchema: z.object({
      path: z.string().describe("File path, relative to the workspace root"),
      startLine: z.number().int().min(1).optional().describe("First line to return (1-based)"),
      endLine: z.number().int().min(1).optional().describe("Last line to return (inclusive)"),
    }),
    execute: async ({ path, startLine, endLine }) => {
      const { rel, text } = await loadText(ws, path);
      const lines = text.split("\n");
      const total = text.endsWith("\n") ? lines.length - 1 : lines.length;
      const ranged = startLine !== undefined || endLine !== undefined;
      const from = Math.max(1, startLine ?? 1);
      const to = Math.min(total, endLine ?? total);
      if (ranged && from > to) {
        throw new ToolFailure(`${rel} has ${total} lines; range ${from}-${to} is empty`);
      }
      let out = ranged ? lines.slice(from - 1, to).join("\n") : text;
      if (out.length > READ_MAX_CHARS) {
        const shown = out.slice(0, READ_MAX_CHARS);
        const lastLine = from + shown.split("\n").length - 1;
        out = shown + `\n[truncated: ${rel} has ${total} lines; showing from line ${from} to about ` +
          `${lastLine}. Read the rest with startLine/endLine.]`;
      }
      return out;
    },
  });
}

/** The `write` tool. */
export function writeTool(ws: Workspace): Tool {
  return tool({
    description: "Create or overwrite a text file in the workspace with the given content " +
      "(parent directories are created). Prefer edit for small changes to existing files.",
    inputSchema: z.object({
      path: z.string().describe("File path, relative to the workspace root"),
      content: z.string().describe("The whole new content of the file"),
    }),
    execute: async ({ path, content }) => {
      const target = await ws.resolve(path);
      if (target.exists && (await Deno.stat(target.abs)).isDirectory) {
        throw new ToolFailure(`${target.rel} is a directory`);
      }
      await Deno.mkdir(dirname(target.abs), { recursive: true });
      await replaceFile(target.abs, target.rel, content, target.exists);
      const bytes = new TextEncoder().encode(content).length;
      return `${target.exists ? "overwrote" : "created"} ${target.rel} (${bytes} bytes)`;
    },
  });
}

/** The `edit` tool. */
export function editTool(ws: Workspace): Tool {
  return tool({
    description: "Replace an exact string in a file of the workspace. oldString must occur exactly once " +
      "(include enough surrounding text to make it unique) unless replaceAll is true. Whitespace and " +
      "indentation must match the file exactly.",
    inputSchema: z.object({
      path: z.string().describe("File path, relative to the workspace root"),
      oldString: z.string().min(1).describe("Exact text to find"),
      newString: z.string().describe("Text to put in its place"),
      replaceAll: z.boolean().optional().describe("Replace every occurrence instead of exactly one"),
    }),
    execute: async ({ path, oldString, newString, replaceAll }) => {
      const { abs, rel, text } = await loadText(ws, path);
      const count = countOccurrences(text, oldString);
      if (count === 0) {
        throw new ToolFailure(`oldString was not found in ${rel}; read the file and copy it exactly`);
      }
      if (count > 1 && !replaceAll) {
        throw new ToolFailure(
          `oldString occurs ${count} times in ${rel}; include more surrounding text to make it unique, ` +
            "or set replaceAll",
        );
      }
      if (oldString === newString) {
        throw new ToolFailure("oldString and newString are identical; nothing to do");
      }
      const updated = replaceAll
        ? text.split(oldString).join(newString)
        : text.replace(oldString, () => newString);
      await replaceFile(abs, rel, updated, true);
      return `edited ${rel}: replaced ${replaceAll ? count : 1} occurrence${
        count > 1 && replaceAll ? "s" : ""
      }`;
    },
  });
}

/**
 * Writes `content` as the file at `abs` through a new file in the same directory and a rename: the
 * old directory entry is replaced, never written through (a hard link elsewhere keeps its content),
 * and a reader never sees half a file. An existing file must be a regular one; its mode is kept.
 */
async function replaceFile(abs: string, rel: string, content: string, exists: boolean): Promise<void> {
  let mode: number | null = null;
  if (exists) {
    try {
      mode = (await checkRegularFile(abs, { maxBytes: Infinity })).mode;
    } catch (err) {
      if (err instanceof UnreadableFileError) throw unreadable(rel, err);
      throw err;
    }
  }
  const temp = join(dirname(abs), `.${basename(abs)}.${crypto.randomUUID().slice(0, 8)}.pandacode-tmp`);
  try {
    await Deno.writeTextFile(temp, content, { createNew: true });
    if (mode !== null) await Deno.chmod(temp, mode & 0o7777);
    await Deno.rename(temp, abs);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

/** Non-overlapping occurrences of `needle` in `haystack`. */
export function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}
