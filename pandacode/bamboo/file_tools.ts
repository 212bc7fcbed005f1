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
import { dirname } from "node:path";
import type { Workspace } from "./jail.ts";

/** Largest text `read` returns in one call, in characters. */
export const READ_MAX_CHARS = 100_000;
/** Largest file `read` or `edit` will load, in bytes. */
export const FILE_MAX_BYTES = 10 * 1024 * 1024;

/** The failure the model sees for a file operation that could not be done. */
export class ToolFailure extends Error {
  override name = "ToolFailure";
}

async function loadText(ws: Workspace, path: string): Promise<{ abs: string; rel: string; text: string }> {
  const target = await ws.resolve(path);
  if (!target.exists) throw new ToolFailure(`${target.rel}: no such file`);
  const info = await Deno.stat(target.abs);
  if (info.isDirectory) throw new ToolFailure(`${target.rel} is a directory; use the list tool`);
  if (info.size > FILE_MAX_BYTES) {
    throw new ToolFailure(`${target.rel} is ${info.size} bytes, over the ${FILE_MAX_BYTES}-byte limit`);
  }
  const bytes = await Deno.readFile(target.abs);
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
      await Deno.writeTextFile(target.abs, content);
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
      await Deno.writeTextFile(abs, updated);
      return `edited ${rel}: replaced ${replaceAll ? count : 1} occurrence${
        count > 1 && replaceAll ? "s" : ""
      }`;
    },
  });
}

/** Non-overlapping occurrences of `needle` in `haystack`. */
export function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}
